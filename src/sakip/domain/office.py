"""The office model: one office's plan period, indicators and yearly data (SPEC §2–§6).

Plain dataclasses, built by adapters (the dataset loader, later the web app's
database) and read by `scorecard`. ``None`` always means "not given / not
measured", never 0. ``printed`` fields carry figures as a report printed them, so
the review can compare them with what the engine computes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from .budget import Amounts, BudgetClass, BudgetLine
from .formulas import Formula
from .measurement import CapPolicy, LowerFormula, Method, Polarity, Range, Target
from .periods import Rollup
from .scales import LKJIP_4, OrdinalScale, PredicateScale

if TYPE_CHECKING:
    from .profile import Narrative, Profile, YearProfile


@dataclass(frozen=True)
class Person:
    name: str
    rank: str | None = None
    nip: str | None = None
    position: str | None = None


@dataclass(frozen=True)
class Settings:
    """Per-pemda, per-year choices (SPEC §4)."""

    scale: PredicateScale = LKJIP_4
    cap: CapPolicy = CapPolicy.NONE
    lower_formula: LowerFormula = LowerFormula.MIRROR


@dataclass
class Indicator:
    id: str
    name: str
    unit: str
    polarity: Polarity = Polarity.HIGHER_IS_BETTER
    rollup: Rollup = Rollup.LAST
    method: Method = Method.RATIO
    baseline: Decimal | None = None
    ordinal: OrdinalScale | None = None
    formula: Formula | None = None
    input_labels: dict[str, str] = field(default_factory=dict)
    input_rollups: dict[str, Rollup] = field(default_factory=dict)
    definition: str | None = None
    iku: bool = False
    weight: Decimal = Decimal(1)
    data_source: str | None = None
    responsible_unit: str | None = None
    national_standard: Decimal | None = None
    targets: dict[int, Target] = field(default_factory=dict)
    end_target: Target | None = None


@dataclass
class Goal:
    id: str
    text: str
    weight: Decimal = Decimal(1)
    indicators: list[Indicator] = field(default_factory=list)


@dataclass
class Objective:
    id: str
    goal_id: str
    text: str
    weight: Decimal = Decimal(1)
    strategies: list[str] = field(default_factory=list)
    policies: list[str] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)


@dataclass
class OutputIndicator:
    name: str
    unit: str
    targets: dict[int, Target] = field(default_factory=dict)
    realisations: dict[int, Target] = field(default_factory=dict)


@dataclass
class ProgramNode:
    """Program → activity → sub-activity (Permendagri 90/2019 codes where known)."""

    code: str
    name: str
    objectives: tuple[str, ...] = ()
    indicators: list[OutputIndicator] = field(default_factory=list)
    children: list[ProgramNode] = field(default_factory=list)


@dataclass
class Plan:
    kind: str
    start: int
    end: int
    vision: str | None = None
    missions: list[str] = field(default_factory=list)
    goals: list[Goal] = field(default_factory=list)
    objectives: list[Objective] = field(default_factory=list)
    programs: list[ProgramNode] = field(default_factory=list)

    def indicators(self) -> list[Indicator]:
        """Goal indicators first, then objective indicators, in plan order."""
        out = [i for g in self.goals for i in g.indicators]
        out += [i for o in self.objectives for i in o.indicators]
        return out

    def indicator(self, indicator_id: str) -> Indicator | None:
        for i in self.indicators():
            if i.id == indicator_id:
                return i
        return None

    def indicator_index(self) -> dict[str, Indicator]:
        """Every indicator by id, built now (the plan is mutable: build it again after changing the plan).

        For looking up many indicators at once; the first of equal ids wins, as with `indicator`.
        """
        index: dict[str, Indicator] = {}
        for i in self.indicators():
            index.setdefault(i.id, i)
        return index


@dataclass(frozen=True)
class PrintedMeasurement:
    target: Target | None = None
    realisation: Decimal | str | None = None
    achievement: Decimal | None = None
    category: str | None = None
    where: str | None = None


@dataclass
class Measurement:
    """An indicator's data for one year."""

    target: Target | None = None  # overrides the PK / plan target for this year
    quarterly_targets: dict[int, Decimal | None] = field(default_factory=dict)
    #: a qualitative indicator's quarter targets: grades of its ordinal scale (``{2: "B", 4: "BB"}``)
    quarterly_target_grades: dict[int, str] = field(default_factory=dict)
    #: an in-range indicator's quarter bands (``{1: Range(80, 90)}``): the band of the figure to date at TW N
    quarterly_target_ranges: dict[int, Range] = field(default_factory=dict)
    cumulative_targets: bool = False
    quarters: dict[int, Decimal | None] = field(default_factory=dict)
    #: a qualitative indicator's quarter realisations: grades of its ordinal scale (``{1: "B", 2: "BB"}``)
    quarter_grades: dict[int, str] = field(default_factory=dict)
    inputs: dict[int, dict[str, Decimal | None]] = field(default_factory=dict)
    annual: Decimal | str | None = None  # year-end value reported directly
    explanation: str | None = None  # the year's text (the annual report's)
    #: each quarter's own explanation (causes and solutions of that quarter): ``{1: "…", 2: "…"}``
    quarter_explanations: dict[int, str] = field(default_factory=dict)
    evidence: list[str] = field(default_factory=list)
    printed: PrintedMeasurement | None = None


