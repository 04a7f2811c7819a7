"""Regency-level URLs."""

from django.urls import URLPattern, URLResolver, path

from . import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("pemda/audit/", views.regency_log, name="audit-regency"),
    path("pemda/audit/unduh/", views.regency_export, name="audit-regency-export"),
]
