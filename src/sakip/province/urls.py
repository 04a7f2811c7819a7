"""Province / national oversight URLs (/pengawasan/)."""

from django.urls import URLPattern, URLResolver, path

from . import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("pengawasan/", views.overview, name="oversight-overview"),
    path("pengawasan/<slug:regency_code>/<slug:office_code>/", views.office, name="oversight-office"),
]
