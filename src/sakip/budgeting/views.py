"""The budget of an office-year: the tree, realisation per quarter or per year, amendments (APBD
Perubahan), objectives and shares, totals, per objective and sum checks (SPEC §6).

What the page stores is in `edits`; every figure it shows comes from the domain (the scorecard).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from sakip.accounts.access import can, office_view
from sakip.accounts.models import Membership, Office
from sakip.core.concurrency import conflict_context, get_or_create_once, reapplied, token
from sakip.core.web import (
    Rollback,
    atomic_checked,
    compute,
    current_plan,
    default_year,
    input_text,
    page_context,
    parse_amount,
    require,
    valid_year,
    year_choices,
    year_switch,
)
from sakip.domain import budget as budget_rules
from sakip.domain.periods import QUARTER_LABELS, QUARTERS
from sakip.domain.workflow import Scope
from sakip.reports.scorecard import show_number, show_percent
from sakip.workflow.web import locked_response, refuse_if_locked

from . import edits
from .edits import Locks, Ordered, effective_basis, ordered_lines, stored_quarters
from .models import CLASS_CHOICES, AllocationAmendment, Basis, BudgetLine, BudgetYear

CODE_RE = re.compile(r"^[0-9A-Za-z]+(?:\.[0-9A-Za-z]+)*$")

def _money(value: Decimal | None) -> str:
    return show_number(value, 2) if value is not None else "-"


@office_view("view")
def budget_entry(request: HttpRequest, year: int, office: Office, membership: Membership | None) -> HttpResponse:
    """The budget tree; leaf lines editable (amounts all or nothing), each line per quarter or per year."""
    if request.method == "GET" and (year == 0 or year_switch(request, year)):
        return redirect(reverse("budget-entry", args=[office.code, year_switch(request, year) or default_year(office)]))
    if not valid_year(year):
        raise Http404(_("Tahun tidak dikenal"))
    locks = Locks.read(office, year)
    annual = locks.message(Scope.ANNUAL)
    editable = can(membership, office, "enter") and current_plan(office) is not None and annual is None
    here = reverse("budget-entry", args=[office.code, year])
    budget = BudgetYear.objects.filter(office=office, year=year).first()
    lines = list(budget.lines.prefetch_related("quarters", "amendments")) if budget else []
    ordered = ordered_lines(lines)
    state = _State()
    status = 200
    if request.method == "POST":
        require(membership, office, "enter")
        if current_plan(office) is None:
            raise Http404(_("Buat rencana strategis terlebih dahulu"))
        refused = refuse_if_locked(request, office, year, "annual")
        if refused is not None:
            return refused
        done = _post(request, office, year, budget, lines, ordered, locks, state)
        if isinstance(done, HttpResponse):
            return done
        if done:
            return redirect(here + (f"#baris-{state.anchor}" if state.anchor else ""))
        if state.saved is not None:  # the lines as the save read them (another save may have come in between)
            ordered = state.saved.ordered
            budget = BudgetYear.objects.filter(office=office, year=year).first()
            status = 409 if state.saved.conflicts else 200
    return render(request, "budgeting/budget.html", _context(office, membership, year, budget, ordered, locks,
                                                              editable, state), status=status)


class _State:
    """What a POST leaves for the page it renders again: typed text, errors, a switch to confirm."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}
        self.typed: dict[str, str] = {}
        self.problems: list[str] = []
        self.forms: dict[str, dict[str, list[str]]] = {"add": {}, "amend": {}, "objectives": {}}
        self.form_typed: dict[str, dict[str, str]] = {"add": {}, "amend": {}, "objectives": {}}
        self.confirm: edits.Switch | None = None
        self.anchor = ""
        self.saved: edits.LinesSave | None = None  # a refused save of the amounts (errors, conflicts)


def _leaf(ordered: Ordered, pk: str) -> BudgetLine | None:
    return next((line for line, _d, leaf in ordered if leaf and str(line.pk) == pk), None)


