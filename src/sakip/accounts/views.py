"""Home: office users go to their office; regency roles see the offices they may open."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from sakip.accounts.access import membership_of, offices_for, oversight_of
from sakip.core.services import reporting_year, scorecard_for
from sakip.reports.scorecard import show_percent


@login_required
def home(request: HttpRequest) -> HttpResponse:
    m = membership_of(request)
    if m is not None and m.office_id is not None:
        return redirect("office-dashboard", office_code=m.office.code)  # type: ignore[union-attr]
    if m is None and oversight_of(request) is not None:  # a province's or the instance's oversight role
        return redirect("oversight-overview")
    rows = []
    for office in offices_for(m):
        year = reporting_year(office)
        sc = scorecard_for(office, year)
        value = sc.office_score.aggregate.value if sc else None
        rows.append({
            "office": office, "year": year,
            "achievement": show_percent(value) if value is not None else None,
            "category": sc.office_score.category if sc else None,
            "color": sc.office_score.color if sc else None,
        })
    return render(request, "accounts/home.html", {"membership": m, "rows": rows})
