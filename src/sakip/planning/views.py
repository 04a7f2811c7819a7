"""The performance tree (pohon kinerja) and the plan editor (SPEC §2, §3)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.db.models import Max, Q
from django.db.models.deletion import ProtectedError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from sakip.accounts.access import can, office_view
from sakip.accounts.models import Membership, Office
from sakip.core.concurrency import reapplied
from sakip.core.params import id_or_404, int_param
from sakip.core.versioned_forms import StaleDelete, delete_checked, save_form
from sakip.core.web import (
    Rollback,
    compute,
    current_plan,
    default_year,
    page_context,
    require,
    year_choices,
)
from sakip.domain.numbers import format_percent
from sakip.monitoring.models import IndicatorYear, InputValue, Quarter
from sakip.reports.scorecard import show_achievement, show_number, show_target
from sakip.workflow.web import refuse_year_if_locked

from .forms import GoalForm, IndicatorForm, ObjectiveForm, PlanForm, ProgramForm
from .models import FormulaInput, Goal, Indicator, Objective, PlanPeriod, ProgramNode, Target

# ----------------------------------------------------------------------------- the tree


def _requested_year(request: HttpRequest, office: Office) -> int:
    requested = int_param(request.GET.get("tahun", ""))
    if requested is not None and requested in year_choices(office):
        return requested
    return default_year(office)


def _json_value(v: Any) -> str:
    if v is None:
        return "-"
    if isinstance(v, str):
        try:
            return show_number(Decimal(v))
        except ArithmeticError:
            return v
    if isinstance(v, int | Decimal):
        return show_number(Decimal(v))
    return str(v)


@require_safe
@office_view("view")
def plan_tree(request: HttpRequest, office: Office, membership: Membership | None) -> HttpResponse:
    """Vision → missions → goals → objectives → programs → activities → sub-activities, as one tree."""
    plan = current_plan(office)
    year = _requested_year(request, office)
    computed = compute(office, year)
    sc = computed.scorecard
    scores = {s.indicator.id: s for s in sc.indicators} if sc else {}
    objective_scores = {o.id: o for o in sc.objectives} if sc else {}
    goal_scores = {g.id: g for g in sc.goals} if sc else {}

    def indicator_view(ind: Indicator) -> dict[str, Any]:
        s = scores.get(ind.code)
        return {
            "ind": ind,
            "target": show_target(s.target) if s else "-",
            "realisation": show_number(s.realisation) if s and s.realisation is not None else None,
            "achievement": show_achievement(s.achievement) if s else None,
            "category": s.category if s else None,
            "color": s.color if s else None,
            "in_pk": s.in_pk if s else False,
        }

    goals: list[dict[str, Any]] = []
    programs: list[dict[str, Any]] = []
    if plan is not None:
        objectives = list(plan.objectives.prefetch_related("indicators"))
        nodes = list(plan.programs.prefetch_related("output_indicators", "objectives"))
        children: dict[int | None, list[ProgramNode]] = {}
        for n in nodes:
            children.setdefault(n.parent_id, []).append(n)
        key = str(year)

        def program_view(n: ProgramNode) -> dict[str, Any]:
            return {
                "node": n,
                "objectives": [o.code for o in n.objectives.all()],
                "outputs": [
                    {"oi": oi, "target": _json_value(oi.targets.get(key)),
                     "realisation": _json_value(oi.realisations.get(key))}
                    for oi in n.output_indicators.all()
                ],
                "children": [program_view(c) for c in children.get(n.pk, [])],
            }

        by_objective: dict[int, list[dict[str, Any]]] = {}
        for top in children.get(None, []):
            linked = list(top.objectives.all())
            for o in linked:
                by_objective.setdefault(o.pk, []).append(program_view(top))
            if not linked:
                programs.append(program_view(top))
        for g in plan.goals.prefetch_related("indicators"):
            gs = goal_scores.get(g.code)
            goals.append({
                "goal": g,
                "score": gs,
                "indicators": [indicator_view(i) for i in g.indicators.all()],
                "objectives": [
                    {"objective": o, "score": objective_scores.get(o.code),
                     "indicators": [indicator_view(i) for i in o.indicators.all()],
                     "programs": by_objective.get(o.pk, [])}
                    for o in objectives if o.goal_id == g.pk
                ],
            })
    context = page_context(
        office, membership, "tree", year,
        plan=plan, goals=goals, unlinked_programs=programs, years=year_choices(office, year),
        problems=computed.problems, diagram=_diagram(goals, office, year) if goals else None,
        legend=_legend(goals),
    )
    return render(request, "planning/tree.html", context)


def _score_text(value: Decimal | None, category: str | None) -> str:
    shown = format_percent(value) if value is not None else ""
    return " · ".join(t for t in (shown, category or "") if t)


def _diagram(goals: list[dict[str, Any]], office: Office, year: int) -> str:
    """The tree page's goals as the pohon kinerja diagram (`planning.diagram`), with the same figures."""
    from .diagram import Goal, Node, tree_svg
    from .diagram import Objective as ObjectiveBox

    def indicator(iv: dict[str, Any]) -> Node:
        figures = " · ".join(t for t in (iv["achievement"], iv["category"]) if t)
        return Node(_("Indikator"), iv["ind"].code, iv["ind"].name, figures, iv["color"])

    def program(p: dict[str, Any]) -> Node:
        n = p["node"]
        return Node(n.get_level_display(), n.code, n.name, children=[
            Node(c["node"].get_level_display(), c["node"].code, c["node"].name,
                 _("%(n)s sub kegiatan") % {"n": len(c["children"])} if c["children"] else "")
            for c in p["children"]
        ])

    def aggregate(score: Any) -> tuple[str, str | None]:
        if score is None or score.aggregate.value is None:
            return "", None
        return _score_text(score.aggregate.value, score.category), score.color

    boxes = []
    for g in goals:
        figures, color = aggregate(g["score"])
        objectives = []
        for o in g["objectives"]:
            o_figures, o_color = aggregate(o["score"])
            objectives.append(ObjectiveBox(
                Node(_("Sasaran"), o["objective"].code, o["objective"].text, o_figures, o_color),
                [indicator(iv) for iv in o["indicators"]],
                [program(p) for p in o["programs"]],
            ))
        boxes.append(Goal(Node(_("Tujuan"), g["goal"].code, g["goal"].text, figures, color), objectives,
                          [indicator(iv) for iv in g["indicators"]]))
    columns = [_("Tujuan dan indikatornya"), _("Sasaran"), _("Indikator sasaran"), _("Program"), _("Kegiatan")]
    title = _("Pohon kinerja %(office)s tahun %(year)s") % {"office": office.name, "year": year}
    return tree_svg(boxes, columns, title)


