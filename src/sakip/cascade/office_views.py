"""An office links its plan to the regency's RPJMD: ``/opd/<kode>/rencana/rpjmd/``.

Every goal and objective of the office's current plan gets a «Mendukung sasaran RPJMD» select (the
RPJMD objectives it supports), every indicator a «Berkontribusi pada IKU Pemda» select, the office's
own target for that regency indicator per year (``2025=80; 2026=82``) and, for a regency indicator
computed by a ratio of sums, which of the office indicator's inputs is which of the regency's
(``selesai=kasus_selesai; masuk=kasus_masuk``). Read by whoever reads the office; saved by whoever may
edit its plan (``plan``). The links are part of the office's plan: a frozen period refuses them
(`workflow.guard`, 409).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from sakip.accounts.access import can, office_view
from sakip.accounts.models import Membership, Office
from sakip.core.params import int_param
from sakip.core.web import current_plan, default_year, input_text, page_context, parse_amount, require
from sakip.domain.cascade import Computation
from sakip.workflow.services import PeriodLocked

from . import services
from .models import IndicatorContribution, OfficeObjectiveLink, RegencyIndicator, RpjmdObjective, year_decimals


def _pairs(text: str) -> list[tuple[str, str]]:
    out = []
    for part in text.replace("\n", ";").split(";"):
        if not part.strip():
            continue
        if "=" not in part:
            raise ValidationError(_("«%(part)s»: tulis sebagai nama=nilai") % {"part": part.strip()})
        key, value = part.split("=", 1)
        out.append((key.strip(), value.strip()))
    return out


def parse_targets(text: str, years: range) -> dict[str, str]:
    """``2025=80; 2026=82,5`` → ``{"2025": "80", "2026": "82.5"}`` (years of the RPJMD only)."""
    out: dict[str, str] = {}
    for key, value in _pairs(text):
        year = int_param(key)
        if year is None or year not in years:
            raise ValidationError(_("Tahun %(year)s di luar periode RPJMD") % {"year": key})
        amount = parse_amount(value, _("target %(year)s") % {"year": year})
        if amount is not None:
            out[str(year)] = format(amount, "f")
    return out


def targets_text(targets: Any) -> str:
    return "; ".join(f"{y}={input_text(v)}" for y, v in sorted(year_decimals(targets).items()))


def parse_map(text: str, regency_names: list[str], office_names: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in _pairs(text):
        if key not in regency_names:
            raise ValidationError(_("Komponen pemda «%(name)s» tidak dikenal") % {"name": key})
        if value not in office_names:
            raise ValidationError(_("Komponen «%(name)s» tidak ada pada indikator ini") % {"name": value})
        out[key] = value
    return out


@office_view("view")
def office_links(request: HttpRequest, office: Office, membership: Membership | None) -> HttpResponse:
    plan = current_plan(office)
    rpjmd = services.current_rpjmd(office.regency_id)
    editable = can(membership, office, "plan") and plan is not None and rpjmd is not None
    problems: list[str] = []
    status = 200
    rpjmd_objectives = list(RpjmdObjective.objects.filter(rpjmd=rpjmd)) if rpjmd else []
    regency_indicators = list(RegencyIndicator.objects.filter(rpjmd=rpjmd)) if rpjmd else []
    goals = list(plan.goals.all()) if plan else []
    objectives = list(plan.objectives.all()) if plan else []
    indicators = list(plan.indicators.prefetch_related("inputs")) if plan else []
    if request.method == "POST":
        require(membership, office, "plan")
        if editable and rpjmd is not None:
            try:
                with transaction.atomic():
                    problems = _save(request, rpjmd, goals, objectives, indicators, rpjmd_objectives,
                                     regency_indicators)
                    if problems:
                        raise _Invalid
            except _Invalid:
                status = 400
            except PeriodLocked as exc:
                problems.append(exc.messages[0])
                status = 409
            else:
                messages.success(request, _("Dukungan terhadap RPJMD tersimpan."))
                return redirect(reverse("office-rpjmd-links", args=[office.code]))
    linked_objectives: dict[tuple[str, int], set[int]] = {}
    for link in OfficeObjectiveLink.objects.filter(services.office_links_filter(office)):
        key = ("o", link.office_objective_id) if link.office_objective_id else ("g", link.office_goal_id or 0)
        linked_objectives.setdefault(key, set()).add(link.rpjmd_objective_id)
    contributions = {
        c.indicator_id: c
        for c in IndicatorContribution.objects.filter(indicator__plan=plan, regency_indicator__rpjmd=rpjmd)
    } if plan and rpjmd else {}
    rows = [
        {"kind": "g", "obj": g, "label": _("Tujuan"), "chosen": linked_objectives.get(("g", g.pk), set())}
        for g in goals
    ] + [
        {"kind": "o", "obj": o, "label": _("Sasaran"), "chosen": linked_objectives.get(("o", o.pk), set())}
        for o in objectives
    ]
    ind_rows = []
    for ind in indicators:
        c = contributions.get(ind.pk)
        ind_rows.append({
            "ind": ind,
            "chosen": c.regency_indicator_id if c else None,
            "targets": request.POST.get(f"t-{ind.pk}", targets_text(c.targets) if c else "")
            if request.method == "POST" else (targets_text(c.targets) if c else ""),
            "map": request.POST.get(f"m-{ind.pk}", "") if request.method == "POST"
            else ("; ".join(f"{k}={v}" for k, v in (c.input_map or {}).items()) if c else ""),
            "inputs": [i.name for i in ind.inputs.all()],
        })
    context = page_context(
        office, membership, "rpjmd", default_year(office),
        plan=plan, rpjmd=rpjmd, editable=editable, problems=problems, rows=rows, ind_rows=ind_rows,
        rpjmd_objectives=rpjmd_objectives, regency_indicators=regency_indicators,
    )
    return render(request, "cascade/office_links.html", context, status=status)


class _Invalid(Exception):
    """A problem in the form: roll the whole save back."""


def _save(
    request: HttpRequest,
    rpjmd: Any,
    goals: list[Any],
    objectives: list[Any],
    indicators: list[Any],
    rpjmd_objectives: list[RpjmdObjective],
    regency_indicators: list[RegencyIndicator],
) -> list[str]:
    problems: list[str] = []
    valid_objectives = {o.pk for o in rpjmd_objectives}
    for kind, parts in (("g", goals), ("o", objectives)):
        for part in parts:
            wanted = {n for n in (int_param(v) for v in request.POST.getlist(f"{kind}-{part.pk}")) if n}
            if wanted - valid_objectives:
                problems.append(_("%(code)s: sasaran RPJMD tidak dikenal") % {"code": part.code})
                continue
            field = "office_goal" if kind == "g" else "office_objective"
            existing = OfficeObjectiveLink.objects.filter(**{field: part}, rpjmd_objective__rpjmd=rpjmd)
            for link in existing:
                if link.rpjmd_objective_id not in wanted:
                    link.delete()
            have = {link.rpjmd_objective_id for link in existing}
            for objective_id in sorted(wanted - have):
                OfficeObjectiveLink.objects.create(**{field: part}, rpjmd_objective_id=objective_id)
    by_id = {ri.pk: ri for ri in regency_indicators}
    for ind in indicators:
        chosen = int_param(request.POST.get(f"i-{ind.pk}", ""))
        current = IndicatorContribution.objects.filter(indicator=ind, regency_indicator__rpjmd=rpjmd)
        if chosen is None:
            for c in current:
                c.delete()
            continue
        ri = by_id.get(chosen)
        if ri is None:
            problems.append(_("%(code)s: indikator pemda tidak dikenal") % {"code": ind.code})
            continue
        try:
            targets = parse_targets(request.POST.get(f"t-{ind.pk}", ""), rpjmd.years())
            input_map = parse_map(
                request.POST.get(f"m-{ind.pk}", ""), ri.input_names(), [i.name for i in ind.inputs.all()]
            ) if ri.computation == Computation.FORMULA.value else {}
        except ValidationError as exc:
            problems.append(f"{ind.code}: {exc.messages[0]}")
            continue
        if ri.computation == Computation.FORMULA.value and set(input_map) != set(ri.input_names()):
            problems.append(
                _("%(code)s: petakan setiap komponen %(names)s ke komponen indikator ini")
                % {"code": ind.code, "names": ", ".join(ri.input_names())}
            )
            continue
        for c in current:
            if c.regency_indicator_id != ri.pk:
                c.delete()
        kept = next((c for c in current if c.regency_indicator_id == ri.pk), None)
        if kept is None:
            IndicatorContribution.objects.create(indicator=ind, regency_indicator=ri, targets=targets,
                                                 input_map=input_map)
        elif kept.targets != targets or kept.input_map != input_map:
            kept.targets, kept.input_map = targets, input_map
            kept.save()
    return problems
