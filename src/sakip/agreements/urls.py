from django.urls import path

from . import views

urlpatterns = [
    path("pk/<int:year>/", views.pk_detail, name="pk-detail"),
    path("pk/<int:year>/ubah/", views.pk_edit, name="pk-edit"),
    path("pk/<int:year>/perubahan/", views.pk_amend, name="pk-amend"),
]
