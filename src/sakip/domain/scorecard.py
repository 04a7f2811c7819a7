"""The scorecard of one office-year — or of the year as of TW N: every figure the reports and pages show.

`build_scorecard(office, year)` ties the rules together — targets (year override → PK
in force → plan), realisations (quarters, formula inputs rolled up first, or the
year-end value; a linked survey's index), achievements and predicates, aggregation per
objective, goal and office, comparisons with earlier years, the end-of-plan target and
the national standard, the budget and the survey — and compares every printed figure
the data carries with the computed one (`scorecard_findings`).

`build_scorecard(office, year, quarter=N)` is the same scorecard with every figure *as
of TW N* (the one quarter rule, `to_date`): each indicator's target, realisation,
achievement and predicate to date, the objective, goal and office means of those, the
budget to date (`scorecard_budget`) and the efficiency to date. TW IV (or no quarter) is
the year. Year-only figures have no quarter value: the comparison with the previous year,
the progress to the end target, the national standard, the survey and the printed-figure
findings are left out (``None`` / empty) of a TW I–III scorecard.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from decimal import Decimal

from . import survey as survey_rules
from .aggregation import (
    Aggregate,
    Change,
    StandardComparison,
    YearPoint,
    aggregate,
    aggregate_values,
    compare_to_standard,
    compare_years,
)
from .errors import N_, DomainError, FormulaError, SurveyError
from .measurement import NOT_MEASURED, Achievement, Polarity, Target, progress_to_end_target
from .office import Indicator, Measurement, Office, SurveyData, YearData
from .one_figure import SurveyLink, TargetBasis, distinct, resolve_target, survey_link
from .periods import QUARTERS, roll_up, roll_up_inputs
from .review import Finding
from .scales import PredicateScale
from .scorecard_budget import BudgetScore, LineScore, budget_findings, score_budget
from .scorecard_findings import indicator_findings, objective_findings, pk_findings, survey_findings
from .to_date import QuarterScore, achieve, check_quarter, grades_year_value, has_quarters, quarter_scores

__all__ = [
    "AggregateScore",
    "BudgetScore",
    "IndicatorScore",
    "LineScore",
    "QuarterScore",
    "Scorecard",
    "SurveyScore",
    "build_scorecard",
    "score_survey",
]


@dataclass(frozen=True)
class IndicatorScore:
    indicator: Indicator
    level: str  # "goal" | "objective"
    parent_id: str
    target: Target | None  # as of the scorecard's quarter (the year's target for the year)
    target_source: str | None  # "measurement" | "pk" | "plan"; "quarter" as of TW I–III
    realisation: Decimal | str | None
    realisation_source: str | None  # "annual" | "quarters" | "formula" | "survey"
    achievement: Achievement
    category: str | None
    color: str | None
    quarters: tuple[QuarterScore, ...]  # TW I … TW IV (as of TW N: up to N)
    history: tuple[YearPoint, ...]
    change: Change | None
    end_target_progress: Achievement | None
    standard: StandardComparison | None
    explanation: str | None
    in_pk: bool
    errors: tuple[str, ...] = ()
    year_target: Target | None = None  # the year's target (measurement → PK → plan), also as of a quarter
    #: which target the year's achievement is measured against and the PK's beside it (`one_figure`)
    target_basis: TargetBasis | None = None
    #: the year's survey when it is linked to this indicator: sets or proposes the realisation (`one_figure`)
    survey: SurveyLink | None = None


@dataclass(frozen=True)
class AggregateScore:
    id: str
    text: str
    aggregate: Aggregate
    category: str | None
    color: str | None


@dataclass(frozen=True)
class SurveyScore:
    data: SurveyData
    result: survey_rules.SurveyResult


@dataclass(frozen=True)
class Scorecard:
    office: Office
    year: int
    scale: PredicateScale
    indicators: tuple[IndicatorScore, ...]
    objectives: tuple[AggregateScore, ...]
    goals: tuple[AggregateScore, ...]
    office_score: AggregateScore
    budget: BudgetScore | None
    budget_previous: BudgetScore | None
    survey: SurveyScore | None
    findings: tuple[Finding, ...]
    messages: tuple[str, ...] = field(default=())
    quarter: int | None = None  # the figures are as of this quarter; None (or 4): the year

    @property
    def as_of(self) -> int:
        """The quarter the figures are as of: 1–3, or 4 for the year."""
        return self.quarter if self.quarter is not None else 4


# --------------------------------------------------------------------------- indicators


def _target_for(office: Office, ind: Indicator, year: YearData | None, y: int) -> tuple[Target | None, str | None]:
    basis = resolve_target(ind, year, y)  # the one order: measurement → PK in force → plan
    return basis.used, basis.source


def _achieve(office: Office, ind: Indicator, target: Target | None, real: Decimal | str | None) -> Achievement:
    return achieve(office.settings, ind, target, real)


def _quarter_values(ind: Indicator, m: Measurement, errors: list[str]) -> dict[int, Decimal | None]:
    if ind.formula is None:
        return {q: m.quarters.get(q) for q in QUARTERS}
    values: dict[int, Decimal | None] = {}
    for q in QUARTERS:
        inputs = m.inputs.get(q)
        if not inputs:
            values[q] = None
            continue
        try:
            values[q] = ind.formula.evaluate({n: inputs.get(n) for n in ind.formula.inputs})
        except FormulaError as exc:
            errors.append(f"TW {q}: {exc}")
            values[q] = None
    return values


def _missing_message(ind: Indicator, missing: list[int]) -> str:
    return (
        f"{ind.id}: TW {', '.join(str(q) for q in missing)} belum diukur; nilai tahunan sementara dari "
        f"{4 - len(missing)} triwulan"
    )


def _realisation(
    ind: Indicator, m: Measurement | None, errors: list[str], messages: list[str]
) -> tuple[Decimal | str | None, str | None]:
    """The year's realisation and where it comes from."""
    if m is None:
        return None, None
    quarters = _quarter_values(ind, m, errors)
    if ind.formula is not None and m.inputs:
        rolled = roll_up_inputs(m.inputs, {n: ind.input_rollups.get(n, ind.rollup) for n in ind.formula.inputs})
        try:
            value = ind.formula.evaluate(rolled)
        except FormulaError as exc:
            errors.append(f"tahunan: {exc}")
            value = None
        if m.annual is not None and value is not None and m.annual != value:
            messages.append(
                f"{ind.id}: nilai tahunan {m.annual} berbeda dari rumus atas input ({value}); dipakai hasil rumus"
            )
        return value, "formula"
    if m.annual is not None:
        rolled_q = roll_up(quarters, ind.rollup)
        if rolled_q is not None and isinstance(m.annual, Decimal) and rolled_q != m.annual:
            messages.append(
                f"{ind.id}: nilai tahunan {m.annual} berbeda dari rekap triwulan ({rolled_q}); dipakai nilai tahunan"
            )
        return m.annual, "annual"
    if ind.polarity is Polarity.QUALITATIVE and any(m.quarter_grades.values()):
        grade = grades_year_value(ind, m)
        missing = [q for q in QUARTERS if not m.quarter_grades.get(q)]
        if missing:
            messages.append(_missing_message(ind, missing))
        return grade, "quarters"
    year_value = roll_up(quarters, ind.rollup)
    missing = [q for q in QUARTERS if quarters.get(q) is None]
    if year_value is not None and missing:
        messages.append(_missing_message(ind, missing))
    return year_value, ("quarters" if year_value is not None else None)


