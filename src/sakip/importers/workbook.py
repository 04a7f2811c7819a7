"""Reading an uploaded .xlsx safely: limits first, then openpyxl read-only, cell by cell.

Order of the checks (each refuses the whole file with a clear Indonesian message):

1. the file size (``Limits.max_bytes``);
2. the zip container, *before* openpyxl opens it: every member's declared
   uncompressed size, their sum (``max_uncompressed``) and each member's
   compression ratio (``max_ratio``) — a zip bomb is refused without inflating it
   (``zipfile`` never returns more than a member's declared size);
3. the sheets: the expected sheet must exist; its ``<dimension>`` must not claim
   more rows than ``max_rows`` (a 100,000-row file is refused before its rows are
   read); merged cells touching the data area are refused (read from the sheet
   XML, streamed);
4. the header row: the expected column titles, in order;
5. each cell: formulas are refused (the workbook is opened with
   ``data_only=False``, so a formula shows as ``=…``); booleans, dates and errors
   are refused in number columns; numbers read as numbers become ``Decimal``
   exactly through their shortest ``repr`` (``79.95`` stored as a binary float is
   ``Decimal("79.95")``, never ``Decimal(79.95)``); number *text* is kept as text
   for the caller to parse with the Indonesian rule of the pages.

Empty rows are skipped wherever they are (a trailing block of empty rows is what
spreadsheet programs write); they are not errors. Rows are counted while reading,
so a file whose ``<dimension>`` lies is still stopped at the cap.

Nothing here imports Django.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.workbook.workbook import Workbook

XLSX_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 10 * 1024 * 1024
    max_rows: int = 20_000
    max_uncompressed: int = 200 * 1024 * 1024
    max_ratio: int = 200  # uncompressed / compressed, for members above 1 MB uncompressed
    max_text: int = 5000  # characters in one cell


@dataclass(frozen=True)
class Problem:
    """One error: where (sheet, row, column — any may be missing) and why, in Indonesian."""

    message: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None

    def where(self) -> str:
        parts = []
        if self.sheet:
            parts.append(f"lembar «{self.sheet}»")
        if self.row:
            parts.append(f"baris {self.row}")
        if self.column:
            parts.append(f"kolom {self.column}")
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.where()
        return f"{where}: {self.message}" if where else self.message

    def as_dict(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "message": self.message}


class WorkbookRefused(Exception):
    """The file as a whole cannot be read (size, container, missing sheet …)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str = "text"  # text | number | code | int
    required: bool = False
    width: int = 14
    help: str = ""
    choices: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in ("text", "number", "code", "int"):
            raise ValueError(self.kind)


@dataclass(frozen=True)
class SheetSpec:
    name: str
    columns: tuple[Column, ...]
    title: str = ""

    def letter(self, key: str) -> str:
        for i, c in enumerate(self.columns, start=1):
            if c.key == key:
                return get_column_letter(i)
        raise KeyError(key)


#: a number cell: a Decimal when the cell held a number, the text when it held text
Value = Decimal | str | None


@dataclass
class Record:
    """One data row: its number in the sheet and its values by column key."""

    sheet: str
    row: int
    values: dict[str, Value] = field(default_factory=dict)
    letters: dict[str, str] = field(default_factory=dict)

    def text(self, key: str) -> str:
        v = self.values.get(key)
        if v is None:
            return ""
        return v if isinstance(v, str) else _decimal_text(v)


