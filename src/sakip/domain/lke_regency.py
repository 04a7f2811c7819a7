"""The regency's LKE figures (issue #15): every office's sub-component grades side by side, the weakest
sub-components across the regency, and the change from last year.

Pure: it reads the domain's `Score` (from `evaluation.score`, the one grading rule) and
derives only what the regency view adds —

* `office_result` — an office's sub-components (grade, value, value as % of the weight), total
  and predicate, from its evaluator's score;
* `weakest` — per sub-component: how many offices have a value, the share of them **below B**
  (value below B's percentage of the weight — the grades CC, C, D, E under the 88/2021 method,
  the same threshold for a legacy average) and the mean value as % of the weight; weakest
  first (largest share below B, then lowest mean);
* `change` — ↑ ↓ = between last year's and this year's value as % of the weight (comparable
  across methods and weights), None when either is missing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from .evaluation import NodeScore, Score
from .lke_grading import GRADE_PERCENT

HUNDRED = Decimal(100)
#: below this percentage of the weight a sub-component is "below B"
BELOW_B = GRADE_PERCENT["B"]

#: the colour of a grade on the pages (the names of the predicate colours, `scales.PREDICATE_COLORS`)
GRADE_COLORS: dict[str, str] = {
    "AA": "green",
    "A": "green",
    "BB": "lime",
    "B": "yellow",
    "CC": "orange",
    "C": "orange",
    "D": "red",
    "E": "red",
}


class Change(StrEnum):
    UP = "↑"
    DOWN = "↓"
    SAME = "="


@dataclass(frozen=True)
class SubResult:
    code: str
    name: str
    weight: Decimal
    grade: str | None  # the 88/2021 grade in force; None under the legacy method or while incomplete
    value: Decimal | None  # None while a criterion is unanswered

    @property
    def percent(self) -> Decimal | None:
        """The value as a share of the weight × 100."""
        return None if self.value is None or not self.weight else self.value / self.weight * HUNDRED

    @property
    def below_b(self) -> bool | None:
        p = self.percent
        return None if p is None else p < BELOW_B


@dataclass(frozen=True)
class OfficeResult:
    subs: tuple[SubResult, ...]
    total: Decimal | None
    predicate: str | None

    def sub(self, code: str) -> SubResult | None:
        return next((s for s in self.subs if s.code == code), None)


def _sub(node: NodeScore) -> SubResult:
    complete = node.value is not None
    return SubResult(node.code, node.name, node.weight, node.grade if complete else None, node.value)


def office_result(score: Score) -> OfficeResult:
    """An office's figures from its (evaluator's) score."""
    subs = tuple(_sub(s) for c in score.components for s in c.children)
    return OfficeResult(subs, score.total.value, score.predicate)


@dataclass(frozen=True)
class Weak:
    code: str
    name: str
    weight: Decimal
    offices: int  # offices with a value for it
    below: int  # of them below B
    mean_percent: Decimal | None  # mean value as % of the weight

    @property
    def share_below(self) -> Decimal | None:
        """The share of offices below B × 100."""
        return None if not self.offices else Decimal(self.below) / Decimal(self.offices) * HUNDRED


def weakest(results: Iterable[OfficeResult], order: Sequence[str] = ()) -> list[Weak]:
    """Per sub-component across the offices, weakest first; ``order`` (codes) breaks ties, else the code."""
    seen: dict[str, SubResult] = {}
    percents: dict[str, list[Decimal]] = {}
    below: dict[str, int] = {}
    for r in results:
        for s in r.subs:
            seen.setdefault(s.code, s)
            percents.setdefault(s.code, [])
            below.setdefault(s.code, 0)
            p = s.percent
            if p is None:
                continue
            percents[s.code].append(p)
            below[s.code] += p < BELOW_B
    rank = {code: i for i, code in enumerate(order)}
    rows = [
        Weak(
            code,
            s.name,
            s.weight,
            len(percents[code]),
            below[code],
            sum(percents[code], Decimal(0)) / len(percents[code]) if percents[code] else None,
        )
        for code, s in seen.items()
    ]

    def key(w: Weak) -> tuple[int, Decimal, Decimal, int, str]:
        share, mean = w.share_below, w.mean_percent
        return (
            0 if w.offices else 1,  # sub-components no office has a value for last
            -(share if share is not None else Decimal(0)),
            mean if mean is not None else HUNDRED,
            rank.get(w.code, len(rank)),
            w.code,
        )

    return sorted(rows, key=key)


def change(previous: Decimal | None, current: Decimal | None) -> Change | None:
    """↑ ↓ = from last year's percentage (or total) to this year's; None when either is missing."""
    if previous is None or current is None:
        return None
    if current > previous:
        return Change.UP
    if current < previous:
        return Change.DOWN
    return Change.SAME


def sub_change(previous: OfficeResult | None, current: OfficeResult | None, code: str) -> Change | None:
    """The change of one sub-component (by code) between two years of an office."""
    before = previous.sub(code) if previous else None
    now = current.sub(code) if current else None
    return change(before.percent if before else None, now.percent if now else None)
