"""Reading an uploaded .xlsx safely: limits first, then openpyxl read-only, the sheets streamed cell by cell.

openpyxl opens the workbook (its parts list, sheet names, styles); the sheets'
rows and the shared strings are streamed from their XML with the C parser of
``xml.etree`` (`_elements`: openpyxl's own pure-Python parsing, through defusedxml,
cost most of a 10,000-row import) after refusing any DTD, so no entity is ever
declared or expanded; the cells read are the ones openpyxl's ``iter_rows`` gives.

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
   ``Decimal("79.95")``, never ``Decimal(79.95)``) and are checked by
   `sakip.domain.numbers.check_number` (finite, 15 digits, 6 decimals); number *text*
   is kept as text for the caller to parse with the Indonesian rule of the pages.

Empty rows are skipped wherever they are (a trailing block of empty rows is what
spreadsheet programs write); they are not errors. Rows are counted while reading,
so a file whose ``<dimension>`` lies is still stopped at the cap.

Nothing here imports Django.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO, Any
from xml.etree.ElementTree import ParseError, XMLPullParser

from openpyxl.reader.excel import ExcelReader
from openpyxl.utils import column_index_from_string, get_column_letter, range_boundaries
from openpyxl.utils.datetime import from_excel, from_ISO8601
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.xml.constants import SHARED_STRINGS

from sakip.domain.errors import NumberParseError
from sakip.domain.numbers import check_number

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
    """The workbook in read-only mode (formulas kept as text) after `check_container`.

    openpyxl's own loading, except for two parts it reads with the pure-Python XML
    parser (the price of defusedxml): the shared strings, and each sheet's size —
    openpyxl parses a sheet without a ``<dimension>`` to its end just to size it.
    Here the strings are streamed with the C parser (any DTD refused first, see
    `_elements`) and a sheet's size is its ``<dimension>`` or unknown (the rows are
    counted while they are read).
    """
    check_container(data, limits, name)
    try:
        reader = _Reader(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
        reader.read()
        return reader.wb
    except WorkbookRefused:
        raise
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise WorkbookRefused(
            [
                Problem(
                    f"Berkas «{name or 'unggahan'}» tidak dapat dibaca sebagai buku kerja Excel ({type(exc).__name__})."
                )
            ]
        ) from None


# ----------------------------------------------------------------------------- streamed XML (C parser)

_DAMAGED = "Berkas rusak: isi lembar kerja bukan XML yang sah"


def _check_prolog(head: bytes) -> None:
    """Refuse a part with a DTD (entity declarations: the XML bombs); it can only come before the root element."""
    text = head.decode("utf-16" if head[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-8", "replace")
    root = re.search(r"<[^?!]", text)
    prolog = re.sub(r"<!--.*?-->", "", text[: root.start()] if root else text, flags=re.DOTALL)
    if "<!" in prolog or (root is None and len(head) >= _CHUNK):
        raise WorkbookRefused(
            [Problem("Berkas ditolak: XML di dalamnya memuat deklarasi DTD/entitas (tidak diizinkan).")]
        )


_CHUNK = 1 << 16


def _elements(src: IO[bytes], local: str) -> Iterator[Any]:
    """The elements named ``local`` (any namespace) of an XML part, each when its end tag is read.

    ``xml.etree``'s C parser (expat, with its own amplification limits); a part
    declaring a DTD is refused before it is parsed, so no entity is ever expanded.
    The caller clears each element once used.
    """
    parser: Any = XMLPullParser(events=("end",))
    suffix = "}" + local
    first = True
    try:
        while True:
            chunk = src.read(_CHUNK)
            if first:
                _check_prolog(chunk)
                first = False
            if not chunk:
                parser.close()
            else:
                parser.feed(chunk)
            for _event, el in parser.read_events():
                tag = el.tag
                if tag == local or tag.endswith(suffix):
                    yield el
            if not chunk:
                break
    except ParseError:
        raise WorkbookRefused([Problem(f"{_DAMAGED}.")]) from None


def _rich_text(el: Any) -> str:
    """The text of a string item (``<si>``, ``<is>``): its plain ``<t>`` and its runs' ``<t>`` (not phonetic runs)."""
    parts: list[str] = []
    for child in el:
        tag = child.tag
        name = tag[tag.rfind("}") + 1 :]
        if name == "t":
            parts.append(child.text or "")
        elif name == "r":
            parts.extend(sub.text or "" for sub in child if sub.tag == "t" or sub.tag.endswith("}t"))
    return "".join(parts)