def _post(
    request: HttpRequest, office: Office, year: int, budget: BudgetYear | None, lines: list[BudgetLine],
    ordered: Ordered, locks: Locks, state: _State,
) -> HttpResponse | bool:
    post: QueryDict = request.POST
    op = post.get("op", "")
    if op == "save" and budget is not None:
        post = reapplied(post)
        message = edits.refused_field(post, ordered, locks)
        if message is not None:
            return locked_response(request, message)
        result = edits.save_lines(post, office, year)
        if result.saved:
            messages.success(request, _("Anggaran %(year)s tersimpan.") % {"year": year})
            return True
        state.saved = result
        state.errors, state.typed = result.errors, result.typed
        state.problems.extend(result.problems)
        if not result.conflicts and any(result.errors.values()):
            messages.error(request, _("Tidak ada yang disimpan: perbaiki isian yang ditandai."))
        return False
    if op == "basis":
        line = _leaf(ordered, post.get("line", ""))
        to = post.get("to", "")
        if line is None or to not in Basis.values:
            state.problems.append(_("Baris atau cara pengisian tidak dikenal; tidak ada yang diubah."))
            return False
        message = locks.basis
        if message is not None:
            return locked_response(request, message)
        try:
            outcome = edits.switch_basis(office, line, to, post.get("choice", ""))
        except Rollback as exc:
            edits.place_issues(exc, year, ordered, state.errors, state.problems)
            return False
        if isinstance(outcome, edits.Switch):
            state.confirm = outcome
            state.anchor = str(line.pk)
            return False
        messages.success(request, outcome)
        state.anchor = str(line.pk)
        return True
    if op == "amend":
        errors, typed = state.forms["amend"], state.form_typed["amend"]
        quarter = str(post.get("from_quarter", ""))
        if quarter.isdigit() and int(quarter) in QUARTERS and (message := locks.amendment(int(quarter))):
            return locked_response(request, message)
        made = edits.add_amendment(post, office, ordered, locks, errors, typed)
        if made is None:
            return False
        messages.success(request, _("Perubahan pagu %(code)s berlaku mulai %(quarter)s dicatat.") % {
            "code": made.line.code, "quarter": QUARTER_LABELS[made.from_quarter]})
        state.anchor = str(made.line_id)
        return True
    if op == "amend-delete":
        amendment = AllocationAmendment.objects.filter(pk=post.get("id", "0") if str(post.get("id", "")).isdigit()
                                                       else 0, line__budget=budget).first()
        if amendment is None:
            state.problems.append(_("Perubahan pagu itu tidak ada (lagi); tidak ada yang diubah."))
            return False
        message = locks.amendment(amendment.from_quarter)
        if message is not None:
            return locked_response(request, message)
        try:
            with atomic_checked(office):
                amendment.delete()
                amendment.line.touch()  # the allocation in force changed
        except Rollback as exc:
            edits.place_issues(exc, year, ordered, state.errors, state.problems)
            return False
        messages.success(request, _("Perubahan pagu dihapus."))
        return True
    if op == "objectives":
        errors = state.forms["objectives"]
        line = next((ln for ln, _d, _l in ordered if str(ln.pk) == post.get("line", "")), None)
        if line is None:
            errors.setdefault("line", []).append(_("Pilih baris."))
            return False
        message = locks.allocation
        if message is not None:
            return locked_response(request, message)
        state.form_typed["objectives"] = {"line": str(line.pk), **{k: str(v) for k, v in post.items()}}
        if edits.save_objectives(post, office, line, [c for c, _t in _objectives(office)], errors):
            messages.success(request, _("Sasaran baris %(code)s tersimpan.") % {"code": line.code})
            state.anchor = str(line.pk)
            return True
        return False
    if op == "add":
        message = locks.allocation
        if message is not None:
            return locked_response(request, message)
        if _add_line(request, office, year, budget, lines, state.forms["add"], state.form_typed["add"],
                     state.problems):
            messages.success(request, _("Baris anggaran %(code)s ditambahkan.") % {
                "code": state.form_typed["add"]["code"]})
            return True
        return False
    state.problems.append(_("Permintaan tidak dikenal; tidak ada yang diubah."))
    return False


