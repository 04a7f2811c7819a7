"""The sheet reader streams the XML itself (C parser): the same cells as openpyxl, a DTD refused, no size pass."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.styles import NamedStyle

from sakip.importers.kinds import REALISASI
from sakip.importers.workbook import Limits, WorkbookRefused, open_workbook, read_sheet, sheet_rows

from .xlsx_support import replace_member, sheet_path, workbook

HEADER = [c.header for c in REALISASI.columns]


def varied() -> bytes:
    """Shared strings (plain and rich text), numbers, a boolean, dates and a time, a formula, an error, gaps."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Data"
    ws.append(["teks", 1, 2.5, True, dt.date(2020, 3, 31), "=A1&B1", "#N/A", None, "a & b <c>"])
    ws.append([])
    ws.append([None, -0.1, 1e-7, False, dt.datetime(2021, 1, 2, 3, 4, 5), dt.time(10, 30), "", " spasi "])
    ws["A5"] = CellRichText(["tebal ", TextBlock(InlineFont(b=True), "sebagian"), " akhir"])
    ws["C5"] = 12345678901234
    ws["B6"] = 7
    ws["B6"].style = NamedStyle(name="tanggal", number_format="DD/MM/YYYY")
    ws["A8"] = "baris jauh"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def reference(data: bytes, sheet: str, width: int) -> list[tuple[int, list[Any]]]:
    """What openpyxl's own read-only reader gives: (row number, (data type, value) of each non-empty cell)."""
    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    out = []
    for number, row in enumerate(wb[sheet].iter_rows(max_col=width), start=1):
        cells = [(c.data_type, c.value) if getattr(c, "value", None) is not None else None for c in row]
        cells += [None] * (width - len(cells))
        if any(cells):
            out.append((number, cells))
    return out


def ours(data: bytes, sheet: str, width: int) -> list[tuple[int, list[Any]]]:
    wb = open_workbook(data, Limits(), "uji.xlsx")
    try:
        return [(n, cells) for n, cells in sheet_rows(wb[sheet], 1, width) if any(cells)]
    finally:
        wb.close()


def test_the_same_cells_as_openpyxl() -> None:
    data = varied()
    got = ours(data, "Data", 10)
    assert got == reference(data, "Data", 10)
    first = dict(got)[1]
    assert first[0] == ("s", "teks") and first[5] == ("f", "=A1&B1") and first[8] == ("s", "a & b <c>")
    assert dict(got)[5][0] == ("s", "tebal sebagian akhir")  # rich text: its runs joined
    assert dict(got)[6][1][0] == "d"  # a number styled as a date is a date, as openpyxl reads it


def test_rows_and_cells_without_references_are_numbered_in_order() -> None:
    template = workbook({"Realisasi": [HEADER]})
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        + "<row>"
        + "".join(f'<c t="inlineStr"><is><t>{h}</t></is></c>' for h in HEADER)
        + "</row>"
        + '<row><c t="inlineStr"><is><t>S1.1</t></is></c><c/><c/><c/><c><v>79.95</v></c></row>'
        + '<row r="5"><c r="A5" t="inlineStr"><is><t>S1.2</t></is></c><c r="F5"><v>3</v></c></row>'
        + "</sheetData></worksheet>"
    ).encode()
    data = replace_member(template, sheet_path(template, "Realisasi"), xml)
    problems: list = []
    wb = open_workbook(data, Limits())
    records = read_sheet(wb, REALISASI, Limits(), problems)
    assert problems == []
    assert [(r.row, r.values["code"], r.values["tw1"], r.values["tw2"]) for r in records] == [
        (2, "S1.1", Decimal("79.95"), None),
        (5, "S1.2", None, Decimal(3)),
    ]
    assert wb["Realisasi"].max_row is None  # no <dimension>: the size stays unknown (no parse of the sheet for it)


