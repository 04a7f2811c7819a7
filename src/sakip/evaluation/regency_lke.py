"""The regency's LKE summary of a year (issue #15), read once for the page, the .xlsx and the CLI.

`summary(regency, year, offices)` scores every office's evaluation of the year and of the
year before with the domain (`domain.evaluation.score` with the evaluator's answers and grade
decisions: the one grading rule) and derives the regency figures with `domain.lke_regency`.
A fixed number of queries whatever the number of offices: the evaluations, all their
answers, all their grade decisions, the recommendations, and the few templates' structures.

The figures are the **evaluator's**: an evaluation still in self-assessment has none yet.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from sakip.accounts.models import Office, Regency
from sakip.domain.evaluation import EvaluationError, Framework, score
from sakip.domain.lke_grading import GradeOverride
from sakip.domain.lke_regency import Change, OfficeResult, Weak, change, office_result, sub_change, weakest

from . import recommendations
from .models import Answer, Evaluation, GradeDecision, Recommendation, Template


@dataclass(frozen=True)
class Column:
    code: str
    name: str
    weight: Decimal


@dataclass
class OfficeRow:
    office: Office
    evaluation: Evaluation | None
    result: OfficeResult | None  # None without an evaluation past the self-assessment (or one that cannot be scored)
    previous: OfficeResult | None
    problem: str = ""
    follow_up: dict[str, int] = field(default_factory=dict)
    items: list[recommendations.Item] = field(default_factory=list)

    def change(self, code: str) -> Change | None:
        return sub_change(self.previous, self.result, code)

    @property
    def total_change(self) -> Change | None:
        return change(self.previous.total if self.previous else None, self.result.total if self.result else None)


@dataclass
class Summary:
    year: int
    columns: list[Column]
    rows: list[OfficeRow]
    weakest: list[Weak]

    @property
    def scored(self) -> int:
        return sum(1 for r in self.rows if r.result is not None)


def _scored_status(ev: Evaluation) -> bool:
    return ev.status != Evaluation.Status.SELF


def summary(regency: Regency, year: int, offices: Iterable[Office] | None = None) -> Summary:
    """Every office's LKE figures of ``year`` with the change from ``year - 1``; the weakest sub-components."""
    chosen = list(offices) if offices is not None else list(Office.objects.filter(regency=regency).order_by("name"))
    ids = [o.pk for o in chosen]
    evaluations = list(
        Evaluation.objects.filter(office_id__in=ids, year__in=(year, year - 1)).select_related("template")
    )
    scored = [e for e in evaluations if _scored_status(e)]
    answers: dict[int, dict[str, str | None]] = defaultdict(dict)
    for ev_id, code, value in Answer.objects.filter(evaluation__in=scored).values_list(
        "evaluation_id", "criterion__code", "evaluator_value"
    ):
        answers[ev_id][code] = value or None
    grades: dict[int, dict[str, GradeOverride]] = defaultdict(dict)
    for ev_id, code, grade, qualifier, note in GradeDecision.objects.filter(evaluation__in=scored).values_list(
        "evaluation_id", "subcomponent__code", "grade", "qualifier", "note"
    ):
        grades[ev_id][code] = GradeOverride(grade, qualifier, note)
    frameworks: dict[int, Framework | EvaluationError] = {}

    def framework(t: Template) -> Framework | EvaluationError:
        if t.pk not in frameworks:
            try:
                frameworks[t.pk] = t.framework()
            except EvaluationError as exc:
                frameworks[t.pk] = exc
        return frameworks[t.pk]

    results: dict[tuple[int, int], OfficeResult] = {}
    problems: dict[int, str] = {}
    for ev in scored:
        fw = framework(ev.template)
        if isinstance(fw, EvaluationError):
            problems[ev.pk] = "; ".join(str(e) for e in fw.errors)
            continue
        try:
            s = score(fw, answers.get(ev.pk, {}), grades.get(ev.pk) if fw.graded else None)
        except EvaluationError as exc:
            problems[ev.pk] = "; ".join(str(e) for e in exc.errors)
            continue
        results[(ev.office_id, ev.year)] = office_result(s)

    this_year = {e.office_id: e for e in evaluations if e.year == year}
    items = _items([e for e in this_year.values()])
    # the columns: the sub-components of the template most offices use this year, then any others
    counts = Counter(e.template_id for e in this_year.values() if _scored_status(e))
    columns: list[Column] = []
    seen: set[str] = set()
    for template_id, _n in counts.most_common():
        used = frameworks.get(template_id)
        if isinstance(used, Framework):
            for comp in used.components:
                for sub in comp.subcomponents:
                    if sub.code not in seen:
                        seen.add(sub.code)
                        columns.append(Column(sub.code, sub.name, sub.weight))
    rows = []
    for office in chosen:
        current = this_year.get(office.pk)
        shown = items.get(current.pk, []) if current else []
        rows.append(
            OfficeRow(
                office,
                current,
                results.get((office.pk, year)),
                results.get((office.pk, year - 1)),
                problems.get(current.pk, "") if current else "",
                recommendations.follow_up_counts(shown),
                shown,
            )
        )
    this = [r.result for r in rows if r.result is not None]
    return Summary(year, columns, rows, weakest(this, [c.code for c in columns]))


def _items(evaluations: list[Evaluation]) -> dict[int, list[recommendations.Item]]:
    """The recommendations of these evaluations with their originals' follow-up, in one query."""
    out: dict[int, list[recommendations.Item]] = defaultdict(list)
    years = {e.pk: e.year for e in evaluations}
    rows = (
        Recommendation.objects.filter(evaluation_id__in=list(years))
        .select_related(*recommendations.ROW_RELATIONS)
        .order_by("evaluation_id", "order", "id")
    )
    for r in rows:
        out[r.evaluation_id].append(recommendations.item(r, years[r.evaluation_id]))
    return out
