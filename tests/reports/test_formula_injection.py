"""No text Sakip writes into a spreadsheet is ever read as a formula (sakip.reports.cells).

Completeness comes first: ``test_every_writer_in_the_source_is_generated`` parses every module
of ``src/sakip`` and finds each function that makes a workbook (openpyxl ``Workbook()``) or a CSV
writer (``CsvWriter``); each must have at least one entry in ``OUTPUTS`` below, or the test
fails and names it. Raw ``csv.writer``/``csv.DictWriter`` are allowed only inside
``sakip.reports.cells``, other spreadsheet libraries nowhere, and no module sets a cell's
value itself (``ws.cell(r, c, value)``, ``cell.value = …``, ``ws["A1"] = …``).

Then every entry of ``OUTPUTS`` generates its file through a real entry point (the web page, the
batch generator, the CLI) from hostile data: every stored text field of the demo regency
(office, plan, indicators, PK, budget, surveys, workflow comments, …) is overwritten with
formula-like strings (``=1+1``, ``+1``, ``-1``, ``@SUM(1)``, ``\\t=1``, ``\\r=1``,
``=HYPERLINK(…)``, the full-width ``＝1+1``), and failed sign-ins with such usernames and user
agents leave them in the audit trail. While it runs, a spy records which writer made the file
(it must be the entry's) and where each cell got its value: only ``sakip.reports.cells`` may
set one. Each workbook is opened and every cell checked: none is a formula, and every text that
a spreadsheet could take for one carries the quote prefix; no CSV field could be read as one
(formula-like text is prefixed with ``'``). Each file must carry some of the payloads (the
check is not vacuous) unless it holds no stored text at all (the empty templates).
"""

from __future__ import annotations

import ast
import csv
import io
import itertools
import sys
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any
from unittest import mock

import openpyxl
import pytest
import yaml
from django.apps import apps
from django.db import models
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell

import sakip
from sakip.importers.kinds import KINDS
from sakip.reports.cells import CsvWriter, csv_cell, formula_like, put_value
from tests.web.demo_support import Demo, demo_once  # noqa: F401

YEAR = 2020
PAYLOADS = ["=1+1", "+1", "-1", "@SUM(1)", "\t=1", "\r=1", '=HYPERLINK("http://contoh.invalid","klik")', "\uff1d1+1"]
#: fields that are not free text (codes, references, formulas, grades matched against a scale, file types)
NOT_TEXT = {
    "code", "formula", "grade", "annual_grade", "end_grade", "content_type", "instrument", "grade_table",
    "period", "program_code", "source", "kinds", "formats", "current", "file_name", "errors", "kind",
    "filename", "sha256", "changes_digest", "scale", "preset", "final_predicate", "self_value", "evaluator_value",
    "component_code", "user_name", "regency_label",
}
SKIP_MODELS = {"planning.FormulaInput"}  # its name is the formula's variable
PRINTED = Path(__file__).parents[2] / "src/sakip/dataset/printed/kaloran-2020.yaml"
#: a quarterly report: the Triwulan and Tanda tangan sheets carry text too
PRINTED_QUARTERLY = Path(__file__).parents[2] / "src/sakip/dataset/printed/karangsari-2024-tw2.yaml"

SRC = Path(sakip.__file__).resolve().parent
CELLS = SRC / "reports" / "cells.py"
OPENPYXL = Path(openpyxl.__file__).resolve().parent
#: spreadsheet writers Sakip does not use; an import of one would bypass the rule
OTHER_LIBRARIES = {"xlsxwriter", "xlwt", "xlwings", "pyexcel", "pyexcelerate", "pandas", "odf", "ezodf", "tablib",
                   "pylightxl", "polars"}


def _payloads() -> Iterator[str]:
    return itertools.cycle(PAYLOADS)


