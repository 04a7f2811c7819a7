"""The quarter targets of the PK import: the columns «Target TW I» … «Target TW IV» and «Target triwulan kumulatif».

A file written before these columns existed imports as before (`sheet`). An empty cell
leaves the stored value; the file's values merged with the stored ones are checked as a
whole by the domain's rules (`sakip.agreements.quarter_targets.check`) against the row's
year target (the file's, else the PK's). A change to a quarter whose period is frozen is
refused with the lock's message. Every problem names its sheet, row and column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError

from sakip.agreements import quarter_targets as qt
from sakip.domain.measurement import Range, Target
from sakip.domain.periods import QUARTER_LABELS, QUARTERS
from sakip.importers.kinds import PK, PK_WITHOUT_QUARTERS
from sakip.importers.workbook import Record, SheetSpec
from sakip.planning.models import Indicator

CUMULATIVE_LABEL = "Target triwulan kumulatif"


def sheet(wb: Any) -> SheetSpec:
    """The «PK» layout of the file: with the quarter target columns, or as written before they existed."""
    if PK.name in wb.sheetnames:
        width = len(PK_WITHOUT_QUARTERS.columns)
        head = next(wb[PK.name].iter_rows(min_row=1, max_row=1, max_col=width + 1, values_only=True), ())
        if len(head) <= width or head[width] in (None, ""):
            return PK_WITHOUT_QUARTERS
    return PK


@dataclass
class Planned:
    """An indicator's quarter targets as they will be stored, and what changes (label, old, new)."""

    indicator: Indicator
    targets: dict[int, qt.Value]
    cumulative: bool
    fields: list[tuple[str, str, str]] = field(default_factory=list)


def _cell(rec: Record, key: str) -> str:
    v = rec.values.get(key)
    if v is None:
        return ""
    if isinstance(v, Decimal):
        from sakip.core.web import input_text

        return input_text(v)
    return v


def plan(
    rec: Record,
    ind: Indicator,
    year_target: Target | None,
    before: qt.Stored | None,
    frozen: dict[int, str],
    problem: Any,
) -> Planned | None:
    """The row's quarter targets merged with the stored ones, checked; ``problem(message, rec, key)`` for each error."""
    old = before or qt.Stored()
    given = any(rec.values.get(f"q{q}") is not None for q in QUARTERS) or rec.values.get("cumulative") is not None
    if not given:
        if old.targets:  # a changed year target is checked against the stored quarter targets
            result = qt.check(ind, old.full(), old.cumulative, year_target)
            for q, messages in result.errors.items():
                for m in messages:
                    problem(m, rec, f"q{q}" if q else "target")
        return None
    targets = old.full()
    failed = False
    for q in QUARTERS:
        text = _cell(rec, f"q{q}")
        if not text:
            continue
        try:
            targets[q] = qt.parse(text, ind, q)
        except ValidationError as exc:
            problem(" ".join(exc.messages), rec, f"q{q}")
            failed = True
    choice = rec.values.get("cumulative")
    cumulative = old.cumulative if choice is None else str(choice).casefold() == "ya"
    if failed:
        return None
    result = qt.check(ind, targets, cumulative, year_target)
    for q, messages in result.errors.items():
        for m in messages:
            problem(m, rec, f"q{q}" if q else "code")
    if not result.ok:
        return None
    for locked_quarter, m in qt.lock_problems(frozen, old, targets, cumulative):
        problem(m, rec, f"q{locked_quarter}" if locked_quarter else "cumulative")
        failed = True
    if failed:
        return None
    planned = Planned(ind, targets, cumulative)
    for q in QUARTERS:
        if old.targets.get(q) != targets[q]:
            label = f"Target {QUARTER_LABELS[q]}"
            planned.fields.append((label, qt.text_of(old.targets.get(q)), qt.text_of(targets[q])))
    if cumulative != old.cumulative:
        planned.fields.append((CUMULATIVE_LABEL, "ya" if old.cumulative else "tidak", "ya" if cumulative else "tidak"))
    return planned


def template_cells(stored: qt.Stored | None) -> dict[str, Any]:
    """A row's quarter target cells in the template: numbers as numbers, grades and bands («80 – 90») as text."""
    if stored is None or not stored.targets:
        return {}
    cells: dict[str, Any] = {f"q{q}": qt.text_of(v) if isinstance(v, Range) else v for q, v in stored.targets.items()}
    cells["cumulative"] = "ya" if stored.cumulative else "tidak"
    return cells
