"""The regency's monitoring matrix (issue #14): offices × periods with the workflow state and the achievement.

Read from the kept figures (`kept_figures`: the offices' scorecards stored per office-year and quarter)
and the workflow states, with a constant number of queries whatever the number of offices and periods:

1. the regency's offices (filtered by kind);
2. the kept office rows of the periods (the current version of each office-year, joined in SQL), with
   whether that office-year is up to date (a write since the last recomputation: *dirty*);
3. the workflow states of the periods.

Two layouts: the quarters of a year (TW I–III as of their end, TW IV the year; the state of the quarter's
data) or years (the year's figures; the state of the annual report). A cell's colour is its predicate's
(`domain.scales.predicate_color`: one colour for one predicate on every scale).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Exists, F, OuterRef, Subquery

from sakip.accounts.models import Office
from sakip.domain import workflow as wf
from sakip.domain.periods import QUARTER_LABELS
from sakip.reports.scorecard import show_percent
from sakip.workflow import services as workflow_services
from sakip.workflow.models import PeriodState

from .models import KeptIndicator, KeptOffice, KeptOfficeYear

QUARTERS = "triwulan"
YEARS = "tahun"


@dataclass(frozen=True)
class Column:
    key: str  # "2020-2" (a quarter) or "2020" (a year)
    label: str
    year: int
    quarter: int  # the kept rows' quarter: 1–3 as of its end, 4 the year
    step: wf.Step
    step_quarter: int | None


@dataclass
class Cell:
    achievement: Decimal | None = None
    shown: str = ""
    category: str | None = None
    color: str | None = None
    measured: int = 0
    not_measured: int = 0
    kept: bool = False  # a kept row exists
    dirty: bool = False  # written since it was computed: the figures are being recomputed
    state: wf.State = wf.State.DRAFT
    state_label: str = ""


@dataclass
class Row:
    office: Office
    cells: list[Cell] = field(default_factory=list)


@dataclass
class Matrix:
    layout: str
    columns: list[Column]
    rows: list[Row]
    summary: list[dict[str, Any]]  # per column: offices per predicate (colour) and per workflow state


def columns_for(layout: str, years: list[int], year: int | None) -> list[Column]:
    if layout == YEARS:
        return [Column(str(y), str(y), y, 4, wf.Step.ANNUAL, None) for y in sorted(years)]
    if year is None:
        return []
    return [
        Column(f"{year}-{q}", f"{QUARTER_LABELS[q]} {year}", year, q, wf.Step.QUARTER, q) for q in (1, 2, 3, 4)
    ]


def build(
    regency_id: int,
    columns: list[Column],
    *,
    kind: str = "",
    state: str = "",
    column_key: str = "",
) -> Matrix:
    """The matrix of the regency's offices (of ``kind``) over ``columns`` (only ``column_key``'s when given);
    with ``state``, only the offices whose period is in that workflow state in some shown column."""
    if column_key:
        columns = [c for c in columns if c.key == column_key] or columns
    offices_qs = Office.objects.filter(regency_id=regency_id).order_by("name")
    if kind:
        offices_qs = offices_qs.filter(kind=kind)
    offices = list(offices_qs)
    years = sorted({c.year for c in columns})
    quarters = sorted({c.quarter for c in columns})
    kept: dict[tuple[int, int, int], KeptOffice] = {}
    if offices and columns:
        current = KeptOfficeYear.objects.filter(office_id=OuterRef("office_id"), year=OuterRef("year"))
        dirty = current.exclude(included=F("changes"))
        rows = (
            KeptOffice.objects.filter(
                office__regency_id=regency_id,
                year__in=years,
                quarter__in=quarters,
                version=Subquery(current.values("version")[:1]),
            )
            .annotate(is_dirty=Exists(dirty))
            .only("office_id", "year", "quarter", "achievement", "category", "color", "measured", "not_measured")
        )
        if kind:
            rows = rows.filter(office__kind=kind)
        kept = {(r.office_id, r.year, r.quarter): r for r in rows}
    states: dict[tuple[int, int, str, int | None], wf.State] = {}
    if offices and columns:
        steps = sorted({c.step.value for c in columns})
        for office_id, year, step, quarter, value in PeriodState.objects.filter(
            office__regency_id=regency_id, year__in=years, step__in=steps
        ).values_list("office_id", "year", "step", "quarter", "state"):
            states[(office_id, year, step, quarter)] = wf.State(value)
    approvers = workflow_services.approvers_of(regency_id)
    out: list[Row] = []
    for office in offices:
        row = Row(office)
        for col in columns:
            k = kept.get((office.pk, col.year, col.quarter))
            s = states.get((office.pk, col.year, col.step.value, col.step_quarter), wf.State.DRAFT)
            cell = Cell(state=s, state_label=workflow_services.state_label(s, approvers[col.step]))
            if k is not None:
                cell.kept = True
                cell.dirty = bool(getattr(k, "is_dirty", False))
                cell.achievement = k.achievement
                cell.shown = show_percent(k.achievement) if k.achievement is not None else ""
                cell.category, cell.color = k.category, k.color
                cell.measured, cell.not_measured = k.measured, k.not_measured
            row.cells.append(cell)
        if state and all(c.state.value != state for c in row.cells):
            continue
        out.append(row)
    return Matrix(columns[0].step.value if columns else "", columns, out, _summary(columns, out))


def _summary(columns: list[Column], rows: list[Row]) -> list[dict[str, Any]]:
    summary = []
    for i, _col in enumerate(columns):
        cells = [r.cells[i] for r in rows]
        by_category = Counter((c.category, c.color) for c in cells if c.category)
        by_state = Counter(c.state_label for c in cells)
        summary.append(
            {
                "categories": [(cat, color, n) for (cat, color), n in by_category.most_common()],
                "states": by_state.most_common(),
            }
        )
    return summary


# ----------------------------------------------------------------------------- trends


def office_trends(office: Office, years: list[int], year: int) -> dict[str, Any]:
    """An office's mean achievement over the years (the year's figures) and over the quarters of ``year`` (as of
    each quarter's end), and each indicator's: two queries, read from the kept rows of the current versions."""
    current = KeptOfficeYear.objects.filter(office_id=OuterRef("office_id"), year=OuterRef("year")).values(
        "version"
    )[:1]
    office_rows = KeptOffice.objects.filter(office=office, version=Subquery(current)).filter(
        year__in=years
    ).values_list("year", "quarter", "achievement", "color", "category")
    by_period = {(y, q): (a, color, cat) for y, q, a, color, cat in office_rows}
    indicator_rows = (
        KeptIndicator.objects.filter(office=office, version=Subquery(current), year__in=years)
        .order_by("indicator", "year", "quarter")
        .values_list("indicator", "name", "year", "quarter", "achievement", "color", "category")
    )
    indicators: dict[str, dict[str, Any]] = {}
    for ind, name, y, q, a, color, cat in indicator_rows:
        entry = indicators.setdefault(ind, {"id": ind, "name": name, "periods": {}})
        entry["periods"][(y, q)] = (a, color, cat)
    return {"office": by_period, "indicators": list(indicators.values())}
