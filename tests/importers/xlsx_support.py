"""Real workbooks for the import tests, written with openpyxl (and raw zip parts where a test needs a malformed one)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping, Sequence
from typing import Any

from openpyxl import Workbook, load_workbook


def workbook(sheets: Mapping[str, Sequence[Sequence[Any]]], *, merge: Mapping[str, str] | None = None) -> bytes:
    """A workbook with the given sheets (rows of values; a value starting with "=" is written as a formula)."""
    wb = Workbook()
    first = True
    for name, rows in sheets.items():
        if first:
            ws = wb.active
            assert ws is not None
            ws.title = name
            first = False
        else:
            ws = wb.create_sheet(name)
        for row in rows:
            ws.append(list(row))
        if merge and name in merge:
            ws.merge_cells(merge[name])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def edit(data: bytes, sheet: str, cells: Mapping[str, Any]) -> bytes:
    """``data`` with some cells of ``sheet`` set (a template filled in by a user)."""
    wb = load_workbook(io.BytesIO(data))
    ws = wb[sheet]
    for ref, value in cells.items():
        ws[ref] = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def find_row(data: bytes, sheet: str, code: str) -> int:
    wb = load_workbook(io.BytesIO(data), read_only=True)
    for i, row in enumerate(wb[sheet].iter_rows(values_only=True), start=1):
        if row and str(row[0]) == code:
            return i
    raise KeyError(code)


def sheet_path(data: bytes, sheet: str) -> str:
    """The zip member holding ``sheet`` (openpyxl numbers sheets in workbook order)."""
    wb = load_workbook(io.BytesIO(data), read_only=True)
    return f"xl/worksheets/sheet{wb.sheetnames.index(sheet) + 1}.xml"


def replace_member(data: bytes, name: str, content: bytes, *, level: int = 6) -> bytes:
    """The same zip with one member's content replaced (compressed with deflate ``level``)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as dst:
        for info in src.infolist():
            body = content if info.filename == name else src.read(info.filename)
            dst.writestr(info.filename, body)
    return out.getvalue()


def big_sheet_xml(header: Sequence[str], rows: int, *, dimension: bool = True) -> bytes:
    """Sheet XML with inline strings: the header and ``rows`` data rows (``X<n>``, 1)."""
    head = "".join(f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{h}</t></is></c>' for i, h in enumerate(header))
    body = "".join(
        f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>X{n}</t></is></c><c r="E{n}"><v>1</v></c></row>'
        for n in range(2, rows + 2)
    )
    dim = f'<dimension ref="A1:J{rows + 1}"/>' if dimension else ""
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'{dim}<sheetData><row r="1">{head}</row>{body}</sheetData></worksheet>'
    ).encode()
