"""LKE pages: the office's self-assessment, the evaluator's scoring, the side-by-side summary,
recommendations with their follow-up, the .docx report, and the regency's list (SPEC §8)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from sakip.accounts.access import can, office_view, offices_for, regency_view
from sakip.accounts.models import Membership, Office, Role
from sakip.core.concurrency import lock_office
from sakip.core.i18n import error_text
from sakip.core.params import int_param
from sakip.core.web import (
    default_year,
    evidence_content_type,
    page_context,
    valid_year,
    year_choices,
    year_switch,
)
from sakip.domain.evaluation import EvaluationError, Framework
from sakip.domain.numbers import format_number
from sakip.planning.models import Indicator

from . import recommendations, services
from .models import Answer, Evaluation, Recommendation
from .report import evaluation_report_docx

NAV = "lke"
MAX_NOTE = 4000


def _num(value: Any) -> str:
    return "—" if value is None else format_number(value, 2)


def _evaluation(office: Office, year: int) -> Evaluation | None:
    if not valid_year(year):
        raise Http404(_("Tahun tidak dikenal"))
    return Evaluation.objects.filter(office=office, year=year).select_related("template").first()


def _page(request: HttpRequest, url: str, office: Office, year: int) -> HttpResponse:
    return redirect(reverse(url, args=[office.code, year]))


def _node_text(node: Any) -> str:
    """A node's points: the score, or the provisional one marked with "*" while answers are missing."""
    if node.value is not None:
        return format_number(node.value, 2)
    if node.answered == 0:
        return "—"
    return format_number(node.provisional, 2) + "*"


def _scored(ev: Evaluation) -> tuple[services.Scores | None, str]:
    """Both scores, or None and why they cannot be computed (a template or answer broken in the admin)."""
    try:
        return services.scores(ev), ""
    except EvaluationError as exc:
        return None, _("LKE ini tidak dapat dihitung: %(e)s") % {"e": error_text(exc)}


def _scores(ev: Evaluation) -> services.Scores | None:
    return _scored(ev)[0]


def _framework(request: HttpRequest, ev: Evaluation) -> Framework | None:
    """The evaluation's framework, or None with the reason as a message (a template broken in the admin)."""
    try:
        return ev.template.framework()
    except EvaluationError as exc:
        messages.error(
            request, _("LKE ini tidak dapat dipakai, tidak ada yang disimpan: %(e)s") % {"e": error_text(exc)}
        )
        return None


def _switched(request: HttpRequest, name: str, office: Office, year: int) -> HttpResponse | None:
    """A redirect to the year chosen in the page's year selector (or the office's year for year 0)."""
    if request.method != "GET":
        return None
    chosen = year_switch(request, year) or (default_year(office) if year == 0 else None)
    return _page(request, name, office, chosen) if chosen else None


def _context(
    request: HttpRequest, office: Office, membership: Membership | None, year: int, ev: Evaluation | None, **extra: Any
) -> dict[str, Any]:
    prev = Evaluation.objects.filter(office=office, year__lt=year).order_by("-year").first()
    return page_context(
        office,
        membership,
        NAV,
        year,
        evaluation=ev,
        status=Evaluation.Status,
        can_enter=can(membership, office, "enter"),
        can_evaluate=can(membership, office, "evaluate"),
        can_unlock=can(membership, office, "unlock"),
        previous=prev,
        recommendations_by_sub=recommendations.by_subcomponent(ev),  # shown under each sub-component
        years=sorted(
            set(year_choices(office, year))
            | set(Evaluation.objects.filter(office=office).values_list("year", flat=True)),
            reverse=True,
        ),
        **extra,
    )


