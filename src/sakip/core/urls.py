from django.urls import path

from . import views

urlpatterns = [
    path("data/", views.office_data, name="office-data"),
    path("data/ekspor.yaml", views.office_export, name="office-export"),
    path("data/ekspor.zip", views.office_export_bundle, name="office-export-bundle"),
    path("data/asal/", views.office_provenance, name="office-provenance"),
]
