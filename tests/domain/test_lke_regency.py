"""The regency's LKE figures (domain.lke_regency): below B, the weakest sub-components, the change."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sakip.domain.lke_grading import GRADE_PERCENT, GRADES
from sakip.domain.lke_regency import Change, OfficeResult, SubResult, change, sub_change, weakest

D = Decimal


def sub(code: str, grade: str | None, weight: str = "6", value: Decimal | None = None) -> SubResult:
    w = D(weight)
    v = value if value is not None or grade is None else GRADE_PERCENT[grade] * w / 100
    return SubResult(code, f"Subkomponen {code}", w, grade, v)


@pytest.mark.parametrize("grade", GRADES)
@pytest.mark.parametrize("weight", ["3", "4.5", "6", "7.5", "12.5", "15"])
def test_below_b_is_the_grades_cc_to_e(grade: str, weight: str) -> None:
    assert sub("1.a", grade, weight).below_b == (grade in {"CC", "C", "D", "E"})


def test_weakest_first_by_share_below_b_then_mean() -> None:
    a = OfficeResult((sub("1.a", "B"), sub("1.b", "C"), sub("1.c", "BB")), None, None)
    b = OfficeResult((sub("1.a", "CC"), sub("1.b", "BB"), sub("1.c", "BB")), None, None)
    c = OfficeResult((sub("1.a", None), sub("1.b", "D"), sub("1.c", "A")), None, None)
    rows = weakest([a, b, c], ["1.a", "1.b", "1.c"])
    assert [w.code for w in rows] == ["1.b", "1.a", "1.c"]
    b_row = rows[0]
    assert (b_row.offices, b_row.below) == (3, 2)
    assert b_row.share_below == D(2) / D(3) * 100
    assert b_row.mean_percent == (D(50) + D(80) + D(30)) / 3
    a_row = rows[1]  # not yet scored at C: counted among neither
    assert (a_row.offices, a_row.below, a_row.share_below, a_row.mean_percent) == (2, 1, D(50), D(65))


def test_a_sub_component_no_office_has_comes_last() -> None:
    a = OfficeResult((sub("1.a", None), sub("1.b", "BB")), None, None)
    rows = weakest([a])
    assert [w.code for w in rows] == ["1.b", "1.a"] and rows[1].share_below is None and rows[1].mean_percent is None


def test_change() -> None:
    assert change(D(60), D(70)) is Change.UP and change(D(70), D(60)) is Change.DOWN
    assert change(D(70), D("70.0")) is Change.SAME and change(None, D(1)) is None and change(D(1), None) is None
    before = OfficeResult((sub("1.a", "B", "6"),), D(50), "B")
    now = OfficeResult((sub("1.a", "B", "9"),), D(60), "B")  # another weight, the same share: no change
    assert sub_change(before, now, "1.a") is Change.SAME
    assert sub_change(None, now, "1.a") is None and sub_change(before, now, "9.z") is None


@given(st.lists(st.sampled_from(GRADES), min_size=1, max_size=30))
def test_share_and_mean_stay_in_range(grades: list[str]) -> None:
    results = [OfficeResult((sub("1.a", g, "7.5"),), None, None) for g in grades]
    (row,) = weakest(results)
    assert row.offices == len(grades) and 0 <= row.below <= row.offices
    assert row.share_below is not None and 0 <= row.share_below <= 100
    assert row.mean_percent is not None and 0 <= row.mean_percent <= 100
