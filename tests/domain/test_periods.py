"""periods: quarterly rollups, year end, cumulative targets, ratio indicators (SPEC §3)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sakip.domain.aggregation import mean
from sakip.domain.errors import DomainError
from sakip.domain.formulas import Formula
from sakip.domain.numbers import round_half_up
from sakip.domain.periods import (
    QUARTER_LABELS,
    Rollup,
    cumulative_targets_from_shares,
    measured,
    roll_up,
    roll_up_inputs,
    target_to_date,
    year_end,
)

D = Decimal
FULL = {1: D(10), 2: D(30), 3: D(20), 4: D(40)}
GAPPY = {1: D(10), 2: None, 3: D(20), 4: None}  # TW II and TW IV not measured ("-")


@pytest.mark.parametrize(
    ("method", "full", "gappy"),
    [
        (Rollup.SUM, D(100), D(30)),
        (Rollup.LAST, D(40), D(20)),
        (Rollup.AVERAGE, D(25), D(15)),
        (Rollup.MAX, D(40), D(20)),
        (Rollup.MIN, D(10), D(10)),
    ],
)
def test_rollups(method: Rollup, full: Decimal, gappy: Decimal) -> None:
    assert roll_up(FULL, method) == full
    # missing quarters are skipped, never counted as 0
    assert roll_up(GAPPY, method) == gappy


def test_missing_quarter_is_not_zero() -> None:
    with_zero = {1: D(10), 2: D(0), 3: D(20), 4: D(0)}
    assert roll_up(with_zero, Rollup.AVERAGE) == D("7.5")
    assert roll_up(GAPPY, Rollup.AVERAGE) == D(15)
    assert roll_up(with_zero, Rollup.MIN) == 0
    assert roll_up(GAPPY, Rollup.MIN) == D(10)
    assert roll_up(with_zero, Rollup.LAST) == 0
    assert roll_up(GAPPY, Rollup.LAST) == D(20)


@pytest.mark.parametrize("method", list(Rollup))
def test_nothing_measured_is_none(method: Rollup) -> None:
    assert roll_up({}, method) is None
    assert roll_up({1: None, 2: None, 3: None, 4: None}, method) is None


def test_roll_up_through_a_quarter() -> None:
    assert roll_up(FULL, Rollup.SUM, through=2) == D(40)
    assert roll_up(FULL, Rollup.LAST, through=3) == D(20)
    assert roll_up({3: D(5)}, Rollup.SUM, through=2) is None


def test_quarter_out_of_range_refused() -> None:
    with pytest.raises(DomainError, match="triwulan harus 1–4"):
        roll_up({5: D(1)}, Rollup.SUM)
    with pytest.raises(DomainError, match="triwulan harus 1–4"):
        roll_up(FULL, Rollup.SUM, through=0)
    with pytest.raises(DomainError):
        target_to_date(FULL, 5, cumulative=True, method=Rollup.SUM)


def test_measured_lists_quarters_in_order() -> None:
    assert measured({4: D(4), 1: D(1), 3: None}) == [(1, D(1)), (4, D(4))]
    assert QUARTER_LABELS[4] == "TW IV"


def test_year_end_completeness() -> None:
    complete = year_end(FULL, Rollup.SUM)
    assert complete.value == D(100) and complete.complete
    assert complete.missing_quarters == ()
    partial = year_end(GAPPY, Rollup.LAST)
    assert partial.value == D(20)
    assert not partial.complete
    assert partial.measured_quarters == (1, 3)
    assert partial.missing_quarters == (2, 4)
    empty = year_end({}, Rollup.AVERAGE)
    assert empty.value is None and empty.missing_quarters == (1, 2, 3, 4)


def test_cumulative_targets_from_shares() -> None:
    shares = [D(10), D(25), D(50), D(85)]
    assert cumulative_targets_from_shares(D(200), shares) == {1: D(20), 2: D(50), 3: D(100), 4: D(170)}
    # an index from a baseline: the shares are of the way from 60 to 80
    assert cumulative_targets_from_shares(D(80), shares, baseline=D(60)) == {
        1: D(62),
        2: D(65),
        3: D(70),
        4: D(77),
    }


def test_cumulative_shares_refused() -> None:
    with pytest.raises(DomainError, match="empat triwulan"):
        cumulative_targets_from_shares(D(100), [D(10), D(20), D(30)])
    with pytest.raises(DomainError, match="tidak boleh turun"):
        cumulative_targets_from_shares(D(100), [D(10), D(30), D(20), D(100)])


def test_target_to_date() -> None:
    cumulative = {1: D(20), 2: D(50), 3: D(100), 4: D(170)}
    assert target_to_date(cumulative, 2, cumulative=True, method=Rollup.SUM) == D(50)
    per_quarter = {1: D(20), 2: D(30), 3: D(50), 4: D(70)}
    assert target_to_date(per_quarter, 2, cumulative=False, method=Rollup.SUM) == D(50)
    assert target_to_date(per_quarter, 3, cumulative=False, method=Rollup.LAST) == D(50)


def test_ratio_indicator_rolls_inputs_up_first() -> None:
    """Violations per year over staff at year end — not the mean of quarterly percentages."""
    formula = Formula("S1.1", "pelanggaran / perangkat_desa * 100", {"pelanggaran", "perangkat_desa"})
    quarters = {
        1: {"pelanggaran": D(2), "perangkat_desa": D(100)},
        2: {"pelanggaran": D(0), "perangkat_desa": D(100)},
        3: {"pelanggaran": D(1), "perangkat_desa": D(110)},
        4: {"pelanggaran": D(3), "perangkat_desa": D(120)},
    }
    methods = {"pelanggaran": Rollup.SUM, "perangkat_desa": Rollup.LAST}
    year_inputs = roll_up_inputs(quarters, methods)
    assert year_inputs == {"pelanggaran": D(6), "perangkat_desa": D(120)}
    annual = formula.evaluate(year_inputs)
    assert annual == D(5)  # 6 / 120 × 100

    quarterly = [formula.evaluate(quarters[q]) for q in (1, 2, 3, 4)]
    assert all(v is not None for v in quarterly)
    averaged = mean([v for v in quarterly if v is not None])
    assert round_half_up(averaged) == D("1.35")
    assert averaged != annual


def test_ratio_inputs_with_missing_quarter() -> None:
    quarters: dict[int, dict[str, Decimal | None]] = {
        1: {"a": D(2), "b": D(10)},
        2: {"a": None, "b": None},
        3: {"a": D(4), "b": D(20)},
    }
    rolled = roll_up_inputs(quarters, {"a": Rollup.SUM, "b": Rollup.LAST})
    assert rolled == {"a": D(6), "b": D(20)}
    assert roll_up_inputs({}, {"a": Rollup.SUM}) == {"a": None}
