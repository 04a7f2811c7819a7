"""The rules for quarterly reports and consistency, one behaviour at a time, on small printed reports.

The office data are the Karangsari seed (TW I and TW II measured); the printed reports are
written here, each with the one figure the test is about.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from openpyxl import load_workbook

from sakip.dataset import load as load_office
from sakip.dataset import seed_path
from sakip.dataset.loader import DatasetError
from sakip.dataset.printed_report import load, load_document, write_xlsx
from sakip.domain.office import Office
from sakip.domain.printed import DASH, Basis
from sakip.domain.review import Finding
from sakip.domain.review_rules import ReviewResult, review_printed


@pytest.fixture(scope="module")
def office() -> Office:
    return load_office(seed_path("karangsari-2024"))


def report(*rows: dict[str, Any], quarter: int | None = 2, **extra: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "format": "sakip-printed-report/1",
        "report": {"office": "Kecamatan Karangsari", "year": 2024},
        "scale": {"where": "Skala", "preset": "permendagri-86"},
        "indicators": list(rows),
        **extra,
    }
    if quarter is not None:
        doc["report"]["quarter"] = quarter
    return doc


def review(doc: dict[str, Any], office: Office | None = None) -> ReviewResult:
    return review_printed(load_document(yaml.safe_load(yaml.safe_dump(_plain(doc)))), office=office)


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def only(result: ReviewResult, rule: str) -> list[Finding]:
    return [f for f in result.findings if f.rule == rule]


def test_a_printed_dash_is_not_a_blank_and_loads_as_such() -> None:
    r = load_document(
        report({"where": "T", "name": "IKM", "quarters": {"1": {"realisation": "-", "achievement": "-"}, "2": {}}})
    )
    cells = r.indicators[0].quarters
    assert cells[1].realisation == DASH and cells[1].achievement == DASH
    assert cells[2].realisation is None and cells[2].achievement is None  # not printed
    assert r.quarter == 2 and r.indicators[0].basis is Basis.TO_DATE


def test_a_grade_is_refused_in_a_numeric_row_and_kept_in_a_qualitative_one() -> None:
    with pytest.raises(DatasetError) as info:
        load_document(report({"where": "T", "name": "IKM", "quarters": {"2": {"realisation": "BB"}}}))
    assert [i.path for i in info.value.issues] == ["indicators[0].quarters.2.realisation"]
    r = load_document(
        report({"where": "T", "name": "AKIP", "polarity": "qualitative", "quarters": {"2": {"realisation": "B"}}})
    )
    assert r.indicators[0].quarters[2].realisation == "B"


def test_a_qualitative_quarter_achievement_is_rank_over_rank() -> None:
    row = {
        "where": "T",
        "name": "Nilai AKIP",
        "polarity": "qualitative",
        "quarters": {"2": {"target": "BB", "realisation": "B", "achievement": 100}},
    }
    (f,) = only(review(report(row)), "PR-TW-01")
    assert (f.printed, f.correct) == (Decimal(100), Decimal("80.00"))  # rank(B) 4 / rank(BB) 5 × 100


def test_a_grade_outside_the_ordinal_scale() -> None:
    row = {"where": "T", "name": "Nilai AKIP", "polarity": "qualitative", "quarters": {"2": {"target": "BBB"}}}
    (f,) = only(review(report(row)), "PR-SKALA-02")
    assert (f.where, f.what, f.printed) == ("T › TW II", "target", "BBB")
    assert "bukan predikat" in f.explanation and isinstance(f.correct, str) and "BB" in f.correct


def test_an_achievement_beside_a_dash_realisation_is_not_measured() -> None:
    row = {"where": "T", "name": "IKM", "quarters": {"1": {"realisation": "-", "achievement": 0}}}
    (f,) = only(review(report(row)), "PR-TW-05")
    assert (f.what, f.printed, f.correct) == ("capaian %", Decimal(0), "belum diukur")


def test_later_quarters_are_not_measured_in_a_quarterly_report_only() -> None:
    row = {"where": "T", "name": "X", "quarters": {"3": {"realisation": 4}}}
    (f,) = only(review(report(row, quarter=2)), "PR-TW-05")
    assert "TW III belum berjalan" in f.explanation
    assert not only(review(report(row, quarter=None)), "PR-TW-05")  # an annual report covers the year


def test_a_zero_target_where_the_data_set_none(office: Office) -> None:
    row = {"where": "T", "name": "IKM", "indicator": "S1.1", "quarters": {"1": {"target": 0}}}
    (f,) = only(review(report(row), office), "PR-TW-05")
    assert (f.what, f.printed, f.correct) == ("target", Decimal(0), "target belum ditetapkan")


def test_a_quarter_printed_alone_is_compared_with_the_quarter_alone(office: Office) -> None:
    """``basis: quarter``: 8 violations in TW II against its own target 6 (not 13 against 12 to date)."""
    alone = {
        "where": "T",
        "name": "Pelanggaran",
        "indicator": "S2.2",
        "polarity": "lower_is_better",
        "basis": "quarter",
        "quarters": {"2": {"target": 6, "realisation": 8, "achievement": 66.67}},
    }
    assert review(report(alone), office).findings == ()
    to_date = {**alone, "basis": "to_date"}
    wrong = {(f.rule, f.what, f.printed, f.correct) for f in review(report(to_date), office).findings}
    assert wrong == {
        ("PR-TW-03", "target", Decimal(6), Decimal(12)),  # 6 is the target to date of TW I
        ("PR-TW-02", "realisasi", Decimal(8), Decimal(13)),
        ("PR-TW-02", "capaian %", Decimal("66.67"), Decimal("91.67")),
    }


def test_an_unknown_indicator_or_code_is_a_warning(office: Office) -> None:
    doc = report(
        {"where": "T", "name": "X", "indicator": "S9.9", "quarters": {"2": {"realisation": 1}}},
        budget=[{"key": "A", "code": "9.99", "where": "Anggaran › A", "name": "A", "allocation": 10}],
    )
    found = {(f.what, f.printed, f.severity.value) for f in review(doc, office).findings}
    assert found == {("indikator", "S9.9", "warning"), ("kode anggaran", "9.99", "warning")}


def test_an_earlier_quarter_from_the_printed_quarters_alone() -> None:
    line = {"key": "A", "where": "Anggaran › A", "name": "Belanja A", "allocation": 1000,
            "quarters": {"1": 200, "2": 300}, "realisation": 200, "absorption": 20}
    result = review(report(budget=[line]))
    earlier = {(f.what, f.printed, f.correct) for f in only(result, "PR-TW-03")}
    assert earlier == {("realisasi", Decimal(200), Decimal(500)), ("penyerapan %", Decimal(20), Decimal(50))}
    assert not only(result, "PR-ANG-08")  # one finding per figure: the specific cause is kept


def test_zero_allocation_with_a_dash_is_right() -> None:
    line = {"key": "A", "where": "A", "name": "Lomba", "allocation": 0, "realisation": "-", "absorption": "-"}
    assert not only(review(report(budget=[line])), "PR-ANG-07")
    printed = {**line, "realisation": 5000, "absorption": 100}
    (f,) = only(review(report(budget=[printed])), "PR-ANG-07")
    assert "tanpa pagu perlu dijelaskan" in f.explanation


@pytest.mark.parametrize(
    ("nip", "correct"),
    [
        ("19700512 199503 1 0022", "18 angka"),  # a digit too many, no single valid repair: several candidates
        ("119670707 198803 1 005", "18 angka, kemungkinan 19670707 198803 1 005"),
        ("1967070 198803 1 005", "18 angka"),
        ("19670707 198803 1 005", None),
        ("19720403-199403 1 008", None),  # separators are not digits
    ],
)
def test_nip_has_eighteen_digits(nip: str, correct: str | None) -> None:
    doc = report(signatures=[{"where": "TTD", "name": "A", "nip": nip}])
    found = only(review(doc), "PR-NIP-01")
    assert [f.correct for f in found] == ([correct] if correct else [])


def test_old_files_still_load_and_annual_reports_get_no_quarter_rules(office: Office) -> None:
    doc = report(
        {"where": "T", "name": "IKM", "target": 80, "realisation": 60, "achievement": 75.00, "category": "Sedang"},
        quarter=None,
        budget=[{"key": "A", "where": "A", "name": "A", "allocation": 100, "realisation": 1, "absorption": 1}],
    )
    result = review(doc, office)
    assert result.findings == ()  # no absorption warning for an annual report; 75 is Sedang


def test_the_quarter_sheet_of_the_template(tmp_path: Path) -> None:
    doc = report(
        {"where": "T", "name": "AKIP", "polarity": "qualitative", "indicator": "T1.1",
         "quarters": {"2": {"target": "BB", "realisation": "-"}}, "year_end": {"target": "BB"}},
        budget=[{"key": "A", "code": "7.01", "where": "A", "name": "A", "allocation": 100,
                 "quarters": {"1": "-", "2": 40}, "realisation": 40}],
        signatures=[{"where": "TTD", "name": "A", "nip": "19700512 199503 1 002", "person": "camat"}],
    )
    path = write_xlsx(_plain(doc), tmp_path / "tw.xlsx")
    assert load(path) == load_document(_plain(doc))
    wb = load_workbook(path)
    wb["Triwulan"]["B2"] = "lima"
    wb["Triwulan"]["A3"] = "tidak ada"
    wb.save(path)
    with pytest.raises(DatasetError) as info:
        load(path)
    messages = {str(i) for i in info.value.issues}
    assert "Triwulan!B2: period harus 1, 2, 3, 4 atau 'akhir', bukan 'lima'" in messages
    assert "Triwulan!A3: tidak ada baris Indikator dengan where 'tidak ada'" in messages
