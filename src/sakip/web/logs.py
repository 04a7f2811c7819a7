"""Quiet logs: an expected refusal (403, 404, 409 and the other 4xx answers) is one line, not a traceback.

Django logs every 4xx on ``django.request``, and a ``PermissionDenied`` with its traceback, which in
the server console looks like a failure although the refusal is the application working. The filter
`ExpectedRefusals` rewrites such a record into one line — status, method, path, user and the reason —
and drops the traceback; a 500 keeps it. `RefusalReasonMiddleware` finds the reason: the message of the
exception a view raised (``PermissionDenied``, ``Http404``, ``PeriodLocked``), the ``detail`` of a JSON
answer (the API), or what a view put on ``request.refusal_reason`` (the 409 page of a locked period).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse

REASON_ATTR = "refusal_reason"
MAX_REASON = 300


class RefusalReasonMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if 400 <= response.status_code < 500 and not getattr(request, REASON_ATTR, ""):
            reason = _json_detail(response)
            if reason:
                setattr(request, REASON_ATTR, reason)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, (PermissionDenied, Http404, ValidationError)):
            setattr(request, REASON_ATTR, exception_reason(exception))


def exception_reason(exc: BaseException) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(str(m) for m in exc.messages)
    return str(exc)


def _json_detail(response: HttpResponse) -> str:
    if not response.get("Content-Type", "").startswith("application/json") or getattr(response, "streaming", False):
        return ""
    try:
        body = json.loads(response.content[:20_000])
    except (ValueError, UnicodeDecodeError):
        return ""
    detail = body.get("detail") if isinstance(body, dict) else None
    return detail if isinstance(detail, str) else ""


def _user(request: HttpRequest | None) -> str:
    user = getattr(request, "user", None)
    if user is None or not getattr(user, "is_authenticated", False):
        return "-"
    return str(user.get_username())


def refusal_line(request: HttpRequest | None, status: int, reason: str) -> str:
    method = getattr(request, "method", None) or "-"
    path = getattr(request, "path", None) or "-"
    reason = " ".join(reason.split())[:MAX_REASON] or "-"
    return f"{status} {method} {path} user={_user(request)} reason={reason}"


class ExpectedRefusals(logging.Filter):
    """On ``django.request``: a 4xx record becomes one line without a traceback; others pass unchanged."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if not isinstance(status, int) or not 400 <= status < 500:
            return True
        request = getattr(record, "request", None)
        reason = getattr(request, REASON_ATTR, "") if request is not None else ""
        if not reason and record.exc_info and record.exc_info[1] is not None:
            reason = exception_reason(record.exc_info[1])
        if not reason:
            from http import HTTPStatus

            try:
                reason = HTTPStatus(status).phrase
            except ValueError:
                reason = ""
        record.msg = refusal_line(request, status, str(reason))
        record.args = ()
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        return True
