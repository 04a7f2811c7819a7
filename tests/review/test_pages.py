"""The «Reviu» pages: the review of a stored year, the upload of a printed report, the downloads."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from django.test import Client
from docx import Document as read_docx
from openpyxl import load_workbook

from sakip.dataset.printed_report import load as load_printed
from sakip.dataset.printed_report import printed_seed_path
from sakip.domain.review_rules import review_printed
from sakip.reviews.output import rows

pytestmark = pytest.mark.django_db

Login = Callable[[str], Client]


def test_office_review_page_lists_findings_and_is_in_the_tabs(login_as: Login) -> None:
    client = login_as("operator_a")
    response = client.get("/opd/kaloran/reviu/2020/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="review-findings"' in html
    # golden 000: Tabel 3.4 row 3 (RTLH) printed "Kurang", correct "Baik" (through the scorecard)
    assert '<td class="num" data-testid="found">Kurang</td>' in html
    assert '<td class="num" data-testid="expected">Baik</td>' in html
    assert "OPD-REAL-01" in html  # Tabel 3.4 prints no realisations
    # a page of the Pelaporan step (issue #14: navigation by cycle step) lists the review among its pages
    assert 'href="/opd/kaloran/reviu/2020/"' in client.get("/opd/kaloran/profil/").content.decode()
    assert client.get("/opd/kaloran/reviu/0/").status_code == 302


def test_office_review_downloads(login_as: Login) -> None:
    client = login_as("verifier")
    page = client.get("/opd/kaloran/reviu/2020/").content.decode()
    numbered = page.count('data-testid="found"')  # one per finding
    docx = client.get("/opd/kaloran/reviu/2020/reviu.docx")
    assert docx.status_code == 200 and "attachment" in docx["Content-Disposition"]
    document = read_docx(io.BytesIO(docx.content))
    body_rows = sum(len(t.rows) - 1 for t in document.tables)
    assert body_rows == numbered > 0
    xlsx = client.get("/opd/kaloran/reviu/2020/reviu.xlsx")
    ws = load_workbook(io.BytesIO(xlsx.content)).active
    assert ws is not None
    assert [c.value for c in ws[5]][:3] == ["No", "Tingkat", "Aturan"]
    assert ws.max_row - 5 == numbered


def test_printed_report_upload_shows_every_wrong_figure(login_as: Login) -> None:
    client = login_as("operator_a")
    assert client.get("/opd/kaloran/reviu-laporan/").status_code == 200
    path = printed_seed_path("kaliwates-2020")
    with path.open("rb") as fh:
        response = client.post("/opd/kaloran/reviu-laporan/", {"file": fh})
    html = response.content.decode()
    assert response.status_code == 200
    expected = rows(review_printed(load_printed(path)))
    assert html.count('data-testid="found"') == len(expected)
    # golden 002: Nilai SKM capaian printed 83,5, correct 84,50
    assert '<td class="num" data-testid="found">83,5</td><td class="num" data-testid="expected">84,50</td>' in html
    with path.open("rb") as fh:
        xlsx = client.post("/opd/kaloran/reviu-laporan/", {"file": fh, "format": "xlsx"})
    ws = load_workbook(io.BytesIO(xlsx.content)).active
    assert ws is not None and ws.max_row - 5 == len(expected)
    with path.open("rb") as fh:
        docx = client.post("/opd/kaloran/reviu-laporan/", {"file": fh, "format": "docx"})
    assert sum(len(t.rows) - 1 for t in read_docx(io.BytesIO(docx.content)).tables) == len(expected)


def test_printed_report_errors_are_listed_and_nothing_is_reviewed(login_as: Login) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = login_as("operator_a")
    bad = SimpleUploadedFile(
        "r.yaml",
        b"format: sakip-printed-report/1\nreport: {office: X, year: 2020}\n"
        b"indicators: [{where: A, name: <b>A</b>, target: delapan}]\n",
    )
    html = client.post("/opd/kaloran/reviu-laporan/", {"file": bad}).content.decode()
    assert 'data-testid="printed-problems"' in html and "indicators[0].target" in html
    assert 'data-testid="printed-result"' not in html
    other = SimpleUploadedFile("r.txt", b"x")
    assert "bukan .txt" in client.post("/opd/kaloran/reviu-laporan/", {"file": other}).content.decode()
    template = client.get("/opd/kaloran/reviu-laporan/templat.xlsx")
    assert load_workbook(io.BytesIO(template.content)).sheetnames[0] == "Laporan"


def test_other_office_and_public_are_refused(login_as: Login) -> None:
    assert login_as("operator_b").get("/opd/kaloran/reviu/2020/").status_code == 403
    assert login_as("public").get("/opd/kaloran/reviu-laporan/").status_code == 403


def test_regency_review_lists_every_office_for_the_regency_roles(login_as: Login) -> None:
    client = login_as("verifier")
    html = client.get("/reviu/?tahun=2020").content.decode()
    assert 'data-testid="review-regency"' in html
    for name in ("Kecamatan Kaloran", "Kecamatan Kaliwates"):
        assert name in html
    assert 'href="/opd/kaloran/reviu/2020/"' in html
    assert 'data-testid="review-regency-link"' in html
    assert login_as("operator_a").get("/reviu/").status_code == 403


def test_annual_report_state_comes_from_the_workflow(login_as: Login) -> None:
    from sakip.accounts.models import Office
    from sakip.domain import workflow as wf
    from sakip.workflow.models import PeriodState

    client = login_as("operator_a")
    html = client.get("/opd/kaloran/reviu/2020/").content.decode()
    assert html.count('data-rule="OPD-LAP-01"') == 2  # neither submitted nor approved
    office = Office.objects.get(code="kaloran")
    PeriodState.objects.update_or_create(
        office=office,
        year=2020,
        step=wf.Step.ANNUAL.value,
        quarter=None,
        defaults={"state": wf.State.SUBMITTED.value},
    )
    html = client.get("/opd/kaloran/reviu/2020/").content.decode()
    assert html.count('data-rule="OPD-LAP-01"') == 1  # submitted, not yet approved
    assert "belum disetujui" in html


def test_the_findings_follow_the_reader_s_language(login_as: Login) -> None:
    """On an English page every finding is rendered through the English catalogue (issue #14); Indonesian by
    default; the documents stay Indonesian."""
    import html as html_lib
    import re

    from django.conf import settings
    from django.utils import translation
    from django.utils.translation import gettext

    from sakip.accounts.models import Office
    from sakip.reviews import services

    client = login_as("operator_a")
    url = "/opd/kaloran/reviu/2020/"
    indonesian = client.get(url).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(url).content.decode()
    result = services.office_review(Office.objects.get(code="kaloran"), 2020).result
    assert result is not None
    with translation.override("en"):
        expected = rows(result, gettext)
    assert len(expected) == english.count('data-testid="found"') > 5

    def cells(page: str, testid: str) -> list[str]:
        return [html_lib.unescape(c) for c in re.findall(rf'data-testid="{testid}">(.*?)</td>', page)]

    for testid, field in (("place", "place"), ("figure", "figure"), ("message", "message"), ("found", "found"),
                          ("expected", "expected")):
        assert cells(english, testid) == [getattr(r, field) for r in expected], testid
        assert cells(indonesian, testid) == [getattr(r, field) for r in rows(result)], testid
    # words of the catalogue: the figure, the severity, the place words, a value that is a sentence
    figures_en, figures_id = set(cells(english, "figure")), set(cells(indonesian, "figure"))
    assert "realisation" in figures_en and "realisasi" not in figures_en and "realisasi" in figures_id
    assert "<td>Major</td>" in english and "<td>Mayor</td>" in indonesian
    for text in cells(english, "message") + cells(english, "place"):
        assert "%(" not in text and "%%" not in text, text
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    xlsx = load_workbook(io.BytesIO(client.get(url + "reviu.xlsx").content)).active
    assert xlsx is not None
    assert [c.value for c in xlsx[5]][:3] == ["No", "Tingkat", "Aturan"]
    assert {xlsx.cell(row=r, column=5).value for r in range(6, xlsx.max_row + 1)} == figures_id


def test_the_dashboard_findings_follow_the_reader_s_language(login_as: Login) -> None:
    """The scorecard's findings on the office dashboard are sentences of the catalogue too (the fragment is kept per
    language)."""
    import html as html_lib

    from django.conf import settings
    from django.utils import translation

    from sakip.accounts.models import Office
    from sakip.core.i18n import translate
    from sakip.core.services import scorecard_for

    office = Office.objects.get(code="kaloran")
    sc = scorecard_for(office, 2020)
    assert sc is not None and sc.findings
    client = login_as("operator_a")
    url = "/opd/kaloran/?tahun=2020"
    indonesian = html_lib.unescape(client.get(url).content.decode())
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = html_lib.unescape(client.get(url).content.decode())
    with translation.override("en"):
        wanted = [translate(f.what.msg) for f in sc.findings]  # type: ignore[attr-defined]
    assert any(w != str(f.what) for w, f in zip(wanted, sc.findings, strict=True)), "some sentence is translated"
    for finding, text in zip(sc.findings, wanted, strict=True):
        assert text in english, text
        assert str(finding.what) in indonesian
