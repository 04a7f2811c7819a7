"""A URL configuration with one view that fails, for the 500 case of tests/web/test_quiet_logs.py."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug, not a refusal")


urlpatterns = [path("rusak/", broken), path("", include("sakip.web.urls"))]
