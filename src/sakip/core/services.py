"""The web app's bridge to the domain: scorecards of stored offices, and navigation."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.db.models import Q
from django.urls import get_script_prefix
from django.utils.translation import get_language

from sakip.accounts.models import Membership, Office, YearSetting
from sakip.agreements.models import PkVersion
from sakip.budgeting.models import BudgetYear
from sakip.core.params import int_param
from sakip.dataset.loader import load_document
from sakip.domain.explanations import ExplanationPolicy, ExplanationRule
from sakip.domain.measurement import CapPolicy, LowerFormula
from sakip.domain.office import Office as DomainOffice
from sakip.domain.office import Settings
from sakip.domain.scales import get_scale
from sakip.domain.scorecard import Scorecard, build_scorecard
from sakip.monitoring.models import IndicatorYear

from .interchange import domain_office, export_office
from .nav import NavGroup, entry_quarter, office_groups


def office_years(office: Office) -> list[int]:
    """Years with any data (PK, measurements or budget), newest first."""
    years = set(PkVersion.objects.filter(office=office).values_list("year", flat=True))
    years |= set(IndicatorYear.objects.filter(indicator__plan__office=office).values_list("year", flat=True))
    years |= set(BudgetYear.objects.filter(office=office).values_list("year", flat=True))
    return sorted(years, reverse=True)


def offices_years(office_ids: list[int]) -> dict[int, list[int]]:
    """`office_years` of many offices: three queries per 500 offices, not three per office."""
    out: dict[int, set[int]] = {pk: set() for pk in office_ids}
    for i in range(0, len(office_ids), 500):
        chunk = office_ids[i : i + 500]
        for source in (
            PkVersion.objects.filter(office_id__in=chunk).values_list("office_id", "year"),
            IndicatorYear.objects.filter(indicator__plan__office_id__in=chunk).values_list(
                "indicator__plan__office_id", "year"
            ),
            BudgetYear.objects.filter(office_id__in=chunk).values_list("office_id", "year"),
        ):
            for office_id, year in source.order_by().distinct():
                out[office_id].add(year)
    return {pk: sorted(years, reverse=True) for pk, years in out.items()}


def reporting_year(office: Office, requested: str | None = None) -> int | None:
    years = office_years(office)
    chosen = int_param(requested)
    if chosen is not None and chosen in years:
        return chosen
    with_pk = sorted(set(PkVersion.objects.filter(office=office).values_list("year", flat=True)), reverse=True)
    return with_pk[0] if with_pk else (years[0] if years else None)


def settings_for(office: Office, year: int) -> Settings:
    """The scale and cap policy in force for an office in a year.

    The office's own row for the year, else the regency's row for the year, else the
    latest earlier row (office first, then regency), else the defaults.
    """
    row = _setting_row(office, year)
    if row is None:
        return Settings()
    if row.scale == "custom":
        doc = load_document(
            {**export_office(office), "settings": {"scale": _custom_scale(row.custom_bands)}}, source=office.code
        )
        scale = doc.settings.scale
    else:
        scale = get_scale(row.scale)
    return Settings(scale=scale, cap=CapPolicy(row.cap), lower_formula=LowerFormula(row.lower_formula))


def _setting_row(office: Office, year: int) -> YearSetting | None:
    """The office's row for the year, else the regency's, else the latest earlier (office first)."""
    rows = YearSetting.objects.filter(regency=office.regency).filter(
        Q(office=office) | Q(office__isnull=True), year__lte=year
    )
    return min(rows, key=lambda r: (-r.year, r.office_id is None), default=None)


def explanation_policy(office: Office, year: int) -> ExplanationPolicy:
    """When an explanation is required for an office's year, and what its absence does (`domain.explanations`)."""
    row = _setting_row(office, year)
    if row is None:
        return ExplanationPolicy()
    return ExplanationPolicy(ExplanationRule(row.explanation_rule), row.explanation_threshold)


def _custom_scale(bands: Any) -> Any:
    from .interchange import _num_json

    return _num_json(bands)


def scorecard_for(
    office: Office, year: int | None, quarter: int | None = None, domain: DomainOffice | None = None
) -> Scorecard | None:
    """The stored office's scorecard of ``year``; with ``quarter`` (1–4) its figures as of that quarter.

    The one construction (`domain_office`, the year's settings) and the one rule
    (`domain.scorecard.build_scorecard`) behind every page, API answer and document.
    ``domain``: the stored office already built (`regency.figures.stored_domain`, shared: not changed here).
    """
    if year is None:
        return None
    dom = domain_office(office) if domain is None else dataclasses.replace(domain)
    dom.settings = settings_for(office, year)
    return build_scorecard(dom, year, quarter=quarter)


def office_nav(office: Office, membership: Membership | None, active: str, year: int | None = None) -> list[NavGroup]:
    """The steps of the cycle for an office page (`sakip.core.nav`), ``active`` the page's key."""
    y = year or reporting_year(office) or 0
    return list(office_groups(office.code, y, active, get_language(), get_script_prefix(), entry_quarter(y)))
