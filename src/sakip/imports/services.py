"""Excel imports against the stored office: validate the whole file, list the changes, apply them all or nothing.

`prepare` reads the workbook (`sakip.importers`), matches every row with the
stored data by code and checks every value with the rules the pages use — numbers
with `core.web.parse_amount` (Indonesian format), targets with
`core.web.parse_target`, quarterly rows with `monitoring.entry.read_row`,
`simulate` and `check_explanations` (an explanation is required below target),
budget amounts with the domain's `budget.BudgetLine` — and collects *every*
problem with its sheet, row and column. It returns an `Outcome`: the problems, or
the changes (created / updated / unchanged per row, old → new; stored items the
file does not name are listed as absent and left alone) and the function that
applies them. A new code creates the item where the kind allows it (Renstra goals,
objectives and indicators — new indicators checked by the plan editor's own
`IndicatorForm`; PK rows and the year's first PK; budget lines from their
Permendagri 90/2019 code); a SIPD report only fills planned lines.

`apply` runs that function in one transaction after the workflow's locks are
checked: `core.web.atomic_checked` (rolled back if the stored office no longer loads
in the domain), or, for quarterly realisations, a plain transaction — `prepare`
already ran the domain's scorecard with every new value in place. Re-importing the
same file changes nothing: rows equal to what is stored are "unchanged" and nothing
is written for them. Audit entries come from the model signals, or (bulk writes of
realisations) one entry per imported row.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import DecimalField, Field, Max, Model
from django.http import QueryDict
from django.utils import timezone

from sakip.accounts.models import Office
from sakip.agreements import quarter_targets
from sakip.agreements.models import PkTarget, PkVersion
from sakip.audit.context import current as audit_context
from sakip.audit.models import Action, AuditEntry
from sakip.audit.recorder import batch as audit_batch
from sakip.audit.recorder import plain as audit_plain
from sakip.budgeting.models import BudgetLine, BudgetYear, LineQuarter
from sakip.core.concurrency import lock_office
from sakip.core.fields import check_exact
from sakip.core.interchange import domain_office
from sakip.core.services import explanation_policy
from sakip.core.web import (
    Rollback,
    atomic_checked,
    current_plan,
    input_text,
    issue_text,
    parse_amount,
    parse_target,
    stored_target_text,
)
from sakip.dataset.loader import DatasetError
from sakip.domain import budget as budget_rules
from sakip.domain.errors import BudgetError, DomainError
from sakip.domain.office import Measurement as DomainMeasurement
from sakip.domain.office import YearData as DomainYear
from sakip.domain.periods import QUARTERS
from sakip.importers.kinds import (
    ANGGARAN,
    INDIKATOR,
    KINDS,
    KOMPONEN,
    PK,
    POLARITY_TEXT,
    REALISASI,
    ROLLUP_TEXT,
    SASARAN,
    TUJUAN,
    read_sipd,
    renstra_indicators,
    write_template,
)
from sakip.importers.workbook import (
    Limits,
    Problem,
    Record,
    SheetSpec,
    WorkbookRefused,
    open_workbook,
    read_sheet,
)
from sakip.monitoring.entry import (
    Row,
    _put,
    _quarter_changed,
    build_quarter_rows,
    check_explanations,
    entry_indicators,
    ind_inputs,
    read_row,
    simulate,
)
from sakip.monitoring.models import IndicatorYear, InputValue, Quarter
from sakip.planning.forms import check_code
from sakip.planning.models import Goal, Indicator, Objective, PlanPeriod, Target
from sakip.regency.figures import bump as bump_figures

from . import pk_quarters, versions

QUARTER_NAMES = {1: "TW I", 2: "TW II", 3: "TW III", 4: "TW IV"}

CREATED = "created"
UPDATED = "updated"
UNCHANGED = "unchanged"
ABSENT = "absent"  # stored, not in the file: left as it is (an import never deletes)
ACTION_LABELS = {CREATED: "baru", UPDATED: "berubah", UNCHANGED: "tetap", ABSENT: "tidak ada di berkas, tidak diubah"}


def limits() -> Limits:
    return Limits(
        max_bytes=int(getattr(settings, "SAKIP_IMPORT_MAX_BYTES", 10 * 1024 * 1024)),
        max_rows=int(getattr(settings, "SAKIP_IMPORT_MAX_ROWS", 20_000)),
        max_uncompressed=int(getattr(settings, "SAKIP_IMPORT_MAX_UNCOMPRESSED", 200 * 1024 * 1024)),
    )


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class Change:
    sheet: str
    row: int | None
    code: str
    label: str
    action: str
    fields: list[FieldChange] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "code": self.code,
            "label": self.label,
            "action": self.action,
            "fields": [{"field": f.label, "old": f.old, "new": f.new} for f in self.fields],
        }


@dataclass
class Outcome:
    kind: str
    year: int
    problems: list[Problem] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    apply: Callable[[], None] | None = None
    applied: bool = False
    #: the version tokens of the rows the file names, read before they were matched (`imports.versions`)
    versions: dict[str, str] = field(default_factory=dict)
    #: the rows changed since then, when `apply` refused for that reason
    stale: list[str] = field(default_factory=list)
    #: accepted, but the operator is told (a row below target without explanation under "peringatan")
    warnings: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(ACTION_LABELS, 0)
        for c in self.changes:
            out[c.action] += 1
        return out

    @property
    def has_changes(self) -> bool:
        return any(c.action in (CREATED, UPDATED) for c in self.changes)

    def digest(self) -> str:
        payload = json.dumps([c.as_dict() for c in self.changes], sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(payload.encode()).hexdigest()

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "year": self.year,
            "ok": self.ok,
            "applied": self.applied,
            "counts": self.counts,
            "problems": [p.as_dict() for p in self.problems],
            "warnings": [w.as_dict() for w in self.warnings],
            "changes": [c.as_dict() for c in self.changes],
        }


class _Ctx:
    """What one preparation collects: problems, changes and the writes to run."""

    def __init__(self, office: Office, year: int, user: Any) -> None:
        self.office = office
        self.year = year
        self.user = user
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []
        self.changes: list[Change] = []
        self._cells: set[tuple[str | None, int | None, str]] = set()
        self._seen = 0

    def problem(
        self, message: str, rec: Record | None = None, key: str | None = None, sheet: str | None = None
    ) -> None:
        """One problem, located. A cell that already has one (its reading: a formula, a value of the wrong
        kind) gets no second: the value read from it is empty, and «… wajib diisi» would only repeat it."""
        column = rec.letters.get(key) if rec is not None and key else None
        if rec is not None and column is not None and (rec.sheet, rec.row, column) in self._cells_with_problems():
            return
        self.problems.append(
            Problem(message, sheet=rec.sheet if rec else sheet, row=rec.row if rec else None, column=column)
        )

    def _cells_with_problems(self) -> set[tuple[str | None, int | None, str]]:
        if self._seen < len(self.problems):
            for p in self.problems[self._seen :]:
                if p.column is not None:
                    self._cells.add((p.sheet, p.row, p.column))
            self._seen = len(self.problems)
        return self._cells

    def locked(self, check: Callable[[], None], where: Iterable[tuple[Record, str | None]], sheet: str) -> None:
        """``check`` (a workflow lock check) refused: its message on every cell of ``where`` (the rows that would
        change the frozen period), or on the sheet when no row names it (a PK version made for the file)."""
        from sakip.workflow.services import PeriodLocked

        try:
            check()
        except PeriodLocked as exc:
            message = " ".join(exc.messages)
            places = list(where)
            for rec, key in places:
                column = rec.letters.get(key) if key else None
                self.problems.append(Problem(message, sheet=rec.sheet, row=rec.row, column=column))
            if not places:
                self.problems.append(Problem(message, sheet=sheet))

    def warn(self, message: str, rec: Record, key: str) -> None:
        """Something accepted that the operator must still be told (nothing is refused)."""
        self.warnings.append(Problem(message, sheet=rec.sheet, row=rec.row, column=rec.letters.get(key)))

    def amount(self, rec: Record, key: str, label: str) -> Decimal | None:
        v = rec.values.get(key)
        if v is None:
            return None
        try:
            if isinstance(v, Decimal):
                check_exact(v)
                return v
            return parse_amount(v, label)
        except ValidationError as exc:
            self.problem(" ".join(exc.messages), rec, key)
            return None


def _text(v: Decimal | None) -> str:
    return input_text(v) if v is not None else ""


def _duplicates(ctx: _Ctx, recs: Iterable[Record], key: Callable[[Record], Any], what: str) -> set[Any]:
    seen: dict[Any, int] = {}
    dup: set[Any] = set()
    for rec in recs:
        k = key(rec)
        if k in seen:
            ctx.problem(
                f"{what} sudah ada di baris {seen[k]}; setiap {what.lower()} hanya boleh satu baris.", rec, "code"
            )
            dup.add(k)
        else:
            seen[k] = rec.row
    return dup


# ----------------------------------------------------------------------------- entry point


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while a whole file is checked or stored.

    A 10,000-row import allocates hundreds of thousands of objects, and each automatic
    collection walks every live one: about a tenth of the check and a third of a
    re-import's time. Reference counting still frees everything that is not a cycle;
    the collector runs again as usual afterwards.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def prepare(office: Office, kind: str, year: int, data: bytes, *, filename: str = "", user: Any = None) -> Outcome:
    """Read and check the whole file; the outcome lists every problem, or every change and how to apply them."""
    with _gc_paused():
        return _prepare(office, kind, year, data, filename=filename, user=user)


def _prepare(office: Office, kind: str, year: int, data: bytes, *, filename: str, user: Any) -> Outcome:
    if kind not in KINDS:
        return Outcome(kind, year, [Problem(f"Jenis impor «{kind}» tidak dikenal.")])
    lim = limits()
    ctx = _Ctx(office, year, user)
    tokens = versions.scope(office, kind, year)  # before the stored data is read: never newer than what is shown
    try:
        wb = open_workbook(data, lim, filename)
    except WorkbookRefused as exc:
        return Outcome(kind, year, exc.problems)
    apply_fn: Callable[[], None] | None = None
    try:
        if current_plan(office) is None and kind != "renstra":  # the Renstra import makes the plan period
            ctx.problem("Perangkat daerah ini belum punya rencana strategis; buat atau impor Renstra terlebih dahulu.")
        elif kind == "realisasi":
            apply_fn = _realisasi(ctx, wb, lim)
        elif kind == "anggaran":
            apply_fn = _budget(ctx, read_sheet(wb, ANGGARAN, lim, ctx.problems), quarterly=True)
        elif kind == "sipd":
            apply_fn = _budget(ctx, read_sipd(wb, lim, ctx.problems), quarterly=False)
        elif kind == "pk":
            apply_fn = _pk(ctx, wb, lim)
        else:
            apply_fn = _renstra(ctx, wb, lim)
    except WorkbookRefused as exc:
        return Outcome(kind, year, exc.problems)
    except (DatasetError, DomainError) as exc:
        issues = [issue_text(i) for i in exc.issues] if isinstance(exc, DatasetError) else [str(exc)]
        return Outcome(kind, year, [Problem("Data tersimpan tidak dapat dihitung: " + "; ".join(issues))])
    finally:
        wb.close()
    if ctx.problems:
        return Outcome(kind, year, ctx.problems, ctx.changes)
    return Outcome(
        kind,
        year,
        [],
        ctx.changes,
        apply_fn,
        versions=versions.previewed(kind, ctx.changes, tokens),
        warnings=sorted(ctx.warnings, key=lambda w: (w.sheet or "", w.row or 0)),  # per row, its quarters in order
    )


class _Stale(Exception):
    def __init__(self, keys: list[str]) -> None:
        super().__init__(", ".join(keys))
        self.keys = keys


STALE_MESSAGE = "Data berubah sejak pratinjau; unggah ulang. Tidak ada yang disimpan. Baris yang berubah: "


@contextmanager
def _locked_transaction(office: Office) -> Iterator[None]:
    with transaction.atomic():
        lock_office(office)
        yield


def apply(office: Office, outcome: Outcome, expected: Mapping[str, str] | None = None) -> Outcome:
    """Store the outcome's changes in one transaction (nothing when there is nothing to change).

    Under the office's lock, the rows the file names must still have the versions ``expected``
    (those recorded at the preview; by default the outcome's own, read by `prepare`): a row
    changed or made since refuses everything (`Outcome.stale`).
    """
    if not outcome.ok or outcome.apply is None:
        return outcome
    if not outcome.has_changes:
        outcome.applied = True
        return outcome
    from sakip.workflow.services import PeriodLocked

    wanted = outcome.versions if expected is None else expected
    try:
        # the quarterly rows were put into the domain by `simulate` before: the stored office loads with them
        guard = _locked_transaction(office) if outcome.kind == "realisasi" else atomic_checked(office)
        with _gc_paused(), guard, audit_batch():
            changed = versions.stale(office, outcome.kind, outcome.year, wanted)
            if changed:
                raise _Stale(changed)
            outcome.apply()
    except _Stale as exc:
        refuse_stale(outcome, exc.keys)
        return outcome
    except Rollback as exc:
        outcome.problems = [Problem("Tidak ada yang disimpan: " + issue) for issue in exc.issues]
        return outcome
    except PeriodLocked as exc:
        outcome.problems = [Problem(" ".join(exc.messages))]
        return outcome
    outcome.applied = True
    return outcome


def refuse_stale(outcome: Outcome, keys: list[str]) -> None:
    """The outcome refused because these rows changed since its preview (nothing stored)."""
    outcome.stale = versions.describe(outcome.kind, outcome.changes, keys)
    outcome.problems = [Problem(STALE_MESSAGE + "; ".join(outcome.stale) + ".")]


def changed_since(outcome: Outcome, previewed: Mapping[str, str]) -> list[str]:
    """The keys of the rows whose version differs between the preview and this (later) preparation."""
    keys = set(previewed) | set(outcome.versions)
    return sorted(k for k in keys if previewed.get(k, "-") != outcome.versions.get(k, "-"))


def run(
    office: Office, kind: str, year: int, data: bytes, *, filename: str = "", user: Any = None, dry_run: bool = False
) -> Outcome:
    outcome = prepare(office, kind, year, data, filename=filename, user=user)
    if dry_run or not outcome.ok:
        return outcome
    return apply(office, outcome)


# ----------------------------------------------------------------------------- quarterly realisations


def _realisasi(ctx: _Ctx, wb: Any, lim: Limits) -> Callable[[], None] | None:
    # every problem of the file in one report: the cells' own (formulas, kinds of value), then the codes, the
    # values and the locks of the rows read; a cell with a problem counts as empty (`_Ctx.problem`)
    recs = read_sheet(wb, REALISASI, lim, ctx.problems)
    comps = read_sheet(wb, KOMPONEN, lim, ctx.problems, required=False)
    office, year = ctx.office, ctx.year
    domain = domain_office(office)
    # the four quarters' rows from one read of the stored data (no evidence files: not shown here)
    by_q: dict[int, dict[str, Row]] = {
        q: {row.indicator.code: row for row in rows}
        # the workbook's one «Penjelasan» column is the indicator's year text (the annual report's)
        for q, rows in build_quarter_rows(
            office, year, QUARTERS, domain, evidence=False, annual_explanation=True
        ).items()
    }
    if not by_q[1]:
        ctx.problem(f"Tidak ada indikator untuk tahun {year} (Perjanjian Kinerja atau Renstra).")
        return None
    # the workbook's «Realisasi (predikat)» is a qualitative indicator's year grade (``annual_grade``),
    # not TW IV's quarter grade: the TW IV rows carry the stored year grade
    for year_row in by_q[4].values():
        if year_row.qualitative:
            year_row.grade_text = year_row.stored.annual_grade if year_row.stored is not None else ""
    # the stored grade and explanation (the rows' texts change as the file is read)
    old: dict[str, tuple[str, str]] = {
        code: (by_q[4][code].grade_text, row.explanation) for code, row in by_q[1].items()
    }
    dup = _duplicates(ctx, recs, lambda r: r.text("code"), "Kode indikator")
    comp_at: dict[tuple[str, str], Record] = {}
    for c in comps:
        code, name = c.text("code"), c.text("input")
        row = by_q[1].get(code)
        if row is None:
            ctx.problem(f"Kode indikator «{code}» tidak ada pada indikator tahun {year}.", c, "code")
        elif not row.has_formula:
            ctx.problem(f"Indikator {code} tidak memakai rumus; isi realisasinya di lembar «Realisasi».", c, "code")
        elif name not in ind_inputs(row.definition):
            ctx.problem(
                f"«{name}» bukan komponen rumus indikator {code} (komponen: {', '.join(ind_inputs(row.definition))}).",
                c,
                "input",
            )
        elif (code, name) in comp_at:
            ctx.problem(f"Komponen {name} indikator {code} sudah ada di baris {comp_at[code, name].row}.", c, "input")
        else:
            comp_at[code, name] = c
    data: dict[int, QueryDict] = {q: QueryDict(mutable=True) for q in QUARTERS}
    in_file: dict[str, Record] = {}
    given: dict[int, set[str]] = {q: set() for q in QUARTERS}
    for rec in recs:
        code = rec.text("code")
        first = by_q[1].get(code)
        if first is None:
            ctx.problem(
                f"Kode indikator «{code}» tidak dikenal: bukan indikator Perjanjian Kinerja/Renstra tahun {year}.",
                rec,
                "code",
            )
            continue
        if code in dup:
            continue
        in_file[code] = rec
        grade = rec.values.get("grade")
        if grade is not None and not first.qualitative:
            ctx.problem(f"Indikator {code} bukan indikator kualitatif; kosongkan «Realisasi (predikat)».", rec, "grade")
        for q in QUARTERS:
            row = by_q[q][code]
            v = rec.values.get(f"tw{q}")
            if v is not None:
                if row.qualitative:
                    ctx.problem(
                        f"Indikator {code} kualitatif: isi «Realisasi (predikat)», bukan angka triwulan.", rec, f"tw{q}"
                    )
                elif row.has_formula:
                    ctx.problem(
                        f"Indikator {code} dihitung dengan rumus: isi komponennya di lembar «Komponen».", rec, f"tw{q}"
                    )
                else:
                    _set_text(data[q], row.field_name("v"), _cell_text(v))
                    given[q].add(code)
            if row.has_formula:
                for name in ind_inputs(row.definition):
                    crec = comp_at.get((code, name))
                    cv = crec.values.get(f"tw{q}") if crec is not None else None
                    if cv is not None:
                        _set_text(data[q], row.field_name("i", name), _cell_text(cv))
                        given[q].add(code)
            if rec.values.get("explanation") is not None:
                _set_text(data[q], row.field_name("e"), rec.text("explanation"))
        if first.qualitative and grade is not None:
            data[4][by_q[4][code].field_name("g")] = str(grade)
            given[4].add(code)
    for pair in comp_at.keys() - {(c, n) for c in in_file for n in ind_inputs(by_q[1][c].definition)}:
        ctx.problem(
            f"Indikator {pair[0]} ada di lembar «Komponen» tetapi tidak di lembar «Realisasi»; "
            "tambahkan barisnya (kode saja cukup).",
            comp_at[pair],
            "code",
        )
    # the page's own reading and checks (the rows matched above; every error is collected): each quarter's
    # typed values go into the domain office, and one scorecard gives every quarter's achievement (a
    # quarter's figures depend on the quarters up to it only), as `simulate` does for one quarter
    for q in QUARTERS:
        for code in in_file:
            read_row(by_q[q][code], data[q], None)
    for q in QUARTERS:
        for code in in_file:
            row = by_q[q][code]
            if row.has_errors:
                continue
            if q == 4 and row.qualitative:  # the year grade
                yd = domain.years.setdefault(year, DomainYear(year))
                yd.measurements.setdefault(code, DomainMeasurement()).annual = row.grade_text or None
            else:
                _put(domain, year, q, row)
    scorecard = simulate(domain, year, 4, [by_q[4][code] for code in in_file], typed=False)
    scores = {s.indicator.id: s for s in scorecard.indicators}
    for q in (1, 2, 3):
        for code in in_file:
            row = by_q[q][code]
            row.score = scores.get(code)
            row.quarter_score = (
                next((qs for qs in row.score.quarters if qs.quarter == q), None) if row.score is not None else None
            )
    for q in QUARTERS:
        check_explanations([by_q[q][code] for code in given[q]], q, explanation_policy(office, year))
        for code, rec in in_file.items():
            row = by_q[q][code]
            for name, messages in row.errors.items():
                for m in messages:
                    _realisasi_problem(ctx, rec, comp_at, row, q, name, m)
            for w in row.warnings:  # the regency's rule is "peringatan": imported, and listed per row
                ctx.warn(f"{QUARTER_NAMES[q]}, indikator {code}: {w}", rec, "explanation")
    touched: set[int] = set()
    # the cells that would change each quarter (a frozen quarter's problem is located on them)
    touching: dict[int, list[tuple[Record, str | None]]] = {q: [] for q in QUARTERS}
    for code, rec in in_file.items():
        fields: list[FieldChange] = []
        erroneous = any(by_q[q][code].has_errors for q in QUARTERS)  # its problems are listed; no change shown
        for q in QUARTERS:
            row = by_q[q][code]
            if row.has_errors:
                if code in given[q]:  # the row means to change the quarter: a frozen one is said on this cell too
                    touched.add(q)
                    touching[q].append((rec, f"tw{q}"))
                continue
            before_fields = len(fields)
            q_row = row.quarter_row  # what is stored (compared as numbers, shown as input text)
            if row.has_formula:
                stored_inputs = {iv.input.name: iv.value for iv in q_row.inputs.all()} if q_row else {}
                for name in ind_inputs(row.definition):
                    before, after = stored_inputs.get(name), row.inputs.get(name)
                    if before != after:
                        fields.append(FieldChange(f"{name} {QUARTER_NAMES[q]}", _text(before), _text(after)))
                        touched.add(q)
            elif not row.qualitative:
                before = q_row.value if q_row else None
                if before != row.value:
                    fields.append(FieldChange(f"Realisasi {QUARTER_NAMES[q]}", _text(before), _text(row.value)))
                    touched.add(q)
            if len(fields) > before_fields:
                touching[q].append((rec, f"tw{q}"))
        last = by_q[4][code]
        if last.qualitative and old[code][0] != last.grade_text:
            fields.append(FieldChange("Realisasi (predikat)", old[code][0], last.grade_text))
            touched.add(4)
            touching[4].append((rec, "grade"))
        if old[code][1] != by_q[1][code].explanation:
            fields.append(FieldChange("Penjelasan", old[code][1], by_q[1][code].explanation))
            quarters_given = {q for q in QUARTERS if code in given[q]}
            touched.update(quarters_given or {4})
            for q in quarters_given or {4}:
                if not any(r is rec for r, _k in touching[q]):
                    touching[q].append((rec, "explanation"))
        if erroneous:
            continue
        stored = by_q[1][code].stored
        action = UNCHANGED if not fields else (CREATED if stored is None else UPDATED)
        ctx.changes.append(Change(rec.sheet, rec.row, code, by_q[1][code].indicator.name, action, fields))
    from sakip.workflow.services import ensure_editable

    for q in sorted(touched):
        ctx.locked(lambda q=q: ensure_editable(office, year, "quarter", q), touching[q], REALISASI.name)  # type: ignore[misc]
    if ctx.problems:
        return None
    changed = {c.code: c for c in ctx.changes if c.action != UNCHANGED}

    def write() -> None:
        for q in sorted(touched):
            ensure_editable(office, year, "quarter", q)
        _write_realisations(office, year, ctx.user, by_q, changed)

    return write


def _write_realisations(
    office: Office, year: int, user: Any, by_q: dict[int, dict[str, Row]], changed: dict[str, Change]
) -> None:
    """Store the changed rows as `monitoring.entry.save_rows` does, in bulk (10,000 rows in one go).

    Same semantics: a quarter is written only when its value changed (an unchanged
    quarter keeps who entered it and when); formula quarters store their inputs, not a
    value; the explanation and a qualitative grade live on the indicator's year. The
    years, quarters and audit entries are written with multi-row SQL statements
    (`_insert`, `_update`: placeholders, values prepared by each model field as the ORM
    does) — Django's ``bulk_create`` spent seconds building 60,000 model instances.
    Bulk writes send no model signals, so the audit entries are recorded here, one per
    imported row (`_audit_rows`), and the regency's cached figures are invalidated once.
    """
    codes = list(changed)
    now = timezone.now()
    who = user.pk if getattr(user, "is_authenticated", False) else None
    # the indicators' years: new ones inserted, changed ones updated (explanation, qualitative grade)
    year_ids: dict[str, int] = {}
    new_years: list[tuple[int, int, str, str]] = []
    year_updates: list[dict[str, Any]] = []
    for code in codes:
        first, last = by_q[1][code], by_q[4][code]
        grade = last.grade_text if last.qualitative else None
        iy = first.stored
        if iy is None:
            new_years.append((first.indicator.pk, year, first.explanation, grade or ""))
            continue
        year_ids[code] = iy.pk
        if iy.explanation != first.explanation or (grade is not None and iy.annual_grade != grade):
            year_updates.append(
                {
                    "id": iy.pk,
                    "explanation": first.explanation,
                    "annual_grade": grade if grade is not None else iy.annual_grade,
                }
            )
    created_years = {code for code in codes if by_q[1][code].stored is None}
    if new_years:
        by_indicator = {
            row[1]: row[0]
            for row in _insert(
                IndicatorYear,
                ("indicator_id", "year", "explanation", "annual_grade"),
                new_years,
                now,
                returning=("id", "indicator_id"),
            )
        }
        for code in created_years:
            year_ids[code] = by_indicator[by_q[1][code].indicator.pk]
    _update(IndicatorYear, year_updates, now, ("explanation", "annual_grade"))
    # the quarters whose value changed (a formula quarter: its inputs below)
    new_quarters: list[tuple[int, int, Decimal | None, int | None, Any]] = []
    quarter_updates: list[dict[str, Any]] = []
    pending_inputs: list[tuple[str, int, Row]] = []
    for q in QUARTERS:
        for code in codes:
            row = by_q[q][code]
            if row.qualitative or not _quarter_changed(row):
                continue
            value = None if row.has_formula else row.value
            if row.quarter_row is None:
                new_quarters.append((year_ids[code], q, value, who, now))
            else:
                quarter_updates.append(
                    {"id": row.quarter_row.pk, "value": value, "entered_by_id": who, "entered_at": now}
                )
            if row.has_formula:
                pending_inputs.append((code, q, row))
    quarter_ids: dict[tuple[int, int], int] = {}
    if new_quarters:
        names = ("indicator_year_id", "quarter", "value", "entered_by_id", "entered_at")
        # the new quarters' ids only when formula inputs are to be stored under them
        back = ("id", "indicator_year_id", "quarter") if pending_inputs else ()
        returned = _insert(Quarter, names, new_quarters, now, returning=back)
        quarter_ids = {(y, q): qid for qid, y, q in returned}
    _update(Quarter, quarter_updates, now, ("value", "entered_by_id", "entered_at"))
    # formula inputs (few rows: through the ORM)
    new_inputs: list[InputValue] = []
    changed_inputs: list[InputValue] = []
    gone: list[InputValue] = []
    for code, q, row in pending_inputs:
        stored_q = row.quarter_row
        existing = {iv.input.name: iv for iv in stored_q.inputs.all()} if stored_q is not None else {}
        qid = stored_q.pk if stored_q is not None else quarter_ids[year_ids[code], q]
        for fi in row.indicator.inputs.all():
            v = row.inputs.get(fi.name)
            iv = existing.get(fi.name)
            if v is None:
                if iv is not None:
                    gone.append(iv)
            elif iv is None:
                new_inputs.append(InputValue(quarter_id=qid, input=fi, value=v))
            elif iv.value != v:
                iv.value = v
                changed_inputs.append(iv)
    InputValue.objects.filter(pk__in=[iv.pk for iv in gone]).delete()
    InputValue.objects.bulk_create(new_inputs, batch_size=500)
    InputValue.objects.bulk_update(changed_inputs, ["value"], batch_size=500)
    # one audit entry per imported row (the indicator's year), with the row's changes as previewed
    _insert(AuditEntry, *_audit_rows(office, year, user, codes, created_years, year_ids, changed), now)
    if new_years or year_updates or new_quarters or quarter_updates or new_inputs or changed_inputs or gone:
        bump_figures(office.pk, year)  # the office-year's generation and kept figures (sakip.regency.generations)


_AUDIT_COLUMNS = (
    "model",
    "object_id",
    "object_repr",
    "office_id",
    "office_name",
    "regency_id",
    "action",
    "changes",
    "comment",
    "user_id",
    "user_name",
    "ip",
    "user_agent",
)


def _audit_rows(
    office: Office,
    year: int,
    user: Any,
    codes: list[str],
    created: set[str],
    year_ids: dict[str, int],
    changed: dict[str, Change],
) -> tuple[tuple[str, ...], list[tuple[Any, ...]]]:
    """The entries `sakip.audit.recorder.record` writes for these rows (same actor, fields and values), as rows."""
    ctx = audit_context()
    user_id, user_name = ctx.user()
    if user is not None and getattr(user, "is_authenticated", False):
        user_id, user_name = user.pk, user.get_username()
    model = IndicatorYear._meta.label
    create, update = str(Action.CREATE.value), str(Action.UPDATE.value)
    rows = [
        (
            model,
            str(year_ids[code])[:64],
            f"{code} {year}"[:300],
            office.pk,
            office.name,
            office.regency_id,
            create if code in created else update,
            audit_plain({f.label: [f.old or None, f.new or None] for f in changed[code].fields}),
            "Impor Excel",
            user_id,
            user_name[:150],
            ctx.ip,
            ctx.user_agent[:255],
        )
        for code in codes
    ]
    return _AUDIT_COLUMNS, rows


def _prepared(model: type[Model], now: Any) -> tuple[dict[str, Field[Any, Any]], dict[str, Any]]:
    """The model's concrete fields (by attribute name) and each one's default as a database value.

    Automatic dates (``auto_now``, ``auto_now_add``) are ``now``; defaults are
    prepared once per statement, the given values once each, by the field as
    ``Model.save`` does.
    """
    from django.db import connections, router

    connection = connections[router.db_for_write(model)]
    fields = {f.attname: f for f in model._meta.concrete_fields if not f.primary_key}
    defaults: dict[str, Any] = {}
    for name, f in fields.items():
        auto = getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        default = now if auto else f.get_default()
        defaults[name] = f.get_db_prep_save(default, connection)
    return fields, defaults


def _insert(
    model: type[Model],
    names: tuple[str, ...],
    rows: list[tuple[Any, ...]],
    now: Any,
    *,
    returning: tuple[str, ...] = (),
) -> list[tuple[Any, ...]]:
    """Insert ``rows`` (values of the attributes ``names``; other columns take their default) in multi-row statements.

    Values go as parameters, never into the SQL text; ``returning`` columns of the
    inserted rows are given back (in no particular order: SQLite and PostgreSQL).
    """
    from django.db import connections, router

    if not rows:
        return []
    connection = connections[router.db_for_write(model)]
    fields, defaults = _prepared(model, now)
    rest = tuple(n for n in fields if n not in names)
    tail_values = [defaults[n] for n in rest]
    # the given columns a value must be prepared for (decimals, dates, JSON …): the others go as they are
    prepare = [(i, fields[n]) for i, n in enumerate(names) if fields[n].get_internal_type() not in _PLAIN]
    qn = connection.ops.quote_name
    columns = {f.attname: _column(f) for f in model._meta.concrete_fields}
    head = f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(columns[n]) for n in (*names, *rest))}) VALUES "
    tail = " RETURNING " + ", ".join(qn(columns[n]) for n in returning) if returning else ""
    one = "(" + ", ".join(["%s"] * (len(names) + len(rest))) + ")"
    # SQLite runs one prepared single-row statement over all rows fastest (no RETURNING then); PostgreSQL and
    # RETURNING take multi-row statements
    single = connection.vendor == "sqlite" and not returning
    size = len(rows) if single else max(1, min(500, connection.ops.bulk_batch_size(list(fields.values()), rows)))
    out: list[tuple[Any, ...]] = []
    last: dict[int, tuple[Any, Any]] = {}  # per column: the last value and its database value (`now` in every row)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            chunk = rows[start : start + size]
            params: list[list[Any]] = []
            for row in chunk:
                values = list(row)
                for i, f in prepare:
                    v = values[i]
                    seen = last.get(i)
                    if seen is not None and seen[0] is v:
                        values[i] = seen[1]
                    else:
                        values[i] = _db_value(f, v, connection)
                        last[i] = (v, values[i])
                values += tail_values
                params.append(values)
            if single:
                cursor.executemany(head + one, params)
                continue
            cursor.execute(head + ", ".join([one] * len(chunk)) + tail, [v for values in params for v in values])
            if returning:
                out.extend(tuple(r) for r in cursor.fetchall())
    return out


def _update(model: type[Model], rows: list[dict[str, Any]], now: Any, columns: tuple[str, ...]) -> None:
    """``UPDATE … WHERE id = …`` for each row (``id`` and ``columns``; automatic dates set to ``now``)."""
    from django.db import connections, router

    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    fields, defaults = _prepared(model, now)
    auto = [n for n, f in fields.items() if getattr(f, "auto_now", False) and n not in columns]
    qn = connection.ops.quote_name
    pk = model._meta.pk
    assert pk is not None
    sets = ", ".join(f"{qn(_column(fields[n]))} = %s" for n in (*columns, *auto))
    if "version" in fields and "version" not in columns:  # a versioned row (core.concurrency): one more version
        sets += f", {qn('version')} = {qn('version')} + 1"
    sql = f"UPDATE {qn(model._meta.db_table)} SET {sets} WHERE {qn(_column(pk))} = %s"
    params = [
        [
            *(_db_value(fields[n], row[n], connection) if n in row else defaults[n] for n in columns),
            *(defaults[n] for n in auto),
            row["id"],
        ]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _column(f: Field[Any, Any]) -> str:
    assert f.column is not None
    return f.column


# field types whose database value is the Python int or str itself (no preparation to repeat 50,000 times)
_PLAIN = {
    "CharField",
    "TextField",
    "ForeignKey",
    "IntegerField",
    "SmallIntegerField",
    "BigIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
}


def _db_value(f: Field[Any, Any], value: Any, connection: Any) -> Any:
    """A value as the field stores it (``Model.save`` prepares each value so); None, ints and text as they are."""
    if value is None or (type(value) in (int, str) and f.get_internal_type() in _PLAIN):
        return value
    if type(value) is Decimal and isinstance(f, DecimalField) and value.is_finite():
        # DecimalField.get_db_prep_save without its to_python, the identity for a finite Decimal
        return connection.ops.adapt_decimalfield_value(value, f.max_digits, f.decimal_places)
    return f.get_db_prep_save(value, connection)


def _set_text(data: QueryDict, name: str, text: str) -> None:
    """``data[name] = text`` in a mutable QueryDict: what its ``__setitem__`` stores (a one-value list), for
    text keys and values, without its per-item checks (80,000 items for a 10,000-row file)."""
    dict.__setitem__(cast("dict[str, list[str]]", data), name, [text])


def _cell_text(v: Decimal | str) -> str:
    return input_text(v) if isinstance(v, Decimal) else v


def _realisasi_problem(
    ctx: _Ctx, rec: Record, comp_at: Mapping[tuple[str, str], Record], row: Row, q: int, name: str, message: str
) -> None:
    code = row.indicator.code
    if name == "v":
        ctx.problem(f"{QUARTER_NAMES[q]}: {message}", rec, f"tw{q}")
    elif name.startswith("i-") and (code, name[2:]) in comp_at:
        ctx.problem(f"{QUARTER_NAMES[q]}: {message}", comp_at[code, name[2:]], f"tw{q}")
    elif name == "g":
        ctx.problem(message, rec, "grade")
    elif name == "e":
        ctx.problem(f"{QUARTER_NAMES[q]}: {message}", rec, "explanation")
    else:
        ctx.problem(f"{QUARTER_NAMES[q]}: {message}", rec, "code")


# ----------------------------------------------------------------------------- budget

# the code shapes of Permendagri 90/2019 (urusan and bidang may be X for the cross-affairs programs):
# program U.BB.PP, activity U.BB.PP.K.KK, sub-activity U.BB.PP.K.KK.SSSS (older nomenclature: two digits)
_PROGRAM_CODE = r"[0-9Xx]\.[0-9Xx]{2}\.[0-9]{2}"
_ACTIVITY_CODE = _PROGRAM_CODE + r"\.[0-9]\.[0-9]{2}"
_CODE_SHAPES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(f"^{_PROGRAM_CODE}$"), BudgetLine.Level.PROGRAM),
    (re.compile(f"^{_ACTIVITY_CODE}$"), BudgetLine.Level.ACTIVITY),
    (re.compile(f"^{_ACTIVITY_CODE}\\.(?:[0-9]{{4}}|[0-9]{{2}})$"), BudgetLine.Level.SUB_ACTIVITY),
)
_PARENT_LEVEL: dict[str, str] = {
    BudgetLine.Level.ACTIVITY: BudgetLine.Level.PROGRAM,
    BudgetLine.Level.SUB_ACTIVITY: BudgetLine.Level.ACTIVITY,
}
_LEVEL_NAMES: dict[str, str] = {
    BudgetLine.Level.PROGRAM: "program",
    BudgetLine.Level.ACTIVITY: "kegiatan",
    BudgetLine.Level.SUB_ACTIVITY: "sub kegiatan",
}


def budget_code_shape(code: str) -> tuple[str, str | None] | None:
    """A new line's level and parent code from its Permendagri 90/2019 code; ``None`` when it has not that shape."""
    for pattern, level in _CODE_SHAPES:
        if pattern.match(code):
            if level == BudgetLine.Level.PROGRAM:
                return level, None
            drop = 2 if level == BudgetLine.Level.ACTIVITY else 1
            return level, code.rsplit(".", drop)[0]
    return None


@dataclass
class _NewLine:
    rec: Record
    code: str
    name: str
    level: str
    parent: str | None


def _budget(ctx: _Ctx, recs: list[Record], *, quarterly: bool) -> Callable[[], None] | None:
    """Budget lines matched by code. The allocation template (``quarterly``) also creates lines with a new code;
    a SIPD realisation report only fills lines already planned (an unknown code is an error)."""
    office, year = ctx.office, ctx.year
    creating = quarterly
    budget = BudgetYear.objects.filter(office=office, year=year).first()
    if budget is None and not creating:
        ctx.problem(
            f"Belum ada anggaran tahun {year}; tambahkan baris anggaran dengan templat anggaran atau di halaman "
            "Anggaran terlebih dahulu."
        )
        return None
    lines = {line.code: line for line in budget.lines.prefetch_related("quarters", "amendments")} if budget else {}
    parents = {line.parent_id for line in lines.values()}
    dup = _duplicates(ctx, recs, lambda r: r.text("code").replace(" ", ""), "Kode")
    # the new lines first: their shape, level and parent (in the file or stored)
    new: dict[str, _NewLine] = {}
    for rec in recs:
        code = rec.text("code").replace(" ", "")
        if code in lines or code in dup:
            continue
        if not creating:
            ctx.problem(
                f"Kode «{code}» tidak ada pada anggaran {year} perangkat daerah ini. Laporan SIPD hanya mengisi "
                "baris yang sudah direncanakan; tambahkan baris baru dengan templat anggaran atau di halaman Anggaran.",
                rec,
                "code",
            )
            continue
        shape = budget_code_shape(code)
        if shape is None or len(code) > 40:
            ctx.problem(
                f"Kode baru «{code}» tidak berbentuk kode Permendagri 90/2019: program 7.01.01, kegiatan "
                "7.01.01.2.01, sub kegiatan 7.01.01.2.01.0001.",
                rec,
                "code",
            )
            continue
        name = rec.text("name")
        if not name:
            ctx.problem(f"«Uraian» wajib diisi untuk baris baru {code}.", rec, "name")
        elif len(name) > 500:
            ctx.problem("«Uraian» terlalu panjang (maksimum 500 karakter).", rec, "name")
        if rec.values.get("allocation") is None:
            ctx.problem(f"«Pagu» wajib diisi untuk baris baru {code}.", rec, "allocation")
        stated = rec.text("level")
        if stated and stated.casefold() != _LEVEL_NAMES[shape[0]].casefold():
            ctx.problem(
                f"Kode {code} adalah kode {_LEVEL_NAMES[shape[0]]}, bukan «{stated}» (tingkat mengikuti bentuk kode).",
                rec,
                "level",
            )
        new[code] = _NewLine(rec, code, name, shape[0], shape[1])
    new_parents = {n.parent for n in new.values() if n.parent is not None}
    in_file = {rec.text("code").replace(" ", "") for rec in recs}
    for n in new.values():
        if n.parent is None:
            continue
        want = _PARENT_LEVEL[n.level]
        stored = lines.get(n.parent)
        if n.parent in new or (n.parent in in_file and n.parent not in lines):
            continue  # its shape gives the right level (a duplicated parent is reported once, on its rows)
        if stored is None:
            ctx.problem(
                f"Induk «{n.parent}» dari {_LEVEL_NAMES[n.level]} {n.code} tidak ada di berkas maupun pada "
                f"anggaran {year}.",
                n.rec,
                "code",
            )
        elif stored.level and stored.level != want:
            ctx.problem(
                f"Induk «{n.parent}» adalah {stored.get_level_display().lower()}, bukan {_LEVEL_NAMES[want]}.",
                n.rec,
                "code",
            )
        elif stored.pk not in parents and (stored.realisation is not None or list(stored.quarters.all())):
            ctx.problem(
                f"Baris induk {n.parent} sudah punya realisasi; baris di bawahnya tidak dapat ditambahkan "
                "(realisasi hanya pada baris terbawah). Kosongkan realisasinya di halaman Anggaran terlebih dahulu.",
                n.rec,
                "code",
            )
    plans: list[tuple[BudgetLine, Decimal | None, dict[int, Decimal], Decimal | None, Change]] = []
    created: list[tuple[_NewLine, Decimal | None, dict[int, Decimal]]] = []
    for rec in recs:
        code = rec.text("code").replace(" ", "")
        if code in dup:
            continue
        line = lines.get(code)
        fresh = new.get(code)
        if line is None and fresh is None:
            continue  # refused above
        allocation = ctx.amount(rec, "allocation", f"{code} pagu")
        stored_q = {lq.quarter: lq.realisation for lq in line.quarters.all()} if line is not None else {}
        quarters: dict[int, Decimal] = {}
        realisation: Decimal | None = None
        leaf = (line is None or line.pk not in parents) and code not in new_parents
        stored_realisation = line.realisation if line is not None else None
        # which realisation counts for the line (its stated basis, else what it holds): the other is refused
        yearly_line = line is not None and (
            line.basis == "year" or (not line.basis and stored_realisation is not None and not stored_q)
        )
        if quarterly:
            for q in QUARTERS:
                v = ctx.amount(rec, f"tw{q}", f"{code} {QUARTER_NAMES[q]}")
                if v is not None:
                    if not leaf:
                        ctx.problem("Realisasi hanya diisi pada baris terbawah (sub kegiatan).", rec, f"tw{q}")
                    quarters[q] = v
            if quarters and leaf and yearly_line and any(stored_q.get(q) != v for q, v in quarters.items()):
                ctx.problem(
                    f"Baris {code} diisi setahun (realisasi {input_text(stored_realisation) or '-'}); realisasi "
                    "triwulan tidak dihitung. Ubah cara pengisiannya ke “per triwulan” di halaman Anggaran, "
                    "atau impor realisasi tahunan (ekspor SIPD).",
                    rec,
                    next(f"tw{q}" for q in sorted(quarters)),
                )
        else:
            realisation = ctx.amount(rec, "realisation", f"{code} realisasi")
            if realisation is not None and not leaf:
                realisation = None if realisation == stored_realisation else realisation
                if realisation is not None:
                    ctx.problem("Realisasi hanya diisi pada baris terbawah (sub kegiatan).", rec, "realisation")
            if realisation is not None and stored_q and sum(stored_q.values()) == realisation and not yearly_line:
                realisation = None  # the quarters already give this figure: nothing to store
            if realisation is not None and not yearly_line and (stored_q or (line is not None and line.basis)):
                ctx.problem(
                    f"Baris {code} diisi per triwulan (jumlah {input_text(sum(stored_q.values()))}); realisasi "
                    "tahunan SIPD yang berbeda tidak dihitung. Ubah cara pengisiannya ke “setahun” di halaman "
                    "Anggaran lebih dulu.",
                    rec,
                    "realisation",
                )
        known = len(ctx.problems)
        for key, v in (
            ("allocation", allocation),
            ("realisation", realisation),
            *((f"tw{q}", w) for q, w in quarters.items()),
        ):
            if v is not None and v < 0:
                ctx.problem("Nilai tidak boleh negatif.", rec, key)
        level = (line.level if line is not None else fresh.level if fresh is not None else "") or "sub_activity"
        name = line.name if line is not None else fresh.name if fresh is not None else ""
        try:  # the domain's own checks of a budget line (when the row has no error yet)
            if len(ctx.problems) == known and rec.row not in {p.row for p in ctx.problems if p.sheet == rec.sheet}:
                amended = tuple(
                    budget_rules.Amendment(a.allocation, a.from_quarter) for a in line.amendments.all()
                ) if line is not None else ()
                base = allocation if allocation is not None else (line.allocation if line else None)
                budget_rules.BudgetLine(
                    code,
                    name,
                    budget_rules.Level(level),
                    allocation=None if amended else base,
                    allocation_original=base if amended else None,
                    amendments=amended,
                    realisation=realisation if realisation is not None else stored_realisation,
                    quarterly_realisation={**stored_q, **quarters},
                    basis=budget_rules.Basis(line.basis) if line is not None and line.basis else None,
                )
        except BudgetError as exc:
            ctx.problem(f"Tidak sah: {exc}", rec, "code")
        if fresh is not None:
            fields = [
                FieldChange("Uraian", "", fresh.name),
                FieldChange("Tingkat", "", _LEVEL_NAMES[fresh.level]),
            ]
            if fresh.parent:
                fields.append(FieldChange("Induk", "", fresh.parent))
            fields.append(FieldChange("Pagu", "", _text(allocation)))
            for q, v in quarters.items():
                fields.append(FieldChange(f"Realisasi {QUARTER_NAMES[q]}", "", _text(v)))
            ctx.changes.append(Change(rec.sheet, rec.row, code, fresh.name[:80], CREATED, fields))
            created.append((fresh, allocation, quarters))
            continue
        assert line is not None
        fields = []
        if allocation is not None and allocation != line.allocation:
            fields.append(FieldChange("Pagu", _text(line.allocation), _text(allocation)))
        for q, v in quarters.items():
            if stored_q.get(q) != v:
                fields.append(FieldChange(f"Realisasi {QUARTER_NAMES[q]}", _text(stored_q.get(q)), _text(v)))
        if realisation is not None and realisation != line.realisation:
            fields.append(FieldChange("Realisasi", _text(line.realisation), _text(realisation)))
        change = Change(rec.sheet, rec.row, code, line.name, UPDATED if fields else UNCHANGED, fields)
        ctx.changes.append(change)
        plans.append((line, allocation, quarters, realisation, change))
    named = {rec.text("code").replace(" ", "") for rec in recs}
    for line in sorted(lines.values(), key=lambda x: (x.order, x.pk)):
        if line.code not in named:
            sheet = recs[0].sheet if recs else ANGGARAN.name
            ctx.changes.append(Change(sheet, None, line.code, line.name[:80], ABSENT))
    from sakip.workflow.services import ensure_year_editable

    changing = [c for c in ctx.changes if c.action in (CREATED, UPDATED)]
    if changing:
        by_row: dict[tuple[str, int | None], Record] = {(r.sheet, r.row): r for r in recs}
        where = [(by_row[c.sheet, c.row], "code") for c in changing if (c.sheet, c.row) in by_row]
        ctx.locked(lambda: ensure_year_editable(office, year), where, recs[0].sheet if recs else ANGGARAN.name)
    if ctx.problems:
        return None
    # parents before children (a child may come first in the file)
    created.sort(key=lambda item: item[0].code.count("."))

    def write() -> None:
        ensure_year_editable(office, year)
        by_year = budget or BudgetYear.objects.create(office=office, year=year)
        order = (BudgetLine.objects.filter(budget=by_year).aggregate(m=Max("order"))["m"] or 0) + 1
        made: dict[str, BudgetLine] = dict(lines)
        for fresh, allocation, quarters in created:
            made[fresh.code] = line = BudgetLine.objects.create(
                budget=by_year,
                parent=made[fresh.parent] if fresh.parent else None,
                code=fresh.code,
                name=fresh.name,
                level=fresh.level,
                allocation=allocation,
                order=order,
            )
            order += 1
            for q, v in sorted(quarters.items()):
                LineQuarter.objects.create(line=line, quarter=q, realisation=v)
        for line, allocation, quarters, realisation, change in plans:
            if change.action == UNCHANGED:
                continue
            update: list[str] = []
            if allocation is not None and allocation != line.allocation:
                line.allocation = allocation
                update.append("allocation")
            if realisation is not None and realisation != line.realisation:
                line.realisation = realisation
                update.append("realisation")
            stored = {lq.quarter: lq for lq in line.quarters.all()}
            for q, v in quarters.items():
                lq = stored.get(q)
                if lq is None:
                    LineQuarter.objects.create(line=line, quarter=q, realisation=v)
                    update.append("version")
                elif lq.realisation != v:
                    lq.realisation = v
                    lq.save(update_fields=["realisation"])
                    update.append("version")
            if update:  # the line's version goes up with its quarters too (the budget page's check)
                line.save(update_fields=sorted(set(update)))

    return write


# ----------------------------------------------------------------------------- PK


def _pk(ctx: _Ctx, wb: Any, lim: Limits) -> Callable[[], None] | None:
    """Targets of the year's latest PK version, by indicator code; a plan indicator not yet in the PK is added
    (with its target), and a year without a PK gets one (version 1) holding the file's rows."""
    spec = pk_quarters.sheet(wb)
    recs = read_sheet(wb, spec, lim, ctx.problems)  # a cell's problem, then the codes, values and locks: one report
    office, year = ctx.office, ctx.year
    version = PkVersion.objects.filter(office=office, year=year).order_by("-number").first()
    plan = current_plan(office)
    indicators = {i.code: i for i in Indicator.objects.filter(plan=plan)}
    existing = {t.indicator_id: t for t in version.targets.select_related("indicator")} if version else {}
    dup = _duplicates(ctx, recs, lambda r: r.text("code"), "Kode indikator")
    plans: list[tuple[Indicator, dict[str, Any], Change]] = []
    # the quarter targets (Rencana Aksi) of the file's rows, merged with the stored ones
    quarterly = spec is PK
    stored_quarters = quarter_targets.stored(year, indicators.values()) if quarterly else {}
    frozen = quarter_targets.frozen_quarters(office, year) if quarterly else {}
    quarter_plans: list[pk_quarters.Planned] = []
    for rec in recs:
        code = rec.text("code")
        ind = indicators.get(code)
        if ind is None:
            ctx.problem(
                f"Kode indikator «{code}» tidak ada pada rencana strategis; tambahkan indikatornya ke Renstra "
                "(templat Matriks Renstra atau halaman Rencana strategis) sebelum memasukkannya ke PK.",
                rec,
                "code",
            )
            continue
        if code in dup:
            continue
        current = existing.get(ind.pk)
        if rec.values.get("target") is None:
            if current is None:
                ctx.problem(
                    f"«Target» wajib diisi: indikator {code} belum ada pada Perjanjian Kinerja {year}.", rec, "target"
                )
                continue
            change = Change(rec.sheet, rec.row, code, ind.name, UNCHANGED)
            year_target = quarter_targets.domain_target(current)
        else:
            try:
                parsed = parse_target(_cell_text(rec.values["target"]), ind.polarity, ind.ordinal_scale, code)  # type: ignore[arg-type]
            except ValidationError as exc:
                ctx.problem(" ".join(exc.messages), rec, "target")
                continue
            assert parsed is not None
            old = stored_target_text(current)
            new = _target_display(parsed)
            if current is None:
                change = Change(rec.sheet, rec.row, code, ind.name, CREATED, [FieldChange("Target", "", new)])
            elif _target_display(_target_fields(current)) != new:
                change = Change(rec.sheet, rec.row, code, ind.name, UPDATED, [FieldChange("Target", old, new)])
            else:
                change = Change(rec.sheet, rec.row, code, ind.name, UNCHANGED)
            plans.append((ind, parsed, change))
            year_target = quarter_targets.domain_target(parsed)
        if quarterly:
            planned = pk_quarters.plan(rec, ind, year_target, stored_quarters.get(ind.pk), frozen, ctx.problem)
            if planned is not None and planned.fields:
                quarter_plans.append(planned)
                change.fields += [FieldChange(*f) for f in planned.fields]
                if change.action == UNCHANGED:
                    change.action = UPDATED
        ctx.changes.append(change)
    named = {rec.text("code") for rec in recs}
    for target in existing.values():
        if target.indicator.code not in named:
            ctx.changes.append(Change(PK.name, None, target.indicator.code, target.indicator.name, ABSENT))
    if version is None and plans:
        ctx.changes.insert(
            0,
            Change(
                PK.name,
                None,
                f"PK {year}",
                f"Perjanjian Kinerja {year}",
                CREATED,
                [FieldChange("Versi", "", "1 (Perjanjian Kinerja)")],
            ),
        )
    from sakip.workflow.services import ensure_editable

    changing = [c for c in ctx.changes if c.action in (CREATED, UPDATED)]
    if changing:
        by_row: dict[tuple[str, int | None], Record] = {(r.sheet, r.row): r for r in recs}
        where = [(by_row[c.sheet, c.row], "target") for c in changing if (c.sheet, c.row) in by_row]
        ctx.locked(lambda: ensure_editable(office, year, "pk"), where, spec.name)
    if ctx.problems:
        return None

    def write() -> None:
        ensure_editable(office, year, "pk")
        target_version = version or PkVersion.objects.create(
            office=office, year=year, number=1, kind=PkVersion.Kind.ORIGINAL
        )
        order = (target_version.targets.aggregate(m=Max("order"))["m"] or 0) + 1
        for ind, parsed, change in plans:
            if change.action == CREATED:
                PkTarget.objects.create(version=target_version, indicator=ind, order=order, **parsed)
                order += 1
            elif change.action == UPDATED and any(f.label == "Target" for f in change.fields):
                # saved one by one: the audit trail records each change
                target = PkTarget.objects.get(version=target_version, indicator=ind)
                for attr, v in parsed.items():
                    setattr(target, attr, v)
                target.save()
        if version is not None:
            target_version.touch()  # the PK page's version of it goes up with its targets
        for planned in quarter_plans:
            quarter_targets.save(year, planned.indicator, planned.targets, planned.cumulative)

    return write


def _target_fields(obj: Any) -> dict[str, Any]:
    return {"value": obj.value, "grade": obj.grade, "low": obj.low, "high": obj.high}


def _target_display(t: Mapping[str, Any]) -> str:
    if t.get("grade"):
        return str(t["grade"])
    if t.get("low") is not None or t.get("high") is not None:
        return f"{_text(t.get('low'))} – {_text(t.get('high'))}"
    return _text(t.get("value"))


# ----------------------------------------------------------------------------- Renstra

_INDICATOR_FORM_COLUMNS = {
    "code": "code",
    "name": "name",
    "unit": "unit",
    "polarity": "polarity",
    "ordinal_scale": "polarity",
    "rollup": "rollup",
    "iku": "iku",
    "formula": "formula",
    "formula_inputs": "inputs",
    "end_target": "end",
}


def _indicator_sheet(wb: Any, years: list[int]) -> SheetSpec:
    """The «Indikator» layout of the file: with the definition columns, or as written before they existed."""
    base = renstra_indicators(years, definition=False)
    if INDIKATOR in wb.sheetnames:
        head = next(wb[INDIKATOR].iter_rows(min_row=1, max_row=1, max_col=len(base.columns) + 1, values_only=True), ())
        if len(head) <= len(base.columns) or head[len(base.columns)] in (None, ""):
            return base
    return renstra_indicators(years)


def _new_code(ctx: _Ctx, rec: Record, code: str) -> bool:
    """A new plan code has the plan editor's shape (letters, digits, dots) and fits the column."""
    try:
        check_code(code)
    except ValidationError as exc:
        ctx.problem(" ".join(exc.messages), rec, "code")
        return False
    if len(code) > 40:
        ctx.problem("Kode terlalu panjang (maksimum 40 karakter).", rec, "code")
        return False
    return True


def _choice(text: str, options: Mapping[Any, str]) -> Any:
    """The key of a choice column's text (matched as the reader matched it: case ignored)."""
    return next((k for k, v in options.items() if v.casefold() == text.casefold()), None)


def _inputs_text(inputs: Iterable[tuple[str, str, str]]) -> str:
    return "\n".join(" | ".join(p for p in (name, label, rollup)) for name, label, rollup in inputs)


def _file_inputs(text: str) -> list[tuple[str, str, str]]:
    """«nama | keterangan | rekap» per line or separated by «;» (rekap as a label or a key)."""
    out: list[tuple[str, str, str]] = []
    for line in text.replace(";", "\n").splitlines():
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        name = parts[0]
        label = parts[1] if len(parts) > 1 and parts[1] else name
        rollup = parts[2] if len(parts) > 2 else ""
        out.append((name, label, _choice(rollup, ROLLUP_TEXT) or rollup))
    return out


def _definition_text(ind: Indicator) -> dict[str, str]:
    """The definition columns of a stored indicator, as the template writes them."""
    scale = ind.ordinal_scale if ind.polarity == "qualitative" else ""
    return {
        # a stored combination the column cannot name (no grade scale) is written blank: «unchanged»
        "polarity": POLARITY_TEXT.get((ind.polarity, scale), ""),
        "rollup": ROLLUP_TEXT.get(ind.rollup, ""),
        "iku": "ya" if ind.iku else "tidak",
        "formula": ind.formula,
        "inputs": _inputs_text((fi.name, fi.label, ROLLUP_TEXT.get(fi.rollup, fi.rollup)) for fi in ind.inputs.all()),
    }


def _renstra(ctx: _Ctx, wb: Any, lim: Limits) -> Callable[[], None] | None:
    """Goals, objectives and indicators matched by code: a known code updates, a new code creates.

    Stored items missing from the file are left alone (listed as absent); nothing is deleted.
    """
    plan = current_plan(ctx.office)
    if plan is None:  # a new office: the file's «Target TTTT» columns give the Renstra period
        plan = _new_plan(ctx, wb)
        if plan is None:
            return None
    years = list(range(plan.start_year, plan.end_year + 1))
    goals_r = read_sheet(wb, TUJUAN, lim, ctx.problems, required=False)
    objs_r = read_sheet(wb, SASARAN, lim, ctx.problems, required=False)
    inds_r = read_sheet(wb, _indicator_sheet(wb, years), lim, ctx.problems)  # then codes, values, locks: one report
    goals = {g.code: g for g in Goal.objects.filter(plan=plan)}
    objectives = {o.code: o for o in Objective.objects.filter(plan=plan).select_related("goal")}
    indicators = {
        i.code: i
        for i in Indicator.objects.filter(plan=plan)
        .select_related("goal", "objective")
        .prefetch_related("targets", "inputs")
    }
    # at write time: code -> stored or just created goal / objective
    made: dict[str, dict[str, Any]] = {"goal": dict(goals), "objective": dict(objectives)}
    writes: list[Callable[[], None]] = []
    changed_years: dict[int, list[tuple[Record, str | None]]] = {}  # year -> the cells changing its targets
    # the codes the file introduces (a parent row with its own error is reported there, not again on its children)
    new_goals: set[str] = {r.text("code") for r in goals_r} - goals.keys()
    new_objectives: set[str] = {r.text("code") for r in objs_r} - objectives.keys()

    # --- goals
    dup = _duplicates(ctx, goals_r, lambda r: r.text("code"), "Kode tujuan")
    for rec in goals_r:
        code, text = rec.text("code"), rec.text("text")
        if code in dup:
            continue
        goal = goals.get(code)
        if goal is None:
            if not _new_code(ctx, rec, code):
                continue
            if not text:
                ctx.problem("«Tujuan» wajib diisi untuk tujuan baru.", rec, "text")
                continue
            new_goals.add(code)
            ctx.changes.append(Change(rec.sheet, rec.row, code, text[:80], CREATED, [FieldChange("Tujuan", "", text)]))
            writes.append(functools.partial(_create_goal, plan, code, text, made))
        elif text and text != goal.text:
            ctx.changes.append(
                Change(rec.sheet, rec.row, code, "Tujuan", UPDATED, [FieldChange("Tujuan", goal.text, text)])
            )
            writes.append(functools.partial(_set, goal, "text", text))
        else:
            ctx.changes.append(Change(rec.sheet, rec.row, code, goal.text[:80], UNCHANGED))

    def goal_code(rec: Record, required: bool) -> str | None:
        code = rec.text("goal")
        if not code:
            if required:
                ctx.problem("«Kode tujuan» wajib diisi untuk sasaran baru.", rec, "goal")
            return None
        if code not in goals and code not in new_goals:
            ctx.problem(
                f"Kode tujuan «{code}» tidak ada di lembar «Tujuan» maupun pada rencana strategis "
                f"{plan.start_year}–{plan.end_year}.",
                rec,
                "goal",
            )
            return None
        return code

    # --- objectives
    dup = _duplicates(ctx, objs_r, lambda r: r.text("code"), "Kode sasaran")
    for rec in objs_r:
        code, text = rec.text("code"), rec.text("text")
        if code in dup:
            continue
        objective = objectives.get(code)
        if objective is None:
            if not _new_code(ctx, rec, code):
                continue
            parent = goal_code(rec, required=True)
            if not text:
                ctx.problem("«Sasaran» wajib diisi untuk sasaran baru.", rec, "text")
            if parent is None or not text:
                continue
            new_objectives.add(code)
            ctx.changes.append(
                Change(
                    rec.sheet,
                    rec.row,
                    code,
                    text[:80],
                    CREATED,
                    [FieldChange("Tujuan induk", "", parent), FieldChange("Sasaran", "", text)],
                )
            )
            writes.append(functools.partial(_create_objective, plan, code, parent, text, made))
            continue
        ofields: list[FieldChange] = []
        parent = goal_code(rec, required=False)
        if parent is not None and parent != objective.goal.code:
            ofields.append(FieldChange("Tujuan induk", objective.goal.code, parent))
        if text and text != objective.text:
            ofields.append(FieldChange("Sasaran", objective.text, text))
        if ofields:
            ctx.changes.append(Change(rec.sheet, rec.row, code, "Sasaran", UPDATED, ofields))
            writes.append(
                functools.partial(
                    _update_objective, objective, parent if parent != objective.goal.code else None, text, made
                )
            )
        else:
            ctx.changes.append(Change(rec.sheet, rec.row, code, objective.text[:80], UNCHANGED))

    # --- indicators
    dup = _duplicates(ctx, inds_r, lambda r: r.text("code"), "Kode indikator")
    for rec in inds_r:
        code = rec.text("code")
        if code in dup:
            continue
        ind = indicators.get(code)
        if ind is None:
            if _new_code(ctx, rec, code):
                _new_indicator(
                    ctx, rec, plan, years, goals, objectives, new_goals, new_objectives, made, writes, changed_years
                )
            continue
        fields: list[FieldChange] = []
        owner = ind.objective.code if ind.objective else (ind.goal.code if ind.goal else "")
        if rec.text("owner") and rec.text("owner") != owner:
            ctx.problem(
                f"Indikator {code} terdaftar di bawah {owner}; induk indikator yang sudah ada diubah di halaman "
                "indikator, bukan melalui impor.",
                rec,
                "owner",
            )
        stored_definition = _definition_text(ind)
        for key, label in (
            ("polarity", "Polaritas"),
            ("rollup", "Rekap triwulan"),
            ("iku", "IKU"),
            ("formula", "Rumus"),
            ("inputs", "Komponen rumus"),
        ):
            given = rec.text(key)
            if not given:
                continue
            if key in ("polarity", "rollup", "iku"):
                same = given.casefold() == stored_definition[key].casefold()
            elif key == "inputs":
                same = _inputs_text(_file_inputs(given)) == _inputs_text(_file_inputs(stored_definition[key]))
            else:
                same = given == stored_definition[key]
            if not same:
                ctx.problem(
                    f"«{label}» indikator {code} yang sudah ada tertulis «{stored_definition[key]}»; definisi "
                    "indikator yang sudah ada diubah di halaman indikator (impor hanya mengisinya untuk indikator "
                    "baru).",
                    rec,
                    key,
                )
        updates: dict[str, str] = {}
        for key, attr, label, limit in (("name", "name", "Indikator", 500), ("unit", "unit", "Satuan", 50)):
            new = rec.text(key)
            if len(new) > limit:
                ctx.problem(f"«{label}» terlalu panjang (maksimum {limit} karakter).", rec, key)
            elif new and new != getattr(ind, attr):
                fields.append(FieldChange(label, getattr(ind, attr), new))
                updates[attr] = new
        stored = {t.year: t for t in ind.targets.all()}
        target_writes: list[tuple[int, dict[str, Any]]] = []
        for y in years:
            v = rec.values.get(f"y{y}")
            if v is None:
                continue
            try:
                parsed = parse_target(_cell_text(v), ind.polarity, ind.ordinal_scale, f"{code} {y}")
            except ValidationError as exc:
                ctx.problem(" ".join(exc.messages), rec, f"y{y}")
                continue
            assert parsed is not None
            cur = stored.get(y)
            old = _target_display(_target_fields(cur)) if cur is not None else ""
            new = _target_display(parsed)
            if old != new:
                fields.append(FieldChange(f"Target {y}", old, new))
                target_writes.append((y, parsed))
                changed_years.setdefault(y, []).append((rec, f"y{y}"))
        end = rec.values.get("end")
        end_fields: dict[str, Any] | None = None
        if end is not None:
            try:
                parsed = parse_target(_cell_text(end), ind.polarity, ind.ordinal_scale, f"{code} akhir")
            except ValidationError as exc:
                ctx.problem(" ".join(exc.messages), rec, "end")
            else:
                assert parsed is not None
                old = _target_display(
                    {"value": ind.end_value, "grade": ind.end_grade, "low": ind.end_low, "high": ind.end_high}
                )
                if old != _target_display(parsed):
                    fields.append(FieldChange("Target akhir periode", old, _target_display(parsed)))
                    end_fields = parsed
        ctx.changes.append(Change(rec.sheet, rec.row, code, ind.name[:80], UPDATED if fields else UNCHANGED, fields))
        if fields:
            writes.append(functools.partial(_write_indicator, ind, updates, target_writes, end_fields))
    # stored items the file does not name: left alone, and said so
    present = set(wb.sheetnames)
    listed: list[tuple[str, Mapping[str, Any], list[Record], str]] = [
        (TUJUAN.name, goals, goals_r, "text"),
        (SASARAN.name, objectives, objs_r, "text"),
        (INDIKATOR, indicators, inds_r, "name"),
    ]
    for sheet, stored_items, recs, attr in listed:
        if sheet not in present:
            continue
        named = {r.text("code") for r in recs}
        for code, item in stored_items.items():
            if code not in named:
                ctx.changes.append(Change(sheet, None, code, str(getattr(item, attr))[:80], ABSENT))
    from sakip.workflow.services import ensure_years_editable

    for y in sorted(changed_years):
        ctx.locked(lambda y=y: ensure_years_editable(ctx.office, [y]), changed_years[y], INDIKATOR)  # type: ignore[misc]
    if ctx.problems:
        return None

    if plan.pk == _UNSTORED:
        ctx.changes.insert(
            0, Change(INDIKATOR, None, f"{plan.start_year}–{plan.end_year}", "Periode Renstra", CREATED)
        )
        writes.insert(0, functools.partial(_store_plan, plan))

    def write() -> None:
        if changed_years:
            ensure_years_editable(ctx.office, changed_years)
        for w in writes:
            w()

    return write


#: The id of a plan period read from the file and not stored yet: checked as an empty plan (no row has it).
_UNSTORED = -1
_TARGET_HEADER = re.compile(r"^Target (\d{4})$")


def _new_plan(ctx: _Ctx, wb: Any) -> PlanPeriod | None:
    """The Renstra period of an office that has none, from the «Indikator» sheet's target columns (not stored:
    `_store_plan` stores it as the first write)."""
    if INDIKATOR not in wb.sheetnames:
        return None  # read_sheet names the missing sheet
    head = next(wb[INDIKATOR].iter_rows(min_row=1, max_row=1, values_only=True), ())
    years = sorted(int(m.group(1)) for v in head if isinstance(v, str) and (m := _TARGET_HEADER.match(v.strip())))
    if not years:
        ctx.problem(
            "Perangkat daerah ini belum punya rencana strategis dan lembar «Indikator» tidak mempunyai kolom "
            "«Target TTTT»; unduh templat Renstra untuk tahun awal periode."
        )
        return None
    if years != list(range(years[0], years[-1] + 1)) or len(years) > 10:
        ctx.problem(
            f"Kolom target lembar «Indikator» ({', '.join(map(str, years))}) bukan tahun-tahun berurutan dari satu "
            "periode Renstra (paling banyak 10 tahun)."
        )
        return None
    return PlanPeriod(pk=_UNSTORED, office=ctx.office, start_year=years[0], end_year=years[-1])


def _store_plan(plan: PlanPeriod) -> None:
    plan.pk = None
    plan._state.adding = True
    plan.save()


def _new_indicator(
    ctx: _Ctx,
    rec: Record,
    plan: Any,
    years: list[int],
    goals: Mapping[str, Goal],
    objectives: Mapping[str, Objective],
    new_goals: set[str],
    new_objectives: set[str],
    made: dict[str, dict[str, Any]],
    writes: list[Callable[[], None]],
    changed_years: dict[int, list[tuple[Record, str | None]]],
) -> None:
    """A row with a new indicator code: checked by the plan editor's own form, created under its goal/objective."""
    from sakip.planning.forms import IndicatorForm

    code = rec.text("code")
    owner = rec.text("owner")
    in_objectives = owner in objectives or owner in new_objectives
    in_goals = owner in goals or owner in new_goals
    if not owner:
        ctx.problem("«Kode tujuan/sasaran» wajib diisi untuk indikator baru.", rec, "owner")
        return
    if in_objectives and in_goals:
        ctx.problem(f"Kode «{owner}» dipakai tujuan dan sasaran sekaligus; induk tidak dapat ditentukan.", rec, "owner")
        return
    if not in_objectives and not in_goals:
        ctx.problem(
            f"Kode tujuan/sasaran «{owner}» tidak ada di lembar «Tujuan»/«Sasaran» maupun pada rencana strategis "
            f"{plan.start_year}–{plan.end_year}.",
            rec,
            "owner",
        )
        return
    polarity, scale = _choice(rec.text("polarity"), POLARITY_TEXT) or ("higher_is_better", "")
    rollup = _choice(rec.text("rollup"), ROLLUP_TEXT) or "last"
    inputs = _file_inputs(rec.text("inputs"))
    data: dict[str, Any] = {
        "code": code,
        "name": rec.text("name"),
        "unit": rec.text("unit"),
        "polarity": polarity,
        "ordinal_scale": scale,
        "rollup": rollup,
        "method": "ratio",
        "formula": rec.text("formula"),
        "formula_inputs": _inputs_text(inputs),
        "end_target": "",
    }
    end_cell = rec.values.get("end")
    if end_cell is not None:
        data["end_target"] = _cell_text(end_cell)
    if rec.text("iku").casefold() == "ya":
        data["iku"] = "on"
    for y in years:
        v = rec.values.get(f"y{y}")
        data[f"target_{y}"] = _cell_text(v) if v is not None else ""
    form = IndicatorForm(data, plan=plan)
    if not form.is_valid():
        for name, errors in form.errors.items():
            key = f"y{name[7:]}" if name.startswith("target_") else _INDICATOR_FORM_COLUMNS.get(name, "code")
            for message in errors:
                ctx.problem(f"Indikator baru {code}: {message}", rec, key)
        return
    targets: dict[int, dict[str, Any] | None] = form.cleaned_data["targets"]
    kind = "objective" if in_objectives else "goal"
    fields = [
        FieldChange("Induk", "", owner),
        FieldChange("Indikator", "", data["name"]),
        FieldChange("Satuan", "", data["unit"]),
        FieldChange("Polaritas", "", POLARITY_TEXT[(polarity, scale)]),
        FieldChange("Rekap triwulan", "", ROLLUP_TEXT[rollup]),
    ]
    if data.get("iku"):
        fields.append(FieldChange("IKU", "", "ya"))
    if data["formula"]:
        fields.append(FieldChange("Rumus", "", data["formula"]))
        fields.append(FieldChange("Komponen rumus", "", ", ".join(n for n, _l, _r in inputs)))
    for y, t in sorted(targets.items()):
        if t is not None:
            fields.append(FieldChange(f"Target {y}", "", _target_display(t)))
            changed_years.setdefault(y, []).append((rec, f"y{y}"))
    end = form.cleaned_data.get("end")
    if end is not None:
        fields.append(FieldChange("Target akhir periode", "", _target_display(end)))
    ctx.changes.append(Change(rec.sheet, rec.row, code, data["name"][:80], CREATED, fields))
    writes.append(functools.partial(_create_indicator, form, plan, kind, owner, made))


def _create_goal(plan: Any, code: str, text: str, made: dict[str, dict[str, Any]]) -> None:
    order = (Goal.objects.filter(plan=plan).aggregate(m=Max("order"))["m"] or 0) + 1
    made["goal"][code] = Goal.objects.create(plan=plan, code=code, text=text, order=order)


def _create_objective(plan: Any, code: str, goal: str, text: str, made: dict[str, dict[str, Any]]) -> None:
    order = (Objective.objects.filter(plan=plan).aggregate(m=Max("order"))["m"] or 0) + 1
    made["objective"][code] = Objective.objects.create(
        plan=plan, goal=made["goal"][goal], code=code, text=text, order=order
    )


def _update_objective(objective: Objective, goal: str | None, text: str, made: dict[str, dict[str, Any]]) -> None:
    update: list[str] = []
    if goal is not None:
        objective.goal = made["goal"][goal]
        update.append("goal")
    if text and text != objective.text:
        objective.text = text
        update.append("text")
    objective.save(update_fields=update)


def _create_indicator(form: Any, plan: Any, kind: str, owner: str, made: dict[str, dict[str, Any]]) -> None:
    from sakip.planning.views import _save_indicator

    parent = made[kind][owner]
    _save_indicator(form, plan, parent if kind == "goal" else None, parent if kind == "objective" else None, False)


def _set(obj: Any, attr: str, value: str) -> None:
    setattr(obj, attr, value)
    obj.save(update_fields=[attr])


def _write_indicator(
    ind: Indicator, updates: dict[str, str], targets: list[tuple[int, dict[str, Any]]], end: dict[str, Any] | None
) -> None:
    for attr, v in updates.items():
        setattr(ind, attr, v)
    fields = list(updates)
    if end is not None:
        ind.end_value, ind.end_grade, ind.end_low, ind.end_high = end["value"], end["grade"], end["low"], end["high"]
        fields += ["end_value", "end_grade", "end_low", "end_high"]
    if fields:
        ind.save(update_fields=fields)
    elif targets:
        ind.touch()  # its targets change: the indicator editor's version of it goes up
    for y, parsed in targets:
        Target.objects.update_or_create(indicator=ind, year=y, defaults=parsed)


# ----------------------------------------------------------------------------- templates (export of current data)


def template(office: Office, kind: str, year: int) -> bytes:
    """The template of ``kind`` filled with the office's current data (an export that imports unchanged)."""
    title = f"Templat impor {KINDS[kind].label} — {office.name} {year}"
    if kind == "realisasi":
        main, comp = _realisasi_rows(office, year)
        return write_template(kind, [(REALISASI, main), (KOMPONEN, comp)], title=title)
    if kind in ("anggaran", "sipd"):
        return write_template("anggaran", [(ANGGARAN, _budget_rows(office, year))], title=title)
    if kind == "pk":
        return write_template(kind, [(PK, _pk_rows(office, year))], title=title)
    plan = current_plan(office)
    # an office without a plan: the five years of a Renstra from the chosen year (the file's columns make the period)
    years = list(range(plan.start_year, plan.end_year + 1)) if plan else list(range(year, year + 5))
    goals, objs, inds = _renstra_rows(office, years)
    return write_template(
        kind,
        [(TUJUAN, goals), (SASARAN, objs), (renstra_indicators(years), inds)],
        title=f"Templat impor Matriks Renstra — {office.name}",
    )


def _pk_target_for(office: Office, year: int) -> dict[int, str]:
    version = PkVersion.objects.filter(office=office, year=year).order_by("-number").first()
    return {t.indicator_id: stored_target_text(t) for t in version.targets.all()} if version else {}


def _realisasi_rows(office: Office, year: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    indicators = entry_indicators(office, year)
    pk = _pk_target_for(office, year)
    plan_targets = {
        t.indicator_id: stored_target_text(t) for t in Target.objects.filter(indicator__in=indicators, year=year)
    }
    years = {
        iy.indicator_id: iy
        for iy in IndicatorYear.objects.filter(indicator__in=indicators, year=year).prefetch_related(
            "quarters__inputs__input"
        )
    }
    main: list[dict[str, Any]] = []
    comp: list[dict[str, Any]] = []
    for ind in indicators:
        iy = years.get(ind.pk)
        quarters = {q.quarter: q for q in iy.quarters.all()} if iy else {}
        row: dict[str, Any] = {
            "code": ind.code,
            "name": ind.name,
            "unit": ind.unit,
            "target": pk.get(ind.pk) or plan_targets.get(ind.pk, ""),
        }
        inputs = list(ind.inputs.all())
        if not inputs and not ind.formula:
            for q, qr in quarters.items():
                row[f"tw{q}"] = qr.value
        if iy is not None:
            row["grade"] = iy.annual_grade
            row["explanation"] = iy.explanation
        main.append(row)
        for fi in inputs:
            c: dict[str, Any] = {"code": ind.code, "input": fi.name, "label": fi.label}
            for q, qr in quarters.items():
                for iv in qr.inputs.all():
                    if iv.input_id == fi.pk:
                        c[f"tw{q}"] = iv.value
            comp.append(c)
    return main, comp


def _budget_rows(office: Office, year: int) -> list[dict[str, Any]]:
    budget = BudgetYear.objects.filter(office=office, year=year).first()
    if budget is None:
        return []
    from sakip.budgeting.edits import ordered_lines

    lines = list(budget.lines.prefetch_related("quarters"))
    out: list[dict[str, Any]] = []
    for line, _depth, leaf in ordered_lines(lines):
        row: dict[str, Any] = {
            "code": line.code,
            "name": line.name,
            "level": line.get_level_display() if line.level else "",
            "allocation": line.allocation,
        }
        if leaf:
            for lq in line.quarters.all():
                row[f"tw{lq.quarter}"] = lq.realisation
        out.append(row)
    return out


def _pk_rows(office: Office, year: int) -> list[dict[str, Any]]:
    version = PkVersion.objects.filter(office=office, year=year).order_by("-number").first()
    if version is None:  # no PK yet: the plan's indicators with their Renstra target of the year, to start from
        plan = current_plan(office)
        targets: list[Any] = list(
            Target.objects.filter(indicator__plan=plan, year=year)
            .select_related("indicator")
            .order_by("indicator__order", "indicator_id")
        )
    else:
        targets = list(version.targets.select_related("indicator"))
    quarters = quarter_targets.stored(year, [t.indicator for t in targets])
    return [
        {
            "code": t.indicator.code,
            "name": t.indicator.name,
            "unit": t.indicator.unit,
            "target": _target_cell(t),
            **pk_quarters.template_cells(quarters.get(t.indicator_id)),
        }
        for t in targets
    ]


def _target_cell(obj: Any) -> Any:
    if obj is None:
        return None
    if obj.grade or obj.low is not None or obj.high is not None:
        return stored_target_text(obj)
    return obj.value


def _renstra_rows(
    office: Office, years: list[int]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    plan = current_plan(office)
    if plan is None:
        return [], [], []
    goals = [{"code": g.code, "text": g.text} for g in plan.goals.all()]
    objs = [{"code": o.code, "goal": o.goal.code, "text": o.text} for o in plan.objectives.select_related("goal")]
    inds: list[dict[str, Any]] = []
    for ind in plan.indicators.select_related("goal", "objective").prefetch_related("targets", "inputs"):
        owner = ind.objective.code if ind.objective else (ind.goal.code if ind.goal else "")
        row: dict[str, Any] = {"code": ind.code, "owner": owner, "name": ind.name, "unit": ind.unit}
        row.update(_definition_text(ind))
        for t in ind.targets.all():
            if t.year in years:
                row[f"y{t.year}"] = _target_cell(t)
        row["end"] = _target_cell(_EndTarget(ind))
        inds.append(row)
    return goals, objs, inds


class _EndTarget:
    def __init__(self, ind: Indicator) -> None:
        self.value, self.grade, self.low, self.high = ind.end_value, ind.end_grade, ind.end_low, ind.end_high


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