@pytest.mark.parametrize(
    "doctype",
    [
        '<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>',
        '<!-- komentar --><!DOCTYPE worksheet SYSTEM "file:///etc/passwd">',
    ],
)
def test_a_sheet_declaring_a_dtd_is_refused_before_it_is_parsed(doctype: str) -> None:
    template = workbook({"Realisasi": [HEADER]})
    xml = (
        f'<?xml version="1.0" encoding="UTF-8"?>{doctype}'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        '<row r="2"><c r="A2" t="inlineStr"><is><t>&b;</t></is></c></row></sheetData></worksheet>'
    ).encode()
    data = replace_member(template, sheet_path(template, "Realisasi"), xml)
    with pytest.raises(WorkbookRefused) as exc:
        read_sheet(open_workbook(data, Limits()), REALISASI, Limits(), [])
    assert "DTD" in exc.value.problems[0].message


MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def with_shared_strings(strings_xml: bytes) -> bytes:
    """A Realisasi workbook whose text cells are shared strings (as Excel and LibreOffice save them)."""
    template = workbook({"Realisasi": [HEADER]})
    header = "".join(f'<c r="{chr(65 + i)}1" t="s"><v>{i}</v></c>' for i in range(len(HEADER)))
    n = len(HEADER)
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><dimension ref="A1:J3"/><sheetData>'
        f'<row r="1">{header}</row>'
        f'<row r="2"><c r="A2" t="s"><v>{n}</v></c><c r="E2"><v>79.95</v></c><c r="J2" t="s"><v>{n + 1}</v></c></row>'
        f'<row r="3"><c r="A3" t="s"><v>{n + 2}</v></c><c r="F3" t="s"><v>{n + 3}</v></c></row>'
        "</sheetData></worksheet>"
    ).encode()
    data = replace_member(template, sheet_path(template, "Realisasi"), sheet)
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "[Content_Types].xml":
                body = body.replace(
                    b"</Types>",
                    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
                )
            dst.writestr(info.filename, body)
        dst.writestr("xl/sharedStrings.xml", strings_xml)
    return out.getvalue()


def strings_part(prolog: str = "") -> bytes:
    items = "".join(f"<si><t>{h}</t></si>" for h in HEADER)
    items += "<si><t>S1.1</t></si>"
    items += '<si><r><t>Sebab </t></r><r><rPr><b/></rPr><t xml:space="preserve">&amp; solusi</t></r></si>'
    items += "<si><t>S1.2</t></si><si><t>85,5</t></si>"
    return f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<sst xmlns="{MAIN}">{items}</sst>'.encode()


def test_shared_strings_are_read_as_openpyxl_reads_them() -> None:
    data = with_shared_strings(strings_part())
    assert ours(data, "Realisasi", 10) == reference(data, "Realisasi", 10)
    problems: list = []
    records = read_sheet(open_workbook(data, Limits()), REALISASI, Limits(), problems)
    assert problems == []
    assert [(r.values["code"], r.values["tw1"], r.values["tw2"], r.values["explanation"]) for r in records] == [
        ("S1.1", Decimal("79.95"), None, "Sebab & solusi"),
        ("S1.2", None, "85,5", None),
    ]


def test_shared_strings_declaring_a_dtd_refuse_the_file() -> None:
    data = with_shared_strings(strings_part('<!DOCTYPE sst [<!ENTITY a "x">]>'))
    with pytest.raises(WorkbookRefused) as exc:
        open_workbook(data, Limits())
    assert "DTD" in exc.value.problems[0].message


def test_damaged_sheet_xml_is_a_clear_refusal() -> None:
    template = workbook({"Realisasi": [HEADER]})
    xml = b'<?xml version="1.0"?><worksheet xmlns="x"><sheetData><row r="1"><c><v>1</v></row></sheetData>'
    data = replace_member(template, sheet_path(template, "Realisasi"), xml)
    with pytest.raises(WorkbookRefused) as exc:
        read_sheet(open_workbook(data, Limits()), REALISASI, Limits(), [])
    assert "rusak" in exc.value.problems[0].message
