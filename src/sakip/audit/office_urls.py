"""URLs under /opd/<office_code>/ (every view wrapped by accounts.access.office_view)."""

from django.urls import URLPattern, URLResolver, path

from . import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("audit/", views.office_log, name="audit-office"),
    path("audit/unduh/", views.office_export, name="audit-office-export"),
]
