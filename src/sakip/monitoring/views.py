"""Office dashboard and quarterly entry."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
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
from sakip.core.concurrency import Changed, Conflict, conflict_context, reapplied, retrying
from sakip.core.fragments import kept_page
from sakip.core.i18n import chart_words, error_text, translate
from sakip.core.params import int_param
from sakip.core.services import explanation_policy, office_nav, office_years, reporting_year
from sakip.core.web import (
    Rollback,
    atomic_checked,
    current_plan,
    default_year,
    page_context,
    quarter_param,
    require,
    valid_year,
    year_choices,
    year_switch,
)
from sakip.dataset.loader import DatasetError
from sakip.domain.errors import DomainError
from sakip.domain.explanations import ExplanationPolicy
from sakip.domain.measurement import Range
from sakip.domain.periods import QUARTER_LABELS
from sakip.domain.quarter_targets import shown as shown_target
from sakip.domain.scorecard import Scorecard
from sakip.regency import figures
from sakip.reports import charts
from sakip.reports.scorecard import show_achievement, show_number, show_percent, show_target
from sakip.workflow.models import RowComment
from sakip.workflow.web import lock_message, refuse_if_locked

from . import entry, pending
from .models import Evidence, Quarter


@office_view("view")
def dashboard(request: HttpRequest, office: Office, membership: Membership | None) -> HttpResponse:
    # The page is a function of the stored data, the user's membership and the request: kept for the data
    # generation (sakip.core.fragments), so a page view costs the access check and a copy.
    return kept_page(
        request,
        ("office-dashboard", office.pk, membership.pk if membership else None),
        lambda csrf_token: _dashboard(request, office, membership, csrf_token),
        figures.office_scopes(office),
    )


def _dashboard(
    request: HttpRequest, office: Office, membership: Membership | None, csrf_token: str | None
) -> HttpResponse:
    gen = figures.office_generation(office)
    requested = request.GET.get("tahun")
    requested = requested if int_param(requested, 1000, 9999) is not None else None
    year = figures.memo(gen, ("reporting-year", office.pk, requested), lambda: reporting_year(office, requested))
    quarter = quarter_param(request.GET.get("triwulan"))
    context: dict[str, object] = {
        "office": office,
        "office_nav": office_nav(office, membership, "dashboard", year),
        "actions": allowed_actions(membership, office),
        "quarter": quarter,
        "quarters": list(QUARTER_LABELS.items()),
    }
    data = figures.memo(
        gen, ("dashboard", office.pk, year, quarter), lambda: _dashboard_data(office, year, quarter, gen)
    )
    context.update(data)
    context["figures_html"] = figures.memo(
        gen,
        ("dashboard-html", office.pk, year, quarter, get_language()),
        lambda: render_to_string("monitoring/_dashboard_figures.html", data),
    )
    if csrf_token is not None:
        context["csrf_token"] = csrf_token
    return render(request, "monitoring/dashboard.html", context)


def _dashboard_data(office: Office, year: int | None, quarter: int | None, gen: str) -> dict[str, object]:
    """The dashboard's figures: the year's, or as of TW ``quarter`` (one scorecard, `figures.scorecard`)."""
    sc = figures.scorecard(office, year, gen, quarter)
    context: dict[str, object] = {
        "year": year,
        "years": office_years(office),
        "sc": sc,
        "quarter": quarter,
        "quarter_label": QUARTER_LABELS.get(quarter) if quarter else None,
    }
    if sc is not None:
        rows = []
        figure_notes: list[tuple[object, str]] = []
        for s in sc.indicators:
            # which target the achievement is measured against (when not the PK's) and a survey index apart
            target_note = s.target_basis.note() if s.target_basis is not None else None
            survey_note = s.survey.note(s.indicator.name) if s.survey is not None else None
            notes = [translate(m) for m in (target_note, survey_note) if m is not None]
            figure_notes += [(s, n) for n in notes]
            rows.append({
                "s": s,
                "notes": notes,
                "target_noted": target_note is not None,
                "survey_noted": survey_note is not None,
                "target": show_target(s.target),
                "target_not_set": s.target is None and s.realisation is not None,
                "year_target": show_target(s.year_target),
                "realisation": show_number(s.realisation) if s.realisation is not None else None,
                "achievement": show_achievement(s.achievement),
                "quarters": [
                    {"label": QUARTER_LABELS[q.quarter], "value": show_number(q.value) if q.value is not None else None,
                     "color": q.color}
                    for q in s.quarters
                ],
                "history": [(p.year, show_number(p.realisation)) for p in s.history],
            })
        context["rows"] = rows
        context["figure_notes"] = figure_notes
        chart_achievement, trends = _charts(sc)
        context["chart_achievement"] = mark_safe(chart_achievement)
        context["trends"] = [mark_safe(t) for t in trends]
        if sc.budget is not None:
            programs = [ls for ls in sc.budget.lines if ls.depth == 0]
            context["budget_programs"] = [
                {"code": ls.line.code, "name": ls.line.name, "allocation": show_number(ls.amounts.allocation, 2),
                 "realisation": show_number(ls.amounts.realisation, 2) if ls.amounts.realisation is not None else None,
                 "absorption": show_percent(ls.absorption)}
                for ls in programs
            ]
            if programs:
                context["chart_budget"] = mark_safe(charts.absorption_bars(
                    [f"{ls.line.code} {ls.line.name}" for ls in programs], [ls.absorption for ls in programs],
                    _("Penyerapan anggaran per program (%)"), chart_words()))
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
        _("Capaian indikator (%)"),
        chart_words(),
    )
    trends = []
    now = str(sc.year) if sc.quarter is None else f"{sc.year} {QUARTER_LABELS[sc.quarter]}"
    for s in sc.indicators:
        points = [(str(p.year), p.realisation) for p in s.history]
        if isinstance(s.realisation, Decimal) or s.realisation is None:
            points.append((now, s.realisation if isinstance(s.realisation, Decimal) else None))
        if len(points) > 1:
            trends.append(charts.trend(
                points, s.target if isinstance(s.target, Decimal) else None,
                f"{s.indicator.id} {s.indicator.name[:50]}", s.indicator.unit, chart_words()))
    return bars, trends


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
    # a save got past `refuse_if_locked` just now: its period is open (the write guard checks again under the lock)
    editable = can(membership, office, "enter") and (
        request.method == "POST" or not lock_message(office, year, "quarter", quarter)
    )
    post = reapplied(request.POST) if request.method == "POST" else None
    try:
        outcome = retrying(lambda: _entry_attempt(request, office, year, quarter, post))
    except Changed:  # changed again and again while this save waited: shown as it is now, nothing stored
        outcome = _entry_attempt(request, office, year, quarter, None)
        outcome.problems.append(_("Data ini sedang diubah orang lain; tidak ada yang disimpan. Coba simpan lagi."))
        outcome.status = 409
    if post is not None:
        _keep_or_clear_uploads(request, office, year, quarter, outcome, post)
    if outcome.saved:
        messages.success(
            request,
            _("Realisasi %(quarter)s %(year)s tersimpan.") % {"quarter": QUARTER_LABELS[quarter], "year": year},
        )
        for row in outcome.rows:  # the regency's rule is "peringatan": stored, and the operator is told
            for warning in row.warnings:
                messages.warning(request, f"{row.indicator.code}: {warning}")
        return redirect(_entry_url(office, year, quarter))
    rows, sc, problems = outcome.rows, outcome.scorecard, outcome.problems
    policy = _policy(office, year, outcome.gen)
    kept = pending.listing(request, office, year, quarter) if editable else {}
    notes: dict[int, list[RowComment]] = {}
    for note in RowComment.objects.filter(office=office, year=year, quarter=quarter).order_by("at", "id"):
        notes.setdefault(note.indicator_id, []).append(note)
    lines = []
    for row in rows:
        q_row = row.quarter_row
        lines.append({
            "row": row,
            "show": entry.display(row, quarter, sc, policy) if sc is not None else {},
            "year_target": show_target(row.score.target) if row.score is not None else "-",
            "quarter_target": _own_target(q_row),
            "cumulative": bool(row.stored and row.stored.cumulative_targets),
            "inputs": [
                {"name": n, "label": row.definition.input_labels.get(n, n), "text": row.input_texts.get(n, ""),
                 "errors": row.errors.get(f"i-{n}", []), "field": row.field_name("i", n)}
                for n in entry.ind_inputs(row.definition)
            ],
            "grades": row.definition.ordinal.grades if row.definition.ordinal else (),
            "evidence": list(row.stored.evidence.all()) if row.stored else [],
            "annual_explanation": row.stored.explanation if row.stored else "",
            "pending": kept.get(row.key),
            "comments": notes.get(row.indicator.pk, []),
            "trend": _quarter_trend(row) if row.score is not None and not row.qualitative else None,
        })
    context = page_context(
        office, membership, "entry", year,
        quarter=quarter,
        quarter_label=QUARTER_LABELS[quarter],
        quarters=[(q, label, _entry_url(office, year, q)) for q, label in QUARTER_LABELS.items()],
        years=_year_choices(office, year, outcome.gen),
        lines=lines,
        editable=editable,
        problems=problems,
        has_plan=_has_plan(office, outcome.gen),
        preview_url=reverse("quarter-preview", args=[office.code, year, quarter]),
        evidence_types=", ".join(sorted(k.lstrip(".").upper() for k in settings.SAKIP_EVIDENCE_TYPES)),
        evidence_max_mb=settings.SAKIP_EVIDENCE_MAX_BYTES // (1024 * 1024),
        evidence_accept=",".join(sorted(settings.SAKIP_EVIDENCE_TYPES)),
        conflict_form=True,
        can_comment=can(membership, office, "verify"),
        comment_url=reverse("quarter-comment", args=[office.code, year, quarter]),
        **conflict_context(outcome.conflicts),
    )
    return render(request, "monitoring/quarter_entry.html", context, status=outcome.status)


@dataclass
class _Outcome:
    gen: str  # the office's generation the attempt read (before its own write)
    rows: list[entry.Row]
    scorecard: Scorecard | None
    problems: list[str]
    conflicts: list[Conflict] = field(default_factory=list)
    saved: bool = False
    status: int = 200


def _entry_attempt(
    request: HttpRequest, office: Office, year: int, quarter: int, post: QueryDict | None
) -> _Outcome:
    """Read the stored rows (and, for a save, what was typed), check them and store them all or nothing.

    Run again from the start by `core.concurrency.retrying` when another save came between this
    one's read and its lock (`entry.verify_unchanged`) or made one of its rows first.
    """
    problems: list[str] = []
    rows: list[entry.Row] = []
    sc = None
    # read once per attempt (a retry reads it again): what the page and the save keep for it is read once
    gen = figures.office_generation(office)
    if _has_plan(office, gen):
        try:
            domain = entry.load_domain(office, gen)
            # a save reads no evidence list: only a page shows it (a refused save's page reads it per row)
            rows = entry.build_rows(office, year, quarter, domain, evidence=post is None, gen=gen)
            if post is not None:
                kept = pending.listing(request, office, year, quarter)
                gone = pending.removed(post)
                for row in rows:
                    entry.read_row(row, post, request.FILES)
                    pf = kept.get(row.key)
                    if row.upload is None and pf is not None and row.key not in gone:  # kept from a refused save
                        row.upload, row.pending = pending.open_file(pf), pf
            sc = entry.simulate(domain, year, quarter, rows, typed=post is not None)
        except (DatasetError, DomainError) as exc:
            problems.append(error_text(exc))
    outcome = _Outcome(gen, rows, sc, problems)
    if post is None or sc is None:
        return outcome
    entry.check_explanations(rows, quarter, _policy(office, year, gen))
    bad = [row for row in rows if row.has_errors]
    if bad:
        messages.error(
            request,
            _("Tidak ada yang disimpan: perbaiki %(n)d indikator yang ditandai.") % {"n": len(bad)},
        )
        return outcome
    found = entry.conflicts(rows, quarter)
    if found:  # changed by someone else since the page was loaded: nothing stored, the stored values shown
        entry.show_stored(rows, found)
        outcome.scorecard = entry.simulate(domain, year, quarter, rows)
        outcome.conflicts, outcome.status = found, 409
        return outcome
    created: list[Evidence] = []
    try:
        with atomic_checked(office):
            entry.verify_unchanged(year, quarter, rows)
            entry.save_rows(office, year, quarter, rows, request.user, created)
    except Rollback as exc:
        _drop_files(created)
        problems.extend(exc.issues)
        return outcome
    except BaseException:
        _drop_files(created)
        raise
    outcome.saved = True
    return outcome


# what the entry page and the dashboard keep of the office's plan, PK, settings and years: a quarterly save (a write
# of measurements alone) hands them to the generation it made (`regency.figures.carry`), so the page after it
# reads only what the save changed
figures.MEASUREMENT_FREE.update(
    {"entry-indicators", "has-plan", "explanation-policy", "year-choices", "reporting-year"}  # entry.entry_indicators
)


def _has_plan(office: Office, gen: str) -> bool:
    """Whether the office has a plan (`core.web.current_plan`), kept for its generation."""
    return figures.memo(gen, ("has-plan", office.pk), lambda: current_plan(office) is not None)


def _policy(office: Office, year: int, gen: str) -> ExplanationPolicy:
    """The year's explanation rule (`core.services.explanation_policy`: the office's or regency's year setting),
    kept for the office's generation (which the settings of both renew)."""
    return figures.memo(gen, ("explanation-policy", office.pk, year), lambda: explanation_policy(office, year))


