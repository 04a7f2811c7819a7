"""The survey page: the IKM result from the domain and the questionnaire upload."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from sakip.accounts.models import Office
from sakip.core.interchange import domain_office
from sakip.domain.numbers import format_number
from sakip.domain.scorecard import build_scorecard
from sakip.domain.survey import PERMENPAN_14_2017, from_responses
from sakip.surveys.models import Survey

from . import pages_support

# the page fixtures (kept out of conftest.py, which the authorisation tests own)
media = pages_support.media
regency = pages_support.regency
office = pages_support.office
other_office = pages_support.other_office
operator = pages_support.operator
other_operator = pages_support.other_operator
verifier = pages_support.verifier

YEAR = 2025
HEADER = "No," + ",".join(f"U{i}" for i in range(1, 10))
ROWS = [
    [4, 3, 3, 4, 3, 3, 4, 3, 3],
    [3, 3, 3, 4, 3, 4, 4, 3, 3],
    [2, 4, 3, 4, 3, 3, 3, 3, 2],
    [4, 4, 4, 4, 4, 4, 4, 4, 4],
]


def csv_file(rows: list[list[object]], header: str = HEADER) -> SimpleUploadedFile:
    text = "\n".join([header] + [",".join([str(n)] + [str(a) for a in r]) for n, r in enumerate(rows, 1)])
    return SimpleUploadedFile("skm.csv", text.encode("utf-8"), content_type="text/csv")


def url(office: Office) -> str:
    return reverse("survey-detail", args=[office.code, YEAR])


@pytest.mark.django_db
def test_survey_page_shows_the_domain_result(operator: Client, office: Office) -> None:
    r = operator.get(url(office))
    assert r.status_code == 200
    html = r.content.decode()
    result = build_scorecard(domain_office(office), YEAR).survey.result  # type: ignore[union-attr]
    assert f'data-testid="ikm">{format_number(result.index)}<' in html
    assert result.grade_2017 in html and result.grade_2004 in html
    assert "1 kuesioner tidak lengkap" in html  # the example has one incomplete questionnaire
    assert "Persyaratan" in html and 'data-testid="survey-form"' in html


@pytest.mark.django_db
def test_upload_replaces_the_survey(operator: Client, office: Office) -> None:
    r = operator.post(url(office), {"file": csv_file(ROWS), "instrument": "permenpan-14-2017", "population": "50",
                                    "period": "Triwulan IV"})
    assert r.status_code == 302
    s = Survey.objects.get(office=office, year=YEAR)
    assert s.input == "responses" and s.responses == ROWS and s.population == 50
    expected = from_responses(PERMENPAN_14_2017, ROWS, 50)  # type: ignore[arg-type]
    html = operator.get(url(office)).content.decode()
    assert f'data-testid="ikm">{format_number(expected.index)}<' in html
    assert "kurang dari minimum" in html  # Krejcie–Morgan warning for N = 50


@pytest.mark.django_db
def test_upload_errors_are_listed_per_cell_and_nothing_is_stored(operator: Client, office: Office) -> None:
    before = Survey.objects.get(office=office, year=YEAR).responses
    bad = [[4, 3, 3, 4, 3, 3, 4, 3, 3], [3, 5, 3, 4, 3, 4, 4, "x", 3]]
    r = operator.post(url(office), {"file": csv_file(bad), "instrument": "permenpan-14-2017"})
    assert r.status_code == 200
    html = r.content.decode()
    assert "C3" in html and "I3" in html
    assert Survey.objects.get(office=office, year=YEAR).responses == before


@pytest.mark.django_db
def test_upload_refuses_other_file_types(operator: Client, office: Office) -> None:
    pdf = SimpleUploadedFile("skm.pdf", b"%PDF-1.4")
    r = operator.post(url(office), {"file": pdf, "instrument": "permenpan-14-2017"})
    assert r.status_code == 200 and ".csv atau .xlsx" in r.content.decode()


@pytest.mark.django_db
def test_upload_xlsx_with_a_custom_instrument(operator: Client, office: Office) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Responden", "Keramahan", "Kecepatan", "<b>Kebersihan</b>"])
    for row in ([4, 3, 3], [3, 3, 4], [4, 4, 4]):
        ws.append(["r", *row])
    buf = io.BytesIO()
    wb.save(buf)
    r = operator.post(url(office), {"file": SimpleUploadedFile("skm.xlsx", buf.getvalue()), "instrument": "custom",
                                    "grade_table": "kepmenpan-25-2004"})
    assert r.status_code == 302, r.content.decode()[-3000:]
    s = Survey.objects.get(office=office, year=YEAR)
    assert s.instrument == "custom" and s.elements == ["Keramahan", "Kecepatan", "<b>Kebersihan</b>"]
    html = operator.get(url(office)).content.decode()
    assert "&lt;b&gt;Kebersihan&lt;/b&gt;" in html and "<b>Kebersihan</b>" not in html


@pytest.mark.django_db
def test_verifier_reads_without_upload_form(verifier: Client, office: Office) -> None:
    r = verifier.get(url(office))
    assert r.status_code == 200 and 'data-testid="survey-form"' not in r.content.decode()
    assert verifier.post(url(office), {"file": csv_file(ROWS), "instrument": "permenpan-14-2017"}).status_code == 403


@pytest.mark.django_db
def test_another_offices_operator_gets_403(other_operator: Client, office: Office) -> None:
    assert other_operator.get(url(office)).status_code == 403
    r = other_operator.post(url(office), {"file": csv_file(ROWS), "instrument": "permenpan-14-2017"})
    assert r.status_code == 403
