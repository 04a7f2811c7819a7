"""Quarters and the year: how quarterly values make the annual value (SPEC §3).

A quarter's value is a `Decimal` or ``None`` (*belum diukur*, not measured).
``None`` is never treated as 0: it is skipped by every rollup, and a rollup with
no measured quarter is itself ``None``.

* `Rollup.SUM` — counts (services issued): the sum of measured quarters;
* `Rollup.LAST` — a stock or status (an index, a share at a date): the latest
  measured quarter;
* `Rollup.AVERAGE`, `Rollup.MAX`, `Rollup.MIN`.

Quarterly targets are either per quarter (compare each quarter, or the rollup of
the quarters so far) or cumulative (each quarter's target is the way travelled
by the end of that quarter, e.g. 10 / 25 / 50 / 85 % of the year).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from .errors import N_, DomainError
from .numbers import ENGINE_CONTEXT, HUNDRED

QUARTERS: tuple[int, ...] = (1, 2, 3, 4)
QUARTER_LABELS = {1: "TW I", 2: "TW II", 3: "TW III", 4: "TW IV"}

QuarterValues = Mapping[int, Decimal | None]


class Rollup(StrEnum):
    SUM = "sum"
    LAST = "last"
    AVERAGE = "average"
    MAX = "max"
    MIN = "min"


def _check_quarter(q: int) -> None:
    if q not in QUARTERS:
        raise DomainError(N_("triwulan harus 1–4, bukan %(quarter)s"), quarter=q)


def measured(values: QuarterValues, through: int = 4) -> list[tuple[int, Decimal]]:
    """The measured quarters up to and including ``through``, in order."""
    _check_quarter(through)
    for q in values:
        _check_quarter(q)
    return [(q, v) for q in QUARTERS if q <= through and (v := values.get(q)) is not None]


def roll_up(values: QuarterValues, method: Rollup, through: int = 4) -> Decimal | None:
    """The value of quarters 1..``through`` under ``method``; ``None`` when none is measured."""
    points = [v for _, v in measured(values, through)]
    if not points:
        return None
    if method is Rollup.SUM:
        return sum(points, Decimal(0))
    if method is Rollup.LAST:
        return points[-1]
    if method is Rollup.AVERAGE:
        return ENGINE_CONTEXT.divide(sum(points, Decimal(0)), Decimal(len(points)))
    if method is Rollup.MAX:
        return max(points)
    return min(points)


def roll_up_inputs(
    inputs: Mapping[int, Mapping[str, Decimal | None]],
    methods: Mapping[str, Rollup],
    through: int = 4,
) -> dict[str, Decimal | None]:
    """Roll each formula input up on its own (the year's violations, the year's staff)."""
    return {
        name: roll_up({q: inputs.get(q, {}).get(name) for q in QUARTERS}, method, through)
        for name, method in methods.items()
    }


@dataclass(frozen=True, slots=True)
class YearEnd:
    """The year-end condition (*kondisi akhir*) of an indicator."""

    value: Decimal | None
    measured_quarters: tuple[int, ...]

    @property
    def complete(self) -> bool:
        return len(self.measured_quarters) == 4

    @property
    def missing_quarters(self) -> tuple[int, ...]:
        return tuple(q for q in QUARTERS if q not in self.measured_quarters)


def year_end(values: QuarterValues, method: Rollup) -> YearEnd:
    return YearEnd(roll_up(values, method), tuple(q for q, _ in measured(values)))


def target_to_date(
    targets: QuarterValues, quarter: int, *, cumulative: bool, method: Rollup
) -> Decimal | None:
    """The target to compare with the realisation to date at the end of ``quarter``.

    Cumulative targets already are "to date". Per-quarter targets are rolled up
    the same way as the realisations.
    """
    _check_quarter(quarter)
    if cumulative:
        return targets.get(quarter)
    return roll_up(targets, method, quarter)


def cumulative_targets_from_shares(
    annual_target: Decimal, shares_pct: Sequence[Decimal], baseline: Decimal | None = None
) -> dict[int, Decimal]:
    """Quarterly cumulative targets from shares of the way, e.g. (10, 25, 50, 85) %.

    Without a baseline the share applies to the annual target (counts); with a
    baseline it applies to the way from the baseline to the target (an index).
    """
    if len(shares_pct) != 4:
        raise DomainError(
            N_("persentase kumulatif memerlukan empat triwulan, bukan %(count)s"), count=len(shares_pct)
        )
    previous = Decimal(0)
    for s in shares_pct:
        if s < previous:
            raise DomainError(N_("persentase kumulatif tidak boleh turun dari triwulan ke triwulan berikutnya"))
        previous = s
    start = baseline if baseline is not None else Decimal(0)
    span = annual_target - start
    return {
        q: start + ENGINE_CONTEXT.divide(span * s, HUNDRED)
        for q, s in zip(QUARTERS, shares_pct, strict=True)
    }
