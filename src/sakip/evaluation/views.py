"""LKE pages: the office's self-assessment, the evaluator's scoring, the side-by-side summary,
recommendations with their follow-up, the .docx report, and the regency's list (SPEC §8)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from sakip.accounts.access import can, office_view, offices_for, regency_view
from sakip.accounts.models import Membership, Office, Role
from sakip.core.concurrency import Changed, Conflict, conflict_context, lock_office, reapplied, retrying
from sakip.core.i18n import error_text
from sakip.core.params import int_param
from sakip.core.web import (
    default_year,
    evidence_content_type,
    evidence_errors,
    page_context,
    require,
    valid_year,
    year_choices,
    year_switch,
)
from sakip.domain.evaluation import EvaluationError, Framework, Score
from sakip.domain.numbers import format_number
from sakip.planning.models import Indicator

from . import concurrency, recommendations, services
from .grading_views import GradeInfo, apply_posted_grades, grade_info
from .grading_views import context as grading_context
from .models import Answer, Evaluation, Recommendation, Template
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


# ----------------------------------------------------------------------------- rows shown on the pages


@dataclass
class CriterionRow:
    answer: Answer
    options: list[tuple[str, str]]
    self_label: str = ""
    evaluator_label: str = ""
    error: str = ""
    typed: dict[str, str] = field(default_factory=dict)

    @property
    def version(self) -> str:
        """The version the form carries: the one it was loaded with while the user fixes errors."""
        return self.typed.get("ver") or concurrency.row_token(self.answer)


@dataclass
class SubRow:
    code: str
    name: str
    kind: str
    weight: str
    own: str
    evaluator: str
    criteria: list[CriterionRow]
    grade: GradeInfo | None = None  # the 88/2021 method: share fulfilled and grades


@dataclass
class ComponentRow:
    code: str
    name: str
    weight: str
    own: str
    evaluator: str
    subs: list[SubRow]


def _ensure_answers(ev: Evaluation) -> dict[int, Answer]:
    """One Answer row per criterion of the evaluation's template (created empty on first view)."""
    from .models import Criterion

    existing = {a.criterion_id: a for a in ev.answers.all()}
    missing = Criterion.objects.filter(subcomponent__component__template=ev.template).exclude(pk__in=existing)
    if missing.exists():
        Answer.objects.bulk_create([Answer(evaluation=ev, criterion=c) for c in missing], ignore_conflicts=True)
        existing = {a.criterion_id: a for a in ev.answers.all()}
    return existing


def _node_text(node: Any) -> str:
    """A node's points: the score, or the provisional one marked with "*" while answers are missing."""
    if node.value is not None:
        return format_number(node.value, 2)
    if node.answered == 0:
        return "—"
    return format_number(node.provisional, 2) + "*"


def _tree(
    ev: Evaluation,
    fw: Framework,
    own: Score | None,
    evaluator: Score | None,
    errors: dict[int, str] | None = None,
    typed: dict[int, dict[str, str]] | None = None,
) -> list[ComponentRow]:
    _ensure_answers(ev)
    by_code = {a.criterion.code: a for a in Answer.objects.filter(evaluation=ev).select_related("criterion")}
    rows: list[ComponentRow] = []
    for ci, comp in enumerate(fw.components):
        subs: list[SubRow] = []
        for si, sub in enumerate(comp.subcomponents):
            crit_rows: list[CriterionRow] = []
            for crit in sub.criteria:
                a = by_code[crit.code]
                options = [(o.code, o.label) for o in crit.answers.options]
                labels = dict(options)
                crit_rows.append(
                    CriterionRow(
                        a,
                        options,
                        labels.get(a.self_value, a.self_value),
                        labels.get(a.evaluator_value, a.evaluator_value),
                        (errors or {}).get(a.pk, ""),
                        (typed or {}).get(a.pk, {}),
                    )
                )
            own_node = own.components[ci].children[si] if own else None
            ev_node = evaluator.components[ci].children[si] if evaluator else None
            subs.append(
                SubRow(
                    sub.code,
                    sub.name,
                    sub.kind.value,
                    _num(sub.weight),
                    _node_text(own_node) if own_node else "—",
                    _node_text(ev_node) if ev_node else "—",
                    crit_rows,
                    grade_info(sub.code, own_node, ev_node),
                )
            )
        rows.append(
            ComponentRow(
                comp.code,
                comp.name,
                _num(comp.weight),
                _node_text(own.components[ci]) if own else "—",
                _node_text(evaluator.components[ci]) if evaluator else "—",
                subs,
            )
        )
    return rows


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


