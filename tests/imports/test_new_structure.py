"""Imports that create plan structure: a whole Renstra for an office with an empty plan, new PK rows, new budget lines.

The workbooks are the downloaded templates filled in with openpyxl, as a planner would;
the expected figures are computed here by hand from the SPEC §4 formulas.
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from sakip.accounts.models import Membership, Office, Regency
from sakip.agreements.models import PkTarget, PkVersion
from sakip.audit.models import AuditEntry
from sakip.budgeting.models import BudgetLine, BudgetYear, LineQuarter
from sakip.core.services import scorecard_for
from sakip.imports import services
from sakip.imports.models import ImportBatch
from sakip.monitoring.models import IndicatorYear, InputValue, Quarter
from sakip.planning.models import Goal, Indicator, Objective, PlanPeriod, Target
from sakip.workflow.models import PeriodState

pytestmark = pytest.mark.django_db

YEARS = [2021, 2022, 2023, 2024, 2025]


@pytest.fixture()
def fresh(demo_once: Any, db: None) -> Office:
    """A new office of the demo regency with a plan period 2021–2025 and nothing in it."""
    office = Office.objects.create(regency=Regency.objects.get(), code="kecamatan-baru", name="Kecamatan Baru")
    PlanPeriod.objects.create(office=office, start_year=2021, end_year=2025, vision="Visi baru")
    return office


def fill(data: bytes, cells: dict[str, dict[str, Any]]) -> bytes:
    """The template with cells set, saved as the planner's Excel would (protection kept)."""
    wb = load_workbook(io.BytesIO(data))
    for sheet, values in cells.items():
        for ref, value in values.items():
            wb[sheet][ref] = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def header(data: bytes, sheet: str) -> list[str]:
    wb = load_workbook(io.BytesIO(data), read_only=True)
    return [str(v) for v in next(wb[sheet].iter_rows(max_row=1, values_only=True)) if v is not None]


def renstra_file(office: Office) -> bytes:
    """The Renstra template of the empty plan filled with one goal, two objectives and four indicators."""
    template = services.template(office, "renstra", 2021)
    cols = header(template, "Indikator")
    assert cols[:4] == ["Kode indikator", "Kode tujuan/sasaran", "Indikator", "Satuan"]
    assert cols[4:10] == [*(f"Target {y}" for y in YEARS), "Target akhir periode"]
    assert cols[10:] == ["Polaritas", "Rekap triwulan", "IKU", "Rumus", "Komponen rumus"]
    return fill(
        template,
        {
            "Tujuan": {"A2": "T1", "B2": "Meningkatnya kualitas pelayanan publik kecamatan"},
            "Sasaran": {
                "A2": "S1",
                "B2": "T1",
                "C2": "Meningkatnya layanan administrasi yang tepat waktu",
                "A3": "S2",
                "B3": "T1",
                "C3": "Menurunnya pengaduan masyarakat",
            },
            "Indikator": {
                # higher is better, last value of the year, an IKU
                "A2": "S1.1",
                "B2": "S1",
                "C2": "Persentase layanan selesai tepat waktu",
                "D2": "%",
                "E2": 80,
                "F2": 82,
                "G2": 84,
                "H2": 86,
                "I2": 88,
                "J2": 88,
                "K2": "semakin tinggi",
                "L2": "nilai terakhir",
                "M2": "ya",
                # a formula over two inputs summed over the quarters; a target typed as Indonesian text
                "A3": "S1.2",
                "B3": "S1",
                "C3": "Rasio surat selesai",
                "D3": "%",
                "E3": "80",
                "F3": "82,5",
                "G3": 85,
                "H3": 87,
                "I3": 90,
                "J3": 90,
                "K3": "Semakin Tinggi",
                "L3": "jumlah",
                "M3": "tidak",
                "N3": "selesai / masuk * 100",
                "O3": "selesai | Surat selesai | jumlah; masuk | Surat masuk | jumlah",
                # lower is better, summed over the quarters
                "A4": "S2.1",
                "B4": "S2",
                "C4": "Jumlah pengaduan",
                "D4": "kasus",
                "E4": 10,
                "F4": 9,
                "G4": 8,
                "H4": 7,
                "I4": 6,
                "J4": 6,
                "K4": "semakin rendah",
                "L4": "jumlah",
                # a goal indicator with a grade
                "A5": "T1.1",
                "B5": "T1",
                "C5": "Predikat SAKIP kecamatan",
                "D5": "predikat",
                "E5": "B",
                "F5": "BB",
                "G5": "BB",
                "H5": "A",
                "I5": "A",
                "J5": "A",
                "K5": "predikat AKIP",
            },
        },
    )


