"""Property: a report whose printed figures are right has no finding, at whatever precision it prints.

The expected figures are computed here independently (the SPEC formulas, rounded half up),
not with the engine; a figure made wrong by one unit of its last printed place is found.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from sakip.domain.measurement import Polarity
from sakip.domain.printed import (
    PrintedBudgetLine,
    PrintedIndicatorRow,
    PrintedReport,
    PrintedSurvey,
    PrintedSurveyElement,
)
from sakip.domain.review_rules import review_printed

money = st.integers(min_value=1, max_value=10**12)
value = st.integers(min_value=1, max_value=100_000).map(lambda n: Decimal(n) / 100)
places = st.integers(min_value=0, max_value=3)


def printed(x: Decimal, p: int) -> Decimal:
    return x.quantize(Decimal(1).scaleb(-p), rounding=ROUND_HALF_UP)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(value, value, st.booleans(), places), min_size=1, max_size=6),
    st.lists(st.tuples(money, st.integers(min_value=0, max_value=100), places), min_size=1, max_size=6),
    st.lists(st.integers(min_value=100, max_value=400), min_size=1, max_size=14),
    places,
    st.integers(min_value=0, max_value=50),
)
def test_right_figures_are_not_flagged_and_one_wrong_figure_is(
    indicators: list[tuple[Decimal, Decimal, bool, int]],
    lines: list[tuple[int, int, int]],
    nrr_hundredths: list[int],
    index_places: int,
    pick: int,
) -> None:
    rows = []
    for i, (target, real, lower, p) in enumerate(indicators):
        raw = (2 * target - real) / target * 100 if lower else real / target * 100
        rows.append(
            PrintedIndicatorRow(
                f"I{i}",
                f"Indikator {i}",
                Polarity.LOWER_IS_BETTER if lower else Polarity.HIGHER_IS_BETTER,
                target,
                real,
                printed(max(raw, Decimal(0)), p),
            )
        )
    budget = []
    for i, (alloc, pct, p) in enumerate(lines):
        spent = Decimal(alloc * pct // 100)
        budget.append(
            PrintedBudgetLine(
                f"L{i}",
                f"Baris {i}",
                f"Baris {i}",
                Decimal(alloc),
                spent,
                absorption=printed(spent / Decimal(alloc) * 100, p),
                deviation=printed((spent - Decimal(alloc)) / Decimal(alloc) * 100, p),
            )
        )
    total_alloc = sum(b.allocation or 0 for b in budget)
    total_real = sum(b.realisation or 0 for b in budget)
    budget.append(
        PrintedBudgetLine(
            "T", "Jumlah", "Jumlah", Decimal(total_alloc), Decimal(total_real), parts=tuple(b.key for b in budget)
        )
    )
    nrrs = [Decimal(n) / 100 for n in nrr_hundredths]
    index = sum(nrrs, Decimal(0)) / len(nrrs) * 25
    survey = PrintedSurvey(
        "SKM",
        tuple(PrintedSurveyElement(f"U{i}", nrr=n) for i, n in enumerate(nrrs)),
        index=printed(index, index_places),
    )
    report = PrintedReport("Uji", "OPD Uji", 2024, indicators=tuple(rows), budget=tuple(budget), surveys=(survey,))
    result = review_printed(report)
    assert result.findings == ()
    assert result.right == result.checked == len(rows) + 2 * len(lines) + 2 + 1

    # one printed achievement off by one unit of its last place is found, with the right value
    i = pick % len(rows)
    row = rows[i]
    assert row.achievement is not None
    unit = Decimal(1).scaleb(row.achievement.as_tuple().exponent)  # type: ignore[arg-type]
    wrong = row.achievement + unit
    rows[i] = PrintedIndicatorRow(row.where, row.name, row.polarity, row.target, row.realisation, wrong)
    bad = review_printed(PrintedReport("Uji", "OPD Uji", 2024, indicators=tuple(rows)))
    assert [(f.where, f.what, f.printed) for f in bad.findings] == [(row.where, "capaian %", wrong)]