def _history(office: Office, ind: Indicator, upto: int) -> tuple[YearPoint, ...]:
    points: list[YearPoint] = []
    for y in sorted(office.years):
        if y >= upto:
            continue
        yd = office.years[y]
        m = yd.measurements.get(ind.id)
        if m is None:
            continue
        real, _ = _realisation(ind, m, [], [])
        if real is None or isinstance(real, str):
            continue
        target, _ = _target_for(office, ind, yd, y)
        t = target if isinstance(target, Decimal) else None
        a = _achieve(office, ind, t, real) if t is not None else NOT_MEASURED
        points.append(YearPoint(y, t, real, a.value))
    return tuple(points)


def _year_quarters(
    office: Office, ind: Indicator, m: Measurement | None, scale: PredicateScale, year_target: Target | None
) -> tuple[QuarterScore, ...]:
    if not has_quarters(m):
        return ()
    return quarter_scores(office.settings, scale, ind, m, year_target)


def _score_indicator(
    office: Office,
    ind: Indicator,
    level: str,
    parent_id: str,
    y: int,
    yd: YearData | None,
    scale: PredicateScale,
    survey: SurveyScore | None,
    messages: list[str],
) -> IndicatorScore:
    errors: list[str] = []
    m = yd.measurements.get(ind.id) if yd else None
    basis = resolve_target(ind, yd, y)
    target, target_source = basis.used, basis.source
    real, source = _realisation(ind, m, errors, messages)
    link = None
    if survey is not None and survey.data.indicator_id == ind.id:
        link = survey_link(ind.id, survey.result.index, real)
        if link is not None and real is None:  # the survey sets the realisation; an entered one stays (proposal)
            real, source = link.realisation, "survey"
    try:
        a = _achieve(office, ind, target, real)
    except DomainError as exc:
        errors.append(str(exc))
        a = NOT_MEASURED
    band = scale.band_for(a.value) if a.value is not None else None
    history = _history(office, ind, y)
    change = None
    if history and isinstance(real, Decimal):
        current = YearPoint(y, target if isinstance(target, Decimal) else None, real, a.value)
        change = compare_years(history[-1], current, ind.polarity)
    end = None
    if isinstance(ind.end_target, Decimal) and isinstance(real, Decimal):
        end = progress_to_end_target(real, ind.end_target, ind.polarity, office.settings.lower_formula)
    standard = (
        compare_to_standard(real, ind.national_standard, ind.polarity, office.settings.lower_formula)
        if isinstance(real, Decimal)
        else None
    )
    in_pk = bool(yd and yd.agreement and ind.id in yd.agreement.targets)
    return IndicatorScore(
        ind,
        level,
        parent_id,
        target,
        target_source,
        real,
        source,
        a,
        band.label if band else None,
        band.color if band else None,
        _year_quarters(office, ind, m, scale, target),
        history,
        change,
        end,
        standard,
        m.explanation if m else None,
        in_pk,
        tuple(errors),
        target,
        basis,
        link,
    )