def overwrite_text(payloads: Iterator[str]) -> int:
    """Every free-text field of the office data, set to formula-like strings; returns the fields changed."""
    from sakip.regency import figures

    changed = 0
    for label in ("accounts", "planning", "agreements", "monitoring", "budgeting", "surveys", "workflow"):
        for model in apps.get_app_config(label).get_models():
            if model._meta.label in SKIP_MODELS:
                continue
            fields = [
                f for f in model._meta.concrete_fields
                if isinstance(f, models.CharField | models.TextField) and not f.choices
                and not isinstance(f, models.SlugField) and f.name not in NOT_TEXT and not f.unique
            ]
            for obj in model._default_manager.all():
                values = {}
                for f in fields:
                    text = next(payloads)
                    values[f.name] = text[: f.max_length] if f.max_length else text
                if values:
                    model._default_manager.filter(pk=obj.pk).update(**values)
                    changed += len(values)
    figures.bump()
    return changed


def hostile_printed_report(path: Path = PRINTED) -> dict[str, Any]:
    """The Kaloran 2020 printed report (or ``path``) with its titles, names, positions and places formula-like
    (each text prefixed with a payload, the same text always with the same one: references between rows still
    hold)."""
    payloads = _payloads()
    memo: dict[str, str] = {}

    def hostile(node: Any, key: str = "") -> Any:
        if isinstance(node, dict):
            return {k: hostile(v, k) for k, v in node.items()}
        if isinstance(node, list):
            return [hostile(v, key) for v in node]
        if isinstance(node, str) and key in ("title", "office", "source", "where", "name", "indicators", "position"):
            return memo.setdefault(node, f"{next(payloads)} {node}")
        return node

    doc: dict[str, Any] = hostile(yaml.safe_load(path.read_text("utf-8")))
    return doc


@pytest.fixture(scope="module")
def hostile(demo_once: Demo, django_db_blocker: Any) -> Demo:  # noqa: F811
    """The demo with formula-like text everywhere, the Kaloran year approved and published, and audit rows
    carrying formula-like usernames and user agents."""
    from sakip.workflow import guard
    from sakip.workflow.models import PeriodState

    # the texts are planted into an approved year (a document of an approved year is what gets published): the
    # write guard is suspended for the planting, as a restore would be
    with django_db_blocker.unblock(), guard.suspended():
        office = demo_once.office_a
        for step in ("pk", "annual"):
            PeriodState.objects.update_or_create(office=office, year=YEAR, step=step, quarter=None,
                                                 defaults={"state": "approved"})
        type(office).objects.filter(pk=office.pk).update(published=True)
        assert overwrite_text(_payloads()) > 100
        office.refresh_from_db()
        from sakip.monitoring.models import IndicatorYear

        for payload, iy in zip(PAYLOADS, IndicatorYear.objects.filter(indicator__plan__office=office), strict=False):
            # a text of its own: the planted one may already be this payload (the cycle of payloads over every
            # stored text of the demo), and a save that changes nothing writes no audit row
            iy.explanation = f"{payload} (penjelasan)"
            iy.save()  # through the ORM: an audit row of the office with the text
        for i, payload in enumerate(PAYLOADS):  # each from its own address: no lockout in between
            Client(HTTP_USER_AGENT=payload, REMOTE_ADDR=f"192.0.2.{10 + i}").post(
                "/login/", {"username": payload, "password": "salah"}
            )
        # a failed sign-in of an unknown username has no regency (superusers' trail only); the regency's trail
        # gets the payloads as user agents of its own users' failed sign-ins (two each: far from a lockout)
        users = [login.username for login in demo_once.logins if login.username != "admin"]
        for i, payload in enumerate(PAYLOADS):
            Client(HTTP_USER_AGENT=payload, REMOTE_ADDR=f"198.51.100.{10 + i}").post(
                "/login/", {"username": users[i % len(users)], "password": "salah"}
            )
    return demo_once


# ----------------------------------------------------------------------------- the writers in the source


def _module(path: Path) -> str:
    return ".".join(path.relative_to(SRC.parent).with_suffix("").parts)


def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return ""


