"""Range quarter targets of an in-range indicator: the checks, the even split and the achievement as of TW N.

A quarter band is the band of the figure to date at the end of TW N; a quarter without its own
band uses the year's band; the achievement against a band follows the annual range rule
(`measurement.achievement` with a `Range`: 100 % inside, the higher-is-better formula below
the low bound, the lower-is-better formula above the high bound).
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from sakip.domain.errors import DomainError
from sakip.domain.measurement import Polarity, Range, Status, achievement
from sakip.domain.office import Indicator, Measurement, Settings
from sakip.domain.periods import Rollup
from sakip.domain.quarter_targets import check, even_split, from_pattern, shown
from sakip.domain.scales import LKJIP_4
from sakip.domain.to_date import has_quarters, quarter_targets, score_quarter, target_as_of

RANGE = Polarity.IN_RANGE
YEAR_BAND = Range(D(80), D(90))


def ranged(rollup: Rollup = Rollup.LAST) -> Indicator:
    return Indicator(id="R", name="Rasio", unit="%", polarity=RANGE, rollup=rollup)


def texts(issues: list) -> list[tuple[int | None, str, bool]]:  # type: ignore[type-arg]
    return [(i.quarter, str(i), i.warning) for i in issues]


def test_bands_are_the_quarter_targets_of_an_in_range_indicator() -> None:
    bands = {1: Range(D(60), D(70)), 2: Range(D(70), D(80)), 3: Range(D(75), D(85)), 4: YEAR_BAND}
    for cumulative in (False, True):
        assert check(bands, polarity=RANGE, rollup=Rollup.LAST, cumulative=cumulative, year_target=YEAR_BAND) == []
    # a band that narrows or moves down is allowed: a band is no running total
    assert check({1: Range(D(85), D(95)), 2: Range(D(70), D(75))}, polarity=RANGE, rollup=Rollup.SUM,
                 cumulative=True, year_target=YEAR_BAND) == []
    # a missing quarter is no warning: the year's band applies to it
    assert check({2: Range(D(70), D(80))}, polarity=RANGE, rollup=Rollup.LAST, cumulative=False,
                 year_target=YEAR_BAND) == []


def test_a_number_or_grade_for_an_in_range_indicator_and_a_band_for_another_are_errors() -> None:
    found = check({1: D(85), 3: "BB"}, polarity=RANGE, rollup=Rollup.LAST, cumulative=False, year_target=YEAR_BAND)
    assert texts(found) == [
        (1, "TW I: target indikator rentang harus rentang «batas bawah – batas atas», bukan «85»", False),
        (3, "TW III: target indikator rentang harus rentang «batas bawah – batas atas», bukan «BB»", False),
    ]
    found = check({2: Range(D(1), D(2))}, polarity=Polarity.HIGHER_IS_BETTER, rollup=Rollup.LAST, cumulative=False)
    assert texts(found) == [(2, "TW II: target harus angka, bukan rentang 1 – 2", False)]
    found = check({2: Range(D(1), D(2))}, polarity=Polarity.QUALITATIVE, rollup=Rollup.LAST, cumulative=False)
    assert texts(found) == [(2, "TW II: target harus predikat, bukan angka", False)]
    with pytest.raises(DomainError, match="batas bawah"):
        Range(D(90), D(80))


def test_a_tw_iv_band_other_than_the_year_band_is_a_warning() -> None:
    found = check({4: Range(D(80), D(95))}, polarity=RANGE, rollup=Rollup.LAST, cumulative=False,
                  year_target=YEAR_BAND)
    assert texts(found) == [(4, "target s.d. TW IV (80 – 95) tidak sama dengan target tahunan (80 – 90)", True)]
    found = check({4: YEAR_BAND}, polarity=RANGE, rollup=Rollup.LAST, cumulative=False, require_year_target=True)
    assert texts(found) == [
        (None, "target triwulan memerlukan target tahunan: isi target tahunan indikator ini", False)
    ]


def test_even_split_puts_the_year_band_in_every_quarter_and_there_is_no_pattern() -> None:
    assert even_split(YEAR_BAND, polarity=RANGE, rollup=Rollup.LAST, cumulative=True) == dict.fromkeys(
        (1, 2, 3, 4), YEAR_BAND
    )
    with pytest.raises(DomainError, match="rentang"):
        from_pattern(YEAR_BAND, dict.fromkeys((1, 2, 3, 4), YEAR_BAND), polarity=RANGE, rollup=Rollup.LAST,
                     cumulative=False, last_cumulative=False)
    assert shown(Range(D("82.5"), D(90))) == "82,5 – 90"


def test_the_band_as_of_tw_n_is_the_quarters_own_else_the_years() -> None:
    m = Measurement(quarterly_target_ranges={2: Range(D(70), D(80))})
    assert quarter_targets(m) == {2: Range(D(70), D(80))} and has_quarters(m)
    assert target_as_of(ranged(), m, 2, YEAR_BAND) == Range(D(70), D(80))
    assert target_as_of(ranged(), m, 1, YEAR_BAND) == YEAR_BAND  # no band of its own: the year's
    assert target_as_of(ranged(), m, 3, None) is None  # neither: target belum ditetapkan
    # not rolled up, whatever the rollup or the cumulative choice
    summed = Measurement(quarterly_target_ranges={1: Range(D(10), D(20)), 2: Range(D(30), D(40))})
    assert target_as_of(ranged(Rollup.SUM), summed, 2, YEAR_BAND) == Range(D(30), D(40))


@pytest.mark.parametrize(
    ("real", "expected"),
    [(D(75), D(100)), (D(70), D(100)), (D(80), D(100)), (D(60), None), (D(88), None)],
)
def test_the_achievement_to_date_follows_the_annual_range_rule(real: D, expected: D | None) -> None:
    band = Range(D(70), D(80))
    m = Measurement(quarterly_target_ranges={2: band}, quarters={1: D(50), 2: real})
    s = score_quarter(Settings(), LKJIP_4, ranged(), m, 2, YEAR_BAND)
    rule = achievement(band, real, RANGE)  # the annual rule, asked directly
    assert s.target_to_date == band and s.achievement == rule and s.achievement.status is Status.MEASURED
    if expected is not None:
        assert s.achievement.value == expected and s.achievement.met
    else:
        assert s.achievement.value is not None and s.achievement.value < 100 and not s.achievement.met
    # the same realisation against the year's band (TW I has no band of its own) gives the year's rule
    s1 = score_quarter(Settings(), LKJIP_4, ranged(), m, 1, YEAR_BAND)
    assert s1.target_to_date == YEAR_BAND and s1.achievement == achievement(YEAR_BAND, D(50), RANGE)
