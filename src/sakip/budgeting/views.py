"""The budget of an office-year: the tree, quarterly realisation, totals and sum checks (SPEC §6)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from sakip.accounts.access import can, office_view
from sakip.accounts.models import Membership, Office
from sakip.core.concurrency import (
    Changed,
    Conflict,
    conflict_context,
    create_once,
    get_or_create_once,
    last_changes,
    locked,
    reapplied,
    retrying,
    token,
    verify,
)
from sakip.core.i18n import error_text
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
from sakip.domain.errors import BudgetError
from sakip.domain.periods import QUARTER_LABELS, QUARTERS
from sakip.reports.scorecard import show_number, show_percent
from sakip.workflow.web import lock_message, locked_response, refuse_if_locked

from .models import CLASS_CHOICES, BudgetLine, BudgetYear, LineQuarter

CODE_RE = re.compile(r"^[0-9A-Za-z]+(?:\.[0-9A-Za-z]+)*$")


def _ordered(lines: list[BudgetLine]) -> list[tuple[BudgetLine, int, bool]]:
    """The lines in tree order with depth and whether each is a leaf."""
    children: dict[int | None, list[BudgetLine]] = {}
    for line in lines:
        children.setdefault(line.parent_id, []).append(line)
    out: list[tuple[BudgetLine, int, bool]] = []

    def walk(parent: int | None, depth: int) -> None:
        for line in children.get(parent, []):
            out.append((line, depth, line.pk not in children))
            walk(line.pk, depth + 1)

    walk(None, 0)
    return out


def _money(value: Decimal | None) -> str:
    return show_number(value, 2) if value is not None else "-"


@office_view("view")
def budget_entry(request: HttpRequest, year: int, office: Office, membership: Membership | None) -> HttpResponse:
    """The budget tree with allocation and quarterly realisation; leaf lines editable, all or nothing."""
    if request.method == "GET" and (year == 0 or year_switch(request, year)):
        return redirect(reverse("budget-entry", args=[office.code, year_switch(request, year) or default_year(office)]))
    if not valid_year(year):
        raise Http404(_("Tahun tidak dikenal"))
    editable = (
        can(membership, office, "enter") and current_plan(office) is not None
        and not lock_message(office, year, "annual")
    )
    here = reverse("budget-entry", args=[office.code, year])
    budget = BudgetYear.objects.filter(office=office, year=year).first()
    lines = list(budget.lines.prefetch_related("quarters")) if budget else []
    ordered = _ordered(lines)
    errors: dict[str, list[str]] = {}
    typed: dict[str, str] = {}
    versions: dict[str, str] = {}  # the versions the page was loaded with (kept while the user fixes errors)
    found: list[Conflict] = []
    status = 200
    add_errors: dict[str, list[str]] = {}
    add_typed: dict[str, str] = {}
    problems: list[str] = []
    if request.method == "POST":
        require(membership, office, "enter")
        if current_plan(office) is None:
            raise Http404(_("Buat rencana strategis terlebih dahulu"))
        refused = refuse_if_locked(request, office, year, "annual") or _refuse_locked_quarters(
            request, office, year, ordered
        )
        if refused is not None:
            return refused
        op = request.POST.get("op", "")
        if op == "save" and budget is not None:
            result = save_lines(reapplied(request.POST), office, year)
            if result.saved:
                messages.success(request, _("Anggaran %(year)s tersimpan.") % {"year": year})
                return redirect(here)
            errors, typed, problems, found = result.errors, result.typed, result.problems, result.conflicts
            versions, ordered = result.versions, result.ordered
            budget = BudgetYear.objects.filter(office=office, year=year).first()
            if found:
                status = 409
            elif any(errors.values()):
                messages.error(request, _("Tidak ada yang disimpan: perbaiki isian yang ditandai."))
        elif op == "add":
            if _add_line(request, office, year, budget, lines, add_errors, add_typed, problems):
                messages.success(request, _("Baris anggaran %(code)s ditambahkan.") % {"code": add_typed["code"]})
                return redirect(here)
        else:
            problems.append(_("Permintaan tidak dikenal; tidak ada yang diubah."))
    computed = compute(office, year)
    problems = computed.problems + problems
    sc = computed.scorecard
    score = sc.budget if sc else None
    by_code = {ls.line.code: ls for ls in score.lines} if score else {}
    rows = []
    for line, depth, leaf in ordered:
        ls = by_code.get(line.code)
        quarters = {q.quarter: q.realisation for q in line.quarters.all()}
        key = str(line.pk)
        rows.append({
            "line": line, "depth": depth, "leaf": leaf, "key": key,
            "allocation": _money(ls.amounts.allocation if ls else line.allocation),
            "stated": _money(line.allocation) if not leaf and line.allocation is not None else None,
            "realisation": _money(ls.amounts.realisation) if ls else "-",
            "absorption": show_percent(ls.absorption) if ls else "-",
            "remaining": _money(ls.amounts.remaining) if ls else "-",
            "quarters": [
                {"q": q, "name": f"q-{key}-{q}", "shown": _money(quarters.get(q)) if q in quarters else "-",
                 "text": typed.get(f"q-{key}-{q}", input_text(quarters.get(q))),
                 "errors": errors.get(f"q-{key}-{q}", [])}
                for q in QUARTERS
            ],
            "allocation_field": {"name": f"a-{key}", "text": typed.get(f"a-{key}", input_text(line.allocation)),
                                 "errors": errors.get(f"a-{key}", [])},
            "line_errors": errors.get(f"line-{key}", []),
            "version": {"name": f"ver-{key}", "value": versions.get(key) or token(line)},
        })
    context = page_context(
        office, membership, "budget", year,
        budget=budget, rows=rows, editable=editable, years=year_choices(office, year), problems=problems,
        quarter_labels=[QUARTER_LABELS[q] for q in QUARTERS],
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
        failed_checks=[
            {"where": c.where, "what": _("pagu") if c.what == "allocation" else _("realisasi"),
             "stated": _money(c.stated), "computed": _money(c.computed), "difference": _money(c.difference)}
            for c in (score.sum_checks if score else ()) if not c.ok
        ],
        class_choices=CLASS_CHOICES, level_choices=BudgetLine.Level.choices,
        parents=[(line, depth) for line, depth, _leaf in ordered],
        objectives=_objectives(office),
        add_errors=add_errors, add_typed=add_typed,
        conflict_form=True, **conflict_context(found),
    )
    return render(request, "budgeting/budget.html", context, status=status)


def _objectives(office: Office) -> list[tuple[str, str]]:
    plan = current_plan(office)
    return list(plan.objectives.values_list("code", "text")) if plan is not None else []


def _refuse_locked_quarters(
    request: HttpRequest, office: Office, year: int, ordered: list[tuple[BudgetLine, int, bool]]
) -> HttpResponse | None:
    """A budget save that changes a quarter's realisation of a locked quarter is refused (workflow lock)."""
    for q in QUARTERS:
        message = lock_message(office, year, "quarter", q)
        if message is None:
            continue
        for line, _depth, _leaf in ordered:
            name = f"q-{line.pk}-{q}"
            if name not in request.POST:
                continue
            stored = next((lq.realisation for lq in line.quarters.all() if lq.quarter == q), None)
            if request.POST[name].strip() != input_text(stored):
                return locked_response(request, message)
    return None


