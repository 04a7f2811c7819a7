"""The cascade review of a regency's year from the stored RPJMD, office plans and PKs (`domain.review_cascade`)."""

from __future__ import annotations

from decimal import Decimal

from sakip.accounts.models import Regency
from sakip.agreements.models import PkTarget, PkVersion
from sakip.domain.cascade import Aggregation, Computation
from sakip.domain.review_cascade import (
    CascadeContext,
    CascadeReview,
    Contributor,
    OfficeObjectiveFacts,
    RegencyIndicatorFacts,
    review_cascade,
)
from sakip.planning.models import Objective

from .models import IndicatorContribution, OfficeObjectiveLink, Rpjmd, year_decimals
from .services import current_rpjmd


def _pk_targets(office_ids: set[int], year: int) -> dict[int, Decimal]:
    """Office indicator id → its numeric target in the office's PK in force for ``year`` (the latest version)."""
    latest: dict[int, int] = {}
    for version_id, office_id in (
        PkVersion.objects.filter(office_id__in=office_ids, year=year)
        .order_by("office_id", "number")
        .values_list("pk", "office_id")
    ):
        latest[office_id] = version_id  # the last version (an amendment replaces the original)
    out: dict[int, Decimal] = {}
    for indicator_id, value in PkTarget.objects.filter(version_id__in=latest.values()).values_list(
        "indicator_id", "value"
    ):
        if value is not None:
            out[indicator_id] = value
    return out


def context_for(regency: Regency, year: int, rpjmd: Rpjmd | None = None) -> CascadeContext | None:
    rpjmd = rpjmd or current_rpjmd(regency, year)
    if rpjmd is None:
        return None
    links = list(
        IndicatorContribution.objects.filter(regency_indicator__rpjmd=rpjmd)
        .select_related("indicator__plan__office")
        .order_by("indicator__plan__office__name", "indicator__code")
    )
    pk = _pk_targets({c.indicator.plan.office_id for c in links}, year)
    by_indicator: dict[int, list[Contributor]] = {}
    for c in links:
        by_indicator.setdefault(c.regency_indicator_id, []).append(Contributor(
            c.indicator.plan.office.name, c.indicator.code, c.indicator.unit, pk.get(c.indicator_id),
            year_decimals(c.targets).get(year),
        ))
    indicators = tuple(
        RegencyIndicatorFacts(
            ri.code, ri.name, ri.unit, Computation(ri.computation),
            Aggregation(ri.aggregation) if ri.aggregation else None, ri.target_for(year),
            tuple(by_indicator.get(ri.pk, ())),
        )
        for ri in rpjmd.indicators.all()
    )
    supports: dict[int, list[str]] = {}
    for objective_id, code in OfficeObjectiveLink.objects.filter(
        rpjmd_objective__rpjmd=rpjmd, office_objective__isnull=False
    ).values_list("office_objective_id", "rpjmd_objective__code"):
        supports.setdefault(objective_id, []).append(code)
    # the objectives of each office's plan covering the year
    objectives = tuple(
        OfficeObjectiveFacts(o.plan.office.name, o.code, o.text, tuple(supports.get(o.pk, ())))
        for o in Objective.objects.filter(
            plan__office__regency=regency, plan__start_year__lte=year, plan__end_year__gte=year, plan__kind="renstra"
        ).select_related("plan__office").order_by("plan__office__name", "order", "pk")
    )
    return CascadeContext(regency.name, year, indicators, objectives)


def cascade_review(regency: Regency, year: int) -> CascadeReview | None:
    ctx = context_for(regency, year)
    return review_cascade(ctx) if ctx is not None else None
