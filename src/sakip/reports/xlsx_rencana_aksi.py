"""The Rencana Aksi as a workbook: the same rows as the .docx (`documents.rencana_aksi.plan_rows`).

Sheet «Rencana Aksi»: per goal/objective a group row, then its indicators — year target, the four
quarter targets (numbers as numbers with a number format; grades as text; "belum ditetapkan"
where none is set, never 0) and "kumulatif" / "per triwulan" — then the programs, activities
and sub-activities that carry them with their output indicators and allocation. Every text goes
through `sakip.reports.xlsx.put_text` (risky text is a string cell with the quote prefix, never a
formula); header rows are frozen and printed on every page; the head of office signs below.

`rencana_aksi_xlsx(sc, draft=...)` returns the file's bytes.
"""

from __future__ import annotations

from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border
from openpyxl.worksheet.worksheet import Worksheet

from sakip.domain.measurement import Target
from sakip.domain.periods import QUARTERS
from sakip.domain.quarter_targets import places_of
from sakip.domain.scorecard import Scorecard

from .documents.rencana_aksi import NOT_SET, plan_rows, text_of
from .xlsx import (
    _BORDER,
    _GROUP_FILL,
    _WRAP,
    INTEGER_FORMAT,
    MONEY_FORMAT,
    _Column,
    _frame,
    _signature,
    _to_bytes,
    put_number,
    put_text,
)

COLUMNS = (
    _Column("No", 5),
    _Column("Indikator Kinerja / Program, Kegiatan, Sub Kegiatan", 46),
    _Column("Satuan", 10),
    _Column("Target Tahunan", 13),
    _Column("TW I", 12, "TARGET TRIWULAN"),
    _Column("TW II", 12, "TARGET TRIWULAN"),
    _Column("TW III", 12, "TARGET TRIWULAN"),
    _Column("TW IV", 12, "TARGET TRIWULAN"),
    _Column("Sifat Target", 13),
    _Column("Indikator Keluaran (Target)", 34),
    _Column("Pagu (Rp)", 18),
)


def _number_format(value: Decimal) -> str:
    places = places_of(value)
    return INTEGER_FORMAT if places == 0 else "#,##0." + "0" * places


def _target(ws: Worksheet, row: int, col: int, value: Target | Decimal | str | None) -> None:
    if isinstance(value, Decimal):
        put_number(ws, row, col, value, _number_format(value))
    else:
        cell = put_text(ws, row, col, text_of(value) if value is not None else NOT_SET)
        cell.alignment = Alignment(horizontal="center", vertical="top", wrap_text=True)


def build_rencana_aksi(sc: Scorecard, *, draft: bool = False) -> Workbook:
    wb = Workbook()
    sheet = _frame(wb, "Rencana Aksi", f"RENCANA AKSI TAHUN {sc.year}", sc, COLUMNS, draft)
    ws = sheet.ws
    number = 0
    width = len(COLUMNS)
    for group in plan_rows(sc):
        r = sheet.row
        cell = put_text(ws, r, 1, group.title, bold=True)
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=width)
        cell.fill = _GROUP_FILL
        sheet.row += 1
        for ind_row in group.indicators:
            r = sheet.row
            for c in range(1, width + 1):
                ws.cell(row=r, column=c).border = _BORDER
                ws.cell(row=r, column=c).alignment = _WRAP
            number += 1
            ind = ind_row.score.indicator
            put_number(ws, r, 1, number, INTEGER_FORMAT)
            put_text(ws, r, 2, ind_row.printed_name)
            put_text(ws, r, 3, ind.unit)
            _target(ws, r, 4, ind_row.target)
            for q in QUARTERS:
                _target(ws, r, 4 + q, ind_row.quarters.get(q))
            put_text(ws, r, 9, ind_row.kind)
            put_text(ws, r, 10, "-")
            put_text(ws, r, 11, "-")
            sheet.row += 1
        for p in group.programs:
            r = sheet.row
            for c in range(1, width + 1):
                ws.cell(row=r, column=c).border = _BORDER
                ws.cell(row=r, column=c).alignment = _WRAP
            bold = p.depth == 0
            put_text(ws, r, 2, f"{'    ' * p.depth}{p.level} {p.node.code} {p.node.name}", bold=bold)
            outputs = "; ".join(
                f"{o.name} ({text_of(t) if t is not None else '-'} {o.unit})".replace(" )", ")") for o, t in p.outputs
            )
            put_text(ws, r, 10, outputs or "-")
            put_number(ws, r, 11, p.allocation, MONEY_FORMAT, bold=bold)
            sheet.row += 1
    note = put_text(
        ws,
        sheet.row + 1,
        2,
        'Kumulatif: target s.d. triwulan itu; per triwulan: target triwulan itu sendiri. "belum ditetapkan": '
        "target triwulan belum diisi (bukan 0).",
    )
    note.border = Border()
    sheet.row += 2
    _signature(sheet, sc, 10)
    return wb


def rencana_aksi_xlsx(sc: Scorecard, *, draft: bool = False) -> bytes:
    return _to_bytes(build_rencana_aksi(sc, draft=draft))
