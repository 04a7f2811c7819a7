"""URLs under /opd/<office_code>/ (every view wrapped by accounts.access.office_view)."""

from django.urls import URLPattern, URLResolver, path

from . import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("dokumen/<year:year>/<slug:kind>.<slug:fmt>", views.download, name="document-download"),
]
