"""Regency-level URLs."""

from django.urls import URLPattern, URLResolver, path

from . import regency_views, views

urlpatterns: list[URLPattern | URLResolver] = [
    path("lke/", views.evaluation_regency, name="evaluation-regency"),
    path("pemda/lke/", regency_views.regency_lke_latest, name="regency-lke-latest"),
    path("pemda/lke/<year:year>/", regency_views.regency_lke, name="regency-lke"),
]