class _Scan(ast.NodeVisitor):
    """Writer sites (``module:qualname`` of the function that makes a workbook or a CsvWriter) and breaches."""

    def __init__(self, path: Path, source: str) -> None:
        self.path, self.module = path, _module(path)
        self.spreadsheet = "openpyxl" in source  # a module that may touch cells
        self.stack: list[str] = []
        self.sites: set[str] = set()
        self.breaches: list[str] = []

    def _where(self, node: ast.AST) -> str:
        return f"{self.module}:{getattr(node, 'lineno', '?')}"

    def _qualname(self) -> str:
        return ".".join(self.stack[:-1]) if self.stack and self.stack[-1] == "<locals>" else "<module>"

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.stack += [node.name, "<locals>"]
        self.generic_visit(node)
        del self.stack[-2:]

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.stack.append(node.name)
        self.generic_visit(node)
        self.stack.pop()

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.name.split(".")[0] in OTHER_LIBRARIES:
                self.breaches.append(f"{self._where(node)} imports {alias.name}")

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        top = (node.module or "").split(".")[0]
        if top in OTHER_LIBRARIES:
            self.breaches.append(f"{self._where(node)} imports from {node.module}")
        if top == "csv" and any(a.name in ("writer", "DictWriter") for a in node.names) and self.path != CELLS:
            self.breaches.append(f"{self._where(node)} imports csv's writer: use sakip.reports.cells.CsvWriter")

    def visit_Call(self, node: ast.Call) -> None:
        name = _dotted(node.func)
        last = name.rsplit(".", 1)[-1]
        if last in ("Workbook", "CsvWriter") and self.path != CELLS:
            self.sites.add(f"{self.module}:{self._qualname()}")
        if name in ("csv.writer", "csv.DictWriter") and self.path != CELLS:
            self.breaches.append(f"{self._where(node)} makes a raw {name}: use sakip.reports.cells.CsvWriter")
        if self.spreadsheet and self.path != CELLS and last == "cell" and (
            len(node.args) >= 3 or any(k.arg == "value" for k in node.keywords)
        ):
            self.breaches.append(f"{self._where(node)} writes a cell's value itself: use sakip.reports.cells")
        self.generic_visit(node)

    def _target(self, target: ast.expr, node: ast.AST) -> None:
        if not self.spreadsheet or self.path == CELLS:
            return
        if isinstance(target, ast.Attribute) and target.attr == "value":
            self.breaches.append(f"{self._where(node)} sets .value itself: use sakip.reports.cells")
        if isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Constant) and (
            isinstance(target.slice.value, str) and target.slice.value[:1].isalpha()
            and target.slice.value.rstrip("0123456789") != target.slice.value and target.slice.value.isupper()
        ):
            self.breaches.append(f"{self._where(node)} assigns a cell ({target.slice.value}) itself")

    def visit_Assign(self, node: ast.Assign) -> None:
        for t in node.targets:
            self._target(t, node)
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self._target(node.target, node)
        self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        self._target(node.target, node)
        self.generic_visit(node)


def scan_source() -> tuple[set[str], list[str]]:
    sites: set[str] = set()
    breaches: list[str] = []
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        source = path.read_text("utf-8")
        scan = _Scan(path, source)
        scan.visit(ast.parse(source, str(path)))
        sites |= scan.sites
        breaches += scan.breaches
    return sites, breaches


# ----------------------------------------------------------------------------- the spy


@dataclass
class Spy:
    """What happened while a file was generated: the writer sites that ran, the cells written elsewhere."""

    sites: set[str] = field(default_factory=set)
    foreign: list[str] = field(default_factory=list)


def _in(frame: FrameType, folder: Path) -> bool:
    return Path(frame.f_code.co_filename).resolve().is_relative_to(folder)


def _site(frame: FrameType | None) -> str | None:
    """``module:qualname`` of the first Sakip function up the stack (the cells module aside)."""
    while frame is not None:
        path = Path(frame.f_code.co_filename).resolve()
        if path.is_relative_to(SRC) and path != CELLS:
            return f"{frame.f_globals['__name__']}:{frame.f_code.co_qualname}"
        frame = frame.f_back
    return None


