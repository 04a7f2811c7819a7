"""The province / national figures: SQL aggregates over the kept figures (`sakip.regency.kept_figures`).

Every function here is a constant number of queries whatever the number of regencies and offices.
Rows are read at the *current version* of each office-year (`KeptOfficeYear.version`, joined with
EXISTS so that a recomputation storing meanwhile is never mixed in). An office-year a write made dirty
(its recomputation after the commit not done yet) is read at its last stored version and counted in
`Freshness.pending`: unlike the regency dashboard, a view over thousands of offices does not compute
scorecards in its request (``sakip figures rebuild`` or the recomputation after the commit stores them).

The figures are the domain's own (`build_scorecard`, kept as written): an office's mean achievement and
predicate, each indicator's predicate, the LKE's final score and predicate. A regency's figure is the mean
of its offices' mean achievements (the ``*_num`` columns: the exact value rounded to 6 places), over the
offices with a measured achievement.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, Exists, F, OuterRef, Q, QuerySet

from sakip.accounts.models import Office, Oversight, OversightRole, Regency
from sakip.evaluation.models import Evaluation
from sakip.regency.models import KeptIndicator, KeptOffice, KeptOfficeYear

PAGE_SIZE = 50


@dataclass(frozen=True)
class Scope:
    """What an oversight role reads: every regency (national) or one province's."""

    province_id: int | None  # None: the whole instance

    @classmethod
    def of(cls, oversight: Oversight) -> Scope:
        return cls(None if oversight.role == OversightRole.NATIONAL else oversight.province_id)

    def regencies(self) -> QuerySet[Regency]:
        qs = Regency.objects.all()
        return qs if self.province_id is None else qs.filter(province_group_id=self.province_id)

    def offices_q(self, prefix: str = "office__") -> Q:
        """The filter of rows with an office (``office__…``) to the scope."""
        return Q() if self.province_id is None else Q(**{f"{prefix}regency__province_group_id": self.province_id})


def current_offices(scope: Scope, year: int, quarter: int) -> QuerySet[KeptOffice]:
    """The offices' kept rows as of ``quarter`` (4: the year), at each office-year's current version."""
    current = KeptOfficeYear.objects.filter(office_id=OuterRef("office_id"), year=year, version=OuterRef("version"))
    return KeptOffice.objects.filter(scope.offices_q(), Exists(current), year=year, quarter=quarter)


def current_indicators(scope: Scope, year: int, quarter: int) -> QuerySet[KeptIndicator]:
    current = KeptOfficeYear.objects.filter(office_id=OuterRef("office_id"), year=year, version=OuterRef("version"))
    return KeptIndicator.objects.filter(scope.offices_q(), Exists(current), year=year, quarter=quarter)


def years(scope: Scope) -> list[int]:
    """The years with kept figures in the scope, newest first (one query)."""
    qs = KeptOfficeYear.objects.filter(scope.offices_q(), computed_at__isnull=False)
    return sorted(set(qs.values_list("year", flat=True).distinct()), reverse=True)


@dataclass(frozen=True)
class Freshness:
    offices: int  # offices in the scope
    kept: int  # with kept figures for the year
    pending: int  # of those, dirty: a write not recomputed yet (read at their last stored version)


def freshness(scope: Scope, year: int) -> Freshness:
    """Two queries."""
    offices = Office.objects.filter(scope.offices_q(prefix="")).count()
    row = KeptOfficeYear.objects.filter(scope.offices_q(), year=year, computed_at__isnull=False).aggregate(
        kept=Count("id"), pending=Count("id", filter=~Q(included=F("changes")))
    )
    return Freshness(offices, row["kept"] or 0, row["pending"] or 0)


def regency_ranking(scope: Scope, year: int, quarter: int) -> QuerySet[Any]:
    """One row per regency with kept figures: mean of its offices' achievements, offices counted, ranked
    by the mean (highest first; a regency without a measured office last), then by name. A queryset of
    dicts: slice it (a page) and ``count()`` it (the paginator) — each one query."""
    return (
        current_offices(scope, year, quarter)
        .values(
            regency_id=F("office__regency_id"),
            regency_code=F("office__regency__code"),
            regency_name=F("office__regency__name"),
            province_name=F("office__regency__province_group__name"),
        )
        .annotate(
            mean=Avg("achievement_num"),
            offices=Count("id"),
            measured_offices=Count("achievement_num"),
            absorption=Avg("absorption_num"),
        )
        .order_by(F("mean").desc(nulls_last=True), "regency_name", "regency_id")
    )


