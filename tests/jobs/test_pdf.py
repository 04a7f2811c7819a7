"""A PDF download on the real queue: not ready → «Dokumen sedang disiapkan…», asked twice → one job, made by a
worker run, then offered and served from its cache; a failure shows its error and «Coba lagi»; only who may
see the office sees the job."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from sakip.jobs import health
from sakip.jobs.models import Job
from sakip.planning.models import Indicator

from .conftest import run_worker

pytestmark = [pytest.mark.django_db(transaction=True)]

URL = "/opd/kaloran/dokumen/2020/pk.pdf"


def job_url(job: Job, name: str = "jobs-detail") -> str:
    return reverse(name, args=[job.pk])


@pytest.mark.pdf
def test_a_pdf_is_made_on_the_worker_once_and_then_served(
    demo: Any, login_as: Callable[[str], Client], queue: Any
) -> None:
    client = login_as("operator_a")
    first = client.get(URL)
    job = Job.objects.get()
    assert first.status_code == 302 and first["Location"] == job_url(job)
    page = client.get(job_url(job)).content.decode()
    assert "Dokumen sedang disiapkan…" in page and 'hx-trigger="every 1s"' in page
    # the same PDF asked again (by another user too) while it waits: the same job, one task in the queue
    assert client.get(URL)["Location"] == job_url(job)
    assert login_as("planner").get(URL)["Location"] == job_url(job)
    assert Job.objects.count() == 1 and DBTaskResult.objects.count() == 1 and health.queue_length() == 1

    assert run_worker() == 1
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.attempts == 1, (job.error, job.detail)
    status = client.get(job_url(job, "jobs-status")).content.decode()
    assert 'data-status="done"' in status and job_url(job, "jobs-download") in status
    assert "hx-trigger" not in status  # polling stops
    got = client.get(job_url(job, "jobs-download"))
    data = b"".join(got.streaming_content)  # type: ignore[attr-defined]
    assert got.status_code == 200 and data.startswith(b"%PDF")
    assert 'filename="pk-kaloran-2020.pdf"' in got["Content-Disposition"]

    # unchanged data: the download is the cached file at once, nothing queued
    again = client.get(URL)
    assert again.status_code == 200 and again["Content-Type"] == "application/pdf"
    assert b"".join(again.streaming_content) == data  # type: ignore[attr-defined]
    assert Job.objects.count() == 1 and health.queue_length() == 0

    # changed data: a new version of the document, a new job
    ind = Indicator.objects.filter(plan__office=demo.office_a).first()
    assert ind is not None
    ind.name = ind.name + " (diubah)"
    ind.save()
    third = client.get(URL)
    assert third.status_code == 302 and Job.objects.count() == 2


def test_only_who_may_see_the_office_sees_its_job(demo: Any, login_as: Callable[[str], Client], queue: Any) -> None:
    login_as("operator_a").get(URL)
    job = Job.objects.get()
    for role in ("operator_a", "head_a", "admin", "planner", "verifier"):
        assert login_as(role).get(job_url(job)).status_code == 200, role
    for role in ("operator_b", "public"):
        client = login_as(role)
        for name in ("jobs-detail", "jobs-status", "jobs-download"):
            assert client.get(job_url(job, name)).status_code == 404, (role, name)
        assert client.post(job_url(job, "jobs-retry")).status_code == 404, role
    anonymous = login_as("anonymous").get(job_url(job))
    assert anonymous.status_code == 302 and "next=" in anonymous["Location"]
    # another office's user cannot start a job of office A either (the download view's own check)
    assert login_as("operator_b").get(URL).status_code in (403, 404)
    assert Job.objects.count() == 1


@pytest.mark.pdf
def test_a_failed_job_shows_its_error_and_is_tried_again(
    demo: Any, login_as: Callable[[str], Client], queue: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SAKIP_SOFFICE", "/tidak/ada/soffice")  # LibreOffice missing on the worker
    client = login_as("operator_a")
    client.get(URL)
    run_worker()
    job = Job.objects.get()
    assert job.status == Job.Status.FAILED and job.error and not job.detail
    page = client.get(job_url(job)).content.decode()
    assert 'data-testid="job-error"' in page and 'data-testid="job-retry"' in page and "Coba lagi" in page
    # asking for the download again makes a new attempt rather than serving the failure forever
    monkeypatch.delenv("SAKIP_SOFFICE")
    retried = client.post(job_url(job, "jobs-retry"))
    assert retried.status_code == 302 and retried["Location"] == job_url(job)
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED and job.error == ""
    run_worker()
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.attempts == 2
    assert client.get(URL).status_code == 200


def test_a_system_error_keeps_its_detail_for_administrators_only(
    demo: Any, login_as: Callable[[str], Client], queue: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("pembangkit rusak")

    monkeypatch.setattr("sakip.documents.services.generate_for", broken)
    login_as("operator_a").get(URL)
    run_worker()
    job = Job.objects.get()
    assert job.status == Job.Status.FAILED and "RuntimeError: pembangkit rusak" in job.detail
    operator = login_as("operator_a").get(job_url(job)).content.decode()
    admin = login_as("admin").get(job_url(job)).content.decode()
    assert "kesalahan sistem" in operator and "pembangkit rusak" not in operator
    assert 'data-testid="job-detail"' in admin and "pembangkit rusak" in admin


def test_a_job_whose_worker_stopped_in_the_middle_can_be_tried_again(
    demo: Any, login_as: Callable[[str], Client], queue: Any
) -> None:
    import datetime as dt

    from django.utils import timezone

    login_as("operator_a").get(URL)
    job = Job.objects.get()
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, started_at=timezone.now() - dt.timedelta(hours=3))
    page = login_as("operator_a").get(job_url(job)).content.decode()
    assert 'data-status="failed"' in page and "pekerja latar belakang dihentikan" in page and "Coba lagi" in page
