"""Province / national oversight URLs (/pengawasan/)."""

from django.urls import URLPattern, URLResolver, path

from . import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("pengawasan/", views.overview, name="oversight-overview"),
    path("pengawasan/<slug:pemda>/<slug:opd>/", views.office, name="oversight-office"),
]
