"""Office dashboard and quarterly entry."""

from __future__ import annotations

from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe

from sakip.accounts.access import allowed_actions, office_view
from sakip.accounts.models import Membership, Office
from sakip.core.services import office_nav, office_years, reporting_year, scorecard_for
from sakip.domain.periods import QUARTER_LABELS
from sakip.reports import charts
from sakip.reports.scorecard import show_achievement, show_number, show_percent, show_target


@office_view("view")
def dashboard(request: HttpRequest, office: Office, membership: Membership | None) -> HttpResponse:
    year = reporting_year(office, request.GET.get("tahun"))
    sc = scorecard_for(office, year)
    context: dict[str, object] = {
        "office": office,
        "office_nav": office_nav(office, membership, "dashboard", year),
        "year": year,
        "years": office_years(office),
        "sc": sc,
        "actions": allowed_actions(membership, office),
    }
    if sc is not None:
        rows = []
        for s in sc.indicators:
            rows.append({
                "s": s,
                "target": show_target(s.target),
                "realisation": show_number(s.realisation) if s.realisation is not None else None,
                "achievement": show_achievement(s.achievement),
                "quarters": [
                    {"label": QUARTER_LABELS[q.quarter], "value": show_number(q.value) if q.value is not None else None,
                     "color": _color(sc, q.achievement.value)}
                    for q in s.quarters
                ],
                "history": [(p.year, show_number(p.realisation)) for p in s.history],
            })
        context["rows"] = rows
        context["chart_achievement"] = mark_safe(charts.achievement_bars(
            [f"{s.indicator.id} {s.indicator.name}" for s in sc.indicators],
            [s.achievement.value for s in sc.indicators],
            [s.color for s in sc.indicators],
            sc.scale,
        ))
        trends = []
        for s in sc.indicators:
            points = [(str(p.year), p.realisation) for p in s.history]
            if isinstance(s.realisation, Decimal) or s.realisation is None:
                points.append((str(sc.year), s.realisation if isinstance(s.realisation, Decimal) else None))
            if len(points) > 1:
                trends.append(mark_safe(charts.trend(
                    points, s.target if isinstance(s.target, Decimal) else None,
                    f"{s.indicator.id} {s.indicator.name[:50]}", s.indicator.unit)))
        context["trends"] = trends
        if sc.budget is not None:
            programs = [ls for ls in sc.budget.lines if ls.depth == 0]
            context["budget_programs"] = [
                {"code": ls.line.code, "name": ls.line.name, "allocation": show_number(ls.amounts.allocation, 2),
                 "realisation": show_number(ls.amounts.realisation, 2), "absorption": show_percent(ls.absorption)}
                for ls in programs
            ]
            if programs:
                context["chart_budget"] = mark_safe(charts.absorption_bars(
                    [f"{ls.line.code} {ls.line.name}" for ls in programs], [ls.absorption for ls in programs]))
            context["budget_total"] = sc.budget.total
            context["budget_total_absorption"] = show_percent(sc.budget.total.absorption) if sc.budget.total else None
        context["office_achievement"] = (
            show_percent(sc.office_score.aggregate.value) if sc.office_score.aggregate.value is not None else None
        )
    return render(request, "monitoring/dashboard.html", context)


def _color(sc: object, value: Decimal | None) -> str | None:
    if value is None:
        return None
    return sc.scale.band_for(value).color  # type: ignore[attr-defined, no-any-return]
