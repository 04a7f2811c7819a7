"""The LKE answer forms: the office's self-assessment and the evaluator's scoring, each criterion with the
answer Sakip proposes from its own data (`evidence`), confirmed in one click or overridden (SPEC §8, issue #15).

Split from `views.py` (the pages around them: summary, recommendations, report, the regency's list).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from sakip.accounts.access import can, office_view
from sakip.accounts.models import Membership, Office
from sakip.core.concurrency import Changed, Conflict, conflict_context, reapplied, retrying
from sakip.core.params import int_param
from sakip.core.web import evidence_errors, require
from sakip.domain.evaluation import Framework, Score

from . import concurrency, evidence, services
from .grading_views import GradeInfo, apply_posted_grades, grade_info
from .grading_views import context as grading_context
from .models import Answer, Evaluation, Template
from .views import MAX_NOTE, _context, _evaluation, _framework, _node_text, _num, _page, _scored, _switched

# ----------------------------------------------------------------------------- rows shown on the pages


@dataclass
class CriterionRow:
    answer: Answer
    options: list[tuple[str, str]]
    self_label: str = ""
    evaluator_label: str = ""
    error: str = ""
    typed: dict[str, str] = field(default_factory=dict)
    proposal: evidence.Shown | None = None  # the answer Sakip proposes, with its evidence
    self_status: str = ""  # the office's answer beside the proposal: confirmed, overridden (by whom)
    evaluator_status: str = ""

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


def _tree(
    ev: Evaluation,
    fw: Framework,
    own: Score | None,
    evaluator: Score | None,
    errors: dict[int, str] | None = None,
    typed: dict[int, dict[str, str]] | None = None,
) -> list[ComponentRow]:
    _ensure_answers(ev)
    by_code = {
        a.criterion.code: a
        for a in Answer.objects.filter(evaluation=ev).select_related("criterion", "self_by", "evaluator_by")
    }
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
                        evidence.view(a),
                        evidence.status_text(a, "self", labels),
                        evidence.status_text(a, "evaluator", labels),
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


# ----------------------------------------------------------------------------- the office's self-assessment


def _first_proposals(ev: Evaluation) -> None:
    """An evaluation started before proposals existed gets them when its page is first shown."""
    if ev.status != Evaluation.Status.FINISHED and not evidence.has_proposals(ev):
        _ensure_answers(ev)
        evidence.propose(ev)


def _refresh(request: HttpRequest, ev: Evaluation, page: str) -> HttpResponse | None:
    """ "Perbarui usulan Sakip": the proposals read again from the data (the answers untouched)."""
    if evidence.REFRESH not in request.POST:
        return None
    n = evidence.propose(ev)
    messages.success(request, _("Usulan Sakip diperbarui dari data terkini: %(n)d usulan berubah.") % {"n": n})
    return _page(request, page, ev.office, ev.year)


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


def _store_answers(ev: Evaluation, changes: dict[int, dict[str, Any]], user: Any = None) -> int:
    """Store the changes; the user who changed a side's value is kept with it (confirmed or overridden)."""
    n = 0
    who = user if getattr(user, "is_authenticated", False) else None
    for a in ev.answers.filter(pk__in=changes):
        change = dict(changes[a.pk])
        upload = change.pop("file", None)
        dirty = [k for k, v in change.items() if getattr(a, k) != v]
        for k in dirty:
            setattr(a, k, change[k])
        for value, by in (("self_value", "self_by"), ("evaluator_value", "evaluator_by")):
            if value in dirty:
                setattr(a, by, who if getattr(a, value) else None)
                dirty.append(by)
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
            if (refreshed := _refresh(request, ev, "evaluation-office")) is not None:
                return refreshed
            request.POST = evidence.confirmed_post(reapplied(request.POST), ev, "self")  # type: ignore[assignment]

            def attempt() -> tuple[int | None, list[Conflict], dict[int, str], dict[int, dict[str, str]]]:
                changes, errs, typed_now = _read_answers(request, ev, fw, "self")
                if errs:
                    return None, [], errs, typed_now
                found_now, read = concurrency.answer_conflicts(ev, typed_now, "self")
                if found_now:
                    return None, found_now, errs, typed_now
                n = concurrency.save_answers(
                    office, ev, Evaluation.Status.SELF, changes, read, lambda: _store_answers(ev, changes, request.user)
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
    _first_proposals(ev)
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
            has_proposals=evidence.has_proposals(ev),
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
        ev = services.start_evaluation(office, year, template)
        _ensure_answers(ev)
        evidence.propose(ev)
    except ValidationError as exc:
        return " ".join(exc.messages)
    return ""


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
        if (refreshed := _refresh(request, ev, "evaluation-score")) is not None:
            return refreshed
        request.POST = evidence.confirmed_post(reapplied(request.POST), ev, "evaluator")  # type: ignore[assignment]
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
                n = _store_answers(ev, changes, request.user)
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
    _first_proposals(ev)
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
            has_proposals=evidence.has_proposals(ev),
        ),
        status=409 if found else 200,
    )