@dataclass
class LinesSave:
    """What a save of budget lines gives back: the lines as read, the typed texts, errors, conflicts."""

    ordered: list[tuple[BudgetLine, int, bool]]
    errors: dict[str, list[str]] = field(default_factory=dict)
    typed: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    versions: dict[str, str] = field(default_factory=dict)  # line pk -> the version the form was loaded with
    saved: bool = False


def read_lines(office: Office, year: int) -> list[tuple[BudgetLine, int, bool]]:
    budget = BudgetYear.objects.filter(office=office, year=year).first()
    return _ordered(list(budget.lines.prefetch_related("quarters"))) if budget else []


def save_lines(post: QueryDict, office: Office, year: int, codes: set[str] | None = None) -> LinesSave:
    """Store the leaf lines' allocations and quarterly realisations typed in ``post`` (all or nothing).

    The page and the API (``codes``: only those lines) both come here. A field absent from
    ``post`` is left as stored. Each line's version (``ver-<id>``) is compared with the stored
    one: a line changed since would be a conflict (nothing stored, `LinesSave.conflicts`).
    Read, checked and stored again from the start when another save comes in between
    (`core.concurrency.retrying`).
    """

    def attempt() -> LinesSave:
        ordered = read_lines(office, year)
        result = LinesSave(ordered)
        chosen: list[tuple[BudgetLine, int, bool]] = (
            ordered if codes is None else [(ln, d, leaf) for ln, d, leaf in ordered if leaf and ln.code in codes]
        )
        result.saved = _save_lines(post, office, chosen, result)
        return result

    try:
        return retrying(attempt)
    except Changed:
        result = LinesSave(read_lines(office, year))
        result.problems.append(_("Anggaran ini sedang diubah orang lain; tidak ada yang disimpan. Coba simpan lagi."))
        return result


