"""Every other job kind through the database queue and a real worker run: the regency's document batch,
the review of the whole regency, a large import after its preview, a published PDF on the portal, and the
scheduler's reminders and clean-up."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from sakip.documents.models import BatchJob
from sakip.importers.kinds import REALISASI
from sakip.imports.models import ImportBatch
from sakip.jobs import scheduler
from sakip.jobs.models import Job, ScheduleRun
from sakip.monitoring.models import Quarter
from sakip.workflow import reminders
from sakip.workflow.models import PeriodState
from tests.importers.xlsx_support import workbook
from tests.workflow.lock_support import freeze_year

from .conftest import run_worker

pytestmark = [pytest.mark.django_db(transaction=True)]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_the_regency_batch_runs_on_the_worker(demo: Any, login_as: Callable[[str], Client], queue: Any) -> None:
    client = login_as("planner")
    r = client.post(reverse("documents-batch"), {"year": "2020", "kinds": ["matrik"], "formats": ["xlsx"]})
    job = BatchJob.objects.get()
    assert r.status_code == 302 and job.status == BatchJob.Status.QUEUED  # waits for the worker, not a thread
    assert DBTaskResult.objects.ready().count() == 1
    assert run_worker() == 1
    job.refresh_from_db()
    assert job.status == BatchJob.Status.DONE and job.files >= 2, job.errors
    got = client.get(reverse("documents-batch-download", args=[job.pk]))
    assert got.status_code == 200 and got["Content-Type"] == "application/zip"


def test_a_failed_batch_is_started_again(demo: Any, login_as: Callable[[str], Client], queue: Any) -> None:
    client = login_as("planner")
    client.post(reverse("documents-batch"), {"year": "2020", "kinds": ["matrik"], "formats": ["xlsx"]})
    job = BatchJob.objects.get()
    BatchJob.objects.filter(pk=job.pk).update(status=BatchJob.Status.FAILED, errors="Terhenti")
    DBTaskResult.objects.all().delete()
    page = client.get(reverse("documents-batch-job", args=[job.pk])).content.decode()
    assert 'data-testid="batch-retry"' in page
    assert login_as("operator_a").post(reverse("documents-batch-retry", args=[job.pk])).status_code == 403
    again = client.post(reverse("documents-batch-retry", args=[job.pk]))
    new = BatchJob.objects.exclude(pk=job.pk).get()
    assert again["Location"] == reverse("documents-batch-job", args=[new.pk])
    assert (new.year, new.kinds, new.formats) == (2020, "matrik", "xlsx")
    run_worker()
    new.refresh_from_db()
    assert new.status == BatchJob.Status.DONE


def test_the_regency_review_runs_on_the_worker_once_per_data(
    demo: Any, login_as: Callable[[str], Client], queue: Any
) -> None:
    client = login_as("verifier")
    url = reverse("review-regency") + "?tahun=2020"
    first = client.get(url).content.decode()
    job = Job.objects.get(kind="review")
    assert 'data-testid="job-status"' in first and "?reload=1" in first and 'data-testid="review-regency"' not in first
    client.get(url)
    assert Job.objects.filter(kind="review").count() == 1  # asked twice: one job
    assert login_as("operator_a").get(reverse("jobs-detail", args=[job.pk])).status_code == 404  # regency roles only
    run_worker()
    status = client.get(reverse("jobs-status", args=[job.pk]) + "?reload=1")
    assert status["HX-Refresh"] == "true"
    page = client.get(url).content.decode()
    assert 'data-testid="review-regency"' in page and demo.office_a.name in page
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.done == job.total > 1


def test_a_large_import_is_applied_on_the_worker(
    demo: Any, login_as: Callable[[str], Client], queue: Any, settings: Any
) -> None:
    settings.SAKIP_IMPORT_ASYNC_ROWS = 0  # every upload counts as large
    client = login_as("operator_a")
    header = [c.header for c in REALISASI.columns]
    data = workbook({"Realisasi": [header, ["S1.2", None, None, None, 79.95, None, None, None, None, "Uji"]]})
    page = reverse("import-excel", args=["kaloran", 2020])
    client.post(page, {"kind": "realisasi", "file": SimpleUploadedFile("isian.xlsx", data, content_type=XLSX)})
    batch = ImportBatch.objects.get()
    r = client.post(reverse("import-excel-confirm", args=["kaloran", 2020]), {"batch": batch.pk})
    job = Job.objects.get(kind="import")
    assert r["Location"] == reverse("jobs-detail", args=[job.pk])
    stored = Quarter.objects.filter(indicator_year__indicator__code="S1.2", indicator_year__year=2020)
    assert not stored.exists()  # not before the worker
    assert login_as("operator_b").get(reverse("jobs-detail", args=[job.pk])).status_code == 404
    run_worker()
    job.refresh_from_db()
    batch.refresh_from_db()
    assert job.status == Job.Status.DONE and job.result["level"] == "success", job.result
    assert batch.status == ImportBatch.Status.APPLIED and stored.get().value is not None
    shown = client.get(reverse("jobs-detail", args=[job.pk])).content.decode()
    assert 'data-testid="job-message"' in shown and "Impor tersimpan:" in shown


def test_a_large_import_into_a_period_locked_meanwhile_stores_nothing(
    demo: Any, login_as: Callable[[str], Client], queue: Any, settings: Any
) -> None:
    settings.SAKIP_IMPORT_ASYNC_ROWS = 0
    client = login_as("operator_a")
    header = [c.header for c in REALISASI.columns]
    data = workbook({"Realisasi": [header, ["S1.2", None, None, None, 79.95, None, None, None, None, "Uji"]]})
    page = reverse("import-excel", args=["kaloran", 2020])
    client.post(page, {"kind": "realisasi", "file": SimpleUploadedFile("isian.xlsx", data, content_type=XLSX)})
    batch = ImportBatch.objects.get()
    client.post(reverse("import-excel-confirm", args=["kaloran", 2020]), {"batch": batch.pk})
    freeze_year(demo.office_a)  # approved and locked while the job waited for the worker
    run_worker()
    job = Job.objects.get(kind="import")
    assert job.result.get("level") == "error" or job.status == Job.Status.FAILED, job.result
    assert not Quarter.objects.filter(indicator_year__indicator__code="S1.2", indicator_year__year=2020).exists()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.REFUSED


@pytest.mark.pdf
def test_a_published_pdf_is_prepared_then_offered(demo: Any, queue: Any) -> None:
    PeriodState.objects.update_or_create(
        office=demo.office_a, year=2020, step="pk", quarter=None, defaults={"state": "approved"}
    )
    anyone = Client()
    url = f"/publik/demo/{demo.office_a.code}/dokumen/2020/pk.pdf"
    first = anyone.get(url)
    assert first.status_code == 202 and "Dokumen sedang disiapkan…" in first.content.decode()
    assert anyone.get(url).status_code == 202 and Job.objects.filter(kind="portal-pdf").count() == 1
    poll = anyone.get(url + "?status=1").content.decode()
    assert 'hx-trigger="every 2s"' in poll
    run_worker()
    poll = anyone.get(url + "?status=1").content.decode()
    assert 'data-testid="portal-download"' in poll and "hx-trigger" not in poll
    got = anyone.get(url)
    assert got.status_code == 200 and got.content.startswith(b"%PDF")


def test_the_scheduler_enqueues_what_is_due_and_the_worker_sends_the_reminders(demo: Any, queue: Any) -> None:
    expected = reminders.build(days=7)
    morning = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time(8, 0)))
    assert sorted(scheduler.run_due(morning)) == ["cleanup", "reminders"]
    assert scheduler.run_due(morning + dt.timedelta(minutes=5)) == []  # nothing due again so soon
    assert DBTaskResult.objects.ready().count() == 2
    assert run_worker() == 2
    assert DBTaskResult.objects.successful().count() == 2
    assert len(mail.outbox) == len(expected)
    # the next day after 07:00 the reminders are due again; the clean-up hourly
    assert sorted(scheduler.run_due(morning + dt.timedelta(days=1))) == ["cleanup", "reminders"]
    assert ScheduleRun.objects.count() == 2
    early = morning.replace(hour=6) + dt.timedelta(days=2)
    ScheduleRun.objects.filter(name="reminders").update(last_run=morning + dt.timedelta(days=1))
    assert "reminders" not in scheduler.run_due(early)  # before 07:00


def test_the_clean_up_removes_expired_uploads_and_old_files(demo: Any, queue: Any) -> None:
    old = timezone.now() - dt.timedelta(days=30)
    stale = ImportBatch.objects.create(office=demo.office_a, kind="realisasi", year=2020, filename="a.xlsx", sha256="0")
    fresh = ImportBatch.objects.create(office=demo.office_a, kind="realisasi", year=2020, filename="b.xlsx", sha256="1")
    ImportBatch.objects.filter(pk=stale.pk).update(created_at=old)
    pdf_dir = Path(settings.MEDIA_ROOT) / "jobs" / "pdf" / "999"
    pdf_dir.mkdir(parents=True, exist_ok=True)
    (pdf_dir / "old.pdf").write_bytes(b"%PDF old")
    (pdf_dir / "new.pdf").write_bytes(b"%PDF new")
    os.utime(pdf_dir / "old.pdf", (old.timestamp(), old.timestamp()))
    done = Job.objects.create(kind="pdf", key="k", title="t", regency=demo.office_a.regency, status=Job.Status.DONE)
    Job.objects.filter(pk=done.pk).update(finished_at=old)
    from sakip.jobs.tasks import clean_up

    clean_up.enqueue()
    run_worker()
    assert list(ImportBatch.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert not (pdf_dir / "old.pdf").exists() and (pdf_dir / "new.pdf").exists()
    assert not Job.objects.filter(pk=done.pk).exists()


def test_every_job_run_writes_one_json_line(
    demo: Any, login_as: Callable[[str], Client], queue: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """A Job (the regency review) and a plain task (the document batch) each end with one line on sakip.log.job."""
    import json
    import logging

    caplog.set_level(logging.INFO, logger="sakip.log.job")
    login_as("verifier").get(reverse("review-regency") + "?tahun=2020")
    login_as("planner").post(reverse("documents-batch"), {"year": "2020", "kinds": ["matrik"], "formats": ["xlsx"]})
    assert run_worker() == 2
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "sakip.log.job"]
    by_task = {line["task"]: line for line in lines}
    assert len(lines) == 2 and set(by_task) == {"review", "run_document_batch"}, lines
    review = by_task["review"]
    assert review["status"] == "succeeded" and review["user"] == "inspektorat" and review["attempt"] == 1
    assert review["queries"] > 0 and review["duration_ms"] > 0
    assert by_task["run_document_batch"]["status"] == "succeeded"
