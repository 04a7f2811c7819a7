"""budget: absorption, totals, classification, per objective, efficiency (SPEC §6)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sakip.domain.budget import (
    SEVERAL,
    UNATTACHED,
    Amounts,
    BudgetClass,
    BudgetLine,
    EfficiencyVerdict,
    Level,
    absorption,
    amounts,
    by_class,
    by_objective,
    compare_years,
    deviation,
    efficiency,
    grand_total,
    line_realisation,
    share,
    sum_checks,
    total,
)
from sakip.domain.errors import BudgetError

D = Decimal


def leaf(code: str, alloc: int, real: int | None = None, **kw: object) -> BudgetLine:
    return BudgetLine(
        code,
        f"line {code}",
        Level.SUB_ACTIVITY,
        allocation=D(alloc),
        realisation=None if real is None else D(real),
        **kw,  # type: ignore[arg-type]
    )


def test_absorption_and_deviation() -> None:
    a = absorption(D(1778830385), D(1816490281))
    assert a is not None and round(a, 2) == D("97.93")
    d = deviation(D(56619400), D(56749400))
    assert d is not None and round(d, 2) == D("-0.23")
    assert absorption(D(5), D(0)) is None
    assert deviation(D(5), D(0)) is None
    assert share(D(1), D(4)) == D(25)
    assert absorption(D(0), D(4513866000)) == 0


def test_amounts() -> None:
    a = Amounts(D(100), D(80))
    assert a.remaining == 20 and a.absorption == 80 and a.deviation == -20
    none = Amounts(D(100), None)
    assert none.remaining is None and none.absorption is None and none.deviation is None
    assert (a + none).realisation is None
    assert (a + a) == Amounts(D(200), D(160))
    assert Amounts(D(0), D(0)).absorption is None


def test_negative_amounts_refused() -> None:
    with pytest.raises(BudgetError, match="pagu -1 bernilai negatif"):
        leaf("x", -1)
    with pytest.raises(BudgetError, match="realisasi -1 bernilai negatif"):
        leaf("x", 1, -1)
    with pytest.raises(BudgetError, match="triwulan harus 1–4"):
        leaf("x", 1, quarterly_realisation={5: D(1)})


def test_leaf_without_allocation_refused() -> None:
    with pytest.raises(BudgetError, match="pagu belum diisi"):
        amounts(BudgetLine("x", "x", Level.ACTIVITY))


def test_quarterly_realisation() -> None:
    line = leaf("x", 100, quarterly_realisation={1: D(10), 2: D(20), 4: D(30)})
    assert line_realisation(line) == D(60)
    assert line_realisation(line, through=2) == D(30)
    assert amounts(line, through=1).realisation == D(10)
    stated = leaf("y", 100, 70)
    assert line_realisation(stated) == D(70)
    assert line_realisation(stated, through=3) is None  # only the year's figure is known


def test_parent_is_sum_of_children() -> None:
    program = BudgetLine(
        "1", "program", Level.PROGRAM, children=[leaf("1.a", 24122000, 24044000), leaf("1.b", 32627400, 32575400)]
    )
    assert amounts(program) == Amounts(D(56749400), D(56619400))
    assert [ln.code for ln in program.walk()] == ["1", "1.a", "1.b"]
    assert total([program, leaf("2", 100, 50)]) == Amounts(D(56749500), D(56619450))


def test_sum_checks_find_a_wrong_stated_total() -> None:
    good = BudgetLine(
        "1",
        "ok",
        Level.PROGRAM,
        allocation=D(300),
        realisation=D(250),
        children=[leaf("1.a", 100, 100), leaf("1.b", 200, 150)],
    )
    bad = BudgetLine(
        "2",
        "double",
        Level.PROGRAM,
        allocation=D(600),
        realisation=D(250),
        children=[leaf("2.a", 100, 100), leaf("2.b", 200, 150)],
    )
    checks = sum_checks([good, bad])
    assert [(c.where, c.what, c.ok) for c in checks] == [
        ("1 ok", "allocation", True),
        ("1 ok", "realisation", True),
        ("2 double", "allocation", False),
        ("2 double", "realisation", True),
    ]
    wrong = checks[2]
    assert (wrong.stated, wrong.computed, wrong.difference) == (D(600), D(300), D(300))
    # a parent that states nothing is not checked; nor is a leaf
    assert sum_checks([BudgetLine("3", "silent", Level.PROGRAM, children=[leaf("3.a", 1)])]) == []
    assert sum_checks([leaf("4", 1, 1)]) == []


def test_by_class_2021() -> None:
    lines = [
        leaf("a", 100, 90, budget_class=BudgetClass.OPERASI),
        leaf("b", 50, 50, budget_class=BudgetClass.MODAL),
        leaf("c", 10, 5, budget_class=BudgetClass.OPERASI),
        leaf("d", 7, 7),  # unclassified
    ]
    classes = by_class(lines)
    assert classes == {BudgetClass.OPERASI: Amounts(D(110), D(95)), BudgetClass.MODAL: Amounts(D(50), D(50))}
    assert grand_total(classes) == Amounts(D(160), D(145))
    assert BudgetClass.MODAL.label == "Belanja Modal"
    assert BudgetClass.BTL.system == "13/2006" and BudgetClass.TRANSFER.system == "90/2019"


def test_by_class_with_stated_salaries() -> None:
    lines = [leaf("a", 100, 90, budget_class=BudgetClass.BL), leaf("g", 5, 5, budget_class=BudgetClass.BTL)]
    stated = {BudgetClass.BTL: Amounts(D(1481428639), D(1472297524))}
    classes = by_class(lines, stated)
    assert classes[BudgetClass.BTL] == stated[BudgetClass.BTL]  # taken as stated, not added to
    assert classes[BudgetClass.BL] == Amounts(D(100), D(90))


def test_by_class_refuses_mixing_systems() -> None:
    lines = [leaf("a", 100, 90, budget_class=BudgetClass.BL), leaf("b", 10, 10, budget_class=BudgetClass.OPERASI)]
    with pytest.raises(BudgetError, match="BTL/BL"):
        by_class(lines)
    with pytest.raises(BudgetError, match="mencampur"):
        by_class([leaf("b", 10, 10, budget_class=BudgetClass.MODAL)], {BudgetClass.BTL: Amounts(D(1), D(1))})


def test_by_objective() -> None:
    p1 = BudgetLine("1", "p1", Level.PROGRAM, objectives=("S1",), children=[leaf("1.a", 100, 80)])
    p2 = BudgetLine("2", "p2", Level.PROGRAM, objectives=("S1", "S2"), children=[leaf("2.a", 50, 50)])
    p3 = BudgetLine("3", "admin", Level.PROGRAM, children=[leaf("3.a", 30, 30)])
    result = by_objective([p1, p2, p3])
    assert result["S1"] == Amounts(D(100), D(80))
    assert "S2" not in result  # a program serving two objectives without shares is counted once …
    assert result[SEVERAL] == Amounts(D(50), D(50))  # … under "several objectives"
    assert result[UNATTACHED] == Amounts(D(30), D(30))


@pytest.mark.parametrize(
    ("achieved", "absorbed", "verdict"),
    [
        (D(100), D(90), EfficiencyVerdict.EFFICIENT),
        (D(110), D("99.99"), EfficiencyVerdict.EFFICIENT),
        (D(100), D(100), EfficiencyVerdict.ON_PLAN),
        (D(80), D(90), EfficiencyVerdict.TARGET_MISSED_UNDERSPENT),
        (D(80), D(100), EfficiencyVerdict.TARGET_MISSED_UNDERSPENT),
        (D(80), D(105), EfficiencyVerdict.TARGET_MISSED_OVERSPENT),
        (D(100), D(105), EfficiencyVerdict.OVERSPENT),
        (None, D(90), EfficiencyVerdict.UNKNOWN),
        (D(90), None, EfficiencyVerdict.UNKNOWN),
    ],
)
def test_efficiency_verdicts(achieved: Decimal | None, absorbed: Decimal | None, verdict: EfficiencyVerdict) -> None:
    e = efficiency(achieved, absorbed)
    assert e.verdict is verdict
    if achieved is not None and absorbed is not None:
        assert e.difference == achieved - absorbed
        assert e.ratio == achieved / absorbed
    else:
        assert e.ratio is None and e.difference is None


def test_efficiency_nothing_spent() -> None:
    e = efficiency(D(100), D(0))
    assert e.ratio is None and e.difference == D(100)
    assert e.verdict is EfficiencyVerdict.EFFICIENT


def test_compare_years() -> None:
    y2019 = Amounts(D(1974465083), D(1841548027))
    y2020 = Amounts(D(1816490281), D(1778830385))
    c = compare_years(y2019, y2020)
    assert c.allocation_change == D(-157974802)
    assert c.realisation_change == D(-62717642)
    assert c.allocation_change_pct is not None and round(c.allocation_change_pct, 2) == D("-8.00")
    assert c.realisation_change_pct is not None and round(c.realisation_change_pct, 2) == D("-3.41")
    partial = compare_years(Amounts(D(0), None), y2020)
    assert partial.realisation_change is None and partial.allocation_change_pct is None
