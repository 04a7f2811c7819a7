"""The scorecard of one office-year: every figure the reports and pages show.

`build_scorecard` ties the rules together — targets (year override → PK in force
→ plan), realisations (quarters, formula inputs rolled up first, or the
year-end value; a linked survey's index), achievements and predicates,
aggregation per objective, goal and office, comparisons with earlier years, the
end-of-plan target and the national standard, the budget and the survey — and
compares every printed figure the data carries with the computed one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from . import budget as budget_rules
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
    mean,
)
from .budget import Amounts, BudgetClass, BudgetLine, Efficiency, SumCheck
from .errors import N_, DomainError, FormulaError
from .measurement import (
    NOT_MEASURED,
    Achievement,
    Polarity,
    Range,
    Target,
    achievement,
    progress_to_end_target,
)
from .numbers import format_number
from .office import Indicator, Measurement, Office, PrintedAmounts, SurveyData, YearData
from .periods import QUARTERS, roll_up, roll_up_inputs, target_to_date
from .review import Finding, Severity, agrees, compare_category, compare_number
from .scales import PredicateScale


@dataclass(frozen=True)
class QuarterScore:
    quarter: int
    value: Decimal | str | None  # the quarter's own value
    to_date: Decimal | str | None  # realisation to date (rolled up)
    target_to_date: Decimal | None
    achievement: Achievement
    category: str | None


@dataclass(frozen=True)
class IndicatorScore:
    indicator: Indicator
    level: str  # "goal" | "objective"
    parent_id: str
    target: Target | None
    target_source: str | None  # "measurement" | "pk" | "plan"
    realisation: Decimal | str | None
    realisation_source: str | None  # "annual" | "quarters" | "formula" | "survey"
    achievement: Achievement
    category: str | None
    color: str | None
    quarters: tuple[QuarterScore, ...]
    history: tuple[YearPoint, ...]
    change: Change | None
    end_target_progress: Achievement | None
    standard: StandardComparison | None
    explanation: str | None
    in_pk: bool
    errors: tuple[str, ...] = ()


@dataclass(frozen=True)
class AggregateScore:
    id: str
    text: str
    aggregate: Aggregate
    category: str | None
    color: str | None


@dataclass(frozen=True)
class LineScore:
    line: BudgetLine
    depth: int
    amounts: Amounts

    @property
    def absorption(self) -> Decimal | None:
        return self.amounts.absorption


@dataclass(frozen=True)
class BudgetScore:
    classes: dict[BudgetClass, Amounts]
    total: Amounts | None
    lines: tuple[LineScore, ...]
    lines_total: Amounts | None
    sum_checks: tuple[SumCheck, ...]
    by_objective: dict[str, Amounts]
    efficiency: dict[str, Efficiency]


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


# --------------------------------------------------------------------------- indicators


def _target_for(office: Office, ind: Indicator, year: YearData | None, y: int) -> tuple[Target | None, str | None]:
    m = year.measurements.get(ind.id) if year else None
    if m is not None and m.target is not None:
        return m.target, "measurement"
    pk = year.agreement if year else None
    if pk is not None and ind.id in pk.targets:
        return pk.targets[ind.id], "pk"
    if y in ind.targets:
        return ind.targets[y], "plan"
    return None, None


def _achieve(office: Office, ind: Indicator, target: Target | None, real: Decimal | str | None) -> Achievement:
    s = office.settings
    return achievement(
        target,
        real,
        ind.polarity,
        cap=s.cap,
        lower_formula=s.lower_formula,
        method=ind.method,
        baseline=ind.baseline,
        ordinal=ind.ordinal,
    )


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


def _realisation(
    ind: Indicator, m: Measurement | None, errors: list[str], messages: list[str]
) -> tuple[Decimal | str | None, str | None, dict[int, Decimal | None]]:
    if m is None:
        return None, None, {}
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
        return value, "formula", quarters
    if m.annual is not None:
        rolled_q = roll_up(quarters, ind.rollup)
        if rolled_q is not None and isinstance(m.annual, Decimal) and rolled_q != m.annual:
            messages.append(
                f"{ind.id}: nilai tahunan {m.annual} berbeda dari rekap triwulan ({rolled_q}); dipakai nilai tahunan"
            )
        return m.annual, "annual", quarters
    year_value = roll_up(quarters, ind.rollup)
    missing = [q for q in QUARTERS if quarters.get(q) is None]
    if year_value is not None and missing:
        messages.append(
            f"{ind.id}: TW {', '.join(str(q) for q in missing)} belum diukur; nilai tahunan sementara dari "
            f"{4 - len(missing)} triwulan"
        )
    return year_value, ("quarters" if year_value is not None else None), quarters


def _quarter_scores(
    office: Office, ind: Indicator, m: Measurement | None, quarters: dict[int, Decimal | None], scale: PredicateScale
) -> tuple[QuarterScore, ...]:
    if m is None or not any(v is not None for v in quarters.values()):
        return ()
    out: list[QuarterScore] = []
    for q in QUARTERS:
        if ind.formula is not None:
            rolled = roll_up_inputs(
                m.inputs, {n: ind.input_rollups.get(n, ind.rollup) for n in ind.formula.inputs}, q
            )
            try:
                to_date = ind.formula.evaluate(rolled)
            except FormulaError:
                to_date = None
        else:
            to_date = roll_up(quarters, ind.rollup, q)
        t = (
            target_to_date(m.quarterly_targets, q, cumulative=m.cumulative_targets, method=ind.rollup)
            if m.quarterly_targets
            else None
        )
        a = _achieve(office, ind, t, to_date) if quarters.get(q) is not None else NOT_MEASURED
        cat = scale.classify(a.value) if a.value is not None else None
        out.append(QuarterScore(q, quarters.get(q), to_date, t, a, cat))
    return tuple(out)


def _history(office: Office, ind: Indicator, upto: int) -> tuple[YearPoint, ...]:
    points: list[YearPoint] = []
    for y in sorted(office.years):
        if y >= upto:
            continue
        yd = office.years[y]
        m = yd.measurements.get(ind.id)
        if m is None:
            continue
        real, _, _ = _realisation(ind, m, [], [])
        if real is None or isinstance(real, str):
            continue
        target, _ = _target_for(office, ind, yd, y)
        t = target if isinstance(target, Decimal) else None
        a = _achieve(office, ind, t, real) if t is not None else NOT_MEASURED
        points.append(YearPoint(y, t, real, a.value))
    return tuple(points)


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
    target, target_source = _target_for(office, ind, yd, y)
    real, source, quarters = _realisation(ind, m, errors, messages)
    if real is None and survey is not None and survey.data.indicator_id == ind.id:
        real, source = survey.result.index, "survey"
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
        _quarter_scores(office, ind, m, quarters, scale),
        history,
        change,
        end,
        standard,
        m.explanation if m else None,
        in_pk,
        tuple(errors),
    )


# --------------------------------------------------------------------------- budget


def _lines_with_depth(lines: Iterable[BudgetLine], depth: int = 0) -> Iterable[tuple[BudgetLine, int]]:
    for line in lines:
        yield line, depth
        yield from _lines_with_depth(line.children, depth + 1)


def _score_budget(yd: YearData, objectives: dict[str, Decimal | None]) -> BudgetScore | None:
    b = yd.budget
    if b is None:
        return None
    stated = {c: s.amounts for c, s in b.classes.items()}
    classes = budget_rules.by_class(b.lines, stated) if (b.lines or stated) else {}
    total = b.total.amounts if b.total else (budget_rules.grand_total(classes) if classes else None)
    line_scores = tuple(LineScore(line, d, budget_rules.amounts(line)) for line, d in _lines_with_depth(b.lines))
    lines_total = budget_rules.total(b.lines) if b.lines else None
    by_obj = budget_rules.by_objective(b.lines)
    eff = {
        oid: budget_rules.efficiency(objectives.get(oid), amounts.absorption)
        for oid, amounts in by_obj.items()
        if oid not in (budget_rules.UNATTACHED, budget_rules.SEVERAL)
    }
    return BudgetScore(
        classes, total, line_scores, lines_total, tuple(budget_rules.sum_checks(b.lines)), by_obj, eff
    )


def _budget_findings(yd: YearData, score: BudgetScore, findings: list[Finding]) -> None:
    b = yd.budget
    assert b is not None
    y = yd.year

    def amounts_findings(where: str, printed: PrintedAmounts | None, computed: Amounts, whole: Amounts | None) -> None:
        if printed is None:
            return
        checks = [
            ("pagu", printed.allocation, computed.allocation),
            ("realisasi", printed.realisation, computed.realisation),
            ("penyerapan %", printed.absorption, computed.absorption),
            ("deviasi %", printed.deviation, computed.deviation),
            ("sisa", printed.remaining, computed.remaining),
        ]
        if whole is not None:
            checks.append(("porsi %", printed.share, budget_rules.share(computed.allocation, whole.allocation)))
        for what, p, c in checks:
            f = compare_number(f"{where} ({printed.where})" if printed.where else where, what, p, c)
            if f:
                findings.append(f)

    for cls, stated in b.classes.items():
        amounts_findings(f"Anggaran {y} {cls.label}", stated.printed, stated.amounts, score.total)
    if b.total is not None:
        amounts_findings(f"Anggaran {y} total", b.total.printed, b.total.amounts, None)
        if score.classes and all(a.realisation is not None for a in score.classes.values()):
            summed = budget_rules.grand_total(score.classes)
            for what, stated_v, c in (
                ("pagu", b.total.allocation, summed.allocation),
                ("realisasi", b.total.realisation, summed.realisation),
            ):
                f = compare_number(f"Anggaran {y} total = jumlah kelompok belanja", what, stated_v, c)
                if f:
                    findings.append(f)
    for ls in score.lines:
        amounts_findings(
            f"Anggaran {y} {ls.line.code} {ls.line.name}", b.printed_lines.get(ls.line.code), ls.amounts, None
        )
    for check in score.sum_checks:
        if not check.ok:
            findings.append(
                Finding(
                    f"Anggaran {y} {check.where}",
                    f"jumlah {'pagu' if check.what == 'allocation' else 'realisasi'}",
                    check.stated,
                    check.computed,
                    Severity.MAJOR,
                    "jumlah yang dinyatakan tidak sama dengan jumlah rinciannya",
                )
            )
    if b.printed_lines_total is not None and score.lines_total is not None:
        amounts_findings(f"Anggaran {y} jumlah tabel", b.printed_lines_total, score.lines_total, None)


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
    if data.input == "distribution":
        dist = {k: v for k, v in data.values.items() if v is None or isinstance(v, list)}
        return survey_rules.from_distributions(instrument, dist, data.respondents)
    values = {k: v for k, v in data.values.items() if v is None or isinstance(v, Decimal)}
    return survey_rules.from_element_values(
        instrument, values, converted=data.input == "score", respondents=data.respondents
    )


def _survey_findings(s: SurveyScore, findings: list[Finding], year: int) -> None:
    where = f"SKM {year}"
    r = s.result
    f = compare_number(where, "indeks (IKM)", s.data.printed_index, r.index, "dihitung dari data per unsur")
    if f:
        findings.append(f)
    f2 = compare_category(where, s.data.printed_grade, r.grade, f"tabel mutu {r.instrument.grade_table.value}")
    if f2:
        findings.append(f2)
    by_name = {e.name: e for e in r.elements}
    for name, printed in s.data.printed_elements.items():
        e = by_name.get(name)
        if e is None:
            findings.append(
                Finding(f"{where} unsur {name!r}", "skor", printed, None, Severity.WARNING,
                        "skor tercetak tanpa data yang dapat dihitung")
            )
            continue
        f3 = compare_number(f"{where} unsur {name!r}", "skor", printed, e.score)
        if f3:
            findings.append(f3)
    if s.data.printed_elements:
        printed_mean = mean(list(s.data.printed_elements.values()))
        f4 = compare_number(where, "rerata skor tercetak", s.data.printed_index, printed_mean,
                            "rata-rata skor unsur yang tercetak")
        if f4:
            findings.append(f4)


# --------------------------------------------------------------------------- the scorecard


def build_scorecard(office: Office, year: int | None = None) -> Scorecard:
    y = year if year is not None else office.latest_year
    if y is None:
        raise DomainError(N_("%(office)s: belum ada tahun yang berisi data"), office=office.name)
    yd = office.years.get(y)
    scale = office.settings.scale
    messages: list[str] = []
    findings: list[Finding] = []

    survey = None
    if yd is not None and yd.survey is not None:
        survey = SurveyScore(yd.survey, score_survey(yd.survey))
        messages.extend(survey.result.warnings)

    scores: list[IndicatorScore] = []
    for g in office.plan.goals:
        for ind in g.indicators:
            scores.append(_score_indicator(office, ind, "goal", g.id, y, yd, scale, survey, messages))
    for o in office.plan.objectives:
        for ind in o.indicators:
            scores.append(_score_indicator(office, ind, "objective", o.id, y, yd, scale, survey, messages))

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
    seen: set[str] = set()
    unique_items = []
    for s in office_items:
        if s.indicator.name not in seen:  # a goal indicator repeated as objective indicator counts once
            seen.add(s.indicator.name)
            unique_items.append(s)
    office_score = agg_score(
        office.code, office.name, aggregate((s.achievement, s.indicator.weight) for s in unique_items)
    )

    budget = budget_prev = None
    if yd is not None:
        budget = _score_budget(yd, {o.id: o.aggregate.value for o in objectives})
        if budget is not None:
            _budget_findings(yd, budget, findings)
    prev = office.years.get(y - 1)
    if prev is not None and prev.budget is not None:
        budget_prev = _score_budget(prev, {})
        if budget_prev is not None:
            _budget_findings(prev, budget_prev, findings)

    for s in scores:
        _indicator_findings(s, scale, survey, yd, findings)
    if yd is not None:
        _objective_findings(objectives, scores, yd, scale, findings)
        _pk_findings(yd, findings)
    if survey is not None:
        _survey_findings(survey, findings, y)
    for s in scores:
        messages.extend(f"{s.indicator.id}: {e}" for e in s.errors)
    return Scorecard(
        office, y, scale, tuple(scores), objectives, goals, office_score, budget, budget_prev, survey,
        tuple(findings), tuple(messages),
    )


def _indicator_findings(
    s: IndicatorScore, scale: PredicateScale, survey: SurveyScore | None, yd: YearData | None, findings: list[Finding]
) -> None:
    m = yd.measurements.get(s.indicator.id) if yd else None
    printed = m.printed if m else None
    where = f"{s.indicator.id} {s.indicator.name}"
    if printed is not None:
        if printed.where:
            where += f" ({printed.where})"
        if s.achievement.value is not None:
            f = compare_number(where, "capaian %", printed.achievement, s.achievement.value,
                               _formula_text(s), major_if_different=False)
            if f:
                findings.append(f)
            f2 = compare_category(where, printed.category, s.category, f"skala {scale.code}")
            if f2:
                findings.append(f2)
        elif printed.achievement is not None and printed.category is not None:
            # no realisation printed: at least the category must follow the printed achievement
            expected = scale.classify(printed.achievement)
            f3 = compare_category(
                where, printed.category, expected,
                f"capaian tercetak {format_number(printed.achievement)} termasuk kategori {expected} "
                f"pada skala {scale.code}; "
                "realisasi tidak tercetak sehingga capaian tidak dapat dihitung ulang",
            )
            if f3:
                findings.append(f3)
    if (
        survey is not None
        and survey.data.indicator_id == s.indicator.id
        and s.realisation_source != "survey"
        and isinstance(s.realisation, Decimal)
        and not agrees(s.realisation, survey.result.index)
    ):
        findings.append(
            Finding(where, "realisasi vs hasil survei", s.realisation, survey.result.index.quantize(Decimal("0.01")),
                    Severity.MAJOR, "realisasi yang dilaporkan berbeda dari indeks hasil perhitungan SKM")
        )
    pk = yd.agreement if yd else None
    if pk is not None and s.indicator.id in pk.targets and s.target_source == "measurement":
        pk_t = pk.targets[s.indicator.id]
        if pk_t != s.target:
            findings.append(
                Finding(where, "target PK vs target pengukuran", _show(pk_t), _show(s.target), Severity.MAJOR,
                        "target yang diukur berbeda dari target Perjanjian Kinerja")
            )


def _show(t: Target | None) -> Decimal | str | None:
    if isinstance(t, Range):
        return f"{t.low}–{t.high}"
    return t


def _formula_text(s: IndicatorScore) -> str:
    p = s.indicator.polarity
    if p is Polarity.LOWER_IS_BETTER:
        return "capaian = (2 × target − realisasi) / target × 100"
    if p is Polarity.HIGHER_IS_BETTER:
        return "capaian = realisasi / target × 100"
    return ""


def _objective_findings(
    objectives: tuple[AggregateScore, ...],
    scores: list[IndicatorScore],
    yd: YearData,
    scale: PredicateScale,
    findings: list[Finding],
) -> None:
    for o in objectives:
        printed = yd.objectives_printed.get(o.id)
        if printed is None:
            continue
        where = f"Sasaran {o.id}" + (f" ({printed.where})" if printed.where else "")
        value = o.aggregate.value
        note = "rata-rata capaian indikator"
        if value is None or o.aggregate.not_measured:
            # realisations not printed: check against the mean of the printed achievements
            printed_values = []
            for s in scores:
                if s.level == "objective" and s.parent_id == o.id:
                    m = yd.measurements.get(s.indicator.id)
                    if m and m.printed and m.printed.achievement is not None:
                        printed_values.append(m.printed.achievement)
            value = mean(printed_values) if printed_values else None
            note = "rata-rata capaian indikator yang tercetak"
        f = compare_number(where, "capaian sasaran %", printed.achievement, value, note)
        if f:
            findings.append(f)
        basis = printed.achievement if printed.achievement is not None else value
        if basis is not None:
            f2 = compare_category(where, printed.category, scale.classify(basis),
                                  f"{format_number(basis)} pada skala {scale.code}")
            if f2:
                findings.append(f2)


def _pk_findings(yd: YearData, findings: list[Finding]) -> None:
    for pk in yd.agreements:
        if pk.printed_total is not None and pk.programs:
            computed = sum((p.allocation for p in pk.programs), Decimal(0))
            f = compare_number(f"PK {yd.year} ({pk.kind})", "jumlah anggaran program", pk.printed_total, computed)
            if f:
                findings.append(f)
