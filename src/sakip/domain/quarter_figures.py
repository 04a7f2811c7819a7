"""An office's figures "as of TW N", as the review of a quarterly report compares them.

The review of a printed quarterly report (`review_quarterly`) asks this module for
the figure that should have been printed — one method per figure: the target to
date, the realisation to date, the achievement to date, whether a quarter was
measured, the year-end condition (*kondisi akhir*) as of TW N, a budget line's
amounts to date and its realisation in one quarter.

Every figure comes from the one rule for "as of TW N" (`to_date`): the indicator
figures to date are the scorecard's `to_date.QuarterScore` rows (the same rows
``build_scorecard(office, year, quarter=N)`` takes its figures from; TW IV to date is
the year's TW IV row), and a budget line's amounts to date are the line's amounts in
``build_scorecard(office, year, quarter=N)``'s budget (TW IV: the year's). A target not
set is ``None`` (*target belum ditetapkan*), never the year's target, also for a
qualitative indicator (its quarter targets are grades such as "BB"); a quarter not
measured has no realisation (*belum diukur*).

What the rule does not define is worked out here from its parts: a quarter's own
target and value (the "TW N" column of a report that prints each quarter alone), the
kondisi akhir before TW IV (the realisation to date against the year's target) and a
budget line's realisation in one quarter.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .budget import Amounts
from .errors import DomainError
from .measurement import NOT_MEASURED, Achievement, Target
from .office import Indicator, Measurement, Office
from .periods import QUARTERS
from .scorecard import IndicatorScore, Scorecard, build_scorecard
from .to_date import QuarterScore, achieve, is_measured, quarter_targets


@dataclass(frozen=True)
class Figure:
    """One period's figures of an indicator: target, realisation and achievement."""

    target: Target | None  # None: target belum ditetapkan
    realisation: Decimal | str | None  # None: belum diukur
    achievement: Achievement


class FiguresAsOf:
    """The computed figures of one office-year that a printed quarterly report is compared with."""

    def __init__(self, office: Office, year: int, card: Scorecard | None = None) -> None:
        self.office = office
        self.year = year
        self.card = card if card is not None and card.year == year and card.quarter is None else build_scorecard(
            office, year
        )
        self._cards: dict[int, Scorecard] = {4: self.card}
        self._scores: dict[str, IndicatorScore] = {}
        for s in self.card.indicators:
            self._scores.setdefault(s.indicator.id, s)
        self._lines: set[str] = set()
        if self.card.budget is not None:
            self._lines = {ls.line.code for ls in self.card.budget.lines}

    def as_of(self, quarter: int) -> Scorecard:
        """The office's scorecard as of TW ``quarter`` (the one rule; TW IV is the year)."""
        if quarter not in self._cards:
            self._cards[quarter] = build_scorecard(self.office, self.year, quarter=quarter)
        return self._cards[quarter]

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

    def _measurement(self, indicator_id: str) -> Measurement | None:
        yd = self.office.years.get(self.year)
        return yd.measurements.get(indicator_id) if yd else None

    def year_target(self, indicator_id: str) -> Target | None:
        """The year's target (year override → PK in force → plan)."""
        s = self._scores.get(indicator_id)
        return s.target if s else None

    def target_to_date(self, indicator_id: str, quarter: int) -> Target | None:
        """The target to compare with the realisation to date at the end of TW ``quarter``; None: not set."""
        qs = self._quarter(indicator_id, quarter)
        return qs.target_to_date if qs is not None else None

    def realisation_to_date(self, indicator_id: str, quarter: int) -> Decimal | str | None:
        """The realisation to date at the end of TW ``quarter`` (by the indicator's rollup); None — belum
        diukur — when TW ``quarter`` itself was not measured."""
        qs = self._quarter(indicator_id, quarter)
        return qs.to_date if qs is not None else None

    def measured(self, indicator_id: str, quarter: int) -> bool:
        """Was TW ``quarter`` itself measured?"""
        s = self._scores.get(indicator_id)
        return s is not None and is_measured(s.indicator, self._measurement(indicator_id), quarter)

    def achievement_to_date(self, indicator_id: str, quarter: int) -> Achievement:
        """The achievement to date at TW ``quarter``; not measured when the quarter was not measured."""
        qs = self._quarter(indicator_id, quarter)
        return qs.achievement if qs is not None else NOT_MEASURED

    def to_date(self, indicator_id: str, quarter: int) -> Figure:
        return Figure(
            self.target_to_date(indicator_id, quarter),
            self.realisation_to_date(indicator_id, quarter),
            self.achievement_to_date(indicator_id, quarter),
        )

    # ------------------------------------------------------------------ indicators, the quarter alone

    def quarter_target(self, indicator_id: str, quarter: int) -> Target | None:
        """The quarter's own target (a cumulative number less the previous quarter's; a grade is a state
        and stays TW N's grade); None: not set."""
        m = self._measurement(indicator_id)
        targets = quarter_targets(m)
        own = targets.get(quarter)
        if m is None or not isinstance(own, Decimal) or not m.cumulative_targets or quarter == 1:
            return own
        before = targets.get(quarter - 1)
        return own - before if isinstance(before, Decimal) else None

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
        try:
            return achieve(self.office.settings, s.indicator, target, real)
        except DomainError:
            return NOT_MEASURED

    # ------------------------------------------------------------------ budget

    def budget_to_date(self, code: str, quarter: int) -> Amounts | None:
        """A budget line's allocation and realisation to date at the end of TW ``quarter``."""
        budget = self.as_of(quarter).budget
        if budget is None:
            return None
        return next((ls.amounts for ls in budget.lines if ls.line.code == code), None)

    def budget_in_quarter(self, code: str, quarter: int) -> Decimal | None:
        """A budget line's realisation in TW ``quarter`` alone (to date less the quarter before)."""
        now = self.budget_to_date(code, quarter)
        if now is None or now.realisation is None:
            return None
        if quarter == 1:
            return now.realisation
        before = self.budget_to_date(code, quarter - 1)
        return None if before is None or before.realisation is None else now.realisation - before.realisation