def test_full_renstra_created_from_the_filled_template(fresh: Office) -> None:
    data = renstra_file(fresh)
    preview = services.prepare(fresh, "renstra", 2021, data)
    assert preview.problems == []
    assert preview.counts == {services.CREATED: 7, services.UPDATED: 0, services.UNCHANGED: 0, services.ABSENT: 0}
    assert not Goal.objects.filter(plan__office=fresh).exists(), "a preview stores nothing"
    s12 = next(c for c in preview.changes if c.code == "S1.2")
    assert ("Target 2022", "", "82,5") in [(f.label, f.old, f.new) for f in s12.fields]
    outcome = services.apply(fresh, preview)
    assert outcome.applied, outcome.problems

    plan = PlanPeriod.objects.get(office=fresh)
    (goal,) = Goal.objects.filter(plan=plan)
    assert (goal.code, goal.text) == ("T1", "Meningkatnya kualitas pelayanan publik kecamatan")
    assert {o.code: o.goal.code for o in Objective.objects.filter(plan=plan)} == {"S1": "T1", "S2": "T1"}
    inds = {i.code: i for i in Indicator.objects.filter(plan=plan).select_related("goal", "objective")}
    assert {
        c: (i.objective.code if i.objective else None, i.goal.code if i.goal else None) for c, i in inds.items()
    } == {
        "S1.1": ("S1", None),
        "S1.2": ("S1", None),
        "S2.1": ("S2", None),
        "T1.1": (None, "T1"),
    }
    assert [(i.polarity, i.rollup, i.iku) for i in (inds["S1.1"], inds["S2.1"])] == [
        ("higher_is_better", "last", True),
        ("lower_is_better", "sum", False),
    ]
    assert (inds["T1.1"].polarity, inds["T1.1"].ordinal_scale) == ("qualitative", "akip")
    assert inds["S1.2"].formula == "selesai / masuk * 100"
    assert [(fi.name, fi.label, fi.rollup) for fi in inds["S1.2"].inputs.all()] == [
        ("selesai", "Surat selesai", "sum"),
        ("masuk", "Surat masuk", "sum"),
    ]
    assert {t.year: t.value for t in inds["S1.2"].targets.all()} == {
        2021: Decimal(80),
        2022: Decimal("82.5"),
        2023: Decimal(85),
        2024: Decimal(87),
        2025: Decimal(90),
    }
    assert [t.grade for t in inds["T1.1"].targets.order_by("year")] == ["B", "BB", "BB", "A", "A"]
    assert inds["S1.1"].end_value == Decimal(88) and inds["T1.1"].end_grade == "A"
    # every creation is in the audit trail, under the office
    created = AuditEntry.objects.filter(office_id=fresh.pk, action="create")
    assert created.filter(model="planning.Goal").count() == 1
    assert created.filter(model="planning.Objective").count() == 2
    assert created.filter(model="planning.Indicator").count() == 4
    assert created.filter(model="planning.Target").count() == 20
    assert created.filter(model="planning.FormulaInput").count() == 2

    # the same file again, and the new export of what was stored: nothing changes
    again = services.run(fresh, "renstra", 2021, data)
    assert again.ok and not again.has_changes
    assert {c.action for c in again.changes} == {services.UNCHANGED}
    exported = load_workbook(io.BytesIO(services.template(fresh, "renstra", 2021)), read_only=True)
    row3 = next(r for r in exported["Indikator"].iter_rows(values_only=True) if r[0] == "S1.2")
    assert row3[10:15] == (
        "semakin tinggi",
        "jumlah",
        "tidak",
        "selesai / masuk * 100",
        "selesai | Surat selesai | jumlah\nmasuk | Surat masuk | jumlah",
    )
    export = services.run(fresh, "renstra", 2021, services.template(fresh, "renstra", 2021))
    assert export.ok and {c.action for c in export.changes} == {services.UNCHANGED}

    # the scorecard computed from the imported plan, with a year of measurements entered
    measure(inds["S1.1"], 2021, {1: "70", 2: "75", 3: "78", 4: "72"})
    measure(inds["S2.1"], 2021, {1: "3", 2: "2", 3: "4", 4: "3"})
    measure(inds["S1.2"], 2021, {}, inputs={"selesai": ["20", "25", "22", "23"], "masuk": ["25", "25", "25", "25"]})
    card = scorecard_for(fresh, 2021)
    assert card is not None
    scores = {s.indicator.id: s for s in card.indicators}
    assert set(scores) == {"S1.1", "S1.2", "S2.1", "T1.1"}
    # higher is better, last value: 72 / 80 × 100
    assert scores["S1.1"].realisation == Decimal(72)
    assert scores["S1.1"].achievement.raw == Decimal(90)
    # lower is better, summed: R = 3 + 2 + 4 + 3 = 12, (2 × 10 − 12) / 10 × 100
    assert scores["S2.1"].realisation == Decimal(12)
    assert scores["S2.1"].achievement.raw == Decimal(80)
    # the formula over the year's sums: 90 / 100 × 100 = 90 against 80 → 112.5
    assert scores["S1.2"].realisation == Decimal(90)
    assert scores["S1.2"].achievement.raw == Decimal("112.5")
    assert scores["S1.1"].target_source == "plan" and not scores["T1.1"].achievement.measured


