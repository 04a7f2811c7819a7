"""The regency's performance tree (``/pemda/pohon/``): RPJMD goal → objective → IKU Pemda, and the offices'
objectives that support each RPJMD objective with their indicators — the office pohon kinerja's diagram
(`planning.diagram`) drawn one level up, with the same predicate colours.

Figures: an IKU Pemda's year achievement from the offices (`services.figures_of`); an office objective's
and indicator's from the office's scorecard of the year (`core.services.scorecard_for`, shared with the
office's own pages). Filterable to one RPJMD objective (``?sasaran=<id>``) or one office (``?opd=<kode>``).
Orphans — office objectives supporting nothing, IKU Pemda no office contributes to — are listed below.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from sakip.accounts.access import regency_view
from sakip.accounts.models import Membership, Office
from sakip.core.params import int_param
from sakip.core.services import scorecard_for
from sakip.domain.numbers import format_percent
from sakip.planning.diagram import Goal, Node, Objective, tree_svg
from sakip.planning.models import Objective as OfficeObjective
from sakip.reports.scorecard import show_achievement

from . import services
from .models import OfficeObjectiveLink, RegencyIndicator, RpjmdObjective
from .views import READERS, _default_year


def _figures_text(value: Any, category: str | None) -> str:
    shown = format_percent(value) if value is not None else ""
    return " · ".join(t for t in (shown, category or "") if t)


@regency_view(*READERS)
def regency_tree(request: HttpRequest, membership: Membership) -> HttpResponse:
    rpjmd = services.current_rpjmd(membership.regency_id)
    context: dict[str, Any] = {"membership": membership, "rpjmd": rpjmd}
    if rpjmd is None:
        return render(request, "cascade/tree.html", context)
    years = list(rpjmd.years())
    year = int_param(request.GET.get("tahun"))
    if year not in years:
        year = _default_year(years)
    offices = list(Office.objects.filter(regency_id=membership.regency_id).order_by("name"))
    office_code = request.GET.get("opd") or ""
    office = next((o for o in offices if o.code == office_code), None)
    chosen = int_param(request.GET.get("sasaran"))
    objectives = list(RpjmdObjective.objects.filter(rpjmd=rpjmd).select_related("goal"))
    if chosen is not None:
        objectives = [o for o in objectives if o.pk == chosen]
    links = list(
        OfficeObjectiveLink.objects.filter(rpjmd_objective__rpjmd=rpjmd, office_objective__isnull=False)
        .select_related("office_objective__plan__office")
        .order_by("office_objective__plan__office__name", "office_objective__order", "pk")
    )
    if office is not None:
        links = [link for link in links if link.office_objective.plan.office_id == office.pk]  # type: ignore[union-attr]
    cards: dict[int, Any] = {}

    def card(o: Office) -> Any:
        if o.pk not in cards:
            cards[o.pk] = scorecard_for(o, year)
        return cards[o.pk]

    def office_box(obj: OfficeObjective) -> Node:
        sc = card(obj.plan.office)
        score = next((s for s in sc.objectives if s.id == obj.code), None) if sc else None
        value = score.aggregate.value if score else None
        children = []
        for ind in obj.indicators.all():
            s = next((i for i in sc.indicators if i.indicator.id == ind.code), None) if sc else None
            children.append(Node(_("Indikator"), ind.code, ind.name,
                                 " · ".join(t for t in (show_achievement(s.achievement), s.category or "") if t)
                                 if s else "", s.color if s else None))
        return Node(_("Sasaran perangkat daerah"), obj.code, f"{obj.plan.office.name}: {obj.text}",
                    _figures_text(value, score.category if score else None),
                    score.color if score and value is not None else None, children)

    indicators = list(RegencyIndicator.objects.filter(rpjmd=rpjmd).order_by("order", "pk"))
    by_goal: dict[int, Goal] = {}
    order: list[int] = []
    for o in objectives:
        iku = []
        for ri in (i for i in indicators if i.objective_id == o.pk):
            year_row = services.figures_of(ri, year).rows
            f = year_row[-1] if year_row else None
            shown = " · ".join(t for t in (show_achievement(f.achievement), f.category or "") if t) if f else ""
            iku.append(Node(_("IKU Pemda"), ri.code, ri.name, shown, f.color if f else None))
        supporting = [office_box(link.office_objective) for link in links  # type: ignore[arg-type]
                      if link.rpjmd_objective_id == o.pk]
        if office is not None and not supporting:
            continue
        if o.goal_id not in by_goal:
            by_goal[o.goal_id] = Goal(Node(_("Tujuan"), o.goal.code, o.goal.text), [])
            order.append(o.goal_id)
        by_goal[o.goal_id].objectives.append(Objective(Node(_("Sasaran RPJMD"), o.code, o.text), iku, supporting))
    goals = [by_goal[g] for g in order]
    columns = [_("Tujuan RPJMD"), _("Sasaran RPJMD"), _("IKU Pemda"), _("Sasaran perangkat daerah"),
               _("Indikator perangkat daerah")]
    title = _("Pohon kinerja %(regency)s tahun %(year)s") % {"regency": rpjmd.regency.name, "year": year}
    from .review import context_for

    facts = context_for(rpjmd.regency, year, rpjmd)
    context.update(
        year=year, years=years, offices=offices, office=office, chosen=chosen,
        all_objectives=RpjmdObjective.objects.filter(rpjmd=rpjmd),
        diagram=tree_svg(goals, columns, title) if goals else None,
        orphan_objectives=[o for o in (facts.objectives if facts else ()) if not o.supports
                           and (office is None or o.office == office.name)],
        orphan_indicators=[i for i in (facts.indicators if facts else ()) if not i.contributors],
    )
    return render(request, "cascade/tree.html", context)
