"""Root URLs. Every view below checks the user's office and role (see sakip.accounts.access)."""

from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

urlpatterns = [
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("opd/<slug:office_code>/", include("sakip.web.office_urls")),
    path("", include("sakip.workflow.urls")),
    path("", include("sakip.audit.urls")),
    path("", include("sakip.regency.urls")),
    path("", include("sakip.province.urls")),
    path("", include("sakip.portal.urls")),
    path("", include("sakip.documents.urls")),
    path("", include("sakip.jobs.urls")),
    path("", include("sakip.imports.urls")),
    path("", include("sakip.reviews.urls")),
    path("", include("sakip.evaluation.urls")),
    path("", include("sakip.cascade.urls")),
    path("", include("sakip.api.urls")),  # /api/v1/… (its own token check) and /akun/token/
    path("", include("sakip.accounts.urls")),
]
