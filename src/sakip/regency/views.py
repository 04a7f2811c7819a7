"""The regency dashboard (/pemda/): offices ranked by achievement and by budget absorption.

Every figure is an office's own scorecard (the office pages' `scorecard_for`), kept in
tables per office-year (`sakip.regency.kept_figures`) and read with SQL: a write in one
office recomputes that office's rows only, and the page reads them all in two queries
whatever the number of offices. The page itself is kept for the regency's aggregate
generation (`sakip.regency.generations`).
"""

from __future__ import annotations

import hashlib
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from sakip.accounts.access import regency_view
from sakip.accounts.models import Membership, Office, Role
from sakip.agreements.models import PkVersion
from sakip.core.fragments import kept_page
from sakip.core.i18n import chart_words
from sakip.core.params import int_param
from sakip.core.web import quarter_param
from sakip.domain.periods import QUARTER_LABELS
from sakip.reports import charts
from sakip.reports.scorecard import show_number, show_percent

from . import kept_figures
from .figures import OfficeFigures, memo, scorecard
from .generations import STRUCTURE, aggregate_scope, regency_scope
from .generations import generation as data_generation

REGENCY_ROLES = (Role.ADMIN, Role.PLANNER, Role.VERIFIER)


def regency_page_scopes(regency_id: int) -> tuple[str, ...]:
    """What a regency page depends on: every office of the regency (its aggregate) and the list of offices."""
    return (aggregate_scope(regency_id), regency_scope(regency_id), STRUCTURE)


def regency_years(regency_id: int) -> list[tuple[int, int]]:
    """(year, number of offices with a PK that year), newest first."""
    rows = (
        PkVersion.objects.filter(office__regency_id=regency_id)
        .values("year")
        .annotate(n=Count("office", distinct=True))
        .order_by("-year")
    )
    return [(r["year"], r["n"]) for r in rows]


def choose_year(years: list[tuple[int, int]], requested: str | None) -> int | None:
    """The requested year if it has data, else the year most offices report (the latest of equals)."""
    known = [y for y, _n in years]
    chosen = int_param(requested)
    if chosen is not None and chosen in known:
        return chosen
    if not years:
        return None
    return max(years, key=lambda yn: (yn[1], yn[0]))[0]


def choose_quarter(requested: str | None) -> int | None:
    return quarter_param(requested)


def _sort_key(value: Decimal | None, name: str) -> tuple[int, Decimal, str]:
    return (0, -value, name) if value is not None else (1, Decimal(0), name)


def ranked(offices: list[Office], figures: dict[int, OfficeFigures]) -> list[tuple[Office, OfficeFigures | None]]:
    """The offices in the order of the ranking (the dashboard's and the API's one rule): by mean achievement,
    highest first, then by name; offices without a figure last."""
    pairs = [(o, figures.get(o.pk)) for o in offices]
    return sorted(pairs, key=lambda p: _sort_key(p[1].achievement if p[1] else None, p[0].name))


@require_safe
@regency_view(*REGENCY_ROLES)
def dashboard(request: HttpRequest, membership: Membership) -> HttpResponse:
    # a function of the stored data, the membership and the request: kept for the data generation
    return kept_page(
        request,
        ("regency-dashboard", membership.pk),
        lambda csrf_token: _dashboard(request, membership, csrf_token),
        regency_page_scopes(membership.regency_id),
    )


def _dashboard(request: HttpRequest, membership: Membership, csrf_token: str | None) -> HttpResponse:
    gen = data_generation(*regency_page_scopes(membership.regency_id))
    quarter = choose_quarter(request.GET.get("triwulan"))
    requested = request.GET.get("tahun")
    requested = requested if int_param(requested, 1000, 9999) is not None else None
    # the page is a function of the stored data: built once per data generation, year and quarter
    context = memo(
        gen,
        ("regency-dashboard", membership.regency_id, requested, quarter),
        lambda: _build(membership.regency_id, requested, quarter),
    )
    html = memo(
        gen,
        ("regency-dashboard-html", membership.regency_id, requested, quarter, get_language()),
        lambda: render_to_string("regency/_figures.html", context),
    )
    page = {**context, "membership": membership, "figures_html": html}
    if context.get("year") is not None:  # the background recomputation after a setting changed, if any
        page["progress"] = kept_figures.progress(membership.regency_id, context["year"])
    if csrf_token is not None:
        page["csrf_token"] = csrf_token
    return render(request, "regency/dashboard.html", page)


@require_safe
@regency_view(*REGENCY_ROLES)
def progress(request: HttpRequest, membership: Membership) -> HttpResponse:
    """How far the recomputation of the regency's kept figures of a year is (the dashboard polls it)."""
    given = request.GET.get("tahun")
    year = int_param(given, 1000, 9999)
    if given is not None and year is None:
        return HttpResponse(status=404)
    if year is None:  # the latest year kept for the regency
        year = kept_figures.latest_year(membership.regency_id) or timezone.localdate().year
    return render(request, "regency/_progress.html", {
        "progress": kept_figures.progress(membership.regency_id, year), "year": year, "polled": True,
    })


