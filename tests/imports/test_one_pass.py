"""An Excel import reports every error of a file in one report (issue #14): formula cells, values of the wrong
kind, unknown codes and frozen periods, each with its sheet, row and column; nothing is stored.

Before, the same file took three rounds: the formulas and kinds first, then the codes and values, then the
locks — the last without sheet, row or column. Real .xlsx files (openpyxl) through `services.run`.
"""

from __future__ import annotations

import pytest

from sakip.importers.kinds import PK, REALISASI
from sakip.imports import services
from sakip.workflow.models import PeriodState
from tests.importers.xlsx_support import workbook

from .test_services import HEADER, office, row, snapshot

pytestmark = pytest.mark.django_db


def _located(outcome: services.Outcome) -> list[tuple[str | None, int | None, str | None]]:
    return sorted(((p.sheet, p.row, p.column) for p in outcome.problems), key=lambda t: (t[1] or 0, t[2] or ""))


def test_formulas_values_codes_and_locks_in_one_report(demo_once, db) -> None:
    o = office()
    PeriodState.objects.update_or_create(office=o, year=2020, step="quarter", quarter=1, defaults={"state": "approved"})
    s12 = row("S1.2", {1: 90, 3: "sembilan"}, explanation="uji")  # TW I is locked; TW III is not a number
    s14 = row("S1.4", {2: "=1+1"})  # a formula
    unknown = row("X9.9", {2: 5})  # no such indicator
    data = workbook({"Realisasi": [HEADER, s12, s14, unknown]})
    before = snapshot()
    outcome = services.run(o, "realisasi", 2020, data, filename="realisasi.xlsx")
    assert not outcome.applied
    letter = REALISASI.letter
    assert _located(outcome) == [
        ("Realisasi", 2, letter("tw1")),  # the frozen quarter, on the cell that changes it
        ("Realisasi", 2, letter("tw3")),
        ("Realisasi", 3, letter("tw2")),
        ("Realisasi", 4, letter("code")),
    ]
    by_cell = {(p.row, p.column): p.message for p in outcome.problems}
    assert "dikunci" in by_cell[2, letter("tw1")]
    assert "rumus" in by_cell[3, letter("tw2")]
    assert "X9.9" in by_cell[4, letter("code")]
    assert "sembilan" in by_cell[2, letter("tw3")] or "angka" in by_cell[2, letter("tw3")]
    assert snapshot() == before  # all or nothing

    # the file corrected as the report says (and the quarter left alone) imports in the next round
    fixed = workbook({"Realisasi": [HEADER, row("S1.2", {3: 75}, explanation="uji"), row("S1.4", {2: 2})]})
    assert services.run(o, "realisasi", 2020, fixed).applied


def test_pk_codes_values_formulas_and_the_lock_in_one_report(demo_once, db) -> None:
    o = office()
    PeriodState.objects.update_or_create(office=o, year=2020, step="pk", quarter=None, defaults={"state": "approved"})
    header = [c.header for c in PK.columns]
    width = len(header)

    def pk_row(code: str, target: object) -> list[object]:
        cells: list[object] = [None] * width
        cells[0] = code
        cells[PK.columns.index(next(c for c in PK.columns if c.key == "target"))] = target
        return cells

    data = workbook({"PK": [header, pk_row("S1.2", 99), pk_row("S1.4", "=2*50"), pk_row("X9.9", 5)]})
    before = snapshot()
    outcome = services.run(o, "pk", 2020, data)
    assert not outcome.applied and snapshot() == before
    located = _located(outcome)
    target = PK.letter("target")
    assert ("PK", 3, target) in located  # the formula
    assert ("PK", 4, PK.letter("code")) in located  # the unknown code
    assert ("PK", 2, target) in located  # the frozen PK, on the target that changes it
    assert all(s == "PK" and r and c for s, r, c in located)