def measure(ind: Indicator, year: int, values: dict[int, str], inputs: dict[str, list[str]] | None = None) -> None:
    iy = IndicatorYear.objects.create(indicator=ind, year=year)
    for q in (1, 2, 3, 4):
        quarter = Quarter.objects.create(
            indicator_year=iy, quarter=q, value=Decimal(values[q]) if q in values else None
        )
        for fi in ind.inputs.all() if inputs else ():
            InputValue.objects.create(quarter=quarter, input=fi, value=Decimal(inputs[fi.name][q - 1]))  # type: ignore[index]


def test_renstra_errors_name_sheet_row_and_column(fresh: Office) -> None:
    data = fill(
        renstra_file(fresh),
        {
            "Tujuan": {"A3": "T2", "B3": None},  # a new goal without its text
            "Sasaran": {"A4": "S3", "B4": "T9", "C4": "Sasaran tanpa tujuan"},  # unknown parent goal
            "Indikator": {
                "A6": "S9.1",
                "B6": "S9",
                "C6": "Induk tidak dikenal",
                "D6": "%",  # unknown objective
                "A7": "S1.1",
                "B7": "S1",
                "C7": "Kode ganda",
                "D7": "%",  # duplicate of row 2
                "A8": "X 1",
                "B8": "S1",
                "C8": "Kode salah bentuk",
                "D8": "%",  # bad code shape
                "A9": "S2.2",
                "B9": "S2",
                "C9": "Tanpa satuan",
                "E9": "banyak",  # no unit, bad target
                "A10": "S2.3",
                "B10": "S2",
                "C10": "Rumus salah",
                "D10": "%",
                "N10": "a / b *",
                "O10": "a | A; b | B",
            },
        },
    )
    outcome = services.run(fresh, "renstra", 2021, data)
    where = sorted((p.sheet or "", p.row or 0, p.column or "") for p in outcome.problems)
    assert where == [
        ("Indikator", 6, "B"),
        ("Indikator", 7, "A"),
        ("Indikator", 8, "A"),
        ("Indikator", 9, "D"),
        ("Indikator", 9, "E"),
        ("Indikator", 10, "N"),
        ("Sasaran", 4, "B"),
        ("Tujuan", 3, "B"),
    ], outcome.problems
    duplicate = next(p for p in outcome.problems if p.row == 7)
    assert "baris 2" in duplicate.message
    assert not Goal.objects.filter(plan__office=fresh).exists(), "one error anywhere: nothing stored"
    assert not Indicator.objects.filter(plan__office=fresh).exists()


def test_existing_items_missing_from_the_file_are_left_alone(fresh: Office) -> None:
    assert services.run(fresh, "renstra", 2021, renstra_file(fresh)).applied
    only_one = fill(
        services.template(fresh, "renstra", 2021),
        {
            "Indikator": {
                "A3": None,
                "A4": None,
                "A5": None,
                "B3": None,
                "B4": None,
                "B5": None,
                "C3": None,
                "C4": None,
                "C5": None,
            }
        },
    )
    # rows 3–5 keep other cells: blank the whole rows instead
    wb = load_workbook(io.BytesIO(only_one))
    for r in (3, 4, 5):
        for cell in wb["Indikator"][r]:
            cell.value = None
    buf = io.BytesIO()
    wb.save(buf)
    outcome = services.run(fresh, "renstra", 2021, buf.getvalue())
    assert outcome.applied, outcome.problems
    absent = sorted(c.code for c in outcome.changes if c.action == services.ABSENT)
    assert absent == ["S1.2", "S2.1", "T1.1"]
    assert Indicator.objects.filter(plan__office=fresh).count() == 4, "never deleted"


