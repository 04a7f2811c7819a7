"""Excel imports against the stored office: validate the whole file, list the changes, apply them all or nothing.

`prepare` reads the workbook (`sakip.importers`), matches every row with the
stored data by code and checks every value with the rules the pages use — numbers
with `core.web.parse_amount` (Indonesian format), targets with
`core.web.parse_target`, quarterly rows with `monitoring.entry.read_row`,
`simulate` and `check_explanations` (an explanation is required below target),
budget amounts with the domain's `budget.BudgetLine` — and collects *every*
problem with its sheet, row and column. It returns an `Outcome`: the problems, or
the changes (created / updated / unchanged per row, old → new) and the function
that applies them.

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
import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.http import QueryDict
from django.utils import timezone

from sakip.accounts.models import Office
from sakip.agreements.models import PkTarget, PkVersion
from sakip.audit.recorder import batch as audit_batch
from sakip.audit.recorder import record as audit_record
from sakip.budgeting.models import BudgetLine, BudgetYear, LineQuarter
from sakip.core.fields import check_exact
from sakip.core.interchange import domain_office
from sakip.core.web import (
    Rollback,
    atomic_checked,
    current_plan,
    input_text,
    parse_amount,
    parse_target,
    stored_target_text,
)
from sakip.dataset.loader import DatasetError
from sakip.domain import budget as budget_rules
from sakip.domain.errors import BudgetError, DomainError
from sakip.domain.periods import QUARTERS
from sakip.importers.kinds import (
    ANGGARAN,
    KINDS,
    KOMPONEN,
    PK,
    REALISASI,
    SASARAN,
    TUJUAN,
    read_sipd,
    renstra_indicators,
    write_template,
)
from sakip.importers.workbook import Limits, Problem, Record, WorkbookRefused, open_workbook, read_sheet
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
from sakip.planning.models import Goal, Indicator, Objective, Target
from sakip.regency.figures import bump as bump_figures

QUARTER_NAMES = {1: "TW I", 2: "TW II", 3: "TW III", 4: "TW IV"}

CREATED = "created"
UPDATED = "updated"
UNCHANGED = "unchanged"
ACTION_LABELS = {CREATED: "baru", UPDATED: "berubah", UNCHANGED: "tetap"}


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

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def counts(self) -> dict[str, int]:
        out = {CREATED: 0, UPDATED: 0, UNCHANGED: 0}
        for c in self.changes:
            out[c.action] += 1
        return out

    @property
    def has_changes(self) -> bool:
        return any(c.action != UNCHANGED for c in self.changes)

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
            "changes": [c.as_dict() for c in self.changes],
        }


class _Ctx:
    """What one preparation collects: problems, changes and the writes to run."""

    def __init__(self, office: Office, year: int, user: Any) -> None:
        self.office = office
        self.year = year
        self.user = user
        self.problems: list[Problem] = []
        self.changes: list[Change] = []

    def problem(
        self, message: str, rec: Record | None = None, key: str | None = None, sheet: str | None = None
    ) -> None:
        self.problems.append(
            Problem(
                message,
                sheet=rec.sheet if rec else sheet,
                row=rec.row if rec else None,
                column=rec.letters.get(key) if rec is not None and key else None,
            )
        )

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


def _locked(ctx: _Ctx, check: Callable[[], None]) -> None:
    from sakip.workflow.services import PeriodLocked

    try:
        check()
    except PeriodLocked as exc:
        ctx.problems.append(Problem(" ".join(exc.messages)))


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


def prepare(office: Office, kind: str, year: int, data: bytes, *, filename: str = "", user: Any = None) -> Outcome:
    """Read and check the whole file; the outcome lists every problem, or every change and how to apply them."""
    if kind not in KINDS:
        return Outcome(kind, year, [Problem(f"Jenis impor «{kind}» tidak dikenal.")])
    lim = limits()
    ctx = _Ctx(office, year, user)
    try:
        wb = open_workbook(data, lim, filename)
    except WorkbookRefused as exc:
        return Outcome(kind, year, exc.problems)
    apply_fn: Callable[[], None] | None = None
    try:
        if current_plan(office) is None:
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
        issues = [str(i) for i in exc.issues] if isinstance(exc, DatasetError) else [str(exc)]
        return Outcome(kind, year, [Problem("Data tersimpan tidak dapat dihitung: " + "; ".join(issues))])
    finally:
        wb.close()
    if ctx.problems:
        return Outcome(kind, year, ctx.problems, ctx.changes)
    return Outcome(kind, year, [], ctx.changes, apply_fn)


def apply(office: Office, outcome: Outcome) -> Outcome:
    """Store the outcome's changes in one transaction (nothing when there is nothing to change)."""
    if not outcome.ok or outcome.apply is None:
        return outcome
    if not outcome.has_changes:
        outcome.applied = True
        return outcome
    from sakip.workflow.services import PeriodLocked

    try:
        # the quarterly rows were put into the domain by `simulate` before: the stored office loads with them
        guard = transaction.atomic() if outcome.kind == "realisasi" else atomic_checked(office)
        with guard, audit_batch():
            outcome.apply()
    except Rollback as exc:
        outcome.problems = [Problem("Tidak ada yang disimpan: " + issue) for issue in exc.issues]
        return outcome
    except PeriodLocked as exc:
        outcome.problems = [Problem(" ".join(exc.messages))]
        return outcome
    outcome.applied = True
    return outcome


