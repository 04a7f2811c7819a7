"""Office dashboard and quarterly entry."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from sakip.accounts.access import allowed_actions, can, office_view
from sakip.accounts.models import Membership, Office
from sakip.core.fragments import kept_page
from sakip.core.i18n import error_text
from sakip.core.params import int_param
from sakip.core.services import office_nav, office_years, reporting_year
from sakip.core.web import (
    Rollback,
    atomic_checked,
    current_plan,
    default_year,
    page_context,
    require,
    valid_year,
    year_choices,
    year_switch,
)
from sakip.dataset.loader import DatasetError
from sakip.domain.errors import DomainError
from sakip.domain.periods import QUARTER_LABELS
from sakip.domain.scorecard import Scorecard
from sakip.regency import figures
from sakip.reports import charts
from sakip.reports.scorecard import show_achievement, show_number, show_percent, show_target
from sakip.workflow.web import lock_message, refuse_if_locked

from . import entry
from .models import Evidence


@office_view("view")
def dashboard(request: HttpRequest, office: Office, membership: Membership | None) -> HttpResponse:
    # The page is a function of the stored data, the user's membership and the request: kept for the data
    # generation (sakip.core.fragments), so a page view costs the access check and a copy.
    return kept_page(
        request,
        ("office-dashboard", office.pk, membership.pk if membership else None),
        lambda csrf_token: _dashboard(request, office, membership, csrf_token),
    )


def _dashboard(
    request: HttpRequest, office: Office, membership: Membership | None, csrf_token: str | None
) -> HttpResponse:
    gen = figures.generation()
    requested = request.GET.get("tahun")
    requested = requested if int_param(requested, 1000, 9999) is not None else None
    year = figures.memo(gen, ("reporting-year", office.pk, requested), lambda: reporting_year(office, requested))
    context: dict[str, object] = {
        "office": office,
        "office_nav": office_nav(office, membership, "dashboard", year),
        "actions": allowed_actions(membership, office),
    }
    data = figures.memo(gen, ("dashboard", office.pk, year), lambda: _dashboard_data(office, year, gen))
    context.update(data)
    context["figures_html"] = figures.memo(
        gen,
        ("dashboard-html", office.pk, year, get_language()),
        lambda: render_to_string("monitoring/_dashboard_figures.html", data),
    )
    if csrf_token is not None:
        context["csrf_token"] = csrf_token
    return render(request, "monitoring/dashboard.html", context)


def _dashboard_data(office: Office, year: int | None, gen: str) -> dict[str, object]:
    sc = figures.scorecard(office, year, gen)
    context: dict[str, object] = {"year": year, "years": office_years(office), "sc": sc}
    if sc is not None:
        rows = []
        for s in sc.indicators:
            rows.append({
                "s": s,
                "target": show_target(s.target),
                "realisation": show_number(s.realisation) if s.realisation is not None else None,
                "achievement": show_achievement(s.achievement),
                "quarters": [
                    {"label": QUARTER_LABELS[q.quarter], "value": show_number(q.value) if q.value is not None else None,
                     "color": _color(sc, q.achievement.value)}
                    for q in s.quarters
                ],
                "history": [(p.year, show_number(p.realisation)) for p in s.history],
            })
        context["rows"] = rows
        chart_achievement, trends = _charts(sc)
        context["chart_achievement"] = mark_safe(chart_achievement)
        context["trends"] = [mark_safe(t) for t in trends]
        if sc.budget is not None:
            programs = [ls for ls in sc.budget.lines if ls.depth == 0]
            context["budget_programs"] = [
                {"code": ls.line.code, "name": ls.line.name, "allocation": show_number(ls.amounts.allocation, 2),
                 "realisation": show_number(ls.amounts.realisation, 2), "absorption": show_percent(ls.absorption)}
                for ls in programs
            ]
            if programs:
                context["chart_budget"] = mark_safe(charts.absorption_bars(
                    [f"{ls.line.code} {ls.line.name}" for ls in programs], [ls.absorption for ls in programs]))
            context["budget_total"] = sc.budget.total
            context["budget_total_absorption"] = show_percent(sc.budget.total.absorption) if sc.budget.total else None
        context["office_achievement"] = (
            show_percent(sc.office_score.aggregate.value) if sc.office_score.aggregate.value is not None else None
        )
    return context


def _charts(sc: Scorecard) -> tuple[str, list[str]]:
    """The dashboard's achievement bars and trend lines (SVG text)."""
    bars = charts.achievement_bars(
        [f"{s.indicator.id} {s.indicator.name}" for s in sc.indicators],
        [s.achievement.value for s in sc.indicators],
        [s.color for s in sc.indicators],
        sc.scale,
    )
    trends = []
    for s in sc.indicators:
        points = [(str(p.year), p.realisation) for p in s.history]
        if isinstance(s.realisation, Decimal) or s.realisation is None:
            points.append((str(sc.year), s.realisation if isinstance(s.realisation, Decimal) else None))
        if len(points) > 1:
            trends.append(charts.trend(
                points, s.target if isinstance(s.target, Decimal) else None,
                f"{s.indicator.id} {s.indicator.name[:50]}", s.indicator.unit))
    return bars, trends


