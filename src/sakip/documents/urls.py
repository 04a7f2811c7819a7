"""Regency-level URLs: the batch generation of every office's documents."""

from django.urls import URLPattern, URLResolver, path

from . import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("dokumen/massal/", views.batch, name="documents-batch"),
    path("dokumen/massal/<int:pk>/", views.batch_job, name="documents-batch-job"),
    path("dokumen/massal/<int:pk>/status/", views.batch_status, name="documents-batch-status"),
    path("dokumen/massal/<int:pk>/unduh/", views.batch_download, name="documents-batch-download"),
    path("dokumen/massal/<int:pk>/coba-lagi/", views.batch_retry, name="documents-batch-retry"),
]
