"""Excel imports against the demo database: round trips, every change shown, all or nothing, idempotent."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sakip.accounts.models import Office
from sakip.agreements.models import PkTarget, PkVersion
from sakip.budgeting.models import BudgetLine, LineQuarter
from sakip.importers.kinds import ANGGARAN, KOMPONEN, PK, REALISASI
from sakip.imports import services
from sakip.monitoring.models import IndicatorYear, Quarter
from sakip.planning.models import Indicator, Target
from sakip.workflow.models import PeriodState
from tests.importers.xlsx_support import edit, find_row, workbook

pytestmark = pytest.mark.django_db

OFFICES = [("kaloran", 2020), ("kaliwates", 2020), ("kandangserang", 2021)]
HEADER = [c.header for c in REALISASI.columns]


def office(code: str = "kaloran") -> Office:
    return Office.objects.get(code=code)


def realisasi(*rows: list[object], komponen: list[list[object]] | None = None) -> bytes:
    sheets: dict[str, list[list[object]]] = {"Realisasi": [HEADER, *rows]}
    if komponen is not None:
        sheets["Komponen"] = [[c.header for c in KOMPONEN.columns], *komponen]
    return workbook(sheets)


def row(code: str, tw: dict[int, object] | None = None, explanation: str | None = None, grade: str | None = None):
    values: list[object] = [code, None, None, None]
    values += [(tw or {}).get(q) for q in (1, 2, 3, 4)]
    values += [grade, explanation]
    return values


def snapshot() -> list[tuple]:
    """Everything an import may write, to check that a refused import stored nothing."""
    return [
        sorted(Quarter.objects.values_list("indicator_year_id", "quarter", "value")),
        sorted(IndicatorYear.objects.values_list("indicator_id", "year", "explanation", "annual_grade")),
        sorted(BudgetLine.objects.values_list("code", "allocation", "realisation")),
        sorted(LineQuarter.objects.values_list("line_id", "quarter", "realisation")),
        sorted(PkTarget.objects.values_list("version_id", "indicator_id", "value", "grade", "low", "high")),
        sorted(Target.objects.values_list("indicator_id", "year", "value", "grade", "low", "high")),
        sorted(Indicator.objects.values_list("code", "name", "unit")),
    ]


@pytest.mark.parametrize("kind", ["realisasi", "anggaran", "pk", "renstra"])
def test_every_template_round_trips_unchanged(demo_once, db, kind: str) -> None:
    before = snapshot()
    for code, year in OFFICES:
        o = office(code)
        outcome = services.run(o, kind, year, services.template(o, kind, year), filename="ekspor.xlsx")
        assert outcome.problems == []
        assert outcome.changes, f"{code} {kind}: the export has rows"
        assert {c.action for c in outcome.changes} == {services.UNCHANGED}
    assert snapshot() == before


def test_realisations_preview_then_apply_then_idempotent(demo_once, db) -> None:
    o = office()
    data = realisasi(
        row("S1.2", {1: 79.95, 2: "85,5"}, explanation="Uji impor"),
        row("S1.4", {1: 100}),
    )
    preview = services.prepare(o, "realisasi", 2020, data)
    assert preview.problems == []
    by_code = {c.code: c for c in preview.changes}
    had_year = IndicatorYear.objects.filter(indicator__plan__office=o, indicator__code="S1.2", year=2020).exists()
    assert by_code["S1.2"].action == (services.UPDATED if had_year else services.CREATED)
    assert [(f.label, f.old, f.new) for f in by_code["S1.2"].fields] == [
        ("Realisasi TW I", "", "79,95"),
        ("Realisasi TW II", "", "85,5"),
        ("Penjelasan", "", "Uji impor"),
    ]
    assert not Quarter.objects.filter(indicator_year__indicator__code="S1.2", value__isnull=False).exists()
    services.apply(o, preview)
    assert preview.applied
    stored = {
        q.quarter: q.value
        for q in Quarter.objects.filter(
            indicator_year__indicator__plan__office=o, indicator_year__indicator__code="S1.2", indicator_year__year=2020
        )
    }
    assert stored == {1: Decimal("79.95"), 2: Decimal("85.5")}
    assert IndicatorYear.objects.get(indicator__plan__office=o, indicator__code="S1.2", year=2020).explanation == (
        "Uji impor"
    )
    again = services.run(o, "realisasi", 2020, data)
    assert again.problems == [] and not again.has_changes
    assert {c.action for c in again.changes} == {services.UNCHANGED}
    # the export now carries the values, and imports unchanged
    export = services.template(o, "realisasi", 2020)
    assert not services.prepare(o, "realisasi", 2020, export).has_changes


def test_one_error_anywhere_stores_nothing_and_every_error_is_listed(demo_once, db) -> None:
    o = office()
    before = snapshot()
    data = realisasi(
        row("S1.2", {1: 80}, explanation="baik"),
        row("S1.4", {1: "79.95"}),  # international text: refused, the page's rule
        row("X9", {1: 5}),  # unknown code
        row("S1.1", {2: "abc"}),
    )
    outcome = services.run(o, "realisasi", 2020, data)
    assert not outcome.ok and not outcome.applied
    places = sorted((p.sheet, p.row, p.column) for p in outcome.problems)
    assert places == [("Realisasi", 3, "E"), ("Realisasi", 4, "A"), ("Realisasi", 5, "F")]
    messages = {(p.row): p.message for p in outcome.problems}
    assert "koma" in messages[3] and "79,95" in messages[3]
    assert "X9" in messages[4]
    assert snapshot() == before


def test_below_target_without_explanation_is_refused(demo_once, db) -> None:
    o = office()
    outcome = services.prepare(o, "realisasi", 2020, realisasi(row("S1.2", {4: 50})))
    (p,) = outcome.problems
    assert (p.row, p.column) == (2, "J") and "jelaskan" in p.message
    ok = services.prepare(o, "realisasi", 2020, realisasi(row("S1.2", {4: 50}, explanation="Anggaran dipotong")))
    assert ok.ok


def test_duplicate_rows_are_errors(demo_once, db) -> None:
    outcome = services.prepare(office(), "realisasi", 2020, realisasi(row("S1.2", {1: 1}), row("S1.2", {1: 2})))
    (p,) = outcome.problems
    assert p.row == 3 and "baris 2" in p.message


def test_locked_quarter_refuses_the_whole_import(demo_once, db) -> None:
    o = office()
    PeriodState.objects.update_or_create(office=o, year=2020, step="quarter", quarter=1, defaults={"state": "approved"})
    before = snapshot()
    outcome = services.run(o, "realisasi", 2020, realisasi(row("S1.2", {1: 90}, explanation="x")))
    (p,) = outcome.problems  # located (issue #14): the cell that changes TW I
    assert (p.sheet, p.row, p.column) == ("Realisasi", 2, REALISASI.letter("tw1")) and "dikunci" in p.message
    assert snapshot() == before
    # another quarter is not locked
    assert services.run(o, "realisasi", 2020, realisasi(row("S1.2", {2: 90}, explanation="x"))).applied


def test_formula_indicator_inputs_go_through_the_komponen_sheet(demo_once, db) -> None:
    o = office()
    ind = Indicator.objects.get(plan__office=o, code="S1.2")
    ind.formula = "selesai / masuk * 100"
    ind.save()
    ind.inputs.create(name="selesai", label="Laporan selesai", order=1)
    ind.inputs.create(name="masuk", label="Laporan masuk", order=2)
    bad = services.prepare(o, "realisasi", 2020, realisasi(row("S1.2", {1: 80}), komponen=[["S1.2", "tamu", None, 1]]))
    assert sorted((p.sheet, p.column) for p in bad.problems) == [("Komponen", "B"), ("Realisasi", "E")]
    half = services.prepare(o, "realisasi", 2020, realisasi(row("S1.2"), komponen=[["S1.2", "selesai", None, 8]]))
    (p,) = half.problems
    assert "semua komponen" in p.message.lower()
    data = realisasi(
        row("S1.2", explanation="ok"), komponen=[["S1.2", "selesai", None, 8], ["S1.2", "masuk", None, 10]]
    )
    done = services.run(o, "realisasi", 2020, data)
    assert done.applied, done.problems
    q = Quarter.objects.get(indicator_year__indicator=ind, indicator_year__year=2020, quarter=1)
    assert {iv.input.name: iv.value for iv in q.inputs.all()} == {"selesai": Decimal(8), "masuk": Decimal(10)}
    assert not services.prepare(o, "realisasi", 2020, services.template(o, "realisasi", 2020)).has_changes


# ----------------------------------------------------------------------------- budget


def budget_rows(*rows: list[object]) -> bytes:
    return workbook({"Anggaran": [[c.header for c in ANGGARAN.columns], *rows]})


def test_budget_allocation_and_quarters(demo_once, db) -> None:
    o = office()
    line = BudgetLine.objects.get(budget__office=o, budget__year=2020, code="1.a")
    refused = services.prepare(o, "anggaran", 2020, budget_rows(["1.a", None, None, None, 1000000]))
    (p,) = refused.problems  # the seed states the year's realisation: not both (the domain's rule)
    assert (p.row, p.column) == (2, "E") and "tahunan" in p.message
    line.realisation = None
    line.save()
    data = budget_rows(["1.a", None, None, 24122000.5, 1000000, "2.500.000,25"])
    outcome = services.run(o, "anggaran", 2020, data)
    assert outcome.applied, outcome.problems
    (change,) = [c for c in outcome.changes if c.action != services.ABSENT]  # the other lines: left alone
    assert [(f.label, f.old, f.new) for f in change.fields] == [
        ("Pagu", "24.122.000", "24.122.000,5"),
        ("Realisasi TW I", "", "1.000.000"),
        ("Realisasi TW II", "", "2.500.000,25"),
    ]
    line.refresh_from_db()
    assert line.allocation == Decimal("24122000.5")
    assert {lq.quarter: lq.realisation for lq in line.quarters.all()} == {1: Decimal(1000000), 2: Decimal("2500000.25")}
    assert not services.run(o, "anggaran", 2020, data).has_changes


def test_budget_errors(demo_once, db) -> None:
    o = office()
    before = snapshot()
    data = budget_rows(
        ["1", None, None, None, 5],  # a program: realisation only on the lowest lines
        ["1.a", None, None, -5],
        ["9.9.9", None, None, 1],
        ["1.b", None, None, "1,234.5"],
    )
    outcome = services.run(o, "anggaran", 2020, data)
    assert sorted((p.row, p.column) for p in outcome.problems) == [(2, "E"), (3, "D"), (4, "A"), (5, "D")]
    assert snapshot() == before


def sipd(*rows: list[object]) -> bytes:
    return workbook(
        {
            "Realisasi SIPD": [
                ["PEMERINTAH KABUPATEN DEMO"],
                ["LAPORAN REALISASI ANGGARAN 2020"],
                [],
                ["Kode", "Uraian", "Pagu", "Realisasi", "Sisa"],
                *rows,
                [None, "JUMLAH", 1, 1],
            ]
        }
    )


def test_sipd_export_matched_by_code(demo_once, db) -> None:
    o = office()
    outcome = services.run(
        o, "sipd", 2020, sipd(["1.a", "Koordinasi", 24122000, 23000000.5], ["2.b", "Forum", 27200000, 27200000])
    )
    assert outcome.applied, outcome.problems
    assert BudgetLine.objects.get(budget__office=o, budget__year=2020, code="1.a").realisation == Decimal("23000000.5")
    counts = outcome.counts
    assert counts[services.UPDATED] + counts[services.UNCHANGED] == 2
    unknown = services.run(o, "sipd", 2020, sipd(["5.01.01.2.01.0001", "Tidak ada", 1, 1]))
    (p,) = unknown.problems
    assert p.sheet == "Realisasi SIPD" and p.row == 5 and p.column == "A" and "5.01.01.2.01.0001" in p.message


# ----------------------------------------------------------------------------- PK and Renstra


def test_pk_targets(demo_once, db) -> None:
    o = office()
    data = workbook({"PK": [[c.header for c in PK.columns], ["S1.3", None, None, "9,75"], ["S1.4", None, None, 100]]})
    outcome = services.run(o, "pk", 2020, data)
    assert outcome.applied, outcome.problems
    assert [(c.code, c.action) for c in outcome.changes if c.action != services.ABSENT] == [
        ("S1.3", services.UPDATED),
        ("S1.4", services.UNCHANGED),
    ]
    version = PkVersion.objects.filter(office=o, year=2020).order_by("-number").first()
    assert PkTarget.objects.get(version=version, indicator__code="S1.3").value == Decimal("9.75")
    bad = services.run(
        o, "pk", 2020, workbook({"PK": [[c.header for c in PK.columns], ["S1.3", None, None, "tinggi"]]})
    )
    (p,) = bad.problems
    assert (p.row, p.column) == (2, "D")


def test_renstra_targets_and_texts(demo_once, db) -> None:
    o = office()
    data = services.template(o, "renstra", 2020)
    r = find_row(data, "Indikator", "S1.2")
    data = edit(data, "Indikator", {f"C{r}": "Persentase penanganan laporan (diubah)", f"F{r}": 95})
    outcome = services.run(o, "renstra", 2020, data)
    assert outcome.applied, outcome.problems
    (change,) = [c for c in outcome.changes if c.action != services.UNCHANGED]
    assert change.code == "S1.2" and [f.label for f in change.fields] == ["Indikator", "Target 2020"]
    ind = Indicator.objects.get(plan__office=o, code="S1.2")
    assert ind.name == "Persentase penanganan laporan (diubah)"
    assert Target.objects.get(indicator=ind, year=2020).value == Decimal(95)
    assert not services.run(o, "renstra", 2020, data).has_changes


def test_sipd_annual_realisation_refused_beside_different_quarters(demo_once, db) -> None:
    o = office()
    line = BudgetLine.objects.get(budget__office=o, budget__year=2020, code="2.a")
    line.realisation = None
    line.save()
    LineQuarter.objects.create(line=line, quarter=1, realisation=Decimal(1000))
    outcome = services.run(o, "sipd", 2020, sipd(["2.a", "Koordinasi", 3470200, 2000]))
    (p,) = outcome.problems
    assert (p.row, p.column) == (5, "D") and "triwulan" in p.message
    same = services.run(o, "sipd", 2020, sipd(["2.a", "Koordinasi", 3470200, 1000]))  # equal to the quarters: fine
    assert same.applied, same.problems


def test_renstra_unknown_codes_and_bad_targets(demo_once, db) -> None:
    o = office()
    before = snapshot()
    data = services.template(o, "renstra", 2020)
    r = find_row(data, "Indikator", "S1.2")
    # a new indicator without its goal/objective, and a new goal code of the wrong shape
    data = edit(data, "Indikator", {f"A{r + 10}": "S9.9", f"F{r}": "banyak"})
    data = edit(data, "Tujuan", {"A5": "T 7", "B5": "Tujuan baru"})
    outcome = services.run(o, "renstra", 2020, data)
    assert sorted((p.sheet, p.row, p.column) for p in outcome.problems) == [
        ("Indikator", r, "F"),
        ("Indikator", r + 10, "B"),
        ("Tujuan", 5, "A"),
    ]
    assert snapshot() == before