def _legend(goals: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """The predicates shown in the diagram with their colours, in the order they first appear."""
    seen: dict[str, str] = {}
    for g in goals:
        for iv in g["indicators"]:
            if iv["category"] and iv["category"] not in seen:
                seen[iv["category"]] = iv["color"]
        for o in g["objectives"]:
            for iv in o["indicators"]:
                if iv["category"] and iv["category"] not in seen:
                    seen[iv["category"]] = iv["color"]
    return list(seen.items())


# ----------------------------------------------------------------------------- the plan editor


def has_measurements(ind: Indicator) -> bool:
    """Any realisation stored for the indicator (then its rollup and formula are fixed, SPEC §3)."""
    if Quarter.objects.filter(indicator_year__indicator=ind, value__isnull=False).exists():
        return True
    if InputValue.objects.filter(quarter__indicator_year__indicator=ind, value__isnull=False).exists():
        return True
    return IndicatorYear.objects.filter(indicator=ind).filter(
        Q(annual_value__isnull=False) | ~Q(annual_grade="")
    ).exists()


def _plan_url(anchor: str = "") -> str:
    return f"#{anchor}" if anchor else ""


@office_view("view")
def plan_edit(request: HttpRequest, office: Office, membership: Membership | None) -> HttpResponse:
    """Plan period, vision and missions, goals and objectives; links to each indicator's editor."""
    plan = current_plan(office)
    editable = can(membership, office, "plan")
    bound: dict[str, Any] = {}
    problems: list[str] = []
    if request.method == "POST":
        require(membership, office, "plan")
        op = request.POST.get("op", "")
        result = _plan_post(request, office, plan, op, bound, problems)
        if result is not None:
            return result
    status = bound.pop("status", 200)
    plan = current_plan(office)
    context = page_context(
        office, membership, "plan", default_year(office),
        plan=plan, editable=editable, problems=problems,
        plan_form=bound.get("plan") or PlanForm(instance=plan, prefix="plan"),
    )
    if plan is not None:
        goals = list(plan.goals.prefetch_related("indicators"))
        objectives = list(plan.objectives.select_related("goal").prefetch_related("indicators"))
        context["goals"] = [
            {"goal": g, "form": bound.get(f"g{g.pk}") or GoalForm(instance=g, plan=plan, prefix=f"g{g.pk}"),
             "indicators": list(g.indicators.all())}
            for g in goals
        ]
        context["new_goal"] = bound.get("g-new") or GoalForm(plan=plan, prefix="g-new")
        context["objectives"] = [
            {"objective": o,
             "form": bound.get(f"o{o.pk}") or ObjectiveForm(instance=o, plan=plan, prefix=f"o{o.pk}"),
             "indicators": list(o.indicators.all())}
            for o in objectives
        ]
        context["new_objective"] = bound.get("o-new") or ObjectiveForm(plan=plan, prefix="o-new")
    return render(request, "planning/plan_edit.html", context, status=status)


def _plan_post(
    request: HttpRequest, office: Office, plan: PlanPeriod | None, op: str, bound: dict[str, Any], problems: list[str]
) -> HttpResponse | None:
    here = reverse("plan-edit", args=[office.code])
    post = reapplied(request.POST)
    if op == "plan":

        def store_plan(form: PlanForm) -> PlanPeriod:
            p: PlanPeriod = form.save(commit=False)
            p.office = office
            p.save()
            return p

        saved = save_form(
            office, post, lambda data: PlanForm(data, instance=current_plan(office), prefix="plan"), store_plan,
            lambda form: _("Periode, visi dan misi"),
        )
        if saved.saved is not None:
            messages.success(request, _("Periode, visi dan misi tersimpan."))
            return redirect(here)
        problems.extend(saved.problems)
        bound["plan"], bound["status"] = saved.form, saved.status
        return None
    if plan is None:
        problems.append(_("Buat periode rencana terlebih dahulu."))
        return None
    if op in ("goal", "objective"):
        model: type[Goal] | type[Objective] = Goal if op == "goal" else Objective
        form_class: type[GoalForm] | type[ObjectiveForm] = GoalForm if op == "goal" else ObjectiveForm
        pk = request.POST.get("id", "")
        prefix = f"{op[0]}{pk}" if pk else f"{op[0]}-new"

        def make(data: QueryDict) -> GoalForm | ObjectiveForm:
            instance = get_object_or_404(model, pk=id_or_404(pk), plan=plan) if pk else None
            return form_class(data, instance=instance, plan=plan, prefix=prefix)

        def store(part_form: GoalForm | ObjectiveForm) -> Goal | Objective:
            obj = part_form.save(commit=False)
            obj.plan = plan
            if obj.pk is None:
                obj.order = (model.objects.filter(plan=plan).aggregate(m=Max("order"))["m"] or 0) + 1
            obj.save()
            part_form.save_m2m()
            return obj  # type: ignore[no-any-return]

        part = save_form(office, post, make, store, lambda f: f"{f.instance.code} {f.instance.text[:60]}")
        if part.saved is not None:
            messages.success(request, _("%(code)s tersimpan.") % {"code": part.saved.code})
            return redirect(here + _plan_url(f"{op}-{part.saved.pk}"))
        problems.extend(part.problems)
        bound[prefix], bound["status"] = part.form, part.status
        return None
    if op in ("goal-delete", "objective-delete"):
        if op == "goal-delete":
            goal = get_object_or_404(Goal, pk=id_or_404(request.POST.get("id", "")), plan=plan)
            if goal.objectives.exists() or goal.indicators.exists():
                messages.error(request, _("Tujuan %(code)s masih memiliki sasaran atau indikator; hapus itu dulu.")
                               % {"code": goal.code})
                return redirect(here)
            target: Goal | Objective = goal
        else:
            objective = get_object_or_404(Objective, pk=id_or_404(request.POST.get("id", "")), plan=plan)
            if objective.indicators.exists():
                messages.error(request, _("Sasaran %(code)s masih memiliki indikator; hapus indikatornya dulu.")
                               % {"code": objective.code})
                return redirect(here)
            target = objective
        code = target.code
        try:
            delete_checked(office, target, request.POST.get("ver"))
        except (Rollback, ProtectedError, StaleDelete) as exc:
            issues = exc.issues if isinstance(exc, Rollback) else [str(exc)]
            if isinstance(exc, StaleDelete):
                messages.error(request, str(exc))
                return redirect(here)
            messages.error(request, _("%(code)s tidak dapat dihapus: %(why)s")
                           % {"code": code, "why": "; ".join(issues)})
        else:
            messages.success(request, _("%(code)s dihapus.") % {"code": code})
        return redirect(here)
    problems.append(_("Permintaan tidak dikenal; tidak ada yang diubah."))
    return None


@office_view("view")
def indicator_edit(
    request: HttpRequest, office: Office, membership: Membership | None, pk: int | None = None
) -> HttpResponse:
    """Add or edit one indicator: definition, formula, targets per year; delete it when it has no data."""
    plan = current_plan(office)
    if plan is None:
        raise Http404(_("Belum ada rencana"))
    indicator = get_object_or_404(Indicator, pk=pk, plan=plan) if pk is not None else None
    goal = objective = None
    owner_key = ""
    problems: list[str] = []
    if indicator is None:
        owner_key = request.POST.get("owner", "") if request.method == "POST" else ""
        if not owner_key and int_param(request.GET.get("tujuan", "")) is not None:
            owner_key = f"goal-{request.GET['tujuan']}"
        elif not owner_key and int_param(request.GET.get("sasaran", "")) is not None:
            owner_key = f"objective-{request.GET['sasaran']}"
        kind, _sep, owner_text = owner_key.partition("-")
        owner_pk = int_param(owner_text)
        if owner_pk is not None and kind == "goal":
            goal = Goal.objects.filter(pk=owner_pk, plan=plan).first()
        elif owner_pk is not None and kind == "objective":
            objective = Objective.objects.filter(pk=owner_pk, plan=plan).first()
    editable = can(membership, office, "plan")
    locked = indicator is not None and has_measurements(indicator)
    here = reverse("plan-edit", args=[office.code])
    status = 200
    if request.method == "POST":
        require(membership, office, "plan")
        if request.POST.get("op") == "delete" and indicator is not None:
            refused = refuse_year_if_locked(request, office, [t.year for t in indicator.targets.all()])
            return refused or _delete_indicator(request, office, indicator, locked, request.POST.get("ver"))
        if indicator is None and goal is None and objective is None:
            form = IndicatorForm(request.POST, instance=indicator, plan=plan, locked=locked)
            form.is_valid()
            form.add_error(None, _("Pilih tujuan atau sasaran tempat indikator ini."))
        else:

            def make(data: QueryDict) -> IndicatorForm:
                current = get_object_or_404(Indicator, pk=pk, plan=plan) if pk is not None else None
                return IndicatorForm(data, instance=current, plan=plan,
                                     locked=current is not None and has_measurements(current))

            result = save_form(
                office, reapplied(request.POST), make,
                lambda f: _save_indicator(f, plan, goal, objective, f.locked),
                lambda f: f"{f.instance.code} {f.instance.name[:60]}",
                before=lambda f: refuse_year_if_locked(request, office, _changed_target_years(
                    f.instance if f.instance.pk else None, f)),
            )
            if result.refused is not None:
                return result.refused  # type: ignore[no-any-return]
            if result.saved is not None:
                messages.success(request, _("Indikator %(code)s tersimpan.") % {"code": result.saved.code})
                return redirect(reverse("indicator-edit", args=[office.code, result.saved.pk]))
            form, status = result.form, result.status
            problems.extend(result.problems)
    else:
        form = IndicatorForm(instance=indicator, plan=plan, locked=locked)
    context = page_context(
        office, membership, "plan", default_year(office),
        plan=plan, form=form, indicator=indicator, owner=(indicator.goal or indicator.objective) if indicator else
        (goal or objective), editable=editable, locked=locked, problems=problems, back=here,
        targets=list(indicator.targets.all()) if indicator else [],
        inputs=list(indicator.inputs.all()) if indicator else [],
        owner_key=owner_key,
        owners=[(f"goal-{g.pk}", _("Tujuan"), g.code, g.text) for g in plan.goals.all()]
        + [(f"objective-{o.pk}", _("Sasaran"), o.code, o.text) for o in plan.objectives.all()],
    )
    return render(request, "planning/indicator_form.html", context, status=status)


def _changed_target_years(indicator: Indicator | None, form: IndicatorForm) -> list[int]:
    """The years whose target the form adds, changes or removes (a locked year's target is frozen)."""
    stored = {t.year: t for t in indicator.targets.all()} if indicator is not None else {}
    changed = []
    for year, fields in (form.cleaned_data.get("targets") or {}).items():
        existing = stored.get(year)
        if fields is None:
            if existing is not None:
                changed.append(year)
        elif existing is None or any(getattr(existing, k) != v for k, v in fields.items()):
            changed.append(year)
    return changed


def _save_indicator(
    form: IndicatorForm, plan: PlanPeriod, goal: Goal | None, objective: Objective | None, locked: bool
) -> Indicator:
    ind: Indicator = form.save(commit=False)
    ind.plan = plan
    if ind.pk is None:
        ind.goal, ind.objective = goal, objective
        ind.order = (Indicator.objects.filter(plan=plan).aggregate(m=Max("order"))["m"] or 0) + 1
    end = form.cleaned_data.get("end") or {"value": None, "grade": "", "low": None, "high": None}
    ind.end_value, ind.end_grade, ind.end_low, ind.end_high = end["value"], end["grade"], end["low"], end["high"]
    ind.save()
    inputs: list[tuple[str, str, str]] = form.cleaned_data.get("formula_inputs") or []
    if not ind.formula:
        inputs = []
    if locked:
        for fi in ind.inputs.all():
            label = next((lbl for n, lbl, _r in inputs if n == fi.name), fi.label)
            if label != fi.label:
                fi.label = label
                fi.save(update_fields=["label"])
    else:
        ind.inputs.all().delete()
        for i, (name, label, rollup) in enumerate(inputs):
            FormulaInput.objects.create(indicator=ind, name=name, label=label, rollup=rollup or ind.rollup, order=i)
    stored = {t.year: t for t in ind.targets.all()}
    for year, fields in (form.cleaned_data.get("targets") or {}).items():
        existing = stored.get(year)
        if fields is None:
            if existing is not None:
                existing.delete()
            continue
        if existing is None:
            Target.objects.create(indicator=ind, year=year, **fields)
        else:
            for k, v in fields.items():
                setattr(existing, k, v)
            existing.save()
    return ind


def _delete_indicator(
    request: HttpRequest, office: Office, indicator: Indicator, locked: bool, loaded: str | None
) -> HttpResponse:
    code = indicator.code
    back = reverse("indicator-edit", args=[office.code, indicator.pk])
    if locked:
        messages.error(request, _("Indikator %(code)s sudah memiliki data pengukuran dan tidak dapat dihapus.")
                       % {"code": code})
        return redirect(back)
    if indicator.pk_targets.exists():
        messages.error(request, _("Indikator %(code)s tercantum dalam Perjanjian Kinerja dan tidak dapat dihapus.")
                       % {"code": code})
        return redirect(back)
    try:
        delete_checked(office, indicator, loaded)
    except Rollback as exc:
        messages.error(request, _("%(code)s tidak dapat dihapus: %(why)s")
                       % {"code": code, "why": "; ".join(exc.issues)})
        return redirect(back)
    except StaleDelete as exc:
        messages.error(request, str(exc))
        return redirect(back)
    messages.success(request, _("Indikator %(code)s dihapus.") % {"code": code})
    return redirect(reverse("plan-edit", args=[office.code]))


# ----------------------------------------------------------------------------- programs


@office_view("view")
def program_edit(request: HttpRequest, office: Office, membership: Membership | None) -> HttpResponse:
    """Programs, activities and sub-activities of the plan (Permendagri 90/2019 codes) and their objectives."""
    plan = current_plan(office)
    if plan is None:
        raise Http404(_("Belum ada rencana"))
    editable = can(membership, office, "plan")
    problems: list[str] = []
    here = reverse("program-edit", args=[office.code])
    bound: dict[str, ProgramForm] = {}
    status = 200
    if request.method == "POST":
        require(membership, office, "plan")
        pk = request.POST.get("id", "")
        node = get_object_or_404(ProgramNode, pk=id_or_404(pk), plan=plan) if pk else None
        if request.POST.get("op") == "delete" and node is not None:
            if node.children.exists():
                messages.error(request, _("%(code)s masih memiliki rincian; hapus rinciannya dulu.")
                               % {"code": node.code})
                return redirect(here)
            code = node.code
            try:
                delete_checked(office, node, request.POST.get("ver"))
            except Rollback as exc:
                messages.error(request, "; ".join(exc.issues))
            except StaleDelete as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("%(code)s dihapus.") % {"code": code})
            return redirect(here)
        prefix = f"p{node.pk}" if node else "p-new"

        def make(data: QueryDict) -> ProgramForm:
            current = get_object_or_404(ProgramNode, pk=pk, plan=plan) if pk else None
            return ProgramForm(data, instance=current, plan=plan, prefix=prefix)

        def store(form: ProgramForm) -> ProgramNode:
            obj: ProgramNode = form.save(commit=False)
            obj.plan = plan
            if obj.pk is None:
                obj.order = (ProgramNode.objects.filter(plan=plan).aggregate(m=Max("order"))["m"] or 0) + 1
            obj.save()
            form.save_m2m()
            return obj

        result = save_form(
            office, reapplied(request.POST), make, store, lambda f: f"{f.instance.code} {f.instance.name[:60]}"
        )
        if result.saved is not None:
            messages.success(request, _("%(code)s tersimpan.") % {"code": result.saved.code})
            return redirect(here)
        problems.extend(result.problems)
        bound[prefix], status = result.form, result.status
    nodes = list(plan.programs.prefetch_related("objectives"))
    depth: dict[int, int] = {}
    ordered: list[ProgramNode] = []
    children: dict[int | None, list[ProgramNode]] = {}
    for n in nodes:
        children.setdefault(n.parent_id, []).append(n)

    def walk(parent: int | None, d: int) -> None:
        for n in children.get(parent, []):
            depth[n.pk] = d
            ordered.append(n)
            walk(n.pk, d + 1)

    walk(None, 0)
    rows = [
        {"node": n, "depth": depth[n.pk],
         "form": bound.get(f"p{n.pk}") or ProgramForm(instance=n, plan=plan, prefix=f"p{n.pk}")}
        for n in ordered
    ]
    context = page_context(
        office, membership, "plan", default_year(office), plan=plan, rows=rows, editable=editable,
        new_form=bound.get("p-new") or ProgramForm(plan=plan, prefix="p-new"), problems=problems,
    )
    return render(request, "planning/program_edit.html", context, status=status)
