"""``/healthz`` (liveness) and ``/readyz`` (readiness): no sign-in, nothing secret in the answer.

* ``/healthz`` — the process answers: 200 ``{"status": "ok"}``; touches no database.
* ``/readyz`` — 200 when the database answers, every migration is applied and (when the jobs engine is
  installed) a worker's heartbeat is recent; else 503 with the reasons. A reason names what is wrong and
  the class of an error, never a host, a user or a message that could carry them.
  ``SAKIP_READY_NEEDS_WORKER=0``: a stale worker is reported but does not make the web not ready.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, JsonResponse

from .worker import worker_state

_migrated_lock = threading.Lock()
_migrated = False  # once every migration was seen applied, this process stops asking (the plan costs ~0.1 s)


def unapplied_migrations(alias: str = DEFAULT_DB_ALIAS) -> list[str]:
    """``app.name`` of each migration not applied yet on that database."""
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connections[alias])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{m.app_label}.{m.name}" for m, _backwards in plan]


def migrations_applied() -> tuple[bool, int]:
    global _migrated
    if _migrated:
        return True, 0
    pending = unapplied_migrations()
    if not pending:
        with _migrated_lock:
            _migrated = True
    return not pending, len(pending)


@dataclass
class Readiness:
    checks: dict[str, str] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return not self.reasons

    def as_dict(self) -> dict[str, Any]:
        return {"status": "ready" if self.ready else "not ready", "checks": self.checks, "reasons": self.reasons}


def readiness() -> Readiness:
    r = Readiness()
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        r.checks["database"] = "ok"
    except Exception as exc:
        r.checks["database"] = "error"
        r.reasons.append(f"database: unreachable ({type(exc).__name__})")
        return r  # nothing else can be asked
    try:
        ok, pending = migrations_applied()
    except Exception as exc:
        r.checks["migrations"] = "error"
        r.reasons.append(f"migrations: cannot be read ({type(exc).__name__})")
    else:
        r.checks["migrations"] = "ok" if ok else f"{pending} unapplied"
        if not ok:
            r.reasons.append(f"migrations: {pending} not applied (run: sakip migrate)")
    worker = worker_state()
    if not worker.installed:
        r.checks["worker"] = "not installed"
    elif worker.alive:
        r.checks["worker"] = "ok"
    else:
        r.checks["worker"] = "stale"
        if getattr(settings, "SAKIP_READY_NEEDS_WORKER", True):
            r.reasons.append("worker: no recent heartbeat (start: systemctl start sakip-worker)")
    return r


def _headers(response: JsonResponse) -> JsonResponse:
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def healthz(request: HttpRequest) -> JsonResponse:
    return _headers(JsonResponse({"status": "ok"}))


def readyz(request: HttpRequest) -> JsonResponse:
    r = readiness()
    response = _headers(JsonResponse(r.as_dict(), status=200 if r.ready else 503))
    # a probe polling a server that is not ready yet: the reasons are in the answer, not a log line each time
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response