def office_ranking(scope: Scope, year: int, quarter: int, regency_code: str | None = None) -> QuerySet[KeptOffice]:
    """The offices ranked by their mean achievement (highest first, not measured last), then by name;
    with their office and regency (one query per slice)."""
    qs = current_offices(scope, year, quarter)
    if regency_code:
        qs = qs.filter(office__regency__code=regency_code)
    return (
        qs.select_related("office", "office__regency")
        .only(
            "office_id", "year", "quarter", "version", "achievement", "achievement_num", "category", "color",
            "measured", "not_measured", "undefined", "absorption",
            "office__code", "office__name", "office__regency__code", "office__regency__name",
        )
        .order_by(F("achievement_num").desc(nulls_last=True), "office__name", "office_id")
    )


def office_predicates(scope: Scope, year: int, quarter: int) -> list[dict[str, Any]]:
    """How many offices have each predicate (``None``: no predicate — nothing measured). One query."""
    rows = (
        current_offices(scope, year, quarter)
        .values("category", "color")
        .annotate(n=Count("id"), low=Avg("achievement_num"))
        .order_by(F("low").desc(nulls_last=True), "category")
    )
    return [dict(r) for r in rows]


def indicator_predicates(scope: Scope, year: int, quarter: int) -> list[dict[str, Any]]:
    """How many indicators have each predicate, and how many are not measured / have no target. One query."""
    rows = (
        current_indicators(scope, year, quarter)
        .values("category", "color", "status")
        .annotate(n=Count("id"), low=Avg("achievement_num"))
        .order_by(F("low").desc(nulls_last=True), "category", "status")
    )
    return [dict(r) for r in rows]


def lke_results(scope: Scope, year: int) -> dict[str, Any]:
    """The finished SAKIP evaluations (LKE) of the year: their number, mean final score and the predicates
    (two queries)."""
    finished = Evaluation.objects.filter(scope.offices_q(), year=year, status=Evaluation.Status.FINISHED)
    summary = finished.aggregate(n=Count("id"), mean=Avg("final_score"))
    predicates = list(finished.values("final_predicate").annotate(n=Count("id")).order_by("final_predicate"))
    return {"finished": summary["n"] or 0, "mean": _dec(summary["mean"]), "predicates": predicates}


def regency_lke(scope: Scope, year: int, regency_ids: list[int]) -> dict[int, dict[str, Any]]:
    """The finished evaluations of the listed regencies (a page of the ranking): number and mean score."""
    rows = (
        Evaluation.objects.filter(
            scope.offices_q(), year=year, status=Evaluation.Status.FINISHED, office__regency_id__in=regency_ids
        )
        .values("office__regency_id")
        .annotate(n=Count("id"), mean=Avg("final_score"))
    )
    return {r["office__regency_id"]: {"n": r["n"], "mean": _dec(r["mean"])} for r in rows}


def _dec(value: Any) -> Decimal | None:
    return None if value is None else Decimal(value)


# ----------------------------------------------------------------------------- one office


def office_in_scope(scope: Scope, regency_code: str, office_code: str) -> Office | None:
    return (
        Office.objects.select_related("regency")
        .filter(scope.offices_q(prefix=""), regency__code=regency_code, code=office_code)
        .first()
    )


def office_years(office: Office) -> list[int]:
    """The office's years with kept figures, newest first (one query)."""
    qs = KeptOfficeYear.objects.filter(office=office, computed_at__isnull=False).order_by("-year")
    return list(qs.values_list("year", flat=True))


def office_figures(office: Office, year: int, quarter: int) -> tuple[KeptOffice | None, list[KeptIndicator], bool]:
    """The office's kept row and its indicators as of ``quarter``, at the current version; and whether that
    version is pending a recomputation. Three queries."""
    ky = KeptOfficeYear.objects.filter(office=office, year=year, computed_at__isnull=False).first()
    if ky is None:
        return None, [], False
    row = KeptOffice.objects.filter(office=office, year=year, quarter=quarter, version=ky.version).first()
    indicators = list(
        KeptIndicator.objects.filter(office=office, year=year, quarter=quarter, version=ky.version).order_by("id")
    )
    return row, indicators, ky.included != ky.changes
