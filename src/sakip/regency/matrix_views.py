"""The regency's monitoring matrix (/pemda/matriks/), its .xlsx and CSV downloads, and an office's trends.

The figures are the kept figures (`regency.matrix`); the colours the predicates' (one rule,
`domain.scales.predicate_color`); the charts `reports.charts.trend` (a `reports.drawing.Canvas` as SVG).
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from sakip.accounts.access import office_by_code, regency_view
from sakip.accounts.models import Membership, Office, OfficeKind, Role
from sakip.core.params import int_param
from sakip.domain import workflow as wf
from sakip.domain.periods import QUARTER_LABELS
from sakip.reports import charts
from sakip.reports.cells import CsvWriter, put_value
from sakip.workflow.models import STATE_CHOICES

from . import matrix as mx
from .models import KeptOfficeYear

REGENCY_ROLES = (Role.ADMIN, Role.PLANNER, Role.VERIFIER)


def kept_years(regency_id: int) -> tuple[list[int], int | None]:
    """The years with kept figures or a performance agreement in the regency, oldest first, and the year shown by
    default: the one most offices have a PK for, as on the regency dashboard (two queries)."""
    from .views import choose_year, regency_years

    with_pk = regency_years(regency_id)
    kept = KeptOfficeYear.objects.filter(office__regency_id=regency_id).values_list("year", flat=True).distinct()
    years = sorted(set(kept) | {y for y, _n in with_pk})
    return years, choose_year(with_pk, None) or (years[-1] if years else None)


def _params(request: HttpRequest, years: list[int], default: int | None) -> dict[str, Any]:
    layout = mx.YEARS if request.GET.get("tata") == mx.YEARS else mx.QUARTERS
    year = int_param(request.GET.get("tahun"), 1000, 9999)
    if year not in years:
        year = default
    kind = request.GET.get("jenis", "")
    kind = kind if kind in OfficeKind.values else ""
    state = request.GET.get("status", "")
    state = state if state in {s.value for s in wf.State} else ""
    return {"layout": layout, "year": year, "kind": kind, "state": state, "column": request.GET.get("periode", "")}


@require_safe
@regency_view(*REGENCY_ROLES)
def matrix(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Offices × periods: the workflow state and the achievement (predicate colour) of each, filterable by office
    kind, workflow state and period; ``?unduh=xlsx`` or ``csv`` downloads what is shown."""
    years, default = kept_years(membership.regency_id)
    p = _params(request, years, default)
    all_columns = mx.columns_for(p["layout"], years, p["year"])
    m = mx.build(membership.regency_id, all_columns, kind=p["kind"], state=p["state"], column_key=p["column"])
    download = request.GET.get("unduh")
    if download == "xlsx":
        return _xlsx(m)
    if download == "csv":
        return _csv(m)
    query = {k: v for k, v in (("tata", p["layout"]), ("tahun", p["year"]), ("jenis", p["kind"]),
                               ("status", p["state"]), ("periode", p["column"])) if v}
    trend_query = urlencode({"tahun": p["year"]} if p["year"] else {})
    return render(
        request,
        "regency/matrix.html",
        {
            "membership": membership,
            "m": m,
            "years": years,
            **p,
            "all_columns": all_columns,
            "kinds": OfficeKind.choices,
            "states": STATE_CHOICES,
            "xlsx_url": "?" + urlencode({**query, "unduh": "xlsx"}),
            "csv_url": "?" + urlencode({**query, "unduh": "csv"}),
            "trend_query": trend_query,
        },
    )


def _headers(m: mx.Matrix) -> list[str]:
    out = [_("Perangkat daerah"), _("Jenis")]
    for c in m.columns:
        out += [f"{c.label} — {_('Status')}", f"{c.label} — {_('Capaian (%)')}", f"{c.label} — {_('Kategori')}"]
    return out


def _values(row: mx.Row) -> list[Any]:
    out: list[Any] = [row.office.name, row.office.get_kind_display()]
    for cell in row.cells:
        out += [cell.state_label, cell.achievement, cell.category or ""]
    return out


def _filename(m: mx.Matrix, ext: str) -> str:
    first, last = (m.columns[0].key, m.columns[-1].key) if m.columns else ("", "")
    return f"matriks-pemantauan-{first}{'_' + last if last != first else ''}.{ext}"


