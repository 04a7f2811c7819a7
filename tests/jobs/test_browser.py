"""In a real browser (1280 px and 390 px): a PDF not ready says «Dokumen sedang disiapkan…», htmx polls, and the
file is offered when the worker has made it; a failed job shows its error and «Coba lagi»."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sakip.jobs.models import Job
from sakip.jobs.worker import start_in_thread
from tests.web.demo_support import LiveDemo
from tests.web.test_browser import log_in, shot

pytestmark = pytest.mark.browser
URL = "/opd/kaloran/dokumen/2020/pk.pdf"


@pytest.mark.pdf
def test_a_pdf_is_prepared_then_downloaded(live_demo: LiveDemo, page: Any, settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, live_demo, "operator-kaloran")
    page.goto(live_demo.at(URL))
    page.wait_for_url("**/tugas/*/")
    status = page.locator("[data-testid=job-status]")
    assert "Dokumen sedang disiapkan…" in status.inner_text()
    shot(page, "jobs-pdf-preparing")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "jobs-pdf-preparing-390")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width  # nothing wider than the phone
    page.set_viewport_size({"width": 1280, "height": 900})
    _thread, worker = start_in_thread(interval=0.2)  # the worker starts: htmx sees the job done
    try:
        page.locator("[data-testid=job-status][data-status=done]").wait_for(timeout=120_000)
    finally:
        worker.stop()
    shot(page, "jobs-pdf-ready")
    with page.expect_download() as info:
        page.click("[data-testid=job-download]")
    assert info.value.suggested_filename == "pk-kaloran-2020.pdf"
    assert Path(info.value.path()).read_bytes().startswith(b"%PDF")
    assert not errors


def test_a_failed_job_offers_coba_lagi(live_demo: LiveDemo, page: Any, settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    office = live_demo.demo.office_a
    job = Job.objects.create(
        kind="pdf",
        key="gagal",
        title="Perjanjian Kinerja 2020 — Kecamatan Kaloran (PDF)",
        regency=office.regency,
        office=office,
        status=Job.Status.FAILED,
        error="LibreOffice tidak ditemukan di server.",
        detail="Traceback (most recent call last): …",
    )
    log_in(page, live_demo, "operator-kaloran")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_demo.at(f"/tugas/{job.pk}/"))
    assert "LibreOffice tidak ditemukan" in page.locator("[data-testid=job-error]").inner_text()
    assert page.locator("[data-testid=job-detail]").count() == 0  # the traceback is for administrators
    shot(page, "jobs-failed-390")
    page.click("[data-testid=job-retry]")
    page.wait_for_url(f"**/tugas/{job.pk}/")
    page.locator("[data-testid=job-status][data-status=queued]").wait_for()
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED and job.error == ""