def _context(
    office: Office, membership: Membership | None, year: int, budget: BudgetYear | None, ordered: Ordered,
    locks: Locks, editable: bool, state: _State,
) -> dict[str, Any]:
    computed = compute(office, year)
    problems = list(computed.others)
    edits.place_rows(computed.rows, year, ordered, state.errors, problems)
    problems += state.problems
    sc = computed.scorecard
    score = sc.budget if sc else None
    by_code = {ls.line.code: ls for ls in score.lines} if score else {}
    allocation_lock = locks.allocation
    quarter_locks = {q: locks.quarter(q) for q in QUARTERS}
    versions = state.saved.versions if state.saved else {}  # the versions the page was loaded with, kept
    found = state.saved.conflicts if state.saved else []
    rows = []
    for line, depth, leaf in ordered:
        ls = by_code.get(line.code)
        quarters = stored_quarters(line)
        key = str(line.pk)
        basis = effective_basis(line) if leaf else ""
        amendments = edits.amendments_of(line)
        rows.append({
            "line": line, "depth": depth, "leaf": leaf, "key": key, "basis": basis,
            "allocation": _money(ls.amounts.allocation if ls else line.allocation),
            "original": _money(budget_rules.original_allocation(ls.line)) if ls and ls.line.amended else None,
            "amended_from": [QUARTER_LABELS[a.from_quarter] for a in amendments],
            "stated": _money(line.allocation) if not leaf and line.allocation is not None else None,
            "realisation": _money(ls.amounts.realisation) if ls else "-",
            "absorption": show_percent(ls.absorption) if ls else "-",
            "remaining": _money(ls.amounts.remaining) if ls else "-",
            "objectives": edits.objectives_text(line),
            "quarters": [
                {"q": q, "label": QUARTER_LABELS[q], "name": f"q-{key}-{q}",
                 "shown": _money(quarters.get(q)) if q in quarters else "-",
                 "text": state.typed.get(f"q-{key}-{q}", input_text(quarters.get(q))),
                 "errors": state.errors.get(f"q-{key}-{q}", []), "open": quarter_locks[q] is None}
                for q in QUARTERS
            ],
            "kept_quarters": ", ".join(f"{QUARTER_LABELS[q]} {_money(v)}" for q, v in sorted(quarters.items()))
            if basis == Basis.YEAR else "",
            "kept_yearly": _money(line.realisation) if basis == Basis.QUARTER and line.realisation is not None else "",
            "yearly_field": {"name": f"r-{key}", "text": state.typed.get(f"r-{key}", input_text(line.realisation)),
                             "errors": state.errors.get(f"r-{key}", []), "open": locks.yearly is None},
            "allocation_field": {"name": f"a-{key}", "text": state.typed.get(f"a-{key}", input_text(line.allocation)),
                                 "errors": state.errors.get(f"a-{key}", []), "open": allocation_lock is None},
            "line_errors": state.errors.get(f"line-{key}", []),
            "version": {"name": f"ver-{key}", "value": versions.get(key) or token(line)},
        })
    texts = dict(_objectives(office))
    first_open = locks.first_open_quarter
    leaves = [(line, depth) for line, depth, leaf in ordered if leaf]
    return page_context(
        office, membership, "budget", year,
        budget=budget, rows=rows, editable=editable, years=year_choices(office, year), problems=problems,
        quarter_labels=[QUARTER_LABELS[q] for q in QUARTERS],
        allocation_lock=allocation_lock, basis_lock=locks.basis, confirm=_confirm(state.confirm),
        total=score.total if score else None,
        total_allocation=_money(score.total.allocation) if score and score.total else None,
        total_realisation=_money(score.total.realisation) if score and score.total else None,
        total_absorption=show_percent(score.total.absorption) if score and score.total else None,
        lines_total=score.lines_total if score else None,
        lines_total_text={"allocation": _money(score.lines_total.allocation),
                          "realisation": _money(score.lines_total.realisation),
                          "absorption": show_percent(score.lines_total.absorption)}
        if score and score.lines_total else None,
        classes=[{"label": c.label, "allocation": _money(a.allocation), "realisation": _money(a.realisation),
                  "absorption": show_percent(a.absorption)} for c, a in score.classes.items()] if score else [],
        per_objective=[{"label": edits.objective_label(k, texts), "allocation": _money(a.allocation),
                        "realisation": _money(a.realisation), "absorption": show_percent(a.absorption)}
                       for k, a in _objective_order(score.by_objective if score else {}, texts)],
        failed_checks=[
            {"where": c.where, "what": _("pagu") if c.what == "allocation" else _("realisasi"),
             "stated": _money(c.stated), "computed": _money(c.computed), "difference": _money(c.difference)}
            for c in (score.sum_checks if score else ()) if not c.ok
        ],
        amendments=[
            {"a": a, "line": line, "original": _money(line.allocation), "allocation": _money(a.allocation),
             "quarter": QUARTER_LABELS[a.from_quarter], "date": a.date,
             "removable": editable and locks.amendment(a.from_quarter) is None}
            for line, _d, _leaf in ordered for a in edits.amendments_of(line)
        ],
        amend_quarters=[(q, QUARTER_LABELS[q]) for q in QUARTERS if first_open is not None and q >= first_open],
        amend_closed=locks.amendment(4) if first_open is None else None,
        leaves=leaves,
        class_choices=CLASS_CHOICES, level_choices=BudgetLine.Level.choices,
        parents=[(line, depth) for line, depth, _leaf in ordered],
        objectives=_objectives(office),
        add_errors=state.forms["add"], add_typed=state.form_typed["add"],
        amend_errors=state.forms["amend"], amend_typed=state.form_typed["amend"],
        objectives_errors=state.forms["objectives"], objectives_typed=state.form_typed["objectives"],
        conflict_form=True, **conflict_context(found),
    )


