"""Under /opd/<office_code>/: the office's links to the RPJMD (wrapped by `accounts.access.office_view`)."""

from django.urls import URLPattern, path

from . import office_views

urlpatterns: list[URLPattern] = [
    path("rencana/rpjmd/", office_views.office_links, name="office-rpjmd-links"),
]
