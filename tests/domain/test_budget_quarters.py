"""budget: yearly or quarterly realisation, amendments (APBD Perubahan) and budget per objective.

Figures are computed by hand in the comments; the property test checks that the
objectives' amounts add up to the total for any tree (SPEC §6, issue #11).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sakip.domain.budget import (
    SEVERAL,
    UNATTACHED,
    Amendment,
    Amounts,
    Basis,
    BudgetLine,
    Level,
    allocation_at,
    amounts,
    attributions,
    by_objective,
    line_realisation,
    original_allocation,
    total,
)
from sakip.domain.errors import BudgetError

D = Decimal


def sub(code: str, alloc: str, **kw: object) -> BudgetLine:
    return BudgetLine(code, f"sub kegiatan {code}", Level.SUB_ACTIVITY, allocation=D(alloc), **kw)  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- yearly or quarterly


def test_the_basis_decides_which_realisation_counts() -> None:
    quarters = {1: D(100), 2: D(250), 3: D(50)}
    both = sub("1", "1000", realisation=D(900), quarterly_realisation=quarters, basis=Basis.QUARTER)
    assert line_realisation(both) == D(400)  # 100 + 250 + 50; the kept yearly 900 does not count
    assert line_realisation(both, through=2) == D(350)
    yearly = sub("2", "1000", realisation=D(900), quarterly_realisation=quarters, basis=Basis.YEAR)
    assert line_realisation(yearly) == D(900)  # the kept quarters do not count
    assert line_realisation(yearly, through=3) is None  # a yearly figure has no TW III to date
    assert amounts(yearly, through=2) == Amounts(D(1000), None)


def test_without_a_stated_basis_the_data_decides() -> None:
    assert sub("1", "10", realisation=D(7)).effective_basis is Basis.YEAR
    assert sub("2", "10", quarterly_realisation={1: D(3)}).effective_basis is Basis.QUARTER
    assert sub("3", "10").effective_basis is Basis.QUARTER  # nothing reported yet: entered per quarter
    assert line_realisation(sub("4", "10", basis=Basis.QUARTER)) is None  # not measured, never 0


# ----------------------------------------------------------------------------- amendments


def amended() -> BudgetLine:
    # pagu murni 1.000.000.000; APBD Perubahan of 30 September: 1.150.000.000 from TW III (a second one in TW IV)
    return sub(
        "7.01.01.2.01.0001",
        "1100000000",
        allocation_original=D(1_000_000_000),
        amendments=(
            Amendment(D(1_100_000_000), 4, date(2025, 11, 20), "pergeseran anggaran"),
            Amendment(D(1_150_000_000), 3, date(2025, 9, 30), "APBD Perubahan 2025"),
        ),
        quarterly_realisation={1: D(200_000_000), 2: D(250_000_000), 3: D(300_000_000), 4: D(330_000_000)},
    )


def test_the_allocation_in_force_at_each_quarter() -> None:
    line = amended()
    assert [a.from_quarter for a in line.amendments] == [3, 4]  # kept in quarter order
    assert [allocation_at(line, q) for q in (1, 2, 3, 4)] == [
        D(1_000_000_000), D(1_000_000_000), D(1_150_000_000), D(1_100_000_000)
    ]
    # TW II to date: 200 M + 250 M of the original 1.000 M = 45 %
    assert amounts(line, through=2) == Amounts(D(1_000_000_000), D(450_000_000))
    assert amounts(line, through=2).absorption == D(45)
    # TW III to date: 750 M of the amended 1.150 M
    assert amounts(line, through=3) == Amounts(D(1_150_000_000), D(750_000_000))
    # the year: 1.080 M of 1.100 M
    assert amounts(line) == Amounts(D(1_100_000_000), D(1_080_000_000))
    assert original_allocation(line) == D(1_000_000_000)
    assert line.amended


def test_a_parent_sums_original_and_amended_allocations() -> None:
    program = BudgetLine("7.01", "program", Level.PROGRAM, children=[amended(), sub("7.01.x", "50000000")])
    assert original_allocation(program) == D(1_050_000_000)
    assert amounts(program).allocation == D(1_150_000_000)
    assert amounts(program, through=1).allocation == D(1_050_000_000)
    assert program.amended and not sub("x", "1").amended


def test_amendments_need_the_original_and_agree_with_the_allocation() -> None:
    a = (Amendment(D(5), 3),)
    with pytest.raises(BudgetError, match="pagu murni"):
        BudgetLine("x", "x", Level.SUB_ACTIVITY, allocation=D(5), amendments=a)
    with pytest.raises(BudgetError, match="tidak sama dengan pagu perubahan terakhir 5"):
        BudgetLine("x", "x", Level.SUB_ACTIVITY, allocation=D(6), allocation_original=D(4), amendments=a)
    implied = BudgetLine("x", "x", Level.SUB_ACTIVITY, allocation_original=D(4), amendments=a)
    assert implied.allocation == D(5)
    with pytest.raises(BudgetError, match="triwulan yang sama"):
        BudgetLine("x", "x", Level.SUB_ACTIVITY, allocation_original=D(4), amendments=(*a, Amendment(D(7), 3)))
    with pytest.raises(BudgetError, match="triwulan harus 1–4"):
        BudgetLine("x", "x", Level.SUB_ACTIVITY, allocation_original=D(4), amendments=(Amendment(D(7), 5),))
    with pytest.raises(BudgetError, match="pagu perubahan -7 bernilai negatif"):
        BudgetLine("x", "x", Level.SUB_ACTIVITY, allocation_original=D(4), amendments=(Amendment(D(-7), 2),))


# ----------------------------------------------------------------------------- per objective


def tree() -> list[BudgetLine]:
    """Objectives at every level; the lowest attached level decides.

    1 (S1) ─ 1.1 (S2) ─ 1.1.1  1.000 / 800     → S2
                     └ 1.1.2    500 / 500     → S2
          └ 1.2 (–)  ─ 1.2.1    300 / 150     → S1 (from the program)
    2 (S1 60 %, S2 40 %) ─ 2.1 ─ 2.1.1  1.001 / 500  → S1 600,6 / 300; S2 400,4 / 200
    3 (S1, S3, no shares) ─ 3.1  200 / 100    → beberapa sasaran
    4 (–) ─ 4.1  50 / 50                       → not attached

    S1 = 300 + 600,6 = 900,6 / 150 + 300 = 450;  S2 = 1.500 + 400,4 = 1.900,4 / 1.300 + 200 = 1.500
    total 3.051 / 2.100 = 900,6 + 1.900,4 + 200 + 50 / 450 + 1.500 + 100 + 50
    """
    q = {1: D(200), 2: D(300), 3: D(300)}
    return [
        BudgetLine("1", "p1", Level.PROGRAM, objectives=("S1",), children=[
            BudgetLine("1.1", "a11", Level.ACTIVITY, objectives=("S2",), children=[
                sub("1.1.1", "1000", quarterly_realisation=q), sub("1.1.2", "500", realisation=D(500))]),
            BudgetLine("1.2", "a12", Level.ACTIVITY, children=[sub("1.2.1", "300", realisation=D(150))]),
        ]),
        BudgetLine("2", "p2", Level.PROGRAM, objectives=("S1", "S2"),
                   objective_shares={"S1": D(60), "S2": D(40)},
                   children=[BudgetLine("2.1", "a21", Level.ACTIVITY, children=[
                       sub("2.1.1", "1001", quarterly_realisation={2: D(500)})])]),
        BudgetLine("3", "p3", Level.PROGRAM, objectives=("S1", "S3"), children=[sub("3.1", "200", realisation=D(100))]),
        BudgetLine("4", "p4", Level.PROGRAM, children=[sub("4.1", "50", realisation=D(50))]),
    ]


def test_by_objective_counts_each_line_once() -> None:
    lines = tree()
    result = by_objective(lines)
    assert result == {
        "S1": Amounts(D("900.6"), D(450)),
        "S2": Amounts(D("1900.4"), D(1500)),
        SEVERAL: Amounts(D(200), D(100)),
        UNATTACHED: Amounts(D(50), D(50)),
    }
    assert total(lines) == Amounts(D(3051), D(2100))
    decided = {a.line.code: (a.decided_by.code if a.decided_by else None, a.key) for a in attributions(lines)}
    assert decided == {
        "1.1.1": ("1.1", "S2"), "1.1.2": ("1.1", "S2"), "1.2.1": ("1", "S1"), "2.1.1": ("2", None),
        "3.1": ("3", SEVERAL), "4.1": (None, UNATTACHED),
    }


def test_by_objective_as_of_a_quarter() -> None:
    # TW II: 1.1.1 = 200 + 300; 2.1.1 = 500; the yearly lines (1.1.2, 1.2.1, 3.1, 4.1) have no TW II figure
    result = by_objective(tree(), through=2)
    assert result["S2"] == Amounts(D("1900.4"), None)  # 1.1.2 reports a yearly figure only
    only_quarterly = [tree()[1]]
    assert by_objective(only_quarterly, through=2) == {
        "S1": Amounts(D("600.6"), D(300)), "S2": Amounts(D("400.4"), D(200))
    }
    # TW I: the line is reported per quarter and spent nothing before TW II (its TW II figure is the first)
    assert by_objective(only_quarterly, through=1) == {"S1": Amounts(D("600.6"), D(0)), "S2": Amounts(D("400.4"), D(0))}


def test_shares_must_name_every_objective_and_sum_to_100() -> None:
    with pytest.raises(BudgetError, match="berjumlah 90, harus 100"):
        BudgetLine("2", "p", Level.PROGRAM, objectives=("S1", "S2"), objective_shares={"S1": D(50), "S2": D(40)})
    with pytest.raises(BudgetError, match="sasaran S2 belum diberi bagian"):
        BudgetLine("2", "p", Level.PROGRAM, objectives=("S1", "S2"), objective_shares={"S1": D(100)})
    with pytest.raises(BudgetError, match="tidak terkait"):
        BudgetLine("2", "p", Level.PROGRAM, objectives=("S1",), objective_shares={"S1": D(50), "S9": D(50)})
    with pytest.raises(BudgetError, match="lebih dari 0"):
        BudgetLine("2", "p", Level.PROGRAM, objectives=("S1", "S2"), objective_shares={"S1": D(0), "S2": D(100)})


# ----------------------------------------------------------------------------- property: the parts add up

OBJECTIVES = ("S1", "S2", "S3", "S4")
money = st.decimals(min_value=0, max_value=10**12, places=2, allow_nan=False, allow_infinity=False)


@st.composite
def attachment(draw: st.DrawFn) -> dict[str, object]:
    objectives = tuple(draw(st.lists(st.sampled_from(OBJECTIVES), max_size=3, unique=True)))
    shares: dict[str, Decimal] = {}
    if len(objectives) > 1 and draw(st.booleans()):
        # random positive shares with up to two decimals that sum to exactly 100
        cuts = sorted(draw(st.lists(st.integers(1, 9999), min_size=len(objectives) - 1,
                                    max_size=len(objectives) - 1, unique=True)))
        bounds = [0, *cuts, 10000]
        shares = {o: D(bounds[i + 1] - bounds[i]) / 100 for i, o in enumerate(objectives)}
    return {"objectives": objectives, "objective_shares": shares}


@st.composite
def leaf_line(draw: st.DrawFn, code: str, level: Level) -> BudgetLine:
    kw: dict[str, object] = draw(attachment())
    kind = draw(st.sampled_from(["quarters", "year", "none", "both"]))
    if kind in ("quarters", "both"):
        kw["quarterly_realisation"] = draw(st.dictionaries(st.integers(1, 4), money, max_size=4))
    if kind in ("year", "both"):
        kw["realisation"] = draw(money)
    if kind == "both":
        kw["basis"] = draw(st.sampled_from(Basis))
    if draw(st.booleans()):
        quarters = draw(st.lists(st.integers(1, 4), min_size=1, max_size=3, unique=True))
        kw["allocation_original"] = draw(money)
        kw["amendments"] = tuple(Amendment(draw(money), q) for q in quarters)
    else:
        kw["allocation"] = draw(money)
    return BudgetLine(code, code, level, **kw)  # type: ignore[arg-type]


@st.composite
def node(draw: st.DrawFn, code: str, level: Level) -> BudgetLine:
    below = {Level.PROGRAM: Level.ACTIVITY, Level.ACTIVITY: Level.SUB_ACTIVITY}.get(level)
    n = draw(st.integers(0, 3)) if below is not None else 0
    if n == 0:
        return draw(leaf_line(code, level))
    line = BudgetLine(code, code, level, **draw(attachment()))  # type: ignore[arg-type]
    line.children = [draw(node(f"{code}.{i}", below)) for i in range(1, n + 1)]  # type: ignore[arg-type]
    return line


trees = st.integers(1, 4).flatmap(lambda n: st.tuples(*(node(str(i), Level.PROGRAM) for i in range(1, n + 1))))


@settings(max_examples=300, deadline=None)
@given(lines=trees, through=st.sampled_from((1, 2, 3, 4)))
def test_objectives_add_up_to_the_total_for_any_tree(lines: tuple[BudgetLine, ...], through: int) -> None:
    whole = total(lines, through)
    parts = by_objective(list(lines), through)
    assert set(parts) <= {*OBJECTIVES, SEVERAL, UNATTACHED}
    assert sum((a.allocation for a in parts.values()), D(0)) == whole.allocation
    if whole.realisation is None:
        assert any(a.realisation is None for a in parts.values())
    else:
        assert all(a.realisation is not None for a in parts.values())
        assert sum((a.realisation for a in parts.values() if a.realisation is not None), D(0)) == whole.realisation
    # each leaf once: the attributions list every leaf exactly once, and their shares make 100 %
    leaves = [x for top in lines for x in top.walk() if not x.children]
    found = attributions(lines)
    assert [a.line for a in found] == leaves
    for a in found:
        assert len(a.shares) > 1 if a.key is None else len(a.shares) <= 1  # split, or counted once
        if a.shares:
            assert sum((pct for _o, pct in a.shares), D(0)) == 100