@dataclass(frozen=True)
class PkProgram:
    name: str
    allocation: Decimal
    program_code: str | None = None
    source: str | None = None


@dataclass
class PkVersion:
    """A Perjanjian Kinerja, original or amended (*PK Perubahan*)."""

    kind: str  # original | amendment
    targets: dict[str, Target]
    date: str | None = None
    reason: str | None = None
    title: str | None = None
    first_party: Person | None = None
    second_party: Person | None = None
    programs: list[PkProgram] = field(default_factory=list)
    printed_total: Decimal | None = None


@dataclass(frozen=True)
class PrintedAmounts:
    allocation: Decimal | None = None
    realisation: Decimal | None = None
    absorption: Decimal | None = None
    deviation: Decimal | None = None
    remaining: Decimal | None = None
    share: Decimal | None = None
    where: str | None = None


@dataclass
class StatedAmounts:
    allocation: Decimal
    realisation: Decimal | None
    printed: PrintedAmounts | None = None

    @property
    def amounts(self) -> Amounts:
        return Amounts(self.allocation, self.realisation)


@dataclass
class BudgetYear:
    classes: dict[BudgetClass, StatedAmounts] = field(default_factory=dict)
    total: StatedAmounts | None = None
    lines: list[BudgetLine] = field(default_factory=list)
    printed_lines: dict[str, PrintedAmounts] = field(default_factory=dict)  # by line code
    printed_lines_total: PrintedAmounts | None = None


@dataclass
class SurveyData:
    instrument_code: str  # a preset code or "custom"
    input: str  # responses | distribution | nrr | score | index
    elements: tuple[str, ...] = ()  # custom instrument elements
    instrument_name: str | None = None
    grade_table: str | None = None
    indicator_id: str | None = None
    period: str | None = None
    respondents: int | None = None
    population: int | None = None
    responses: list[list[int | None]] = field(default_factory=list)
    values: dict[str, Decimal | list[Decimal] | None] = field(default_factory=dict)
    index: Decimal | None = None  # input "index": the converted index (25–100) computed elsewhere
    printed_index: Decimal | None = None
    printed_grade: str | None = None
    printed_elements: dict[str, Decimal] = field(default_factory=dict)


@dataclass(frozen=True)
class PrintedAggregate:
    achievement: Decimal | None = None
    category: str | None = None
    where: str | None = None


@dataclass
class YearData:
    year: int
    agreements: list[PkVersion] = field(default_factory=list)
    measurements: dict[str, Measurement] = field(default_factory=dict)
    objectives_printed: dict[str, PrintedAggregate] = field(default_factory=dict)
    budget: BudgetYear | None = None
    survey: SurveyData | None = None
    #: staff, facilities, villages and achievement photos of the year (`domain.profile.YearProfile`)
    profile: YearProfile | None = None
    #: the narrative sections by document code (``lkjip``, ``triwulan-N``) and key (`domain.profile`)
    narratives: dict[str, dict[str, Narrative]] = field(default_factory=dict)

    @property
    def agreement(self) -> PkVersion | None:
        """The PK in force: the latest version (an amendment replaces the original)."""
        return self.agreements[-1] if self.agreements else None


@dataclass
class Office:
    code: str
    name: str
    plan: Plan
    settings: Settings = field(default_factory=Settings)
    kind: str | None = None
    regency: str | None = None
    province: str | None = None
    head: Person | None = None
    superior: Person | None = None
    units: list[str] = field(default_factory=list)
    mandate: str | None = None
    years: dict[int, YearData] = field(default_factory=dict)
    profile: Profile | None = None  # identity and organisation (`domain.profile.Profile`)
    #: the bytes of the files the profile refers to (logos, photos), by reference, as far as the adapter read them
    files: dict[str, bytes] = field(default_factory=dict)

    @property
    def latest_year(self) -> int | None:
        """The latest year with a PK or a budget (the reporting year)."""
        candidates = [y for y, d in self.years.items() if d.agreements or d.budget]
        return max(candidates) if candidates else (max(self.years) if self.years else None)
