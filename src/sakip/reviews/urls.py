"""Regency-level URLs."""

from django.urls import URLPattern, URLResolver, path

from . import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("reviu/", views.regency_page, name="review-regency"),
]
