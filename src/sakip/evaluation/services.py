"""The evaluation's operations on the database; every rule is in `sakip.domain.evaluation`.

* `install_preset` — a preset file (``presets/*.yaml``) as a regency's template for a year;
* `copy_template` — a template copied to another year (then edited there);
* `start_evaluation` — an office's evaluation of a year, with the unfinished recommendations of
  the previous year's evaluation carried into it (`recommendations.carry`);
* `scores` — both scores (self, evaluator) and the side-by-side comparison;
* `set_grade` — the evaluator's grade of a sub-component (88/2021 method), checked by
  `domain.lke_grading.decide_grade` before it is stored;
* `refresh_presets` — templates installed from an older copy of a preset rebuilt from the
  current one where no evaluation uses them (those in use keep their criteria and method);
* `submit` / `finish` / `reopen` — the status moves, each refused with a reason;
* `akip_candidates` / `take_akip_realisation` — the office indicator "Nilai/predikat AKIP"
  takes its year's realisation from a finished evaluation (refused for a locked period).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from sakip.accounts.models import Office, Regency
from sakip.core.i18n import error_text
from sakip.domain.errors import DomainError
from sakip.domain.evaluation import Comparison, EvaluationError, Framework, compare, framework_from_dict, score
from sakip.domain.lke_grading import GradeOverride, Method, computed_grade, decide_grade, method_of
from sakip.domain.numbers import round_half_up
from sakip.monitoring.models import IndicatorYear
from sakip.planning.models import Indicator

from . import preset_files, recommendations
from .models import (
    AnswerSet,
    Component,
    Criterion,
    Evaluation,
    GradeDecision,
    SubComponent,
    Template,
)


def preset_data(code: str) -> dict[str, Any]:
    try:
        return preset_files.preset_data(code)
    except EvaluationError as exc:
        raise ValidationError(_("Preset LKE tidak dapat dibaca: %(e)s") % {"e": error_text(exc)}) from None


PRESETS = preset_files.PRESETS
DEFAULT_PRESET = preset_files.DEFAULT_PRESET


def preset_framework(code: str) -> Framework:
    return framework_from_dict(preset_data(code), source=PRESETS.get(code, code))


def _store(regency: Regency, year: int, data: dict[str, Any], preset: str, copied_from: Template | None) -> Template:
    """Store validated data as a template (the caller validated it with `framework_from_dict`)."""
    t = Template.objects.create(
        regency=regency,
        code=data["code"],
        year=year,
        name=data["name"],
        regulation=data.get("regulation", ""),
        scale=data.get("scale") or "lke-akip",
        method=method_of(str(data.get("method") or "")).value,
        total=Decimal(str(data.get("total") or 100)),
        preset=preset,
        copied_from=copied_from,
    )
    sets = {
        code: AnswerSet.objects.create(template=t, code=code, name=s.get("name") or code, options=s["options"])
        for code, s in data["answer_sets"].items()
    }
    for i, c in enumerate(data["components"]):
        comp = Component.objects.create(
            template=t, code=c["code"], name=c["name"], weight=Decimal(str(c["weight"])), order=i
        )
        for j, s in enumerate(c["subcomponents"]):
            sub = SubComponent.objects.create(
                component=comp,
                code=s["code"],
                name=s.get("name") or s["kind"],
                kind=s["kind"],
                weight=Decimal(str(s["weight"])),
                order=j,
            )
            Criterion.objects.bulk_create(
                [
                    Criterion(
                        subcomponent=sub,
                        code=k["code"],
                        text=k["text"],
                        guidance=k.get("guidance") or "",
                        answer_set=sets[k["answers"]],
                        weight=Decimal(str(k.get("weight") or 1)),
                        order=n,
                    )
                    for n, k in enumerate(s["criteria"])
                ]
            )
    return t


def _refuse(exc: EvaluationError) -> ValidationError:
    return ValidationError(
        _("Struktur LKE tidak valid, tidak ada yang disimpan: %(errors)s") % {"errors": error_text(exc)}
    )


def install_preset(regency: Regency, year: int, code: str = DEFAULT_PRESET) -> Template:
    """The preset as the regency's template for ``year`` (the existing one if already installed)."""
    existing = Template.objects.filter(regency=regency, code=code, year=year).first()
    if existing is not None:
        return existing
    data = preset_data(code)
    try:
        framework_from_dict(data, source=PRESETS[code])
    except EvaluationError as exc:
        raise _refuse(exc) from None
    with transaction.atomic():
        return _store(regency, year, data, code, None)


