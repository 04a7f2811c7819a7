"""Budget (*akuntabilitas keuangan*) — SPEC §6.

Allocation (*pagu*, original and amended) and realisation per program →
activity → sub-activity, per quarter, in exact rupiah.

* absorption = realisation / allocation × 100 (undefined when allocation is 0);
* remaining = allocation − realisation; deviation = (R − A) / A × 100;
* totals roll up the tree and must equal the sum of their lines: a line that
  states its own total is checked against its children (`sum_checks`);
* classification: before 2021 BTL / BL, from 2021 (Permendagri 90/2019)
  operasi / modal / tidak terduga / transfer;
* budget per objective through the programs' links, and efficiency per
  objective (achievement ÷ absorption and achievement − absorption).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from .errors import N_, BudgetError, Message
from .numbers import ENGINE_CONTEXT, HUNDRED, ZERO
from .periods import QUARTERS


class Level(StrEnum):
    PROGRAM = "program"
    ACTIVITY = "activity"
    SUB_ACTIVITY = "sub_activity"


class BudgetClass(StrEnum):
    # before 2021 (Permendagri 13/2006)
    BTL = "btl"  # belanja tidak langsung
    BL = "bl"  # belanja langsung
    # from 2021 (Permendagri 90/2019)
    OPERASI = "operasi"
    MODAL = "modal"
    TIDAK_TERDUGA = "tidak_terduga"
    TRANSFER = "transfer"

    @property
    def label(self) -> str:
        return CLASS_LABELS[self]

    @property
    def system(self) -> str:
        return "13/2006" if self in (BudgetClass.BTL, BudgetClass.BL) else "90/2019"


CLASS_LABELS = {
    BudgetClass.BTL: "Belanja Tidak Langsung",
    BudgetClass.BL: "Belanja Langsung",
    BudgetClass.OPERASI: "Belanja Operasi",
    BudgetClass.MODAL: "Belanja Modal",
    BudgetClass.TIDAK_TERDUGA: "Belanja Tidak Terduga",
    BudgetClass.TRANSFER: "Belanja Transfer",
}


def absorption(realisation: Decimal, allocation: Decimal) -> Decimal | None:
    """Realisation / allocation × 100; ``None`` when nothing was allocated."""
    if allocation == ZERO:
        return None
    return ENGINE_CONTEXT.multiply(ENGINE_CONTEXT.divide(realisation, allocation), HUNDRED)


def deviation(realisation: Decimal, allocation: Decimal) -> Decimal | None:
    """(Realisation − allocation) / allocation × 100: negative when under-spent."""
    if allocation == ZERO:
        return None
    return ENGINE_CONTEXT.multiply(
        ENGINE_CONTEXT.divide(realisation - allocation, allocation), HUNDRED
    )


def share(part: Decimal, whole: Decimal) -> Decimal | None:
    """Part as a percentage of the whole (BTL share of the total ...)."""
    return absorption(part, whole)


@dataclass
class BudgetLine:
    """A program, activity or sub-activity. Leaves carry amounts; parents may state totals."""

    code: str
    name: str
    level: Level
    allocation: Decimal | None = None  # stated pagu (for a parent: the printed total)
    allocation_original: Decimal | None = None  # before the amendment (APBD murni)
    realisation: Decimal | None = None  # stated realisation for the year
    quarterly_realisation: dict[int, Decimal] = field(default_factory=dict)
    budget_class: BudgetClass | None = None
    objectives: tuple[str, ...] = ()
    children: list[BudgetLine] = field(default_factory=list)

    def __post_init__(self) -> None:
        for what, v in ((N_("pagu"), self.allocation), (N_("realisasi"), self.realisation)):
            if v is not None and v < ZERO:
                raise BudgetError(
                    N_("%(code)s %(name)s: %(what)s %(value)s bernilai negatif"),
                    code=self.code,
                    name=self.name,
                    what=Message(what),
                    value=v,
                )
        for q in self.quarterly_realisation:
            if q not in QUARTERS:
                raise BudgetError(
                    N_("%(code)s %(name)s: triwulan harus 1–4, bukan %(quarter)s"),
                    code=self.code,
                    name=self.name,
                    quarter=q,
                )

    def walk(self) -> Iterator[BudgetLine]:
        yield self
        for c in self.children:
            yield from c.walk()


@dataclass(frozen=True, slots=True)
class Amounts:
    allocation: Decimal
    realisation: Decimal | None  # None: no realisation reported

    @property
    def remaining(self) -> Decimal | None:
        return None if self.realisation is None else self.allocation - self.realisation

    @property
    def absorption(self) -> Decimal | None:
        return None if self.realisation is None else absorption(self.realisation, self.allocation)

    @property
    def deviation(self) -> Decimal | None:
        return None if self.realisation is None else deviation(self.realisation, self.allocation)

    def __add__(self, other: Amounts) -> Amounts:
        if self.realisation is None or other.realisation is None:
            real = None
        else:
            real = self.realisation + other.realisation
        return Amounts(self.allocation + other.allocation, real)


ZERO_AMOUNTS = Amounts(ZERO, ZERO)


def line_realisation(line: BudgetLine, through: int = 4) -> Decimal | None:
    """A leaf's realisation: stated for the year, or the sum of its quarters to date."""
    if line.quarterly_realisation:
        return sum(
            (v for q, v in line.quarterly_realisation.items() if q <= through), ZERO
        )
    return line.realisation if through == 4 else None