def _with_quarter_explanation(s: IndicatorScore, yd: YearData | None, quarter: int) -> IndicatorScore:
    m = yd.measurements.get(s.indicator.id) if yd else None
    text = m.quarter_explanations.get(quarter) if m else None
    return dataclasses.replace(s, explanation=text) if text else s


def _score_indicator_as_of(
    office: Office,
    ind: Indicator,
    level: str,
    parent_id: str,
    y: int,
    yd: YearData | None,
    scale: PredicateScale,
    quarter: int,
) -> IndicatorScore:
    """The indicator as of the end of TW ``quarter`` (1–3): the one quarter rule (`to_date`)."""
    m = yd.measurements.get(ind.id) if yd else None
    basis = resolve_target(ind, yd, y)
    year_target = basis.used
    scores = quarter_scores(office.settings, scale, ind, m, year_target, through=quarter)
    now = scores[-1]
    source = None
    if now.to_date is not None:
        source = "formula" if ind.formula is not None else "quarters"
    return IndicatorScore(
        ind,
        level,
        parent_id,
        now.target_to_date,
        "quarter" if now.target_to_date is not None else None,
        now.to_date,
        source,
        now.achievement,
        now.category,
        now.color,
        scores,
        _history(office, ind, y),
        None,
        None,
        None,
        (m.quarter_explanations.get(quarter) or None) if m else None,  # the quarter's own, never the year's
        bool(yd and yd.agreement and ind.id in yd.agreement.targets),
        now.errors,
        year_target,
        basis,
    )


# --------------------------------------------------------------------------- survey


def score_survey(data: SurveyData) -> survey_rules.SurveyResult:
    if data.instrument_code == "custom":
        from .survey import GradeTable

        instrument = survey_rules.custom_instrument(
            data.elements,
            GradeTable(data.grade_table) if data.grade_table else GradeTable.PERMENPAN_14_2017,
            data.instrument_name or "Kustom",
        )
    else:
        instrument = survey_rules.get_instrument(data.instrument_code)
    if data.input == "responses":
        return survey_rules.from_responses(instrument, data.responses, data.population)
    if data.input == "index":
        if data.index is None or data.respondents is None:
            raise SurveyError(N_("indeks yang diisi memerlukan nilai indeks dan jumlah responden"))
        return survey_rules.from_index(instrument, data.index, data.respondents)
    if data.input == "distribution":
        dist = {k: v for k, v in data.values.items() if v is None or isinstance(v, list)}
        return survey_rules.from_distributions(instrument, dist, data.respondents)
    values = {k: v for k, v in data.values.items() if v is None or isinstance(v, Decimal)}
    return survey_rules.from_element_values(
        instrument, values, converted=data.input == "score", respondents=data.respondents
    )


