"""URLs under /opd/<office_code>/ (every view wrapped by accounts.access.office_view)."""

from django.urls import URLPattern, URLResolver, path

from . import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("impor-excel/<year:year>/", views.import_page, name="import-excel"),
    path("impor-excel/<year:year>/konfirmasi/", views.import_confirm, name="import-excel-confirm"),
    path("impor-excel/<year:year>/templat/", views.import_template, name="import-excel-template"),
]