def test_existing_indicator_definition_is_not_changed_by_import(fresh: Office) -> None:
    assert services.run(fresh, "renstra", 2021, renstra_file(fresh)).applied
    data = fill(services.template(fresh, "renstra", 2021), {"Indikator": {"K2": "semakin rendah", "B3": "S2"}})
    outcome = services.run(fresh, "renstra", 2021, data)
    assert sorted((p.row, p.column) for p in outcome.problems) == [(2, "K"), (3, "B")]
    assert Indicator.objects.get(plan__office=fresh, code="S1.1").polarity == "higher_is_better"


def test_renstra_import_of_a_locked_year_is_refused(fresh: Office) -> None:
    PeriodState.objects.create(office=fresh, year=2023, step="annual", state="approved")
    outcome = services.run(fresh, "renstra", 2021, renstra_file(fresh))
    # located (issue #14): on every cell that changes a 2023 target
    assert outcome.problems
    for p in outcome.problems:
        assert "dikunci" in p.message and "2023" in p.message
        assert p.sheet and p.row and p.column  # the «Target 2023» cell of the row
    assert not Indicator.objects.filter(plan__office=fresh).exists()


def test_old_template_layout_without_definition_columns_still_imports(fresh: Office) -> None:
    from tests.importers.xlsx_support import workbook

    head = ["Kode indikator", "Kode tujuan/sasaran", "Indikator", "Satuan", *(f"Target {y}" for y in YEARS)]
    data = workbook(
        {
            "Tujuan": [["Kode tujuan", "Tujuan"], ["T1", "Tujuan"]],
            "Indikator": [[*head, "Target akhir periode"], ["T1.1", "T1", "Indeks", "indeks", 3, 3, 3, 3, 3, 3]],
        }
    )
    outcome = services.run(fresh, "renstra", 2021, data)
    assert outcome.applied, outcome.problems
    ind = Indicator.objects.get(plan__office=fresh, code="T1.1")
    assert (ind.polarity, ind.rollup, ind.iku) == ("higher_is_better", "last", False)


# ----------------------------------------------------------------------------- PK


def test_pk_created_from_the_renstra_targets_then_rows_added(fresh: Office) -> None:
    assert services.run(fresh, "renstra", 2021, renstra_file(fresh)).applied
    template = services.template(fresh, "pk", 2021)  # no PK yet: the plan's indicators with the 2021 targets
    wb = load_workbook(io.BytesIO(template), read_only=True)
    rows = [r[:4] for r in wb["PK"].iter_rows(min_row=2, values_only=True) if r[0]]
    assert [(r[0], r[3]) for r in rows] == [("S1.1", 80), ("S1.2", 80), ("S2.1", 10), ("T1.1", "B")]
    # the PK holds three of them; S1.1 with a raised target
    only = fill(template, {"PK": {"D2": 81, "A5": None, "B5": None, "C5": None, "D5": None}})
    outcome = services.run(fresh, "pk", 2021, only)
    assert outcome.applied, outcome.problems
    assert [(c.code, c.action) for c in outcome.changes] == [
        ("PK 2021", services.CREATED),
        ("S1.1", services.CREATED),
        ("S1.2", services.CREATED),
        ("S2.1", services.CREATED),
    ]
    (version,) = PkVersion.objects.filter(office=fresh, year=2021)
    assert (version.number, version.kind) == (1, "original")
    assert {t.indicator.code: t.value for t in version.targets.all()} == {
        "S1.1": Decimal(81),
        "S1.2": Decimal(80),
        "S2.1": Decimal(10),
    }
    assert not services.run(fresh, "pk", 2021, only).has_changes
    # add the goal indicator to the existing PK; a row without target for a new PK row is an error
    add = fill(services.template(fresh, "pk", 2021), {"PK": {"A5": "T1.1", "D5": "BB"}})
    preview = services.prepare(fresh, "pk", 2021, add)
    assert [(c.code, c.action) for c in preview.changes if c.action != services.UNCHANGED] == [
        ("T1.1", services.CREATED)
    ]
    assert services.apply(fresh, preview).applied
    assert PkTarget.objects.get(version=version, indicator__code="T1.1").grade == "BB"
    assert AuditEntry.objects.filter(office_id=fresh.pk, model="agreements.PkTarget", action="create").count() == 4
    card = scorecard_for(fresh, 2021)
    assert card is not None
    s11 = next(s for s in card.indicators if s.indicator.id == "S1.1")
    assert s11.target_source == "pk" and s11.in_pk


