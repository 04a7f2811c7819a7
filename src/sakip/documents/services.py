"""Documents of stored offices: the domain office with the year's settings, the draft flags from the
workflow, and the regency batch job. The generation itself is `sakip.reports.batch` (shared with the CLI).

A document is a DRAFT (every page marked) unless its period has its final approval in the workflow
(`sakip.workflow.services.is_approved`): the LKjIP and the Matrik Capaian Kinerja follow the annual
report, the Laporan Triwulan its quarter, the PK, the Rencana Aksi, the RKT and the IKU decree the year's PK.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import DatabaseError, close_old_connections
from django.utils import timezone

from sakip.accounts.models import Office, Regency
from sakip.core.interchange import domain_office
from sakip.core.services import reporting_year, settings_for
from sakip.domain.office import Office as DomainOffice
from sakip.reports.batch import KINDS, GeneratedFile, OfficeJob, OfficeResult, generate, run_batch, zip_dir

from .models import BatchJob

if TYPE_CHECKING:
    from sakip.workflow.services import OfficeStates

STEP_OF: dict[str, str] = {
    "lkjip": "annual",
    "matrik": "annual",
    "triwulan": "quarter",
    "pk": "pk",
    "rencana-aksi": "pk",  # the quarter targets are agreed with the PK
    "rkt": "pk",
    "iku": "pk",
}


def is_draft(
    office: Office, kind: str, year: int, quarter: int | None = None, states: OfficeStates | None = None
) -> bool:
    """Whether the document's period lacks its final approval (one query, none with the office's ``states``)."""
    from sakip.domain import workflow as wf
    from sakip.workflow.services import is_approved

    step = STEP_OF[kind]
    period_quarter = (quarter or 4) if step == "quarter" else None
    if states is not None:
        return not wf.is_approved(states.state(year, wf.Step(step), period_quarter))
    try:
        return not is_approved(office, year, step, period_quarter)
    except DatabaseError:  # a database migrated before the workflow existed: nothing is approved yet
        return True


def domain_for(office: Office, year: int) -> DomainOffice:
    """The stored office as a domain office with the settings in force that year (as `scorecard_for`)."""
    dom = domain_office(office)
    dom.settings = settings_for(office, year)
    return dom


def office_job(
    office: Office, year: int | None, kinds: tuple[str, ...] = KINDS, quarter: int | None = None
) -> OfficeJob:
    y = year or reporting_year(office)
    if y is None:
        return OfficeJob(domain_office(office), None, frozenset(kinds), quarter)
    drafts = frozenset(k for k in kinds if is_draft(office, k, y, quarter))
    return OfficeJob(domain_for(office, y), y, drafts, quarter)


def generate_for(
    office: Office,
    kind: str,
    year: int,
    formats: tuple[str, ...],
    *,
    quarter: int | None = None,
    amendment: bool = False,
) -> list[GeneratedFile]:
    """One document of a stored office, marked DRAFT unless its period is approved."""
    return generate(
        domain_for(office, year),
        kind,
        year,
        formats,
        quarter=quarter,
        amendment=amendment,
        draft=is_draft(office, kind, year, quarter),
    )


# --------------------------------------------------------------------------- the regency batch job


def batch_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "documents" / "batch"


def run_job(job_id: int, workers: int | None = None, *, own_thread: bool = False) -> None:
    """Run a queued job to the end: progress after each office, a zip of the files, or the error.

    ``own_thread``: the job runs in its background thread, whose database connection is its own
    and is closed around the job. Run inside a request (inline), the request's connection — possibly
    within a transaction — must be left alone.
    """
    if own_thread:
        close_old_connections()
    job = BatchJob.objects.select_related("regency").get(pk=job_id)
    job.status = BatchJob.Status.RUNNING
    job.started_at = timezone.now()
    job.save(update_fields=["status", "started_at"])
    scratch = Path(tempfile.mkdtemp(prefix=f"sakip-batch-{job.pk}-"))
    try:
        kinds = tuple(job.kinds.split(","))
        formats = tuple(job.formats.split(","))
        offices = list(Office.objects.filter(regency=job.regency).order_by("code"))
        jobs = [office_job(o, job.year, kinds) for o in offices]
        BatchJob.objects.filter(pk=job.pk).update(total=len(jobs))

        def progress(done: int, total: int, result: OfficeResult) -> None:
            BatchJob.objects.filter(pk=job.pk).update(done=done, total=total, current=result.code)

        result = run_batch(jobs, kinds, formats, scratch / "out", workers=workers, on_progress=progress)
        name = f"dokumen-{job.regency.code}-{job.year or 'terbaru'}-{job.pk}.zip"
        zip_dir(scratch / "out", batch_dir() / name)
        BatchJob.objects.filter(pk=job.pk).update(
            status=BatchJob.Status.DONE,
            finished_at=timezone.now(),
            file_name=name,
            files=len(result.files),
            errors="\n".join(result.errors),
        )
    except Exception as exc:  # the job row says what went wrong; the page shows it
        BatchJob.objects.filter(pk=job.pk).update(
            status=BatchJob.Status.FAILED, finished_at=timezone.now(), errors=f"{type(exc).__name__}: {exc}"
        )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        if own_thread:
            close_old_connections()


def start_job(
    regency: Regency, user: object, year: int | None, kinds: tuple[str, ...], formats: tuple[str, ...]
) -> BatchJob:
    """Queue a job for `sakip worker` (the task `sakip.jobs.tasks.run_document_batch`; its process pool does
    the heavy part). The job row and the queue are in the database: a web restart loses nothing. With jobs
    run in the request (``SAKIP_TASKS_BACKEND=immediate``, the tests) it is done when this returns."""
    job = BatchJob.objects.create(
        regency=regency,
        created_by=user if getattr(user, "pk", None) else None,  # type: ignore[misc]
        year=year,
        kinds=",".join(kinds),
        formats=",".join(formats),
    )
    from sakip.jobs.tasks import run_document_batch

    run_document_batch.enqueue(job.pk)
    job.refresh_from_db()
    return job
