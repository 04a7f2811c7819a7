"""The last line against a busy database: a 503 "server sedang sibuk, coba lagi" instead of a 500.

The settings make it rare (SQLite: WAL, a 20 s busy timeout, IMMEDIATE transactions; every
write of an office takes the office's lock first, so PostgreSQL writers take turns instead of
deadlocking). Should SQLite's lock still be busy after the timeout, or PostgreSQL report a
deadlock or a serialization failure that a retry did not cure, the user gets this page (or the
API this JSON) with ``Retry-After`` — never Django's 500 and never "database is locked". Nothing
was stored: the transaction was rolled back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from .concurrency import is_busy

RETRY_AFTER_SECONDS = 5
logger = logging.getLogger("sakip.busy")


class BusyDatabaseMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_busy(exception):
            return None
        logger.warning("database busy on %s %s: %s", request.method, request.path, exception)
        return busy_response(request)


def busy_response(request: HttpRequest) -> HttpResponse:
    message = _("Server sedang sibuk, coba lagi beberapa detik lagi. Tidak ada yang disimpan.")
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=503)
    else:
        response = render(request, "503.html", {"message": message}, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
