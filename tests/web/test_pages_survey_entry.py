"""The survey page's questionnaire templates and its manual entry of element values or of an index (issue #14)."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from sakip.accounts.models import Office
from sakip.core.interchange import domain_office, export_office
from sakip.dataset.survey_file import read_survey_file
from sakip.domain.numbers import format_number
from sakip.domain.scorecard import build_scorecard
from sakip.domain.survey import INSTRUMENTS, KEPMENPAN_25_2004, PERMENPAN_14_2017, Basis, from_element_values
from sakip.surveys.models import Survey

from . import pages_support

media = pages_support.media
regency = pages_support.regency
office = pages_support.office
operator = pages_support.operator
verifier = pages_support.verifier

YEAR = 2025
NRR = ["3,25", "3,1", "2,9", "3,5", "3", "3,4", "3,45", "2,75", "3,2"]


def url(office: Office) -> str:
    return reverse("survey-detail", args=[office.code, YEAR])


def template_url(office: Office, code: str, fmt: str) -> str:
    return reverse("survey-template", args=[office.code, code, fmt])


def result_of(office: Office):  # type: ignore[no-untyped-def]
    survey = build_scorecard(domain_office(office), YEAR).survey
    assert survey is not None
    return survey.result


# ----------------------------------------------------------------------------- templates


@pytest.mark.django_db
@pytest.mark.parametrize("code", sorted(INSTRUMENTS))
def test_the_xlsx_template_is_what_the_upload_reads(
    operator: Client, office: Office, code: str, tmp_path: Path
) -> None:
    """Download, fill three respondents as an operator would, upload the same file: the IKM of those answers."""
    instrument = INSTRUMENTS[code]
    r = operator.get(template_url(office, code, "xlsx"))
    assert r.status_code == 200 and f"kuesioner-skm-{code}.xlsx" in r["Content-Disposition"]
    wb = load_workbook(io.BytesIO(r.content))
    ws = wb.worksheets[0]
    assert [c.value for c in ws[1]] == ["No", *instrument.elements]
    [validation] = ws.data_validations.dataValidation
    assert (validation.type, validation.formula1, validation.formula2) == ("whole", "1", "4")
    assert str(validation.sqref).startswith("B2:")
    guide = [[c.value for c in row] for row in wb.worksheets[1].iter_rows()]
    assert [1, "tidak baik / tidak sesuai"] in guide and [4, "sangat baik / sangat sesuai"] in guide
    answers = [[(i + j) % 4 + 1 for j in range(len(instrument.elements))] for i in range(3)]
    for i, row in enumerate(answers, start=2):
        ws.cell(i, 1, i - 1)
        for j, a in enumerate(row, start=2):
            ws.cell(i, j, a)
    path = tmp_path / "isi.xlsx"
    wb.save(path)
    assert read_survey_file(path, instrument).responses == answers
    posted = operator.post(url(office), {"file": SimpleUploadedFile("isi.xlsx", path.read_bytes()), "instrument": code})
    assert posted.status_code == 302
    assert Survey.objects.get(office=office, year=YEAR).responses == answers
    assert result_of(office).basis == Basis.RESPONSES


@pytest.mark.django_db
def test_the_csv_template_is_the_header_the_upload_reads(operator: Client, office: Office, tmp_path: Path) -> None:
    r = operator.get(template_url(office, KEPMENPAN_25_2004.code, "csv"))
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    path = tmp_path / "isi.csv"
    path.write_bytes(r.content + b"1," + b",".join([b"4"] * 14) + b"\r\n2," + b",".join([b"2"] * 14) + b"\r\n")
    assert read_survey_file(path, KEPMENPAN_25_2004).responses == [[4] * 14, [2] * 14]


@pytest.mark.django_db
def test_the_templates_are_linked_and_unknown_ones_are_404(operator: Client, office: Office) -> None:
    html = operator.get(url(office)).content.decode()
    for code in INSTRUMENTS:
        assert template_url(office, code, "xlsx") in html and template_url(office, code, "csv") in html
    assert operator.get(template_url(office, "nope", "xlsx")).status_code == 404
    assert operator.get(template_url(office, "permenpan-14-2017", "pdf")).status_code == 404
    assert operator.post(template_url(office, "permenpan-14-2017", "csv")).status_code == 405


# ----------------------------------------------------------------------------- manual entry


def entry(mode: str, **more: str) -> dict[str, str]:
    return {"op": "entry", "instrument": "permenpan-14-2017", "mode": mode, **more}


@pytest.mark.django_db
def test_element_values_are_stored_and_scored_by_the_domain(operator: Client, office: Office) -> None:
    values = {f"e{k}": v for k, v in enumerate(NRR, 1)}
    r = operator.post(url(office), entry("nrr", respondents="1.250", population="12.500", **values))
    assert r.status_code == 302, r.content.decode()[-2000:]
    s = Survey.objects.get(office=office, year=YEAR)
    assert (s.input, s.respondents, s.population, s.responses, s.index) == ("nrr", 1250, 12500, [], None)
    expected = from_element_values(
        PERMENPAN_14_2017,
        {name: Decimal(v.replace(",", ".")) for name, v in zip(PERMENPAN_14_2017.elements, NRR, strict=True)},
        respondents=1250,
    )
    got = result_of(office)
    assert (got.index, got.basis, got.respondents) == (expected.index, Basis.ELEMENTS, 1250)
    html = operator.get(url(office)).content.decode()
    assert f'data-testid="ikm">{format_number(expected.index)}<' in html
    assert "dihitung dari nilai per unsur yang diisi" in html
    assert "populasi 12.500" in html and ">1.250<" in html
    assert 'value="3,25"' in html  # the form shows what is stored, as typed
    assert 'name="respondents" value="1.250"' in html and 'name="population" value="12.500"' in html


@pytest.mark.django_db
def test_scores_25_to_100_are_converted(operator: Client, office: Office) -> None:
    r = operator.post(url(office), entry("score", e1="80", e2="90,5", respondents="40"))
    assert r.status_code == 302
    got = result_of(office)
    assert got.index == (Decimal(80) + Decimal("90.5")) / 2 and got.not_scored == PERMENPAN_14_2017.elements[2:]


@pytest.mark.django_db
def test_an_index_computed_elsewhere_is_kept_with_its_respondents(operator: Client, office: Office) -> None:
    r = operator.post(url(office), entry("index", index="82,57", respondents="312", period="Semester II"))
    assert r.status_code == 302
    s = Survey.objects.get(office=office, year=YEAR)
    assert (s.input, s.index, s.respondents, s.values, s.period) == ("index", Decimal("82.57"), 312, {}, "Semester II")
    got = result_of(office)
    assert (got.index, got.basis, got.elements, got.respondents) == (Decimal("82.57"), Basis.INDEX, (), 312)
    assert got.grade_2017 == "B (Baik)"
    html = operator.get(url(office)).content.decode()
    assert 'data-testid="ikm">82,57<' in html and "indeks yang dihitung di luar aplikasi dan diisi" in html
    assert 'data-testid="survey-elements"' not in html
    # the dataset carries it and reads it back the same
    [kept] = [y["survey"] for y in export_office(office)["years"] if y["year"] == YEAR]
    assert kept["input"] == "index" and kept["index"] == Decimal("82.57") and kept["respondents"] == 312


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        (entry("index", index="82,57"), "memerlukan jumlah responden"),
        (entry("index", index="120", respondents="10"), "di luar 25–100"),
        (entry("index", index="82,123456", respondents="10"), "empat desimal"),
        (entry("index", index="8x", respondents="10"), "indeks"),
        (entry("nrr", e1="5", respondents="10"), "di luar 1–4"),
        (entry("nrr", respondents="10"), "paling sedikit satu unsur"),
        (entry("nrr", e1="3", respondents="12,5"), "bilangan bulat positif"),
        (entry("nrr", e1="3", respondents="0"), "bilangan bulat positif"),
        (entry("other", e1="3"), "bentuk data"),
        ({**entry("nrr", e1="3"), "instrument": "nope"}, "instrumen"),
    ],
)
def test_bad_entries_are_refused_and_nothing_changes(
    operator: Client, office: Office, data: dict[str, str], message: str
) -> None:
    before = Survey.objects.get(office=office, year=YEAR)
    r = operator.post(url(office), data)
    assert r.status_code == 200
    html = r.content.decode()
    assert 'data-testid="survey-entry-errors"' in html and message in html
    after = Survey.objects.get(office=office, year=YEAR)
    assert (after.pk, after.version, after.responses) == (before.pk, before.version, before.responses)


@pytest.mark.django_db
def test_an_entry_over_a_survey_changed_meanwhile_is_a_conflict(operator: Client, office: Office) -> None:
    page = operator.get(url(office)).content.decode()
    ver = page.split('name="ver" value="', 1)[1].split('"', 1)[0]
    assert operator.post(url(office), entry("index", index="70", respondents="5", ver=ver)).status_code == 302
    r = operator.post(url(office), entry("index", index="90", respondents="5", ver=ver))
    assert r.status_code == 409
    assert Survey.objects.get(office=office, year=YEAR).index == Decimal(70)


@pytest.mark.django_db
def test_the_entry_form_shows_the_chosen_instruments_elements(operator: Client, office: Office) -> None:
    html = operator.get(url(office) + "?instrumen=kepmenpan-25-2004").content.decode()
    assert 'name="e14"' in html and "Keamanan pelayanan" in html


@pytest.mark.django_db
def test_a_reader_has_no_entry_form(verifier: Client, office: Office) -> None:
    assert 'data-testid="survey-entry-form"' not in verifier.get(url(office)).content.decode()
    assert verifier.post(url(office), entry("index", index="80", respondents="5")).status_code == 403


@pytest.mark.django_db
def test_the_document_and_the_scorecard_say_where_the_index_came_from(operator: Client, office: Office) -> None:
    from sakip.reports.documents.lkjip import _survey_blocks
    from sakip.reports.scorecard import scorecard_dict

    assert operator.post(url(office), entry("index", index="82,57", respondents="312")).status_code == 302
    sc = build_scorecard(domain_office(office), YEAR)
    [table, *_] = _survey_blocks(sc)
    assert "sumber indeks: indeks yang dihitung di luar aplikasi dan diisi" in table.source  # type: ignore[attr-defined]
    data = scorecard_dict(sc)
    assert data["survey"]["basis"] == "index" and Decimal(data["survey"]["index"]) == Decimal("82.57")


@pytest.mark.django_db
def test_the_upload_reads_a_grouped_population_and_refuses_a_fraction(operator: Client, office: Office) -> None:
    header = "No," + ",".join(f"U{i}" for i in range(1, 10))
    rows = "\n".join([header] + [f"{n}," + ",".join(["3"] * 9) for n in range(1, 4)])

    def upload(population: str) -> int:
        csv = SimpleUploadedFile("skm.csv", rows.encode(), content_type="text/csv")
        return operator.post(url(office), {"file": csv, "instrument": "permenpan-14-2017",
                                           "population": population}).status_code

    assert upload("12.500") == 302 and Survey.objects.get(office=office, year=YEAR).population == 12500
    assert upload("12,5") == 200 and Survey.objects.get(office=office, year=YEAR).population == 12500
