"""The background worker as the jobs engine (``sakip.jobs``) reports it, imported lazily.

The contract: ``sakip.jobs.health.worker_alive(max_age_seconds=60) -> tuple[bool, str]`` and
``sakip.jobs.health.queue_length() -> int``. Without the jobs engine (``ImportError``) the worker is
"not installed": reported as such, never a crash.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType

MAX_AGE_SECONDS = 60


@dataclass(frozen=True)
class WorkerState:
    installed: bool
    alive: bool
    detail: str


def _health() -> ModuleType | None:
    try:  # by name: the jobs engine is another part of Sakip, optional until it is installed
        return importlib.import_module("sakip.jobs.health")
    except ImportError:
        return None


def worker_state(max_age_seconds: int = MAX_AGE_SECONDS) -> WorkerState:
    health = _health()
    if health is None:
        return WorkerState(False, False, "not installed")
    try:
        alive, detail = health.worker_alive(max_age_seconds=max_age_seconds)
    except Exception as exc:  # the heartbeat table unreachable, …: not alive, and why (the class only)
        return WorkerState(True, False, f"heartbeat unreadable ({type(exc).__name__})")
    return WorkerState(True, bool(alive), str(detail))


def queue_length() -> int | None:
    """Jobs waiting, or ``None`` when the jobs engine is absent or cannot tell."""
    health = _health()
    if health is None:
        return None
    try:
        return int(health.queue_length())
    except Exception:
        return None