def copy_template(template: Template, year: int) -> Template:
    """A copy of ``template`` for ``year`` (refused if that year already has a template with this code)."""
    if Template.objects.filter(regency=template.regency, code=template.code, year=year).exists():
        raise ValidationError(_("LKE %(code)s tahun %(year)s sudah ada.") % {"code": template.code, "year": year})
    data = template.as_data()
    try:
        framework_from_dict(data, source=f"{template.code} {template.year}")
    except EvaluationError as exc:
        raise _refuse(exc) from None
    with transaction.atomic():
        return _store(template.regency, year, data, template.preset, template)


def templates_for(regency: Regency, year: int) -> list[Template]:
    """The templates an evaluation of ``year`` may use: the year's own, else the latest earlier ones."""
    own = list(Template.objects.filter(regency=regency, year=year))
    if own:
        return own
    return list(Template.objects.filter(regency=regency, year__lt=year).order_by("-year", "code")[:5])


def start_evaluation(office: Office, year: int, template: Template) -> Evaluation:
    """The office's evaluation of ``year``; the previous year's unfinished recommendations carried in."""
    if template.regency_id != office.regency_id:
        raise ValidationError(_("LKE ini milik pemda lain."))
    try:
        template.framework()
    except EvaluationError as exc:
        raise _refuse(exc) from None
    with transaction.atomic():
        ev, created = Evaluation.objects.get_or_create(office=office, year=year, defaults={"template": template})
        if created:
            recommendations.carry(ev)
    return ev


# ----------------------------------------------------------------------------- scores


@dataclass(frozen=True)
class Scores:
    framework: Framework
    comparison: Comparison

    @property
    def own(self) -> Any:
        return self.comparison.own

    @property
    def evaluator(self) -> Any:
        return self.comparison.evaluator


def answers_of(ev: Evaluation) -> tuple[dict[str, str | None], dict[str, str | None]]:
    own: dict[str, str | None] = {}
    evaluator: dict[str, str | None] = {}
    for a in ev.answers.select_related("criterion"):
        own[a.criterion.code] = a.self_value or None
        evaluator[a.criterion.code] = a.evaluator_value or None
    return own, evaluator


def grades_of(ev: Evaluation) -> dict[str, GradeOverride]:
    """The evaluator's sub-component decisions (88/2021 method), by sub-component code."""
    return {
        d.subcomponent.code: GradeOverride(d.grade, d.qualifier, d.note)
        for d in ev.grade_decisions.select_related("subcomponent")
    }


def scores(ev: Evaluation) -> Scores:
    """Both rollups and the comparison (`EvaluationError` if the template or a stored answer is invalid)."""
    fw = ev.template.framework()
    own, evaluator = answers_of(ev)
    return Scores(fw, compare(fw, own, evaluator, None, grades_of(ev) if fw.graded else None))