def test_pk_row_errors(fresh: Office) -> None:
    assert services.run(fresh, "renstra", 2021, renstra_file(fresh)).applied
    data = fill(
        services.template(fresh, "pk", 2021),
        {"PK": {"D3": None, "A6": "S7.7", "D6": 5, "A7": "S2.1", "D7": 9}},  # no target; not in the plan; twice
    )
    outcome = services.run(fresh, "pk", 2021, data)
    assert sorted((p.row, p.column) for p in outcome.problems) == [(3, "D"), (6, "A"), (7, "A")]
    assert "S7.7" in next(p.message for p in outcome.problems if p.row == 6)
    assert not PkVersion.objects.filter(office=fresh).exists()
    PeriodState.objects.create(office=fresh, year=2021, step="pk", state="approved")
    locked = services.run(fresh, "pk", 2021, services.template(fresh, "pk", 2021))
    assert locked.problems  # located (issue #14): on each row's «Target»
    for p in locked.problems:
        assert "dikunci" in p.message and p.sheet == "PK" and p.row and p.column == "D"
    assert not PkVersion.objects.filter(office=fresh).exists()


# ----------------------------------------------------------------------------- budget


def budget_file(office: Office, rows: dict[str, Any]) -> bytes:
    return fill(services.template(office, "anggaran", 2021), {"Anggaran": rows})


NEW_BUDGET = {
    # a child before its parent in the file, the older two-digit sub-activity code, Indonesian amounts as text
    "A2": "7.01.01.2.01.0001",
    "B2": "Penyusunan dokumen perencanaan",
    "D2": 15000000,
    "E2": 2500000,
    "A3": "7.01.01",
    "B3": "Program penunjang urusan pemerintahan daerah",
    "D3": 40000000,
    "A4": "7.01.01.2.01",
    "B4": "Perencanaan, penganggaran dan evaluasi kinerja",
    "D4": "40.000.000",
    "A5": "7.01.01.2.01.02",
    "B5": "Koordinasi penyusunan laporan kinerja",
    "D5": "25.000.000,50",
}


def test_budget_lines_created_under_their_parent_codes(fresh: Office) -> None:
    data = budget_file(fresh, NEW_BUDGET)
    preview = services.prepare(fresh, "anggaran", 2021, data)
    assert preview.problems == []
    assert [(c.code, c.action) for c in preview.changes] == [
        ("7.01.01.2.01.0001", services.CREATED),
        ("7.01.01", services.CREATED),
        ("7.01.01.2.01", services.CREATED),
        ("7.01.01.2.01.02", services.CREATED),
    ]
    assert services.apply(fresh, preview).applied
    lines = {x.code: x for x in BudgetLine.objects.filter(budget__office=fresh, budget__year=2021)}
    assert {c: (x.level, x.parent.code if x.parent else None) for c, x in lines.items()} == {
        "7.01.01": ("program", None),
        "7.01.01.2.01": ("activity", "7.01.01"),
        "7.01.01.2.01.0001": ("sub_activity", "7.01.01.2.01"),
        "7.01.01.2.01.02": ("sub_activity", "7.01.01.2.01"),
    }
    assert lines["7.01.01.2.01.02"].allocation == Decimal("25000000.5")
    assert [(q.quarter, q.realisation) for q in LineQuarter.objects.filter(line=lines["7.01.01.2.01.0001"])] == [
        (1, Decimal(2500000))
    ]
    assert AuditEntry.objects.filter(office_id=fresh.pk, model="budgeting.BudgetLine", action="create").count() == 4
    assert not services.run(fresh, "anggaran", 2021, data).has_changes
    assert not services.run(fresh, "anggaran", 2021, services.template(fresh, "anggaran", 2021)).has_changes
    # the stored budget computes: the activity's lines sum to 15,000,000 + 25,000,000.50
    card = scorecard_for(fresh, 2021)
    assert card is not None and card.budget is not None
    activity = next(x for x in card.budget.lines if x.line.code == "7.01.01.2.01")
    assert activity.amounts.allocation == Decimal("40000000.50")
    # a SIPD report fills the planned lines; a code it does not know is an error
    sipd = _sipd([["7.01.01.2.01.02", "Koordinasi", 25000000.5, 20000000], ["7.01.01.2.01.0003", "Baru", 1, 1]])
    refused = services.run(fresh, "sipd", 2021, sipd)
    (p,) = refused.problems
    assert (p.row, p.column) == (3, "A") and "SIPD" in p.message
    assert not BudgetLine.objects.filter(code="7.01.01.2.01.0003").exists()


