"""What the public may see: only what the workflow has approved (SPEC §1, issue #4 item 6).

* a year's **PK** (targets) once the PK period is approved: `is_approved(office, year, "pk")`;
* a year's **report figures** (realisations, achievements, predicates, budget
  absorption) once the annual report is approved: `is_approved(office, year, "annual")`;
* the **plan** (Renstra: vision, missions, goals, objectives, indicators, IKU and their
  plan targets) once the office has any approved PK.

Approval is read live from the workflow on every request; the figures themselves
are the office pages' scorecard (`sakip.regency.figures`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from typing import Any

from django.db.models import OuterRef, Subquery

from sakip.accounts.models import Office
from sakip.core.services import office_years, offices_years
from sakip.domain import workflow as wf
from sakip.domain.scorecard import Scorecard
from sakip.regency import figures
from sakip.regency.kept_figures import fresh_pairs
from sakip.regency.models import KeptIndicator, KeptOffice, KeptOfficeYear
from sakip.reports.scorecard import dec, target_text
from sakip.workflow.models import PeriodState
from sakip.workflow.services import is_approved

#: Columns of the open datasets, in order (docs/open-data.md, portal/open-data.schema.json).
PERFORMANCE_FIELDS = (
    "regency",
    "office_code",
    "office_name",
    "year",
    "indicator_id",
    "indicator_name",
    "unit",
    "level",
    "iku",
    "pk_target",
    "realisation",
    "achievement",
    "category",
)
BUDGET_FIELDS = ("regency", "office_code", "office_name", "year", "allocation", "realisation", "absorption")
TEXT_FIELDS = {
    "regency",
    "office_code",
    "office_name",
    "indicator_id",
    "indicator_name",
    "unit",
    "level",
    "category",
    "pk_target",
}


@dataclass
class Published:
    office: Office
    pk_years: list[int] = field(default_factory=list)
    annual_years: list[int] = field(default_factory=list)

    @property
    def plan(self) -> bool:
        return bool(self.pk_years)

    @property
    def years(self) -> list[int]:
        return sorted(set(self.pk_years) | set(self.annual_years))

    @property
    def anything(self) -> bool:
        return bool(self.pk_years or self.annual_years)


def published(office: Office) -> Published:
    """What one office has published: `is_approved` for each of its years."""
    years = office_years(office)
    return Published(
        office,
        pk_years=sorted(y for y in years if is_approved(office, y, "pk")),
        annual_years=sorted(y for y in years if is_approved(office, y, "annual")),
    )


def published_many(offices: list[Office], gen: str) -> list[Published]:
    """`published` for many offices in one query of the workflow's states.

    The same rule as `is_approved` (the period's own stored state, judged by
    `sakip.domain.workflow.is_approved`; tests/portal checks both agree for every
    state); the offices' years come from the figures cache.
    """
    rows = PeriodState.objects.filter(office__in=offices, step__in=("pk", "annual"), quarter__isnull=True).values_list(
        "office_id", "year", "step", "state"
    )
    approved = {(o, y, step) for o, y, step, state in rows if wf.is_approved(wf.State(state))}
    approved_offices = sorted({o for o, _y, _step in approved})
    # the years of the offices that approved anything (one rule: `office_years`), three queries for them all
    all_years = figures.memo(gen, ("offices-years", *approved_offices), partial(offices_years, approved_offices))
    out = []
    for office in offices:
        years: list[int] = all_years.get(office.pk, [])
        out.append(
            Published(
                office,
                pk_years=sorted(y for y in years if (office.pk, y, "pk") in approved),
                annual_years=sorted(y for y in years if (office.pk, y, "annual") in approved),
            )
        )
    return out


def _target_text(t: Any) -> str | None:
    return target_text(t)


def performance_rows(pub: Published, gen: str) -> list[dict[str, Any]]:
    """One row per indicator of each published year: PK target if the PK is published, figures if the report is."""
    rows: list[dict[str, Any]] = []
    office = pub.office
    for year in pub.years:
        sc: Scorecard | None = figures.scorecard(office, year)
        if sc is None:
            continue
        pk_public = year in pub.pk_years
        report_public = year in pub.annual_years
        yd = sc.office.years.get(year)
        agreement = yd.agreement if yd is not None and pk_public else None
        seen: set[str] = set()
        for s in sc.indicators:
            in_pk = agreement is not None and s.indicator.id in agreement.targets
            if s.indicator.id in seen or not (in_pk or (report_public and s.in_pk)):
                continue
            seen.add(s.indicator.id)
            rows.append(
                {
                    "regency": office.regency.name,
                    "office_code": office.code,
                    "office_name": office.name,
                    "year": year,
                    "indicator_id": s.indicator.id,
                    "indicator_name": s.indicator.name,
                    "unit": s.indicator.unit,
                    "level": s.level,
                    "iku": s.indicator.iku,
                    "pk_target": _target_text(agreement.targets[s.indicator.id]) if in_pk and agreement else None,
                    "realisation": _value(s.realisation) if report_public else None,
                    "achievement": dec(s.achievement.value) if report_public else None,
                    "category": s.category if report_public else None,
                }
            )
    return rows


def _value(v: Decimal | str | None) -> str | None:
    if isinstance(v, Decimal):
        return dec(v)
    return v


def budget_rows(pub: Published, gen: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    office = pub.office
    for year in pub.annual_years:
        sc = figures.scorecard(office, year)
        if sc is None or sc.budget is None or sc.budget.total is None:
            continue
        t = sc.budget.total
        rows.append(
            {
                "regency": office.regency.name,
                "office_code": office.code,
                "office_name": office.name,
                "year": year,
                "allocation": dec(t.allocation),
                "realisation": dec(t.realisation),
                "absorption": dec(t.absorption),
            }
        )
    return rows


def number_columns(fields: Sequence[str]) -> list[bool]:
    """Which open-data columns are numbers in the CSV (`sakip.reports.cells.CsvWriter`): their exact decimal
    text (``-2.5``) is written as it is; ``pk_target`` is a number or a range. Any other text that a
    spreadsheet could read as a formula gets a leading apostrophe."""
    return [f not in TEXT_FIELDS or f == "pk_target" for f in fields]


# ----------------------------------------------------------------------------- many offices: the kept figures


def performance_rows_many(pubs: Sequence[Published], gen: str) -> list[dict[str, Any]]:
    """`performance_rows` of many offices: read from the kept figures (`sakip.regency.kept_figures`) in one
    query for every office-year whose kept rows are current; an office-year a write made dirty is computed
    as `performance_rows` does — the same rows, never older than the data (tests/portal compare both)."""
    wanted = {(pub.office.pk, y) for pub in pubs for y in pub.years}
    current = fresh_pairs(wanted)
    rows_of: dict[tuple[int, int], list[tuple[Any, ...]]] = {}
    if current:
        kept = (
            KeptIndicator.objects.filter(
                office_id__in={o for o, _y in current}, quarter=4,
                version=Subquery(KeptOfficeYear.objects.filter(
                    office_id=OuterRef("office_id"), year=OuterRef("year")).values("version")[:1]),
            )
            .order_by("office_id", "year", "id")
            .values_list("office_id", "year", "indicator", "name", "unit", "level", "iku", "in_pk",
                         "in_agreement", "agreement_target", "realisation", "achievement", "category")
        )
        for row in kept:
            if (row[0], row[1]) in current:
                rows_of.setdefault((row[0], row[1]), []).append(row)
    out: list[dict[str, Any]] = []
    for pub in pubs:
        office = pub.office
        for year in pub.years:
            if (office.pk, year) not in current:
                out.extend(performance_rows(Published(office, [year] if year in pub.pk_years else [],
                                                      [year] if year in pub.annual_years else []), gen))
                continue
            pk_public, report_public = year in pub.pk_years, year in pub.annual_years
            seen: set[str] = set()
            for (_o, _y, ind, name, unit, level, iku, in_pk, in_agreement, agreement_target, realisation,
                 achievement, category) in rows_of.get((office.pk, year), []):
                listed = pk_public and in_agreement
                if ind in seen or not (listed or (report_public and in_pk)):
                    continue
                seen.add(ind)
                out.append({
                    "regency": office.regency.name,
                    "office_code": office.code,
                    "office_name": office.name,
                    "year": year,
                    "indicator_id": ind,
                    "indicator_name": name,
                    "unit": unit,
                    "level": level,
                    "iku": iku,
                    "pk_target": agreement_target if listed else None,
                    "realisation": _exact(realisation) if report_public else None,
                    "achievement": dec(achievement) if report_public else None,
                    "category": category if report_public else None,
                })
    return out


def _exact(text: str | None) -> str | None:
    """A kept realisation as `performance_rows` writes it: a number as exact decimal text, a grade as it is."""
    if text is None:
        return None
    try:
        return dec(Decimal(text))
    except ArithmeticError:  # a grade (``BB``)
        return text


def budget_rows_many(pubs: Sequence[Published], gen: str) -> list[dict[str, Any]]:
    """`budget_rows` of many offices from the kept figures (one query), dirty office-years computed."""
    wanted = {(pub.office.pk, y) for pub in pubs for y in pub.annual_years}
    current = fresh_pairs(wanted)
    kept: dict[tuple[int, int], tuple[Any, ...]] = {}
    if current:
        for row in KeptOffice.objects.filter(
            office_id__in={o for o, _y in current}, quarter=4,
            version=Subquery(KeptOfficeYear.objects.filter(
                office_id=OuterRef("office_id"), year=OuterRef("year")).values("version")[:1]),
        ).values_list("office_id", "year", "allocation", "realisation", "absorption"):
            kept[(row[0], row[1])] = row[2:]
    out: list[dict[str, Any]] = []
    for pub in pubs:
        office = pub.office
        for year in pub.annual_years:
            if (office.pk, year) not in current:
                out.extend(budget_rows(Published(office, [], [year]), gen))
                continue
            figures_ = kept.get((office.pk, year))
            if figures_ is None or figures_[0] is None:  # no budget total (as `budget_rows`)
                continue
            allocation, realisation, absorption = figures_
            out.append({
                "regency": office.regency.name,
                "office_code": office.code,
                "office_name": office.name,
                "year": year,
                "allocation": _value(allocation),
                "realisation": _value(realisation),
                "absorption": _value(absorption),
            })
    return out
