"""The portal's downloads of approved documents (PDF): only of approved periods, generated from the approved data
by the office's own builder, kept and reused; anything unpublished is 404 to everyone."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from pypdf import PdfReader

from sakip.documents import services as document_services
from sakip.portal import documents
from sakip.reports.pdf import soffice_path
from sakip.workflow.models import PeriodState
from tests.web.demo_support import Demo

YEAR = 2020
needs_soffice = pytest.mark.skipif(soffice_path() is None, reason="LibreOffice is not installed")


def approve(office: Any, year: int, step: str, quarter: int | None = None, state: str = "approved") -> None:
    PeriodState.objects.update_or_create(
        office=office, year=year, step=step, quarter=quarter, defaults={"state": state}
    )


def url(demo: Demo, slug: str, year: int = YEAR) -> str:
    return f"/publik/demo/{demo.office_a.code}/dokumen/{year}/{slug}.pdf"


def pdf_text(data: bytes) -> str:
    return "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages)


def test_nothing_is_offered_before_approval(demo: Demo) -> None:
    page = Client().get(f"/publik/demo/{demo.office_a.code}/").content.decode()
    assert 'data-testid="portal-documents"' not in page
    for slug in ("lkjip", "pk", "iku", "rencana-aksi", "triwulan-1"):
        assert Client().get(url(demo, slug)).status_code == 404
    # submitted or verified is not yet approved
    approve(demo.office_a, YEAR, "annual", state="verified")
    assert Client().get(url(demo, "lkjip")).status_code == 404
    assert documents.published_documents(demo.office_a) == []


def test_which_documents_each_approval_publishes(demo: Demo) -> None:
    approve(demo.office_a, YEAR, "pk")
    approve(demo.office_a, YEAR, "quarter", 2)
    slugs = [d.slug for d in documents.published_documents(demo.office_a)]
    assert slugs == ["pk", "rencana-aksi", "iku", "triwulan-2"]
    page = Client().get(f"/publik/demo/{demo.office_a.code}/").content.decode()
    assert 'data-testid="portal-document-pk-2020"' in page and 'data-testid="portal-document-triwulan-2-2020"' in page
    assert 'data-testid="portal-document-lkjip-2020"' not in page
    # not published: the LKjIP, another quarter, a kind the portal never offers, another office, another year
    for wrong in (url(demo, "lkjip"), url(demo, "triwulan-1"), url(demo, "matrik"), url(demo, "renstra"),
                  url(demo, "pk", YEAR + 1), f"/publik/demo/{demo.office_b.code}/dokumen/{YEAR}/pk.pdf"):
        assert Client().get(wrong).status_code == 404, wrong


@needs_soffice
def test_an_approved_lkjip_is_downloaded_by_anyone_and_kept(demo: Demo, monkeypatch: pytest.MonkeyPatch) -> None:
    approve(demo.office_a, YEAR, "annual")
    r = Client().get(url(demo, "lkjip"))
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf", r.content[:300]
    assert r["Content-Disposition"] == f'attachment; filename="lkjip-{YEAR}-{demo.office_a.code}.pdf"'
    assert r.content.startswith(b"%PDF")
    text = pdf_text(r.content)
    assert demo.office_a.name.upper() in text.upper() and "DRAFT" not in text  # approved: no draft mark
    cached = list((Path(settings.MEDIA_ROOT) / documents.CACHE_DIR / str(demo.office_a.pk)).glob("lkjip-*.pdf"))
    assert len(cached) == 1 and cached[0].read_bytes() == r.content

    # the second download is the kept file: no generation at all
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("generated again")

    monkeypatch.setattr(document_services, "generate_for", refuse)
    again = Client().get(url(demo, "lkjip"))
    assert again.status_code == 200 and again.content == r.content
    # unlocked: not public any more; approved again later: a new file replaces the old one
    approve(demo.office_a, YEAR, "annual", state="reopened")
    assert Client().get(url(demo, "lkjip")).status_code == 404
    monkeypatch.undo()
    approve(demo.office_a, YEAR, "annual")
    assert Client().get(url(demo, "lkjip")).status_code == 200
    now = list((Path(settings.MEDIA_ROOT) / documents.CACHE_DIR / str(demo.office_a.pk)).glob("lkjip-*.pdf"))
    assert len(now) == 1 and now[0] != cached[0]


@needs_soffice
def test_an_approved_pk_is_a_pdf_of_the_agreement(demo: Demo) -> None:
    approve(demo.office_a, YEAR, "pk")
    r = Client().get(url(demo, "pk"))
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    assert "PERJANJIAN KINERJA" in pdf_text(r.content).upper()
