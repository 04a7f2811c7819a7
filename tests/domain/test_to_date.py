"""Figures as of TW N (issue #11): the one quarter rule, with hand-computed expected values.

The office of tests/data/quarter/as-of-2025.yaml is worked by hand in the comments: every
expected figure is written here, not computed by the code under test.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sakip.dataset.loader import load
from sakip.domain.budget import Amounts, BudgetClass, BudgetLine, EfficiencyVerdict, Level
from sakip.domain.errors import DomainError
from sakip.domain.formulas import Formula
from sakip.domain.measurement import Polarity, Range, Status
from sakip.domain.office import (
    BudgetYear,
    Goal,
    Indicator,
    Measurement,
    Objective,
    Office,
    PkVersion,
    Plan,
    Settings,
    StatedAmounts,
    YearData,
)
from sakip.domain.periods import Rollup
from sakip.domain.scales import AKIP_GRADES
from sakip.domain.scorecard import Scorecard, build_scorecard
from sakip.domain.to_date import realisation_as_of, score_quarter, target_as_of

D = Decimal
DATA = Path(__file__).parents[1] / "data" / "quarter" / "as-of-2025.yaml"


@pytest.fixture(scope="module")
def office() -> Office:
    return load(DATA)


def by_id(sc: Scorecard) -> dict[str, object]:
    return {s.indicator.id: s for s in sc.indicators}


def figures(sc: Scorecard, iid: str) -> tuple[object, object, Status, Decimal | None, str | None]:
    s = next(s for s in sc.indicators if s.indicator.id == iid)
    return s.target, s.realisation, s.achievement.status, s.achievement.value, s.category


MEASURED, NOT_MEASURED, NO_TARGET = Status.MEASURED, Status.NOT_MEASURED, Status.NO_TARGET


# ---------------------------------------------------------------- the shared office, quarter by quarter


def test_tw_i(office: Office) -> None:
    sc = build_scorecard(office, 2025, quarter=1)
    assert sc.quarter == 1 and sc.as_of == 1
    # S1.1 cumulative: target 250, realisation 240 → 240 / 250 × 100 = 96 (Baik: 75 ≤ x ≤ 100)
    assert figures(sc, "S1.1") == (D(250), D(240), MEASURED, D(96), "Baik")
    # S1.2 formula, lower is better: 1 / 200 × 100 = 0,5 against 1 → (2 × 1 − 0,5) / 1 × 100 = 150
    assert figures(sc, "S1.2") == (D(1), D("0.5"), MEASURED, D(150), "Sangat Baik")
    # S1.3 grades: B (rank 4) against B (rank 4) → 100
    assert figures(sc, "S1.3") == ("B", "B", MEASURED, D(100), "Baik")
    # S1.4 per quarter: 8 against 10 → 80
    assert figures(sc, "S1.4") == (D(10), D(8), MEASURED, D(80), "Baik")
    # T1.1 has nothing in TW I: belum diukur (and no quarter target)
    assert figures(sc, "T1.1") == (None, None, NOT_MEASURED, None, None)
    # objective S1: (96 + 150 + 100 + 80) / 4 = 106,5; the office: the same four (T1.1 not measured)
    s1 = sc.objectives[0].aggregate
    assert (s1.value, s1.measured, s1.not_measured) == (D("106.5"), 4, 0)
    assert sc.goals[0].aggregate.value == D("106.5")
    o = sc.office_score.aggregate
    assert (o.value, o.measured, o.not_measured, o.undefined) == (D("106.5"), 4, 1, 0)
    assert sc.office_score.category == "Sangat Baik"


def test_tw_ii(office: Office) -> None:
    sc = build_scorecard(office, 2025, quarter=2)
    # S1.1: 240 + 310 = 550 against the cumulative 550 → 100 (Baik: "Sangat Baik" starts above 100)
    assert figures(sc, "S1.1") == (D(550), D(550), MEASURED, D(100), "Baik")
    # S1.2: inputs rolled up first — violations 1 + 3 = 4, staff (last) 200 → 2 %; the mean of the
    # quarters' own ratios (0,5 and 1,5) would be 1. Target (last) 2,5 → (5 − 2) / 2,5 × 100 = 120
    assert figures(sc, "S1.2") == (D("2.5"), D(2), MEASURED, D(120), "Sangat Baik")
    # S1.3: CC (rank 3) against B (rank 4) → 75
    assert figures(sc, "S1.3") == ("B", "CC", MEASURED, D(75), "Baik")
    # S1.4 per quarter, sum: target 10 + 20 = 30, realisation 8 + 22 = 30 → 100
    assert figures(sc, "S1.4") == (D(30), D(30), MEASURED, D(100), "Baik")
    # T1.1: 80 measured, no quarter target: target belum ditetapkan — not 0, not belum diukur
    assert figures(sc, "T1.1") == (None, D(80), NO_TARGET, None, None)
    s = by_id(sc)["T1.1"]
    assert s.year_target == D(82) and s.target_source is None  # type: ignore[attr-defined]
    # (100 + 120 + 75 + 100) / 4 = 98,75
    assert sc.objectives[0].aggregate.value == D("98.75")
    o = sc.office_score.aggregate
    assert (o.value, o.measured, o.not_measured, o.undefined) == (D("98.75"), 4, 0, 1)


def test_tw_iii_not_measured_and_target_not_set_are_different(office: Office) -> None:
    sc = build_scorecard(office, 2025, quarter=3)
    # S1.1: TW III not measured → belum diukur, even though TW I and II are (never "550 so far")
    assert figures(sc, "S1.1") == (D(850), None, NOT_MEASURED, None, None)
    # S1.2: violations 1 + 3 + 1 = 5, staff 250 → 2 %; target 2,5 → 120
    assert figures(sc, "S1.2") == (D("2.5"), D(2), MEASURED, D(120), "Sangat Baik")
    assert figures(sc, "S1.3") == ("BB", None, NOT_MEASURED, None, None)
    # S1.4: realisation 8 + 22 + 15 = 45, but TW III's target is not set: target belum ditetapkan
    assert figures(sc, "S1.4") == (None, D(45), NO_TARGET, None, None)
    s1 = sc.objectives[0].aggregate
    assert (s1.value, s1.measured, s1.not_measured, s1.undefined) == (D(120), 1, 2, 1)
    o = sc.office_score.aggregate
    assert (o.value, o.measured, o.not_measured, o.undefined) == (D(120), 1, 3, 1)


def test_budget_to_date(office: Office) -> None:
    expected = {  # (line 7.01.01.2.01, line 7.01.02.2.01, total realisation, absorption %)
        1: (D(15_000_000), D(30_000_000), D(45_000_000), D(15)),
        2: (D(40_000_000), D(80_000_000), D(120_000_000), D(40)),
        3: (D(70_000_000), D(140_000_000), D(210_000_000), D(70)),
    }
    for q, (admin, service, real, absorption) in expected.items():
        b = build_scorecard(office, 2025, quarter=q).budget
        assert b is not None and b.through == q
        lines = {ls.line.code: ls.amounts for ls in b.lines}
        assert lines["7.01.01.2.01"] == Amounts(D(100_000_000), admin)
        assert lines["7.01.02.2.01"] == Amounts(D(200_000_000), service)
        assert lines["7.01.02"] == Amounts(D(200_000_000), service)  # a parent is its children
        # the stated class and total are made up by the two lines: to date they are the lines to date
        assert b.classes == {BudgetClass.OPERASI: Amounts(D(300_000_000), real)}
        assert b.total == Amounts(D(300_000_000), real) and b.total.absorption == absorption
        assert b.sum_checks == ()
    b2 = build_scorecard(office, 2025, quarter=2).budget
    assert b2 is not None
    # objective S1's budget: 80 / 200 million = 40 %; its achievement to date 98,75
    assert b2.by_objective["S1"] == Amounts(D(200_000_000), D(80_000_000))
    e = b2.efficiency["S1"]
    assert (e.achievement, e.absorption, e.ratio, e.difference) == (D("98.75"), D(40), D("2.46875"), D("58.75"))
    assert e.verdict is EfficiencyVerdict.TARGET_MISSED_UNDERSPENT


def test_the_year_is_unchanged_and_tw_iv_is_the_year(office: Office) -> None:
    year = build_scorecard(office, 2025)
    tw4 = build_scorecard(office, 2025, quarter=4)
    assert year.quarter is None and tw4.quarter == 4
    assert year.indicators == tw4.indicators
    assert (year.objectives, year.goals, year.office_score) == (tw4.objectives, tw4.goals, tw4.office_score)
    assert year.budget == tw4.budget and year.findings == tw4.findings
    # the year: S1.1 realisation 550 against 1100 → 50 (Kurang); S1.3 CC (3) against BB (5) → 60
    assert figures(year, "S1.1") == (D(1100), D(550), MEASURED, D(50), "Kurang")
    assert figures(year, "S1.3") == ("BB", "CC", MEASURED, D(60), "Cukup")
    assert year.budget is not None and year.budget.total == Amounts(D(300_000_000), D(275_000_000))


def test_year_quarter_rows_follow_the_same_rule(office: Office) -> None:
    """The year scorecard's TW rows (the Laporan Triwulan's columns) are the as-of figures."""
    year = by_id(build_scorecard(office, 2025))
    for q in (1, 2, 3):
        now = by_id(build_scorecard(office, 2025, quarter=q))
        for iid, s in now.items():
            row = year[iid].quarters[q - 1]  # type: ignore[attr-defined]
            assert (row.target_to_date, row.to_date, row.achievement) == (
                s.target,  # type: ignore[attr-defined]
                s.realisation,  # type: ignore[attr-defined]
                s.achievement,  # type: ignore[attr-defined]
            ), (iid, q)


def test_year_only_figures_are_left_out_of_a_quarter(office: Office) -> None:
    sc = build_scorecard(office, 2025, quarter=2)
    assert sc.findings == () and sc.survey is None
    assert all(s.change is None and s.end_target_progress is None and s.standard is None for s in sc.indicators)


def test_quarter_must_be_one_to_four(office: Office) -> None:
    with pytest.raises(DomainError, match="triwulan harus 1–4"):
        build_scorecard(office, 2025, quarter=5)


# ---------------------------------------------------------------- the rule's parts


def ind(**kw: object) -> Indicator:
    return Indicator(id="X", name="X", unit="u", **kw)  # type: ignore[arg-type]


def test_target_to_date_rules() -> None:
    count = ind(rollup=Rollup.SUM)
    per_quarter = Measurement(quarterly_targets={1: D(10), 2: D(20), 3: D(30), 4: D(40)})
    assert [target_as_of(count, per_quarter, q) for q in (1, 2, 3, 4)] == [D(10), D(30), D(60), D(100)]
    cumulative = Measurement(quarterly_targets={1: D(10), 2: D(30), 3: D(60), 4: D(100)}, cumulative_targets=True)
    assert [target_as_of(count, cumulative, q) for q in (1, 2, 3, 4)] == [D(10), D(30), D(60), D(100)]
    # an earlier quarter not set: a sum to date cannot be known; its own quarter not set: neither
    gap = Measurement(quarterly_targets={2: D(20), 3: D(30)})
    assert target_as_of(count, gap, 2) is None and target_as_of(count, gap, 4) is None
    # last: only the quarter's own target counts
    stock = ind(rollup=Rollup.LAST)
    assert target_as_of(stock, gap, 2) == D(20)
    # average of the quarters so far: (10 + 20 + 30) / 3 = 20
    assert target_as_of(ind(rollup=Rollup.AVERAGE), per_quarter, 3) == D(20)
    # an in-range indicator: the year's band in every quarter
    band = Range(D(2), D(4))
    assert target_as_of(ind(polarity=Polarity.IN_RANGE), Measurement(), 1, band) == band
    # grades: last → the quarter's; max → the best so far by rank (BB over B)
    graded = Measurement(quarterly_target_grades={1: "BB", 2: "B"})
    qual = dict(polarity=Polarity.QUALITATIVE, ordinal=AKIP_GRADES)
    assert target_as_of(ind(**qual), graded, 2) == "B"
    assert target_as_of(ind(rollup=Rollup.MAX, **qual), graded, 2) == "BB"
    mixed = Measurement(quarterly_targets={1: D(1)}, quarterly_target_grades={2: "B"})
    with pytest.raises(DomainError, match="mencampur"):
        target_as_of(ind(rollup=Rollup.SUM), mixed, 2)


def test_realisation_to_date_rules() -> None:
    m = Measurement(quarters={1: D(5), 2: D(7), 4: D(9)})
    assert [realisation_as_of(ind(rollup=Rollup.SUM), m, q) for q in (1, 2, 3, 4)] == [D(5), D(12), None, D(21)]
    assert realisation_as_of(ind(rollup=Rollup.MAX), m, 4) == D(9)
    assert realisation_as_of(ind(rollup=Rollup.MIN), m, 4) == D(5)
    assert realisation_as_of(ind(rollup=Rollup.AVERAGE), m, 4) == D(7)  # (5 + 7 + 9) / 3
    f = Formula("X", "a / b * 100", {"a", "b"})
    fx = ind(formula=f, input_rollups={"a": Rollup.SUM, "b": Rollup.LAST})
    inputs = Measurement(inputs={1: {"a": D(1), "b": D(50)}, 2: {"a": D(4), "b": D(100)}})
    assert realisation_as_of(fx, inputs, 2) == D(5)  # (1 + 4) / 100 × 100
    grades = Measurement(quarter_grades={1: "CC", 2: "BB", 3: "B"})
    qual = ind(polarity=Polarity.QUALITATIVE, ordinal=AKIP_GRADES)
    assert realisation_as_of(qual, grades, 3) == "B"
    best = ind(polarity=Polarity.QUALITATIVE, ordinal=AKIP_GRADES, rollup=Rollup.MAX)
    assert realisation_as_of(best, grades, 3) == "BB"


def test_a_quarter_score_of_a_lower_is_better_count() -> None:
    lower = ind(polarity=Polarity.LOWER_IS_BETTER, rollup=Rollup.SUM)
    m = Measurement(quarterly_targets={1: D(4), 2: D(4)}, quarters={1: D(3), 2: D(6)})
    from sakip.domain.scales import LKJIP_4

    s = score_quarter(Settings(), LKJIP_4, lower, m, 2)
    # target 4 + 4 = 8, realisation 3 + 6 = 9 → (16 − 9) / 8 × 100 = 87,5
    assert (s.target_to_date, s.to_date, s.achievement.value, s.category, s.value) == (
        D(8), D(9), D("87.5"), "Baik", D(6)
    )


def _budget_office(lines: list[BudgetLine], classes: dict[BudgetClass, StatedAmounts], total: StatedAmounts | None
                   ) -> Office:
    plan = Plan("renstra", 2025, 2025, goals=[Goal("T1", "t")], objectives=[Objective("S1", "T1", "s")])
    yd = YearData(2025, budget=BudgetYear(classes=classes, total=total, lines=lines))
    return Office("b", "B", plan, years={2025: yd})


def test_a_class_not_itemised_has_no_realisation_before_the_year_end() -> None:
    leaf = BudgetLine("1.01", "kegiatan", Level.ACTIVITY, allocation=D(100), quarterly_realisation={1: D(20), 2: D(30)},
                      budget_class=BudgetClass.OPERASI)
    yearly = BudgetLine("1.02", "tahunan", Level.ACTIVITY, allocation=D(50), realisation=D(45),
                        budget_class=BudgetClass.OPERASI)
    classes = {
        BudgetClass.OPERASI: StatedAmounts(D(150), D(120)),  # made up by the two lines
        BudgetClass.MODAL: StatedAmounts(D(250), D(200)),  # no line: only the year's figure is known
    }
    office = _budget_office([leaf, yearly], classes, StatedAmounts(D(400), D(320)))
    b = build_scorecard(office, 2025, quarter=2).budget
    assert b is not None
    lines = {ls.line.code: ls.amounts for ls in b.lines}
    assert lines["1.01"] == Amounts(D(100), D(50))
    assert lines["1.02"] == Amounts(D(50), None)  # a yearly figure: belum diukur before TW IV, not 0
    assert b.classes[BudgetClass.OPERASI] == Amounts(D(150), None)  # a part is yearly
    assert b.classes[BudgetClass.MODAL] == Amounts(D(250), None)
    assert b.total == Amounts(D(400), None)
    year = build_scorecard(office, 2025).budget
    assert year is not None and year.total == Amounts(D(400), D(320))
    assert year.classes[BudgetClass.MODAL] == Amounts(D(250), D(200))


def test_a_total_not_made_up_by_its_lines_keeps_only_its_allocation() -> None:
    leaf = BudgetLine("1.01", "kegiatan", Level.ACTIVITY, allocation=D(100), quarterly_realisation={1: D(20)})
    office = _budget_office([leaf], {}, StatedAmounts(D(900), D(800)))
    b = build_scorecard(office, 2025, quarter=1).budget
    assert b is not None and b.total == Amounts(D(900), None) and b.lines_total == Amounts(D(100), D(20))
    covered = _budget_office([leaf], {}, StatedAmounts(D(100), D(90)))
    b2 = build_scorecard(covered, 2025, quarter=1).budget
    assert b2 is not None and b2.total == Amounts(D(100), D(20))


# ---------------------------------------------------------------- property: TW IV to date is the year

values = st.one_of(st.none(), st.decimals(min_value=0, max_value=1000, places=2, allow_nan=False, allow_infinity=False))
positive = st.decimals(min_value=D("0.5"), max_value=1000, places=2, allow_nan=False, allow_infinity=False)
amount = st.decimals(min_value=0, max_value=10**9, places=0, allow_nan=False, allow_infinity=False)


@st.composite
def offices(draw: st.DrawFn) -> Office:
    settings_ = Settings()
    indicators: list[Indicator] = []
    measurements: dict[str, Measurement] = {}
    targets: dict[str, Decimal | str] = {}
    for i in range(draw(st.integers(1, 4))):
        iid = f"S1.{i + 1}"
        kind = draw(st.sampled_from(["number", "formula", "grade"]))
        rollup = draw(st.sampled_from(list(Rollup)))
        cumulative = draw(st.booleans())
        if kind == "grade":
            indicators.append(Indicator(iid, iid, "predikat", Polarity.QUALITATIVE, Rollup.LAST, ordinal=AKIP_GRADES))
            grades = st.one_of(st.none(), st.sampled_from(AKIP_GRADES.grades))
            year_grade = draw(st.sampled_from(AKIP_GRADES.grades))
            q_grades = {q: g for q in (1, 2, 3, 4) if (g := draw(grades))}
            t_grades = {q: draw(st.sampled_from(AKIP_GRADES.grades)) for q in (1, 2, 3)} | {4: year_grade}
            measurements[iid] = Measurement(quarterly_target_grades=t_grades, cumulative_targets=True,
                                            quarter_grades=q_grades)
            targets[iid] = year_grade
            continue
        polarity = draw(st.sampled_from([Polarity.HIGHER_IS_BETTER, Polarity.LOWER_IS_BETTER]))
        year_target = draw(positive)
        q_targets = {q: draw(positive) for q in (1, 2, 3)} | {4: year_target}
        if kind == "formula":
            f = Formula(iid, "a / b * 100", {"a", "b"})
            indicators.append(Indicator(iid, iid, "%", polarity, Rollup.LAST, formula=f,
                                        input_rollups={"a": Rollup.SUM, "b": Rollup.LAST}))
            inputs = {q: {"a": draw(positive), "b": draw(positive)} for q in (1, 2, 3, 4) if draw(st.booleans())}
            measurements[iid] = Measurement(quarterly_targets=q_targets, cumulative_targets=True, inputs=inputs)
        else:
            indicators.append(Indicator(iid, iid, "u", polarity, rollup))
            m = Measurement(quarters={q: draw(values) for q in (1, 2, 3, 4)})
            if cumulative or rollup is Rollup.LAST:
                m.quarterly_targets, m.cumulative_targets = q_targets, cumulative
            measurements[iid] = m
        targets[iid] = year_target
    lines = []
    for j in range(draw(st.integers(0, 3))):
        quarterly = {q: v for q in (1, 2, 3, 4) if (v := draw(st.one_of(st.none(), amount))) is not None}
        lines.append(BudgetLine(f"1.{j}", "k", Level.ACTIVITY, allocation=draw(amount),
                                quarterly_realisation=quarterly, budget_class=BudgetClass.OPERASI,
                                objectives=("S1",)))
    plan = Plan("renstra", 2025, 2025, goals=[Goal("T1", "t")],
                objectives=[Objective("S1", "T1", "s", indicators=indicators)])
    pk = PkVersion("original", dict(targets))
    yd = YearData(2025, agreements=[pk], measurements=measurements,
                  budget=BudgetYear(lines=lines) if lines else None)
    return Office("p", "P", plan, settings_, years={2025: yd})


@settings(max_examples=150, deadline=None)
@given(offices())
def test_tw_iv_to_date_is_the_year(office: Office) -> None:
    year = build_scorecard(office, 2025)
    assert build_scorecard(office, 2025, quarter=4).indicators == year.indicators
    for s in year.indicators:
        if not s.quarters:
            continue
        tw4 = s.quarters[3]
        # the TW IV target to date is the year target (cumulative to the year target)
        if tw4.target_to_date is not None:
            assert tw4.target_to_date == s.year_target == s.target
        if tw4.to_date is not None:  # TW IV measured: the realisation to date is the year's
            assert tw4.to_date == s.realisation
            if tw4.target_to_date is not None:
                assert tw4.achievement == s.achievement
    if year.budget is not None:
        for ls in year.budget.lines:
            assert build_scorecard(office, 2025, quarter=4).budget == year.budget
            assert ls.amounts.realisation == (sum(ls.line.quarterly_realisation.values(), D(0))
                                              if ls.line.quarterly_realisation else None)
