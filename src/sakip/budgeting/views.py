"""The budget of an office-year: the tree, quarterly realisation, totals and sum checks (SPEC §6)."""

from __future__ import annotations

import re
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from sakip.accounts.access import can, office_view
from sakip.accounts.models import Membership, Office
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
            result = _save_lines(request, office, ordered, errors, typed, problems)
            if result:
                messages.success(request, _("Anggaran %(year)s tersimpan.") % {"year": year})
                return redirect(here)
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
    )
    return render(request, "budgeting/budget.html", context)


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


def _save_lines(
    request: HttpRequest, office: Office, ordered: list[tuple[BudgetLine, int, bool]],
    errors: dict[str, list[str]], typed: dict[str, str], problems: list[str],
) -> bool:
    post = request.POST
    parsed: dict[int, tuple[Decimal | None, dict[int, Decimal | None]]] = {}
    for line, _depth, leaf in ordered:
        if not leaf:
            continue
        key = str(line.pk)
        name = f"a-{key}"
        if name not in post:
            continue
        typed[name] = post.get(name, "")
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
            typed[qname] = post.get(qname, "")
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
    try:
        with atomic_checked(office):
            for pk, (allocation, quarters) in parsed.items():
                line = lines[pk]
                if line.allocation != allocation:
                    line.allocation = allocation
                    line.save(update_fields=["allocation"])
                stored = {lq.quarter: lq for lq in line.quarters.all()}
                for q, v in quarters.items():
                    lq = stored.get(q)
                    if v is None:
                        if lq is not None:
                            lq.delete()
                    elif lq is None:
                        LineQuarter.objects.create(line=line, quarter=q, realisation=v)
                    elif lq.realisation != v:
                        lq.realisation = v
                        lq.save(update_fields=["realisation"])
    except Rollback as exc:
        problems.extend(exc.issues)
        return False
    return True


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
        with atomic_checked(office):
            by = budget or BudgetYear.objects.create(office=office, year=year)
            order = (BudgetLine.objects.filter(budget=by).aggregate(m=Max("order"))["m"] or 0) + 1
            BudgetLine.objects.create(
                budget=by, parent=parent, code=code, name=typed["name"][:500], level=typed["level"],
                budget_class=typed["budget_class"], allocation=allocation, objectives=objectives, order=order,
            )
    except Rollback as exc:
        problems.extend(exc.issues)
        return False
    return True
