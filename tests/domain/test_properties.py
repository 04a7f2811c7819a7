"""Property tests (hypothesis) of the domain invariants."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from sakip.domain.aggregation import aggregate, mean
from sakip.domain.measurement import (
    NOT_MEASURED,
    Achievement,
    CapPolicy,
    LowerFormula,
    Method,
    Polarity,
    Range,
    Status,
    achievement,
)
from sakip.domain.numbers import NumberFormat, format_number, parse_number, round_half_up
from sakip.domain.periods import QUARTERS, Rollup, roll_up, year_end
from sakip.domain.scales import SCALE_PRESETS, PredicateScale, scale_from_cut_points
from sakip.domain.survey import GRADES_2004, GRADES_2017

D = Decimal
HIGHER = Polarity.HIGHER_IS_BETTER
LOWER = Polarity.LOWER_IS_BETTER
# Engine arithmetic keeps 28 significant digits; for values of a few hundred the two
# ways of computing the mirror differ by far less than this.
EPSILON = D("1e-20")


def decimals(lo: str, hi: str) -> st.SearchStrategy[Decimal]:
    return st.decimals(min_value=D(lo), max_value=D(hi), allow_nan=False, allow_infinity=False, places=4)


positive = decimals("0.0001", "1000000")
non_negative = decimals("0", "1000000")
anything = decimals("-1000000", "1000000")
caps = st.sampled_from([CapPolicy.CAP_100, CapPolicy.CAP_120])


# ---------------------------------------------------------------- achievement


@given(t=positive, r=anything)
def test_lower_mirrors_higher(t: Decimal, r: Decimal) -> None:
    """For T > 0 the mirror formula is 200 − (R / T × 100), before flooring at 0.

    ``raw`` is floored but not capped, so: when 0 ≤ R ≤ 2T neither side is floored
    and the two raws add up to 200; when R > 2T the lower-is-better raw is 0; when
    R < 0 the higher-is-better raw is 0 and the lower-is-better raw is above 200.
    """
    higher = achievement(t, r, HIGHER)
    lower = achievement(t, r, LOWER, lower_formula=LowerFormula.MIRROR)
    assert higher.raw is not None and lower.raw is not None
    if 0 <= r <= 2 * t:
        assert abs(lower.raw + higher.raw - 200) <= EPSILON
    elif r > 2 * t:
        assert lower.raw == 0
        assert higher.raw > 200
    else:
        assert higher.raw == 0
        assert lower.raw > 200
        assert abs(lower.raw - (200 - r / t * 100)) <= EPSILON * (1 + abs(r / t))
    assert higher.met is (r >= t)
    assert lower.met is (r <= t)


@given(t=positive, r=positive)
def test_lower_inverse_is_reciprocal_of_higher(t: Decimal, r: Decimal) -> None:
    higher = achievement(t, r, HIGHER)
    inverse = achievement(t, r, LOWER, lower_formula=LowerFormula.INVERSE)
    assert higher.raw is not None and inverse.raw is not None
    # (R/T·100)·(T/R·100) = 10 000, up to the last of 28 significant digits of each factor
    assert abs(higher.raw * inverse.raw - 10000) <= D("1e-18") * max(higher.raw, inverse.raw)


@given(t=positive, r=anything, cap=caps, polarity=st.sampled_from([HIGHER, LOWER]))
def test_cap_bounds_value_and_keeps_raw(t: Decimal, r: Decimal, cap: CapPolicy, polarity: Polarity) -> None:
    uncapped = achievement(t, r, polarity)
    capped = achievement(t, r, polarity, cap=cap)
    limit = cap.limit
    assert limit is not None
    assert capped.raw == uncapped.raw  # raw preserved
    assert capped.raw is not None and capped.value is not None
    assert capped.value <= limit
    assert capped.value == min(capped.raw, limit)
    assert capped.capped is (capped.raw > limit)
    assert capped.met is uncapped.met


def _nonnegative(a: Achievement) -> None:
    if a.status is Status.MEASURED:
        assert a.raw is not None and a.value is not None
        assert a.raw >= 0 and a.value >= 0
    else:
        assert a.raw is None and a.value is None


@given(
    t=anything,
    r=anything,
    polarity=st.sampled_from([HIGHER, LOWER]),
    formula=st.sampled_from(list(LowerFormula)),
    cap=st.sampled_from(list(CapPolicy)),
)
def test_achievement_never_negative(
    t: Decimal, r: Decimal, polarity: Polarity, formula: LowerFormula, cap: CapPolicy
) -> None:
    _nonnegative(achievement(t, r, polarity, lower_formula=formula, cap=cap))


@given(t=anything, r=anything, b=anything)
def test_baseline_achievement_never_negative(t: Decimal, r: Decimal, b: Decimal) -> None:
    a = achievement(t, r, method=Method.BASELINE, baseline=b)
    _nonnegative(a)
    assert (a.status is Status.UNDEFINED) is (t == b)


@given(lo=anything, width=non_negative, r=anything, formula=st.sampled_from(list(LowerFormula)))
def test_in_range_achievement(lo: Decimal, width: Decimal, r: Decimal, formula: LowerFormula) -> None:
    target = Range(lo, lo + width)
    a = achievement(target, r, Polarity.IN_RANGE, lower_formula=formula)
    _nonnegative(a)
    if target.low <= r <= target.high:
        assert a.value == 100 and a.met is True
    elif a.status is Status.MEASURED:
        assert a.met is False
        assert a.value is not None and a.value < 100


@given(t=anything, polarity=st.sampled_from([HIGHER, LOWER]))
def test_not_measured_is_never_a_number(t: Decimal, polarity: Polarity) -> None:
    a = achievement(t, None, polarity)
    assert a.status is Status.NOT_MEASURED and a.value is None


# ---------------------------------------------------------------- rollups


@given(q=st.sampled_from(QUARTERS), v=anything, method=st.sampled_from(list(Rollup)))
def test_rollup_of_single_measured_quarter(q: int, v: Decimal, method: Rollup) -> None:
    values: dict[int, Decimal | None] = {other: None for other in QUARTERS}
    values[q] = v
    assert roll_up(values, method) == v
    ye = year_end(values, method)
    assert ye.value == v and ye.measured_quarters == (q,)


@given(
    values=st.dictionaries(st.sampled_from(QUARTERS), st.one_of(st.none(), anything)),
    method=st.sampled_from(list(Rollup)),
)
def test_rollup_ignores_unmeasured_quarters(values: dict[int, Decimal | None], method: Rollup) -> None:
    measured = {q: v for q, v in values.items() if v is not None}
    assert roll_up(values, method) == roll_up(measured, method)
    points = [measured[q] for q in sorted(measured)]
    result = roll_up(values, method)
    if not points:
        assert result is None
    else:
        assert result is not None
        assert min(points) <= result <= max(points) or method is Rollup.SUM


# ---------------------------------------------------------------- scales


def _check_total(scale: PredicateScale, v: Decimal) -> None:
    shown = round_half_up(v, scale.precision)
    containing = [b for b in scale.bands if b.contains(shown)]
    assert len(containing) == 1, (scale.code, v, [b.label for b in containing])
    assert scale.band_for(v) == containing[0]
    assert scale.classify(v) == containing[0].label


ALL_PRESETS = [*SCALE_PRESETS.values(), GRADES_2017, GRADES_2004]


@given(scale=st.sampled_from(ALL_PRESETS), v=decimals("-1000", "1000"))
def test_presets_are_total(scale: PredicateScale, v: Decimal) -> None:
    _check_total(scale, v)


@given(
    scale=st.sampled_from(ALL_PRESETS),
    v=st.integers(-200, 200),
    offset=st.sampled_from(
        ["0", "0.001", "-0.001", "0.004", "-0.004", "0.005", "-0.005", "0.01", "-0.01", "0.0049", "-0.0051"]
    ),
)
def test_presets_are_total_near_bounds(scale: PredicateScale, v: int, offset: str) -> None:
    _check_total(scale, D(v) + D(offset))


@st.composite
def cut_point_scales(draw: st.DrawFn) -> PredicateScale:
    cuts = draw(st.lists(decimals("-500", "500"), min_size=0, max_size=6, unique=True))
    cuts.sort()
    inclusive = draw(st.lists(st.booleans(), min_size=len(cuts), max_size=len(cuts)))
    steps = [(f"band{i + 1}", str(c), inc) for i, (c, inc) in enumerate(zip(cuts, inclusive, strict=True))]
    return scale_from_cut_points("random", "random", "band0", steps)


@given(scale=cut_point_scales(), v=decimals("-1000", "1000"))
def test_random_scales_are_total(scale: PredicateScale, v: Decimal) -> None:
    _check_total(scale, v)


@given(scale=cut_point_scales(), data=st.data())
def test_random_scales_at_their_bounds(scale: PredicateScale, data: st.DataObject) -> None:
    bounds = [b.min for b in scale.bands if b.min is not None]
    assume(bounds)
    bound = data.draw(st.sampled_from(bounds))
    offset = data.draw(st.sampled_from(["0", "0.0001", "-0.0001", "0.005", "-0.005", "0.01", "-0.01"]))
    _check_total(scale, bound + D(offset))


# ---------------------------------------------------------------- aggregation


measured_achievements = st.builds(lambda t, r: achievement(t, r), positive, non_negative)


@given(items=st.lists(measured_achievements, max_size=8), missing=st.integers(0, 5), position=st.integers(0, 8))
def test_aggregate_ignores_not_measured(items: list[Achievement], missing: int, position: int) -> None:
    mixed = list(items)
    for _ in range(missing):
        mixed.insert(min(position, len(mixed)), NOT_MEASURED)
    with_gaps = aggregate(mixed)
    without = aggregate(items)
    assert with_gaps.value == without.value
    assert with_gaps.not_measured == missing
    assert with_gaps.measured == len(items)
    if items:
        values = [a.value for a in items if a.value is not None]
        assert with_gaps.value == mean(values)
    else:
        assert with_gaps.value is None


# ---------------------------------------------------------------- numbers


@settings(deadline=None)
@given(v=decimals("-100000000000", "100000000000"), fmt=st.sampled_from(list(NumberFormat)))
def test_format_then_parse_gives_the_rounded_value(v: Decimal, fmt: NumberFormat) -> None:
    assert parse_number(format_number(v, 2, fmt), fmt) == round_half_up(v, 2)