def _sipd(rows: list[list[Any]]) -> bytes:
    from tests.importers.xlsx_support import workbook

    return workbook({"LRA": [["Kode", "Uraian", "Pagu", "Realisasi"], *rows]})


def test_budget_code_errors(fresh: Office) -> None:
    data = budget_file(
        fresh,
        {
            "A2": "7.01.01",
            "B2": "Program",
            "D2": 100,
            "A3": "7.1.01.2.01",
            "B3": "Bentuk salah",
            "D3": 1,  # bidang has two digits
            "A4": "7.01.02.2.01",
            "B4": "Induk tidak ada",
            "D4": 1,  # program 7.01.02 is nowhere
            "A5": "7.01.01.2.02",
            "D5": 1,  # no Uraian
            "A6": "7.01.01.2.03",
            "B6": "Tanpa pagu",  # no Pagu
            "A7": "7.01.01",
            "B7": "Ganda",
            "D7": 5,  # duplicate
            "A8": "7.01.01.2.04",
            "B8": "Tingkat salah",
            "C8": "Program",  # an activity's code
            "D8": 1,
        },
    )
    outcome = services.run(fresh, "anggaran", 2021, data)
    assert sorted((p.row, p.column) for p in outcome.problems) == [
        (3, "A"),
        (4, "A"),
        (5, "B"),
        (6, "D"),
        (7, "A"),
        (8, "C"),
    ]
    assert "7.01.02" in next(p.message for p in outcome.problems if p.row == 4)
    assert not BudgetYear.objects.filter(office=fresh).exists()


def test_budget_creation_in_a_locked_year_is_refused(fresh: Office) -> None:
    PeriodState.objects.create(office=fresh, year=2021, step="annual", state="approved")
    outcome = services.run(fresh, "anggaran", 2021, budget_file(fresh, NEW_BUDGET))
    assert len(outcome.problems) == 4  # located (issue #14): on each new line's «Kode»
    for p in outcome.problems:
        assert "dikunci" in p.message and p.sheet == "Anggaran" and p.row and p.column == "A"
    assert not BudgetLine.objects.filter(budget__office=fresh).exists()


# ----------------------------------------------------------------------------- web


def test_web_upload_preview_with_new_rows_then_confirm(fresh: Office, planner: Any, operator_b: Any) -> None:
    user = get_user_model().objects.create_user("operator-baru", password="x")
    Membership.objects.create(user=user, regency=fresh.regency, office=fresh, role="operator")
    client = Client()
    client.force_login(user)
    url = reverse("import-excel", args=[fresh.code, 2021])
    data = renstra_file(fresh)
    upload = io.BytesIO(data)
    upload.name = "renstra.xlsx"
    page = client.post(url, {"kind": "renstra", "file": upload})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="import-preview"' in html
    assert html.count('data-testid="status-new"') >= 7 and ">baru<" in html
    assert 'data-testid="count-created">7<' in html
    assert not Goal.objects.filter(plan__office=fresh).exists()
    batch = ImportBatch.objects.get(office=fresh, kind="renstra")
    done = client.post(reverse("import-excel-confirm", args=[fresh.code, 2021]), {"batch": batch.pk})
    assert done.status_code == 302
    assert Indicator.objects.filter(plan__office=fresh).count() == 4
    assert Target.objects.filter(indicator__plan__office=fresh).count() == 20
    # a user of another office may not import here; nothing is read or kept
    other = Client()
    other.force_login(operator_b)
    upload = io.BytesIO(data)
    upload.name = "renstra.xlsx"
    refused = other.post(url, {"kind": "renstra", "file": upload})
    assert refused.status_code == 403
    assert ImportBatch.objects.filter(office=fresh).count() == 1
    # the regency's planner uploads a file naming one indicator: the others are listed as left alone
    regency_planner = Client()
    regency_planner.force_login(planner)
    wb = load_workbook(io.BytesIO(services.template(fresh, "renstra", 2021)))
    for name in ("Tujuan", "Sasaran"):
        del wb[name]
    for r in (3, 4, 5):
        for cell in wb["Indikator"][r]:
            cell.value = None
    wb["Indikator"]["E2"] = 81
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "satu.xlsx"
    html = regency_planner.post(url, {"kind": "renstra", "file": buf}).content.decode()
    assert 'data-testid="count-updated">1<' in html and 'data-testid="count-absent">3<' in html
    assert 'data-testid="import-absent"' in html and html.count("tidak ada di berkas, tidak diubah") == 3


