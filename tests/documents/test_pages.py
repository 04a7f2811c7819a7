"""Download buttons and downloads on the office pages; the regency's batch job with its progress and zip."""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import docx
import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from sakip.documents.models import BatchJob
from sakip.workflow.models import PeriodState

from .support import finished_job

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _approve(office: Any, year: int, step: str, quarter: int | None = None) -> None:
    PeriodState.objects.update_or_create(
        office=office, year=year, step=step, quarter=quarter, defaults={"state": "approved"}
    )


def _sheet_rows(content: bytes) -> list[tuple[Any, ...]]:
    ws = load_workbook(io.BytesIO(content)).active
    assert ws is not None
    return list(ws.iter_rows(values_only=True))


def _header(content: bytes) -> str:
    d = docx.Document(io.BytesIO(content))
    return "\n".join(p.text for s in d.sections for p in s.header.paragraphs)


def test_matrik_download_is_draft_until_the_annual_report_is_approved(
    demo: Any, login_as: Callable[[str], Client]
) -> None:
    client = login_as("operator_a")
    url = reverse("document-download", args=[demo.office_a.code, 2020, "matrik", "xlsx"])
    r = client.get(url)
    assert r.status_code == 200
    assert r["Content-Type"] == XLSX
    assert r["Content-Disposition"] == 'attachment; filename="matrik-kaloran-2020.xlsx"'
    rows = _sheet_rows(r.content)
    assert "DRAFT" in str(rows[0][0])
    ikm = next(row for row in rows if isinstance(row[2], str) and row[2].startswith("Indeks Kepuasan"))
    assert round(Decimal(str(ikm[6])), 2) == Decimal("96.47")  # golden 000: 82 / 85 × 100
    _approve(demo.office_a, 2020, "annual")
    rows = _sheet_rows(client.get(url).content)
    assert "DRAFT" not in str(rows[0][0])


def test_pk_download_as_word(demo: Any, login_as: Callable[[str], Client]) -> None:
    client = login_as("head_a")
    url = reverse("document-download", args=[demo.office_a.code, 2020, "pk", "docx"])
    r = client.get(url)
    assert r.status_code == 200 and r["Content-Type"] == DOCX
    assert "DRAFT" in _header(r.content)
    _approve(demo.office_a, 2020, "pk")
    r = client.get(url)
    assert "DRAFT" not in _header(r.content)
    body = "\n".join(p.text for p in docx.Document(io.BytesIO(r.content)).paragraphs)
    assert "PERJANJIAN KINERJA" in body.upper()


def test_triwulan_download_names_the_quarter(demo: Any, login_as: Callable[[str], Client]) -> None:
    client = login_as("operator_a")
    url = reverse("document-download", args=[demo.office_a.code, 2020, "triwulan", "docx"])
    r = client.get(url + "?tw=2")
    assert r.status_code == 200
    assert 'filename="triwulan-kaloran-2020-tw2.docx"' in r["Content-Disposition"]
    assert client.get(url + "?tw=7").status_code == 404


@pytest.mark.parametrize(
    ("year", "kind", "fmt"),
    [(2020, "rkt", "docx"), (2020, "lkjip", "xlsx"), (2020, "laporan", "docx"), (2031, "matrik", "xlsx")],
)
def test_unknown_documents_are_404(
    demo: Any, login_as: Callable[[str], Client], year: int, kind: str, fmt: str
) -> None:
    url = reverse("document-download", args=[demo.office_a.code, year, kind, fmt])
    assert login_as("operator_a").get(url).status_code == 404


def test_another_office_cannot_download(demo: Any, login_as: Callable[[str], Client]) -> None:
    url = reverse("document-download", args=[demo.office_a.code, 2020, "matrik", "xlsx"])
    assert login_as("operator_b").get(url).status_code == 403


def test_buttons_on_the_office_pages(demo: Any, login_as: Callable[[str], Client]) -> None:
    client = login_as("operator_a")
    code = demo.office_a.code
    pages = {
        reverse("office-dashboard", args=[code]) + "?tahun=2020": [
            "lkjip-docx",
            "lkjip-pdf",
            "matrik-xlsx",
            "rkt-xlsx",
        ],
        reverse("pk-detail", args=[code, 2020]): ["pk-docx", "iku-docx", "rkt-xlsx"],
        reverse("quarter-entry", args=[code, 2020, 3]): ["triwulan-docx", "triwulan-pdf"],
    }
    for url, buttons in pages.items():
        html = client.get(url).content.decode()
        assert 'data-testid="document-downloads"' in html, url
        for b in buttons:
            assert f'data-testid="download-{b}"' in html, (url, b)
    html = client.get(reverse("quarter-entry", args=[code, 2020, 3])).content.decode()
    assert reverse("document-download", args=[code, 2020, "triwulan", "docx"]) + "?tw=3" in html


# --------------------------------------------------------------------------- the batch job


