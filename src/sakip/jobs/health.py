"""Is a worker alive, how long is the queue: read by `/readyz` and `sakip check` (deployment), written by
`sakip worker` and `sakip scheduler` (`beat`)."""

from __future__ import annotations

import os
import socket

from django.utils import timezone

from .models import Heartbeat


def process_name(role: str) -> str:
    return f"{role}:{socket.gethostname()}:{os.getpid()}"[:100]


def beat(role: str, name: str | None = None) -> None:
    """Record that this process (a worker or the scheduler) is alive now."""
    Heartbeat.objects.update_or_create(
        name=name or process_name(role), defaults={"role": role, "beat_at": timezone.now()}
    )


def last_beat(role: str = "worker") -> Heartbeat | None:
    return Heartbeat.objects.filter(role=role).order_by("-beat_at").first()


def worker_alive(max_age_seconds: int = 60, role: str = "worker") -> tuple[bool, str]:
    """Whether a worker (or with ``role="scheduler"`` the scheduler) beat within ``max_age_seconds``, and
    a line saying so (for operators; English like the other health lines)."""
    hb = last_beat(role)
    if hb is None:
        return False, f"no {role} has ever reported (start `sakip {role}`)"
    age = (timezone.now() - hb.beat_at).total_seconds()
    if age > max_age_seconds:
        return False, f"last {role} heartbeat {age:.0f} s ago ({hb.name}), older than {max_age_seconds} s"
    return True, f"{role} alive: {hb.name}, last heartbeat {age:.0f} s ago"


def queue_length() -> int:
    """Tasks waiting for a worker (ready to run now) in the database backend's queue."""
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.ready().count()
