"""The Excel matrices of SPEC §7.5: the RKT (*Rencana Kinerja Tahunan*) and the Matrik Capaian Kinerja.

Both are built from one `Scorecard` (`sakip.domain.scorecard.build_scorecard`; a stored office
through `sakip.core.services.scorecard_for`), so every figure equals the scorecard's: targets as
resolved there (year override → PK → plan), realisations, achievements, categories, budget
amounts (a parent line is the sum of its children, as in the scorecard).

* Numbers are stored as numbers (exact decimals written as Excel doubles) with number formats
  ``#,##0`` / ``#,##0.00``, which Excel and LibreOffice show with the reader's separators —
  ``1.816.490.281,00`` and ``96,47`` in an Indonesian locale. Rounding happens only in the format.
* A value that is missing is the text "belum diukur" (or "-" for an optional figure), never 0.
* Every text cell is written through `put_text` (`sakip.reports.cells.text_cell`): text that a
  spreadsheet could read as a formula (starting with ``= + - @``, or a tab / carriage return before
  one) is stored as a string cell with the quote prefix, so no spreadsheet ever executes user text.
* Header rows are frozen and repeated on every printed page, columns have widths, pages are A4
  landscape fitted to the width; ``draft=True`` writes "DRAFT" in the title and page header.

`rkt_xlsx(sc, draft=...)` and `matrik_xlsx(sc, draft=...)` return the file's bytes.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import zip_longest

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from sakip.domain.budget import Amounts
from sakip.domain.measurement import Range, Status, Target
from sakip.domain.numbers import format_number, format_percent
from sakip.domain.office import Objective, OutputIndicator, PkProgram, ProgramNode
from sakip.domain.scorecard import IndicatorScore, LineScore, Scorecard

from .cells import put_value as put_cell
from .cells import text_cell
from .documents.common import level_labels

NOT_MEASURED_TEXT = "belum diukur"
UNDEFINED_TEXT = "tidak terdefinisi"
INTEGER_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.00"
MONEY_FORMAT = "#,##0.00"

_THIN = Side(style="thin", color="9AA5B1")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="DDE7E3")
_GROUP_FILL = PatternFill("solid", fgColor="F1F3F5")
_BAND_FILLS = {
    "green": "B2F2BB",
    "lime": "D8F5A2",
    "yellow": "FFEC99",
    "orange": "FFD8A8",
    "red": "FFC9C9",
}
_WRAP = Alignment(wrap_text=True, vertical="top")
_WRAP_CENTER = Alignment(wrap_text=True, vertical="center", horizontal="center")
_NUMBER_ALIGN = Alignment(vertical="top", horizontal="right")


# --------------------------------------------------------------------------- cells


def put_text(ws: Worksheet, row: int, col: int, text: str | None, *, bold: bool = False) -> Cell:
    """A text cell that is never a formula (`sakip.reports.cells.text_cell`: a string, with the quote
    prefix when risky), wrapped and bordered.

    Control characters that a workbook cannot hold are shown as ``?`` and text beyond Excel's
    32.767 characters per cell is cut with "…", rather than failing the whole file."""
    cell = ws.cell(row=row, column=col)
    assert isinstance(cell, Cell)  # never a covered cell of a merged range
    text_cell(cell, text)
    cell.alignment = _WRAP
    cell.border = _BORDER
    if bold:
        cell.font = Font(bold=True)
    return cell


def put_number(
    ws: Worksheet,
    row: int,
    col: int,
    value: Decimal | int | None,
    number_format: str | None = None,
    *,
    missing: str = "-",
    bold: bool = False,
) -> Cell:
    """A number cell (``None`` writes the ``missing`` text instead, never 0)."""
    if value is None:
        cell = put_text(ws, row, col, missing, bold=bold)
        cell.alignment = _NUMBER_ALIGN
        return cell
    cell = put_cell(ws.cell(row=row, column=col), value)
    if number_format is None:
        number_format = INTEGER_FORMAT if Decimal(value) == Decimal(value).to_integral_value() else DECIMAL_FORMAT
    cell.number_format = number_format
    cell.alignment = _NUMBER_ALIGN
    cell.border = _BORDER
    if bold:
        cell.font = Font(bold=True)
    return cell


def put_value(ws: Worksheet, row: int, col: int, value: Target | Decimal | str | None, *, missing: str = "-") -> Cell:
    """A target or realisation: a number as a number, a range or a grade as text."""
    if isinstance(value, Range):
        cell = put_text(ws, row, col, f"{_plain(value.low)} – {_plain(value.high)}")
        cell.alignment = _NUMBER_ALIGN
        return cell
    if isinstance(value, str):
        cell = put_text(ws, row, col, value)
        cell.alignment = _NUMBER_ALIGN
        return cell
    return put_number(ws, row, col, value, missing=missing)


def _plain(value: Decimal) -> str:
    return format_number(value, 0 if value == value.to_integral_value() else 2)


def _achievement(ws: Worksheet, row: int, col: int, s: IndicatorScore) -> Cell:
    a = s.achievement
    if a.status is Status.NOT_MEASURED:
        return put_number(ws, row, col, None, missing=NOT_MEASURED_TEXT)
    if a.value is None:
        return put_number(ws, row, col, None, missing=UNDEFINED_TEXT)
    return put_number(ws, row, col, a.value, DECIMAL_FORMAT)


def _category(ws: Worksheet, row: int, col: int, label: str | None, color: str | None) -> Cell:
    cell = put_text(ws, row, col, label or "-")
    if color in _BAND_FILLS:
        cell.fill = PatternFill("solid", fgColor=_BAND_FILLS[color])
    return cell


# --------------------------------------------------------------------------- sheet frame


@dataclass
class _Column:
    header: str
    width: float
    group: str | None = None


@dataclass
class _Sheet:
    ws: Worksheet
    columns: Sequence[_Column]
    first_data_row: int = 0
    row: int = 0
    note_row: int = 0


def _frame(wb: Workbook, title: str, heading: str, sc: Scorecard, columns: Sequence[_Column], draft: bool) -> _Sheet:
    ws = wb.active
    assert isinstance(ws, Worksheet)
    ws.title = title
    office = sc.office
    lines = [(heading + (" — DRAFT" if draft else ""), 14)]
    lines.append((office.name.upper() + (f", {office.regency.upper()}" if office.regency else ""), 12))
    if draft:
        lines.append(("DRAFT — periode ini belum disetujui; angka dapat berubah.", 10))
    for i, (text, size) in enumerate(lines, start=1):
        cell = put_text(ws, i, 1, text)
        cell.font = Font(bold=True, size=size, color="C92A2A" if text.startswith("DRAFT") else None)
        cell.border = Border()
        cell.alignment = Alignment(vertical="center")
    r = len(lines) + 2
    grouped = any(c.group for c in columns)
    if grouped:
        start = 0
        while start < len(columns):
            group = columns[start].group
            end = start
            while end + 1 < len(columns) and group is not None and columns[end + 1].group == group:
                end += 1
            cell = put_text(ws, r, start + 1, group or columns[start].header, bold=True)
            if group is None:
                ws.merge_cells(start_row=r, start_column=start + 1, end_row=r + 1, end_column=start + 1)
            elif end > start:
                ws.merge_cells(start_row=r, start_column=start + 1, end_row=r, end_column=end + 1)
            start = end + 1
        header_rows = [r, r + 1]
    else:
        header_rows = [r]
    sub = header_rows[-1]
    for i, col in enumerate(columns, start=1):
        if not grouped or col.group is not None:
            put_text(ws, sub, i, col.header, bold=True)
        ws.column_dimensions[get_column_letter(i)].width = col.width
    for hr in header_rows:
        for i in range(1, len(columns) + 1):
            hcell = ws.cell(row=hr, column=i)
            hcell.fill = _HEADER_FILL
            hcell.alignment = _WRAP_CENTER
            hcell.border = _BORDER
            hcell.font = Font(bold=True)
    number_row = sub + 1
    for i in range(1, len(columns) + 1):  # the column numbers the printed matrices carry
        cell = put_number(ws, number_row, i, i, INTEGER_FORMAT)
        cell.alignment = _WRAP_CENTER
        cell.font = Font(italic=True, size=8)
    first = number_row + 1
    ws.freeze_panes = f"A{first}"
    ws.print_title_rows = f"{header_rows[0]}:{number_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    footer, header = ws.oddFooter, ws.oddHeader
    assert footer is not None and header is not None
    footer.center.text = "Halaman &P dari &N"
    if draft:
        header.center.text = "DRAFT"
        header.center.size = 20
        header.center.color = "C92A2A"
    return _Sheet(ws, columns, first, first, len(lines) + 1)


def _signature(sheet: _Sheet, sc: Scorecard, col: int) -> None:
    head = sc.office.head
    if head is None:
        return
    r = sheet.row + 2
    lines = [head.position or "Kepala Perangkat Daerah", "", "", head.name]
    if head.rank:
        lines.append(head.rank)
    if head.nip:
        lines.append(f"NIP. {head.nip}")
    for i, text in enumerate(lines):
        cell = put_text(sheet.ws, r + i, col, text, bold=i in (0, 3))
        cell.border = Border()
        cell.alignment = Alignment(vertical="top")


def _to_bytes(wb: Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# --------------------------------------------------------------------------- RKT


def _program_rows(node: ProgramNode) -> list[tuple[str, ProgramNode, OutputIndicator | None]]:
    """A program's rows: ("program", node, indicator) then each activity's ("activity", ...)."""
    rows: list[tuple[str, ProgramNode, OutputIndicator | None]] = []
    for ind in node.indicators or [None]:  # type: ignore[list-item]
        rows.append(("program", node, ind))
    for child in node.children:
        for ind in child.indicators or [None]:  # type: ignore[list-item]
            rows.append(("activity", child, ind))
        for grandchild in child.children:
            for ind in grandchild.indicators or [None]:  # type: ignore[list-item]
                rows.append(("activity", grandchild, ind))
    return rows


def _allocations(sc: Scorecard) -> tuple[dict[str, Amounts], dict[str, PkProgram]]:
    lines: dict[str, Amounts] = {}
    if sc.budget is not None:
        lines = {ls.line.code: ls.amounts for ls in sc.budget.lines}
    pk: dict[str, PkProgram] = {}
    yd = sc.office.years.get(sc.year)
    if yd is not None and yd.agreement is not None:
        pk = {p.program_code: p for p in yd.agreement.programs if p.program_code}
    return lines, pk


RKT_COLUMNS = (
    _Column("No", 5),
    _Column("Uraian", 30, "TUJUAN"),
    _Column("Indikator Tujuan", 28, "TUJUAN"),
    _Column("Uraian", 30, "SASARAN"),
    _Column("Indikator Sasaran", 30, "SASARAN"),
    _Column("Satuan", 10, "SASARAN"),
    _Column("Target", 12, "SASARAN"),
    _Column("Uraian", 30, "PROGRAM"),
    _Column("Indikator Program", 28, "PROGRAM"),
    _Column("Satuan", 10, "PROGRAM"),
    _Column("Target", 12, "PROGRAM"),
    _Column("Pagu Program (Rp)", 18, "PROGRAM"),
    _Column("Uraian", 30, "KEGIATAN"),
    _Column("Indikator Kegiatan (Keluaran)", 28, "KEGIATAN"),
    _Column("Satuan", 10, "KEGIATAN"),
    _Column("Target", 12, "KEGIATAN"),
    _Column("Pagu Kegiatan (Rp)", 18, "KEGIATAN"),
)


def build_rkt(sc: Scorecard, *, draft: bool = False) -> Workbook:
    """The RKT of the scorecard's year: goals → objectives (indicators, targets) → programs → activities."""
    wb = Workbook()
    sheet = _frame(wb, "RKT", f"RENCANA KINERJA TAHUNAN (RKT) TAHUN {sc.year}", sc, RKT_COLUMNS, draft)
    ws = sheet.ws
    plan = sc.office.plan
    y = sc.year
    lines, pk = _allocations(sc)
    scores = {(s.level, s.indicator.id): s for s in sc.indicators}
    linked: set[str] = set()
    number = 0

    def pagu(node: ProgramNode, level: str) -> Decimal | None:
        if node.code in lines:
            return lines[node.code].allocation
        if level == "program" and node.code in pk:
            return pk[node.code].allocation
        return None

    def right_cells(r: int, item: tuple[str, ProgramNode, OutputIndicator | None] | None, first: bool) -> None:
        if item is None:
            return
        level, node, ind = item
        base = 8 if level == "program" else 13
        if first:
            put_text(ws, r, base, f"{node.code} {node.name}", bold=level == "program")
            put_number(ws, r, base + 4, pagu(node, level), MONEY_FORMAT, bold=level == "program")
        if ind is not None:
            put_text(ws, r, base + 1, ind.name)
            put_text(ws, r, base + 2, ind.unit)
            put_value(ws, r, base + 3, ind.targets.get(y))

    for goal in plan.goals:
        goal_done = False
        objectives: list[Objective | None] = [o for o in plan.objectives if o.goal_id == goal.id] or [None]
        for obj in objectives:
            number += 1
            left: list[IndicatorScore | None] = []
            if obj is not None:
                left = [scores.get(("objective", i.id)) for i in obj.indicators]
            goal_inds = [scores.get(("goal", i.id)) for i in goal.indicators] if not goal_done else []
            right: list[tuple[tuple[str, ProgramNode, OutputIndicator | None], bool]] = []
            if obj is not None:
                for node in plan.programs:
                    if obj.id in node.objectives:
                        linked.add(node.code)
                        seen: set[tuple[str, str]] = set()
                        for item in _program_rows(node):
                            key = (item[0], item[1].code)
                            right.append((item, key not in seen))
                            seen.add(key)
            height = max(len(left), len(goal_inds), len(right), 1)
            start = sheet.row
            for i in range(height):
                r = start + i
                for c in range(1, len(RKT_COLUMNS) + 1):
                    ws.cell(row=r, column=c).border = _BORDER
                    ws.cell(row=r, column=c).alignment = _WRAP
                if i == 0:
                    put_number(ws, r, 1, number, INTEGER_FORMAT)
                    if not goal_done:
                        put_text(ws, r, 2, goal.text)
                    if obj is not None:
                        put_text(ws, r, 4, obj.text)
                if i < len(goal_inds) and goal_inds[i] is not None:
                    gs = goal_inds[i]
                    assert gs is not None
                    put_text(ws, r, 3, gs.indicator.name)
                if i < len(left) and left[i] is not None:
                    s = left[i]
                    assert s is not None
                    put_text(ws, r, 5, s.indicator.name + (" (IKU)" if s.indicator.iku else ""))
                    put_text(ws, r, 6, s.indicator.unit)
                    put_value(ws, r, 7, s.target)
                if i < len(right):
                    item, first = right[i]
                    right_cells(r, item, first)
            sheet.row = start + height
            goal_done = True
    unlinked = [node for node in plan.programs if node.code not in linked]
    if unlinked:
        r = sheet.row
        cell = put_text(ws, r, 1, "Program pendukung tanpa tautan ke sasaran", bold=True)
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=len(RKT_COLUMNS))
        cell.fill = _GROUP_FILL
        sheet.row += 1
        for node in unlinked:
            seen2: set[tuple[str, str]] = set()
            for item in _program_rows(node):
                key = (item[0], item[1].code)
                for c in range(1, len(RKT_COLUMNS) + 1):
                    ws.cell(row=sheet.row, column=c).border = _BORDER
                right_cells(sheet.row, item, key not in seen2)
                seen2.add(key)
                sheet.row += 1
    total = _total_allocation(sc, plan.programs, lines, pk)
    if total is not None:
        put_text(ws, sheet.row, 13, f"JUMLAH PAGU TAHUN {y}", bold=True)
        put_number(ws, sheet.row, 12, total, MONEY_FORMAT, bold=True)
        sheet.row += 1
    _signature(sheet, sc, 13)
    return wb