def _decimal_text(d: Decimal) -> str:
    text = format(d, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


# ----------------------------------------------------------------------------- the container


def check_container(data: bytes, limits: Limits, name: str = "") -> None:
    """Refuse a file that is too big, not an xlsx, or a zip bomb — without inflating anything."""
    label = f"«{name}» " if name else ""
    if len(data) > limits.max_bytes:
        raise WorkbookRefused(
            [Problem(f"Berkas {label}terlalu besar ({_mb(len(data))} MB); maksimum {_mb(limits.max_bytes)} MB.")]
        )
    if len(data) == 0:
        raise WorkbookRefused([Problem(f"Berkas {label}kosong.")])
    if not data.startswith(XLSX_MAGIC):
        raise WorkbookRefused(
            [Problem(f"Berkas {label}bukan buku kerja Excel .xlsx (simpan ulang sebagai «Excel Workbook (.xlsx)»).")]
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise WorkbookRefused([Problem(f"Berkas {label}rusak: bukan arsip .xlsx yang sah.")]) from None
    total = 0
    for info in infos:
        total += info.file_size
        big = info.file_size > 1024 * 1024
        ratio = info.file_size / max(info.compress_size, 1)
        if big and ratio > limits.max_ratio:
            raise WorkbookRefused(
                [
                    Problem(
                        f"Berkas {label}ditolak: bagian «{info.filename}» termampatkan secara tidak wajar "
                        f"(rasio {int(ratio)}:1, maksimum {limits.max_ratio}:1). "
                        "Berkas ini mungkin berbahaya (zip bomb)."
                    )
                ]
            )
    if total > limits.max_uncompressed:
        raise WorkbookRefused(
            [
                Problem(
                    f"Berkas {label}ditolak: isinya setelah dibuka {_mb(total)} MB, "
                    f"maksimum {_mb(limits.max_uncompressed)} MB."
                )
            ]
        )
    names = {i.filename for i in infos}
    if "xl/workbook.xml" not in names:
        raise WorkbookRefused([Problem(f"Berkas {label}bukan buku kerja Excel .xlsx (tidak ada xl/workbook.xml).")])


def _count(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f}".replace(".", ",")


def open_workbook(data: bytes, limits: Limits, name: str = "") -> Workbook:
    """The workbook in read-only mode (formulas kept as text) after `check_container`."""
    check_container(data, limits, name)
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise WorkbookRefused(
            [
                Problem(
                    f"Berkas «{name or 'unggahan'}» tidak dapat dibaca sebagai buku kerja Excel ({type(exc).__name__})."
                )
            ]
        ) from None


# ----------------------------------------------------------------------------- sheets

_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\s+ref=\"([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)\"")


def merged_ranges(ws: Any) -> list[str]:
    """The merged ranges of a read-only sheet, read from its XML in chunks."""
    path = getattr(ws, "_worksheet_path", None)
    archive = getattr(ws.parent, "_archive", None)
    if path is None or archive is None:
        merged = getattr(ws, "merged_cells", None)
        return [str(r) for r in merged.ranges] if merged is not None else []
    found: list[str] = []
    tail = b""
    with archive.open(path) as src:
        while True:
            chunk = src.read(1 << 20)
            if not chunk:
                break
            buf = tail + chunk
            if b"mergeCell" in buf:
                found.extend(m.group(1).decode() for m in _MERGE.finditer(buf))
                # keep a tail for a tag split between chunks; skip the matches already taken
                last = max((m.end() for m in _MERGE.finditer(buf)), default=0)
                tail = buf[max(last, len(buf) - 200) :]
            else:
                tail = buf[-200:]
    return sorted(set(found))


_ROW = re.compile(rb"<(?:\w+:)?row[\s>].*?</(?:\w+:)?row>|<(?:\w+:)?row\s[^>]*/>", re.DOTALL)
_VALUE = re.compile(rb"<(?:\w+:)?(?:v|is|f)[\s>]")


def value_rows(ws: Any) -> int | None:
    """How many rows of a read-only sheet hold a value (streamed over its XML); None if unknown."""
    path = getattr(ws, "_worksheet_path", None)
    archive = getattr(ws.parent, "_archive", None)
    if path is None or archive is None:
        return None
    count = 0
    tail = b""
    with archive.open(path) as src:
        while True:
            chunk = src.read(1 << 20)
            if not chunk:
                break
            buf = tail + chunk
            end = 0
            for m in _ROW.finditer(buf):
                if _VALUE.search(m.group()):
                    count += 1
                end = m.end()
            tail = buf[end:]
    return count


def _header_text(v: Any) -> str:
    return " ".join(str(v).split()).casefold() if v is not None else ""


def read_sheet(
    wb: Workbook, spec: SheetSpec, limits: Limits, problems: list[Problem], *, required: bool = True
) -> list[Record]:
    """The data rows of one sheet (header in row 1), checked cell by cell; problems appended."""
    if spec.name not in wb.sheetnames:
        if required:
            others = ", ".join(f"«{n}»" for n in wb.sheetnames)
            problems.append(
                Problem(
                    f"Lembar «{spec.name}» tidak ada (lembar dalam berkas: {others}). "
                    "Gunakan templat yang diunduh dari Sakip.",
                    sheet=spec.name,
                )
            )
        return []
    ws = wb[spec.name]
    return read_rows(ws, spec, limits, problems, header_row=1)


def read_rows(
    ws: Any,
    spec: SheetSpec,
    limits: Limits,
    problems: list[Problem],
    *,
    header_row: int,
    column_map: dict[str, int] | None = None,
) -> list[Record]:
    """Rows after ``header_row`` of ``ws``; ``column_map`` (key → 1-based column) or the spec's order."""
    sheet = spec.name if column_map is None else ws.title
    ncols = len(spec.columns)
    declared = ws.max_row if isinstance(ws.max_row, int) else None
    if declared is not None and declared - header_row > limits.max_rows:
        # the <dimension> may cover formatted empty rows: count the rows holding values, from the raw XML
        filled = value_rows(ws)
        if filled is None or filled - header_row > limits.max_rows:
            n = (filled if filled is not None else declared) - header_row
            raise WorkbookRefused(
                [
                    Problem(
                        f"Terlalu banyak baris ({_count(n)}); maksimum {_count(limits.max_rows)} baris data per impor.",
                        sheet=sheet,
                    )
                ]
            )
    positions = column_map or {c.key: i for i, c in enumerate(spec.columns, start=1)}
    width = max(positions.values())
    for rng in merged_ranges(ws):
        min_col, min_row, _max_col, max_row = range_boundaries(rng if ":" in rng else f"{rng}:{rng}")
        if max_row is not None and max_row >= header_row and min_col is not None and min_col <= width:
            problems.append(
                Problem(
                    f"Sel digabung ({rng}) tidak diizinkan di area data; pisahkan sel terlebih dahulu.",
                    sheet=sheet,
                    row=min_row,
                    column=get_column_letter(min_col),
                )
            )
    if column_map is None:
        header = next(ws.iter_rows(min_row=header_row, max_row=header_row, max_col=ncols, values_only=True), ())
        expected = [c.header for c in spec.columns]
        got = [_header_text(v) for v in header] + [""] * (ncols - len(header))
        for i, (want, have) in enumerate(zip(expected, got, strict=False), start=1):
            if _header_text(want) != have:
                problems.append(
                    Problem(
                        f"Judul kolom harus «{want}», tertulis «{header[i - 1] if i <= len(header) else ''}». "
                        "Jangan mengubah, menyisipkan atau menghapus kolom templat.",
                        sheet=sheet,
                        row=header_row,
                        column=get_column_letter(i),
                    )
                )
        if problems:
            return []
    records: list[Record] = []
    counted = 0
    for cells in ws.iter_rows(min_row=header_row + 1, max_col=width):
        counted += 1
        if counted > limits.max_rows:
            raise WorkbookRefused(
                [
                    Problem(
                        f"Terlalu banyak baris; maksimum {_count(limits.max_rows)} baris data per impor.",
                        sheet=sheet,
                    )
                ]
            )
        if not cells:
            continue
        row_number = header_row + counted
        rec = _record(cells, spec, positions, sheet, row_number, limits, problems)
        if rec is not None:
            records.append(rec)
    return records


def _record(
    cells: tuple[Any, ...],
    spec: SheetSpec,
    positions: dict[str, int],
    sheet: str,
    row_number: int,
    limits: Limits,
    problems: list[Problem],
) -> Record | None:
    rec = Record(sheet, row_number)
    empty = True
    for col in spec.columns:
        pos = positions.get(col.key)
        if pos is None or pos > len(cells):
            rec.values[col.key] = None
            continue
        rec.letters[col.key] = get_column_letter(pos)
        cell = cells[pos - 1]
        raw = getattr(cell, "value", None)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            rec.values[col.key] = None
            continue
        empty = False
        letter = get_column_letter(pos)
        value = _cell_value(cell, raw, col, limits)
        if isinstance(value, Problem):
            problems.append(Problem(value.message, sheet=sheet, row=row_number, column=letter))
            rec.values[col.key] = None
        else:
            rec.values[col.key] = value
    if empty:
        return None
    for col in spec.columns:
        if (
            col.required
            and rec.values.get(col.key) is None
            and not _has_problem(problems, sheet, row_number, col, positions)
        ):
            problems.append(
                Problem(
                    f"«{col.header}» wajib diisi.",
                    sheet=sheet,
                    row=row_number,
                    column=get_column_letter(positions[col.key]) if col.key in positions else None,
                )
            )
    return rec


def _has_problem(problems: list[Problem], sheet: str, row: int, col: Column, positions: dict[str, int]) -> bool:
    letter = get_column_letter(positions[col.key]) if col.key in positions else None
    return any(p.sheet == sheet and p.row == row and p.column == letter for p in problems[-5:])


def _cell_value(cell: Any, raw: Any, col: Column, limits: Limits) -> Value | Problem:
    if getattr(cell, "data_type", None) == "f":
        return Problem(f"Sel berisi rumus ({str(raw)[:60]}); tempel sebagai nilai (Paste Special → Values).")
    if getattr(cell, "data_type", None) == "e":
        return Problem(f"Sel berisi galat Excel ({raw}).")
    if isinstance(raw, bool):
        return Problem(f"«{col.header}» berisi nilai benar/salah, bukan {_kind_text(col)}.")
    if isinstance(raw, (dt.datetime, dt.date, dt.time, dt.timedelta)):
        return Problem(f"«{col.header}» berisi tanggal/waktu, bukan {_kind_text(col)}.")
    if isinstance(raw, (int, float)):
        d = exact_decimal(raw)
        if d is None:
            return Problem(f"«{col.header}» berisi angka yang tidak sah ({raw}).")
        if col.kind in ("number", "int"):
            if col.kind == "int" and d != d.to_integral_value():
                return Problem(f"«{col.header}» harus bilangan bulat, tertulis {raw}.")
            return d
        if col.kind == "code":
            return _decimal_text(d)  # a code typed as a number: 1 → "1"
        return d  # a number in a text column (a target): the caller decides
    text = str(raw)
    if len(text) > limits.max_text:
        return Problem(f"Teks terlalu panjang ({len(text)} karakter); maksimum {limits.max_text}.")
    text = text.strip()
    if col.kind == "int":
        if not re.fullmatch(r"[0-9]+", text):
            return Problem(f"«{col.header}» harus bilangan bulat, tertulis «{text}».")
        return Decimal(text)
    if col.choices and text.casefold() not in {c.casefold() for c in col.choices}:
        return Problem(f"«{text}» tidak dikenal untuk «{col.header}» (pilihan: {', '.join(col.choices)}).")
    return text


def _kind_text(col: Column) -> str:
    return {"number": "angka", "int": "bilangan bulat", "code": "kode", "text": "teks"}[col.kind]


def exact_decimal(raw: int | float) -> Decimal | None:
    """A number cell as an exact Decimal: ints as they are, floats through their shortest repr."""
    if isinstance(raw, int):
        return Decimal(raw)
    try:
        d = Decimal(repr(raw))
    except InvalidOperation:
        return None
    return d if d.is_finite() else None


def iter_sheets(wb: Workbook) -> Iterator[Any]:
    yield from wb.worksheets
