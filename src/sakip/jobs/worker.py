"""The worker: django-tasks-db's own worker loop, with a heartbeat (`health.beat`) before and after every
task and every ``BEAT_SECONDS`` while it waits; and the demo's worker thread."""

from __future__ import annotations

import logging
import threading
import time

from django.db import close_old_connections
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from . import health

log = logging.getLogger("sakip.jobs")
BEAT_SECONDS = 15.0


class SakipWorker(Worker):
    """A worker of the default queue that reports it is alive."""

    def __init__(self, *, burst: bool = False, interval: float = 1.0, max_tasks: int | None = None) -> None:
        super().__init__(
            queue_names=["*"],
            interval=interval,
            batch=burst,
            backend_name="default",
            startup_delay=not burst,
            max_tasks=max_tasks,
            worker_id=get_random_string(32),
            excluded_queue_names=[],
        )
        self.name = health.process_name("worker")
        self._stop = threading.Event()

    def beat(self) -> None:
        try:
            health.beat("worker", self.name)
        except Exception:  # a heartbeat never stops the work (a locked SQLite file: next time)
            log.warning("worker heartbeat not written", exc_info=True)

    def run_task(self, db_task_result: DBTaskResult) -> None:  # type: ignore[type-arg]
        self.beat()
        super().run_task(db_task_result)
        self.beat()

    def _beat_loop(self) -> None:
        while not self._stop.wait(BEAT_SECONDS):
            self.beat()
            close_old_connections()

    def run(self) -> None:
        self.beat()
        beater = threading.Thread(target=self._beat_loop, name="sakip-worker-heartbeat", daemon=True)
        beater.start()
        try:
            super().run()
        finally:
            self._stop.set()

    def stop(self) -> None:
        self.running = False
        self._stop.set()


def start_in_thread(interval: float = 0.5) -> tuple[threading.Thread, SakipWorker]:
    """A worker in a daemon thread of this process (`sakip demo`: it stops with the demo)."""
    worker = SakipWorker(interval=interval)
    worker.startup_delay = False

    def run() -> None:
        try:
            worker.run()
        finally:
            close_old_connections()

    thread = threading.Thread(target=run, name="sakip-demo-worker", daemon=True)
    thread.start()
    return thread, worker


def wait_idle(timeout: float = 60.0) -> bool:
    """Until the queue has nothing ready or running (tests, the benchmark); whether it got there."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if not DBTaskResult.objects.ready().exists() and not DBTaskResult.objects.running().exists():
            return True
        time.sleep(0.2)
    return False
