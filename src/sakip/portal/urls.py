"""The public portal: no login; only what the workflow has approved."""

from django.urls import URLPattern, URLResolver, path

from . import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("publik/", views.index, name="portal-index"),
    path("publik/data/skema.json", views.schema, name="portal-schema"),
    path("publik/data/<slug:dataset>.json", views.data_json, name="portal-data-json"),
    path("publik/data/<slug:dataset>.csv", views.data_csv, name="portal-data-csv"),
    path("publik/<slug:pemda>/<slug:opd>/", views.office_page, name="portal-office"),
    path("publik/<slug:pemda>/<slug:opd>/dokumen/<year:year>/<slug:kind>.pdf", views.document, name="portal-document"),
]
