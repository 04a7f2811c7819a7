"""``/healthz``, ``/readyz`` and ``/metrics`` answered before the rest of the middleware (first in MIDDLEWARE).

Probes and Prometheus call the application server directly (``http://127.0.0.1:8000/healthz``): answered
here, they need no ``ALLOWED_HOSTS`` entry for that address, are not redirected to HTTPS, open no session
and are not counted in the request log and latency metrics they would otherwise swamp. Only GET and HEAD
(another method goes on to the URLs, where these paths do not exist: 404). This is the one place that serves
them; they are not in the URL configuration (the authorisation matrix covers pages, these are none).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .health import healthz, readyz
from .metrics import metrics_view

ROUTES: dict[str, Callable[[HttpRequest], HttpResponse]] = {
    "/healthz": healthz,
    "/readyz": readyz,
    "/metrics": metrics_view,
}


class OpsEndpointsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        view = ROUTES.get(request.path_info.rstrip("/") or "/")
        if view is not None and request.method in ("GET", "HEAD"):
            return view(request)
        return self.get_response(request)