# ----------------------------------------------------------------------------- the office's self-assessment


def _read_answers(
    request: HttpRequest, ev: Evaluation, fw: Framework, role: str
) -> tuple[dict[int, dict[str, Any]], dict[int, str], dict[int, dict[str, str]]]:
    """The posted answers (``role`` "self" or "evaluator"), validated; nothing is stored here."""
    changes: dict[int, dict[str, Any]] = {}
    errors: dict[int, str] = {}
    typed: dict[int, dict[str, str]] = {}
    answers = {a.criterion.code: a for a in ev.answers.select_related("criterion")}
    url_ok = URLValidator(schemes=["http", "https"])
    for _c, _s, crit in fw.criteria():
        a = answers.get(crit.code)
        if a is None:
            continue
        prefix = f"c{a.pk}"
        if f"{prefix}-value" not in request.POST and f"{prefix}-file" not in request.FILES:
            continue
        value = request.POST.get(f"{prefix}-value", "").strip().upper()
        note = request.POST.get(f"{prefix}-note", "").strip()
        typed[a.pk] = {"value": value, "note": note}
        if f"{prefix}-ver" in request.POST:
            typed[a.pk]["ver"] = request.POST.get(f"{prefix}-ver", "")
        problems: list[str] = []
        if value and crit.answers.option(value) is None:
            problems.append(
                _("jawaban %(v)s bukan pilihan (%(opts)s)") % {"v": value, "opts": ", ".join(crit.answers.codes)}
            )
        if len(note) > MAX_NOTE:
            problems.append(_("catatan lebih dari %(n)d karakter") % {"n": MAX_NOTE})
        change: dict[str, Any] = {}
        if role == "self":
            link = request.POST.get(f"{prefix}-link", "").strip()
            typed[a.pk]["link"] = link
            if link:
                try:
                    url_ok(link)
                except ValidationError:
                    problems.append(_("tautan bukti harus alamat http(s) yang lengkap"))
            upload = request.FILES.get(f"{prefix}-file")
            if upload is not None:
                problems.extend(evidence_errors(upload))
                change["file"] = upload
            change.update(self_value=value, self_note=note, evidence_link=link)
        else:
            change.update(evaluator_value=value, evaluator_note=note)
        if problems:
            errors[a.pk] = f"{crit.code}: " + "; ".join(problems)
        else:
            changes[a.pk] = change
    return changes, errors, typed


def _store_answers(ev: Evaluation, changes: dict[int, dict[str, Any]]) -> int:
    n = 0
    for a in ev.answers.filter(pk__in=changes):
        change = dict(changes[a.pk])
        upload = change.pop("file", None)
        dirty = [k for k, v in change.items() if getattr(a, k) != v]
        for k in dirty:
            setattr(a, k, change[k])
        if upload is not None:
            a.evidence_file.save(upload.name or "bukti", upload, save=False)
            a.evidence_name = (upload.name or "bukti")[:255]
            dirty += ["evidence_file", "evidence_name"]
        if dirty:
            a.save(update_fields=[*dirty, "updated_at"])
            n += 1
    return n