def _year_choices(office: Office, year: int, gen: str) -> list[int]:
    """`core.web.year_choices`, the office's years kept for its generation."""
    years = figures.memo(gen, ("year-choices", office.pk), lambda: tuple(year_choices(office)))
    return sorted({*years, year}, reverse=True)


def _keep_or_clear_uploads(
    request: HttpRequest, office: Office, year: int, quarter: int, outcome: _Outcome, post: QueryDict
) -> None:
    """A refused save keeps every valid new file for the retry; a stored one (or one removed) is cleared."""
    gone = pending.removed(post)
    if outcome.saved:
        gone |= {row.key for row in outcome.rows if row.pending is not None}
    else:
        fresh = {
            row.key: row.upload
            for row in outcome.rows
            if row.upload is not None and row.pending is None and not row.errors.get("f")
        }
        pending.keep(request, office, year, quarter, fresh)
        gone -= fresh.keys()
    pending.drop(request, office, year, quarter, gone)


def _drop_files(created: list[Evidence]) -> None:
    for ev in created:  # the rows were rolled back: their files go too
        ev.file.delete(save=False)


def _own_target(q_row: Quarter | None) -> str | None:
    """The quarter's own target as stored (a number, a grade, or a band «80 – 90»); None: not set."""
    if q_row is None:
        return None
    if q_row.target_grade:
        return q_row.target_grade
    if q_row.target_low is not None and q_row.target_high is not None:
        return shown_target(Range(q_row.target_low, q_row.target_high))  # as the PK page shows it
    return show_number(q_row.target) if q_row.target is not None else None


def _quarter_trend(row: entry.Row) -> str | None:
    """A small SVG of the quarters (our own matplotlib output: the only markup marked safe)."""
    s = row.score
    if s is None or not s.quarters:
        return None
    points = [(QUARTER_LABELS[q.quarter], q.value if isinstance(q.value, Decimal) else None) for q in s.quarters]
    if sum(1 for _, v in points if v is not None) < 2:
        return None
    return mark_safe(charts.trend(points, None, f"{s.indicator.id}", s.indicator.unit, chart_words()))


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
    policy = explanation_policy(office, year)  # a missing explanation is shown by `display`, next to the figures
    return render(request, "monitoring/_preview.html", {"row": row, "show": entry.display(row, quarter, sc, policy)})


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