def _total_allocation(
    sc: Scorecard, programs: Sequence[ProgramNode], lines: dict[str, Amounts], pk: dict[str, PkProgram]
) -> Decimal | None:
    values = []
    for node in programs:
        if node.code in lines:
            values.append(lines[node.code].allocation)
        elif node.code in pk:
            values.append(pk[node.code].allocation)
    return sum(values, Decimal(0)) if values else None


def rkt_xlsx(sc: Scorecard, *, draft: bool = False) -> bytes:
    return _to_bytes(build_rkt(sc, draft=draft))


# --------------------------------------------------------------------------- Matrik Capaian Kinerja


def _matrik_columns(sc: Scorecard) -> tuple[_Column, ...]:
    y = sc.year
    end = sc.office.plan.end
    return (
        _Column("No", 5),
        _Column("Sasaran Strategis", 32),
        _Column("Indikator Kinerja", 32),
        _Column("Satuan", 10),
        _Column(f"Target ({y})", 12),
        _Column(f"Realisasi ({y})", 12),
        _Column("Capaian (%)", 11),
        _Column("Kategori", 13),
        _Column(f"Target Akhir Renstra ({end})", 13),
        _Column("Capaian terhadap Target Akhir (%)", 13),
        _Column("Program dan Kegiatan", 36),
        _Column("Sumber Dana", 10),
        _Column("Pagu Anggaran (Rp)", 18),
        _Column("Realisasi Anggaran (Rp)", 18),
        _Column("Penyerapan (%)", 11),
        _Column("Masalah dan Solusi", 40),
    )


