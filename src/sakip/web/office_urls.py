"""URLs under /opd/<office_code>/ — every view here is wrapped by accounts.access.office_view."""

from django.urls import include, path

urlpatterns = [
    path("", include("sakip.monitoring.urls")),
    path("", include("sakip.planning.urls")),
    path("", include("sakip.agreements.urls")),
    path("", include("sakip.budgeting.urls")),
    path("", include("sakip.surveys.urls")),
    path("", include("sakip.core.urls")),
    path("", include("sakip.workflow.office_urls")),
    path("", include("sakip.audit.office_urls")),
    path("", include("sakip.regency.office_urls")),
    path("", include("sakip.portal.office_urls")),
    path("", include("sakip.documents.office_urls")),
    path("", include("sakip.imports.office_urls")),
    path("", include("sakip.reviews.office_urls")),
    path("", include("sakip.evaluation.office_urls")),
    path("", include("sakip.profiles.urls")),
    path("", include("sakip.cascade.office_urls")),
]
