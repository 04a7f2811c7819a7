"""Offices with scored LKE evaluations of two years (the regency view's fixture, issue #15).

Each office's criteria are fulfilled with its own probability (a seeded random draw per office
and year), so the offices spread over the grades; the evaluator's answers are stored as answer
rows, the evaluation moved to the evaluator's stage or finished.
"""

from __future__ import annotations

import random

from sakip.accounts.models import Office, Regency
from sakip.evaluation import services
from sakip.evaluation.models import Answer, Criterion, Evaluation, GradeDecision

PRESET = "permenpanrb-88-2021"


def scored_evaluation(
    office: Office, year: int, fulfil: float, *, seed: int = 0, status: str = Evaluation.Status.EVALUATION
) -> Evaluation:
    """The office's evaluation of ``year``, every criterion answered by the office and the evaluator."""
    template = services.install_preset(office.regency, year, PRESET)
    ev = services.start_evaluation(office, year, template)
    rng = random.Random(f"{office.code}-{year}-{seed}")
    criteria = Criterion.objects.filter(subcomponent__component__template=template).order_by("id")
    Answer.objects.filter(evaluation=ev).delete()
    Answer.objects.bulk_create(
        [
            Answer(
                evaluation=ev,
                criterion=c,
                self_value="Y",
                evaluator_value="Y" if rng.random() < fulfil else "T",
            )
            for c in criteria
        ]
    )
    Evaluation.objects.filter(pk=ev.pk).update(status=status)
    ev.refresh_from_db()
    return ev


def all_met(office: Office, year: int, sub_code: str) -> None:
    """Every criterion of one sub-component fulfilled (BB), for a qualifier to lift it to A."""
    Answer.objects.filter(
        evaluation__office=office, evaluation__year=year, criterion__subcomponent__code=sub_code
    ).update(evaluator_value="Y")


def make_offices(regency: Regency, n: int, prefix: str = "opd") -> list[Office]:
    return [
        Office.objects.create(regency=regency, code=f"{prefix}-{i:03d}", name=f"Dinas Uji {i:03d}") for i in range(n)
    ]


def grade_up(ev: Evaluation, sub_code: str, grade: str, qualifier: str, note: str) -> GradeDecision:
    sub = ev.template.components.get(subcomponents__code=sub_code).subcomponents.get(code=sub_code)
    services.set_grade(ev, sub, grade, qualifier, note, None)
    return GradeDecision.objects.get(evaluation=ev, subcomponent=sub)
