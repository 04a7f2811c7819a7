"""Regency-level URLs."""

from django.urls import URLPattern, URLResolver, path

from . import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("pemda/", views.dashboard, name="regency-dashboard"),
    path("pemda/grafik.svg", views.chart, name="regency-chart"),
    path("pemda/hitung-ulang/", views.progress, name="regency-progress"),
]
