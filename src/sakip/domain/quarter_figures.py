"""An office's figures "as of TW N", as the review of a quarterly report compares them.

The review of a printed quarterly report (`review_quarterly`) asks this module for
the figure that should have been printed — one method per figure: the target to
date, the realisation to date, the achievement to date, whether a quarter was
measured, the year-end condition (*kondisi akhir*) as of TW N, a budget line's
amounts to date and its realisation in one quarter.

Today the indicator figures come from the scorecard's per-quarter figures
(`scorecard.QuarterScore`: the quarter's value, the value to date, the target to
date and the achievement) and the budget figures from `budget.amounts(line,
through=N)`. When ``build_scorecard(office, year, quarter=N)`` gives every figure
as of TW N, only the bodies of these methods change.

A qualitative indicator (AKIP predicate "BB") whose quarter targets are not
given takes the year's target as its target in every quarter: a grade is a state,
not an amount that accumulates.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from .budget import Amounts, BudgetLine, amounts
from .errors import DomainError
from .measurement import NOT_MEASURED, Achievement, Polarity, Target, achievement
from .office import Indicator, Office
from .periods import QUARTERS
from .scorecard import IndicatorScore, QuarterScore, Scorecard, build_scorecard


@dataclass(frozen=True)
class Figure:
    """One period's figures of an indicator: target, realisation and achievement."""

    target: Target | None  # None: target belum ditetapkan
    realisation: Decimal | str | None  # None: belum diukur
    achievement: Achievement


def _walk(lines: list[BudgetLine]) -> Iterator[BudgetLine]:
    for line in lines:
        yield from line.walk()