def run(
    office: Office, kind: str, year: int, data: bytes, *, filename: str = "", user: Any = None, dry_run: bool = False
) -> Outcome:
    outcome = prepare(office, kind, year, data, filename=filename, user=user)
    if dry_run or not outcome.ok:
        return outcome
    return apply(office, outcome)


# ----------------------------------------------------------------------------- quarterly realisations


def _realisasi(ctx: _Ctx, wb: Any, lim: Limits) -> Callable[[], None] | None:
    recs = read_sheet(wb, REALISASI, lim, ctx.problems)
    comps = read_sheet(wb, KOMPONEN, lim, ctx.problems, required=False)
    if ctx.problems:
        return None
    office, year = ctx.office, ctx.year
    domain = domain_office(office)
    # the four quarters' rows from one read of the stored data (no evidence files: not shown here)
    by_q: dict[int, dict[str, Row]] = {
        q: {row.indicator.code: row for row in rows}
        for q, rows in build_quarter_rows(office, year, QUARTERS, domain, evidence=False).items()
    }
    if not by_q[1]:
        ctx.problem(f"Tidak ada indikator untuk tahun {year} (Perjanjian Kinerja atau Renstra).")
        return None
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
                    data[q][row.field_name("v")] = _cell_text(v)
                    given[q].add(code)
            if row.has_formula:
                for name in ind_inputs(row.definition):
                    crec = comp_at.get((code, name))
                    cv = crec.values.get(f"tw{q}") if crec is not None else None
                    if cv is not None:
                        data[q][row.field_name("i", name)] = _cell_text(cv)
                        given[q].add(code)
            if rec.values.get("explanation") is not None:
                data[q][row.field_name("e")] = rec.text("explanation")
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
    for q in (1, 2, 3):
        for code in in_file:
            if not by_q[q][code].has_errors:
                _put(domain, year, q, by_q[q][code])
    scorecard = simulate(domain, year, 4, [by_q[4][code] for code in in_file])
    scores = {s.indicator.id: s for s in scorecard.indicators}
    for q in (1, 2, 3):
        for code in in_file:
            row = by_q[q][code]
            row.score = scores.get(code)
            row.quarter_score = (
                next((qs for qs in row.score.quarters if qs.quarter == q), None) if row.score is not None else None
            )
    for q in QUARTERS:
        check_explanations([by_q[q][code] for code in given[q]], q)
        for code, rec in in_file.items():
            row = by_q[q][code]
            for name, messages in row.errors.items():
                for m in messages:
                    _realisasi_problem(ctx, rec, comp_at, row, q, name, m)
    if ctx.problems:
        return None
    touched: set[int] = set()
    for code, rec in in_file.items():
        fields: list[FieldChange] = []
        for q in QUARTERS:
            row = by_q[q][code]
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
        last = by_q[4][code]
        if last.qualitative and old[code][0] != last.grade_text:
            fields.append(FieldChange("Realisasi (predikat)", old[code][0], last.grade_text))
            touched.add(4)
        if old[code][1] != by_q[1][code].explanation:
            fields.append(FieldChange("Penjelasan", old[code][1], by_q[1][code].explanation))
            quarters_given = {q for q in QUARTERS if code in given[q]}
            touched.update(quarters_given or {4})
        stored = by_q[1][code].stored
        action = UNCHANGED if not fields else (CREATED if stored is None else UPDATED)
        ctx.changes.append(Change(rec.sheet, rec.row, code, by_q[1][code].indicator.name, action, fields))
    from sakip.workflow.services import ensure_editable

    for q in sorted(touched):
        _locked(ctx, lambda q=q: ensure_editable(office, year, "quarter", q))  # type: ignore[misc]
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
    value; the explanation and a qualitative grade live on the indicator's year. Bulk
    writes send no model signals, so the audit entries are recorded here, one per
    imported row, and the regency's cached figures are invalidated once.
    """
    codes = list(changed)
    now = timezone.now()
    who = user if getattr(user, "is_authenticated", False) else None
    years: dict[str, IndicatorYear] = {}
    new_years: list[IndicatorYear] = []
    changed_years: list[tuple[IndicatorYear, dict[str, Any]]] = []
    for code in codes:
        first, last = by_q[1][code], by_q[4][code]
        grade = last.grade_text if last.qualitative else None
        iy = first.stored
        if iy is None:
            iy = IndicatorYear(
                indicator=first.indicator, year=year, explanation=first.explanation, annual_grade=grade or ""
            )
            new_years.append(iy)
        else:
            diff: dict[str, Any] = {}
            if iy.explanation != first.explanation:
                diff["explanation"] = [iy.explanation, first.explanation]
                iy.explanation = first.explanation
            if grade is not None and iy.annual_grade != grade:
                diff["annual_grade"] = [iy.annual_grade, grade]
                iy.annual_grade = grade
            if diff:
                iy.updated_at = now
                changed_years.append((iy, diff))
        years[code] = iy
    IndicatorYear.objects.bulk_create(new_years, batch_size=500)
    IndicatorYear.objects.bulk_update(
        [iy for iy, _d in changed_years], ["explanation", "annual_grade", "updated_at"], batch_size=500
    )
    new_quarters: list[Quarter] = []
    changed_quarters: list[tuple[Quarter, dict[str, Any]]] = []
    pending_inputs: list[tuple[Quarter, Row, bool]] = []
    for q in QUARTERS:
        for code in codes:
            row = by_q[q][code]
            if row.qualitative or not _quarter_changed(row):
                continue
            value = None if row.has_formula else row.value
            q_row = row.quarter_row
            is_new = q_row is None
            if q_row is None:
                q_row = Quarter(indicator_year=years[code], quarter=q, value=value, entered_by=who, entered_at=now)
                new_quarters.append(q_row)
            else:
                changed_quarters.append((q_row, {"value": [q_row.value, value]}))
                q_row.value, q_row.entered_by, q_row.entered_at = value, who, now
            if row.has_formula:
                pending_inputs.append((q_row, row, is_new))
    Quarter.objects.bulk_create(new_quarters, batch_size=500)
    Quarter.objects.bulk_update(
        [qr for qr, _d in changed_quarters], ["value", "entered_by", "entered_at"], batch_size=500
    )
    new_inputs: list[InputValue] = []
    changed_inputs: list[InputValue] = []
    gone: list[InputValue] = []
    for q_row, row, is_new in pending_inputs:
        existing = {} if is_new else {iv.input.name: iv for iv in q_row.inputs.all()}
        for fi in row.indicator.inputs.all():
            v = row.inputs.get(fi.name)
            iv = existing.get(fi.name)
            if v is None:
                if iv is not None:
                    gone.append(iv)
            elif iv is None:
                new_inputs.append(InputValue(quarter=q_row, input=fi, value=v))
            elif iv.value != v:
                iv.value = v
                changed_inputs.append(iv)
    InputValue.objects.filter(pk__in=[iv.pk for iv in gone]).delete()
    InputValue.objects.bulk_create(new_inputs, batch_size=500)
    InputValue.objects.bulk_update(changed_inputs, ["value"], batch_size=500)
    # one audit entry per imported row (the indicator's year), with the row's changes as previewed
    created_years = {id(iy) for iy in new_years}
    for code in codes:
        iy = years[code]
        change = changed[code]
        audit_record(
            action="create" if id(iy) in created_years else "update",
            model=IndicatorYear._meta.label,
            object_id=iy.pk,
            object_repr=f"{code} {year}",
            office_id=office.pk,
            office_name=office.name,
            changes={f.label: [f.old or None, f.new or None] for f in change.fields},
            comment="Impor Excel",
        )
    if new_years or changed_years or new_quarters or changed_quarters or new_inputs or changed_inputs or gone:
        bump_figures()


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


def _budget(ctx: _Ctx, recs: list[Record], *, quarterly: bool) -> Callable[[], None] | None:
    office, year = ctx.office, ctx.year
    budget = BudgetYear.objects.filter(office=office, year=year).first()
    if budget is None:
        ctx.problem(f"Belum ada anggaran tahun {year}; tambahkan baris anggaran di halaman Anggaran terlebih dahulu.")
        return None
    lines = {line.code: line for line in budget.lines.prefetch_related("quarters")}
    parents = {line.parent_id for line in lines.values()}
    dup = _duplicates(ctx, recs, lambda r: r.text("code").replace(" ", ""), "Kode")
    plans: list[tuple[BudgetLine, Decimal | None, dict[int, Decimal], Decimal | None, Change]] = []
    for rec in recs:
        code = rec.text("code").replace(" ", "")
        line = lines.get(code)
        if line is None:
            ctx.problem(f"Kode «{code}» tidak ada pada anggaran {year} perangkat daerah ini.", rec, "code")
            continue
        if code in dup:
            continue
        allocation = ctx.amount(rec, "allocation", f"{code} pagu")
        stored_q = {lq.quarter: lq.realisation for lq in line.quarters.all()}
        quarters: dict[int, Decimal] = {}
        realisation: Decimal | None = None
        leaf = line.pk not in parents
        if quarterly:
            for q in QUARTERS:
                v = ctx.amount(rec, f"tw{q}", f"{code} {QUARTER_NAMES[q]}")
                if v is not None:
                    if not leaf:
                        ctx.problem("Realisasi hanya diisi pada baris terbawah (sub kegiatan).", rec, f"tw{q}")
                    quarters[q] = v
            if quarters and leaf and line.realisation is not None:
                ctx.problem(
                    f"Baris {code} sudah punya realisasi tahunan ({input_text(line.realisation)}); realisasi "
                    "triwulan tidak dapat disimpan bersamaan. Kosongkan realisasi tahunan di halaman Anggaran, "
                    "atau impor realisasi tahunan (ekspor SIPD).",
                    rec,
                    next(f"tw{q}" for q in sorted(quarters)),
                )
        else:
            realisation = ctx.amount(rec, "realisation", f"{code} realisasi")
            if realisation is not None and not leaf:
                realisation = None if realisation == line.realisation else realisation
                if realisation is not None:
                    ctx.problem("Realisasi hanya diisi pada baris terbawah (sub kegiatan).", rec, "realisation")
            if realisation is not None and stored_q and sum(stored_q.values()) == realisation:
                realisation = None  # the quarters already give this figure: nothing to store
            if realisation is not None and stored_q:
                ctx.problem(
                    f"Baris {code} sudah punya realisasi triwulan (jumlah {input_text(sum(stored_q.values()))}); "
                    "realisasi tahunan SIPD yang berbeda tidak dapat disimpan bersamaan.",
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
        try:  # the domain's own checks of a budget line (when the row has no error yet)
            if len(ctx.problems) == known and rec.row not in {p.row for p in ctx.problems if p.sheet == rec.sheet}:
                budget_rules.BudgetLine(
                    code,
                    line.name,
                    budget_rules.Level(line.level or "sub_activity"),
                    allocation=allocation if allocation is not None else line.allocation,
                    realisation=realisation if realisation is not None else line.realisation,
                    quarterly_realisation={**stored_q, **quarters},
                )
        except BudgetError as exc:
            ctx.problem(f"Tidak sah: {exc}", rec, "code")
        fields: list[FieldChange] = []
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
    if ctx.problems:
        return None
    from sakip.workflow.services import ensure_year_editable

    if any(c.action != UNCHANGED for c in ctx.changes):
        _locked(ctx, lambda: ensure_year_editable(office, year))

    def write() -> None:
        ensure_year_editable(office, year)
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
            if update:
                line.save(update_fields=update)
            stored = {lq.quarter: lq for lq in line.quarters.all()}
            for q, v in quarters.items():
                lq = stored.get(q)
                if lq is None:
                    LineQuarter.objects.create(line=line, quarter=q, realisation=v)
                elif lq.realisation != v:
                    lq.realisation = v
                    lq.save(update_fields=["realisation"])

    return write


# ----------------------------------------------------------------------------- PK


def _pk(ctx: _Ctx, wb: Any, lim: Limits) -> Callable[[], None] | None:
    recs = read_sheet(wb, PK, lim, ctx.problems)
    if ctx.problems:
        return None
    office, year = ctx.office, ctx.year
    version = PkVersion.objects.filter(office=office, year=year).order_by("-number").first()
    if version is None:
        ctx.problem(
            f"Belum ada Perjanjian Kinerja tahun {year}; buat PK di halaman Perjanjian kinerja terlebih dahulu."
        )
        return None
    plan = current_plan(office)
    indicators = {i.code: i for i in Indicator.objects.filter(plan=plan)}
    existing = {t.indicator_id: t for t in version.targets.all()}
    dup = _duplicates(ctx, recs, lambda r: r.text("code"), "Kode indikator")
    plans: list[tuple[Indicator, dict[str, Any], Change]] = []
    for rec in recs:
        code = rec.text("code")
        ind = indicators.get(code)
        if ind is None:
            ctx.problem(f"Kode indikator «{code}» tidak ada pada rencana strategis.", rec, "code")
            continue
        if code in dup or rec.values.get("target") is None:
            continue
        try:
            parsed = parse_target(_cell_text(rec.values["target"]), ind.polarity, ind.ordinal_scale, code)  # type: ignore[arg-type]
        except ValidationError as exc:
            ctx.problem(" ".join(exc.messages), rec, "target")
            continue
        assert parsed is not None
        current = existing.get(ind.pk)
        old = stored_target_text(current)
        new = _target_display(parsed)
        if current is None:
            change = Change(rec.sheet, rec.row, code, ind.name, CREATED, [FieldChange("Target", "", new)])
        elif _target_display(_target_fields(current)) != new:
            change = Change(rec.sheet, rec.row, code, ind.name, UPDATED, [FieldChange("Target", old, new)])
        else:
            change = Change(rec.sheet, rec.row, code, ind.name, UNCHANGED)
        ctx.changes.append(change)
        plans.append((ind, parsed, change))
    if ctx.problems:
        return None
    from sakip.workflow.services import ensure_editable

    if any(c.action != UNCHANGED for c in ctx.changes):
        _locked(ctx, lambda: ensure_editable(office, year, "pk"))

    def write() -> None:
        ensure_editable(office, year, "pk")
        order = (version.targets.aggregate(m=Max("order"))["m"] or 0) + 1
        for ind, parsed, change in plans:
            if change.action == CREATED:
                PkTarget.objects.create(version=version, indicator=ind, order=order, **parsed)
                order += 1
            elif change.action == UPDATED:  # saved one by one: the audit trail records each change
                target = PkTarget.objects.get(version=version, indicator=ind)
                for attr, v in parsed.items():
                    setattr(target, attr, v)
                target.save()

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


def _renstra(ctx: _Ctx, wb: Any, lim: Limits) -> Callable[[], None] | None:
    plan = current_plan(ctx.office)
    assert plan is not None
    years = list(range(plan.start_year, plan.end_year + 1))
    ind_spec = renstra_indicators(years)
    goals_r = read_sheet(wb, TUJUAN, lim, ctx.problems, required=False)
    objs_r = read_sheet(wb, SASARAN, lim, ctx.problems, required=False)
    inds_r = read_sheet(wb, ind_spec, lim, ctx.problems)
    if ctx.problems:
        return None
    goals = {g.code: g for g in Goal.objects.filter(plan=plan)}
    objectives = {o.code: o for o in Objective.objects.filter(plan=plan)}
    indicators = {i.code: i for i in Indicator.objects.filter(plan=plan).prefetch_related("targets")}
    writes: list[Callable[[], None]] = []
    changed_years: set[int] = set()

    def text_rows(recs: list[Record], objs: Mapping[str, Any], what: str, attr: str, label: str) -> None:
        dup = _duplicates(ctx, recs, lambda r: r.text("code"), f"Kode {what}")
        for rec in recs:
            code = rec.text("code")
            obj = objs.get(code)
            if obj is None:
                ctx.problem(
                    f"Kode {what} «{code}» tidak ada pada rencana strategis {plan.start_year}–"
                    f"{plan.end_year} (impor ini mengubah, tidak menambah).",
                    rec,
                    "code",
                )
                continue
            if code in dup:
                continue
            new = rec.text("text")
            if new and new != getattr(obj, attr):
                ctx.changes.append(
                    Change(rec.sheet, rec.row, code, label, UPDATED, [FieldChange(label, getattr(obj, attr), new)])
                )
                writes.append(functools.partial(_set, obj, attr, new))
            else:
                ctx.changes.append(Change(rec.sheet, rec.row, code, getattr(obj, attr)[:80], UNCHANGED))

    text_rows(goals_r, goals, "tujuan", "text", "Tujuan")
    text_rows(objs_r, objectives, "sasaran", "text", "Sasaran")
    dup = _duplicates(ctx, inds_r, lambda r: r.text("code"), "Kode indikator")
    for rec in inds_r:
        code = rec.text("code")
        ind = indicators.get(code)
        if ind is None:
            ctx.problem(
                f"Kode indikator «{code}» tidak ada pada rencana strategis (impor ini mengubah, tidak "
                "menambah; tambahkan indikator baru di halaman Rencana strategis).",
                rec,
                "code",
            )
            continue
        if code in dup:
            continue
        fields: list[FieldChange] = []
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
                changed_years.add(y)
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
    if ctx.problems:
        return None
    from sakip.workflow.services import ensure_years_editable

    if changed_years:
        _locked(ctx, lambda: ensure_years_editable(ctx.office, changed_years))

    def write() -> None:
        if changed_years:
            ensure_years_editable(ctx.office, changed_years)
        for w in writes:
            w()

    return write


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
        return write_template(
            "anggaran",
            [(ANGGARAN, _budget_rows(office, year))],
            title=title,
            notes=[
                "Laporan realisasi ekspor SIPD dapat diimpor langsung (jenis «sipd»): "
                "kolom «Kode», «Pagu», «Realisasi»."
            ],
        )
    if kind == "pk":
        return write_template(kind, [(PK, _pk_rows(office, year))], title=title)
    plan = current_plan(office)
    years = list(range(plan.start_year, plan.end_year + 1)) if plan else [year]
    goals, objs, inds = _renstra_rows(office, years)
    return write_template(
        kind,
        [(TUJUAN, goals), (SASARAN, objs), (renstra_indicators(years), inds)],
        title=f"Templat impor Matriks Renstra — {office.name}",
        notes=[
            "Impor Renstra mengubah tujuan, sasaran dan indikator yang sudah ada (menurut kode) "
            "dan target tahunannya; indikator baru ditambahkan di halaman Rencana strategis."
        ],
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
    from sakip.budgeting.views import _ordered

    lines = list(budget.lines.prefetch_related("quarters"))
    out: list[dict[str, Any]] = []
    for line, _depth, leaf in _ordered(lines):
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
    if version is None:
        return []
    return [
        {"code": t.indicator.code, "name": t.indicator.name, "unit": t.indicator.unit, "target": _target_cell(t)}
        for t in version.targets.select_related("indicator")
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
    for ind in plan.indicators.select_related("goal", "objective").prefetch_related("targets"):
        owner = ind.objective.code if ind.objective else (ind.goal.code if ind.goal else "")
        row: dict[str, Any] = {"code": ind.code, "owner": owner, "name": ind.name, "unit": ind.unit}
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
