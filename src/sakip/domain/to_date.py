"""Figures as of TW N: the one rule for an indicator's quarter (SPEC §3).

Every page, API answer, command and document that shows a quarter asks this module
(through `scorecard.build_scorecard(office, year, quarter=N)` or the year scorecard's
`QuarterScore` rows); nothing else computes a quarter figure.

For an indicator, a year and a quarter N:

* **target to date** (`target_as_of`): with cumulative quarter targets, TW N's own
  target (the way travelled by the end of TW N); with per-quarter targets, the quarters
  1…N rolled up like the realisations (`periods.roll_up` by the indicator's rollup). TW
  N's target must be set, and for a rollup other than *last* every quarter 1…N —
  otherwise the target to date is ``None``: *target belum ditetapkan*, never 0 and never
  the year target. A qualitative indicator's quarter targets are grades of its ordinal
  scale (*last*: TW N's; *max*/*min*: by rank). An in-range indicator has no quarter
  targets: its year band applies to every quarter.
* **realisation to date** (`realisation_as_of`): ``None`` — *belum diukur* — when TW N
  itself is not measured; else the measured quarters 1…N rolled up by the indicator's
  rollup; a formula indicator rolls each input up first and applies the formula after;
  a qualitative one takes its grades (*last*, or *max*/*min* by rank).
* **achievement to date** (`score_quarter`): the realisation to date against the target
  to date by `measurement.achievement` with the office's settings: `Status.NOT_MEASURED`
  without a realisation, `Status.NO_TARGET` with a realisation but no target; the
  predicate from the office's scale.

The year's annual value, a linked survey and the year target are year figures: they
count only in the year (`build_scorecard` without a quarter, or with quarter 4).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .errors import N_, DomainError, FormulaError
from .measurement import NOT_MEASURED, Achievement, Polarity, Range, Status, Target, achievement
from .office import Indicator, Measurement, Settings
from .periods import QUARTERS, Rollup, roll_up, roll_up_inputs
from .scales import OrdinalScale, PredicateScale


@dataclass(frozen=True)
class QuarterScore:
    """An indicator's figures as of the end of one quarter."""

    quarter: int
    value: Decimal | str | None  # the quarter's own value; None: belum diukur
    to_date: Decimal | str | None  # realisation to date; None: this quarter is not measured
    target_to_date: Target | None  # None: target belum ditetapkan
    achievement: Achievement
    category: str | None
    color: str | None = None
    errors: tuple[str, ...] = ()

    @property
    def measured(self) -> bool:
        return self.to_date is not None

    @property
    def target_set(self) -> bool:
        return self.target_to_date is not None


def achieve(settings: Settings, ind: Indicator, target: Target | None, real: Decimal | str | None) -> Achievement:
    """The achievement of ``target`` by ``real`` for ``ind`` under the office's settings."""
    return achievement(
        target,
        real,
        ind.polarity,
        cap=settings.cap,
        lower_formula=settings.lower_formula,
        method=ind.method,
        baseline=ind.baseline,
        ordinal=ind.ordinal,
    )


# --------------------------------------------------------------------------- grades


def _grade_rollup(grades: list[str], method: Rollup, ordinal: OrdinalScale | None) -> str:
    """Grades in quarter order rolled up: *max*/*min* by rank on the scale, otherwise the latest."""
    if ordinal is not None and method in (Rollup.MAX, Rollup.MIN):
        pick = max if method is Rollup.MAX else min
        return pick(grades, key=ordinal.rank)
    return grades[-1]


# --------------------------------------------------------------------------- targets


def quarter_targets(m: Measurement | None) -> dict[int, Target | None]:
    """An indicator's quarter targets as the domain's `Target`: numbers, grades (qualitative) or bands (in range)."""
    if m is None:
        return {}
    out: dict[int, Target | None] = dict(m.quarterly_targets)
    for q, grade in m.quarterly_target_grades.items():
        if grade:
            out[q] = grade
    out.update(m.quarterly_target_ranges)
    return out


def target_as_of(
    ind: Indicator, m: Measurement | None, quarter: int, year_target: Target | None = None
) -> Target | None:
    """The target to date at the end of ``quarter``; ``None`` when it is not set (*target belum ditetapkan*).

    An in-range indicator's band at TW N is the quarter's own band when one is set (it is the band of
    the figure to date, never rolled up), else the year's band, which then applies to every quarter.
    """
    if ind.polarity is Polarity.IN_RANGE:
        band = m.quarterly_target_ranges.get(quarter) if m is not None else None
        if band is not None:
            return band
        return year_target if isinstance(year_target, Range) else None
    targets = quarter_targets(m)
    own = targets.get(quarter)
    if own is None or m is None:
        return None
    if m.cumulative_targets or ind.rollup is Rollup.LAST:
        return own
    so_far = [targets.get(q) for q in QUARTERS if q <= quarter]
    if any(t is None for t in so_far):
        return None
    if all(isinstance(t, str) for t in so_far):
        return _grade_rollup([t for t in so_far if isinstance(t, str)], ind.rollup, ind.ordinal)
    if all(isinstance(t, Decimal) for t in so_far):
        return roll_up({q: t for q, t in enumerate(so_far, 1) if isinstance(t, Decimal)}, ind.rollup, quarter)
    raise DomainError(N_("target triwulan mencampur angka dan predikat"))


