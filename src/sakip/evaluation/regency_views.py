"""The regency's LKE view (`/pemda/lke/<year>/`, issue #15): every office's sub-component grades side by
side with the change from last year, the weakest sub-components across the regency, and the follow-up
of the recommendations per office; ``?unduh=xlsx`` downloads the same figures (`regency_xlsx`).

Regency roles only (administrator, planner, Inspektorat); an office's user gets 403. Every figure
comes from `regency_lke.summary` (the domain's scores); this module only formats them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from sakip.accounts.access import offices_for, regency_view
from sakip.accounts.models import Membership, Role
from sakip.core.params import int_param
from sakip.core.web import valid_year
from sakip.domain.lke_regency import GRADE_COLORS, Change
from sakip.domain.numbers import format_number, round_half_up

from . import regency_xlsx
from .models import Evaluation
from .regency_lke import OfficeRow, Summary, summary

ROLES = (Role.ADMIN, Role.PLANNER, Role.VERIFIER)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def shown(value: Decimal | None, places: int = 2) -> Decimal | None:
    """A figure as the page and the workbook show it: rounded half up to ``places`` decimals."""
    return None if value is None else round_half_up(value, places)


def text(value: Decimal | None, places: int = 2) -> str:
    return "—" if value is None else format_number(round_half_up(value, places), places)


@dataclass(frozen=True)
class GradeCell:
    code: str
    grade: str
    value: str
    color: str
    change: str  # ↑ ↓ = or ""
    change_label: str
    previous: str


def _change_label(c: Change | None) -> str:
    if c is None:
        return ""
    return {Change.UP: _("naik"), Change.DOWN: _("turun"), Change.SAME: _("tetap")}[c]


def cells(s: Summary, row: OfficeRow) -> list[GradeCell]:
    out = []
    for col in s.columns:
        sub = row.result.sub(col.code) if row.result else None
        before = row.previous.sub(col.code) if row.previous else None
        c = row.change(col.code)
        grade = (sub.grade or "") if sub else ""
        previous = ""
        if before is not None and before.value is not None:
            previous = f"{before.grade} ({text(before.value)})" if before.grade else text(before.value)
        out.append(
            GradeCell(
                col.code,
                grade,
                text(sub.value) if sub else "—",
                GRADE_COLORS.get(grade, "grey"),
                c.value if c else "",
                _change_label(c),
                previous,
            )
        )
    return out


def _years(membership: Membership) -> list[int]:
    return sorted(
        set(Evaluation.objects.filter(office__regency=membership.regency).values_list("year", flat=True)), reverse=True
    )


@require_safe
@regency_view(*ROLES)
def regency_lke_latest(request: HttpRequest, membership: Membership) -> HttpResponse:
    """The view of the latest year with an evaluation (the navigation's link)."""
    years = _years(membership)
    chosen = int_param(request.GET.get("tahun", ""))
    year = chosen if chosen is not None and valid_year(chosen) else (years[0] if years else None)
    if year is None:
        return render(request, "evaluation/regency_lke.html", {"membership": membership, "year": None, "years": []})
    return redirect(reverse("regency-lke", args=[year]))


@require_safe
@regency_view(*ROLES)
def regency_lke(request: HttpRequest, year: int, membership: Membership) -> HttpResponse:
    if not valid_year(year):
        raise Http404(_("Tahun tidak dikenal"))
    chosen = int_param(request.GET.get("tahun", ""))
    if chosen is not None and chosen != year and valid_year(chosen):
        return redirect(reverse("regency-lke", args=[chosen]))
    s = summary(membership.regency, year, offices_for(membership))
    if request.GET.get("unduh") == "xlsx":
        response = HttpResponse(regency_xlsx.workbook_bytes(s, membership.regency.name), content_type=XLSX)
        name = regency_xlsx.filename(s)
        response["Content-Disposition"] = content_disposition_header(True, name) or "attachment"
        return response
    rows = [
        {
            "row": r,
            "cells": cells(s, r),
            "total": text(r.result.total) if r.result else "—",
            "predicate": (r.result.predicate or "—") if r.result else "—",
            "total_change": r.total_change.value if r.total_change else "",
            "total_change_label": _change_label(r.total_change),
            "previous_total": text(r.previous.total) if r.previous and r.previous.total is not None else "",
        }
        for r in s.rows
    ]
    weak = [
        {
            "w": w,
            "weight": text(w.weight),
            "share": text(w.share_below, 1),
            "mean": text(w.mean_percent, 1),
        }
        for w in s.weakest
    ]
    years = sorted(set(_years(membership)) | {year}, reverse=True)
    return render(
        request,
        "evaluation/regency_lke.html",
        {
            "membership": membership,
            "s": s,
            "year": year,
            "years": years,
            "rows": rows,
            "columns": [{"c": c, "weight": text(c.weight)} for c in s.columns],
            "weak": weak,
            "with_recommendations": any(r.items for r in s.rows),
        },
    )
