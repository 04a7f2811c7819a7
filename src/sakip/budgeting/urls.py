from django.urls import path

from . import views

urlpatterns = [
    path("anggaran/<int:year>/", views.budget_entry, name="budget-entry"),
]
