"""Read a printed report (format ``sakip-printed-report/1``) into `sakip.domain.printed`.

A printed-report file transcribes the figures of a performance report written
elsewhere — the indicator table, the printed scale, budget lines with their
percentages and totals, survey elements and the printed index — exactly as
printed, errors included (``docs/printed-report-format.md``). Three forms:

* YAML or JSON, checked against ``printed-report.schema.json``;
* the .xlsx template (`write_xlsx`): sheets ``Laporan``, ``Skala``,
  ``Indikator``, ``Sasaran``, ``Anggaran``, ``Survei``; read into the same
  document and checked the same way, errors naming the cell (``Anggaran!D7``).

Reading is all-or-nothing: every problem is collected with its path or cell and
nothing is returned when there is one.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from decimal import Decimal
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from sakip.domain.errors import DomainError
from sakip.domain.measurement import CapPolicy, LowerFormula, Polarity
from sakip.domain.numbers import NumberFormat, format_number, parse_number
from sakip.domain.printed import (
    PrintedBudgetLine,
    PrintedGroupRow,
    PrintedIndicatorRow,
    PrintedReport,
    PrintedScale,
    PrintedSurvey,
    PrintedSurveyElement,
)
from sakip.domain.scales import Band, get_scale
from sakip.domain.survey import GradeTable
from sakip.domain.text import clean_text

from .loader import MAX_BYTES, DatasetError, Issue, _message, format_path, parse_text

FORMAT = "sakip-printed-report/1"
MAX_XLSX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 5_000


@cache
def schema() -> dict[str, Any]:
    text = resources.files("sakip.dataset").joinpath("printed-report.schema.json").read_text("utf-8")
    result: dict[str, Any] = json.loads(text)
    return result


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(schema())


def _schema_issues(doc: Any, cells: dict[str, str]) -> list[Issue]:
    issues = []
    for error in _validator().iter_errors(doc):
        path = format_path(list(error.absolute_path))
        issues.append(Issue(_locate(path, cells), _message(error)))
    issues.sort(key=lambda i: i.path)
    return issues


def _locate(path: str, cells: dict[str, str]) -> str:
    """The workbook cell (or row) of a document path, when the document came from .xlsx."""
    probe = path
    while probe:
        if probe in cells:
            return cells[probe]
        probe = probe.rsplit(".", 1)[0] if "." in probe else (probe.rsplit("[", 1)[0] if "[" in probe else "")
    return path


def _d(value: Any) -> Decimal | None:
    if value is None:
        return None
    return value if isinstance(value, Decimal) else Decimal(str(value))


class _Builder:
    def __init__(self, cells: dict[str, str]) -> None:
        self.issues: list[Issue] = []
        self.cells = cells

    def error(self, path: str, message: str) -> None:
        self.issues.append(Issue(_locate(path, self.cells), message))

    def report(self, doc: dict[str, Any]) -> PrintedReport:
        meta = doc["report"]
        indicators = [self.indicator(f"indicators[{i}]", r) for i, r in enumerate(doc.get("indicators", []))]
        self._unique("indicators", [r.where for r in indicators], "where")
        names = {r.where for r in indicators} | {r.name for r in indicators}
        groups = []
        for i, g in enumerate(doc.get("groups", [])):
            for j, ref in enumerate(g["indicators"]):
                if ref not in names:
                    self.error(
                        f"groups[{i}].indicators[{j}]", f"tidak ada baris indikator dengan where atau nama {ref!r}"
                    )
            groups.append(
                PrintedGroupRow(
                    g["where"], g["name"], tuple(g["indicators"]), _d(g.get("achievement")), g.get("category")
                )
            )
        lines = [self.line(r) for r in doc.get("budget", [])]
        keys = [ln.key for ln in lines]
        self._unique("budget", keys, "key")
        for i, ln in enumerate(lines):
            for field_, ref in (("share_of", ln.share_of), ("same_as", ln.same_as)):
                if ref is not None and ref not in keys:
                    self.error(f"budget[{i}].{field_}", f"tidak ada baris anggaran dengan key {ref!r}")
            for j, ref in enumerate(ln.parts):
                if ref not in keys:
                    self.error(f"budget[{i}].parts[{j}]", f"tidak ada baris anggaran dengan key {ref!r}")
                elif ref == ln.key:
                    self.error(f"budget[{i}].parts[{j}]", "baris tidak boleh menjadi bagian dirinya sendiri")
            if ln.share is not None and ln.share_of is None:
                self.error(f"budget[{i}].share", "persentase tercetak memerlukan share_of (key baris keseluruhan)")
        surveys = [self.survey(f"surveys[{i}]", s) for i, s in enumerate(doc.get("surveys", []))]
        return PrintedReport(
            title=meta.get("title", ""),
            office=meta["office"],
            year=meta["year"],
            scale=self.scale(doc.get("scale")),
            cap=CapPolicy(doc.get("cap", "none")),
            lower_formula=LowerFormula(doc.get("lower_is_better_formula", "mirror")),
            indicators=tuple(indicators),
            groups=tuple(groups),
            budget=tuple(lines),
            surveys=tuple(surveys),
            source=meta.get("source"),
            notes=tuple(doc.get("notes", [])),
        )

    def _unique(self, where: str, values: Iterable[str], what: str) -> None:
        seen: set[str] = set()
        for i, v in enumerate(values):
            if v in seen:
                self.error(f"{where}[{i}].{what}", f"{v!r} muncul dua kali; setiap baris memerlukan {what} sendiri")
            seen.add(v)

    def scale(self, s: dict[str, Any] | None) -> PrintedScale | None:
        if s is None:
            return None
        if ("preset" in s) == ("bands" in s):
            self.error("scale", "isi preset atau bands, salah satu saja")
            return None
        if "preset" in s:
            try:
                return PrintedScale(s["where"], get_scale(s["preset"]).bands)
            except DomainError as exc:
                self.error("scale.preset", str(exc))
                return None
        bands = []
        for i, b in enumerate(s["bands"]):
            lo, hi = _d(b.get("min")), _d(b.get("max"))
            if lo is not None and hi is not None and lo > hi:
                self.error(f"scale.bands[{i}]", f"min {lo} lebih besar dari max {hi}")
            bands.append(Band(b["label"], lo, hi, b.get("min_inclusive", True), b.get("max_inclusive", False)))
        return PrintedScale(s["where"], tuple(bands))

    def indicator(self, path: str, r: dict[str, Any]) -> PrintedIndicatorRow:
        return PrintedIndicatorRow(
            r["where"],
            r["name"],
            Polarity(r.get("polarity", "higher_is_better")),
            _d(r.get("target")),
            _d(r.get("realisation")),
            _d(r.get("achievement")),
            r.get("category"),
            _d(r.get("pk_target")),
            bool(r.get("survey", False)),
        )

    def line(self, r: dict[str, Any]) -> PrintedBudgetLine:
        return PrintedBudgetLine(
            r["key"],
            r["where"],
            r["name"],
            _d(r.get("allocation")),
            _d(r.get("realisation")),
            _d(r.get("absorption")),
            _d(r.get("deviation")),
            _d(r.get("share")),
            r.get("share_of"),
            tuple(r.get("parts", [])),
            r.get("same_as"),
            _d(r.get("pk_allocation")),
        )

    def survey(self, path: str, s: dict[str, Any]) -> PrintedSurvey:
        elements = []
        for i, e in enumerate(s["elements"]):
            score, nrr = _d(e.get("score")), _d(e.get("nrr"))
            if score is not None and nrr is not None:
                self.error(f"{path}.elements[{i}]", "isi score (25–100) atau nrr (1–4), tidak keduanya")
            if nrr is not None and not Decimal(1) <= nrr <= Decimal(4):
                self.error(f"{path}.elements[{i}].nrr", f"{nrr} di luar 1–4")
            dist = e.get("distribution")
            if dist is not None and any(_d(x) is not None and Decimal(str(x)) < 0 for x in dist):
                self.error(f"{path}.elements[{i}].distribution", "ada proporsi yang negatif")
            elements.append(
                PrintedSurveyElement(
                    e["name"], score, nrr, tuple(Decimal(str(x)) for x in dist) if dist is not None else None
                )
            )
        self._unique(f"{path}.elements", [e.name for e in elements], "name")
        return PrintedSurvey(
            s["where"],
            tuple(elements),
            _d(s.get("index")),
            s.get("grade"),
            GradeTable(s.get("grade_table", GradeTable.PERMENPAN_14_2017.value)),
        )


def load_document(doc: Any, source: str | None = None, cells: dict[str, str] | None = None) -> PrintedReport:
    cells = cells or {}
    issues = _schema_issues(doc, cells)
    if issues:
        raise DatasetError(issues, source)
    builder = _Builder(cells)
    report = builder.report(doc)
    if builder.issues:
        raise DatasetError(builder.issues, source)
    return report


def loads(text: str, *, json_format: bool = False, source: str | None = None) -> PrintedReport:
    return load_document(parse_text(text, json_format=json_format, source=source), source)


def load(path: str | Path) -> PrintedReport:
    p = Path(path)
    if p.suffix.lower() == ".xlsx":
        doc, cells = read_xlsx(p)
        return load_document(doc, str(p), cells)
    if p.stat().st_size > MAX_BYTES:
        raise DatasetError([Issue("", f"berkas lebih besar dari {MAX_BYTES // (1024 * 1024)} MB")], str(p))
    try:
        text = p.read_text("utf-8")
    except UnicodeDecodeError:
        raise DatasetError([Issue("", "berkas bukan teks UTF-8")], str(p)) from None
    return loads(text, json_format=p.suffix.lower() == ".json", source=str(p))


def document_format(path: str | Path) -> str | None:
    """The ``format`` field of a YAML/JSON file (``None`` when there is none); .xlsx is a printed report."""
    p = Path(path)
    if p.suffix.lower() == ".xlsx":
        return FORMAT
    try:
        text = p.read_text("utf-8")
    except UnicodeDecodeError:
        raise DatasetError([Issue("", "berkas bukan teks UTF-8")], str(p)) from None
    doc = parse_text(text, json_format=p.suffix.lower() == ".json", source=str(p))
    fmt = doc.get("format") if isinstance(doc, dict) else None
    return fmt if isinstance(fmt, str) else None


PRINTED_SEEDS = ("kaloran-2020", "kaliwates-2020", "kandangserang-2021")


def printed_seed_path(name: str) -> Path:
    return Path(str(resources.files("sakip.dataset").joinpath("printed", f"{name}.yaml")))


# ----------------------------------------------------------------------------- the .xlsx template

META_FIELDS = ("office", "year", "title", "source", "cap", "lower_is_better_formula", "scale_where", "scale_preset")
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
    ),
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
    ),
    "Survei": ("where", "grade_table", "index", "grade", "element", "score", "nrr", "d1", "d2", "d3", "d4"),
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
}
BOOLEAN = {"min_inclusive", "max_inclusive", "survey"}
LISTS = {"indicators", "parts"}  # separated by ";"
_DOC_KEY = {"Skala": "scale.bands", "Indikator": "indicators", "Sasaran": "groups", "Anggaran": "budget"}
HELP = (
    "Templat laporan tercetak Sakip (sakip-printed-report/1). Salin angka persis seperti tercetak, "
    "termasuk yang salah. Angka boleh berupa angka atau teks format Indonesia (96,47). "
    "Kolom ya/tidak: isi 'ya' atau 'tidak'. Daftar (indicators, parts): pisahkan dengan ';'. "
    "Lihat docs/printed-report-format.md."
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
    if field_ == "year":
        try:
            return int(Decimal(str(raw)))
        except ArithmeticError:
            issues.append(Issue(where, f"harus tahun, bukan {str(raw)!r}"))
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
        doc["report"] = {k: meta[k] for k in ("office", "year", "title", "source") if k in meta}
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
        _assemble(doc, meta, rows_by_sheet, cells)
    finally:
        wb.close()
    if issues:
        raise DatasetError(issues, source)
    return doc, cells


def _meta_path(key: str) -> str:
    if key in ("office", "year", "title", "source"):
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
    for sheet, key in (("Indikator", "indicators"), ("Sasaran", "groups"), ("Anggaran", "budget")):
        if sheets.get(sheet):
            doc[key] = [plain(i, key, sheet, r, v) for i, (r, v) in enumerate(sheets[sheet])]
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
        **{k: report.get(k) for k in ("office", "year", "title", "source")},
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
        "Sasaran": (doc or {}).get("groups", []),
        "Anggaran": (doc or {}).get("budget", []),
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
