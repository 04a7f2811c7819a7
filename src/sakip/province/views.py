"""The province / national oversight pages (/pengawasan/): read only, for `Oversight` roles (issue #12).

* ``overview``: for a year and a quarter (as of TW N; no quarter = the year) the ranking of the regencies
  the user oversees and of their offices (paginated), the predicate distribution of the offices and of the
  indicators, the finished LKE evaluations; a constant number of queries (`queries`).
* ``office``: one office's kept figures (its mean achievement and every indicator), for an office of an
  overseen regency; another office answers 404.

Nothing here writes: both views take GET only (``require_safe``).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from sakip.accounts.access import oversight_view
from sakip.accounts.models import Oversight
from sakip.core.params import int_param
from sakip.core.web import quarter_param
from sakip.domain.periods import QUARTER_LABELS
from sakip.reports.scorecard import show_number, show_percent

from . import queries
from .queries import PAGE_SIZE, Scope


def shown_number(text: str | None) -> str:
    """A kept target or realisation (`kept_figures._text`: a number, ``low–high`` or a grade) as the pages
    show numbers (Indonesian format); a grade as it is."""
    if text is None or text == "":
        return "-"
    parts = text.split("–")
    try:
        numbers = [Decimal(p) for p in parts]
    except InvalidOperation:
        return text
    if not all(n.is_finite() for n in numbers):
        return text
    return "–".join(show_number(n) for n in numbers)


def _period(request: HttpRequest, known: list[int]) -> tuple[int | None, int | None]:
    requested = int_param(request.GET.get("tahun"), 1000, 9999)
    year = requested if requested in known else (known[0] if known else None)
    return year, quarter_param(request.GET.get("triwulan"))


@require_safe
@oversight_view
def overview(request: HttpRequest, oversight: Oversight) -> HttpResponse:
    scope = Scope.of(oversight)
    known = queries.years(scope)
    year, quarter = _period(request, known)
    context: dict[str, Any] = {
        "oversight": oversight,
        "years": known,
        "year": year,
        "quarter": quarter,
        "quarters": list(QUARTER_LABELS.items()),
        "quarter_label": QUARTER_LABELS.get(quarter) if quarter else None,
    }
    if year is None:
        return render(request, "province/overview.html", context)
    q = quarter or 4
    regency_code = request.GET.get("pemda") or None
    base = {k: v for k, v in (("tahun", year), ("triwulan", quarter), ("pemda", regency_code)) if v}

    regency_page = Paginator(queries.regency_ranking(scope, year, q), PAGE_SIZE).get_page(
        request.GET.get("hal_pemda")
    )
    regency_rows = list(regency_page.object_list)
    lke_by_regency = queries.regency_lke(scope, year, [r["regency_id"] for r in regency_rows])
    start = regency_page.start_index()
    for i, r in enumerate(regency_rows):
        r["rank"] = start + i
        r["mean_text"] = show_percent(r["mean"]) if r["mean"] is not None else None
        r["absorption_text"] = show_percent(r["absorption"]) if r["absorption"] is not None else None
        lke = lke_by_regency.get(r["regency_id"])
        r["lke"] = {"n": lke["n"], "mean": show_number(lke["mean"], 2)} if lke else None
        r["offices_url"] = "?" + urlencode({**base, "pemda": r["regency_code"]}) + "#opd"

    office_page = Paginator(queries.office_ranking(scope, year, q, regency_code), PAGE_SIZE).get_page(
        request.GET.get("hal")
    )
    start = office_page.start_index()
    office_rows = [
        {
            "rank": start + i,
            "row": k,
            "achievement": show_percent(k.achievement) if k.achievement is not None else None,
            "absorption": show_percent(k.absorption) if k.absorption is not None else None,
            "url": reverse("oversight-office", args=[k.office.regency.code, k.office.code])
            + "?"
            + urlencode({"tahun": year, **({"triwulan": quarter} if quarter else {})}),
        }
        for i, k in enumerate(office_page.object_list)
    ]
    lke = queries.lke_results(scope, year)
    lke["mean_text"] = show_number(lke["mean"], 2) if lke["mean"] is not None else None
    context.update(
        {
            "freshness": queries.freshness(scope, year),
            "regency_page": regency_page,
            "regency_rows": regency_rows,
            "office_page": office_page,
            "office_rows": office_rows,
            "regency_code": regency_code,
            "office_predicates": queries.office_predicates(scope, year, q),
            "indicator_predicates": queries.indicator_predicates(scope, year, q),
            "lke": lke,
            "query": urlencode(base),
            "regency_query": urlencode({k: v for k, v in base.items() if k != "pemda"}),
        }
    )
    return render(request, "province/overview.html", context)


@require_safe
@oversight_view
def office(request: HttpRequest, oversight: Oversight, pemda: str, opd: str) -> HttpResponse:
    scope = Scope.of(oversight)
    found = queries.office_in_scope(scope, pemda, opd)
    if found is None:
        raise Http404("Perangkat daerah tidak ditemukan")
    known = queries.office_years(found)
    year, quarter = _period(request, known)
    row, indicators, pending = queries.office_figures(found, year, quarter or 4) if year else (None, [], False)
    return render(
        request,
        "province/office.html",
        {
            "oversight": oversight,
            "office": found,
            "years": known,
            "year": year,
            "quarter": quarter,
            "quarters": list(QUARTER_LABELS.items()),
            "quarter_label": QUARTER_LABELS.get(quarter) if quarter else None,
            "row": row,
            "achievement": show_percent(row.achievement) if row and row.achievement is not None else None,
            "indicators": [
                {
                    "k": k,
                    "target": shown_number(k.target),
                    "realisation": shown_number(k.realisation),
                    "achievement": show_percent(k.achievement) if k.achievement is not None else None,
                }
                for k in indicators
            ],
            "pending": pending,
        },
    )
