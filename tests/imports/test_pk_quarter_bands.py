"""An in-range indicator's quarter bands in the Excel PK template and import («1 – 2» text cells)."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest

from sakip.accounts.models import Office
from sakip.domain import workflow as wf
from sakip.imports import services
from sakip.monitoring.models import Quarter
from sakip.workflow.models import PeriodState
from tests.importers.xlsx_support import workbook

from .test_pk_quarters import HEADER, YEAR, everything, office, pk_row

__all__ = ["office"]  # the fixture, imported
pytestmark = pytest.mark.django_db
D = Decimal


def bands() -> dict[int, tuple[Decimal, Decimal]]:
    return {
        q.quarter: (q.target_low, q.target_high)
        for q in Quarter.objects.filter(indicator_year__indicator__code="S1.4", indicator_year__year=YEAR)
        if q.target_low is not None
    }


def test_bands_are_imported_shown_in_the_preview_and_written_back_by_the_template(office: Office) -> None:
    data = workbook({"PK": [HEADER, pk_row("S1.4", "2 – 4", ("1 – 2", "1,5 s.d. 3", None, "2 – 4"))]})
    preview = services.prepare(office, "pk", YEAR, data)
    assert preview.ok, [str(p) for p in preview.problems]
    fields = {f.label: (f.old, f.new) for c in preview.changes for f in c.fields}
    assert fields["Target TW I"] == ("", "1 – 2") and fields["Target TW II"] == ("", "1,5 – 3")
    assert services.apply(office, preview).applied
    assert bands() == {1: (D(1), D(2)), 2: (D("1.5"), D(3)), 4: (D(2), D(4))}
    # the template carries them as text, and imports back unchanged
    template = services.template(office, "pk", YEAR)
    ws = openpyxl.load_workbook(io.BytesIO(template))["PK"]
    rows = {r[0]: r for r in ws.iter_rows(min_row=2, values_only=True) if r[0]}
    assert rows["S1.4"][3:8] == ("2 – 4", "1 – 2", "1,5 – 3", None, "2 – 4")
    before = everything(), bands()
    again = services.run(office, "pk", YEAR, template)
    assert again.problems == [] and not again.has_changes
    assert (everything(), bands()) == before


@pytest.mark.parametrize(
    ("cell", "words"),
    [
        ("4 – 2", "Batas bawah lebih besar dari batas atas"),
        (3, "Tulis rentang target sebagai «batas bawah – batas atas»"),
        ("BB", "Tulis rentang target sebagai"),
    ],
)
def test_a_bad_band_is_named_by_row_and_column_and_nothing_is_stored(office: Office, cell: object, words: str) -> None:
    before = everything(), bands()
    data = workbook({"PK": [HEADER, pk_row("S1.2", None, (250,)), pk_row("S1.4", "2 – 4", (None, cell))]})
    outcome = services.run(office, "pk", YEAR, data)
    assert not outcome.ok and not outcome.applied
    (p,) = outcome.problems
    assert (p.row, p.column) == (3, "F") and words in p.message
    assert (everything(), bands()) == before


def test_a_band_for_a_numeric_indicator_is_an_error(office: Office) -> None:
    outcome = services.run(office, "pk", YEAR, workbook({"PK": [HEADER, pk_row("T1.1", None, ("1 – 2",))]}))
    (p,) = outcome.problems
    assert (p.row, p.column) == (2, "E") and "TW I" in p.message


def test_a_frozen_quarters_band_cannot_change_through_the_import(office: Office) -> None:
    services.run(office, "pk", YEAR, workbook({"PK": [HEADER, pk_row("S1.4", "2 – 4", ("1 – 2",))]}))
    PeriodState.objects.create(office=office, year=YEAR, step="quarter", quarter=1, state=wf.State.SUBMITTED.value)
    outcome = services.run(office, "pk", YEAR, workbook({"PK": [HEADER, pk_row("S1.4", None, ("1 – 3",))]}))
    (p,) = outcome.problems
    assert (p.row, p.column) == (2, "E") and p.message.startswith("TW I:")
    assert bands() == {1: (D(1), D(2))}