# ----------------------------------------------------------------------------- templates and CLI


def test_templates_explain_how_to_add_rows(fresh: Office) -> None:
    for kind, words in (
        ("renstra", ["Menambah tujuan/sasaran/indikator", "tidak ada di berkas"]),
        ("pk", ["Menambah indikator ke PK"]),
        ("anggaran", ["7.01.01.2.01.0001", "SIPD hanya mengisi baris yang sudah direncanakan"]),
    ):
        wb = load_workbook(io.BytesIO(services.template(fresh, kind, 2021)), read_only=True)
        text = "\n".join(str(r[0]) for r in wb["Petunjuk"].iter_rows(values_only=True) if r and r[0])
        for w in words:
            assert w in text, (kind, w)


def test_cli_creates_the_renstra_of_a_new_office(fresh: Office, tmp_path: Any) -> None:
    from typer.testing import CliRunner

    from sakip.cli import app

    f = tmp_path / "renstra.xlsx"
    f.write_bytes(renstra_file(fresh))
    args = ["import", "renstra", str(f), "--office", fresh.code, "--year", "2021"]
    dry = CliRunner().invoke(app, [*args, "--dry-run"])
    assert dry.exit_code == 0, dry.stdout
    assert "S1.2 baru" in dry.stdout and ": 7 baru, 0 berubah, 0 tetap (uji coba" in dry.stdout
    assert not Goal.objects.filter(plan__office=fresh).exists()
    done = CliRunner().invoke(app, args)
    assert done.exit_code == 0 and "(tersimpan)" in done.stdout
    assert Indicator.objects.filter(plan__office=fresh).count() == 4


# ----------------------------------------------------------------------------- an indicator added to a running plan


def test_indicator_added_to_a_seed_plan_then_to_its_pk(demo_once: Any, db: None) -> None:
    o = Office.objects.get(code="kaloran")
    plan = PlanPeriod.objects.get(office=o)
    template = services.template(o, "renstra", 2020)
    wb = load_workbook(io.BytesIO(template))
    ws = wb["Indikator"]
    last = max(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value)
    cols = [c.value for c in ws[1]]
    new: dict[str, Any] = {"Kode indikator": "S1.9", "Kode tujuan/sasaran": "S1"}
    new |= {"Indikator": "Persentase desa tertib arsip"}
    new |= {"Satuan": "%", "Target 2020": 60, "Polaritas": "semakin tinggi", "Rekap triwulan": "nilai terakhir"}
    for name, value in new.items():
        ws.cell(last + 1, cols.index(name) + 1, value)
    buf = io.BytesIO()
    wb.save(buf)
    outcome = services.run(o, "renstra", 2020, buf.getvalue())
    assert outcome.applied, outcome.problems
    assert [(c.code, c.action) for c in outcome.changes if c.action != services.UNCHANGED] == [
        ("S1.9", services.CREATED)
    ]
    ind = Indicator.objects.get(plan=plan, code="S1.9")
    assert ind.objective is not None and ind.objective.code == "S1"
    assert [(t.year, t.value) for t in ind.targets.all()] == [(2020, Decimal(60))]
    # the 2020 PK: the new indicator is added to its latest version, the other rows unchanged
    version = PkVersion.objects.filter(office=o, year=2020).order_by("-number").first()
    assert version is not None
    before = version.targets.count()
    pk = services.template(o, "pk", 2020)
    pk_rows = load_workbook(io.BytesIO(pk), read_only=True)["PK"].max_row or 1
    added = services.run(o, "pk", 2020, fill(pk, {"PK": {f"A{pk_rows + 1}": "S1.9", f"D{pk_rows + 1}": "62,5"}}))
    assert added.applied, added.problems
    assert [(c.code, c.action) for c in added.changes if c.action != services.UNCHANGED] == [("S1.9", services.CREATED)]
    assert version.targets.count() == before + 1
    assert PkTarget.objects.get(version=version, indicator=ind).value == Decimal("62.5")
    card = scorecard_for(o, 2020)
    assert card is not None
    score = next(s for s in card.indicators if s.indicator.id == "S1.9")
    assert score.in_pk and score.target_source == "pk" and not score.achievement.measured


