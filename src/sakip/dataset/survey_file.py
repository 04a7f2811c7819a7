"""Read raw SKM questionnaires from CSV or XLSX: one row per respondent.

The first row is a header. Answer columns are recognised by their header: the
instrument's element names (case-insensitive) or ``U1`` … ``Uk``; columns named
``No``, ``ID``, ``Responden``, ``Nama``, ``Tanggal``, ``Jenis Layanan`` … are
ignored. Each answer is 1–4; an empty cell marks the questionnaire incomplete
(it is excluded and counted, not scored as 0). Anything else is an error naming
the row and column. Reading is all-or-nothing: every error is collected first.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from sakip.domain.survey import Instrument, custom_instrument

from .loader import DatasetError, Issue

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_ROWS = 200_000
_IGNORED = {
    "no",
    "no.",
    "nomor",
    "id",
    "responden",
    "nama",
    "tanggal",
    "jenis layanan",
    "layanan",
    "usia",
    "jenis kelamin",
    "pendidikan",
    "pekerjaan",
}
_U = re.compile(r"^u\s*(\d{1,2})$", re.IGNORECASE)


@dataclass(frozen=True)
class SurveyFile:
    instrument: Instrument
    responses: list[list[int | None]]
    columns: list[str]


def _cell_name(col: int) -> str:
    name = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        name = chr(65 + rem) + name
    return name


def _rows_csv(data: bytes, source: str) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DatasetError([Issue("", "berkas CSV bukan teks UTF-8")], source) from None
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [row for row in csv.reader(io.StringIO(text), dialect)]


def _rows_xlsx(path: Path, source: str) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise DatasetError([Issue("", f"buku kerja .xlsx tidak terbaca ({type(exc).__name__})")], source) from None
    try:
        ws = wb.worksheets[0]
        rows: list[list[str]] = []
        issues: list[Issue] = []
        for r, row in enumerate(ws.iter_rows(values_only=True), start=1):
            if r > MAX_ROWS + 1:
                raise DatasetError([Issue("", f"lebih dari {MAX_ROWS} baris")], source)
            out = []
            for c, v in enumerate(row):
                if isinstance(v, str) and v.startswith("="):
                    issues.append(Issue(f"{ws.title}!{_cell_name(c)}{r}", "berisi rumus; isikan nilainya"))
                out.append("" if v is None else str(v))
            rows.append(out)
        if issues:
            raise DatasetError(issues, source)
        return rows
    finally:
        wb.close()


def read_survey_file(path: str | Path, instrument: Instrument | None) -> SurveyFile:
    """Read questionnaires; ``instrument=None`` makes a custom one from the header."""
    p = Path(path)
    source = str(p)
    if not p.is_file():
        raise DatasetError([Issue("", "berkas tidak ditemukan")], source)
    if p.stat().st_size > MAX_FILE_BYTES:
        raise DatasetError([Issue("", f"berkas lebih besar dari {MAX_FILE_BYTES // (1024 * 1024)} MB")], source)
    suffix = p.suffix.lower()
    if suffix == ".csv":
        rows = _rows_csv(p.read_bytes(), source)
        sheet = ""
    elif suffix == ".xlsx":
        rows = _rows_xlsx(p, source)
        sheet = "Sheet1!"
    else:
        raise DatasetError([Issue("", f"berkas harus .csv atau .xlsx, bukan {suffix or 'tanpa akhiran'}")], source)
    rows = [r for r in rows if any(cell.strip() for cell in r)]  # empty rows are not respondents
    if not rows:
        raise DatasetError([Issue("", "berkas kosong")], source)
    if len(rows) - 1 > MAX_ROWS:
        raise DatasetError([Issue("", f"lebih dari {MAX_ROWS} responden")], source)
    header = [h.strip() for h in rows[0]]
    answer_cols: list[int] = []
    names: list[str] = []
    if instrument is None:
        for i, h in enumerate(header):
            if h and h.casefold() not in _IGNORED:
                answer_cols.append(i)
                names.append(h)
        if not names:
            raise DatasetError([Issue("judul kolom", "tidak ada kolom jawaban")], source)
        instrument = custom_instrument(names)
    else:
        lookup = {e.casefold(): k for k, e in enumerate(instrument.elements)}
        found: dict[int, int] = {}
        for i, h in enumerate(header):
            m = _U.match(h)
            k = int(m.group(1)) - 1 if m else lookup.get(h.casefold())
            if k is None:
                if h.casefold() in _IGNORED or not h:
                    continue
                raise DatasetError(
                    [
                        Issue(
                            f"judul kolom {_cell_name(i)}1",
                            f"{h!r} bukan unsur {instrument.name} (juga bukan U1…U{len(instrument.elements)})",
                        )
                    ],
                    source,
                )
            if k in found or not 0 <= k < len(instrument.elements):
                raise DatasetError([Issue(f"judul kolom {_cell_name(i)}1", f"{h!r} berulang / di luar batas")], source)
            found[k] = i
        missing = [instrument.elements[k] for k in range(len(instrument.elements)) if k not in found]
        if missing:
            raise DatasetError([Issue("judul kolom", f"kolom unsur tidak ada: {', '.join(missing)}")], source)
        answer_cols = [found[k] for k in range(len(instrument.elements))]
        names = list(instrument.elements)
    issues: list[Issue] = []
    responses: list[list[int | None]] = []
    for r, row in enumerate(rows[1:], start=2):
        answers: list[int | None] = []
        for k, c in enumerate(answer_cols):
            cell = row[c].strip() if c < len(row) else ""
            if cell == "":
                answers.append(None)
                continue
            if cell in ("1", "2", "3", "4") or cell in ("1.0", "2.0", "3.0", "4.0"):
                answers.append(int(float(cell)))
            else:
                issues.append(Issue(f"{sheet}{_cell_name(c)}{r}", f"{names[k]}: {cell!r} bukan jawaban 1–4"))
                answers.append(None)
        responses.append(answers)
    if issues:
        raise DatasetError(issues, source)
    return SurveyFile(instrument, responses, names)