def _lines_for(sc: Scorecard, objective_id: str | None) -> list[LineScore]:
    """Budget lines of an objective (a line linked, and everything under it); ``None``: lines linked to none."""
    if sc.budget is None:
        return []
    out: list[LineScore] = []
    linked_depth: int | None = None
    for ls in sc.budget.lines:
        if linked_depth is not None and ls.depth > linked_depth:
            out.append(ls)
            continue
        linked_depth = None
        hit = (objective_id in ls.line.objectives) if objective_id is not None else False
        if hit:
            out.append(ls)
            linked_depth = ls.depth
    if objective_id is None:
        taken = {id(ls) for o in sc.office.plan.objectives for ls in _lines_for(sc, o.id)}
        out = [ls for ls in sc.budget.lines if id(ls) not in taken]
    return out


def build_matrik(sc: Scorecard, *, draft: bool = False) -> Workbook:
    """The Matrik Capaian Kinerja: per objective its indicators' target, realisation, achievement and
    category, progress to the end-of-plan target, and the programs/activities with their budget."""
    wb = Workbook()
    columns = _matrik_columns(sc)
    sheet = _frame(wb, "Matrik Capaian Kinerja", f"MATRIK CAPAIAN KINERJA TAHUN {sc.year}", sc, columns, draft)
    ws = sheet.ws
    plan = sc.office.plan
    _, pk = _allocations(sc)
    cap = sc.office.settings.cap.value
    note = (
        f"Skala: {sc.scale.name}. "
        + ("Capaian tanpa batas atas." if cap == "none" else f"Capaian dibatasi {cap} % (nilai mentah di keterangan).")
        + ' Sel "belum diukur" berarti belum ada realisasi (bukan 0).'
    )
    note_cell = put_text(ws, sheet.note_row, 1, note)
    note_cell.border = Border()
    note_cell.font = Font(italic=True, size=9)

    blocks: list[tuple[str, list[IndicatorScore], list[LineScore]]] = []
    for g in plan.goals:
        goal_scores = [s for s in sc.indicators if s.level == "goal" and s.parent_id == g.id]
        if goal_scores:
            blocks.append((f"Tujuan: {g.text}", goal_scores, []))
    for o in plan.objectives:
        blocks.append(
            (
                f"Sasaran: {o.text}",
                [s for s in sc.indicators if s.level == "objective" and s.parent_id == o.id],
                _lines_for(sc, o.id),
            )
        )
    rest = _lines_for(sc, None)
    if rest:
        blocks.append(("Program/kegiatan tanpa tautan ke sasaran", [], rest))
    # an indicator listed at goal and at objective level with the same name: each row says its level
    labels = level_labels(s for _, inds, _ in blocks for s in inds)

    for number, (text, inds, lines) in enumerate(blocks, start=1):
        start = sheet.row
        height = max(len(inds), len(lines), 1)
        for i, (s, ls) in enumerate(zip_longest(inds, lines)):
            r = start + i
            for c in range(1, len(columns) + 1):
                ws.cell(row=r, column=c).border = _BORDER
                ws.cell(row=r, column=c).alignment = _WRAP
            if s is not None:
                _indicator_cells(ws, r, s, labels[id(s)])
            if ls is not None:
                _line_cells(ws, r, ls, pk)
        put_number(ws, start, 1, number, INTEGER_FORMAT)
        put_text(ws, start, 2, text)
        sheet.row = start + height

    # summary: objectives, goals, the office; the budget total
    r = sheet.row
    for label, items in (("Capaian sasaran", sc.objectives), ("Capaian tujuan", sc.goals), ("", (sc.office_score,))):
        for a in items:
            title = f"{label} {a.id}: {a.text}" if label else "Capaian kinerja Perangkat Daerah (rata-rata indikator)"
            put_text(ws, r, 2, title, bold=not label)
            ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=6)
            put_number(ws, r, 7, a.aggregate.value, DECIMAL_FORMAT, missing=NOT_MEASURED_TEXT, bold=not label)
            _category(ws, r, 8, a.category, a.color)
            put_text(
                ws,
                r,
                9,
                f"{a.aggregate.measured} indikator diukur, {a.aggregate.not_measured + a.aggregate.undefined} belum",
            )
            ws.merge_cells(start_row=r, start_column=9, end_row=r, end_column=10)
            r += 1
    if sc.budget is not None and sc.budget.lines_total is not None:
        lt = sc.budget.lines_total
        put_text(ws, r, 11, f"TOTAL PAGU ANGGARAN TA {sc.year}", bold=True)
        put_number(ws, r, 13, lt.allocation, MONEY_FORMAT, bold=True)
        put_number(ws, r, 14, lt.realisation, MONEY_FORMAT, bold=True)
        put_number(ws, r, 15, lt.absorption, DECIMAL_FORMAT, bold=True)
        r += 1
    sheet.row = r
    _signature(sheet, sc, 11)
    return wb


