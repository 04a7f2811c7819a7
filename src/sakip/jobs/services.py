"""Submit a job (once per key), run it on the worker, retry it; who may see it.

A job kind is a handler ``(job) -> None`` registered with `handler`: it does the work by calling the
apps' own functions, reports progress with `progress`, and leaves its result on the job (``file_name``
relative to MEDIA_ROOT, or ``result``). A `JobError` is a failure the user can read (Indonesian); any
other exception is shown as a system error, its traceback kept for administrators.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sakip.accounts.access import Action, can
from sakip.accounts.models import Membership, Office, Regency, Role
from sakip.core.jsonlog import QueryCounter, log_job

from .models import Job

log = logging.getLogger("sakip.jobs")

Handler = Callable[[Job], None]
HANDLERS: dict[str, Handler] = {}
#: roles that see a regency-wide job (one without an office) unless the job names its own
REGENCY_ROLES = (Role.ADMIN, Role.PLANNER, Role.VERIFIER)
ACTIVE = (Job.Status.QUEUED, Job.Status.RUNNING)


class JobError(Exception):
    """A failure to show the user as it is (already in Indonesian, wrapped for translation)."""


def handler(kind: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        HANDLERS[kind] = fn
        return fn

    return register


def make_key(kind: str, *parts: object) -> str:
    """The key of what a job makes: the same parts, the same key (64 hex digits)."""
    return hashlib.sha256(json.dumps([kind, *parts], default=str).encode()).hexdigest()


def media_path(name: str) -> Path:
    return Path(settings.MEDIA_ROOT) / name


def _usable(job: Job) -> bool:
    """A finished job whose result is still there (a file removed by the clean-up is made again)."""
    if job.status != Job.Status.DONE:
        return False
    return not job.file_name or media_path(job.file_name).is_file()


def submit(
    kind: str,
    key: str,
    *,
    title: str,
    regency: Regency,
    office: Office | None = None,
    user: object = None,
    params: dict[str, Any] | None = None,
) -> Job:
    """The job making ``key``: one queued, running or done (with its file) already, else a new one, enqueued.

    Two requests at once make one job: the database refuses a second active job with the same key
    (constraint ``jobs_one_active_per_key``) and the loser takes the winner's.
    """
    existing = Job.objects.filter(key=key).order_by("-created_at", "-pk").first()
    if existing is not None and (existing.status in ACTIVE or _usable(existing)):
        return existing
    try:
        with transaction.atomic():
            job = Job.objects.create(
                kind=kind,
                key=key,
                title=title[:200],
                regency=regency,
                office=office,
                created_by=user if getattr(user, "pk", None) else None,  # type: ignore[misc]
                params=params or {},
            )
    except IntegrityError:
        found = Job.objects.filter(key=key, status__in=ACTIVE).first()
        if found is None:
            raise
        return found
    _enqueue(job)
    job.refresh_from_db()
    return job


def _enqueue(job: Job) -> None:
    from .tasks import run_job

    result = run_job.enqueue(job.pk)  # the immediate backend (tests) runs it here
    Job.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])


def retry(job: Job) -> Job:
    """A failed job queued again (its key's active job if someone asked again meanwhile)."""
    if job.status != Job.Status.FAILED:
        return job
    active = Job.objects.filter(key=job.key, status__in=ACTIVE).exclude(pk=job.pk).first()
    if active is not None:
        return active
    updated = Job.objects.filter(pk=job.pk, status=Job.Status.FAILED).update(
        status=Job.Status.QUEUED, error="", detail="", done=0, total=0, started_at=None, finished_at=None
    )
    if updated:
        _enqueue(job)
    job.refresh_from_db()
    return job


#: a job running this long has lost its worker (stopped or killed in the middle): shown as failed, to retry
STALE_AFTER = datetime.timedelta(hours=2)


def mark_stale(job: Job) -> Job:
    """A job whose worker stopped in the middle is failed (with «Coba lagi») rather than polled forever."""
    if job.status == Job.Status.RUNNING and job.started_at and timezone.now() - job.started_at > STALE_AFTER:
        message = _("Pekerjaan terhenti tanpa selesai (pekerja latar belakang dihentikan?). Silakan coba lagi.")
        _failed(job, message, "")
        job.refresh_from_db()
    return job


def progress(job: Job, done: int, total: int) -> None:
    Job.objects.filter(pk=job.pk).update(done=done, total=total)
    job.done, job.total = done, total


def execute(job_id: int) -> None:
    """Run a job (the task `tasks.run_job`): running → done, or failed with the error and its detail.

    Each run ends with one JSON line on ``sakip.log.job`` and its duration in ``/metrics``
    (`sakip.core.jsonlog.log_job`)."""
    job = Job.objects.select_related("office", "regency", "created_by").filter(pk=job_id).first()
    if job is None or job.status == Job.Status.DONE:
        return  # removed by the clean-up, or done by an earlier run of the same task
    started = time.monotonic()
    job.status = Job.Status.RUNNING
    job.started_at = timezone.now()
    job.attempts += 1
    job.save(update_fields=["status", "started_at", "attempts"])
    fn = HANDLERS.get(job.kind)
    error = ""
    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        try:
            if fn is None:
                raise JobError(_("Jenis tugas tidak dikenal: %(kind)s") % {"kind": job.kind})
            fn(job)
        except JobError as exc:
            error = str(exc)
            _failed(job, error, "")
        except ValidationError as exc:  # written for users (a locked period: PeriodLocked)
            error = " ".join(exc.messages)
            _failed(job, error, "")
        except Exception as exc:  # the page shows a plain message; an administrator sees the traceback
            log.exception("job %s (%s) failed", job.pk, job.kind)
            error = f"{type(exc).__name__}: {exc}"
            message = _("Tugas gagal karena kesalahan sistem. Coba lagi; bila tetap gagal, hubungi admin.")
            _failed(job, message, traceback.format_exc())
        else:
            Job.objects.filter(pk=job.pk).update(
                status=Job.Status.DONE,
                finished_at=timezone.now(),
                file_name=job.file_name,
                result=job.result,
                done=job.total or job.done,
            )
    log_job(
        job.kind,
        status="failed" if error else "succeeded",
        duration_ms=(time.monotonic() - started) * 1000,
        job_id=str(job.pk),
        user=getattr(job.created_by, "username", None),
        office=getattr(job.office, "code", None),
        queries=counter.count,
        error=error or None,
        attempt=job.attempts,
    )


def _failed(job: Job, message: str, detail: str) -> None:
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.FAILED, finished_at=timezone.now(), error=message, detail=detail[-20_000:]
    )


# --------------------------------------------------------------------------- who may see a job


def can_see(membership: Membership | None, job: Job) -> bool:
    """The job's office's users (as its pages: ``view``), or the regency's roles for a regency-wide job."""
    if membership is None or membership.regency_id != job.regency_id:
        return False
    if job.office_id is not None:
        assert job.office is not None
        action: Action = job.params.get("action", "view")
        return can(membership, job.office, action)
    roles = job.params.get("roles") or REGENCY_ROLES
    return membership.role in roles


def shows_detail(membership: Membership | None, user: object) -> bool:
    """The technical detail of a failure: for the regency's administrators and Django staff only."""
    return bool(getattr(user, "is_staff", False)) or (membership is not None and membership.role == Role.ADMIN)