@contextmanager
def spy() -> Iterator[Spy]:
    """Record the workbooks and CSV writers made, and any cell value set from outside sakip.reports.cells."""
    seen = Spy()
    bind, workbook_init, writer_init = Cell._bind_value, Workbook.__init__, CsvWriter.__init__

    def spied_bind(cell: Cell, value: Any) -> None:
        if value is not None:
            frame = sys._getframe(1)
            while frame is not None and _in(frame, OPENPYXL):
                frame = frame.f_back  # type: ignore[assignment]
            if frame is None or Path(frame.f_code.co_filename).resolve() != CELLS:
                where = f"{frame.f_globals['__name__']}:{frame.f_lineno}" if frame else "?"
                seen.foreign.append(f"{where} set {cell.coordinate} to {value!r}")
        bind(cell, value)

    def spied_workbook(self: Workbook, *args: Any, **kwargs: Any) -> None:
        if (site := _site(sys._getframe(1))) is not None:
            seen.sites.add(site)
        workbook_init(self, *args, **kwargs)

    def spied_writer(self: CsvWriter, *args: Any, **kwargs: Any) -> None:
        if (site := _site(sys._getframe(1))) is not None:
            seen.sites.add(site)
        writer_init(self, *args, **kwargs)

    with (
        mock.patch.object(Cell, "_bind_value", spied_bind),
        mock.patch.object(Workbook, "__init__", spied_workbook),
        mock.patch.object(CsvWriter, "__init__", spied_writer),
    ):
        yield seen


# ----------------------------------------------------------------------------- the checks


def check_workbook(data: bytes, name: str) -> int:
    """Every cell of every sheet: no formula; formula-like text only with the quote prefix. Returns how many
    formula-like texts were found (all prefixed)."""
    wb = load_workbook(io.BytesIO(data))
    risky = 0
    problems = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    problems.append(f"{ws.title}!{cell.coordinate} is a formula: {cell.value!r}")
                elif isinstance(cell.value, str) and formula_like(cell.value):
                    risky += 1
                    if not cell.quotePrefix:
                        problems.append(f"{ws.title}!{cell.coordinate} without the quote prefix: {cell.value!r}")
    assert not problems, f"{name}:\n" + "\n".join(problems[:20])
    return risky


def check_csv(data: bytes, name: str) -> int:
    """No field a spreadsheet could read as a formula; returns how many formula-like texts were prefixed."""
    text = data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    prefixed = 0
    problems = []
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if formula_like(value):
                problems.append(f"row {r} column {c}: {value!r}")
            prefixed += value.startswith("'") and formula_like(value[1:])
    assert not problems, f"{name}:\n" + "\n".join(problems[:20])
    return prefixed


# ----------------------------------------------------------------------------- every file Sakip writes


def _admin(demo: Demo) -> Client:
    client = Client()
    client.force_login(demo.user("admin"))
    return client


def _get(demo: Demo, url: str, **params: str) -> bytes:
    response = _admin(demo).get(url, params)
    assert response.status_code == 200, url
    if response.streaming:
        return b"".join(response.streaming_content)  # type: ignore[attr-defined]
    return response.content


def _office_document(kind: str) -> Callable[[Demo, Path], bytes]:
    def make(demo: Demo, tmp: Path) -> bytes:
        return _get(demo, reverse("document-download", args=[demo.office_a.code, YEAR, kind, "xlsx"]))
    return make


def _batch_document(kind: str, *, draft: bool) -> Callable[[Demo, Path], bytes]:
    def make(demo: Demo, tmp: Path) -> bytes:
        from sakip.core.interchange import domain_office
        from sakip.reports.batch import generate

        (f,) = generate(domain_office(demo.office_a), kind, YEAR, ("xlsx",), draft=draft)
        if draft:
            assert "DRAFT" in str(load_workbook(io.BytesIO(f.data)).active["A1"].value)  # type: ignore[index]
        return f.data
    return make


def _import_template(kind: str) -> Callable[[Demo, Path], bytes]:
    def make(demo: Demo, tmp: Path) -> bytes:
        return _get(demo, reverse("import-excel-template", args=[demo.office_a.code, YEAR]), jenis=kind)
    return make


def _empty_import_template(kind: str) -> Callable[[Demo, Path], bytes]:
    def make(demo: Demo, tmp: Path) -> bytes:
        from typer.testing import CliRunner

        from sakip.cli import app

        out = tmp / f"{kind}.xlsx"
        result = CliRunner().invoke(app, ["import", "template", kind, "-o", str(out)])
        assert result.exit_code == 0, result.output
        return out.read_bytes()
    return make


def _office_review(demo: Demo, tmp: Path) -> bytes:
    return _get(demo, reverse("review-office-xlsx", args=[demo.office_a.code, YEAR]))


