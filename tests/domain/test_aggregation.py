"""aggregation: means of achievements and the annual-report comparisons (SPEC §4)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sakip.domain.aggregation import (
    YearPoint,
    aggregate,
    aggregate_values,
    compare_to_standard,
    compare_years,
    mean,
)
from sakip.domain.errors import DomainError
from sakip.domain.measurement import NOT_MEASURED, CapPolicy, Polarity, Status, achievement

D = Decimal


def test_mean() -> None:
    assert mean([D(100), D(100), D("79.24"), D(100)]) == D("94.81")
    with pytest.raises(DomainError, match="tanpa nilai"):
        mean([])


def test_aggregate_excludes_not_measured_and_undefined() -> None:
    items = [
        achievement(D(100), D(90)),  # 90
        achievement(D(100), D(70)),  # 70
        NOT_MEASURED,
        achievement(D(100), None),
        achievement(D(0), D(5)),  # undefined: T = 0
    ]
    agg = aggregate(items)
    assert agg.value == D(80)  # never (90 + 70 + 0 + 0) / 4
    assert (agg.measured, agg.not_measured, agg.undefined) == (2, 2, 1)
    assert agg.count == 5
    assert agg.total_weight == 2


def test_aggregate_of_nothing_measured_is_none() -> None:
    agg = aggregate([NOT_MEASURED, NOT_MEASURED])
    assert agg.value is None and agg.not_measured == 2 and agg.measured == 0
    assert aggregate([]).value is None


def test_aggregate_uses_capped_value() -> None:
    items = [achievement(D(10), D(15), cap=CapPolicy.CAP_100), achievement(D(10), D(8))]
    assert aggregate(items).value == D(90)  # (100 + 80) / 2, not (150 + 80) / 2


def test_weighted_aggregate() -> None:
    items = [(achievement(D(100), D(90)), D(3)), (achievement(D(100), D(50)), D(1)), (NOT_MEASURED, D(5))]
    agg = aggregate(items)
    assert agg.value == D(80)  # (270 + 50) / 4
    assert agg.total_weight == 4
    with pytest.raises(DomainError, match="bobot tidak boleh negatif, bukan -1"):
        aggregate([(achievement(D(1), D(1)), D(-1))])


def test_aggregate_values_up_the_tree() -> None:
    goal = aggregate_values([(D(90), D(1)), (None, D(1)), (D(70), D(1))])
    assert goal.value == D(80) and goal.not_measured == 1


def test_compare_years_higher() -> None:
    change = compare_years(YearPoint(2019, D(80), D("78.2"), D("97.75")), YearPoint(2020, D(80), D("67.6"), D("84.5")))
    assert change.realisation_change == D("-10.6")
    assert change.achievement_change == D("-13.25")
    assert change.improved is False
    assert change.realisation_change_pct is not None
    assert round(change.realisation_change_pct, 2) == D("-13.55")
    assert (change.from_year, change.to_year) == (2019, 2020)


def test_compare_years_lower_is_better() -> None:
    change = compare_years(
        YearPoint(2019, None, D(12), None), YearPoint(2020, None, D(10), None), Polarity.LOWER_IS_BETTER
    )
    assert change.improved is True
    same = compare_years(YearPoint(2019, None, D(10), None), YearPoint(2020, None, D(10), None))
    assert same.improved is False and same.realisation_change == 0


def test_compare_years_missing_values() -> None:
    change = compare_years(YearPoint(2019, None, None, None), YearPoint(2020, None, D(5), D(50)))
    assert change.realisation_change is None and change.improved is None
    assert change.achievement_change is None
    from_zero = compare_years(YearPoint(2019, None, D(0), None), YearPoint(2020, None, D(100), None))
    assert from_zero.realisation_change == 100 and from_zero.realisation_change_pct is None


def test_compare_to_standard() -> None:
    higher = compare_to_standard(D(82), D(80))
    assert higher is not None
    assert higher.meets and higher.difference == 2
    assert higher.achievement.value == D("102.5")
    lower = compare_to_standard(D(12), D(10), Polarity.LOWER_IS_BETTER)
    assert lower is not None and not lower.meets and lower.achievement.value == D(80)
    assert compare_to_standard(None, D(10)) is None
    assert compare_to_standard(D(1), None) is None
    assert compare_to_standard(D(1), D(0)) is not None
    zero = compare_to_standard(D(1), D(0))
    assert zero is not None and zero.achievement.status is Status.UNDEFINED
