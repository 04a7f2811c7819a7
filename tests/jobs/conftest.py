"""The demo fixtures (tests/web/demo_support.py) and the real queue: django-tasks' database backend."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.demo_support import chromium_browser, demo, live_demo, login_as, page  # noqa: F401

DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture()
def queue(settings: Any) -> None:
    """Jobs go to the database queue and wait for a worker (as in production), not run in the request."""
    settings.TASKS = DATABASE_BACKEND


def run_worker() -> int:
    """A real worker run in this process until the queue is empty (`sakip worker --burst`); the tasks run."""
    from sakip.jobs.worker import SakipWorker

    w = SakipWorker(burst=True, interval=0)
    w.run()
    return w._run_tasks
