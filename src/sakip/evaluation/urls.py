"""Regency-level URLs."""

from django.urls import URLPattern, URLResolver, path

from . import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("lke/", views.evaluation_regency, name="evaluation-regency"),
]