def _color(sc: object, value: Decimal | None) -> str | None:
    if value is None:
        return None
    return sc.scale.band_for(value).color  # type: ignore[attr-defined, no-any-return]


# ----------------------------------------------------------------------------- quarterly entry


def _entry_url(office: Office, year: int, quarter: int) -> str:
    return reverse("quarter-entry", args=[office.code, year, quarter])


@office_view("view")
def quarter_entry(
    request: HttpRequest, year: int, quarter: int, office: Office, membership: Membership | None
) -> HttpResponse:
    """Realisations of one quarter: one row per PK indicator, all-or-nothing save (SPEC §3, §9)."""
    if request.method == "GET" and (year == 0 or year_switch(request, year)):
        return redirect(_entry_url(office, year_switch(request, year) or default_year(office), quarter))
    if quarter not in QUARTER_LABELS or not valid_year(year):
        raise Http404(_("Triwulan atau tahun tidak dikenal"))
    if request.method == "POST":
        require(membership, office, "enter")
        refused = refuse_if_locked(request, office, year, "quarter", quarter)
        if refused is not None:
            return refused
    editable = can(membership, office, "enter") and not lock_message(office, year, "quarter", quarter)
    problems: list[str] = []
    rows: list[entry.Row] = []
    sc = None
    if current_plan(office) is not None:
        try:
            domain = entry.load_domain(office)
            rows = entry.build_rows(office, year, quarter, domain)
            if request.method == "POST":
                for row in rows:
                    entry.read_row(row, request.POST, request.FILES)
            sc = entry.simulate(domain, year, quarter, rows, typed=request.method == "POST")
        except (DatasetError, DomainError) as exc:
            problems.append(error_text(exc))
    if request.method == "POST" and sc is not None:
        entry.check_explanations(rows, quarter)
        bad = [row for row in rows if row.has_errors]
        if not bad:
            created: list[Evidence] = []
            try:
                with atomic_checked(office):
                    created = entry.save_rows(office, year, quarter, rows, request.user)
            except Rollback as exc:
                for ev in created:
                    ev.file.delete(save=False)
                problems.extend(exc.issues)
            else:
                messages.success(
                    request,
                    _("Realisasi %(quarter)s %(year)s tersimpan.") % {"quarter": QUARTER_LABELS[quarter], "year": year},
                )
                return redirect(_entry_url(office, year, quarter))
        else:
            messages.error(
                request,
                _("Tidak ada yang disimpan: perbaiki %(n)d indikator yang ditandai.") % {"n": len(bad)},
            )
    lines = []
    for row in rows:
        q_row = row.quarter_row
        lines.append({
            "row": row,
            "show": entry.display(row, quarter, sc) if sc is not None else {},
            "year_target": show_target(row.score.target) if row.score is not None else "-",
            "quarter_target": show_number(q_row.target) if q_row is not None and q_row.target is not None else None,
            "cumulative": bool(row.stored and row.stored.cumulative_targets),
            "inputs": [
                {"name": n, "label": row.definition.input_labels.get(n, n), "text": row.input_texts.get(n, ""),
                 "errors": row.errors.get(f"i-{n}", []), "field": row.field_name("i", n)}
                for n in entry.ind_inputs(row.definition)
            ],
            "grades": row.definition.ordinal.grades if row.definition.ordinal else (),
            "evidence": list(row.stored.evidence.all()) if row.stored else [],
            "trend": _quarter_trend(row) if row.score is not None and not row.qualitative else None,
        })
    context = page_context(
        office, membership, "entry", year,
        quarter=quarter,
        quarter_label=QUARTER_LABELS[quarter],
        quarters=[(q, label, _entry_url(office, year, q)) for q, label in QUARTER_LABELS.items()],
        years=year_choices(office, year),
        lines=lines,
        editable=editable,
        problems=problems,
        has_plan=current_plan(office) is not None,
        preview_url=reverse("quarter-preview", args=[office.code, year, quarter]),
        evidence_types=", ".join(sorted(k.lstrip(".").upper() for k in settings.SAKIP_EVIDENCE_TYPES)),
        evidence_max_mb=settings.SAKIP_EVIDENCE_MAX_BYTES // (1024 * 1024),
        evidence_accept=",".join(sorted(settings.SAKIP_EVIDENCE_TYPES)),
    )
    return render(request, "monitoring/quarter_entry.html", context)