def _printed_review(demo: Demo, tmp: Path) -> bytes:
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("laporan.yaml", yaml.safe_dump(hostile_printed_report(), allow_unicode=True).encode())
    url = reverse("review-printed", args=[demo.office_a.code])
    response = _admin(demo).post(url, {"file": upload, "format": "xlsx"})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml"), (
        response.content[:2000]
    )
    return response.content


def _printed_filled(demo: Demo, tmp: Path) -> bytes:
    from sakip.dataset.printed_report import write_xlsx

    return write_xlsx(hostile_printed_report(), tmp / "laporan.xlsx").read_bytes()


def _printed_quarterly_filled(demo: Demo, tmp: Path) -> bytes:
    from sakip.dataset.printed_report import write_xlsx

    return write_xlsx(hostile_printed_report(PRINTED_QUARTERLY), tmp / "laporan-tw2.xlsx").read_bytes()


def _printed_template(demo: Demo, tmp: Path) -> bytes:
    return _get(demo, reverse("review-printed-template", args=[demo.office_a.code]))


def _audit(where: str) -> Callable[[Demo, Path], bytes]:
    def make(demo: Demo, tmp: Path) -> bytes:
        url = (reverse("audit-office-export", args=[demo.office_a.code]) if where == "office"
               else reverse("audit-regency-export"))
        return _get(demo, url)
    return make


def _open_data(dataset: str) -> Callable[[Demo, Path], bytes]:
    def make(demo: Demo, tmp: Path) -> bytes:
        response = Client().get(reverse("portal-data-csv", args=[dataset]))
        assert response.status_code == 200
        return response.content
    return make


def _matrix(fmt: str) -> Callable[[Demo, Path], bytes]:
    """The regency's monitoring matrix: office names (and the workflow states and predicates) per period."""
    def make(demo: Demo, tmp: Path) -> bytes:
        return _get(demo, reverse("regency-matrix"), tahun=str(YEAR), unduh=fmt)
    return make


def _regency_lke(demo: Demo, tmp: Path) -> bytes:
    """The regency's LKE summary .xlsx: office names, and a recommendation and its follow-up with formula-like text."""
    from sakip.evaluation.models import Evaluation, Recommendation
    from tests.evaluation.support import make_evaluation

    ev = make_evaluation(demo.office_a, YEAR)
    Evaluation.objects.filter(pk=ev.pk).update(status=Evaluation.Status.EVALUATION)
    Recommendation.objects.filter(evaluation=ev).update(text="=1+1", follow_up_note="@SUM(1)")
    return _get(demo, reverse("regency-lke", args=[YEAR]), unduh="xlsx")


def _survey_template(fmt: str) -> Callable[[Demo, Path], bytes]:
    """The questionnaire template of an instrument: its element names (data of the instrument, no stored text)."""
    def make(demo: Demo, tmp: Path) -> bytes:
        return _get(demo, reverse("survey-template", args=[demo.office_a.code, "permenpan-14-2017", fmt]))
    return make


@dataclass(frozen=True)
class Output:
    site: str  # the writer (module:function) that makes it
    name: str
    make: Callable[[Demo, Path], bytes]
    at_least: int  # formula-like texts it must carry (0: a file without stored text)


