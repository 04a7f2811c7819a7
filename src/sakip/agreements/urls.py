from django.urls import path

from . import views

urlpatterns = [
    path("pk/<year:year>/", views.pk_detail, name="pk-detail"),
    path("pk/<year:year>/ubah/", views.pk_edit, name="pk-edit"),
    path("pk/<year:year>/perubahan/", views.pk_amend, name="pk-amend"),
]