def _quarter_trend(row: entry.Row) -> str | None:
    """A small SVG of the quarters (our own matplotlib output: the only markup marked safe)."""
    s = row.score
    if s is None or not s.quarters:
        return None
    points = [(QUARTER_LABELS[q.quarter], q.value if isinstance(q.value, Decimal) else None) for q in s.quarters]
    if sum(1 for _, v in points if v is not None) < 2:
        return None
    return mark_safe(charts.trend(points, None, f"{s.indicator.id}", s.indicator.unit))


@require_POST
@office_view("enter")
def quarter_preview(
    request: HttpRequest, year: int, quarter: int, office: Office, membership: Membership | None
) -> HttpResponse:
    """The htmx fragment for one row: the computed value, achievement and predicate of what was typed."""
    if quarter not in QUARTER_LABELS or not valid_year(year) or current_plan(office) is None:
        raise Http404
    refused = refuse_if_locked(request, office, year, "quarter", quarter)
    if refused is not None:
        return refused
    key = request.GET.get("row", "")
    domain = entry.load_domain(office)
    rows = [r for r in entry.build_rows(office, year, quarter, domain) if r.key == key]
    if not rows:  # nothing to preview (no such row in this office-year)
        return HttpResponse("")
    row = rows[0]
    entry.read_row(row, request.POST, None)
    sc = entry.simulate(domain, year, quarter, [row])
    entry.check_explanations([row], quarter)
    return render(request, "monitoring/_preview.html", {"row": row, "show": entry.display(row, quarter, sc)})


@require_safe
@office_view("view")
def evidence_download(request: HttpRequest, pk: int, office: Office, membership: Membership | None) -> HttpResponse:
    """A stored evidence file, as an attachment, to users who may view its office."""
    ev = get_object_or_404(Evidence, pk=pk, indicator_year__indicator__plan__office=office)
    if not ev.file:
        raise Http404(_("Berkas bukti dukung ini tidak tersimpan di Sakip"))
    with ev.file.open("rb") as f:  # at most SAKIP_EVIDENCE_MAX_BYTES
        content = f.read()
    response = HttpResponse(content, content_type=ev.content_type or "application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(True, ev.name) or "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    return response
