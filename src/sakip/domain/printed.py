"""A report written elsewhere, as its figures were printed (SPEC §8, review part b).

Plain data built by `sakip.dataset.printed_report` from a printed-report file
(YAML, JSON or the .xlsx template). Every figure is the one the report printed,
errors included; ``None`` means "not printed". The review rules
(`review_rules.PRINTED_RULES`) recompute what can be recomputed from the printed
inputs and name every printed figure that is wrong.

Each row carries ``where`` — the place in the report ("Tabel 3.2 › IKM") — which
becomes the place of its findings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .measurement import CapPolicy, LowerFormula, Polarity
from .scales import Band
from .survey import GradeTable


@dataclass(frozen=True)
class PrintedScale:
    """The predicate scale as the report printed it — gaps and overlaps kept."""

    where: str
    bands: tuple[Band, ...]  # lowest first


@dataclass(frozen=True)
class PrintedIndicatorRow:
    where: str
    name: str
    polarity: Polarity = Polarity.HIGHER_IS_BETTER
    target: Decimal | None = None
    realisation: Decimal | None = None
    achievement: Decimal | None = None  # printed capaian (%)
    category: str | None = None  # printed predicate
    pk_target: Decimal | None = None  # the target of the Perjanjian Kinerja, when printed
    survey: bool = False  # the realisation is the index of the report's survey


@dataclass(frozen=True)
class PrintedGroupRow:
    """A printed mean of indicator achievements (an objective's or the office's)."""

    where: str
    name: str
    indicators: tuple[str, ...]  # the ``where`` or ``name`` of the indicator rows averaged
    achievement: Decimal | None = None
    category: str | None = None


@dataclass(frozen=True)
class PrintedBudgetLine:
    key: str  # unique within the report
    where: str
    name: str
    allocation: Decimal | None = None
    realisation: Decimal | None = None
    absorption: Decimal | None = None  # printed realisation / allocation × 100
    deviation: Decimal | None = None  # printed (realisation − allocation) / allocation × 100
    share: Decimal | None = None  # printed allocation / allocation of ``share_of`` × 100
    share_of: str | None = None
    parts: tuple[str, ...] = ()  # keys of the lines this line is the sum of
    same_as: str | None = None  # key of a line printing the same amounts elsewhere
    pk_allocation: Decimal | None = None  # the line's budget in the Perjanjian Kinerja


@dataclass(frozen=True)
class PrintedSurveyElement:
    name: str
    score: Decimal | None = None  # printed on the 25–100 scale
    nrr: Decimal | None = None  # printed on the 1–4 scale
    distribution: tuple[Decimal, ...] | None = None  # printed % of answers 1, 2, 3, 4


@dataclass(frozen=True)
class PrintedSurvey:
    where: str
    elements: tuple[PrintedSurveyElement, ...]
    index: Decimal | None = None  # printed IKM (25–100)
    grade: str | None = None  # printed mutu pelayanan
    grade_table: GradeTable = GradeTable.PERMENPAN_14_2017


@dataclass(frozen=True)
class PrintedReport:
    title: str
    office: str
    year: int
    scale: PrintedScale | None = None
    cap: CapPolicy = CapPolicy.NONE
    lower_formula: LowerFormula = LowerFormula.MIRROR
    indicators: tuple[PrintedIndicatorRow, ...] = ()
    groups: tuple[PrintedGroupRow, ...] = ()
    budget: tuple[PrintedBudgetLine, ...] = ()
    surveys: tuple[PrintedSurvey, ...] = ()
    source: str | None = None
    notes: tuple[str, ...] = field(default=())

    def line(self, key: str) -> PrintedBudgetLine | None:
        for line in self.budget:
            if line.key == key:
                return line
        return None