def _indicator_cells(ws: Worksheet, r: int, s: IndicatorScore, name: str) -> None:
    put_text(ws, r, 3, name + (" (IKU)" if s.indicator.iku else ""))
    put_text(ws, r, 4, s.indicator.unit)
    put_value(ws, r, 5, s.target)
    put_value(ws, r, 6, s.realisation, missing=NOT_MEASURED_TEXT)
    _achievement(ws, r, 7, s)
    _category(ws, r, 8, s.category, s.color)
    put_value(ws, r, 9, s.indicator.end_target)
    end = s.end_target_progress
    put_number(ws, r, 10, end.value if end is not None else None, DECIMAL_FORMAT)
    notes = []
    if s.achievement.capped and s.achievement.raw is not None:
        notes.append(f"Capaian mentah {format_percent(s.achievement.raw)}.")
    if s.explanation:
        notes.append(s.explanation)
    put_text(ws, r, 16, " ".join(notes) if notes else "-")


def _line_cells(ws: Worksheet, r: int, ls: LineScore, pk: dict[str, PkProgram]) -> None:
    program = ls.depth == 0
    put_text(ws, r, 11, ("    " * ls.depth) + f"{ls.line.code} {ls.line.name}", bold=program)
    source = pk[ls.line.code].source if ls.line.code in pk else None
    put_text(ws, r, 12, source or "-")
    put_number(ws, r, 13, ls.amounts.allocation, MONEY_FORMAT, bold=program)
    put_number(ws, r, 14, ls.amounts.realisation, MONEY_FORMAT, missing=NOT_MEASURED_TEXT, bold=program)
    put_number(ws, r, 15, ls.amounts.absorption, DECIMAL_FORMAT, bold=program)


def matrik_xlsx(sc: Scorecard, *, draft: bool = False) -> bytes:
    return _to_bytes(build_matrik(sc, draft=draft))