def _xlsx(m: mx.Matrix) -> HttpResponse:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = _("Matriks pemantauan")[:31]
    for j, text in enumerate(_headers(m), start=1):
        put_value(ws.cell(row=1, column=j), text).font = Font(bold=True)
    for i, row in enumerate(m.rows, start=2):
        for j, value in enumerate(_values(row), start=1):
            cell = put_value(ws.cell(row=i, column=j), value)
            if isinstance(value, Decimal):
                cell.number_format = "#,##0.00"
        for k, c in enumerate(row.cells):
            if c.color:
                hex_color = charts.COLORS.get(c.color, charts.COLORS["grey"]).lstrip("#").upper()
                ws.cell(row=i, column=3 + 3 * k + 2).fill = PatternFill("solid", fgColor=hex_color)
    ws.freeze_panes = "B2"
    ws.column_dimensions["A"].width = 40
    buf = io.BytesIO()
    wb.save(buf)
    response = HttpResponse(
        buf.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(m, "xlsx")}"'
    return response


def _csv(m: mx.Matrix) -> HttpResponse:
    buf = io.StringIO()
    writer = CsvWriter(buf)
    writer.writerow(_headers(m))
    for row in m.rows:
        writer.writerow(_values(row))
    response = HttpResponse(buf.getvalue().encode("utf-8-sig"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(m, "csv")}"'
    return response


@require_safe
@regency_view(*REGENCY_ROLES)
def trends(request: HttpRequest, opd: str, membership: Membership) -> HttpResponse:
    """An office's trend charts: its mean achievement and each indicator's over the years and over the quarters
    of a year, from the kept figures."""
    try:
        office: Office = office_by_code(membership.regency_id, opd)
    except Office.DoesNotExist:
        raise Http404(_("Perangkat daerah tidak ditemukan")) from None
    years = sorted(
        set(KeptOfficeYear.objects.filter(office=office).values_list("year", flat=True))
    )
    year = int_param(request.GET.get("tahun"), 1000, 9999)
    if year not in years:
        year = years[-1] if years else None
    data = mx.office_trends(office, years, year or 0)
    charts_out: list[dict[str, Any]] = []

    def add(title: str, by_period: dict[tuple[int, int], tuple[Decimal | None, str | None, str | None]],
            testid: str) -> None:
        over_years = [(str(y), by_period.get((y, 4), (None, None, None))[0]) for y in years]
        over_quarters = [
            (QUARTER_LABELS[q], by_period.get((year, q), (None, None, None))[0]) for q in (1, 2, 3, 4)
        ] if year else []
        charts_out.append({
            "title": title,
            "testid": testid,
            "years_svg": mark_safe(charts.trend(over_years, Decimal(100), title=_("Capaian per tahun (%)")))
            if len(years) > 0 else "",
            "quarters_svg": mark_safe(
                charts.trend(over_quarters, Decimal(100), title=_("Capaian s.d. triwulan %(y)s (%%)") % {"y": year})
            ) if over_quarters else "",
            "cells": [
                {"label": str(y), **_cell(by_period.get((y, 4)))} for y in years
            ] + [
                {"label": f"{QUARTER_LABELS[q]} {year}", **_cell(by_period.get((year, q)))} for q in (1, 2, 3)
            ] if year else [],
        })

    add(_("Capaian rata-rata perangkat daerah"), data["office"], "trend-office")
    for ind in data["indicators"]:
        add(f"{ind['id']} {ind['name']}", ind["periods"], "trend-indicator")
    back = reverse("regency-matrix") + ("?" + urlencode({"tahun": year}) if year else "")
    return render(request, "regency/trends.html", {
        "membership": membership, "office": office, "years": years, "year": year, "charts": charts_out, "back": back,
    })


def _cell(found: tuple[Decimal | None, str | None, str | None] | None) -> dict[str, Any]:
    from sakip.reports.scorecard import show_percent

    if found is None:
        return {"shown": "", "color": None, "category": None}
    a, color, category = found
    return {"shown": show_percent(a) if a is not None else "", "color": color, "category": category}