# --------------------------------------------------------------------------- the scorecard


def build_scorecard(office: Office, year: int | None = None, quarter: int | None = None) -> Scorecard:
    """The year's scorecard; with ``quarter`` 1–3, every figure as of the end of that quarter (4: the year)."""
    check_quarter(quarter)
    y = year if year is not None else office.latest_year
    if y is None:
        raise DomainError(N_("%(office)s: belum ada tahun yang berisi data"), office=office.name)
    as_of = quarter if quarter is not None and quarter < 4 else None
    yd = office.years.get(y)
    scale = office.settings.scale
    messages: list[str] = []
    findings: list[Finding] = []

    survey = None
    if as_of is None and yd is not None and yd.survey is not None:
        survey = SurveyScore(yd.survey, score_survey(yd.survey))
        messages.extend(survey.result.warnings)

    levels = [("goal", g.id, ind) for g in office.plan.goals for ind in g.indicators]
    levels += [("objective", o.id, ind) for o in office.plan.objectives for ind in o.indicators]
    scores: list[IndicatorScore] = [
        _score_indicator(office, ind, level, parent, y, yd, scale, survey, messages)
        if as_of is None
        else _score_indicator_as_of(office, ind, level, parent, y, yd, scale, as_of)
        for level, parent, ind in levels
    ]
    if quarter == 4:  # the year's figures, with the TW IV explanation where the operator wrote one
        scores = [_with_quarter_explanation(s, yd, 4) for s in scores]

    def agg_score(id_: str, text: str, agg: Aggregate) -> AggregateScore:
        band = scale.band_for(agg.value) if agg.value is not None else None
        return AggregateScore(id_, text, agg, band.label if band else None, band.color if band else None)

    objectives = tuple(
        agg_score(
            o.id,
            o.text,
            aggregate(
                (s.achievement, s.indicator.weight)
                for s in scores
                if s.level == "objective" and s.parent_id == o.id
            ),
        )
        for o in office.plan.objectives
    )
    weights = {o.id: o.weight for o in office.plan.objectives}
    goals = tuple(
        agg_score(
            g.id,
            g.text,
            aggregate_values((os.aggregate.value, weights[os.id]) for os in objectives
                             if any(o.id == os.id and o.goal_id == g.id for o in office.plan.objectives)),
        )
        for g in office.plan.goals
    )
    in_pk = [s for s in scores if s.in_pk]
    office_items = in_pk or [s for s in scores if s.indicator.iku] or scores
    unique_items = [g.score for g in distinct(office_items)]  # a goal indicator repeated as objective's: once
    office_score = agg_score(
        office.code, office.name, aggregate((s.achievement, s.indicator.weight) for s in unique_items)
    )

    through = as_of if as_of is not None else 4
    budget = budget_prev = None
    if yd is not None:
        missed = {s.parent_id for s in scores if s.level == "objective" and s.achievement.met is False}
        budget = score_budget(yd, {o.id: o.aggregate.value for o in objectives}, through, missed)
        if budget is not None and as_of is None:
            budget_findings(yd, budget, findings)
    prev = office.years.get(y - 1)
    if prev is not None and prev.budget is not None:
        budget_prev = score_budget(prev, {}, through)
        if budget_prev is not None and as_of is None:
            budget_findings(prev, budget_prev, findings)

    if as_of is None:
        for s in scores:
            indicator_findings(s, scale, survey, yd, findings)
        if yd is not None:
            objective_findings(objectives, scores, yd, scale, findings)
            pk_findings(yd, findings)
        if survey is not None:
            survey_findings(survey, findings, y)
    for s in scores:
        messages.extend(f"{s.indicator.id}: {e}" for e in s.errors)
    return Scorecard(
        office, y, scale, tuple(scores), objectives, goals, office_score, budget, budget_prev, survey,
        tuple(findings), tuple(messages), quarter,
    )
