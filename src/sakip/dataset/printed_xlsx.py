"""The .xlsx form of a printed-report file (``sakip-printed-report/1``): the template, reading and writing.

One sheet per section: ``Laporan`` (field, value), ``Skala``, ``Indikator``,
``Triwulan`` (one row per period of an indicator row: 1–4 or ``akhir`` for the
kondisi akhir), ``Sasaran``, ``Anggaran`` (with the quarters' realisations
``q1``–``q4``), ``Survei``, ``Tanda tangan``. `read_xlsx` gives the same document as
the YAML/JSON form and, for each document path, its cell, so that every error of
`printed_report.load` names the cell.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from sakip.domain.errors import DomainError
from sakip.domain.numbers import NumberFormat, format_number, parse_number
from sakip.domain.text import clean_text

from .loader import DatasetError, Issue

FORMAT = "sakip-printed-report/1"
MAX_XLSX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 5_000

META_FIELDS = (
    "office",
    "year",
    "quarter",
    "title",
    "source",
    "cap",
    "lower_is_better_formula",
    "scale_where",
    "scale_preset",
)
SHEETS: dict[str, tuple[str, ...]] = {
    "Skala": ("label", "min", "max", "min_inclusive", "max_inclusive"),
    "Indikator": (
        "where",
        "name",
        "polarity",
        "target",
        "realisation",
        "achievement",
        "category",
        "pk_target",
        "survey",
        "indicator",
        "ordinal_scale",
        "basis",
    ),
    "Triwulan": ("where", "period", "target", "realisation", "achievement", "category"),
    "Sasaran": ("where", "name", "indicators", "achievement", "category"),
    "Anggaran": (
        "key",
        "where",
        "name",
        "allocation",
        "realisation",
        "absorption",
        "deviation",
        "share",
        "share_of",
        "parts",
        "same_as",
        "pk_allocation",
        "code",
        "q1",
        "q2",
        "q3",
        "q4",
    ),
    "Survei": ("where", "grade_table", "index", "grade", "element", "score", "nrr", "d1", "d2", "d3", "d4"),
    "Tanda tangan": ("where", "name", "position", "nip", "person"),
}
NUMERIC = {
    "min",
    "max",
    "target",
    "realisation",
    "achievement",
    "pk_target",
    "allocation",
    "absorption",
    "deviation",
    "share",
    "pk_allocation",
    "index",
    "score",
    "nrr",
    "d1",
    "d2",
    "d3",
    "d4",
    "q1",
    "q2",
    "q3",
    "q4",
}
DASHED = {"target", "realisation", "achievement", "absorption", "deviation", "share", "q1", "q2", "q3", "q4"}
GRADED = {"target", "realisation"}  # a qualitative row's grade ("BB")
_GRADE = re.compile(r"[A-Za-z]{1,4}")
YEAR_END_PERIOD = "akhir"  # the Triwulan sheet's period of the kondisi akhir
BOOLEAN = {"min_inclusive", "max_inclusive", "survey"}
LISTS = {"indicators", "parts"}  # separated by ";"
_DOC_KEY = {"Skala": "scale.bands", "Indikator": "indicators", "Sasaran": "groups", "Anggaran": "budget"}
HELP = (
    "Templat laporan tercetak Sakip (sakip-printed-report/1). Salin angka persis seperti tercetak, "
    "termasuk yang salah. Angka boleh berupa angka atau teks format Indonesia (96,47). "
    "Kolom ya/tidak: isi 'ya' atau 'tidak'. Daftar (indicators, parts): pisahkan dengan ';'. "
    "Laporan triwulan: isi quarter (1-4); angka per triwulan di lembar Triwulan (period 1-4 atau 'akhir' "
    "untuk kondisi akhir). Tulis '-' persis seperti tercetak (belum diukur), kosongkan yang tidak tercetak. "
    "NIP ditulis sebagai teks. Lihat docs/printed-report-format.md."
)


def _cell(col: int, row: int) -> str:
    name = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        name = chr(65 + rem) + name
    return f"{name}{row}"


def _read_value(raw: Any, field_: str, where: str, issues: list[Issue]) -> Any:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, str) and raw.startswith("="):
        issues.append(Issue(where, "berisi rumus; isikan angka tercetaknya"))
        return None
    if field_ in DASHED and isinstance(raw, str) and raw.strip() == "-":
        return "-"
    if field_ in GRADED and isinstance(raw, str) and _GRADE.fullmatch(raw.strip()):
        return raw.strip()
    if field_ in NUMERIC:
        if isinstance(raw, bool):
            issues.append(Issue(where, f"harus angka, bukan {raw!r}"))
            return None
        if isinstance(raw, int | float):
            return Decimal(str(raw))
        try:
            return parse_number(str(raw), NumberFormat.INDONESIAN, units=True)
        except DomainError as exc:
            issues.append(Issue(where, f"harus angka, bukan {str(raw)!r} ({exc})"))
            return None
    if field_ in BOOLEAN:
        text = str(raw).strip().casefold()
        if raw is True or text in ("ya", "yes", "true", "1"):
            return True
        if raw is False or text in ("tidak", "no", "false", "0"):
            return False
        issues.append(Issue(where, f"harus ya atau tidak, bukan {str(raw)!r}"))
        return None
    if field_ in ("year", "quarter"):
        try:
            return int(Decimal(str(raw)))
        except ArithmeticError:
            issues.append(Issue(where, f"harus {'tahun' if field_ == 'year' else 'triwulan 1-4'}, bukan {str(raw)!r}"))
            return None
    text = str(raw).strip()
    if field_ in LISTS:
        return [p.strip() for p in text.split(";") if p.strip()]
    return text


def read_xlsx(path: Path) -> tuple[dict[str, Any], dict[str, str]]:
    """The document of a filled-in template and, for each document path, its cell."""
    from openpyxl import load_workbook

    source = str(path)
    if path.stat().st_size > MAX_XLSX_BYTES:
        raise DatasetError([Issue("", f"berkas lebih besar dari {MAX_XLSX_BYTES // (1024 * 1024)} MB")], source)
    try:
        wb = load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise DatasetError([Issue("", f"buku kerja .xlsx tidak terbaca ({type(exc).__name__})")], source) from None
    issues: list[Issue] = []
    cells: dict[str, str] = {}
    doc: dict[str, Any] = {"format": FORMAT}
    try:
        if "Laporan" not in wb.sheetnames:
            raise DatasetError([Issue("", "lembar 'Laporan' tidak ada: gunakan templat laporan tercetak")], source)
        meta: dict[str, Any] = {}
        for r, row in enumerate(wb["Laporan"].iter_rows(values_only=True, max_col=2), start=1):
            if r > MAX_ROWS:
                break
            key = str(row[0]).strip() if row and row[0] is not None else ""
            if key in META_FIELDS:
                where = f"Laporan!B{r}"
                value = _read_value(row[1] if len(row) > 1 else None, key, where, issues)
                if value is not None:
                    meta[key] = value
                    cells[_meta_path(key)] = where
        doc["report"] = {k: meta[k] for k in ("office", "year", "quarter", "title", "source") if k in meta}
        cells["report"] = "Laporan"
        for k in ("cap", "lower_is_better_formula"):
            if k in meta:
                doc[k] = meta[k]
        rows_by_sheet: dict[str, list[tuple[int, dict[str, Any]]]] = {}
        for sheet, columns in SHEETS.items():
            if sheet not in wb.sheetnames:
                continue
            ws = wb[sheet]
            rows: list[tuple[int, dict[str, Any]]] = []
            header: list[str] = []
            for r, row in enumerate(ws.iter_rows(values_only=True), start=1):
                if r > MAX_ROWS + 1:
                    issues.append(Issue(sheet, f"lebih dari {MAX_ROWS} baris"))
                    break
                if r == 1:
                    header = [str(v).strip() if v is not None else "" for v in row]
                    unknown = [h for h in header if h and h not in columns]
                    for h in unknown:
                        issues.append(Issue(f"{sheet}!{_cell(header.index(h), 1)}", f"kolom {h!r} tidak dikenal"))
                    continue
                if all(v is None or (isinstance(v, str) and not v.strip()) for v in row):
                    continue
                values: dict[str, Any] = {}
                for c, name in enumerate(header):
                    if not name or name not in columns or c >= len(row):
                        continue
                    value = _read_value(row[c], name, f"{sheet}!{_cell(c, r)}", issues)
                    if value is not None:
                        values[name] = (value, f"{sheet}!{_cell(c, r)}")
                rows.append((r, values))
            rows_by_sheet[sheet] = rows
        _assemble(doc, meta, rows_by_sheet, cells, issues)
    finally:
        wb.close()
    if issues:
        raise DatasetError(issues, source)
    return doc, cells


def _meta_path(key: str) -> str:
    if key in ("office", "year", "quarter", "title", "source"):
        return f"report.{key}"
    if key == "scale_where":
        return "scale.where"
    if key == "scale_preset":
        return "scale.preset"
    return key


def _assemble(
    doc: dict[str, Any],
    meta: dict[str, Any],
    sheets: dict[str, list[tuple[int, dict[str, Any]]]],
    cells: dict[str, str],
    issues: list[Issue],
) -> None:
    def plain(i: int, path: str, sheet: str, r: int, values: dict[str, Any]) -> dict[str, Any]:
        cells[f"{path}[{i}]"] = f"{sheet}!{r}:{r}"
        out = {}
        for k, (v, cell) in values.items():
            out[k] = v
            cells[f"{path}[{i}].{k}"] = cell
        return out

    if "scale_where" in meta or "scale_preset" in meta or sheets.get("Skala"):
        scale: dict[str, Any] = {"where": meta.get("scale_where", "Skala")}
        if "scale_preset" in meta:
            scale["preset"] = meta["scale_preset"]
        if sheets.get("Skala"):
            scale["bands"] = [plain(i, "scale.bands", "Skala", r, v) for i, (r, v) in enumerate(sheets["Skala"])]
        doc["scale"] = scale
    for sheet, key in (
        ("Indikator", "indicators"),
        ("Sasaran", "groups"),
        ("Anggaran", "budget"),
        ("Tanda tangan", "signatures"),
    ):
        if sheets.get(sheet):
            doc[key] = [plain(i, key, sheet, r, v) for i, (r, v) in enumerate(sheets[sheet])]
    for i, line in enumerate(doc.get("budget", [])):
        quarters = {k[1]: line.pop(k) for k in ("q1", "q2", "q3", "q4") if k in line}
        if quarters:
            line["quarters"] = quarters
            for q in quarters:
                cells[f"budget[{i}].quarters.{q}"] = cells.pop(f"budget[{i}].q{q}", f"Anggaran!{i + 2}:{i + 2}")
    _assemble_quarters(doc, sheets.get("Triwulan", []), cells, issues)
    surveys: dict[str, dict[str, Any]] = {}
    for r, values in sheets.get("Survei", []):
        v = {k: x for k, (x, _) in values.items()}
        name = str(v.get("where", "Survei"))
        i = list(surveys).index(name) if name in surveys else len(surveys)
        s = surveys.setdefault(name, {"where": name, "elements": []})
        cells[f"surveys[{i}]"] = f"Survei!{r}:{r}"
        for k in ("grade_table", "index", "grade"):
            if k in v and k not in s:
                s[k] = v[k]
                cells[f"surveys[{i}].{k}"] = values[k][1]
        j = len(s["elements"])
        element: dict[str, Any] = {}
        if "element" in v:
            element["name"] = v["element"]
        for k in ("score", "nrr"):
            if k in v:
                element[k] = v[k]
                cells[f"surveys[{i}].elements[{j}].{k}"] = values[k][1]
        dist = [v.get(k) for k in ("d1", "d2", "d3", "d4")]
        if any(x is not None for x in dist):
            element["distribution"] = dist
            cells[f"surveys[{i}].elements[{j}].distribution"] = values.get("d1", ("", f"Survei!{r}:{r}"))[1]
        cells[f"surveys[{i}].elements[{j}]"] = f"Survei!{r}:{r}"
        s["elements"].append(element)
    if surveys:
        doc["surveys"] = list(surveys.values())


def _assemble_quarters(
    doc: dict[str, Any], rows: list[tuple[int, dict[str, Any]]], cells: dict[str, str], issues: list[Issue]
) -> None:
    """The Triwulan sheet: each row is one period (1-4 or 'akhir') of the indicator row with its ``where``."""
    index = {str(row.get("where")): i for i, row in enumerate(doc.get("indicators", []))}
    for r, values in rows:
        where = values.get("where", (None, f"Triwulan!A{r}"))
        i = index.get(str(where[0]))
        if i is None:
            issues.append(Issue(where[1], f"tidak ada baris Indikator dengan where {where[0]!r}"))
            continue
        period_value, period_cell = values.get("period", (None, f"Triwulan!B{r}"))
        period = str(period_value).strip().casefold() if period_value is not None else ""
        if period.endswith(".0"):
            period = period[:-2]
        if period not in ("1", "2", "3", "4", YEAR_END_PERIOD):
            issues.append(Issue(period_cell, f"period harus 1, 2, 3, 4 atau '{YEAR_END_PERIOD}', bukan {period!r}"))
            continue
        row = doc["indicators"][i]
        path = f"indicators[{i}].year_end" if period == YEAR_END_PERIOD else f"indicators[{i}].quarters.{period}"
        cell = {k: v for k, (v, _) in values.items() if k not in ("where", "period")}
        if period == YEAR_END_PERIOD:
            row["year_end"] = cell
        else:
            row.setdefault("quarters", {})[period] = cell
        cells[path] = f"Triwulan!{r}:{r}"
        for k, (_, ref) in values.items():
            if k not in ("where", "period"):
                cells[f"{path}.{k}"] = ref


def write_xlsx(doc: dict[str, Any] | None, path: str | Path) -> Path:
    """The template (``doc=None``) or a filled-in workbook of a printed-report document."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from sakip.reports.cells import put_value, text_cell

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Laporan"
    text_cell(ws.cell(row=1, column=1), "field")
    text_cell(ws.cell(row=1, column=2), "value")
    report = (doc or {}).get("report", {})
    scale = (doc or {}).get("scale", {})
    meta = {
        **{k: report.get(k) for k in ("office", "year", "quarter", "title", "source")},
        "cap": (doc or {}).get("cap"),
        "lower_is_better_formula": (doc or {}).get("lower_is_better_formula"),
        "scale_where": scale.get("where"),
        "scale_preset": scale.get("preset"),
    }
    for r, k in enumerate(META_FIELDS, start=2):
        text_cell(ws.cell(row=r, column=1), k)
        put_value(ws.cell(row=r, column=2), _cell_value(meta.get(k)))  # every cell through sakip.reports.cells
    help_row = len(META_FIELDS) + 3  # after an empty row
    text_cell(ws.cell(row=help_row, column=1), "keterangan")
    text_cell(ws.cell(row=help_row, column=2), HELP)
    rows: dict[str, list[dict[str, Any]]] = {
        "Skala": scale.get("bands", []),
        "Indikator": (doc or {}).get("indicators", []),
        "Triwulan": [
            {"where": row["where"], "period": period, **cell}
            for row in (doc or {}).get("indicators", [])
            for period, cell in [
                *sorted((str(q), c) for q, c in row.get("quarters", {}).items()),
                *([(YEAR_END_PERIOD, row["year_end"])] if "year_end" in row else []),
            ]
        ],
        "Sasaran": (doc or {}).get("groups", []),
        "Anggaran": [
            {**line, **{f"q{q}": v for q, v in line.get("quarters", {}).items()}}
            for line in (doc or {}).get("budget", [])
        ],
        "Tanda tangan": (doc or {}).get("signatures", []),
        "Survei": [
            {
                "where": s["where"],
                "grade_table": s.get("grade_table"),
                "index": s.get("index"),
                "grade": s.get("grade"),
                "element": e["name"],
                "score": e.get("score"),
                "nrr": e.get("nrr"),
                **({f"d{k + 1}": x for k, x in enumerate(e["distribution"])} if e.get("distribution") else {}),
            }
            for s in (doc or {}).get("surveys", [])
            for e in s["elements"]
        ],
    }
    for sheet, columns in SHEETS.items():
        s = wb.create_sheet(sheet)
        for c, col in enumerate(columns, start=1):
            text_cell(s.cell(row=1, column=c), col).font = Font(bold=True)
        for r, row in enumerate(rows[sheet], start=2):
            for c, col in enumerate(columns, start=1):
                put_value(s.cell(row=r, column=c), _cell_value(row.get(col)))  # text never a formula
    out = Path(path)
    wb.save(out)
    return out


def _cell_value(value: Any) -> Any:
    """Whole numbers stay numbers; decimals become Indonesian text with their printed places; text stays text."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, list):
        return clean_text("; ".join(str(v) for v in value))
    if isinstance(value, str):
        return clean_text(value)  # a control character in stored text must not break the file
    if isinstance(value, Decimal):
        exponent = value.as_tuple().exponent
        if isinstance(exponent, int) and exponent >= 0:
            return int(value)
        # a printed figure keeps its printed places (96,50 is not 96,5): Indonesian number text
        return format_number(value, -exponent if isinstance(exponent, int) else 2)
    return value
