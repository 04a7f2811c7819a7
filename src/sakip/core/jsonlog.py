"""Structured logs: one JSON line per request and per background job (docs/deployment.md, "Log").

* :class:`RequestLogMiddleware` (first in MIDDLEWARE) writes one line per request on the logger
  ``sakip.log.request``: time, method, path, status, duration in ms, the number of database queries,
  the user, the office (from the URL, else the user's own office when it is already loaded), the
  client address (``X-Forwarded-For`` only from ``SAKIP_TRUSTED_PROXIES``) and, for a 4xx, the
  reason (``sakip.web.logs``). It costs nothing when the logger is off (``SAKIP_JSON_LOG=0``, the
  default outside production): no query counting then.
* :func:`log_job` — one line per background job on ``sakip.log.job`` (called by the jobs engine when
  a job ends) and the job's duration in the Prometheus histogram ``sakip_job_duration_seconds``.

The quiet one-line refusals on ``django.request`` (``sakip.web.logs.ExpectedRefusals``) stay as they
are: those lines are for people reading the console, these for a log collector.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from collections.abc import Callable
from contextlib import ExitStack
from typing import Any

from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponse

REQUEST_LOGGER = logging.getLogger("sakip.log.request")
JOB_LOGGER = logging.getLogger("sakip.log.job")


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def line(event: str, **fields: Any) -> str:
    """One JSON object on one line (non-ASCII kept; anything not JSON becomes its text)."""
    return json.dumps({"ts": _now(), "event": event, **fields}, ensure_ascii=False, default=str,
                      separators=(",", ":"))


class QueryCounter:
    __slots__ = ("count",)

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        self.count += 1
        return execute(sql, params, many, context)


def _user_and_office(request: HttpRequest) -> tuple[str | None, str | None]:
    """The signed-in user and the office, only from what the request has already loaded (no query)."""
    user = request.__dict__.get("_cached_user")  # AuthenticationMiddleware's cache: loaded by the view
    username = user.get_username() if user is not None and getattr(user, "is_authenticated", False) else None
    match = getattr(request, "resolver_match", None)
    office = match.kwargs.get("office_code") if match is not None else None
    if office is None and user is not None and getattr(user, "_state", None) is not None:
        membership = user._state.fields_cache.get("membership")
        if membership is not None and membership._state.fields_cache.get("office") is not None:
            office = membership.office.code
    return username, office


def request_fields(request: HttpRequest, response: HttpResponse, duration_ms: float, queries: int) -> dict[str, Any]:
    from sakip.audit.context import client_ip

    user, office = _user_and_office(request)
    fields: dict[str, Any] = {
        "method": request.method,
        "path": request.path,
        "status": response.status_code,
        "duration_ms": round(duration_ms, 1),
        "queries": queries,
        "user": user,
        "office": office,
        "ip": client_ip(request),
    }
    if 400 <= response.status_code < 500:
        from sakip.web.logs import REASON_ATTR

        reason = getattr(request, REASON_ATTR, "")
        if reason:
            fields["reason"] = " ".join(str(reason).split())[:300]
    return fields


class RequestLogMiddleware:
    """One JSON line per request on ``sakip.log.request`` (when that logger is on)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not REQUEST_LOGGER.isEnabledFor(logging.INFO):
            return self.get_response(request)
        counter = QueryCounter()
        started = time.perf_counter()
        with ExitStack() as stack:
            for alias in settings.DATABASES:
                stack.enter_context(connections[alias].execute_wrapper(counter))
            response = self.get_response(request)
        duration_ms = (time.perf_counter() - started) * 1000
        try:
            REQUEST_LOGGER.info(line("request", **request_fields(request, response, duration_ms, counter.count)))
        except Exception:  # a log line must never turn a served page into an error
            logging.getLogger(__name__).exception("request log line failed")
        return response


def log_job(
    task: str,
    *,
    status: str,
    duration_ms: float,
    job_id: str | None = None,
    user: str | None = None,
    office: str | None = None,
    queries: int | None = None,
    error: str | None = None,
    **extra: Any,
) -> None:
    """A background job ended: one JSON line on ``sakip.log.job`` and its duration in the metrics.

    ``status`` is ``"succeeded"`` or ``"failed"`` (any short word); ``error`` a one-line reason (no
    traceback: the jobs engine logs that itself). Never raises.
    """
    try:
        fields: dict[str, Any] = {"task": task, "status": status, "duration_ms": round(float(duration_ms), 1),
                                  "job_id": job_id, "user": user, "office": office}
        if queries is not None:
            fields["queries"] = queries
        if error:
            fields["error"] = " ".join(str(error).split())[:500]
        fields.update(extra)
        JOB_LOGGER.info(line("job", **fields))
        from sakip.ops.metrics import observe_job

        observe_job(task, status, float(duration_ms) / 1000)
    except Exception:
        logging.getLogger(__name__).exception("job log line failed")