def _save_lines(
    post: QueryDict, office: Office, ordered: list[tuple[BudgetLine, int, bool]], result: LinesSave
) -> bool:
    errors, typed = result.errors, result.typed
    parsed: dict[int, tuple[Decimal | None, dict[int, Decimal | None]]] = {}
    for line, _depth, leaf in ordered:
        if not leaf:
            continue
        key = str(line.pk)
        name = f"a-{key}"
        fields = [name, *(f"q-{key}-{q}" for q in QUARTERS)]
        if not any(f in post for f in fields):
            continue
        if f"ver-{key}" in post:
            result.versions[key] = post.get(f"ver-{key}") or ""
        stored_q = {lq.quarter: lq.realisation for lq in line.quarters.all()}
        typed[name] = post.get(name, "") if name in post else input_text(line.allocation)
        try:
            allocation = parse_amount(typed[name], f"{line.code} pagu")
        except ValidationError as exc:
            errors.setdefault(name, []).extend(exc.messages)
            allocation = None
        else:
            if allocation is None:
                errors.setdefault(name, []).append(_("Pagu wajib diisi."))
        quarters: dict[int, Decimal | None] = {}
        for q in QUARTERS:
            qname = f"q-{key}-{q}"
            typed[qname] = post.get(qname, "") if qname in post else input_text(stored_q.get(q))
            try:
                quarters[q] = parse_amount(typed[qname], f"{line.code} TW {q}")
            except ValidationError as exc:
                errors.setdefault(qname, []).extend(exc.messages)
        if allocation is not None:
            try:  # the domain's own checks (no negative amounts, quarters 1–4)
                budget_rules.BudgetLine(
                    line.code, line.name, budget_rules.Level(line.level or "sub_activity"), allocation=allocation,
                    quarterly_realisation={q: v for q, v in quarters.items() if v is not None},
                )
            except BudgetError as exc:
                errors.setdefault(f"line-{key}", []).append(_("Tidak sah: %(why)s") % {"why": error_text(exc)})
            if allocation < 0:
                errors.setdefault(name, []).append(_("Pagu tidak boleh negatif."))
        for q, v in quarters.items():
            if v is not None and v < 0:
                errors.setdefault(f"q-{key}-{q}", []).append(_("Realisasi tidak boleh negatif."))
        parsed[line.pk] = (allocation, quarters)
    if any(errors.values()):
        return False
    lines = {line.pk: line for line, _d, _l in ordered}
    result.conflicts = _conflicts(lines, parsed, result)
    if result.conflicts:
        return False
    try:
        with atomic_checked(office):
            current = {
                str(pk): f"{pk}.{version}"
                for pk, version in locked(BudgetLine.objects.filter(pk__in=parsed)).values_list("pk", "version")
            }
            verify({str(pk): token(lines[pk]) for pk in parsed}, current)
            for pk, (allocation, quarters) in parsed.items():
                _store_line(lines[pk], allocation, quarters)
    except Rollback as exc:
        result.problems.extend(exc.issues)
        return False
    return True


def _store_line(line: BudgetLine, allocation: Decimal | None, quarters: dict[int, Decimal | None]) -> None:
    """One line's allocation and quarters; the line's version goes up when any of them changed."""
    quarters_changed = False
    stored = {lq.quarter: lq for lq in line.quarters.all()}
    for q, v in quarters.items():
        lq = stored.get(q)
        if v is None:
            if lq is not None:
                lq.delete()
                quarters_changed = True
        elif lq is None:
            create_once(LineQuarter, line=line, quarter=q, realisation=v)
            quarters_changed = True
        elif lq.realisation != v:
            lq.realisation = v
            lq.save(update_fields=["realisation"])
            quarters_changed = True
    if line.allocation != allocation:
        line.allocation = allocation
        line.save(update_fields=["allocation"])
    elif quarters_changed:
        line.touch()


def _conflicts(
    lines: dict[int, BudgetLine], parsed: dict[int, tuple[Decimal | None, dict[int, Decimal | None]]], result: LinesSave
) -> list[Conflict]:
    """The typed fields of lines changed since the form was loaded that differ from what is stored now."""
    stale = [pk for pk in parsed if (loaded := result.versions.get(str(pk))) is not None and loaded != token(lines[pk])]
    if not stale:
        return []
    quarter_ids = {lq.pk: pk for pk in stale for lq in lines[pk].quarters.all()}
    changes = last_changes(BudgetLine, stale)
    for qid, (who, when) in last_changes(LineQuarter, quarter_ids).items():
        line_pk = str(quarter_ids[int(qid)])
        if line_pk not in changes or changes[line_pk][1] < when:
            changes[line_pk] = (who, when)
    out: list[Conflict] = []
    for pk in stale:
        line = lines[pk]
        allocation, quarters = parsed[pk]
        by, at = changes.get(str(pk), ("", None))
        where = f"{line.code} {line.name}"
        stored_q = {lq.quarter: lq.realisation for lq in line.quarters.all()}
        if allocation != line.allocation:
            out.append(Conflict(where, _("Pagu"), input_text(line.allocation), result.typed[f"a-{pk}"], by, at,
                                name=f"a-{pk}"))
        for q, v in quarters.items():
            if v != stored_q.get(q):
                out.append(Conflict(where, _("Realisasi %(q)s") % {"q": QUARTER_LABELS[q]}, input_text(stored_q.get(q)),
                                    result.typed[f"q-{pk}-{q}"], by, at, name=f"q-{pk}-{q}"))
    for c in out:  # the form shows what is stored now; what was typed is kept for "use my values"
        result.typed[c.name] = c.stored
    result.versions.clear()
    return out


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