def amounts(line: BudgetLine, through: int = 4) -> Amounts:
    """The line's computed amounts: a parent is the sum of its children, a leaf its own."""
    if line.children:
        total = ZERO_AMOUNTS
        for c in line.children:
            total = total + amounts(c, through)
        return total
    if line.allocation is None:
        raise BudgetError(N_("%(code)s %(name)s: pagu belum diisi"), code=line.code, name=line.name)
    return Amounts(line.allocation, line_realisation(line, through))


@dataclass(frozen=True, slots=True)
class SumCheck:
    """A stated total against the sum of its lines."""

    where: str
    what: str  # "allocation" | "realisation"
    stated: Decimal
    computed: Decimal

    @property
    def ok(self) -> bool:
        return self.stated == self.computed

    @property
    def difference(self) -> Decimal:
        return self.stated - self.computed


def sum_checks(lines: Iterable[BudgetLine]) -> list[SumCheck]:
    """Every parent that states its own total, checked against the sum of its children."""
    checks: list[SumCheck] = []
    for top in lines:
        for line in top.walk():
            if not line.children:
                continue
            computed = amounts(line)
            where = f"{line.code} {line.name}".strip()
            if line.allocation is not None:
                checks.append(SumCheck(where, "allocation", line.allocation, computed.allocation))
            if line.realisation is not None and computed.realisation is not None:
                checks.append(SumCheck(where, "realisation", line.realisation, computed.realisation))
    return checks


def total(lines: Iterable[BudgetLine], through: int = 4) -> Amounts:
    result = ZERO_AMOUNTS
    for line in lines:
        result = result + amounts(line, through)
    return result


@dataclass(frozen=True, slots=True)
class ClassAmounts:
    budget_class: BudgetClass
    amounts: Amounts


def by_class(
    lines: Iterable[BudgetLine], stated: Mapping[BudgetClass, Amounts] | None = None
) -> dict[BudgetClass, Amounts]:
    """Totals per class: stated class totals (salaries not itemised) plus itemised leaves.

    A class given in ``stated`` is taken as stated (the itemised lines of that
    class are a part of it, reported by `unitemised`); other classes are summed
    from the leaves that carry the class.
    """
    result: dict[BudgetClass, Amounts] = dict(stated or {})
    for top in lines:
        for line in top.walk():
            if line.children or line.budget_class is None or line.budget_class in (stated or {}):
                continue
            a = amounts(line)
            result[line.budget_class] = result.get(line.budget_class, ZERO_AMOUNTS) + a
    systems = {c.system for c in result}
    if len(systems) > 1:
        raise BudgetError(
            N_(
                "anggaran mencampur kelompok belanja sebelum 2021 (BTL/BL) dengan kelompok "
                "Permendagri 90/2019"
            )
        )
    return result


def grand_total(classes: Mapping[BudgetClass, Amounts]) -> Amounts:
    result = ZERO_AMOUNTS
    for a in classes.values():
        result = result + a
    return result


def by_objective(lines: Sequence[BudgetLine], through: int = 4) -> dict[str, Amounts]:
    """Budget per objective through each program's links, as of TW ``through`` (4: the year).

    A program linked to several objectives counts fully in each (the report
    marks such programs as shared); a program with no link is reported under
    the key ``""`` (supporting programs such as office administration).
    """
    result: dict[str, Amounts] = {}
    for program in lines:
        a = amounts(program, through)
        for objective in program.objectives or ("",):
            result[objective] = result.get(objective, ZERO_AMOUNTS) + a
    return result


class EfficiencyVerdict(StrEnum):
    EFFICIENT = "efficient"  # target met with less money than planned
    ON_PLAN = "on_plan"  # target met using the whole allocation
    TARGET_MISSED_UNDERSPENT = "target_missed_underspent"
    TARGET_MISSED_OVERSPENT = "target_missed_overspent"
    OVERSPENT = "overspent"  # target met but more than allocated was spent
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Efficiency:
    achievement: Decimal | None
    absorption: Decimal | None
    ratio: Decimal | None  # achievement ÷ absorption
    difference: Decimal | None  # achievement − absorption (percentage points)
    verdict: EfficiencyVerdict


def efficiency(achievement: Decimal | None, absorption_pct: Decimal | None) -> Efficiency:
    if achievement is None or absorption_pct is None:
        return Efficiency(achievement, absorption_pct, None, None, EfficiencyVerdict.UNKNOWN)
    ratio = None if absorption_pct == ZERO else ENGINE_CONTEXT.divide(achievement, absorption_pct)
    diff = achievement - absorption_pct
    met = achievement >= HUNDRED
    if absorption_pct > HUNDRED:
        verdict = EfficiencyVerdict.OVERSPENT if met else EfficiencyVerdict.TARGET_MISSED_OVERSPENT
    elif met:
        verdict = EfficiencyVerdict.EFFICIENT if absorption_pct < HUNDRED else EfficiencyVerdict.ON_PLAN
    else:
        verdict = EfficiencyVerdict.TARGET_MISSED_UNDERSPENT
    return Efficiency(achievement, absorption_pct, ratio, diff, verdict)


@dataclass(frozen=True, slots=True)
class YearComparison:
    earlier: Amounts
    later: Amounts
    allocation_change: Decimal
    allocation_change_pct: Decimal | None
    realisation_change: Decimal | None
    realisation_change_pct: Decimal | None


def compare_years(earlier: Amounts, later: Amounts) -> YearComparison:
    r_change = r_pct = None
    if earlier.realisation is not None and later.realisation is not None:
        r_change = later.realisation - earlier.realisation
        r_pct = deviation(later.realisation, earlier.realisation)
    return YearComparison(
        earlier,
        later,
        later.allocation - earlier.allocation,
        deviation(later.allocation, earlier.allocation),
        r_change,
        r_pct,
    )
