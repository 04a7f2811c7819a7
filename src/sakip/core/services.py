"""The web app's bridge to the domain: scorecards of stored offices, and navigation."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sakip.accounts.models import Membership, Office
from sakip.agreements.models import PkVersion
from sakip.budgeting.models import BudgetYear
from sakip.domain.scorecard import Scorecard, build_scorecard
from sakip.monitoring.models import IndicatorYear

from .interchange import domain_office


def office_years(office: Office) -> list[int]:
    """Years with any data (PK, measurements or budget), newest first."""
    years = set(PkVersion.objects.filter(office=office).values_list("year", flat=True))
    years |= set(IndicatorYear.objects.filter(indicator__plan__office=office).values_list("year", flat=True))
    years |= set(BudgetYear.objects.filter(office=office).values_list("year", flat=True))
    return sorted(years, reverse=True)


def reporting_year(office: Office, requested: str | None = None) -> int | None:
    years = office_years(office)
    if requested and requested.isdigit() and int(requested) in years:
        return int(requested)
    with_pk = sorted(set(PkVersion.objects.filter(office=office).values_list("year", flat=True)), reverse=True)
    return with_pk[0] if with_pk else (years[0] if years else None)


def scorecard_for(office: Office, year: int | None) -> Scorecard | None:
    if year is None:
        return None
    return build_scorecard(domain_office(office), year)


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    active: bool


def office_nav(office: Office, membership: Membership | None, active: str, year: int | None = None) -> list[NavItem]:
    y = year or reporting_year(office) or 0
    items: list[tuple[str, str, str]] = [
        ("dashboard", str(_("Ringkasan")), reverse("office-dashboard", args=[office.code])),
        ("tree", str(_("Pohon kinerja")), reverse("plan-tree", args=[office.code])),
        ("plan", str(_("Rencana strategis")), reverse("plan-edit", args=[office.code])),
        ("pk", str(_("Perjanjian kinerja")), reverse("pk-detail", args=[office.code, y])),
        ("entry", str(_("Pengukuran triwulan")), reverse("quarter-entry", args=[office.code, y, 1])),
        ("budget", str(_("Anggaran")), reverse("budget-entry", args=[office.code, y])),
        ("survey", str(_("Survei kepuasan")), reverse("survey-detail", args=[office.code, y])),
        ("data", str(_("Impor/ekspor")), reverse("office-data", args=[office.code])),
    ]
    return [NavItem(label, url, key == active) for key, label, url in items]
