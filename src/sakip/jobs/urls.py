"""A background job's pages (`/tugas/<id>/`)."""

from django.urls import URLPattern, URLResolver, path

from . import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("tugas/<int:pk>/", views.detail, name="jobs-detail"),
    path("tugas/<int:pk>/status/", views.status, name="jobs-status"),
    path("tugas/<int:pk>/unduh/", views.download, name="jobs-download"),
    path("tugas/<int:pk>/coba-lagi/", views.retry_view, name="jobs-retry"),
]