def test_batch_job_runs_and_offers_a_zip(demo: Any, login_as: Callable[[str], Client], settings: Any) -> None:
    # the job runs in the request (the immediate task backend of the tests; its own worker processes still)
    client = login_as("planner")
    r = client.post(
        reverse("documents-batch"), {"year": "", "kinds": ["rkt", "matrik", "iku"], "formats": ["xlsx", "docx"]}
    )
    assert r.status_code == 302
    job = BatchJob.objects.get()
    assert r["Location"] == reverse("documents-batch-job", args=[job.pk])
    assert job.status == BatchJob.Status.DONE, job.errors
    assert (job.total, job.done, job.files) == (4, 4, 12)  # the four demo offices
    status = client.get(reverse("documents-batch-status", args=[job.pk])).content.decode()
    assert 'data-status="done"' in status and "hx-get" not in status  # polling stops when finished
    z = client.get(reverse("documents-batch-download", args=[job.pk]))
    assert z.status_code == 200
    with zipfile.ZipFile(io.BytesIO(b"".join(z.streaming_content))) as archive:  # type: ignore[attr-defined]
        names = sorted(archive.namelist())
        assert names == sorted(
            f"{code}/{kind}-{code}-{year}.{ext}"
            for code, year in (("kaloran", 2020), ("kaliwates", 2020), ("kandangserang", 2021), ("karangsari", 2024))
            for kind, ext in (("rkt", "xlsx"), ("matrik", "xlsx"), ("iku", "docx"))
        )
        rows = _sheet_rows(archive.read("kaloran/matrik-kaloran-2020.xlsx"))
        assert "DRAFT" in str(rows[0][0])  # nothing of the demo is approved


def test_batch_form_refuses_a_format_no_document_has(demo: Any, login_as: Callable[[str], Client]) -> None:
    r = login_as("admin").post(reverse("documents-batch"), {"kinds": ["lkjip"], "formats": ["xlsx"]})
    assert r.status_code == 200
    assert "Tidak ada dokumen terpilih" in r.content.decode()
    assert not BatchJob.objects.exists()


def test_jobs_of_another_regency_are_not_reachable(demo: Any, login_as: Callable[[str], Client]) -> None:
    from sakip.accounts.models import Regency

    other = Regency.objects.create(code="lain", name="Kabupaten Lain")
    job = finished_job(other)
    client = login_as("admin")
    for name in ("documents-batch-job", "documents-batch-status", "documents-batch-download"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404
    own = finished_job(demo.office_a.regency)
    assert client.get(reverse("documents-batch-download", args=[own.pk])).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_batch_job_in_a_background_thread(login_as: Callable[[str], Client]) -> None:
    """The production path: a thread runs the job; the page polls until the zip is ready."""
    client = login_as("admin")
    r = client.post(reverse("documents-batch"), {"year": "2020", "kinds": ["matrik"], "formats": ["xlsx"]})
    assert r.status_code == 302
    job = BatchJob.objects.get()
    page = client.get(reverse("documents-batch-job", args=[job.pk])).content.decode()
    assert "progress" in page
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.finished:
            break
        time.sleep(0.2)
    assert job.status == BatchJob.Status.DONE, job.errors
    # 2020: Kaloran and Kaliwates have data; Kandangserang (2021) is reported, not silently skipped
    assert job.files == 2
    assert "kandangserang" in job.errors


def test_quarterly_report_follows_its_own_quarter(demo: Any, login_as: Callable[[str], Client]) -> None:
    """TW III approved: its report has no DRAFT; TW II's is still a draft."""
    _approve(demo.office_a, 2020, "quarter", 3)
    client = login_as("operator_a")
    url = reverse("document-download", args=[demo.office_a.code, 2020, "triwulan", "docx"])
    assert "DRAFT" not in _header(client.get(url + "?tw=3").content)
    assert "DRAFT" in _header(client.get(url + "?tw=2").content)
    html = client.get(reverse("quarter-entry", args=[demo.office_a.code, 2020, 3])).content.decode()
    buttons = html[html.index('data-testid="document-downloads"') :]
    assert ">DRAFT<" not in buttons[: buttons.index("</div>")]


def test_a_job_that_stopped_without_finishing_is_marked_failed(demo: Any, login_as: Callable[[str], Client]) -> None:
    from datetime import timedelta

    from django.utils import timezone

    job = BatchJob.objects.create(
        regency=demo.office_a.regency,
        kinds="matrik",
        formats="xlsx",
        status=BatchJob.Status.RUNNING,
        started_at=timezone.now() - timedelta(hours=3),
        total=3,
        done=1,
    )
    html = login_as("admin").get(reverse("documents-batch-status", args=[job.pk])).content.decode()
    assert 'data-status="failed"' in html and "hx-get" not in html
    assert "terhenti" in html


def test_rencana_aksi_downloads_from_the_pk_page_draft_until_the_pk_is_approved(
    demo: Any, login_as: Callable[[str], Client]
) -> None:
    client = login_as("operator_a")
    page = client.get(reverse("pk-detail", args=[demo.office_a.code, 2020])).content.decode()
    for fmt in ("docx", "pdf", "xlsx"):
        assert f'data-testid="download-rencana-aksi-{fmt}"' in page
    url = reverse("document-download", args=[demo.office_a.code, 2020, "rencana-aksi", "xlsx"])
    r = client.get(url)
    assert r.status_code == 200 and r["Content-Type"] == XLSX
    assert r["Content-Disposition"] == 'attachment; filename="rencana-aksi-kaloran-2020.xlsx"'
    rows = _sheet_rows(r.content)
    assert "DRAFT" in str(rows[0][0]) and "RENCANA AKSI TAHUN 2020" in str(rows[0][0])
    ikm = next(row for row in rows if isinstance(row[1], str) and row[1].startswith("Indeks Kepuasan"))
    assert ikm[3] == 100 and ikm[4:8] == ("belum ditetapkan",) * 4  # the PK's target; no quarter target yet
    d = client.get(reverse("document-download", args=[demo.office_a.code, 2020, "rencana-aksi", "docx"]))
    assert d.status_code == 200 and d["Content-Type"] == DOCX
    assert "DRAFT" in _header(d.content)
    _approve(demo.office_a, 2020, "pk")
    assert "DRAFT" not in _header(client.get(
        reverse("document-download", args=[demo.office_a.code, 2020, "rencana-aksi", "docx"])).content)
