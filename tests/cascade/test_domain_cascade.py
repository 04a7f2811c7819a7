"""The regency indicator computed from offices (`domain.cascade`): golden figures and properties."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sakip.domain.cascade import (
    YEAR,
    Aggregation,
    Computation,
    Contribution,
    RegencyIndicator,
    differs,
    figure,
    figures,
)
from sakip.domain.errors import DomainError
from sakip.domain.formulas import Formula
from sakip.domain.measurement import Polarity, Status
from sakip.domain.numbers import ENGINE_CONTEXT
from sakip.domain.office import Indicator, Measurement, Settings
from sakip.domain.periods import Rollup

D = Decimal
SETTINGS = Settings()


def office_indicator(names: tuple[str, str] = ("selesai", "masuk")) -> Indicator:
    done, came = names
    return Indicator(
        "IKU-1",
        "Persentase pengaduan yang diselesaikan",
        "%",
        rollup=Rollup.SUM,
        formula=Formula("IKU-1", f"{done} / {came} * 100", {done, came}),
    )


def regency_ratio(target: Decimal = Decimal(80)) -> RegencyIndicator:
    ind = Indicator(
        "IKU-PEMDA-1",
        "Persentase pengaduan masyarakat yang diselesaikan",
        "%",
        rollup=Rollup.SUM,
        formula=Formula("IKU-PEMDA-1", "selesai / masuk * 100", {"selesai", "masuk"}),
        targets={2025: target},
    )
    return RegencyIndicator(ind, Computation.FORMULA)


def inputs(names: tuple[str, str], *quarters: tuple[int, int]) -> Measurement:
    done, came = names
    return Measurement(inputs={q: {done: D(s), came: D(m)} for q, (s, m) in enumerate(quarters, 1)})


A_NAMES = ("selesai", "masuk")
B_NAMES = ("kasus_selesai", "kasus_masuk")  # another office names its inputs differently


def three_offices() -> list[Contribution]:
    # (selesai, masuk) per quarter
    a = Contribution(
        "Kecamatan A", office_indicator(A_NAMES), inputs(A_NAMES, (85, 100), (95, 100)),
        {"selesai": "selesai", "masuk": "masuk"},
    )
    b = Contribution(
        "Kecamatan B", office_indicator(B_NAMES), inputs(B_NAMES, (10, 20), (15, 30)),
        {"selesai": "kasus_selesai", "masuk": "kasus_masuk"}, target=D(75),
    )
    c = Contribution(
        "Kecamatan C", office_indicator(A_NAMES), inputs(A_NAMES, (115, 120), (125, 130)),
        {"selesai": "selesai", "masuk": "masuk"},
    )
    return [a, b, c]


def test_golden_ratio_of_sums_is_not_the_mean_of_percentages() -> None:
    # To date at TW II (inputs are counts, rolled up by sum):
    #   A: 85 + 95 = 180 of 100 + 100 = 200  → 90 %
    #   B: 10 + 15 =  25 of  20 +  30 =  50  → 50 %
    #   C: 115 + 125 = 240 of 120 + 130 = 250 → 96 %
    # ratio of sums: (180 + 25 + 240) / (200 + 50 + 250) × 100 = 445 / 500 × 100 = 89 %
    # mean of percentages: (90 + 50 + 96) / 3 = 78.666… % — the wrong figure
    # against the RPJMD's 2025 target 80: 89 / 80 × 100 = 111.25 %
    spec = regency_ratio()
    tw2 = figure(spec, 2025, 2, three_offices(), SETTINGS)
    assert tw2.inputs == {"selesai": D(445), "masuk": D(500)}
    assert tw2.value == D(89)
    assert tw2.value != ENGINE_CONTEXT.divide(D(90) + D(50) + D(96), D(3))
    assert [o.value for o in tw2.offices] == [D(90), D(50), D(96)]
    assert tw2.complete
    # TW II has no quarter target of the regency's own: target belum ditetapkan, never the year's
    assert tw2.target is None and tw2.achievement.status is Status.NO_TARGET
    # TW I: (85 + 10 + 115) / (100 + 20 + 120) × 100 = 210 / 240 × 100 = 87.5 %
    own = Measurement(quarterly_targets={1: D(70), 2: D(80)}, cumulative_targets=True)
    tw1 = figure(spec, 2025, 1, three_offices(), SETTINGS, own)
    assert tw1.value == D("87.5")
    # 87.5 / 70 × 100 = 125 %
    assert tw1.target == D(70) and tw1.achievement.value == D(125)
    year = figure(spec, 2025, YEAR, three_offices(), SETTINGS)
    assert year.value == D(89) and year.target == D(80)
    assert year.achievement.value == D("111.25")
    assert year.category is not None


def test_a_missing_office_is_named_and_the_figure_is_marked_incomplete() -> None:
    offices = three_offices()
    # Kecamatan C has not entered TW II: TW II to date sums A and B only:
    # (180 + 25) / (200 + 50) × 100 = 205 / 250 × 100 = 82 %
    c = offices[2]
    offices[2] = Contribution(c.office, c.indicator, inputs(A_NAMES, (115, 120)), c.input_map)
    tw2 = figure(regency_ratio(), 2025, 2, offices, SETTINGS)
    assert tw2.value == D(82)
    assert tw2.missing == ("Kecamatan C",) and not tw2.complete
    # nobody measured TW III: belum diukur, never 0
    tw3 = figure(regency_ratio(), 2025, 3, offices, SETTINGS)
    assert tw3.value is None and tw3.achievement.status is Status.NOT_MEASURED


def test_an_unmapped_input_is_an_error_on_that_office() -> None:
    offices = three_offices()
    b = offices[1]
    offices[1] = Contribution(b.office, b.indicator, b.measurement, {"selesai": "kasus_selesai"})
    tw2 = figure(regency_ratio(), 2025, 2, offices, SETTINGS)
    assert tw2.missing == ("Kecamatan B",)
    assert any("Kecamatan B" in str(e) and "masuk" in str(e) for e in tw2.errors)
    # (180 + 240) / (200 + 250) × 100 = 420 / 450 × 100 = 93.33…
    assert tw2.value == ENGINE_CONTEXT.divide(D(42000), D(450))


@pytest.mark.parametrize(
    ("how", "expected"),
    [
        # office values to date at TW II: 90, 50, 96
        (Aggregation.MEAN, ENGINE_CONTEXT.divide(D(236), D(3))),  # (90 + 50 + 96) / 3
        (Aggregation.SUM, D(236)),
        (Aggregation.MIN, D(50)),
        (Aggregation.MAX, D(96)),
    ],
)
def test_aggregate_of_office_values(how: Aggregation, expected: Decimal) -> None:
    ind = Indicator("IKU-PEMDA-2", "Rerata", "%", targets={2025: D(90)})
    spec = RegencyIndicator(ind, Computation.AGGREGATE, how)
    assert figure(spec, 2025, 2, three_offices(), SETTINGS).value == expected


def test_direct_entry_follows_the_office_rules() -> None:
    # lower is better, rollup last: TW II's own value; the mirror: (2 × 4 − 3) / 4 × 100 = 125 %
    ind = Indicator("IKU-PEMDA-3", "Angka kemiskinan", "%", Polarity.LOWER_IS_BETTER, Rollup.LAST, targets={2025: D(4)})
    spec = RegencyIndicator(ind, Computation.DIRECT)
    own = Measurement(quarters={1: D("3.5"), 2: D(3)}, quarterly_targets={1: D(4), 2: D(4)})
    rows = figures(spec, 2025, [], SETTINGS, own)
    assert [r.period for r in rows] == [1, 2, 3, 4, YEAR]
    assert rows[1].value == D(3) and rows[1].achievement.value == D(125)
    assert rows[2].value is None
    assert rows[4].value == D(3) and rows[4].target == D(4)


def test_specs_are_checked() -> None:
    with pytest.raises(DomainError):
        RegencyIndicator(Indicator("X", "x", "%"), Computation.FORMULA)
    with pytest.raises(DomainError):
        RegencyIndicator(Indicator("X", "x", "%"), Computation.AGGREGATE)


def test_differs() -> None:
    assert differs(D("80.0"), D(75))
    assert not differs(D("80.0"), D(80))
    assert not differs(None, D(80)) and not differs(D(80), None)


counts = st.integers(min_value=0, max_value=10_000)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(counts, st.integers(min_value=1, max_value=10_000)), min_size=1, max_size=12))
def test_ratio_of_sums_lies_between_the_office_ratios(pairs: list[tuple[int, int]]) -> None:
    offices = [
        Contribution(
            f"OPD {i}", office_indicator(A_NAMES), inputs(A_NAMES, (done, came)),
            {"selesai": "selesai", "masuk": "masuk"},
        )
        for i, (done, came) in enumerate(pairs)
    ]
    result = figure(regency_ratio(), 2025, 1, offices, SETTINGS)
    own = [o.value for o in result.offices if isinstance(o.value, Decimal)]
    assert len(own) == len(pairs)
    assert isinstance(result.value, Decimal)
    assert min(own) <= result.value <= max(own)


def test_sums_of_zero_and_a_target_of_zero_are_explained_not_crashed() -> None:
    # every office received no complaint in TW I: 0 / 0 — no figure, with the formula's own error
    zero = [
        Contribution(f"Kecamatan {n}", office_indicator(A_NAMES), inputs(A_NAMES, (0, 0)),
                     {"selesai": "selesai", "masuk": "masuk"})
        for n in "AB"
    ]
    tw1 = figure(regency_ratio(), 2025, 1, zero, SETTINGS)
    assert tw1.inputs == {"selesai": D(0), "masuk": D(0)}
    assert tw1.value is None and tw1.errors, "0 / 0 is not a figure and says why"
    # a target of 0 for a higher-is-better indicator: the achievement is not a division by zero
    year = figure(regency_ratio(target=D(0)), 2025, YEAR, three_offices(), SETTINGS)
    assert year.value == D(89)
    assert year.achievement.value is None and year.achievement.status is not Status.NOT_MEASURED
