"""The 88/2021 method on the LKE pages: each sub-component's share, grades and the evaluator's grade form.

`grade_info` gives the display of a sub-component (criteria fulfilled, share, the grade of
the self-assessment and of the evaluator, the computed grade, the evaluator's qualifier and
note); `apply_posted_grades` stores the evaluator's grade decisions posted with the score
form (``g<code>-grade``, ``g<code>-qualifier``, ``g<code>-note``), each checked by
`services.set_grade` (the domain's `decide_grade`), all or none.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest

from sakip.domain.evaluation import NodeScore
from sakip.domain.lke_grading import GRADES
from sakip.domain.numbers import format_number

from . import services
from .models import QUALIFIER_CHOICES, Evaluation, GradeDecision, SubComponent


@dataclass
class GradeInfo:
    field: str  # the form fields' prefix
    criteria: int
    own_fulfilled: str
    own_share: str
    own_grade: str
    evaluator_fulfilled: str
    evaluator_share: str
    evaluator_grade: str
    computed_grade: str  # the evaluator's criteria's grade
    qualifier: str
    qualifier_label: str
    note: str
    decided: str = ""  # the evaluator's grade where it differs from the computed one


def field_name(code: str) -> str:
    return "g" + code.replace(".", "_")


def _count(node: NodeScore | None) -> str:
    return "—" if node is None or node.fulfilled is None else format_number(node.fulfilled, 0)


def _share(node: NodeScore | None) -> str:
    share = None if node is None else node.share
    return "—" if share is None else format_number(share, 1) + " %"


def _grade(node: NodeScore | None) -> str:
    if node is None:
        return "—"
    if node.grade is not None:
        return node.grade
    return f"{node.computed_grade}*" if node.computed_grade else "—"  # provisional while unanswered


def grade_info(code: str, own: NodeScore | None, evaluator: NodeScore | None) -> GradeInfo | None:
    """The display of a graded sub-component; None under the legacy method."""
    node = evaluator or own
    if node is None or node.computed_grade is None:
        return None
    labels = dict(QUALIFIER_CHOICES)
    qualifier = evaluator.qualifier if evaluator else ""
    return GradeInfo(
        field_name(code),
        node.criteria_count,
        _count(own),
        _share(own),
        _grade(own),
        _count(evaluator),
        _share(evaluator),
        _grade(evaluator),
        (evaluator.computed_grade or "") if evaluator else "",
        qualifier,
        str(labels.get(qualifier, "")),
        evaluator.grade_note if evaluator else "",
        evaluator.grade if evaluator and evaluator.grade and evaluator.grade != evaluator.computed_grade else "",
    )


GRADE_OPTIONS = GRADES
QUALIFIER_OPTIONS = QUALIFIER_CHOICES


def apply_posted_grades(request: HttpRequest, ev: Evaluation) -> tuple[int, list[str]]:
    """Store the posted grade decisions that changed; (how many stored, the refusals). All or none."""
    if ev.template.method != "graded-88-2021":
        return 0, []
    stored = {d.subcomponent_id: d for d in GradeDecision.objects.filter(evaluation=ev)}
    subs = SubComponent.objects.filter(component__template=ev.template).select_related("component")
    wanted: list[tuple[SubComponent, str, str, str]] = []
    for sub in subs:
        prefix = field_name(sub.code)
        if f"{prefix}-grade" not in request.POST:
            continue
        grade = request.POST.get(f"{prefix}-grade", "").strip()
        qualifier = request.POST.get(f"{prefix}-qualifier", "").strip()
        note = request.POST.get(f"{prefix}-note", "").strip()
        old = stored.get(sub.pk)
        before = (old.grade, old.qualifier, old.note) if old else ("", "", "")
        if (grade, qualifier, note) != before and (grade or old):
            wanted.append((sub, grade, qualifier, note))
    errors: list[str] = []
    try:
        with transaction.atomic():
            for sub, grade, qualifier, note in wanted:
                try:
                    services.set_grade(ev, sub, grade, qualifier, note, request.user)
                except ValidationError as exc:
                    errors.extend(exc.messages)
            if errors:
                raise _Refused
    except _Refused:
        return 0, errors
    return len(wanted), []


class _Refused(Exception):
    pass


def context() -> dict[str, Any]:
    return {"grade_options": GRADE_OPTIONS, "qualifier_options": QUALIFIER_OPTIONS}
