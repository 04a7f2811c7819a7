"""Aggregation of achievements and the comparisons an annual report needs (SPEC §4).

An objective's achievement is the (optionally weighted) mean of its indicators'
achievements; a goal's likewise over its objectives; the office's over all PK
indicators. Indicators without a value are excluded from the mean and counted
as *belum diukur*; an achievement that is undefined (target 0 ...) is excluded
and counted separately, so nothing silently becomes 0.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from .errors import N_, DomainError
from .measurement import Achievement, LowerFormula, Polarity, Status, achievement
from .numbers import ENGINE_CONTEXT, ZERO


@dataclass(frozen=True, slots=True)
class Aggregate:
    value: Decimal | None  # None when nothing is measured
    measured: int
    not_measured: int
    undefined: int
    total_weight: Decimal
    #: of ``undefined``, those whose target is not set (*target belum ditetapkan*, never *belum diukur*)
    no_target: int = 0

    @property
    def count(self) -> int:
        return self.measured + self.not_measured + self.undefined


def mean(values: Sequence[Decimal]) -> Decimal:
    if not values:
        raise DomainError(N_("rata-rata tidak dapat dihitung tanpa nilai"))
    return ENGINE_CONTEXT.divide(sum(values, ZERO), Decimal(len(values)))


def aggregate(items: Iterable[Achievement | tuple[Achievement, Decimal]]) -> Aggregate:
    """Weighted mean of the measured achievements (weight 1 unless given)."""
    total = ZERO
    weights = ZERO
    measured = not_measured = undefined = no_target = 0
    for item in items:
        if isinstance(item, Achievement):
            a, w = item, Decimal(1)
        else:
            a, w = item
        if w < ZERO:
            raise DomainError(N_("bobot tidak boleh negatif, bukan %(weight)s"), weight=w)
        if a.status is Status.NOT_MEASURED:
            not_measured += 1
        elif a.status is Status.UNDEFINED or a.value is None:
            undefined += 1
            no_target += int(a.status is Status.NO_TARGET)
        else:
            measured += 1
            total += a.value * w
            weights += w
    value = ENGINE_CONTEXT.divide(total, weights) if weights > ZERO else None
    return Aggregate(value, measured, not_measured, undefined, weights, no_target)


def aggregate_values(items: Iterable[tuple[Decimal | None, Decimal]]) -> Aggregate:
    """Weighted mean of already aggregated values (objectives → goal → office)."""
    achievements: list[tuple[Achievement, Decimal]] = []
    for value, weight in items:
        a = (
            Achievement(Status.NOT_MEASURED)
            if value is None
            else Achievement(Status.MEASURED, value, value)
        )
        achievements.append((a, weight))
    return aggregate(achievements)


@dataclass(frozen=True, slots=True)
class YearPoint:
    year: int
    target: Decimal | None
    realisation: Decimal | None
    achievement: Decimal | None


@dataclass(frozen=True, slots=True)
class Change:
    """This year against an earlier year: realisation and achievement differences."""

    from_year: int
    to_year: int
    realisation_change: Decimal | None  # points, in the indicator's unit
    realisation_change_pct: Decimal | None  # relative, % of the earlier realisation
    achievement_change: Decimal | None  # percentage points
    improved: bool | None  # in the indicator's direction


def compare_years(
    earlier: YearPoint, later: YearPoint, polarity: Polarity = Polarity.HIGHER_IS_BETTER
) -> Change:
    r_change = r_pct = a_change = None
    improved: bool | None = None
    if earlier.realisation is not None and later.realisation is not None:
        r_change = later.realisation - earlier.realisation
        if earlier.realisation != ZERO:
            r_pct = ENGINE_CONTEXT.divide(r_change * 100, abs(earlier.realisation))
        if r_change != ZERO:
            up = r_change > ZERO
            improved = up if polarity is not Polarity.LOWER_IS_BETTER else not up
        else:
            improved = False
    if earlier.achievement is not None and later.achievement is not None:
        a_change = later.achievement - earlier.achievement
    return Change(earlier.year, later.year, r_change, r_pct, a_change, improved)


@dataclass(frozen=True, slots=True)
class StandardComparison:
    standard: Decimal
    difference: Decimal  # realisation − standard, in the indicator's unit
    achievement: Achievement  # realisation against the standard as a target
    meets: bool


def compare_to_standard(
    realisation: Decimal | None,
    standard: Decimal | None,
    polarity: Polarity = Polarity.HIGHER_IS_BETTER,
    lower_formula: LowerFormula = LowerFormula.MIRROR,
) -> StandardComparison | None:
    """Realisation against a national standard; ``None`` when either is missing."""
    if realisation is None or standard is None:
        return None
    a = achievement(standard, realisation, polarity, lower_formula=lower_formula)
    meets = realisation <= standard if polarity is Polarity.LOWER_IS_BETTER else realisation >= standard
    return StandardComparison(standard, realisation - standard, a, meets)
