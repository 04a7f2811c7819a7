"""The RPJMD pages: read by every role of the regency, edited by the planner and the administrator.

* ``/pemda/rpjmd/`` — the RPJMD in force (or ``?revisi=<id>``): period, vision, missions, goals,
  objectives, IKU Pemda with their targets and responsible offices, the offices' objectives that
  support each RPJMD objective; the planner's forms (a draft only: an approved revision is frozen,
  `locks`); the administrator approves and reopens; a new revision copies the one shown.
* ``/pemda/rpjmd/indikator/baru/`` and ``…/<id>/ubah/`` — the IKU Pemda editor (planner, administrator).
* ``/pemda/rpjmd/indikator/<id>/`` — a regency indicator's quarter and year figures computed from the
  contributing offices (`services.figures_of`), with each office's own figures.

Another regency's RPJMD is never found (404): every lookup is filtered by the user's regency.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max, ProtectedError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sakip.accounts.access import regency_view
from sakip.accounts.models import Membership, Role
from sakip.core.i18n import translate
from sakip.core.params import id_or_404, int_param
from sakip.domain.cascade import YEAR
from sakip.domain.errors import Message
from sakip.domain.review_cascade import review_cascade
from sakip.reports.scorecard import show_achievement, show_number, show_target

from . import services
from .forms import GoalForm, IndicatorForm, ObjectiveForm, RpjmdForm, StaleEdit, check_version
from .locks import RpjmdLocked
from .models import OfficeObjectiveLink, RegencyIndicator, Rpjmd, RpjmdGoal, RpjmdObjective

STALE = gettext_lazy(
    "Data ini sudah diubah orang lain sejak halaman dibuka; tidak ada yang disimpan. Muat ulang halaman."
)

#: who reads the RPJMD: every role of the regency (the public role has the portal only)
READERS = (Role.ADMIN, Role.PLANNER, Role.VERIFIER, Role.OPERATOR, Role.HEAD)
EDITORS = (Role.ADMIN, Role.PLANNER)


def can_edit(membership: Membership) -> bool:
    return membership.role in EDITORS


def _require_editor(membership: Membership) -> None:
    if not can_edit(membership):
        raise PermissionDenied(_("Hanya perencana (Bappeda) dan administrator pemda yang dapat mengubah RPJMD"))


def _rpjmd_for(request: HttpRequest, membership: Membership) -> Rpjmd | None:
    chosen = int_param(request.GET.get("revisi") or request.POST.get("revisi"))
    if chosen is not None:
        return get_object_or_404(Rpjmd, pk=chosen, regency_id=membership.regency_id)
    return services.current_rpjmd(membership.regency_id)


def _here(rpjmd: Rpjmd | None) -> str:
    url = reverse("rpjmd")
    return f"{url}?revisi={rpjmd.pk}" if rpjmd is not None else url


@regency_view(*READERS)
def rpjmd_page(request: HttpRequest, membership: Membership) -> HttpResponse:
    rpjmd = _rpjmd_for(request, membership)
    bound: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        _require_editor(membership)
        try:
            with transaction.atomic():
                done = _post(request, membership, rpjmd, bound)
        except RpjmdLocked as exc:
            messages.error(request, exc.messages[0])
            status = 409
        except StaleEdit:
            messages.error(request, STALE)
            status = 409
        else:
            if isinstance(done, HttpResponse):
                return done
            status = 400
    return render(request, "cascade/rpjmd.html", _context(request, membership, rpjmd, bound), status=status)


def _context(request: HttpRequest, membership: Membership, rpjmd: Rpjmd | None, bound: dict[str, Any]) -> Any:
    editable = can_edit(membership) and (rpjmd is None or not rpjmd.approved)
    context: dict[str, Any] = {
        "membership": membership,
        "rpjmd": rpjmd,
        "editable": editable,
        "is_editor": can_edit(membership),
        "is_admin": membership.role == Role.ADMIN,
        "revisions": list(Rpjmd.objects.filter(regency_id=membership.regency_id)),
        "rpjmd_form": bound.get("rpjmd") or RpjmdForm(instance=rpjmd, prefix="rpjmd"),
    }
    if rpjmd is None:
        return context
    goals = list(rpjmd.goals.all())
    objectives = list(rpjmd.objectives.all())
    indicators = services.rpjmd_indicators(rpjmd)
    links = (
        OfficeObjectiveLink.objects.filter(rpjmd_objective__rpjmd=rpjmd)
        .select_related("office_objective__plan__office", "office_goal__plan__office")
        .order_by("pk")
    )
    supporting: dict[int, list[OfficeObjectiveLink]] = {}
    for link in links:
        supporting.setdefault(link.rpjmd_objective_id, []).append(link)
    years = list(rpjmd.years())
    review_year = int_param(request.GET.get("tahun"))
    if review_year not in years:
        review_year = _default_year(years)
    from .review import context_for

    review_ctx = context_for(rpjmd.regency, review_year, rpjmd)
    context.update(
        review_year=review_year,
        review=_review_rows(review_ctx),
        years=years,
        goals=[
            {
                "goal": g,
                "form": bound.get(f"g{g.pk}") or GoalForm(instance=g, rpjmd=rpjmd, prefix=f"g{g.pk}"),
                "objectives": [
                    {
                        "objective": o,
                        "form": bound.get(f"o{o.pk}") or ObjectiveForm(instance=o, rpjmd=rpjmd, prefix=f"o{o.pk}"),
                        "indicators": [
                            {"ind": i, "targets": [show_number(i.target_for(y)) if i.target_for(y) is not None
                                                   else "-" for y in years]}
                            for i in indicators if i.objective_id == o.pk
                        ],
                        "links": supporting.get(o.pk, []),
                    }
                    for o in objectives if o.goal_id == g.pk
                ],
            }
            for g in goals
        ],
        new_goal=bound.get("g-new") or GoalForm(rpjmd=rpjmd, prefix="g-new"),
        new_objective=bound.get("o-new") or ObjectiveForm(rpjmd=rpjmd, prefix="o-new"),
    )
    return context


def _post(request: HttpRequest, membership: Membership, rpjmd: Rpjmd | None, bound: dict[str, Any]) -> Any:
    op = request.POST.get("op", "")
    if op == "rpjmd":
        form = RpjmdForm(request.POST, instance=rpjmd, prefix="rpjmd")
        if not form.is_valid():
            bound["rpjmd"] = form
            return None
        check_version(form)
        saved: Rpjmd = form.save(commit=False)
        saved.regency_id = membership.regency_id
        saved.save()
        messages.success(request, _("Periode, visi dan misi RPJMD tersimpan."))
        return redirect(_here(saved))
    if rpjmd is None:
        messages.error(request, _("Buat RPJMD terlebih dahulu."))
        return None
    if op in ("goal", "objective"):
        model: type[RpjmdGoal] | type[RpjmdObjective] = RpjmdGoal if op == "goal" else RpjmdObjective
        form_class: type[GoalForm] | type[ObjectiveForm] = GoalForm if op == "goal" else ObjectiveForm
        pk = request.POST.get("id", "")
        prefix = f"{op[0]}{pk}" if pk else f"{op[0]}-new"
        instance = get_object_or_404(model, pk=id_or_404(pk), rpjmd=rpjmd) if pk else None
        part = form_class(request.POST, instance=instance, rpjmd=rpjmd, prefix=prefix)
        if not part.is_valid():
            bound[prefix] = part
            return None
        check_version(part)
        obj = part.save(commit=False)
        obj.rpjmd = rpjmd
        if obj.pk is None:
            obj.order = (model.objects.filter(rpjmd=rpjmd).aggregate(m=Max("order"))["m"] or 0) + 1
        obj.save()
        messages.success(request, _("%(code)s tersimpan.") % {"code": obj.code})
        return redirect(_here(rpjmd))
    if op in ("goal-delete", "objective-delete", "indicator-delete"):
        kinds: dict[str, Any] = {
            "goal-delete": RpjmdGoal, "objective-delete": RpjmdObjective, "indicator-delete": RegencyIndicator,
        }
        target = get_object_or_404(kinds[op], pk=id_or_404(request.POST.get("id", "")), rpjmd=rpjmd)
        try:
            with transaction.atomic():
                target.delete()
        except ProtectedError:
            messages.error(request, _("%(code)s masih memiliki sasaran atau indikator; hapus itu dulu.")
                           % {"code": target.code})
        else:
            messages.success(request, _("%(code)s dihapus.") % {"code": target.code})
        return redirect(_here(rpjmd))
    if op in ("approve", "reopen"):
        if membership.role != Role.ADMIN:
            raise PermissionDenied(_("Hanya administrator pemda yang menetapkan atau membuka kembali RPJMD"))
        rpjmd.status = Rpjmd.Status.APPROVED if op == "approve" else Rpjmd.Status.DRAFT
        rpjmd.save(update_fields=["status", "version"])
        messages.success(request, _("RPJMD ditetapkan.") if op == "approve" else _("RPJMD dibuka kembali (konsep)."))
        return redirect(_here(rpjmd))
    if op == "revision":
        copy = new_revision(rpjmd)
        messages.success(request, _("Revisi %(n)s dibuat sebagai konsep.") % {"n": copy.revision})
        return redirect(_here(copy))
    messages.error(request, _("Permintaan tidak dikenal."))
    return None


def new_revision(rpjmd: Rpjmd) -> Rpjmd:
    """A draft copy of ``rpjmd`` (goals, objectives, indicators; the offices' links move to the copy's objectives
    and indicators only when the planner links them again: the approved revision keeps its own)."""
    last = Rpjmd.objects.filter(regency_id=rpjmd.regency_id, start_year=rpjmd.start_year).aggregate(m=Max("revision"))
    copy = Rpjmd.objects.create(
        regency_id=rpjmd.regency_id, start_year=rpjmd.start_year, end_year=rpjmd.end_year,
        revision=(last["m"] or rpjmd.revision) + 1, legal_basis=rpjmd.legal_basis, vision=rpjmd.vision,
        missions=list(rpjmd.missions), note=rpjmd.note,
    )
    goals: dict[int, RpjmdGoal] = {}
    for g in rpjmd.goals.all():
        goals[g.pk] = RpjmdGoal.objects.create(rpjmd=copy, code=g.code, text=g.text, order=g.order)
    objectives: dict[int, RpjmdObjective] = {}
    for o in rpjmd.objectives.all():
        objectives[o.pk] = RpjmdObjective.objects.create(
            rpjmd=copy, goal=goals[o.goal_id], code=o.code, text=o.text, order=o.order
        )
    for i in rpjmd.indicators.prefetch_related("responsible_offices"):
        offices = list(i.responsible_offices.all())
        i.pk = None
        i.id = None
        i._state.adding = True
        i.rpjmd = copy
        i.objective = objectives[i.objective_id]
        i.version = 1
        i.save()
        i.responsible_offices.set(offices)
    return copy


@regency_view(*READERS)
def indicator_edit(request: HttpRequest, membership: Membership, pk: int | None = None) -> HttpResponse:
    _require_editor(membership)
    if pk is not None:
        ind = get_object_or_404(RegencyIndicator, pk=pk, rpjmd__regency_id=membership.regency_id)
        rpjmd = ind.rpjmd
    else:
        ind = None
        found = _rpjmd_for(request, membership)
        if found is None:
            messages.error(request, _("Buat RPJMD terlebih dahulu."))
            return redirect("rpjmd")
        rpjmd = found
    form = IndicatorForm(request.POST or None, instance=ind, rpjmd=rpjmd, prefix="ind")
    if ind is None and not form.is_bound:
        objective = int_param(request.GET.get("sasaran"))
        if objective is not None:
            form.initial["objective"] = objective
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                with transaction.atomic():
                    check_version(form)
                    saved = form.save()
            except RpjmdLocked as exc:
                messages.error(request, exc.messages[0])
                status = 409
            except StaleEdit:
                messages.error(request, STALE)
                status = 409
            else:
                messages.success(request, _("%(code)s tersimpan.") % {"code": saved.code})
                return redirect(_here(rpjmd))
        else:
            status = 400
    return render(
        request, "cascade/indicator_form.html",
        {"membership": membership, "rpjmd": rpjmd, "form": form, "ind": ind, "locked": rpjmd.approved},
        status=status,
    )


@regency_view(*READERS)
def indicator_figures(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    ind = get_object_or_404(
        RegencyIndicator.objects.select_related("rpjmd__regency", "objective"),
        pk=pk, rpjmd__regency_id=membership.regency_id,
    )
    years = list(ind.rpjmd.years())
    year = int_param(request.GET.get("tahun"))
    if year not in years:
        year = _default_year(years)
    result = services.figures_of(ind, year)
    labels = {1: "TW I", 2: "TW II", 3: "TW III", 4: "TW IV", YEAR: _("Tahun %(year)s") % {"year": year}}
    rows = [
        {
            "label": labels[f.period],
            "value": show_number(f.value) if f.value is not None and not isinstance(f.value, str) else None,
            "target": show_target(f.target),
            "achievement": show_achievement(f.achievement),
            "category": f.category,
            "color": f.color,
            "missing": f.missing,
            "errors": [translate(e) if isinstance(e, Message) else e for e in f.errors],
            "inputs": [(name, show_number(v)) for name, v in sorted(f.inputs.items())],
            "year": f.period == YEAR,
        }
        for f in result.rows
    ]
    offices = []
    if result.rows:
        by_office = {o.office: o for o in result.rows[-1].offices}
        for link in result.contributions:
            name = link.indicator.plan.office.name
            o = by_office.get(name)
            offices.append({
                "office": link.indicator.plan.office,
                "indicator": link.indicator,
                "value": show_number(o.value) if o is not None and o.value is not None
                and not isinstance(o.value, str) else None,
                "inputs": [(k, show_number(v)) for k, v in sorted(o.inputs.items()) if v is not None] if o else [],
                "target": show_target(o.target) if o is not None and o.target is not None else "-",
            })
    return render(request, "cascade/indicator.html", {
        "membership": membership, "ind": ind, "year": year, "years": years, "rows": rows, "offices": offices,
        "problem": result.problem, "is_editor": can_edit(membership),
    })


def _review_rows(ctx: Any) -> dict[str, Any] | None:
    if ctx is None:
        return None
    result = review_cascade(ctx)
    rows = [
        {"rule": f.rule, "where": f.where, "explanation": f.explanation,
         "found": show_number(f.found) if f.found is not None else "-",
         "expected": show_number(f.expected) if f.expected is not None else "-"}
        for f in result.findings
    ]
    return {"findings": rows, "checked": result.checked}


def _default_year(years: list[int]) -> int:
    import datetime

    today = datetime.date.today().year
    return today if today in years else years[-1] if today > years[-1] else years[0]
