"""The questionnaire template of an instrument: the sheet the upload reads back (`dataset.survey_file`).

The first sheet is the answer sheet: row 1 is the header the upload expects (``No`` and the instrument's
element names, in order), each following row one respondent; answer cells accept only the whole numbers
1–4 (an Excel data validation) or stay empty (an incomplete questionnaire). The second sheet explains the
answer scale and the grade table. The CSV is the answer sheet's header alone.

No Django here: the web page and the CLI pass their own ``translate`` (gettext, or none for the CLI's
Indonesian).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from typing import Any

from sakip.domain.errors import N_
from sakip.domain.survey import ANSWERS, Instrument
from sakip.reports.cells import CsvWriter, put_value

#: answer rows validated in the .xlsx template (left empty: an empty row is no respondent); more may follow
PREPARED_ROWS = 500

#: the four answers, as the SKM questionnaires of PermenPAN-RB 14/2017 and KepmenPAN 25/2004 word them
SCALE: tuple[tuple[int, str], ...] = (
    (1, N_("tidak baik / tidak sesuai")),
    (2, N_("kurang baik / kurang sesuai")),
    (3, N_("baik / sesuai")),
    (4, N_("sangat baik / sangat sesuai")),
)
assert tuple(n for n, _text in SCALE) == ANSWERS


def header(instrument: Instrument) -> list[str]:
    """The header row the upload reads: ``No`` (ignored on reading) and the element names."""
    return ["No", *instrument.elements]


def file_name(instrument: Instrument, suffix: str) -> str:
    return f"kuesioner-skm-{instrument.code}.{suffix}"


def template_csv(instrument: Instrument) -> bytes:
    """The header row as UTF-8 CSV (with a byte-order mark, so spreadsheet programs read the accents)."""
    out = io.StringIO()
    CsvWriter(out).writerow(header(instrument))  # element names are text: none read as a formula
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _append(ws: Any, values: Sequence[object]) -> None:
    """A row after the last, every cell through `reports.cells.put_value` (no text read as a formula)."""
    r = ws.max_row + 1 if ws.max_row > 1 or ws.cell(1, 1).value is not None else 1
    for j, value in enumerate(values, start=1):
        put_value(ws.cell(row=r, column=j), value)


def template_xlsx(instrument: Instrument, translate: Callable[[str], str] = lambda s: s) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    t = translate
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = t(N_("Jawaban"))
    _append(ws, header(instrument))
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    for cell in ws[1]:
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "B2"
    ws.column_dimensions["A"].width = 6
    last_col = get_column_letter(len(instrument.elements) + 1)
    for j in range(2, len(instrument.elements) + 2):
        ws.column_dimensions[get_column_letter(j)].width = 16
    ws.row_dimensions[1].height = 60
    dv = DataValidation(
        type="whole", operator="between", formula1="1", formula2="4", allow_blank=True, showErrorMessage=True,
        errorTitle=t(N_("Jawaban tidak sah")), error=t(N_("Isi jawaban 1, 2, 3 atau 4; kosongkan bila tidak dijawab.")),
        promptTitle=t(N_("Jawaban 1–4")), prompt=t(N_("1 tidak baik, 2 kurang baik, 3 baik, 4 sangat baik")),
        showInputMessage=True,
    )
    dv.add(f"B2:{last_col}{PREPARED_ROWS + 1}")
    ws.add_data_validation(dv)

    guide = wb.create_sheet(t(N_("Petunjuk")))
    guide.column_dimensions["A"].width = 14
    guide.column_dimensions["B"].width = 70
    rows: list[tuple[object, object]] = [
        (t(N_("Instrumen")), instrument.name),
        (t(N_("Tabel mutu")), instrument.grade_table.scale.name),
        ("", ""),
        (t(N_("Cara mengisi")), t(N_("Satu baris per responden di lembar pertama; satu kolom per unsur. Jangan "
                                    "mengubah baris judul. Sel kosong berarti kuesioner tidak lengkap: kuesioner "
                                    "itu dikeluarkan dari perhitungan dan dihitung jumlahnya."))),
        ("", ""),
        (t(N_("Jawaban")), t(N_("Arti"))),
        *((n, t(text)) for n, text in SCALE),
        ("", ""),
        (t(N_("Kode")), t(N_("Unsur pelayanan"))),
        *((f"U{k}", name) for k, name in enumerate(instrument.elements, start=1)),
    ]
    for row in rows:
        _append(guide, list(row))
    for r in (1, 2, 4, 6, 7 + len(SCALE) + 1):
        guide.cell(row=r, column=1).font = bold
    for cell in guide["B"]:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
