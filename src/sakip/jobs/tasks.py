"""The task functions the worker runs (django-tasks ``@task``): thin calls into the apps."""

from __future__ import annotations

import datetime as dt
import functools
import logging
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.utils import timezone
from django_tasks import task

log = logging.getLogger("sakip.jobs")
F = TypeVar("F", bound=Callable[..., Any])


def logged(fn: F) -> F:
    """One JSON line per run on ``sakip.log.job`` and its duration in ``/metrics`` (`sakip.core.jsonlog.log_job`).

    `run_job` logs in `services.execute` instead, with the job's office, user and attempt."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from django.db import connection

        from sakip.core.jsonlog import QueryCounter, log_job

        started, counter = time.monotonic(), QueryCounter()
        try:
            with connection.execute_wrapper(counter):
                result = fn(*args, **kwargs)
        except Exception as exc:
            log_job(fn.__name__, status="failed", duration_ms=(time.monotonic() - started) * 1000,
                    queries=counter.count, error=f"{type(exc).__name__}: {exc}")
            raise
        log_job(fn.__name__, status="succeeded", duration_ms=(time.monotonic() - started) * 1000,
                queries=counter.count)
        return result

    return wrapper  # type: ignore[return-value]


@task()
def run_job(job_id: int) -> None:
    """A job the pages follow (`models.Job`: a PDF, a regency review, a large import)."""
    from . import kinds  # noqa: F401 — registers the handlers
    from .services import execute

    execute(job_id)


@task()
@logged
def run_document_batch(batch_id: int) -> None:
    """The regency's document batch (`documents.BatchJob`, its own record and pages)."""
    from sakip.documents.services import run_job as run_batch

    run_batch(batch_id)


@task()
@logged
def send_reminders(days: int = 7) -> int:
    """Reminders of overdue and soon-due steps (as `sakip remind`); the number of messages sent."""
    from sakip.audit.context import actor
    from sakip.workflow import reminders

    with actor("sistem", "pengingat terjadwal"):
        items = reminders.build(days=days)
        sent = reminders.send(items)
    log.info("reminders: %d messages, %d sent", len(items), sent)
    return sent


def _old_files(root: Path, before: dt.datetime) -> list[Path]:
    if not root.is_dir():
        return []
    stamp = before.timestamp()
    return [p for p in root.rglob("*") if p.is_file() and p.stat().st_mtime < stamp]


@task()
@logged
def clean_up(keep_days: int | None = None, preview_hours: int | None = None) -> dict[str, Any]:
    """Expired uploads (import previews never confirmed), generated files and finished jobs older than
    ``SAKIP_JOBS_KEEP_DAYS`` (the job rows, their files, batch zips, the queue's finished rows)."""
    from django_tasks_db.models import DBTaskResult

    from sakip.documents.models import BatchJob
    from sakip.documents.services import batch_dir
    from sakip.imports.models import ImportBatch

    from .kinds import PDF_DIR
    from .models import Job

    days = settings.SAKIP_JOBS_KEEP_DAYS if keep_days is None else keep_days
    hours = settings.SAKIP_IMPORT_PREVIEW_HOURS if preview_hours is None else preview_hours
    now = timezone.now()
    before = now - dt.timedelta(days=days)
    previews, _n = ImportBatch.objects.filter(
        status=ImportBatch.Status.PREVIEWED, created_at__lt=now - dt.timedelta(hours=hours)
    ).delete()
    files = 0
    for path in _old_files(Path(settings.MEDIA_ROOT) / PDF_DIR, before) + _old_files(batch_dir(), before):
        path.unlink(missing_ok=True)
        files += 1
    for empty in sorted((Path(settings.MEDIA_ROOT) / PDF_DIR).glob("*"), reverse=True):
        if empty.is_dir() and not any(empty.iterdir()):
            shutil.rmtree(empty, ignore_errors=True)
    jobs, _n = Job.objects.filter(finished_at__lt=before).delete()
    batches, _n = BatchJob.objects.filter(finished_at__lt=before).delete()
    results, _n = DBTaskResult.objects.finished().filter(finished_at__lt=before).delete()
    out = {"previews": previews, "files": files, "jobs": jobs, "batches": batches, "task_results": results}
    log.info("clean-up: %s", out)
    return out
