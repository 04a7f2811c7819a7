"""Quarter targets (Rencana Aksi): the even split, last year's pattern and the checks — figures by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sakip.domain.errors import DomainError
from sakip.domain.measurement import Polarity, Range
from sakip.domain.periods import Rollup, target_to_date
from sakip.domain.quarter_targets import check, errors, even_split, from_pattern, places_of, shown, warnings
from sakip.domain.scales import AKIP_GRADES

D = Decimal
UP, DOWN, QUAL, RANGE = Polarity.HIGHER_IS_BETTER, Polarity.LOWER_IS_BETTER, Polarity.QUALITATIVE, Polarity.IN_RANGE


def q4(*values: object) -> dict[int, object]:
    return {q: (D(v) if isinstance(v, str | int) and not str(v).isalpha() else v) for q, v in zip((1, 2, 3, 4), values,
                                                                                                strict=True)}


# ----------------------------------------------------------------------------- precision


@pytest.mark.parametrize(
    ("values", "places"),
    [((D(1100),), 0), ((D("82.50"),), 1), ((D("0.375"),), 3), ((D(80), D("62.5")), 1), ((D("1E+3"),), 0)],
)
def test_places_of(values: tuple[Decimal, ...], places: int) -> None:
    assert places_of(*values) == places


def test_shown_is_indonesian_with_the_values_own_decimals() -> None:
    assert (shown(D(1100)), shown(D("82.5")), shown(D("0.375")), shown("BB")) == ("1.100", "82,5", "0,375", "BB")


# ----------------------------------------------------------------------------- even split


def test_even_split_cumulative_sum_is_a_quarter_of_the_way_each() -> None:
    # 1.100 × 25 / 50 / 75 / 100 %
    assert even_split(D(1100), polarity=UP, rollup=Rollup.SUM, cumulative=True) == q4(275, 550, 825, 1100)


def test_even_split_per_quarter_sum_adds_up_exactly_and_spreads_the_remainder() -> None:
    # 10: to date 2,5 → 3; 5; 7,5 → 8; 10 → per quarter 3, 2, 3, 2
    assert even_split(D(10), polarity=UP, rollup=Rollup.SUM, cumulative=False) == q4(3, 2, 3, 2)
    # 7: to date 1,75 → 2; 3,5 → 4; 5,25 → 5; 7 → 2, 2, 1, 2
    assert even_split(D(7), polarity=UP, rollup=Rollup.SUM, cumulative=False) == q4(2, 2, 1, 2)
    # 0,375 (three decimals): 0,09375 → 0,094; 0,1875 → 0,188; 0,28125 → 0,281; 0,375
    assert even_split(D("0.375"), polarity=UP, rollup=Rollup.SUM, cumulative=False) == q4(
        "0.094", "0.094", "0.093", "0.094"
    )
    # a lower-is-better count per quarter is split the same way (its running total rises)
    assert even_split(D(8), polarity=DOWN, rollup=Rollup.SUM, cumulative=True) == q4(2, 4, 6, 8)


def test_even_split_cumulative_stock_from_zero_or_from_the_baseline() -> None:
    # 82,5 from 0, one decimal: 20,625 → 20,6; 41,25 → 41,3; 61,875 → 61,9; 82,5
    assert even_split(D("82.5"), polarity=UP, rollup=Rollup.LAST, cumulative=True) == q4("20.6", "41.3", "61.9",
                                                                                          "82.5")
    # from the baseline 60 to 80: 65, 70, 75, 80
    assert even_split(D(80), polarity=UP, rollup=Rollup.LAST, cumulative=True, baseline=D(60)) == q4(65, 70, 75, 80)
    # lower is better from 20 down to 15: 18,75 → 19; 17,5 → 18; 16,25 → 16; 15
    assert even_split(D(15), polarity=DOWN, rollup=Rollup.LAST, cumulative=True, baseline=D(20)) == q4(19, 18, 16, 15)
    # the baseline's decimals count: 62,5 → 80 in steps of 4,375: 66,875 → 66,9; 71,25 → 71,3; 75,625 → 75,6
    assert even_split(D(80), polarity=UP, rollup=Rollup.AVERAGE, cumulative=True, baseline=D("62.5")) == q4(
        "66.9", "71.3", "75.6", 80
    )


def test_even_split_per_quarter_stock_is_the_year_target_each_quarter() -> None:
    for rollup in (Rollup.LAST, Rollup.AVERAGE, Rollup.MAX, Rollup.MIN):
        assert even_split(D("1.5"), polarity=DOWN, rollup=rollup, cumulative=False) == q4("1.5", "1.5", "1.5", "1.5")


def test_even_split_of_a_grade_is_the_grade_each_quarter() -> None:
    assert even_split("BB", polarity=QUAL, rollup=Rollup.LAST, cumulative=True) == q4("BB", "BB", "BB", "BB")


@pytest.mark.parametrize(
    ("target", "polarity", "rollup", "words"),
    [
        (D(15), DOWN, Rollup.LAST, "memerlukan baseline"),
        (None, UP, Rollup.SUM, "target tahunan belum ditetapkan"),
        (None, RANGE, Rollup.LAST, "target tahunan belum ditetapkan"),
        (Range(D(2), D(4)), UP, Rollup.LAST, "indikator rentang"),
        ("BB", UP, Rollup.LAST, "berupa predikat"),
        (None, QUAL, Rollup.LAST, "target tahunan belum ditetapkan"),
    ],
)
def test_even_split_refusals(target: object, polarity: Polarity, rollup: Rollup, words: str) -> None:
    with pytest.raises(DomainError, match=words):
        even_split(target, polarity=polarity, rollup=rollup, cumulative=True)  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- last year's pattern


def test_pattern_of_cumulative_sum() -> None:
    last = q4(250, 550, 850, 1100)
    # 1.200 × 250/1.100 = 272,72… → 273; × 550/1.100 = 600; × 850/1.100 = 927,27… → 927; 1.200
    kw = {"polarity": UP, "rollup": Rollup.SUM, "last_cumulative": True}
    assert from_pattern(D(1200), last, cumulative=True, **kw) == q4(273, 600, 927, 1200)  # type: ignore[arg-type]
    assert from_pattern(D(1200), last, cumulative=False, **kw) == q4(273, 327, 327, 273)  # type: ignore[arg-type]


def test_pattern_of_per_quarter_sum() -> None:
    # last year 100, 200, 300, 400 per quarter (to date 100, 300, 600, 1.000); this year 1.500
    last = q4(100, 200, 300, 400)
    kw = {"polarity": UP, "rollup": Rollup.SUM, "last_cumulative": False}
    assert from_pattern(D(1500), last, cumulative=True, **kw) == q4(150, 450, 900, 1500)  # type: ignore[arg-type]
    assert from_pattern(D(1500), last, cumulative=False, **kw) == q4(150, 300, 450, 600)  # type: ignore[arg-type]


def test_pattern_of_stocks() -> None:
    last = q4(70, 75, 80, 85)
    # average: to date at TW IV 77,5; 80 × 70/77,5 = 72,25… → 72; × 75/77,5 = 77,41… → 77; × 80/77,5 = 82,58… → 83;
    # TW IV takes the remainder: 4 × 80 − (72 + 77 + 83) = 88, so the mean is exactly 80
    avg = from_pattern(D(80), last, polarity=UP, rollup=Rollup.AVERAGE, cumulative=False, last_cumulative=False)
    assert avg == q4(72, 77, 83, 88)
    assert target_to_date(avg, 4, cumulative=False, method=Rollup.AVERAGE) == D(80)  # type: ignore[arg-type]
    # last: 90 × 70/85 = 74,11… → 74; 79,41… → 79; 84,70… → 85; 90
    assert from_pattern(D(90), last, polarity=UP, rollup=Rollup.LAST, cumulative=False, last_cumulative=False) == q4(
        74, 79, 85, 90
    )
    assert from_pattern(D(90), last, polarity=UP, rollup=Rollup.LAST, cumulative=True, last_cumulative=False) == q4(
        74, 79, 85, 90
    )
    # a lower-is-better share coming down 20, 18, 16, 15 → this year 12: 16, 14,4 → 14; 12,8 → 13; 12
    down = from_pattern(D(12), q4(20, 18, 16, 15), polarity=DOWN, rollup=Rollup.LAST, cumulative=True,
                        last_cumulative=True)
    assert down == q4(16, 14, 13, 12)
    assert errors(check(down, polarity=DOWN, rollup=Rollup.LAST, cumulative=True, year_target=D(12))) == []


@pytest.mark.parametrize(
    ("last", "words"),
    [
        (q4(250, 550, None, 1100), "TW III belum ditetapkan"),
        (q4(0, 0, 0, 0), "tahun lalu 0"),
        (q4("B", "B", "BB", "BB"), "hanya untuk target angka"),
    ],
)
def test_pattern_refusals(last: dict[int, object], words: str) -> None:
    with pytest.raises(DomainError, match=words):
        from_pattern(D(100), last, polarity=UP, rollup=Rollup.SUM, cumulative=True,  # type: ignore[arg-type]
                     last_cumulative=True)


def test_no_pattern_for_grades() -> None:
    with pytest.raises(DomainError, match="hanya untuk target angka"):
        from_pattern("BB", q4("B", "B", "BB", "BB"), polarity=QUAL, rollup=Rollup.LAST, cumulative=True,  # type: ignore[arg-type]
                     last_cumulative=True)


# ----------------------------------------------------------------------------- the checks


def texts(issues: list) -> list[tuple[int | None, str, bool]]:  # type: ignore[type-arg]
    return [(i.quarter, str(i), i.warning) for i in issues]


def test_cumulative_targets_must_not_go_down() -> None:
    found = check(q4(50, 40, 60, 100), polarity=UP, rollup=Rollup.LAST, cumulative=True, year_target=D(100))
    assert texts(found) == [
        (2, "target kumulatif TW II (40) lebih rendah dari TW I (50): target kumulatif tidak boleh turun", False)
    ]
    # per quarter they may
    assert check(q4(50, 40, 60, 100), polarity=UP, rollup=Rollup.LAST, cumulative=False, year_target=D(100)) == []


def test_lower_is_better_respects_the_polarity_except_for_running_totals() -> None:
    found = check(q4(19, 18, "18.5", 15), polarity=DOWN, rollup=Rollup.LAST, cumulative=True, year_target=D(15))
    assert texts(found) == [
        (3, "target kumulatif TW III (18,5) lebih tinggi dari TW II (18): target kumulatif indikator «semakin rendah "
            "semakin baik» tidak boleh naik", False)
    ]
    # a count (sum) of complaints, lower is better: its running total rises
    assert check(q4(5, 10, 15, 20), polarity=DOWN, rollup=Rollup.SUM, cumulative=True, year_target=D(20)) == []
    found = check(q4(5, 4, 15, 20), polarity=DOWN, rollup=Rollup.SUM, cumulative=True, year_target=D(20))
    assert [i.quarter for i in found] == [2]


def test_gaps_are_skipped_by_the_direction_rule_and_warned() -> None:
    found = check({1: D(10), 3: D(5)}, polarity=UP, rollup=Rollup.SUM, cumulative=True, year_target=D(20))
    assert texts(found) == [(3, "target kumulatif TW III (5) lebih rendah dari TW I (10): target kumulatif tidak boleh "
                                "turun", False)]
    found = check({1: D(10), 3: D(15)}, polarity=UP, rollup=Rollup.SUM, cumulative=True, year_target=D(20))
    assert texts(found) == [(None, "target TW II, TW IV belum ditetapkan", True)]


def test_grades_are_of_the_scale_and_do_not_fall_when_cumulative() -> None:
    kw = {"polarity": QUAL, "rollup": Rollup.LAST, "ordinal": AKIP_GRADES, "year_target": "BB"}
    assert check(q4("B", "B", "BB", "BB"), cumulative=True, **kw) == []  # type: ignore[arg-type]
    found = check(q4("B", "XX", D(3), "BB"), cumulative=False, **kw)  # type: ignore[arg-type]
    assert [(q, w) for q, _t, w in texts(found)] == [(2, False), (3, False)]
    assert "'XX' bukan predikat Predikat AKIP" in str(found[0]) and "harus predikat" in str(found[1])
    found = check(q4("BB", "B", "BB", "BB"), cumulative=True, **kw)  # type: ignore[arg-type]
    assert texts(found) == [(2, "target kumulatif TW II (B) lebih rendah dari TW I (BB): target kumulatif tidak boleh "
                                "turun", False)]
    found = check(q4("B", "B", "BB", "A"), cumulative=True, **kw)  # type: ignore[arg-type]
    assert texts(found) == [(4, "target s.d. TW IV (A) tidak sama dengan target tahunan (BB)", True)]


def test_numbers_only_for_numeric_indicators_and_bands_only_for_ranges() -> None:
    found = check({1: "BB"}, polarity=UP, rollup=Rollup.LAST, cumulative=False)
    assert texts(found) == [(1, "TW I: target harus angka, bukan «BB»", False)]
    found = check({2: D(3)}, polarity=RANGE, rollup=Rollup.LAST, cumulative=False, year_target=Range(D(2), D(4)))
    assert texts(found) == [
        (2, "TW II: target indikator rentang harus rentang «batas bawah – batas atas», bukan «3»", False)
    ]
    assert check({5: D(1)}, polarity=UP, rollup=Rollup.LAST, cumulative=False)[0].quarter is None
    assert check({}, polarity=RANGE, rollup=Rollup.LAST, cumulative=False) == []


def test_tw_iv_to_date_against_the_year_target_is_a_warning() -> None:
    # 10 / 25 / 50 / 85 % of 1.000, as a real action plan prints it
    found = check(q4(100, 250, 500, 850), polarity=UP, rollup=Rollup.SUM, cumulative=True, year_target=D(1000))
    assert texts(found) == [(4, "target s.d. TW IV (850) tidak sama dengan target tahunan (1.000)", True)]
    assert errors(found) == [] and warnings(found) == found
    # per quarter: the rollup to date — a sum adds up, an average is the mean (exactly)
    assert check(q4(250, 250, 250, 250), polarity=UP, rollup=Rollup.SUM, cumulative=False, year_target=D(1000)) == []
    assert check(q4(70, 80, 75, 95), polarity=UP, rollup=Rollup.AVERAGE, cumulative=False, year_target=D(80)) == []
    found = check(q4(70, 80, 75, 90), polarity=UP, rollup=Rollup.AVERAGE, cumulative=False, year_target=D(80))
    assert texts(found) == [(4, "target s.d. TW IV (78,75) tidak sama dengan target tahunan (80)", True)]


def test_a_year_target_is_required_when_asked() -> None:
    found = check({1: D(5)}, polarity=UP, rollup=Rollup.SUM, cumulative=False, require_year_target=True)
    assert texts(found)[0] == (None, "target triwulan memerlukan target tahunan: isi target tahunan indikator ini",
                               False)


# ----------------------------------------------------------------------------- properties


targets = st.decimals(min_value=D("0.01"), max_value=D("999999999"), places=2, allow_nan=False, allow_infinity=False)


@given(targets)
def test_split_of_a_sum_adds_up_and_never_goes_down(target: Decimal) -> None:
    per_quarter = even_split(target, polarity=UP, rollup=Rollup.SUM, cumulative=False)
    assert sum(per_quarter.values(), D(0)) == target  # type: ignore[arg-type]
    cumulative = even_split(target, polarity=UP, rollup=Rollup.SUM, cumulative=True)
    values = [cumulative[q] for q in (1, 2, 3, 4)]
    assert values == sorted(values) and values[-1] == target  # type: ignore[type-var]
    for split, cum in ((per_quarter, False), (cumulative, True)):
        assert errors(check(split, polarity=UP, rollup=Rollup.SUM, cumulative=cum, year_target=target)) == []
        assert warnings(check(split, polarity=UP, rollup=Rollup.SUM, cumulative=cum, year_target=target)) == []
        assert all(places_of(v) <= places_of(target) for v in split.values())  # type: ignore[arg-type]


@given(targets, st.lists(targets, min_size=4, max_size=4))
def test_a_pattern_reaches_the_year_target(target: Decimal, last: list[Decimal]) -> None:
    last_year = dict(zip((1, 2, 3, 4), last, strict=True))
    for rollup in (Rollup.SUM, Rollup.LAST, Rollup.AVERAGE):
        made = from_pattern(target, last_year, polarity=UP, rollup=rollup, cumulative=False, last_cumulative=False)
        numbers = {q: v for q, v in made.items() if isinstance(v, Decimal)}
        assert target_to_date(numbers, 4, cumulative=False, method=rollup) == target