def _confirm(switch: edits.Switch | None) -> dict[str, Any] | None:
    if switch is None:
        return None
    return {"line": switch.line, "quarters": [(label, _money(v)) for label, v in switch.quarters],
            "sum": _money(switch.summed), "stored": _money(switch.stored) if switch.stored is not None else None}


def _objective_order(by: dict[str, budget_rules.Amounts], texts: dict[str, str]) -> list[tuple[str, Any]]:
    """The objectives in the plan's order, then "several objectives", then the unattached lines."""
    order = {code: i for i, code in enumerate(texts)}
    rank = {budget_rules.SEVERAL: len(order), budget_rules.UNATTACHED: len(order) + 1}
    return sorted(by.items(), key=lambda kv: (order.get(kv[0], rank.get(kv[0], len(order))), kv[0]))


def _objectives(office: Office) -> list[tuple[str, str]]:
    plan = current_plan(office)
    return list(plan.objectives.values_list("code", "text")) if plan is not None else []


def _add_line(
    request: HttpRequest, office: Office, year: int, budget: BudgetYear | None, lines: list[BudgetLine],
    errors: dict[str, list[str]], typed: dict[str, str], problems: list[str],
) -> bool:
    post = request.POST
    for k in ("code", "name", "level", "parent", "budget_class", "allocation"):
        typed[k] = post.get(k, "").strip()
    code = typed["code"]
    if not CODE_RE.match(code):
        errors.setdefault("code", []).append(
            _("Kode seperti pada Permendagri 90/2019, misalnya 7.01.01.2.01.0001 (angka/huruf dipisah titik)."))
    elif any(line.code == code for line in lines):
        errors.setdefault("code", []).append(_("Kode %(code)s sudah ada.") % {"code": code})
    if not typed["name"]:
        errors.setdefault("name", []).append(_("Uraian wajib diisi."))
    if typed["level"] not in BudgetLine.Level.values:
        errors.setdefault("level", []).append(_("Pilih tingkat."))
    parent = None
    if typed["parent"]:
        parent = next((line for line in lines if str(line.pk) == typed["parent"]), None)
        if parent is None:
            errors.setdefault("parent", []).append(_("Induk tidak dikenal."))
    elif typed["level"] and typed["level"] != BudgetLine.Level.PROGRAM:
        errors.setdefault("parent", []).append(_("Kegiatan dan sub kegiatan memerlukan induk."))
    classes = {c for c, _label in CLASS_CHOICES}
    if typed["budget_class"] and typed["budget_class"] not in classes:
        errors.setdefault("budget_class", []).append(_("Kelompok belanja tidak dikenal."))
    elif typed["budget_class"]:
        new_system = budget_rules.BudgetClass(typed["budget_class"]).system
        systems = {budget_rules.BudgetClass(line.budget_class).system for line in lines if line.budget_class}
        if budget is not None:
            systems |= {budget_rules.BudgetClass(c.budget_class).system for c in budget.classes.all()}
        if systems and new_system not in systems:
            errors.setdefault("budget_class", []).append(
                _("Anggaran ini memakai klasifikasi lain (BTL/BL sebelum 2021, operasi/modal/tidak terduga/transfer "
                  "sejak 2021); jangan dicampur."))
    try:
        allocation = parse_amount(typed["allocation"], "pagu")
    except ValidationError as exc:
        errors.setdefault("allocation", []).extend(exc.messages)
        allocation = None
    else:
        if allocation is None:
            errors.setdefault("allocation", []).append(_("Pagu wajib diisi."))
        elif allocation < 0:
            errors.setdefault("allocation", []).append(_("Pagu tidak boleh negatif."))
    plan = current_plan(office)
    objective_codes = set(plan.objectives.values_list("code", flat=True)) if plan else set()
    objectives = [c for c in post.getlist("objectives") if c]
    unknown = [c for c in objectives if c not in objective_codes]
    if unknown:
        errors.setdefault("objectives", []).append(_("Sasaran tidak dikenal: %(c)s") % {"c": ", ".join(unknown)})
    if any(errors.values()):
        return False
    try:
        with atomic_checked(office):  # the office locked: a line added meanwhile is seen here
            by = get_or_create_once(BudgetYear, office=office, year=year)[0]
            if BudgetLine.objects.filter(budget=by, code=code).exists():
                errors.setdefault("code", []).append(_("Kode %(code)s sudah ada.") % {"code": code})
                return False
            order = (BudgetLine.objects.filter(budget=by).aggregate(m=Max("order"))["m"] or 0) + 1
            BudgetLine.objects.create(
                budget=by, parent=parent, code=code, name=typed["name"][:500], level=typed["level"],
                budget_class=typed["budget_class"], allocation=allocation, objectives=objectives, order=order,
            )
    except Rollback as exc:
        problems.extend(exc.issues)
        return False
    return True