@office_view("view")
def evaluation_office(request: HttpRequest, year: int, office: Office, membership: Membership | None) -> HttpResponse:
    """The office's self-assessment (enter), or the start of the year's evaluation."""
    if (switched := _switched(request, "evaluation-office", office, year)) is not None:
        return switched
    ev = _evaluation(office, year)
    errors: dict[int, str] = {}
    typed: dict[int, dict[str, str]] = {}
    found: list[Conflict] = []
    start_error = ""
    if request.method == "POST":
        require(membership, office, "enter")
        if ev is None:
            start_error = _start(request, office, year)
            if not start_error:
                messages.success(request, _("Evaluasi SAKIP %(year)s dimulai.") % {"year": year})
                return _page(request, "evaluation-office", office, year)
        elif ev.status != Evaluation.Status.SELF:
            messages.error(request, _("Penilaian mandiri sudah dikirim ke evaluator; tidak ada yang diubah."))
            return _page(request, "evaluation-office", office, year)
        else:
            fw = _framework(request, ev)
            if fw is None:
                return _page(request, "evaluation-office", office, year)
            _ensure_answers(ev)
            request.POST = reapplied(request.POST)  # type: ignore[assignment]

            def attempt() -> tuple[int | None, list[Conflict], dict[int, str], dict[int, dict[str, str]]]:
                changes, errs, typed_now = _read_answers(request, ev, fw, "self")
                if errs:
                    return None, [], errs, typed_now
                found_now, read = concurrency.answer_conflicts(ev, typed_now, "self")
                if found_now:
                    return None, found_now, errs, typed_now
                n = concurrency.save_answers(
                    office, ev, Evaluation.Status.SELF, changes, read, lambda: _store_answers(ev, changes)
                )
                return n, [], errs, typed_now

            try:
                n, found, errors, typed = retrying(attempt)
            except Changed:
                n, found, errors, typed = None, [], {0: _("Jawaban sedang diubah orang lain; coba simpan lagi.")}, {}
            except ValidationError as exc:
                n, found, errors, typed = None, [], {0: " ".join(exc.messages)}, {}
            if n is not None:
                messages.success(request, _("%(n)d jawaban tersimpan.") % {"n": n})
                return _page(request, "evaluation-office", office, year)
            if not found:
                messages.error(request, _("Tidak ada yang disimpan: perbaiki kesalahan di bawah."))
    if ev is None:
        templates = services.templates_for(office.regency, year)
        return render(
            request,
            "evaluation/start.html",
            _context(
                request,
                office,
                membership,
                year,
                None,
                templates=templates,
                presets=list(services.PRESETS),
                start_error=start_error,
            ),
        )
    s, problem = _scored(ev)
    rows = (
        _tree(ev, s.framework, s.own, s.evaluator if ev.status == Evaluation.Status.FINISHED else None, errors, typed)
        if s
        else []
    )
    return render(
        request,
        "evaluation/self.html",
        _context(
            request,
            office,
            membership,
            year,
            ev,
            rows=rows,
            scores=s,
            problem=problem,
            editable=ev.status == Evaluation.Status.SELF and can(membership, office, "enter"),
            show_evaluator=ev.status == Evaluation.Status.FINISHED,
            own_total=_node_text(s.own.total) if s else "—",
            errors=list(errors.values()),
            conflict_form=True,
            **conflict_context(found),
            **grading_context(),
        ),
        status=409 if found else 200,
    )


def _start(request: HttpRequest, office: Office, year: int) -> str:
    choice = request.POST.get("template", "").strip()
    try:
        if choice.startswith("preset:"):
            template = services.install_preset(office.regency, year, choice.removeprefix("preset:"))
        elif (template_id := int_param(choice)) is not None:
            t = Template.objects.filter(pk=template_id, regency=office.regency).first()
            if t is None:
                return _("LKE yang dipilih tidak dikenal.")
            template = (
                t
                if t.year == year
                else (
                    Template.objects.filter(regency=office.regency, code=t.code, year=year).first()
                    or services.copy_template(t, year)
                )
            )
        else:
            return _("Pilih LKE yang digunakan.")
        services.start_evaluation(office, year, template)
    except ValidationError as exc:
        return " ".join(exc.messages)
    return ""


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


# ----------------------------------------------------------------------------- the evaluator


