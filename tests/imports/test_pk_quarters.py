"""Quarter targets in the PK import: the template carries them, good rows are stored exactly, bad rows are named.

The example office (docs/examples/contoh-kecamatan.yaml), 2025: S1.2 (a sum, cumulative
250 / 550 / 850 / 1.100, year target 1.100 in the amendment in force), S1.3 qualitative
(BB), S1.4 in range, S1.5 lower is better with baseline 12, T1.1 higher is better.
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import openpyxl
import pytest

from sakip.accounts.models import Office, Regency
from sakip.core.interchange import import_office
from sakip.domain import workflow as wf
from sakip.importers.kinds import PK, PK_WITHOUT_QUARTERS
from sakip.imports import services
from sakip.monitoring.models import IndicatorYear, Quarter
from sakip.workflow.models import PeriodState
from tests.importers.xlsx_support import workbook
from tests.web.pages_support import example_doc

pytestmark = pytest.mark.django_db

D = Decimal
HEADER = [c.header for c in PK.columns]
YEAR = 2025


@pytest.fixture()
def office(db: None) -> Office:
    regency = Regency.objects.create(code="uji", name="Kabupaten Uji", province="Jawa Tengah")
    return import_office(example_doc(), regency)


def pk_row(code: str, target: object = None, quarters: tuple[object, ...] = (), cumulative: str | None = None):
    cells: list[object] = [code, None, None, target]
    cells += list(quarters) + [None] * (4 - len(quarters))
    return [*cells, cumulative]


def stored(code: str) -> dict[int, Any]:
    out: dict[int, Any] = {}
    for q in Quarter.objects.filter(indicator_year__indicator__code=code, indicator_year__year=YEAR):
        if q.target_grade or q.target is not None:
            out[q.quarter] = q.target_grade or q.target
    return out


def everything() -> list[Any]:
    return [
        sorted(Quarter.objects.values_list("indicator_year_id", "quarter", "target", "target_grade", "value")),
        sorted(IndicatorYear.objects.values_list("indicator_id", "year", "cumulative_targets")),
    ]


def test_the_template_carries_the_quarter_targets_and_round_trips(office: Office) -> None:
    data = services.template(office, "pk", YEAR)
    ws = openpyxl.load_workbook(io.BytesIO(data))["PK"]
    header = [c.value for c in ws[1]]
    assert header == HEADER
    rows = {r[0]: r for r in ws.iter_rows(min_row=2, values_only=True) if r[0]}
    assert rows["S1.2"][3:9] == (1100, 250, 550, 850, 1100, "ya")
    assert rows["S1.1"][3:9] == (1.5, 1.5, 1.5, 1.5, 1.5, "tidak")
    assert rows["S1.3"][3:9] == ("BB", None, None, None, None, None)
    before = everything()
    outcome = services.run(office, "pk", YEAR, data)
    assert outcome.problems == [] and not outcome.has_changes
    assert everything() == before


def test_good_rows_are_stored_exactly_and_listed(office: Office) -> None:
    data = workbook({"PK": [
        HEADER,
        pk_row("S1.2", None, (260, "560", "860,5", 1100), "ya"),
        pk_row("S1.3", None, ("b", "B", "bb", "BB"), "ya"),
        pk_row("T1.1", 84, (84, 84, 84, 84), "tidak"),
    ]})
    preview = services.prepare(office, "pk", YEAR, data)
    assert preview.problems == []
    by_code = {c.code: c for c in preview.changes}
    assert by_code["S1.2"].action == services.UPDATED
    assert [(f.label, f.old, f.new) for f in by_code["S1.2"].fields] == [
        ("Target TW I", "250", "260"),
        ("Target TW II", "550", "560"),
        ("Target TW III", "850", "860,5"),
    ]
    assert [(f.label, f.old, f.new) for f in by_code["S1.3"].fields] == [
        ("Target TW I", "", "B"), ("Target TW II", "", "B"), ("Target TW III", "", "BB"), ("Target TW IV", "", "BB"),
        ("Target triwulan kumulatif", "tidak", "ya"),
    ]
    assert [f.label for f in by_code["T1.1"].fields] == ["Target", "Target TW I", "Target TW II", "Target TW III",
                                                         "Target TW IV"]
    assert stored("S1.2") == {1: D(250), 2: D(550), 3: D(850), 4: D(1100)}  # a preview stores nothing
    services.apply(office, preview)
    assert preview.applied, preview.problems
    assert stored("S1.2") == {1: D(260), 2: D(560), 3: D("860.5"), 4: D(1100)}
    assert stored("S1.3") == {1: "B", 2: "B", 3: "BB", 4: "BB"}
    assert stored("T1.1") == dict.fromkeys((1, 2, 3, 4), D(84))
    assert IndicatorYear.objects.get(indicator__code="S1.3", year=YEAR).cumulative_targets
    assert not IndicatorYear.objects.get(indicator__code="T1.1", year=YEAR).cumulative_targets
    # S1.2's realisations stay as they were
    values = dict(Quarter.objects.filter(indicator_year__indicator__code="S1.2", indicator_year__year=YEAR)
                  .values_list("quarter", "value"))
    assert values == {1: D(240), 2: D(310), 3: D(300), 4: None}
    again = services.run(office, "pk", YEAR, data)
    assert again.problems == [] and not again.has_changes


def test_bad_rows_are_named_and_nothing_is_stored(office: Office) -> None:
    before = everything()
    data = workbook({"PK": [
        HEADER,
        pk_row("S1.2", None, (250, 200), None),  # row 2: cumulative, TW II below TW I
        pk_row("S1.3", None, ("ZZ", 3), None),  # row 3: not a grade; a number for a grade
        pk_row("T1.1", None, ("12.5",), None),  # row 4: international decimal text
        pk_row("S1.4", "2 – 4", (3,), None),  # row 5: in range: a band, not a number
        pk_row("S1.5", 10, (11, 12), "ya"),  # row 6: lower is better (a stock): cumulative must not go up
        pk_row("S1.1", None, (None, None, "BB")),  # row 7: a grade for a number
    ]})
    outcome = services.run(office, "pk", YEAR, data)
    assert not outcome.ok and not outcome.applied
    found = {(p.row, p.column): p.message for p in outcome.problems}
    assert "tidak boleh turun" in found[(2, "F")] and "TW II (200)" in found[(2, "F")]
    assert "bukan predikat yang sah" in found[(3, "E")]
    assert "bukan predikat yang sah" in found[(3, "F")]
    assert "koma" in found[(4, "E")]
    assert "TW I: Tulis rentang target sebagai «batas bawah – batas atas»" in found[(5, "E")]
    assert "tidak boleh naik" in found[(6, "F")]
    assert "bukan angka yang sah" in found[(7, "G")]
    assert len(found) == 7
    assert everything() == before
    # a cell the reader refuses (not a choice) is named before any row is matched
    choice = services.run(office, "pk", YEAR, workbook({"PK": [HEADER, pk_row("S1.1", None, (1,), "mungkin")]}))
    (p,) = choice.problems
    assert (p.row, p.column) == (2, "I") and "mungkin" in p.message
    assert everything() == before


def test_a_changed_year_target_is_checked_against_the_stored_quarters(office: Office) -> None:
    # 2025's S1.3 has no quarter targets; S1.2 keeps 250 … 1.100 with a new year target: a warning, not an error
    outcome = services.run(office, "pk", YEAR, workbook({"PK": [HEADER, pk_row("S1.2", 1200)]}))
    assert outcome.applied, outcome.problems
    assert stored("S1.2")[4] == D(1100)


def test_a_file_without_the_quarter_columns_still_imports(office: Office) -> None:
    data = workbook({"PK": [[c.header for c in PK_WITHOUT_QUARTERS.columns], ["S1.2", None, None, 1000]]})
    outcome = services.run(office, "pk", YEAR, data)
    assert outcome.applied, outcome.problems
    assert stored("S1.2") == {1: D(250), 2: D(550), 3: D(850), 4: D(1100)}


def test_a_frozen_quarter_is_refused_with_the_lock_and_the_open_ones_pass(office: Office) -> None:
    PeriodState.objects.create(office=office, year=YEAR, step="quarter", quarter=1, state=wf.State.SUBMITTED.value)
    refused = services.run(office, "pk", YEAR, workbook({"PK": [HEADER, pk_row("S1.2", None, (255,))]}))
    (p,) = refused.problems
    assert (p.row, p.column) == (2, "E") and "TW I" in p.message and "diajukan" in p.message
    choice = services.run(office, "pk", YEAR, workbook({"PK": [HEADER, pk_row("S1.2", None, (), "tidak")]}))
    (p,) = choice.problems
    assert p.column == "I"
    same = services.run(office, "pk", YEAR, workbook({"PK": [HEADER, pk_row("S1.2", None, (250, None, 900), "ya")]}))
    assert same.applied, same.problems
    assert stored("S1.2") == {1: D(250), 2: D(550), 3: D(900), 4: D(1100)}
