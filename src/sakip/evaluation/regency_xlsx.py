"""The regency's LKE summary as an .xlsx workbook (issue #15), from the same `regency_lke.Summary` as the page.

Sheets: «Nilai per subkomponen» (each office: per sub-component the grade letter, the value and
the change from last year; the total, the predicate), «Subkomponen terlemah», «Rekomendasi»
(every recommendation of the year's evaluations with its follow-up and the evaluator's
confirmation). Numbers are number cells (rounded half up as the page shows them, with a
number format), dates are date cells, text goes through `reports.cells.put_value` (never a
formula); Indonesian headers in a frozen first row; column widths set.

Written by the view's ``?unduh=xlsx`` and by ``sakip lke regency-summary``.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from sakip.domain.lke_regency import GRADE_COLORS
from sakip.domain.numbers import round_half_up
from sakip.reports import charts
from sakip.reports.cells import put_value

from .regency_lke import Summary

NUMBER_2 = "#,##0.00"
NUMBER_1 = "#,##0.0"
DATE = "DD/MM/YYYY"
HEAD_FILL = PatternFill("solid", fgColor="D9E2F3")


def _round(value: Any, places: int = 2) -> Any:
    return None if value is None else round_half_up(value, places)


def _sheet(ws: Worksheet, headers: Sequence[str], widths: Sequence[float]) -> None:
    for j, label in enumerate(headers, start=1):
        cell = put_value(ws.cell(row=1, column=j), label)
        cell.font = Font(bold=True)
        cell.fill = HEAD_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for j, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = width


def _put(ws: Worksheet, row: int, column: int, value: Any, number_format: str = "") -> None:
    cell = put_value(ws.cell(row=row, column=column), value)
    if number_format and value is not None:
        cell.number_format = number_format


def grades_sheet(ws: Worksheet, s: Summary) -> None:
    ws.title = _("Nilai per subkomponen")[:31]
    headers = [_("Kode"), _("Perangkat daerah"), _("Status evaluasi")]
    widths: list[float] = [10, 40, 22]
    for c in s.columns:
        headers += [
            _("%(code)s nilai") % {"code": c.code},
            _("%(code)s angka (bobot %(w)s)") % {"code": c.code, "w": c.weight.normalize()},
            _("%(code)s dibanding tahun lalu") % {"code": c.code},
        ]
        widths += [8, 12, 10]
    headers += [_("Nilai akhir"), _("Predikat"), _("Nilai akhir dibanding tahun lalu")]
    widths += [12, 10, 12]
    _sheet(ws, headers, widths)
    for i, r in enumerate(s.rows, start=2):
        status = r.evaluation.get_status_display() if r.evaluation else _("belum dimulai")
        _put(ws, i, 1, r.office.code)
        _put(ws, i, 2, r.office.name)
        _put(ws, i, 3, str(status))
        j = 4
        for c in s.columns:
            sub = r.result.sub(c.code) if r.result else None
            change = r.change(c.code)
            grade = (sub.grade or "") if sub else ""
            _put(ws, i, j, grade or None)
            if grade:
                color = charts.COLORS[GRADE_COLORS.get(grade, "grey")].lstrip("#").upper()
                ws.cell(row=i, column=j).fill = PatternFill("solid", fgColor=color)
            _put(ws, i, j + 1, _round(sub.value) if sub else None, NUMBER_2)
            _put(ws, i, j + 2, change.value if change else None)
            j += 3
        _put(ws, i, j, _round(r.result.total) if r.result else None, NUMBER_2)
        _put(ws, i, j + 1, (r.result.predicate or None) if r.result else None)
        _put(ws, i, j + 2, r.total_change.value if r.total_change else None)
    ws.freeze_panes = "D2"


def weakest_sheet(ws: Worksheet, s: Summary) -> None:
    ws.title = _("Subkomponen terlemah")[:31]
    _sheet(
        ws,
        [
            _("Kode"),
            _("Subkomponen"),
            _("Bobot"),
            _("Perangkat daerah dinilai"),
            _("Di bawah B"),
            _("Bagian di bawah B (%)"),
            _("Rata-rata nilai (% bobot)"),
        ],
        [8, 70, 9, 14, 11, 14, 14],
    )
    for i, w in enumerate(s.weakest, start=2):
        _put(ws, i, 1, w.code)
        _put(ws, i, 2, w.name)
        _put(ws, i, 3, _round(w.weight), NUMBER_2)
        _put(ws, i, 4, w.offices, "0")
        _put(ws, i, 5, w.below, "0")
        _put(ws, i, 6, _round(w.share_below, 1), NUMBER_1)
        _put(ws, i, 7, _round(w.mean_percent, 1), NUMBER_1)
    ws.freeze_panes = "A2"


def recommendations_sheet(ws: Worksheet, s: Summary) -> None:
    ws.title = _("Rekomendasi")[:31]
    _sheet(
        ws,
        [
            _("Kode"),
            _("Perangkat daerah"),
            pgettext("nomor urut", "No"),
            _("Rekomendasi"),
            _("Tahun rekomendasi"),
            _("Subkomponen"),
            _("Status tindak lanjut"),
            _("Uraian tindak lanjut"),
            _("Tanggal tindak lanjut"),
            _("Dicatat oleh"),
            _("Dikonfirmasi oleh"),
            _("Tanggal konfirmasi"),
            _("Catatan evaluator"),
        ],
        [10, 36, 5, 60, 11, 12, 26, 50, 13, 22, 22, 13, 40],
    )
    i = 2
    for r in s.rows:
        for n, item in enumerate(r.items, start=1):
            rec = item.rec
            _put(ws, i, 1, r.office.code)
            _put(ws, i, 2, r.office.name)
            _put(ws, i, 3, n, "0")
            _put(ws, i, 4, rec.text)
            _put(ws, i, 5, item.origin_year, "0")
            _put(ws, i, 6, item.subcomponent_code or rec.component_code or None)
            _put(ws, i, 7, item.status_text)
            _put(ws, i, 8, rec.follow_up_note or None)
            _put(ws, i, 9, rec.follow_up_date, DATE)
            _put(ws, i, 10, item.who or None)
            _put(ws, i, 11, item.confirmed_by or None)
            confirmed = timezone.localtime(rec.confirmed_at).date() if rec.confirmed_at else None
            _put(ws, i, 12, confirmed, DATE)
            _put(ws, i, 13, rec.confirmation_note or None)
            i += 1
    ws.freeze_panes = "C2"


def workbook(s: Summary) -> Workbook:
    wb = Workbook()
    first = wb.active
    assert first is not None
    grades_sheet(first, s)
    weakest_sheet(wb.create_sheet(), s)
    recommendations_sheet(wb.create_sheet(), s)
    return wb


def workbook_bytes(s: Summary, regency_name: str = "") -> bytes:
    wb = workbook(s)
    wb.properties.title = _("Ringkasan LKE %(year)s %(regency)s") % {"year": s.year, "regency": regency_name}
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def filename(s: Summary) -> str:
    return f"ringkasan-lke-{s.year}.xlsx"