@office_view("evaluate")
def evaluation_score(request: HttpRequest, year: int, office: Office, membership: Membership | None) -> HttpResponse:
    """The evaluator's scores and notes beside the office's answers and evidence."""
    if (switched := _switched(request, "evaluation-score", office, year)) is not None:
        return switched
    ev = _evaluation(office, year)
    if ev is None:
        return render(request, "evaluation/score.html", _context(request, office, membership, year, None))
    errors: dict[int, str] = {}
    typed: dict[int, dict[str, str]] = {}
    found: list[Conflict] = []
    summary_text = summary_loaded = None
    if request.method == "POST":
        if ev.status != Evaluation.Status.EVALUATION:
            messages.error(
                request,
                _(
                    "Nilai evaluator hanya dapat diisi setelah penilaian mandiri dikirim dan "
                    "sebelum evaluasi selesai; tidak ada yang diubah."
                ),
            )
            return _page(request, "evaluation-score", office, year)
        fw = _framework(request, ev)
        if fw is None:
            return _page(request, "evaluation-score", office, year)
        _ensure_answers(ev)
        request.POST = reapplied(request.POST)  # type: ignore[assignment]
        summary = request.POST.get("summary")

        def attempt() -> tuple[int | None, list[Conflict], dict[int, str], dict[int, dict[str, str]]]:
            changes, errs, typed_now = _read_answers(request, ev, fw, "evaluator")
            if summary is not None and len(summary) > 4 * MAX_NOTE:
                errs[0] = _("simpulan terlalu panjang")
            if errs:
                return None, [], errs, typed_now
            found_now, read = concurrency.answer_conflicts(ev, typed_now, "evaluator")
            summary_clash = concurrency.summary_conflict(ev, request.POST)
            if found_now or summary_clash:
                return None, found_now + ([summary_clash] if summary_clash else []), errs, typed_now
            read_summary = Evaluation.objects.filter(pk=ev.pk).values_list("summary", flat=True).get()

            def store() -> int:
                n = _store_answers(ev, changes)
                stored = Evaluation.objects.filter(pk=ev.pk).values_list("summary", flat=True).get()
                if stored != read_summary:  # saved by another evaluator since this save's check: read again
                    raise Changed("summary")
                if summary is not None and summary.strip() != stored:
                    ev.summary = summary.strip()
                    ev.save(update_fields=["summary"])
                return n

            return (
                concurrency.save_answers(office, ev, Evaluation.Status.EVALUATION, changes, read, store),
                [],
                errs,
                typed_now,
            )

        try:
            n, found, errors, typed = retrying(attempt)
        except Changed:
            n, found, errors, typed = None, [], {0: _("Nilai sedang diubah orang lain; coba simpan lagi.")}, {}
        except ValidationError as exc:
            n, found, errors, typed = None, [], {0: " ".join(exc.messages)}, {}
        ev.refresh_from_db()
        if summary is not None and not any(c.name == "summary" for c in found):
            summary_text = summary.strip()  # what was typed, kept while the user fixes the errors
            if not found:  # the version it was typed over, unless the conflicts were just checked against now
                summary_loaded = request.POST.get(concurrency.SUMMARY_LOADED, ev.summary)
        if n is not None:
            ev.refresh_from_db()
            graded, refused = apply_posted_grades(request, ev)
            messages.success(request, _("%(n)d nilai tersimpan.") % {"n": n + graded})
            if refused:
                messages.error(
                    request,
                    _("Nilai subkomponen tidak disimpan: %(errors)s") % {"errors": " ".join(refused)},
                )
            return _page(request, "evaluation-score", office, year)
        if not found:
            messages.error(request, _("Tidak ada yang disimpan: perbaiki kesalahan di bawah."))
    s, problem = _scored(ev)
    rows = _tree(ev, s.framework, s.own, s.evaluator, errors, typed) if s else []
    return render(
        request,
        "evaluation/score.html",
        _context(
            request,
            office,
            membership,
            year,
            ev,
            rows=rows,
            scores=s,
            problem=problem,
            editable=ev.status == Evaluation.Status.EVALUATION,
            own_total=_node_text(s.own.total) if s else "—",
            evaluator_total=_node_text(s.evaluator.total) if s else "—",
            summary_text=ev.summary if summary_text is None else summary_text,
            summary_loaded=ev.summary if summary_loaded is None else summary_loaded,
            summary_loaded_name=concurrency.SUMMARY_LOADED,
            errors=list(errors.values()),
            conflict_form=True,
            **conflict_context(found),
            **grading_context(),
        ),
        status=409 if found else 200,
    )


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
