from django.urls import path

from . import views

urlpatterns = [
    path("data/", views.office_data, name="office-data"),
    path("data/ekspor.yaml", views.office_export, name="office-export"),
]