def set_grade(ev: Evaluation, sub: SubComponent, grade: str, qualifier: str, note: str, user: Any) -> None:
    """Store (or clear, with an empty grade) the evaluator's grade of ``sub``; refused with the rule's reason.

    The computed grade is the evaluator's criteria answers' (every criterion of the
    sub-component must be answered by the evaluator first).
    """
    if ev.status != Evaluation.Status.EVALUATION:
        raise ValidationError(_("Nilai subkomponen hanya dapat diubah selama evaluasi oleh evaluator."))
    if sub.component.template_id != ev.template_id:
        raise ValidationError(_("Subkomponen ini bukan bagian dari LKE evaluasi ini."))
    if ev.template.method != Method.GRADED_88_2021:
        raise ValidationError(_("Nilai subkomponen hanya untuk metode penilaian PermenPAN-RB 88/2021."))
    if not grade.strip():
        GradeDecision.objects.filter(evaluation=ev, subcomponent=sub).delete()
        return
    fw = ev.template.framework()
    _own, evaluator = answers_of(ev)
    node = next(n for c in score(fw, evaluator).components for n in c.children if n.code == sub.code)
    if not node.complete or node.fulfilled is None:
        raise ValidationError(
            _("Subkomponen %(code)s: jawab dahulu seluruh kriterianya (%(n)d belum dinilai).")
            % {"code": sub.code, "n": node.criteria_count - node.answered}
        )
    possible = sum((c.criterion.weight for c in node.criteria), Decimal(0))
    try:
        decision = decide_grade(
            sub.code, sub.kind, computed_grade(node.fulfilled, possible), GradeOverride(grade, qualifier, note)
        )
    except DomainError as exc:
        raise ValidationError(error_text(exc)) from None
    GradeDecision.objects.update_or_create(
        evaluation=ev,
        subcomponent=sub,
        defaults={
            "grade": decision.grade,
            "qualifier": decision.qualifier,
            "note": decision.note,
            "decided_by": user,
        },
    )


@dataclass(frozen=True)
class Refreshed:
    rebuilt: list[Template]
    kept: list[Template]  # in use by an evaluation: unchanged, with the method they were scored with


def refresh_presets(regency: Regency | None = None) -> Refreshed:
    """Rebuild templates whose preset's current copy differs (criteria or method), unless an evaluation uses them.

    A template already used by an evaluation is never touched: its evaluations keep their
    criteria, answers and scoring method (the legacy average for templates made before the
    method was data), so last year's result stays comparable.
    """
    rebuilt: list[Template] = []
    kept: list[Template] = []
    qs = Template.objects.filter(preset__in=list(PRESETS)).select_related("regency").order_by("regency_id", "year")
    if regency is not None:
        qs = qs.filter(regency=regency)
    for t in qs:
        data = preset_data(t.preset)
        if data["code"] != t.code:
            continue
        current = t.as_data()
        if _same_structure(current, data):
            continue
        if t.evaluations.exists() or t.copies.exists():
            kept.append(t)
            continue
        try:
            framework_from_dict(data, source=PRESETS[t.preset])
        except EvaluationError as exc:
            raise _refuse(exc) from None
        with transaction.atomic():
            regency_, year, preset = t.regency, t.year, t.preset
            # criteria first: they protect their answer sets, which go with the template
            Criterion.objects.filter(subcomponent__component__template=t).delete()
            t.delete()
            rebuilt.append(_store(regency_, year, data, preset, None))
    return Refreshed(rebuilt, kept)


def _same_structure(stored: dict[str, Any], preset: dict[str, Any]) -> bool:
    """Same method and the same criteria (codes, texts, answer sets) in the same sub-components and weights."""

    def shape(d: dict[str, Any]) -> tuple[Any, ...]:
        return (
            str(d.get("method") or ""),
            tuple(
                (
                    str(c["code"]),
                    Decimal(str(c["weight"])),
                    tuple(
                        (
                            str(s["code"]),
                            str(s.get("name") or ""),
                            Decimal(str(s["weight"])),
                            tuple((str(k["code"]), str(k["text"]), str(k["answers"])) for k in s["criteria"]),
                        )
                        for s in c["subcomponents"]
                    ),
                )
                for c in d["components"]
            ),
        )

    return shape(stored) == shape(preset)


def submit(ev: Evaluation, user: Any) -> None:
    if ev.status != Evaluation.Status.SELF:
        raise ValidationError(_("Penilaian mandiri sudah dikirim."))
    s = scores(ev)
    if not s.own.total.complete:
        missing = s.own.total.criteria_count - s.own.total.answered
        raise ValidationError(_("Penilaian mandiri belum lengkap: %(n)d kriteria belum dijawab.") % {"n": missing})
    with transaction.atomic():
        ev.status = Evaluation.Status.EVALUATION
        ev.submitted_by = user
        ev.submitted_at = timezone.now()
        ev.save(update_fields=["status", "submitted_by", "submitted_at"])
        # recommendations added to the previous year's evaluation after this one was started
        recommendations.carry(ev)


