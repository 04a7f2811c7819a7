"""Text in spreadsheets is never read as a formula: the one rule every .xlsx and .csv Sakip writes goes through.

A spreadsheet (Excel, LibreOffice, Google Sheets) reads a cell that starts with ``=``, ``+``,
``-`` or ``@`` as a formula — also after a leading tab or carriage return, and in some
locales with the full-width forms — and a formula can fetch URLs or run commands (CSV/formula
injection). User text (names, explanations, comments, user agents) may start with any of them.

* :func:`formula_like` — whether a text could be read as a formula.
* :func:`text_cell` — writes text into an openpyxl cell as a **string** cell, with the
  **quote prefix** (``'``) when it is formula-like: the workbook stores it as text, and a
  spreadsheet keeps it text even when the cell is edited. Characters a workbook cannot hold
  become ``?``; text past Excel's 32,767 characters per cell is cut with "…".
* :func:`put_value` — any value into a cell: text through :func:`text_cell`, numbers, dates
  and booleans as they are. No other code of Sakip sets a cell's value.
* :func:`csv_cell` — a CSV field: formula-like text gets a leading ``'`` (the convention
  spreadsheets understand); numbers (``int``, ``Decimal``, or a numeric column's exact decimal
  text such as ``-2.5``) are written as they are.
* :class:`CsvWriter` — the only ``csv.writer`` of Sakip: every field of every row through
  :func:`csv_cell`.

The workbooks are made by ``reports.xlsx`` (RKT, Matrik), ``importers.kinds`` (import templates,
filled with the office's data), ``dataset.printed_xlsx`` (the printed-report template) and
``reviews.output`` (review findings); the CSV files by ``audit.views`` (the audit trail) and
``portal.views`` (open data). ``tests/reports/test_formula_injection.py`` finds every place that
makes a workbook or a CSV writer in the source, generates each file through its real entry
points from formula-like data, and checks each cell — and that no cell got its text elsewhere.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell, MergedCell

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

#: what a spreadsheet may take as the start of a formula (ASCII and the full-width forms)
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20")
#: characters a spreadsheet may skip before a formula
_LEADING = " \t\r\n"
MAX_CELL_TEXT = 32767
_DECIMAL = re.compile(r"^-?\d+(\.\d+)?$")


def formula_like(text: str) -> bool:
    """Whether ``text`` starts (after any spaces, tabs or line breaks) with a formula trigger,
    or starts with a tab or carriage return at all."""
    if text[:1] in ("\t", "\r"):
        return True
    return text.lstrip(_LEADING).startswith(FORMULA_TRIGGERS)


def text_cell(cell: Cell | MergedCell, text: Any) -> Cell:
    """Store ``text`` in ``cell`` as a string (``None`` as empty); formula-like text with the quote prefix."""
    assert isinstance(cell, Cell), "a covered cell of a merged range holds no value"
    value = ILLEGAL_CHARACTERS_RE.sub("?", "" if text is None else str(text))
    if len(value) > MAX_CELL_TEXT:
        value = value[: MAX_CELL_TEXT - 1] + "…"
    cell.value = value  # openpyxl takes a leading "=" for a formula: the type is set back below
    cell.data_type = "s"
    if formula_like(value):
        cell.quotePrefix = True
    return cell


def put_value(cell: Cell | MergedCell, value: Any) -> Cell:
    """A value of any type: text through :func:`text_cell`; ``None`` leaves the cell empty; numbers, dates
    and booleans as they are."""
    if isinstance(value, str):
        return text_cell(cell, value)
    assert isinstance(cell, Cell), "a covered cell of a merged range holds no value"
    cell.value = value
    return cell


def csv_cell(value: Any, *, number: bool = False) -> str:
    """A CSV field that no spreadsheet runs as a formula.

    ``None`` is empty, booleans ``true``/``false``; ``int`` and ``Decimal`` are numbers; text
    in a ``number`` column that is an exact decimal (``-2.5``) is a number too. Any other text
    that is :func:`formula_like` gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    if (isinstance(value, int | Decimal) or number) and _DECIMAL.match(text):
        return text
    return "'" + text if formula_like(text) else text


class CsvWriter:
    """A ``csv.writer`` whose every field goes through :func:`csv_cell`.

    ``numbers`` marks the columns (by position) whose exact decimal text is a number; every other
    field is text. ``writerow`` returns what the file's ``write`` returned (for streaming)."""

    def __init__(self, out: SupportsWrite[str], *, numbers: Sequence[bool] = (), lineterminator: str = "\r\n") -> None:
        self._writer = csv.writer(out, lineterminator=lineterminator)
        self._numbers = tuple(numbers)

    def writerow(self, row: Iterable[Any]) -> Any:
        numbers = self._numbers
        return self._writer.writerow(
            [csv_cell(v, number=i < len(numbers) and numbers[i]) for i, v in enumerate(row)]
        )