def test_a_parent_row_with_an_error_is_reported_once(fresh: Office) -> None:
    data = fill(renstra_file(fresh), {"Sasaran": {"C2": None}})  # new objective S1 without its text
    outcome = services.run(fresh, "renstra", 2021, data)
    assert [(p.sheet, p.row, p.column) for p in outcome.problems] == [("Sasaran", 2, "C")]


def test_a_qualitative_indicator_without_grade_scale_round_trips(fresh: Office) -> None:
    assert services.run(fresh, "renstra", 2021, renstra_file(fresh)).applied
    Indicator.objects.filter(plan__office=fresh, code="T1.1").update(ordinal_scale="")  # as older data may hold
    outcome = services.run(fresh, "renstra", 2021, services.template(fresh, "renstra", 2021))
    assert outcome.ok and not outcome.has_changes, outcome.problems


def test_objective_moved_to_a_goal_created_by_the_same_file(fresh: Office) -> None:
    assert services.run(fresh, "renstra", 2021, renstra_file(fresh)).applied
    data = fill(
        services.template(fresh, "renstra", 2021),
        {"Tujuan": {"A3": "T2", "B3": "Meningkatnya ketenteraman"}, "Sasaran": {"B3": "T2"}},
    )
    outcome = services.run(fresh, "renstra", 2021, data)
    assert outcome.applied, outcome.problems
    assert [(c.code, c.action, [(f.label, f.old, f.new) for f in c.fields]) for c in outcome.changes if c.fields] == [
        ("T2", services.CREATED, [("Tujuan", "", "Meningkatnya ketenteraman")]),
        ("S2", services.UPDATED, [("Tujuan induk", "T1", "T2")]),
    ]
    assert Objective.objects.get(plan__office=fresh, code="S2").goal.code == "T2"
    assert AuditEntry.objects.filter(office_id=fresh.pk, model="planning.Objective", action="update").count() == 1


def test_a_renstra_for_an_office_without_a_plan_makes_its_period(demo_once: Any, db: None) -> None:
    office = Office.objects.create(regency=Regency.objects.get(), code="kecamatan-kosong", name="Kecamatan Kosong")
    other = services.run(office, "realisasi", 2021, renstra_file(office))  # other kinds still need the plan first
    assert not other.ok and "belum punya rencana strategis" in other.problems[0].message
    data = renstra_file(office)  # the template of an office without a plan: five years from the chosen year
    preview = services.prepare(office, "renstra", 2021, data)
    assert preview.problems == []
    assert preview.changes[0].label == "Periode Renstra" and preview.changes[0].code == "2021–2025"
    assert preview.counts[services.CREATED] == 8  # the period, one goal, two objectives, four indicators
    assert not PlanPeriod.objects.filter(office=office).exists(), "a preview stores nothing"
    assert services.apply(office, preview).applied
    plan = PlanPeriod.objects.get(office=office)
    assert (plan.start_year, plan.end_year, plan.kind) == (2021, 2025, "renstra")
    assert Indicator.objects.filter(plan=plan).count() == 4
    assert {t.year: t.value for t in Target.objects.filter(indicator__plan=plan, indicator__code="S2.1")} == {
        2021: Decimal(10),
        2022: Decimal(9),
        2023: Decimal(8),
        2024: Decimal(7),
        2025: Decimal(6),
    }
    assert AuditEntry.objects.filter(office_id=office.pk, action="create", model="planning.PlanPeriod").count() == 1
    again = services.run(office, "renstra", 2021, data)
    assert again.ok and not again.has_changes


def test_a_renstra_for_an_office_without_a_plan_needs_consecutive_target_years(demo_once: Any, db: None) -> None:
    office = Office.objects.create(regency=Regency.objects.get(), code="kecamatan-kosong", name="Kecamatan Kosong")
    data = fill(renstra_file(office), {"Indikator": {"F1": "Target 2030"}})
    outcome = services.run(office, "renstra", 2021, data)
    assert not outcome.ok and "bukan tahun-tahun berurutan" in outcome.problems[0].message
    assert not PlanPeriod.objects.filter(office=office).exists()
