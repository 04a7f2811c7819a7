"""measurement: achievement for every polarity and method, caps, not measured (SPEC §4)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sakip.domain.errors import DomainError, ScaleError
from sakip.domain.measurement import (
    NOT_MEASURED,
    CapPolicy,
    LowerFormula,
    Method,
    Polarity,
    Range,
    Status,
    achievement,
    assess,
    implied_realisation,
    progress_to_end_target,
)
from sakip.domain.numbers import round_half_up
from sakip.domain.scales import AKIP_GRADES, AUDIT_OPINION, KEMENPAN_5, LKJIP_4

D = Decimal
HIGHER = Polarity.HIGHER_IS_BETTER
LOWER = Polarity.LOWER_IS_BETTER


def shown(a: object) -> Decimal:
    value = a.value  # type: ignore[attr-defined]
    assert value is not None
    return round_half_up(value)


# ---------------------------------------------------------------- higher is better


def test_higher_is_better() -> None:
    a = achievement(D(85), D(82))
    assert a.status is Status.MEASURED and a.measured
    assert shown(a) == D("96.47")
    assert a.met is False
    assert achievement(D(80), D(80)).met is True
    assert achievement(D(80), D("67.6")).value == D("84.5")


def test_higher_target_zero_is_undefined() -> None:
    a = achievement(D(0), D(5), HIGHER)
    assert a.status is Status.UNDEFINED
    assert a.value is None and a.raw is None
    assert a.reason is not None and "0" in a.reason
    assert achievement(D(0), D(0), HIGHER).status is Status.UNDEFINED


def test_negative_target_needs_baseline() -> None:
    assert achievement(D(-5), D(1), HIGHER).status is Status.UNDEFINED
    assert achievement(D(-5), D(1), LOWER).status is Status.UNDEFINED


def test_negative_realisation_floors_at_zero() -> None:
    a = achievement(D(10), D(-2), HIGHER)
    assert a.raw == 0 and a.value == 0


# ---------------------------------------------------------------- lower is better


def test_lower_mirror_formula() -> None:
    # (2T − R) / T × 100
    assert achievement(D(10), D(8), LOWER).value == D(120)
    assert achievement(D(10), D(12), LOWER).value == D(80)
    assert achievement(D(10), D(10), LOWER).value == D(100)
    assert achievement(D(10), D(8), LOWER).met is True
    assert achievement(D(10), D(12), LOWER).met is False
    # seed 000 RTLH: target 9,5 %, a realisation of 11,47 % gives 79,26 %
    assert shown(achievement(D("9.5"), D("11.47"), LOWER)) == D("79.26")


def test_lower_inverse_formula() -> None:
    # T / R × 100
    inv = LowerFormula.INVERSE
    assert achievement(D(10), D(8), LOWER, lower_formula=inv).value == D(125)
    assert achievement(D(10), D(20), LOWER, lower_formula=inv).value == D(50)
    assert achievement(D(10), D(8), LOWER, lower_formula=inv).met is True
    a = achievement(D(10), D(0), LOWER, lower_formula=inv)
    assert a.status is Status.UNDEFINED and a.reason is not None and "T / R" in a.reason


def test_lower_formulas_differ() -> None:
    mirror = achievement(D(10), D(15), LOWER, lower_formula=LowerFormula.MIRROR)
    inverse = achievement(D(10), D(15), LOWER, lower_formula=LowerFormula.INVERSE)
    assert mirror.value == D(50)
    assert shown(inverse) == D("66.67")


def test_lower_negative_result_floors_at_zero() -> None:
    a = achievement(D(10), D(25), LOWER)  # (20 − 25) / 10 × 100 = −50
    assert a.status is Status.MEASURED
    assert a.raw == 0 and a.value == 0 and a.met is False
    assert achievement(D(10), D(20), LOWER).value == 0  # exactly 2T


@pytest.mark.parametrize("formula", list(LowerFormula))
def test_lower_target_zero(formula: LowerFormula) -> None:
    zero = achievement(D(0), D(0), LOWER, lower_formula=formula)
    assert zero.value == D(100) and zero.met is True
    some = achievement(D(0), D(3), LOWER, lower_formula=formula)
    assert some.value == D(0) and some.met is False


# ---------------------------------------------------------------- caps


@pytest.mark.parametrize(
    ("cap", "value", "capped"),
    [
        (CapPolicy.NONE, D(150), False),
        (CapPolicy.CAP_100, D(100), True),
        (CapPolicy.CAP_120, D(120), True),
    ],
)
def test_cap_keeps_raw(cap: CapPolicy, value: Decimal, capped: bool) -> None:
    a = achievement(D(10), D(15), cap=cap)
    assert a.raw == D(150)
    assert a.value == value
    assert a.capped is capped


def test_cap_below_limit_is_untouched() -> None:
    a = achievement(D(10), D(11), cap=CapPolicy.CAP_120)
    assert a.raw == a.value == D(110) and not a.capped
    assert CapPolicy.NONE.limit is None
    assert CapPolicy.CAP_100.limit == 100 and CapPolicy.CAP_120.limit == 120


def test_cap_applies_to_lower_is_better() -> None:
    a = achievement(D(10), D(5), LOWER, cap=CapPolicy.CAP_100)
    assert a.raw == D(150) and a.value == D(100) and a.capped


# ---------------------------------------------------------------- in range


R = Range(D(2), D(4))  # 3 ± 1 %


@pytest.mark.parametrize("r", ["2", "3", "4", "2.0001"])
def test_in_range_inside(r: str) -> None:
    a = achievement(R, D(r), Polarity.IN_RANGE)
    assert a.value == D(100) and a.met is True


def test_in_range_below_is_higher_against_low() -> None:
    a = achievement(R, D(1), Polarity.IN_RANGE)
    assert a.value == D(50) and a.met is False


def test_in_range_above_is_lower_against_high() -> None:
    a = achievement(R, D(5), Polarity.IN_RANGE)  # (8 − 5) / 4 × 100
    assert a.value == D(75) and a.met is False
    inv = achievement(R, D(5), Polarity.IN_RANGE, lower_formula=LowerFormula.INVERSE)
    assert inv.value == D(80) and inv.met is False
    assert achievement(R, D(9), Polarity.IN_RANGE).value == 0


def test_in_range_needs_range() -> None:
    with pytest.raises(DomainError, match="rentang"):
        achievement(D(3), D(3), Polarity.IN_RANGE)
    with pytest.raises(DomainError, match="lebih besar dari batas atas"):
        Range(D(4), D(2))


def test_in_range_low_zero_below() -> None:
    a = achievement(Range(D(0), D(1)), D(-1), Polarity.IN_RANGE)
    assert a.status is Status.UNDEFINED


# ---------------------------------------------------------------- qualitative


def test_qualitative_akip_above_target() -> None:
    # target BB (rank 5), realisation A (rank 6): 6 / 5 = 120 %
    a = achievement("BB", "A", Polarity.QUALITATIVE, ordinal=AKIP_GRADES)
    assert a.value == D(120) and a.met is True
    capped = achievement("BB", "A", Polarity.QUALITATIVE, ordinal=AKIP_GRADES, cap=CapPolicy.CAP_100)
    assert capped.raw == D(120) and capped.value == D(100) and capped.capped


def test_qualitative_akip_below_target() -> None:
    a = achievement("BB", "B", Polarity.QUALITATIVE, ordinal=AKIP_GRADES)
    assert a.value == D(80) and a.met is False
    assert achievement("BB", "bb", Polarity.QUALITATIVE, ordinal=AKIP_GRADES).value == D(100)


def test_qualitative_audit_opinion() -> None:
    assert achievement("WTP", "WTP", Polarity.QUALITATIVE, ordinal=AUDIT_OPINION).value == D(100)
    a = achievement("WTP", "WDP", Polarity.QUALITATIVE, ordinal=AUDIT_OPINION)
    assert a.value == D(75) and a.met is False
    assert achievement("WTP", "TMP", Polarity.QUALITATIVE, ordinal=AUDIT_OPINION).value == D(25)


def test_qualitative_errors() -> None:
    with pytest.raises(DomainError, match="skala predikat"):
        achievement("BB", "A", Polarity.QUALITATIVE)
    with pytest.raises(DomainError, match="predikat \\(teks\\)"):
        achievement(D(5), "A", Polarity.QUALITATIVE, ordinal=AKIP_GRADES)
    with pytest.raises(ScaleError, match="'Z'"):
        achievement("BB", "Z", Polarity.QUALITATIVE, ordinal=AKIP_GRADES)


def test_text_realisation_on_numeric_indicator_refused() -> None:
    with pytest.raises(DomainError, match="berupa teks"):
        achievement(D(80), "A")
    with pytest.raises(DomainError, match="bukan angka"):
        achievement("80", D(80))


# ---------------------------------------------------------------- baseline


def test_baseline_progress() -> None:
    # baseline 60, target 80, realisation 75 → 15 / 20 = 75 %
    a = achievement(D(80), D(75), method=Method.BASELINE, baseline=D(60))
    assert a.value == D(75) and a.met is False
    assert achievement(D(80), D(80), method=Method.BASELINE, baseline=D(60)).met is True


def test_baseline_decreasing_target() -> None:
    # baseline 20 %, target 10 % (a reduction), realisation 15 % → half the way
    a = achievement(D(10), D(15), method=Method.BASELINE, baseline=D(20))
    assert a.value == D(50) and a.met is False
    assert achievement(D(10), D(9), method=Method.BASELINE, baseline=D(20)).met is True


def test_baseline_equal_to_target_is_undefined() -> None:
    a = achievement(D(10), D(15), method=Method.BASELINE, baseline=D(10))
    assert a.status is Status.UNDEFINED
    assert a.reason is not None and "T − B" in a.reason


def test_baseline_backwards_floors_at_zero() -> None:
    assert achievement(D(80), D(50), method=Method.BASELINE, baseline=D(60)).value == 0


def test_baseline_required() -> None:
    with pytest.raises(DomainError, match="kondisi awal"):
        achievement(D(80), D(75), method=Method.BASELINE)


def test_baseline_works_with_negative_target() -> None:
    a = achievement(D(-2), D(-1), method=Method.BASELINE, baseline=D(0))
    assert a.value == D(50)


# ---------------------------------------------------------------- not measured


def test_not_measured_is_not_zero() -> None:
    none = achievement(D(80), None)
    zero = achievement(D(80), D(0))
    assert none is NOT_MEASURED
    assert none.status is Status.NOT_MEASURED and none.value is None and none.met is None
    assert zero.status is Status.MEASURED and zero.value == 0 and zero.met is False
    assert none != zero
    # for lower-is-better a 0 realisation is the best result, never "no data"
    assert achievement(D(1), D(0), LOWER).value == D(200)
    assert achievement(D(1), None, LOWER).status is Status.NOT_MEASURED


def test_no_target_is_its_own_status() -> None:
    """A realisation without a target is "target belum ditetapkan" — neither 0 nor "belum diukur"."""
    a = achievement(None, D(5))
    assert a.status is Status.NO_TARGET and a.reason == "no target"
    assert a.value is None and a.raw is None and not a.measured
    assert achievement(None, None).status is Status.NOT_MEASURED


# ---------------------------------------------------------------- assess / progress / implied


def test_assess_uses_capped_value() -> None:
    a = achievement(D(10), D(11), cap=CapPolicy.CAP_100)
    assert assess(a, LKJIP_4).category == "Baik"  # 100 (capped), not 110
    uncapped = achievement(D(10), D(11))
    assert assess(uncapped, LKJIP_4).category == "Sangat Baik"
    result = assess(achievement(D(85), D(82)), KEMENPAN_5)
    assert (result.category, result.color) == ("Sangat Baik", "green")  # one colour per predicate on every scale
    empty = assess(NOT_MEASURED, KEMENPAN_5)
    assert empty.category is None and empty.color is None


def test_progress_to_end_target() -> None:
    assert shown(progress_to_end_target(D(82), D(88))) == D("93.18")
    # never capped
    assert progress_to_end_target(D(120), D(100)).value == D(120)
    assert progress_to_end_target(D(8), D(10), LOWER).value == D(120)
    assert progress_to_end_target(None, D(10)).status is Status.NOT_MEASURED
    assert progress_to_end_target(D(1), D(1), Polarity.IN_RANGE).status is Status.UNDEFINED


@pytest.mark.parametrize(
    ("polarity", "formula"),
    [(HIGHER, LowerFormula.MIRROR), (LOWER, LowerFormula.MIRROR), (LOWER, LowerFormula.INVERSE)],
)
def test_implied_realisation_inverts_achievement(polarity: Polarity, formula: LowerFormula) -> None:
    target = D("9.5")
    for achieved in (D("79.24"), D(100), D("112.5")):
        r = implied_realisation(achieved, target, polarity, formula)
        back = achievement(target, r, polarity, lower_formula=formula)
        assert back.raw is not None
        assert round_half_up(back.raw, 10) == round_half_up(achieved, 10)