def _string_table(src: IO[bytes]) -> list[str]:
    """The shared strings as openpyxl's `read_string_table` gives them (its ``x005F_`` unescaping kept)."""
    strings: list[str] = []
    for si in _elements(src, "si"):
        strings.append(_rich_text(si).replace("x005F_", ""))
        si.clear()
    return strings


_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s[^>]*?ref=([\"'])([^\"']*)\1")
_SHEET_DATA = re.compile(rb"<(?:\w+:)?sheetData[\s/>]")


def _dimension(ws: Any) -> tuple[int, int, int, int] | None:
    """The sheet's ``<dimension>`` (it comes before ``<sheetData>``), read from the head of its XML."""
    head = b""
    with ws.parent._archive.open(ws._worksheet_path) as src:
        while len(head) < 1 << 20:
            chunk = src.read(1 << 14)
            if not chunk:
                return None
            head += chunk
            m = _DIMENSION.search(head)
            if m is not None:
                try:
                    bounds = range_boundaries(m.group(2).decode("ascii", "replace"))
                except (ValueError, TypeError):
                    return None
                if any(b is None for b in bounds):
                    return None
                return bounds  # type: ignore[return-value]
            if _SHEET_DATA.search(head):
                return None
    return None


class _Sheet(ReadOnlyWorksheet):
    """openpyxl's read-only sheet, sized by its ``<dimension>`` alone (unknown without one)."""

    def _get_size(self) -> None:
        bounds = _dimension(self)
        if bounds is not None:
            self._min_column, self._min_row, self._max_column, self._max_row = bounds


class _Reader(ExcelReader):
    """openpyxl's workbook reader in read-only mode, with the strings and sheets above."""

    def read_strings(self) -> None:
        reader: Any = self  # openpyxl's own attributes, loosely typed by its stubs
        ct = reader.package.find(SHARED_STRINGS)
        if ct is not None:
            with reader.archive.open(ct.PartName[1:]) as src:
                reader.shared_strings = _string_table(src)

    def read_worksheets(self) -> None:
        reader: Any = self
        for sheet, rel in reader.parser.find_sheets():
            if rel.target not in reader.valid_files:
                continue
            if "chartsheet" in rel.Type:
                reader.read_chartsheet(sheet, rel)
                continue
            ws = _Sheet(reader.wb, sheet.name, rel.target, reader.shared_strings)
            ws.sheet_state = sheet.state
            reader.wb._sheets.append(ws)


#: one cell as read: (openpyxl's data type: n, s, b, d, e, or f for a formula; the value), None when empty
Cell = tuple[str, Any] | None


def _row_index(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        pass
    try:
        f = float(text)
    except ValueError:
        f = 0.5
    if not f.is_integer() or f < 1:
        raise WorkbookRefused([Problem(f"{_DAMAGED} (nomor baris «{text[:20]}»).")])
    return int(f)


def _xml_cell(c: Any, strings: list[str], dates: set[int], deltas: set[int], epoch: Any) -> Cell:
    """One ``<c>`` element as openpyxl's read-only parser reads it (``data_only=False``)."""
    v: str | None = None
    formula: Any = None
    inline: Any = None
    for child in c:
        tag = child.tag
        name = tag[tag.rfind("}") + 1 :]
        if name == "v":
            v = child.text
        elif name == "f":
            formula = child
        elif name == "is":
            inline = child
    if formula is not None:
        return ("f", "=" + (formula.text or ""))
    t = c.get("t", "n")
    if t == "inlineStr":
        return ("s", _rich_text(inline)) if inline is not None else None
    if not v:
        return None
    try:
        if t == "n":
            number: int | float = float(v) if ("." in v or "E" in v or "e" in v) else int(v)
            style = c.get("s")
            if style and int(style) in dates:
                try:
                    return ("d", from_excel(number, epoch, timedelta=int(style) in deltas))
                except (OverflowError, ValueError):
                    return ("e", "#VALUE!")
            return ("n", number)
        if t == "s":
            return ("s", strings[int(v)])
        if t == "b":
            return ("b", bool(int(v)))
        if t == "d":
            return ("d", from_ISO8601(v))  # type: ignore[no-untyped-call]
        if t == "e":
            return ("e", v)
    except (ValueError, IndexError):
        return ("e", v[:20])
    return ("s", v)  # "str" (a formula's text result) and anything unknown: text


def _xml_rows(ws: Any, width: int) -> Iterator[tuple[int, list[Cell]]]:
    """Each ``<row>`` of a sheet opened by `open_workbook`: its number and first ``width`` cells.

    The values openpyxl's ``iter_rows`` gives (its parser is the pure-Python one,
    several times slower), streamed from the sheet's XML; rows absent from the XML
    are not given.
    """
    wb = ws.parent
    strings = ws._shared_strings
    dates: set[int] = getattr(wb, "_date_formats", set())
    deltas: set[int] = getattr(wb, "_timedelta_formats", set())
    epoch = wb.epoch
    columns: dict[str, int] = {}
    number = 0
    with wb._archive.open(ws._worksheet_path) as src:
        for row in _elements(src, "row"):
            r = row.get("r")
            number = _row_index(r) if r else number + 1
            cells: list[Cell] = [None] * width
            col = 0
            for c in row:
                tag = c.tag
                if not (tag == "c" or tag.endswith("}c")):
                    continue
                ref = c.get("r")
                if ref:
                    letters = ref.rstrip("0123456789")
                    col = columns.get(letters, 0)
                    if not col:
                        try:
                            col = columns[letters] = column_index_from_string(letters.lstrip("$").upper())
                        except ValueError:
                            raise WorkbookRefused([Problem(f"{_DAMAGED} (sel «{ref[:20]}»).")]) from None
                else:
                    col += 1
                if col <= width:
                    cells[col - 1] = _xml_cell(c, strings, dates, deltas, epoch)
            row.clear()
            yield number, cells


def _openpyxl_rows(ws: Any, min_row: int, width: int) -> Iterator[tuple[int, list[Cell]]]:
    """The same from any other openpyxl sheet."""
    for number, row in enumerate(ws.iter_rows(min_row=min_row, max_col=width), start=min_row):
        cells: list[Cell] = [None] * width
        for i, cell in enumerate(row[:width]):
            if getattr(cell, "value", None) is not None:
                cells[i] = (cell.data_type, cell.value)
        yield number, cells


def sheet_rows(ws: Any, min_row: int, width: int) -> Iterator[tuple[int, list[Cell]]]:
    """The rows from ``min_row`` on: (row number, its first ``width`` cells); rows without cells may be left out."""
    if isinstance(ws, _Sheet):
        return (r for r in _xml_rows(ws, width) if r[0] >= min_row)
    return _openpyxl_rows(ws, min_row, width)


# ----------------------------------------------------------------------------- sheets

_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\s+ref=\"([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)\"")


def merged_ranges(ws: Any) -> list[str]:
    """The merged ranges of a read-only sheet, read from its XML in chunks."""
    chunks = _xml_chunks(ws)
    if chunks is None:
        merged = getattr(ws, "merged_cells", None)
        return [str(r) for r in merged.ranges] if merged is not None else []
    found: list[str] = []
    tail = b""
    for chunk in chunks:
        buf = tail + chunk
        if b"mergeCell" in buf:
            found.extend(m.group(1).decode() for m in _MERGE.finditer(buf))
            # keep a tail for a tag split between chunks; skip the matches already taken
            last = max((m.end() for m in _MERGE.finditer(buf)), default=0)
            tail = buf[max(last, len(buf) - 200) :]
        else:
            tail = buf[-200:]
    return sorted(set(found))


def _xml_chunks(ws: Any) -> Iterator[bytes] | None:
    """A read-only sheet's XML in 1 MB chunks, straight from the archive; None if openpyxl does not say where."""
    path = getattr(ws, "_worksheet_path", None)
    archive = getattr(ws.parent, "_archive", None)
    if path is None or archive is None:
        return None

    def read() -> Iterator[bytes]:
        with archive.open(path) as src:
            while chunk := src.read(1 << 20):
                yield chunk

    return read()


_ROW = re.compile(rb"<(?:\w+:)?row[\s>].*?</(?:\w+:)?row>|<(?:\w+:)?row\s[^>]*/>", re.DOTALL)
_VALUE = re.compile(rb"<(?:\w+:)?(?:v|is|f)[\s>]")


def value_rows(ws: Any) -> int | None:
    """How many rows of a read-only sheet hold a value (streamed over its XML); None if unknown."""
    chunks = _xml_chunks(ws)
    if chunks is None:
        return None
    count = 0
    tail = b""
    for chunk in chunks:
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
    rows = sheet_rows(ws, header_row, width)
    first = next(rows, None)
    if first is not None and first[0] != header_row:
        rows = itertools.chain([first], rows)  # no header row in the file: the data rows follow
        first = None
    if column_map is None:
        header = [cell[1] if cell is not None else None for cell in first[1][:ncols]] if first else []
        expected = [c.header for c in spec.columns]
        got = [_header_text(v) for v in header] + [""] * (ncols - len(header))
        for i, (want, have) in enumerate(zip(expected, got, strict=False), start=1):
            if _header_text(want) != have:
                shown = header[i - 1] if i <= len(header) and header[i - 1] is not None else ""
                problems.append(
                    Problem(
                        f"Judul kolom harus «{want}», tertulis «{shown}». "
                        "Jangan mengubah, menyisipkan atau menghapus kolom templat.",
                        sheet=sheet,
                        row=header_row,
                        column=get_column_letter(i),
                    )
                )
        if problems:
            return []
    columns = [
        (col, positions[col.key] - 1, get_column_letter(positions[col.key])) if col.key in positions else (col, -1, "")
        for col in spec.columns
    ]
    letters = {col.key: letter for col, _i, letter in columns if letter}
    records: list[Record] = []
    for row_number, cells in rows:
        if row_number - header_row > limits.max_rows and any(cells):  # empty (formatted) rows are no data
            raise WorkbookRefused(
                [
                    Problem(
                        f"Terlalu banyak baris; maksimum {_count(limits.max_rows)} baris data per impor.",
                        sheet=sheet,
                    )
                ]
            )
        rec = _record(cells, columns, letters, sheet, row_number, limits, problems)
        if rec is not None:
            records.append(rec)
    return records


def _record(
    cells: list[Cell],
    columns: list[tuple[Column, int, str]],
    letters: dict[str, str],
    sheet: str,
    row_number: int,
    limits: Limits,
    problems: list[Problem],
) -> Record | None:
    """One data row (None when it is empty); ``columns``: each column's cell index (-1: absent) and letter."""
    values: dict[str, Value] = {}
    empty = True
    for col, i, letter in columns:
        cell = cells[i] if i >= 0 else None
        raw = cell[1] if cell is not None else None
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            values[col.key] = None
            continue
        empty = False
        assert cell is not None
        value = _cell_value(cell[0], raw, col, limits)
        if isinstance(value, Problem):
            problems.append(Problem(value.message, sheet=sheet, row=row_number, column=letter))
            values[col.key] = None
        else:
            values[col.key] = value
    if empty:
        return None
    for col, _i, letter in columns:
        if col.required and values[col.key] is None and not _has_problem(problems, sheet, row_number, letter or None):
            problems.append(Problem(f"«{col.header}» wajib diisi.", sheet=sheet, row=row_number, column=letter or None))
    return Record(sheet, row_number, values, letters)


def _has_problem(problems: list[Problem], sheet: str, row: int, letter: str | None) -> bool:
    return any(p.sheet == sheet and p.row == row and p.column == letter for p in problems[-5:])


def _cell_value(data_type: str, raw: Any, col: Column, limits: Limits) -> Value | Problem:
    if data_type == "f":
        return Problem(f"Sel berisi rumus ({str(raw)[:60]}); tempel sebagai nilai (Paste Special → Values).")
    if data_type == "e":
        return Problem(f"Sel berisi galat Excel ({raw}).")
    if isinstance(raw, bool):
        return Problem(f"«{col.header}» berisi nilai benar/salah, bukan {_kind_text(col)}.")
    if isinstance(raw, (dt.datetime, dt.date, dt.time, dt.timedelta)):
        return Problem(f"«{col.header}» berisi tanggal/waktu, bukan {_kind_text(col)}.")
    if isinstance(raw, (int, float)):
        d = exact_decimal(raw)
        if d is None:
            return Problem(f"«{col.header}» berisi angka yang tidak sah ({raw}).")
        try:  # a number cell: the one rule of every number read from a file (15 digits, 6 decimals, -0 is 0)
            d = check_number(d)
        except NumberParseError as exc:
            return Problem(f"«{col.header}»: {exc.text}: {exc.reason}.")
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