def finish(ev: Evaluation, user: Any) -> None:
    if ev.status != Evaluation.Status.EVALUATION:
        raise ValidationError(_("Evaluasi hanya dapat diselesaikan setelah penilaian mandiri dikirim."))
    s = scores(ev)
    total = s.evaluator.total
    if total.value is None:
        raise ValidationError(
            _("Penilaian evaluator belum lengkap: %(n)d kriteria belum dinilai.")
            % {"n": total.criteria_count - total.answered}
        )
    ev.status = Evaluation.Status.FINISHED
    ev.finished_by = user
    ev.finished_at = timezone.now()
    ev.final_score = round_half_up(total.value, 2)
    ev.final_predicate = s.evaluator.predicate or ""
    ev.save(update_fields=["status", "finished_by", "finished_at", "final_score", "final_predicate"])


def reopen(ev: Evaluation) -> None:
    """A finished evaluation back to the evaluator (the final result is cleared)."""
    if ev.status != Evaluation.Status.FINISHED:
        raise ValidationError(_("Evaluasi belum selesai."))
    ev.status = Evaluation.Status.EVALUATION
    ev.final_score = None
    ev.final_predicate = ""
    ev.save(update_fields=["status", "final_score", "final_predicate"])


# ----------------------------------------------------------------------------- the AKIP indicator

_AKIP_NAME = re.compile(r"\bS?AKIP\b", re.IGNORECASE)


def akip_candidates(office: Office) -> list[Indicator]:
    """The office's indicators that report the AKIP result: ordinal scale AKIP, or named "… AKIP …"."""
    qs = (
        Indicator.objects.filter(plan__office=office)
        .filter(Q(ordinal_scale="akip") | Q(name__icontains="akip"))
        .select_related("plan")
        .order_by("-plan__start_year", "order", "id")
    )
    return [i for i in qs if i.ordinal_scale == "akip" or _AKIP_NAME.search(i.name)]


@dataclass(frozen=True)
class Taken:
    indicator: Indicator
    year: int
    text: str  # what was written, for the message
    changed: bool


def take_akip_realisation(ev: Evaluation, indicator: Indicator) -> Taken:
    """Write the finished evaluation's result as the indicator's realisation of the evaluation's year.

    A qualitative indicator (ordinal scale AKIP) takes the predicate; a numeric one the score
    (rounded half up to two decimals, as published). Refused unless finished, for an indicator
    that is not an AKIP indicator of this office, and for a locked period (`PeriodLocked`).
    """
    from sakip.workflow.services import ensure_editable

    if ev.status != Evaluation.Status.FINISHED or ev.final_score is None:
        raise ValidationError(_("Evaluasi belum selesai: belum ada nilai dan predikat untuk diambil."))
    if indicator.pk not in {i.pk for i in akip_candidates(ev.office)}:
        raise ValidationError(
            _("Indikator %(code)s bukan indikator nilai/predikat AKIP perangkat daerah ini.") % {"code": indicator.code}
        )
    plan = indicator.plan
    if not plan.start_year <= ev.year <= plan.end_year:
        raise ValidationError(
            _("Tahun %(year)s di luar periode rencana indikator %(code)s (%(start)s–%(end)s).")
            % {"year": ev.year, "code": indicator.code, "start": plan.start_year, "end": plan.end_year}
        )
    ensure_editable(ev.office, ev.year, "quarter", 4)  # the year-end realisation: TW IV and the annual report
    with transaction.atomic():
        iy, _created = IndicatorYear.objects.select_for_update().get_or_create(indicator=indicator, year=ev.year)
        if indicator.ordinal_scale == "akip":
            text = ev.final_predicate
            changed = iy.annual_grade != text
            if changed:
                iy.annual_grade = text
                iy.save()
        else:
            value = ev.final_score
            text = str(value)
            changed = iy.annual_value != value
            if changed:
                iy.annual_value = value
                iy.save()
    return Taken(indicator, ev.year, text, changed)