def _lke_action(
    request: HttpRequest,
    office: Office,
    year: int,
    run: Callable[[Evaluation], str],
    *,
    missing: str,
    failed: str,
    done: str,
) -> HttpResponse:
    """A POST-only step of the LKE: ``run`` does it and returns the success message; a refusal is shown as an
    error. ``missing``, ``failed`` and ``done`` name the page to go back to without an evaluation, after a
    refusal, after success."""
    if request.method != "POST":
        return HttpResponse(status=405)
    try:
        with transaction.atomic():  # the office's writers wait: the step sees the status and answers as stored now
            lock_office(office)
            ev = _evaluation(office, year)
            if ev is None:
                messages.error(request, _("Belum ada evaluasi untuk tahun ini."))
                return _page(request, missing, office, year)
            text = run(ev)
    except (ValidationError, EvaluationError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", None) or getattr(exc, "errors", [])))
        return _page(request, failed, office, year)
    messages.success(request, text)
    return _page(request, done, office, year)


@office_view("enter")
def evaluation_submit(request: HttpRequest, year: int, office: Office, membership: Membership | None) -> HttpResponse:
    def run(ev: Evaluation) -> str:
        services.submit(ev, request.user)
        return _("Penilaian mandiri dikirim ke evaluator.")

    page = "evaluation-office"
    return _lke_action(request, office, year, run, missing=page, failed=page, done=page)


@office_view("evaluate")
def evaluation_finish(request: HttpRequest, year: int, office: Office, membership: Membership | None) -> HttpResponse:
    def run(ev: Evaluation) -> str:
        services.finish(ev, request.user)
        return _("Evaluasi selesai: nilai %(score)s, predikat %(p)s.") % {
            "score": _num(ev.final_score),
            "p": ev.final_predicate,
        }

    return _lke_action(
        request, office, year, run, missing="evaluation-office", failed="evaluation-score", done="evaluation-summary"
    )


@office_view("unlock")
def evaluation_reopen(request: HttpRequest, year: int, office: Office, membership: Membership | None) -> HttpResponse:
    def run(ev: Evaluation) -> str:
        services.reopen(ev)
        return _("Evaluasi dibuka kembali untuk evaluator.")

    page = "evaluation-summary"
    return _lke_action(request, office, year, run, missing=page, failed=page, done=page)


# ----------------------------------------------------------------------------- summary and the AKIP link


@office_view("view")
def evaluation_summary(request: HttpRequest, year: int, office: Office, membership: Membership | None) -> HttpResponse:
    """Self-assessment and evaluator's score side by side, per component and sub-component, and the total."""
    if (switched := _switched(request, "evaluation-summary", office, year)) is not None:
        return switched
    ev = _evaluation(office, year)
    context = _context(request, office, membership, year, ev)
    if ev is not None:
        s, problem = _scored(ev)
        context.update(problem=problem, scores=s)
        if s is not None:
            context["rows"] = [
                {
                    "level": r.level,
                    "code": r.code,
                    "name": r.name,
                    "weight": _num(r.weight),
                    "own": _num(r.self_value),
                    "evaluator": _num(r.evaluator_value),
                    "difference": _num(r.difference),
                    "own_grade": r.self_answer if r.level == "subcomponent" else None,
                    "evaluator_grade": r.evaluator_answer if r.level == "subcomponent" else None,
                }
                for r in s.comparison.rows
                if r.level != "criterion"
            ]
            own, evaluator = s.own, s.evaluator
            context.update(
                own_total=_node_text(own.total),
                evaluator_total=_node_text(evaluator.total),
                own_predicate=own.predicate or "—",
                evaluator_predicate=evaluator.predicate or "—",
                disagreements=len(s.comparison.disagreements),
                graded=s.framework.graded,
            )
        if ev.status == Evaluation.Status.FINISHED:
            context["akip_indicators"] = services.akip_candidates(office)
    return render(request, "evaluation/summary.html", context)


@office_view("enter")
def evaluation_akip(request: HttpRequest, year: int, office: Office, membership: Membership | None) -> HttpResponse:
    """ "Ambil dari LKE": the AKIP indicator's realisation of the year from the finished evaluation."""
    if request.method != "POST":
        return HttpResponse(status=405)
    ev = _evaluation(office, year)
    pk = request.POST.get("indicator", "")
    pk_n = int_param(pk)
    indicator = Indicator.objects.filter(pk=pk_n, plan__office=office).first() if pk_n is not None else None
    if ev is None:
        messages.error(request, _("Belum ada evaluasi untuk tahun ini."))
    elif indicator is None:
        messages.error(request, _("Pilih indikator nilai/predikat AKIP."))
    else:
        try:
            taken = services.take_akip_realisation(ev, indicator)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            if taken.changed:
                messages.success(
                    request,
                    _("Realisasi %(code)s tahun %(year)s diisi dari LKE: %(v)s.")
                    % {"code": indicator.code, "year": year, "v": taken.text},
                )
            else:
                messages.info(
                    request,
                    _("Realisasi %(code)s sudah sama dengan hasil LKE (%(v)s).")
                    % {"code": indicator.code, "v": taken.text},
                )
    return _page(request, "evaluation-summary", office, year)


# ----------------------------------------------------------------------------- recommendations: recommendation_views.py


# ----------------------------------------------------------------------------- files


def _file_response(file: Any, name: str) -> HttpResponse:
    if not file:
        raise Http404(_("Berkas bukti tidak tersimpan di Sakip"))
    with file.open("rb") as f:  # at most SAKIP_EVIDENCE_MAX_BYTES
        content = f.read()
    response = HttpResponse(content, content_type=evidence_content_type(name))
    response["Content-Disposition"] = content_disposition_header(True, name) or "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@office_view("view")
def evaluation_evidence(
    request: HttpRequest, year: int, pk: int, office: Office, membership: Membership | None
) -> HttpResponse:
    a = get_object_or_404(Answer, pk=pk, evaluation__office=office, evaluation__year=year)
    return _file_response(a.evidence_file, a.evidence_name or "bukti")


@office_view("view")
def evaluation_followup_evidence(
    request: HttpRequest, year: int, pk: int, office: Office, membership: Membership | None
) -> HttpResponse:
    r = get_object_or_404(Recommendation, pk=pk, evaluation__office=office, evaluation__year=year)
    return _file_response(r.follow_up_file, r.follow_up_name or "bukti")


@office_view("view")
def evaluation_report(request: HttpRequest, year: int, office: Office, membership: Membership | None) -> HttpResponse:
    ev = _evaluation(office, year)
    if ev is None:
        raise Http404(_("Belum ada evaluasi untuk tahun ini."))
    try:
        content = evaluation_report_docx(ev)
    except EvaluationError as exc:
        messages.error(request, error_text(exc))
        return _page(request, "evaluation-summary", office, year)
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    name = f"LHE-SAKIP-{office.code}-{year}.docx"
    response["Content-Disposition"] = content_disposition_header(True, name) or "attachment"
    return response


# ----------------------------------------------------------------------------- the regency


@regency_view(Role.ADMIN, Role.VERIFIER)
def evaluation_regency(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Every office's evaluation of a year: status, both totals, the predicate."""
    text = request.GET.get("tahun", "")
    years = sorted(
        set(Evaluation.objects.filter(office__regency=membership.regency).values_list("year", flat=True)), reverse=True
    )
    chosen = int_param(text)
    year = chosen if chosen is not None and valid_year(chosen) else (years[0] if years else None)
    evaluations = (
        {
            e.office_id: e
            for e in Evaluation.objects.filter(office__regency=membership.regency, year=year).select_related("template")
        }
        if year
        else {}
    )
    rows = []
    for office in offices_for(membership):
        ev = evaluations.get(office.pk)
        row: dict[str, Any] = {"office": office, "evaluation": ev}
        if ev is not None:
            s = _scores(ev)
            if s is not None:
                row.update(
                    own=_node_text(s.own.total),
                    evaluator=_node_text(s.evaluator.total),
                    predicate=ev.final_predicate or s.evaluator.predicate or "—",
                )
        rows.append(row)
    return render(
        request,
        "evaluation/regency.html",
        {
            "membership": membership,
            "rows": rows,
            "year": year,
            "years": years,
        },
    )
