from django.urls import path

from . import views

urlpatterns = [
    path("anggaran/<year:year>/", views.budget_entry, name="budget-entry"),
]
