"""The stored RPJMD as the domain sees it: regency indicators and their figures from the offices' data.

`figures_of(indicator, year)` is the one way the pages (and later the API, the documents and the
tree) get a regency indicator's quarter and year figures: it builds the `domain.cascade` spec from
the stored indicator, each contributing office's indicator and year from the office's stored data
(`regency.figures.stored_domain`: the build the office's own pages share) and asks
`domain.cascade.figures`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q

from sakip.accounts.models import Office, Regency, YearSetting
from sakip.domain.cascade import Aggregation, Computation, Contribution, RegencyFigure, figures
from sakip.domain.cascade import RegencyIndicator as RegencySpec
from sakip.domain.errors import DomainError
from sakip.domain.formulas import Formula
from sakip.domain.measurement import CapPolicy, LowerFormula, Method, Polarity
from sakip.domain.office import Indicator, Measurement, Settings
from sakip.domain.periods import Rollup
from sakip.domain.scales import get_scale

from .models import IndicatorContribution, RegencyIndicator, Rpjmd, year_decimals


def current_rpjmd(regency: Regency | int, year: int | None = None) -> Rpjmd | None:
    """The RPJMD in force: the latest approved revision covering ``year`` (any year when None), else the latest."""
    qs = Rpjmd.objects.filter(regency=regency)
    if year is not None:
        qs = qs.filter(start_year__lte=year, end_year__gte=year)
    approved = qs.filter(status=Rpjmd.Status.APPROVED).order_by("-start_year", "-revision").first()
    return approved or qs.order_by("-start_year", "-revision").first()


def regency_settings(regency: Regency, year: int) -> Settings:
    """The regency's own scale and cap for ``year`` (its year setting without an office; a custom scale: the
    default scale), else the defaults."""
    row = (
        YearSetting.objects.filter(regency=regency, office__isnull=True, year__lte=year).order_by("-year").first()
    )
    if row is None:
        return Settings()
    try:
        scale = get_scale(row.scale)
    except (DomainError, KeyError):
        return Settings(cap=CapPolicy(row.cap), lower_formula=LowerFormula(row.lower_formula))
    return Settings(scale=scale, cap=CapPolicy(row.cap), lower_formula=LowerFormula(row.lower_formula))


def spec_of(ri: RegencyIndicator) -> RegencySpec:
    """The stored regency indicator as `domain.cascade.RegencyIndicator` (raises `DomainError` if it is not whole)."""
    formula = None
    if ri.computation == Computation.FORMULA.value:
        formula = Formula(ri.code, ri.formula, set(ri.input_names()))
    ind = Indicator(
        ri.code,
        ri.name,
        ri.unit,
        polarity=Polarity(ri.polarity),
        rollup=Rollup(ri.rollup),
        method=Method(ri.method),
        baseline=ri.baseline,
        formula=formula,
        targets=dict(year_decimals(ri.targets)),
    )
    aggregation = Aggregation(ri.aggregation) if ri.aggregation else None
    return RegencySpec(ind, Computation(ri.computation), aggregation)


def own_measurement(ri: RegencyIndicator, year: int) -> Measurement | None:
    """The regency's own quarter targets (and values, entered directly) of ``year``."""
    data = ri.quarters.get(str(year)) if isinstance(ri.quarters, dict) else None
    if not isinstance(data, dict):
        return None

    def quarters(key: str) -> dict[int, Decimal | None]:
        return {q: v for q, v in year_decimals(data.get(key)).items() if q in (1, 2, 3, 4)}

    return Measurement(
        quarterly_targets=quarters("targets"),
        cumulative_targets=bool(data.get("cumulative")),
        quarters=quarters("values"),
    )


@dataclass(frozen=True)
class Figures:
    indicator: RegencyIndicator
    year: int
    rows: tuple[RegencyFigure, ...]  # TW I … TW IV, then the year
    contributions: tuple[IndicatorContribution, ...]
    problem: str | None = None  # the indicator is not whole (no formula …): no figures


def contributions_of(ri: RegencyIndicator) -> list[IndicatorContribution]:
    return list(
        IndicatorContribution.objects.filter(regency_indicator=ri)
        .select_related("indicator__plan__office")
        .order_by("indicator__plan__office__name", "indicator__code")
    )


def figures_of(ri: RegencyIndicator, year: int) -> Figures:
    from sakip.regency.figures import stored_domain

    links = contributions_of(ri)
    try:
        spec = spec_of(ri)
    except DomainError as exc:
        return Figures(ri, year, (), tuple(links), str(exc))
    contributions: list[Contribution] = []
    for link in links:
        office: Office = link.indicator.plan.office
        dom = stored_domain(office)
        ind = dom.plan.indicator(link.indicator.code)
        year_data = dom.years.get(year)
        if ind is None:  # the indicator is of another plan than the office's current one
            continue
        m = year_data.measurements.get(ind.id) if year_data is not None else None
        target = year_decimals(link.targets).get(year)
        contributions.append(Contribution(office.name, ind, m, dict(link.input_map), target))
    rows = figures(spec, year, contributions, regency_settings(ri.rpjmd.regency, year), own_measurement(ri, year))
    return Figures(ri, year, rows, tuple(links))


def rpjmd_indicators(rpjmd: Rpjmd) -> list[RegencyIndicator]:
    return list(rpjmd.indicators.select_related("objective").prefetch_related("responsible_offices"))


def office_links_filter(office: Office) -> Q:
    return Q(office_objective__plan__office=office) | Q(office_goal__plan__office=office)