class FiguresAsOf:
    """The computed figures of one office-year that a printed quarterly report is compared with."""

    def __init__(self, office: Office, year: int, card: Scorecard | None = None) -> None:
        self.office = office
        self.year = year
        self.card = card if card is not None and card.year == year else build_scorecard(office, year)
        self._scores: dict[str, IndicatorScore] = {}
        for s in self.card.indicators:
            self._scores.setdefault(s.indicator.id, s)
        yd = office.years.get(year)
        self._lines: dict[str, BudgetLine] = {}
        if yd is not None and yd.budget is not None:
            for line in _walk(yd.budget.lines):
                self._lines.setdefault(line.code, line)

    # ------------------------------------------------------------------ what exists

    def indicator(self, indicator_id: str) -> Indicator | None:
        s = self._scores.get(indicator_id)
        return s.indicator if s else None

    def has_line(self, code: str) -> bool:
        return code in self._lines

    # ------------------------------------------------------------------ indicators, to date

    def _quarter(self, indicator_id: str, quarter: int) -> QuarterScore | None:
        s = self._scores.get(indicator_id)
        if s is None:
            return None
        for qs in s.quarters:
            if qs.quarter == quarter:
                return qs
        return None

    def _qualitative(self, indicator_id: str) -> bool:
        s = self._scores.get(indicator_id)
        return s is not None and s.indicator.polarity is Polarity.QUALITATIVE

    def year_target(self, indicator_id: str) -> Target | None:
        """The year's target (year override → PK in force → plan)."""
        s = self._scores.get(indicator_id)
        return s.target if s else None

    def target_to_date(self, indicator_id: str, quarter: int) -> Target | None:
        """The target to compare with the realisation to date at the end of TW ``quarter``."""
        qs = self._quarter(indicator_id, quarter)
        if qs is not None and qs.target_to_date is not None:
            return qs.target_to_date
        if qs is None:
            # no measured quarter: the scorecard has no quarter figures; targets come from the data
            t = self._stated_target_to_date(indicator_id, quarter)
            if t is not None:
                return t
        if self._qualitative(indicator_id):
            return self.year_target(indicator_id)
        return None

    def _stated_target_to_date(self, indicator_id: str, quarter: int) -> Decimal | None:
        from .periods import target_to_date

        yd = self.office.years.get(self.year)
        m = yd.measurements.get(indicator_id) if yd else None
        s = self._scores.get(indicator_id)
        if m is None or s is None or not m.quarterly_targets:
            return None
        return target_to_date(m.quarterly_targets, quarter, cumulative=m.cumulative_targets, method=s.indicator.rollup)

    def realisation_to_date(self, indicator_id: str, quarter: int) -> Decimal | str | None:
        """The realisation to date at the end of TW ``quarter`` (by the indicator's rollup); None — belum
        diukur — when TW ``quarter`` itself was not measured."""
        qs = self._quarter(indicator_id, quarter)
        return qs.to_date if qs is not None and qs.value is not None else None

    def measured(self, indicator_id: str, quarter: int) -> bool:
        """Was TW ``quarter`` itself measured?"""
        qs = self._quarter(indicator_id, quarter)
        return qs is not None and qs.value is not None

    def achievement_to_date(self, indicator_id: str, quarter: int) -> Achievement:
        """The achievement to date at TW ``quarter``; not measured when the quarter was not measured."""
        qs = self._quarter(indicator_id, quarter)
        if qs is None or qs.value is None:
            return NOT_MEASURED
        if qs.target_to_date is None and self._qualitative(indicator_id):
            return self._achieve(indicator_id, self.target_to_date(indicator_id, quarter), qs.to_date)
        return qs.achievement

    def to_date(self, indicator_id: str, quarter: int) -> Figure:
        return Figure(
            self.target_to_date(indicator_id, quarter),
            self.realisation_to_date(indicator_id, quarter),
            self.achievement_to_date(indicator_id, quarter),
        )

    # ------------------------------------------------------------------ indicators, the quarter alone

    def quarter_target(self, indicator_id: str, quarter: int) -> Target | None:
        """The quarter's own target (a cumulative target less the previous quarter's)."""
        yd = self.office.years.get(self.year)
        m = yd.measurements.get(indicator_id) if yd else None
        if m is None or not m.quarterly_targets:
            return self.year_target(indicator_id) if self._qualitative(indicator_id) else None
        own = m.quarterly_targets.get(quarter)
        if own is None or not m.cumulative_targets or quarter == 1:
            return own
        before = m.quarterly_targets.get(quarter - 1)
        return None if before is None else own - before

    def quarter_value(self, indicator_id: str, quarter: int) -> Decimal | str | None:
        qs = self._quarter(indicator_id, quarter)
        return qs.value if qs is not None else None

    def quarter_achievement(self, indicator_id: str, quarter: int) -> Achievement:
        return self._achieve(
            indicator_id, self.quarter_target(indicator_id, quarter), self.quarter_value(indicator_id, quarter)
        )

    def in_quarter(self, indicator_id: str, quarter: int) -> Figure:
        return Figure(
            self.quarter_target(indicator_id, quarter),
            self.quarter_value(indicator_id, quarter),
            self.quarter_achievement(indicator_id, quarter),
        )

    # ------------------------------------------------------------------ the year-end condition

    def year_end(self, indicator_id: str, through: int) -> Figure:
        """Kondisi akhir as of TW ``through``: the realisation to date against the year's target.

        At TW IV it is the year's figure (realisation by the indicator's rule, achievement).
        """
        s = self._scores.get(indicator_id)
        if s is None:
            return Figure(None, None, NOT_MEASURED)
        if through == QUARTERS[-1]:
            return Figure(s.target, s.realisation, s.achievement)
        measured = [q for q in QUARTERS if q <= through and self.measured(indicator_id, q)]
        real = self.realisation_to_date(indicator_id, measured[-1]) if measured else None
        return Figure(s.target, real, self._achieve(indicator_id, s.target, real))

    def _achieve(self, indicator_id: str, target: Target | None, real: Decimal | str | None) -> Achievement:
        s = self._scores.get(indicator_id)
        if s is None or real is None:
            return NOT_MEASURED
        ind, settings = s.indicator, self.office.settings
        try:
            return achievement(
                target,
                real,
                ind.polarity,
                cap=settings.cap,
                lower_formula=settings.lower_formula,
                method=ind.method,
                baseline=ind.baseline,
                ordinal=ind.ordinal,
            )
        except DomainError:
            return NOT_MEASURED

    # ------------------------------------------------------------------ budget

    def budget_to_date(self, code: str, quarter: int) -> Amounts | None:
        """A budget line's allocation and realisation to date at the end of TW ``quarter``."""
        line = self._lines.get(code)
        if line is None:
            return None
        try:
            return amounts(line, through=quarter)
        except DomainError:
            return None

    def budget_in_quarter(self, code: str, quarter: int) -> Decimal | None:
        """A budget line's realisation in TW ``quarter`` alone (to date less the quarter before)."""
        now = self.budget_to_date(code, quarter)
        if now is None or now.realisation is None:
            return None
        if quarter == 1:
            return now.realisation
        before = self.budget_to_date(code, quarter - 1)
        return None if before is None or before.realisation is None else now.realisation - before.realisation