# --------------------------------------------------------------------------- realisations


def _methods(ind: Indicator) -> dict[str, Rollup]:
    assert ind.formula is not None
    return {n: ind.input_rollups.get(n, ind.rollup) for n in ind.formula.inputs}


def is_measured(ind: Indicator, m: Measurement | None, quarter: int) -> bool:
    """Whether ``quarter`` has a measurement of its own (a value, a grade, or formula inputs)."""
    if m is None:
        return False
    if ind.polarity is Polarity.QUALITATIVE:
        return bool(m.quarter_grades.get(quarter))
    if ind.formula is not None:
        return any(v is not None for v in m.inputs.get(quarter, {}).values())
    return m.quarters.get(quarter) is not None


def quarter_value(
    ind: Indicator, m: Measurement | None, quarter: int, errors: list[str] | None = None
) -> Decimal | str | None:
    """The quarter's own value: its number, its grade, or the formula over its own inputs."""
    if not is_measured(ind, m, quarter):
        return None
    assert m is not None
    if ind.polarity is Polarity.QUALITATIVE:
        return m.quarter_grades[quarter]
    if ind.formula is not None:
        inputs = m.inputs[quarter]
        try:
            return ind.formula.evaluate({n: inputs.get(n) for n in ind.formula.inputs})
        except FormulaError as exc:
            if errors is not None:
                errors.append(f"TW {quarter}: {exc}")
            return None
    return m.quarters.get(quarter)


def realisation_as_of(
    ind: Indicator, m: Measurement | None, quarter: int, errors: list[str] | None = None
) -> Decimal | str | None:
    """The realisation to date at the end of ``quarter``; ``None`` when that quarter is not measured."""
    if not is_measured(ind, m, quarter):
        return None
    assert m is not None
    if ind.polarity is Polarity.QUALITATIVE:
        grades = [g for q in QUARTERS if q <= quarter and (g := m.quarter_grades.get(q))]
        return _grade_rollup(grades, ind.rollup, ind.ordinal)
    if ind.formula is not None:
        rolled = roll_up_inputs(m.inputs, _methods(ind), quarter)
        try:
            return ind.formula.evaluate(rolled)
        except FormulaError as exc:
            if errors is not None:
                errors.append(f"s.d. TW {quarter}: {exc}")
            return None
    return roll_up(m.quarters, ind.rollup, quarter)


def grades_year_value(ind: Indicator, m: Measurement) -> str | None:
    """A qualitative indicator's year value from its quarter grades (the year rollup of `realisation_as_of`)."""
    measured = [q for q in QUARTERS if m.quarter_grades.get(q)]
    value = realisation_as_of(ind, m, measured[-1]) if measured else None
    return value if isinstance(value, str) else None


# --------------------------------------------------------------------------- the quarter's score


def score_quarter(
    settings: Settings,
    scale: PredicateScale,
    ind: Indicator,
    m: Measurement | None,
    quarter: int,
    year_target: Target | None = None,
) -> QuarterScore:
    """Every figure of ``ind`` as of the end of ``quarter``."""
    errors: list[str] = []
    value = quarter_value(ind, m, quarter, errors)
    to_date = realisation_as_of(ind, m, quarter, errors)
    try:
        target = target_as_of(ind, m, quarter, year_target)
    except DomainError as exc:
        errors.append(str(exc))
        target = None
    if to_date is None:
        a = NOT_MEASURED
    else:
        try:
            a = achieve(settings, ind, target, to_date)
        except DomainError as exc:
            errors.append(f"TW {quarter}: {exc}")
            a = Achievement(Status.UNDEFINED, reason=str(exc))
    band = scale.band_for(a.value) if a.value is not None else None
    return QuarterScore(
        quarter, value, to_date, target, a, band.label if band else None, band.color if band else None, tuple(errors)
    )


def quarter_scores(
    settings: Settings,
    scale: PredicateScale,
    ind: Indicator,
    m: Measurement | None,
    year_target: Target | None = None,
    through: int = 4,
) -> tuple[QuarterScore, ...]:
    """The scores of TW I … TW ``through``."""
    return tuple(score_quarter(settings, scale, ind, m, q, year_target) for q in QUARTERS if q <= through)


def has_quarters(m: Measurement | None) -> bool:
    """Whether a measurement has anything per quarter (a value, a grade, inputs or a target)."""
    if m is None:
        return False
    return any(
        v is not None
        for values in (m.quarters, m.quarterly_targets)
        for v in values.values()
    ) or any(m.quarter_grades.values()) or any(m.quarterly_target_grades.values()) or bool(
        m.quarterly_target_ranges
    ) or any(
        any(v is not None for v in inputs.values()) for inputs in m.inputs.values()
    )


def check_quarter(quarter: int | None) -> None:
    if quarter is not None and quarter not in QUARTERS:
        raise DomainError(N_("triwulan harus 1–4, bukan %(quarter)s"), quarter=quarter)


__all__ = [
    "QuarterScore",
    "achieve",
    "check_quarter",
    "grades_year_value",
    "has_quarters",
    "is_measured",
    "quarter_scores",
    "quarter_targets",
    "quarter_value",
    "realisation_as_of",
    "score_quarter",
    "target_as_of",
]
