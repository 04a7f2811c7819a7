"""Read a printed report (format ``sakip-printed-report/1``) into `sakip.domain.printed`.

A printed-report file transcribes the figures of a performance report written
elsewhere — the indicator table, the printed scale, budget lines with their
percentages and totals, survey elements and the printed index — exactly as
printed, errors included (``docs/printed-report-format.md``). Three forms:

* YAML or JSON, checked against ``printed-report.schema.json``;
* the .xlsx template (`write_xlsx`): sheets ``Laporan``, ``Skala``,
  ``Indikator``, ``Triwulan``, ``Sasaran``, ``Anggaran``, ``Survei``, ``Tanda
  tangan``; read into the same document and checked the same way, errors naming
  the cell (``Anggaran!D7``).

A printed value may be a number, a grade (``"BB"``, qualitative rows only), the dash
``"-"`` (printed as not measured — kept distinct from a blank, not printed) or
blank. A dash amount of money is nil (0); a dash percentage is no percentage.

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
from sakip.domain.printed import (
    Basis,
    PrintedBudgetLine,
    PrintedCell,
    PrintedGroupRow,
    PrintedIndicatorRow,
    PrintedReport,
    PrintedScale,
    PrintedSignature,
    PrintedSurvey,
    PrintedSurveyElement,
    PrintedValue,
    is_dash,
)
from sakip.domain.scales import Band, get_ordinal_scale, get_scale
from sakip.domain.survey import GradeTable

from .loader import MAX_BYTES, DatasetError, Issue, _message, format_path, parse_text
from .printed_xlsx import FORMAT, MAX_ROWS, MAX_XLSX_BYTES, read_xlsx, write_xlsx

__all__ = [
    "FORMAT",
    "MAX_ROWS",
    "MAX_XLSX_BYTES",
    "PRINTED_SEEDS",
    "document_format",
    "load",
    "load_document",
    "loads",
    "printed_seed_path",
    "read_xlsx",
    "schema",
    "write_xlsx",
]


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


def _pv(value: Any) -> PrintedValue:
    """A printed value: a number, a grade or the dash as printed; None when not printed."""
    if value is None:
        return None
    if isinstance(value, str):
        return "-" if is_dash(value) else value.strip()
    return _d(value)


def _printed_cell(c: dict[str, Any]) -> PrintedCell:
    return PrintedCell(_pv(c.get("target")), _pv(c.get("realisation")), _pv(c.get("achievement")), c.get("category"))


def _amount(value: Any) -> Decimal | None:
    """A printed amount of money: "-" is nil."""
    return Decimal(0) if is_dash(value) else _d(value)


def _percent(value: Any) -> Decimal | None:
    """A printed percentage: "-" is none."""
    return None if is_dash(value) else _d(value)


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
        signatures = [
            PrintedSignature(s["where"], s["name"], s.get("nip"), s.get("position"), s.get("person"))
            for s in doc.get("signatures", [])
        ]
        self._unique("signatures", [s.where for s in signatures], "where")
        return PrintedReport(
            title=meta.get("title", ""),
            office=meta["office"],
            year=meta["year"],
            quarter=meta.get("quarter"),
            scale=self.scale(doc.get("scale")),
            cap=CapPolicy(doc.get("cap", "none")),
            lower_formula=LowerFormula(doc.get("lower_is_better_formula", "mirror")),
            indicators=tuple(indicators),
            groups=tuple(groups),
            budget=tuple(lines),
            surveys=tuple(surveys),
            source=meta.get("source"),
            notes=tuple(doc.get("notes", [])),
            signatures=tuple(signatures),
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
        polarity = Polarity(r.get("polarity", "higher_is_better"))
        ordinal = None
        if "ordinal_scale" in r:
            if polarity is not Polarity.QUALITATIVE:
                self.error(f"{path}.ordinal_scale", "skala predikat hanya untuk indikator kualitatif")
            ordinal = get_ordinal_scale(r["ordinal_scale"])
        return PrintedIndicatorRow(
            r["where"],
            r["name"],
            polarity,
            _pv(r.get("target")),
            _pv(r.get("realisation")),
            _pv(r.get("achievement")),
            r.get("category"),
            _d(r.get("pk_target")),
            bool(r.get("survey", False)),
            indicator=r.get("indicator"),
            ordinal=ordinal,
            basis=Basis(r.get("basis", Basis.TO_DATE.value)),
            quarters={int(q): _printed_cell(c) for q, c in sorted(r.get("quarters", {}).items())},
            year_end=_printed_cell(r["year_end"]) if "year_end" in r else None,
        )

    def line(self, r: dict[str, Any]) -> PrintedBudgetLine:
        quarters = {int(q): _amount(v) for q, v in sorted(r.get("quarters", {}).items()) if v is not None}
        return PrintedBudgetLine(
            r["key"],
            r["where"],
            r["name"],
            _d(r.get("allocation")),
            _amount(r.get("realisation")),
            _percent(r.get("absorption")),
            _percent(r.get("deviation")),
            _percent(r.get("share")),
            r.get("share_of"),
            tuple(r.get("parts", [])),
            r.get("same_as"),
            _d(r.get("pk_allocation")),
            code=r.get("code"),
            quarters={q: v for q, v in quarters.items() if v is not None},
            dashes=frozenset(k for k in ("realisation", "absorption", "deviation", "share") if is_dash(r.get(k))),
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


#: the printed reference reports: the three published annual ones and the quarterly one written for Sakip
PRINTED_SEEDS = ("kaloran-2020", "kaliwates-2020", "kandangserang-2021", "karangsari-2024-tw2")


def printed_seed_path(name: str) -> Path:
    return Path(str(resources.files("sakip.dataset").joinpath("printed", f"{name}.yaml")))
