"""Regency-level URLs."""

from django.urls import URLPattern, URLResolver, path

from . import matrix_views, views

urlpatterns: list[URLPattern | URLResolver] = [
    path("pemda/", views.dashboard, name="regency-dashboard"),
    path("pemda/grafik.svg", views.chart, name="regency-chart"),
    path("pemda/hitung-ulang/", views.progress, name="regency-progress"),
    path("pemda/matriks/", matrix_views.matrix, name="regency-matrix"),
    path("pemda/matriks/<slug:opd>/", matrix_views.trends, name="regency-trends"),
]