@require_safe
@regency_view(*REGENCY_ROLES)
def chart(request: HttpRequest, membership: Membership) -> HttpResponse:
    """The dashboard's chart (SVG) of the offices' mean achievement, drawn again only when what it shows
    changed (an explanation saved leaves it as it is)."""
    quarter = choose_quarter(request.GET.get("triwulan"))
    requested = request.GET.get("tahun")
    requested = requested if int_param(requested, 1000, 9999) is not None else None
    gen = data_generation(*regency_page_scopes(membership.regency_id))
    context = memo(
        gen,
        ("regency-dashboard", membership.regency_id, requested, quarter),
        lambda: _build(membership.regency_id, requested, quarter),
    )
    ranked = [r for r in context["by_achievement"] if r["f"] is not None]
    year = context["year"]
    first_sc = scorecard(ranked[0]["office"], year) if year is not None and ranked else None
    if first_sc is None:
        return HttpResponse(status=404)
    names = [r["office"].name for r in ranked]
    values = [r["f"].achievement for r in ranked]
    colors = [r["f"].color for r in ranked]
    words, title = chart_words(), _("Capaian rata-rata perangkat daerah (%)")  # the page's language
    shown = hashlib.sha256(repr((names, values, colors, first_sc.scale, words, title)).encode()).hexdigest()
    svg = memo(
        shown,
        ("regency-chart", membership.regency_id, year, quarter, get_language()),
        lambda: charts.achievement_bars(
            names, values, colors, first_sc.scale, title=title, words=words
        ),
    )
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Cache-Control"] = "private, no-cache"
    return response


def _build(regency_id: int, requested: str | None, quarter: int | None) -> dict[str, Any]:
    years = regency_years(regency_id)
    year = choose_year(years, requested)
    offices = list(Office.objects.filter(regency_id=regency_id).order_by("name"))
    # the kept figures (`kept_figures`: SQL, two queries at any number of offices); an office-year a write
    # made dirty is computed here until its recomputation is stored — that office only
    kept = kept_figures.ranking(offices, year, quarter) if year is not None else {}
    query = "&".join(
        part for part in (f"tahun={year}" if year else "", f"triwulan={quarter}" if quarter else "") if part
    )
    language = get_language()
    rows: list[dict[str, Any]] = [
        {"office": office, "f": kept.get(office.pk), "html": _row_cells(office, kept.get(office.pk), query, language)}
        for office in offices
    ]
    position = {o.pk: i for i, (o, _f) in enumerate(ranked(offices, kept))}
    by_achievement = sorted(rows, key=lambda r: position[r["office"].pk])
    by_absorption = sorted(rows, key=lambda r: _sort_key(r["f"].absorption if r["f"] else None, r["office"].name))
    measured = [r for r in by_achievement if r["f"] is not None]
    # the chart is its own request (`chart`): drawing it takes most of the time (matplotlib, ~20 ms per office)
    chart_url = None
    if year is not None and measured:
        chart_query = urlencode({k: v for k, v in (("tahun", year), ("triwulan", quarter)) if v is not None})
        chart_url = f"{reverse('regency-chart')}?{chart_query}"
    return {
        "years": [y for y, _n in years],
        "year": year,
        "quarter": quarter,
        "quarters": list(QUARTER_LABELS.items()),
        "quarter_label": QUARTER_LABELS.get(quarter) if quarter else None,
        "by_achievement": by_achievement,
        "by_absorption": by_absorption,
        "achievement_rows": _ranked_rows(by_achievement, 0),
        "absorption_rows": _ranked_rows(by_absorption, 1),
        "chart_url": chart_url,
    }


# The table rows of an office, without its rank, kept by what they show: a write in one office renders that
# office's rows again, not the other 999 (a bounded dict per process; a key names everything a row shows).
_ROW_CELLS: dict[tuple[Any, ...], tuple[str, str]] = {}
_ROW_CELLS_MAX = 20_000


def _row_cells(office: Office, f: OfficeFigures | None, query: str, language: str) -> tuple[str, str]:
    key = (language, query, office.pk, office.code, office.name, f)
    cells = _ROW_CELLS.get(key)
    if cells is None:
        url = reverse("office-dashboard", args=[office.code]) + (f"?{query}" if query else "")
        row = {
            "office": office,
            "f": f,
            "url": url,
            "achievement": show_percent(f.achievement) if f and f.achievement is not None else None,
            "absorption": show_percent(f.absorption) if f and f.absorption is not None else None,
            "allocation": show_number(f.allocation, 2) if f and f.allocation is not None else None,
            "realisation": show_number(f.realisation, 2) if f and f.realisation is not None else None,
            "weakest": (
                {
                    "id": f.weakest[0],
                    "name": f.weakest[1],
                    "color": f.weakest[3],
                    "achievement": show_percent(f.weakest[2]) if f.weakest[2] is not None else None,
                    "url": f"{url}#ind-{f.weakest[0]}",
                }
                if f and f.weakest
                else None
            ),
        }
        cells = (
            render_to_string("regency/_achievement_row.html", {"r": row}),
            render_to_string("regency/_absorption_row.html", {"r": row}),
        )
        if len(_ROW_CELLS) >= _ROW_CELLS_MAX:
            _ROW_CELLS.clear()
        _ROW_CELLS[key] = cells
    return cells


def _ranked_rows(rows: list[dict[str, Any]], table: int) -> SafeString:
    """The rows of one ranking table, each with its rank (the only part that moves when another office changes)."""
    # the parts are rendered templates (escaped), an escaped code and integers
    return mark_safe("".join(
        f'<tr data-office="{escape(r["office"].code)}"><td class="num">{rank}</td>{r["html"][table]}</tr>'
        for rank, r in enumerate(rows, start=1)
    ))