OUTPUTS = [
    *(Output("sakip.reports.xlsx:build_" + kind, f"{kind}: office download", _office_document(kind), 3)
      for kind in ("rkt", "matrik")),
    *(Output("sakip.reports.xlsx:build_" + kind, f"{kind}: batch{' draft' * draft}", _batch_document(kind, draft=draft),
             3) for kind in ("rkt", "matrik") for draft in (False, True)),
    Output("sakip.reports.xlsx_rencana_aksi:build_rencana_aksi", "rencana-aksi: office download",
           _office_document("rencana-aksi"), 3),
    *(Output("sakip.reports.xlsx_rencana_aksi:build_rencana_aksi", f"rencana aksi: batch{' draft' * draft}",
             _batch_document("rencana-aksi", draft=draft), 3) for draft in (False, True)),
    *(Output("sakip.importers.kinds:write_template", f"import template {kind}: office data", _import_template(kind), 1)
      for kind in sorted(KINDS)),
    *(Output("sakip.importers.kinds:write_template", f"import template {kind}: empty (CLI)",
             _empty_import_template(kind), 0) for kind in sorted(KINDS) if kind != "sipd"),
    Output("sakip.reviews.output:review_xlsx", "review of the office's data", _office_review, 1),
    Output("sakip.reviews.output:review_xlsx", "review of an uploaded printed report", _printed_review, 3),
    Output("sakip.dataset.printed_xlsx:write_xlsx", "printed report, filled", _printed_filled, 5),
    Output("sakip.dataset.printed_xlsx:write_xlsx", "printed quarterly report, filled", _printed_quarterly_filled, 5),
    Output("sakip.dataset.printed_xlsx:write_xlsx", "printed-report template (download)", _printed_template, 0),
    Output("sakip.audit.views:csv_lines", "audit trail of the office", _audit("office"), 1),
    Output("sakip.audit.views:csv_lines", "audit trail of the regency", _audit("regency"), len(PAYLOADS)),
    *(Output("sakip.portal.views:data_csv", f"open data {dataset}", _open_data(dataset), 1)
      for dataset in ("kinerja", "anggaran")),
    Output("sakip.regency.matrix_views:_xlsx", "monitoring matrix .xlsx", _matrix("xlsx"), 1),
    Output("sakip.regency.matrix_views:_csv", "monitoring matrix CSV", _matrix("csv"), 1),
    Output("sakip.evaluation.regency_xlsx:workbook", "regency LKE summary .xlsx", _regency_lke, 3),
    Output("sakip.surveys.template:template_xlsx", "survey questionnaire template .xlsx", _survey_template("xlsx"), 0),
    Output("sakip.surveys.template:template_csv", "survey questionnaire template CSV", _survey_template("csv"), 0),
]


def test_every_writer_in_the_source_is_generated() -> None:
    sites, breaches = scan_source()
    assert not breaches, "\n".join(breaches)
    assert sites, "the scan found no writer at all"
    missing = sites - {o.site for o in OUTPUTS}
    assert not missing, f"files made here are not generated by this test (add them to OUTPUTS): {sorted(missing)}"
    stale = {o.site for o in OUTPUTS} - sites
    assert not stale, f"OUTPUTS name writers the source no longer has: {sorted(stale)}"


@pytest.mark.parametrize("output", OUTPUTS, ids=[o.name for o in OUTPUTS])
def test_every_generated_file(output: Output, hostile: Demo, db: None, tmp_path: Path) -> None:
    with spy() as seen:
        data = output.make(hostile, tmp_path)
    assert output.site in seen.sites, f"{output.name} was made by {sorted(seen.sites)}, not {output.site}"
    assert not seen.foreign, f"{output.name}: cells written outside sakip.reports.cells:\n" + "\n".join(
        seen.foreign[:20]
    )
    if data[:4] == b"PK\x03\x04":
        assert zipfile.is_zipfile(io.BytesIO(data))
        found = check_workbook(data, output.name)
    else:
        found = check_csv(data, output.name)
    assert found >= output.at_least, f"{output.name}: only {found} formula-like texts (the data did not reach it)"


def test_the_spy_catches_a_cell_written_elsewhere() -> None:
    """The completeness check is only as good as the spy: a direct write is reported, one through cells is not."""
    with spy() as seen:
        ws = Workbook().active
        assert ws is not None
        put_value(ws.cell(1, 1), "=1+1")
        ws.cell(2, 1).value = "=1+1"
        ws.append(["x"])
    assert len(seen.foreign) == 2 and all(__name__ in f for f in seen.foreign)
    assert seen.sites == set()  # made by the test, not by Sakip


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_helpers_on_each_payload(payload: str) -> None:
    assert formula_like(payload)
    assert csv_cell(payload).startswith("'")
    ws = Workbook().active
    assert ws is not None
    cell = put_value(ws.cell(1, 1), payload)
    assert cell.data_type == "s" and cell.quotePrefix and cell.value == payload
    buf = io.StringIO()
    CsvWriter(buf, numbers=[True, False]).writerow(["-2.5", payload])
    assert next(csv.reader(io.StringIO(buf.getvalue()))) == ["-2.5", "'" + payload]
    assert csv_cell("-1", number=True) == "-1" and csv_cell(-1) == "-1"  # a number stays a number
    assert csv_cell("-1") == "'-1"  # in a text column, it is text
    assert not formula_like("Kecamatan Kaloran") and csv_cell("a=b") == "a=b"
