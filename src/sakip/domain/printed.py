"""A report written elsewhere, as its figures were printed (SPEC §8, review part b).

Plain data built by `sakip.dataset.printed_report` from a printed-report file
(YAML, JSON or the .xlsx template). Every figure is the one the report printed,
errors included; ``None`` means "not printed". The review rules
(`review_rules.PRINTED_RULES`) recompute what can be recomputed from the printed
inputs and name every printed figure that is wrong.

Each row carries ``where`` — the place in the report ("Tabel 3.2 › IKM") — which
becomes the place of its findings.

A quarterly report (Laporan Kinerja Triwulan) states its quarter (``quarter``: TW N)
and prints, per indicator row, the figures of each quarter TW I … TW IV and the
year-end condition (*kondisi akhir*) as `PrintedCell`s. A printed value is a number,
a grade (``"BB"``), the dash `DASH` ("-": printed as not measured / nothing) or
``None`` (not printed) — a dash and a blank are different things.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from .measurement import CapPolicy, LowerFormula, Polarity
from .scales import Band, OrdinalScale
from .survey import GradeTable

DASH = "-"  # printed "-": not measured / nothing — distinct from not printed (None)

#: a printed figure: a number, a grade ("BB"), `DASH`, or None (not printed)
PrintedValue = Decimal | str | None

YEAR_END = 0  # the key of the year-end condition (kondisi akhir) next to the quarters 1–4


def is_dash(value: object) -> bool:
    return isinstance(value, str) and value.strip() == DASH


def number(value: PrintedValue) -> Decimal | None:
    """The printed value when it is a number (not a grade, a dash or blank)."""
    return value if isinstance(value, Decimal) else None


def grade(value: PrintedValue) -> str | None:
    """The printed value when it is a grade (text other than the dash)."""
    return value.strip() if isinstance(value, str) and not is_dash(value) else None


class Basis(StrEnum):
    """What a quarter column of an indicator row prints."""

    TO_DATE = "to_date"  # figures to date (s.d. TW N): cumulative target, rolled-up realisation
    QUARTER = "quarter"  # the quarter's own target and realisation


@dataclass(frozen=True)
class PrintedCell:
    """One period's printed figures of an indicator row: a quarter (TW I–IV) or the kondisi akhir."""

    target: PrintedValue = None
    realisation: PrintedValue = None
    achievement: PrintedValue = None  # a number or DASH
    category: str | None = None


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
    target: PrintedValue = None  # the year's target (a grade for a qualitative indicator)
    realisation: PrintedValue = None
    achievement: PrintedValue = None  # printed capaian (%)
    category: str | None = None  # printed predicate
    pk_target: Decimal | None = None  # the target of the Perjanjian Kinerja, when printed
    survey: bool = False  # the realisation is the index of the report's survey
    indicator: str | None = None  # the id of the indicator in the office's data (links the row)
    ordinal: OrdinalScale | None = None  # the grades of a qualitative indicator
    basis: Basis = Basis.TO_DATE
    quarters: dict[int, PrintedCell] = field(default_factory=dict)  # TW 1–4 as printed
    year_end: PrintedCell | None = None  # kondisi akhir as printed

    def cells(self) -> list[tuple[int, PrintedCell]]:
        """The printed quarter cells in order, then the kondisi akhir (key `YEAR_END`)."""
        out = sorted(self.quarters.items())
        if self.year_end is not None:
            out.append((YEAR_END, self.year_end))
        return out


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
    code: str | None = None  # the line's code in the office's data (links the line)
    quarters: dict[int, Decimal] = field(default_factory=dict)  # printed realisation of each quarter alone
    dashes: frozenset[str] = frozenset()  # fields printed as "-" (a "-" amount is 0, a "-" percentage none)


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
class PrintedSignature:
    """A signature block: who signed, as printed."""

    where: str
    name: str
    nip: str | None = None  # as printed ("19700512 199503 1 002")
    position: str | None = None
    person: str | None = None  # blocks with the same key are the same person (same name and NIP)


@dataclass(frozen=True)
class PrintedReport:
    title: str
    office: str
    year: int
    quarter: int | None = None  # TW N of a quarterly report; None for an annual report
    scale: PrintedScale | None = None
    cap: CapPolicy = CapPolicy.NONE
    lower_formula: LowerFormula = LowerFormula.MIRROR
    indicators: tuple[PrintedIndicatorRow, ...] = ()
    groups: tuple[PrintedGroupRow, ...] = ()
    budget: tuple[PrintedBudgetLine, ...] = ()
    surveys: tuple[PrintedSurvey, ...] = ()
    source: str | None = None
    notes: tuple[str, ...] = field(default=())
    signatures: tuple[PrintedSignature, ...] = ()

    def line(self, key: str) -> PrintedBudgetLine | None:
        for line in self.budget:
            if line.key == key:
                return line
        return None
