"""Budget (*akuntabilitas keuangan*) — SPEC §6.

Allocation (*pagu*, original and amended) and realisation per program →
activity → sub-activity, per quarter, in exact rupiah.

* absorption = realisation / allocation × 100 (undefined when allocation is 0);
* remaining = allocation − realisation; deviation = (R − A) / A × 100;
* totals roll up the tree and must equal the sum of their lines: a line that
  states its own total is checked against its children (`sum_checks`);
* classification: before 2021 BTL / BL, from 2021 (Permendagri 90/2019)
  operasi / modal / tidak terduga / transfer;
* realisation per quarter or as one yearly figure (`Basis`): a line states
  which; the figures of the other basis may be kept (switching back loses
  nothing) but do not count;
* allocation amendments (*APBD Perubahan*, `Amendment`): a new allocation from
  a quarter on, kept alongside the original; the allocation in force at TW N
  (`allocation_at`) is the original until the first amendment's quarter;
* budget per objective (`by_objective`): objectives may be attached to a
  program, an activity or a sub-activity; the lowest attached level on a
  line's path decides, a line serving several objectives is split by its
  stated shares (which sum to 100 %) or counted once under "several
  objectives" — so the objectives' amounts always add up to the total;
* efficiency per objective (achievement ÷ absorption and achievement −
  absorption).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
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


class Basis(StrEnum):
    """How a line's realisation is reported: per quarter, or as one figure for the year."""

    QUARTER = "quarter"
    YEAR = "year"


#: the key of `by_objective` for lines attached to no objective (supporting programs)
UNATTACHED = ""
#: the key of `by_objective` for lines serving several objectives without stated shares
SEVERAL = "*"


@dataclass(frozen=True, slots=True)
class Amendment:
    """A change of a line's allocation during the year (*APBD Perubahan*): in force from ``from_quarter`` on."""

    allocation: Decimal
    from_quarter: int
    date: date | None = None
    reason: str = ""


@dataclass
class BudgetLine:
    """A program, activity or sub-activity. Leaves carry amounts; parents may state totals.

    ``allocation`` is the year's allocation (after its amendments; for a parent the
    printed total); ``allocation_original`` the allocation before them (*APBD murni*).
    ``amendments`` (leaves) say from which quarter each new allocation is in force; with
    amendments ``allocation_original`` is required and ``allocation`` is the last one's.
    ``basis`` says which realisation counts (None: the quarters unless only a yearly
    figure is given). ``objective_shares`` (percent) split a line attached to several
    objectives; they name every one of them and sum to 100.
    """

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
    basis: Basis | None = None
    amendments: tuple[Amendment, ...] = ()
    objective_shares: dict[str, Decimal] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for what, v in (
            (N_("pagu"), self.allocation),
            (N_("pagu murni"), self.allocation_original),
            (N_("realisasi"), self.realisation),
            *((N_("realisasi triwulan"), v) for v in self.quarterly_realisation.values()),
            *((N_("pagu perubahan"), a.allocation) for a in self.amendments),
        ):
            if v is not None and v < ZERO:
                raise BudgetError(
                    N_("%(code)s %(name)s: %(what)s %(value)s bernilai negatif"),
                    code=self.code,
                    name=self.name,
                    what=Message(what),
                    value=v,
                )
        for q in (*self.quarterly_realisation, *(a.from_quarter for a in self.amendments)):
            if q not in QUARTERS:
                raise BudgetError(
                    N_("%(code)s %(name)s: triwulan harus 1–4, bukan %(quarter)s"),
                    code=self.code,
                    name=self.name,
                    quarter=q,
                )
        self._check_amendments()
        self._check_shares()

    def _check_amendments(self) -> None:
        if not self.amendments:
            return
        ordered = tuple(sorted(self.amendments, key=lambda a: a.from_quarter))
        quarters = [a.from_quarter for a in ordered]
        if len(set(quarters)) != len(quarters):
            raise BudgetError(
                N_("%(code)s %(name)s: dua perubahan pagu berlaku mulai triwulan yang sama"),
                code=self.code,
                name=self.name,
            )
        self.amendments = ordered
        if self.allocation_original is None:
            raise BudgetError(
                N_("%(code)s %(name)s: pagu murni (sebelum perubahan) belum diisi"), code=self.code, name=self.name
            )
        last = ordered[-1].allocation
        if self.allocation is None:
            self.allocation = last
        elif self.allocation != last:
            raise BudgetError(
                N_("%(code)s %(name)s: pagu %(allocation)s tidak sama dengan pagu perubahan terakhir %(last)s"),
                code=self.code,
                name=self.name,
                allocation=self.allocation,
                last=last,
            )

    def _check_shares(self) -> None:
        if not self.objective_shares:
            return
        for objective, pct in self.objective_shares.items():
            if objective not in self.objectives:
                raise BudgetError(
                    N_("%(code)s %(name)s: bagian untuk sasaran %(objective)s, yang tidak terkait dengan baris ini"),
                    code=self.code,
                    name=self.name,
                    objective=objective,
                )
            if not ZERO < pct <= HUNDRED:
                raise BudgetError(
                    N_("%(code)s %(name)s: bagian sasaran %(objective)s harus lebih dari 0 dan paling banyak 100"),
                    code=self.code,
                    name=self.name,
                    objective=objective,
                )
        missing = [o for o in self.objectives if o not in self.objective_shares]
        if missing:
            raise BudgetError(
                N_("%(code)s %(name)s: sasaran %(objectives)s belum diberi bagian"),
                code=self.code,
                name=self.name,
                objectives=", ".join(missing),
            )
        summed = sum(self.objective_shares.values(), ZERO)
        if summed != HUNDRED:
            raise BudgetError(
                N_("%(code)s %(name)s: bagian per sasaran berjumlah %(sum)s, harus 100"),
                code=self.code,
                name=self.name,
                sum=summed,
            )

    @property
    def effective_basis(self) -> Basis:
        """The stated basis; else the year when only a yearly figure is given, the quarters otherwise."""
        if self.basis is not None:
            return self.basis
        return Basis.YEAR if self.realisation is not None and not self.quarterly_realisation else Basis.QUARTER

    @property
    def amended(self) -> bool:
        """Whether the allocation was changed during the year (with or without the amendment's quarter)."""
        if self.children:
            return any(c.amended for c in self.children)
        return bool(self.amendments) or (
            self.allocation_original is not None and self.allocation_original != self.allocation
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

    def __sub__(self, other: Amounts) -> Amounts:
        """What ``self`` holds beyond ``other`` (e.g. the budget outside the itemised program lines:
        salaries not itemised per program); no realisation unless both have one."""
        if self.realisation is None or other.realisation is None:
            real = None
        else:
            real = self.realisation - other.realisation
        return Amounts(self.allocation - other.allocation, real)


ZERO_AMOUNTS = Amounts(ZERO, ZERO)


def line_realisation(line: BudgetLine, through: int = 4) -> Decimal | None:
    """A leaf's realisation to date: the sum of its quarters to date, or the yearly figure (TW IV only)."""
    if line.effective_basis is Basis.QUARTER:
        if not line.quarterly_realisation:
            return None
        return sum((v for q, v in line.quarterly_realisation.items() if q <= through), ZERO)
    return line.realisation if through == 4 else None


def allocation_at(line: BudgetLine, quarter: int = 4) -> Decimal:
    """A leaf's allocation in force at ``quarter``: the last amendment from then or before, else the original."""
    if line.allocation is None:
        raise BudgetError(N_("%(code)s %(name)s: pagu belum diisi"), code=line.code, name=line.name)
    if not line.amendments:
        return line.allocation
    in_force = [a for a in line.amendments if a.from_quarter <= quarter]
    if in_force:
        return in_force[-1].allocation
    assert line.allocation_original is not None  # checked when the line was made
    return line.allocation_original


def original_allocation(line: BudgetLine) -> Decimal:
    """The allocation before any amendment (*pagu murni*): a parent's is the sum of its children's."""
    if line.children:
        return sum((original_allocation(c) for c in line.children), ZERO)
    if line.allocation is None:
        raise BudgetError(N_("%(code)s %(name)s: pagu belum diisi"), code=line.code, name=line.name)
    return line.allocation_original if line.allocation_original is not None else line.allocation


def amounts(line: BudgetLine, through: int = 4) -> Amounts:
    """The line's amounts as of TW ``through`` (4: the year): the allocation in force then and the
    realisation to date (cumulative). A parent is the sum of its children, a leaf its own."""
    if line.children:
        total = ZERO_AMOUNTS
        for c in line.children:
            total = total + amounts(c, through)
        return total
    return Amounts(allocation_at(line, through), line_realisation(line, through))


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


@dataclass(frozen=True, slots=True)
class Attribution:
    """Which objectives a leaf line counts for, decided by the lowest attached line on its path.

    ``shares`` are (objective, percent) pairs summing to 100; empty when the line is
    counted under `UNATTACHED` or `SEVERAL` (``key``).
    """

    line: BudgetLine
    decided_by: BudgetLine | None  # the lowest line on the path with objectives (None: none has)
    key: str | None  # an objective id, UNATTACHED or SEVERAL; None when split by ``shares``
    shares: tuple[tuple[str, Decimal], ...] = ()


def _attribution(leaf: BudgetLine, decided_by: BudgetLine | None) -> Attribution:
    if decided_by is None or not decided_by.objectives:
        return Attribution(leaf, None, UNATTACHED)
    objectives = tuple(dict.fromkeys(decided_by.objectives))
    if len(objectives) == 1:
        return Attribution(leaf, decided_by, objectives[0], ((objectives[0], HUNDRED),))
    if decided_by.objective_shares:
        return Attribution(leaf, decided_by, None, tuple((o, decided_by.objective_shares[o]) for o in objectives))
    return Attribution(leaf, decided_by, SEVERAL)


def attributions(lines: Iterable[BudgetLine]) -> list[Attribution]:
    """Every leaf with the objectives it counts for (the lowest attached level on its path decides)."""
    out: list[Attribution] = []

    def visit(line: BudgetLine, decided_by: BudgetLine | None) -> None:
        here = line if line.objectives else decided_by
        if not line.children:
            out.append(_attribution(line, here))
        for c in line.children:
            visit(c, here)

    for top in lines:
        visit(top, None)
    return out


def _part(value: Decimal | None, pct: Decimal) -> Decimal | None:
    """``pct`` percent of ``value``, without trailing zeros (62,5 % of 340 M is 212.500.000, not 212.500.000,0)."""
    if value is None:
        return None
    part = ENGINE_CONTEXT.divide(ENGINE_CONTEXT.multiply(value, pct), HUNDRED).normalize(ENGINE_CONTEXT)
    exponent = part.as_tuple().exponent
    return part.quantize(Decimal(1), context=ENGINE_CONTEXT) if isinstance(exponent, int) and exponent > 0 else part


def by_objective(lines: Sequence[BudgetLine], through: int = 4) -> dict[str, Amounts]:
    """Budget per objective as of TW ``through``; the amounts add up to `total` exactly.

    Each leaf counts once: for the objective the lowest attached line on its path names;
    split by that line's shares when it names several (the last objective takes the
    remainder, so the parts sum to the whole to the rupiah cent); under `SEVERAL` when it
    names several without shares; under `UNATTACHED` when no line on its path is attached
    (supporting programs such as office administration).
    """
    groups: dict[int, tuple[Attribution, Amounts]] = {}
    for att in attributions(lines):
        key = id(att.decided_by) if att.decided_by is not None else 0
        a = amounts(att.line, through)
        found = groups.get(key)
        groups[key] = (att, a if found is None else found[1] + a)
    result: dict[str, Amounts] = {}

    def add(key: str, a: Amounts) -> None:
        result[key] = result.get(key, ZERO_AMOUNTS) + a

    for att, a in groups.values():
        if att.key is not None:
            add(att.key, a)
            continue
        rest = a
        for objective, pct in att.shares[:-1]:
            part = Amounts(_part(a.allocation, pct) or ZERO, _part(a.realisation, pct))
            add(objective, part)
            rest = Amounts(
                rest.allocation - part.allocation,
                None if rest.realisation is None or part.realisation is None else rest.realisation - part.realisation,
            )
        add(att.shares[-1][0], rest)
    return result


class EfficiencyVerdict(StrEnum):
    EFFICIENT = "efficient"  # target met with less money than planned
    ON_PLAN = "on_plan"  # target met using the whole allocation
    TARGET_MISSED_UNDERSPENT = "target_missed_underspent"
    TARGET_MISSED_OVERSPENT = "target_missed_overspent"
    OVERSPENT = "overspent"  # target met but more than allocated was spent
    #: target met, but the absorption is far behind the time elapsed and nobody explained why: not "efficient"
    LOW_ABSORPTION = "low_absorption"
    UNKNOWN = "unknown"


#: the absorption counted as low: this many points behind the share of the year elapsed (25 % a quarter), the
#: same default as the review's absorption warning (``review_printed.DEFAULT_ABSORPTION_LAG``)
LOW_ABSORPTION_LAG = Decimal(20)


def low_absorption(absorption_pct: Decimal, through: int = 4) -> bool:
    """Is the absorption to date far behind the time elapsed (below 80 % for the year, 30 % at TW II)?"""
    return absorption_pct < Decimal(25) * min(max(through, 1), 4) - LOW_ABSORPTION_LAG


@dataclass(frozen=True, slots=True)
class Efficiency:
    achievement: Decimal | None
    absorption: Decimal | None
    ratio: Decimal | None  # achievement ÷ absorption
    difference: Decimal | None  # achievement − absorption (percentage points)
    verdict: EfficiencyVerdict


def efficiency(
    achievement: Decimal | None,
    absorption_pct: Decimal | None,
    *,
    missed: bool = False,
    explained: bool = True,
    through: int = 4,
) -> Efficiency:
    """The objective's efficiency: its achievement against the absorption of its budget.

    ``missed``: an indicator of the objective missed its target (the objective's mean may still reach 100);
    its target then counts as missed. ``explained``: the office explained the year's budget execution; a low
    absorption (`low_absorption`) without it is `EfficiencyVerdict.LOW_ABSORPTION`, never *efisien*.
    """
    if achievement is None or absorption_pct is None:
        return Efficiency(achievement, absorption_pct, None, None, EfficiencyVerdict.UNKNOWN)
    ratio = None if absorption_pct == ZERO else ENGINE_CONTEXT.divide(achievement, absorption_pct)
    diff = achievement - absorption_pct
    met = achievement >= HUNDRED and not missed
    if absorption_pct > HUNDRED:
        verdict = EfficiencyVerdict.OVERSPENT if met else EfficiencyVerdict.TARGET_MISSED_OVERSPENT
    elif met and not explained and low_absorption(absorption_pct, through):
        verdict = EfficiencyVerdict.LOW_ABSORPTION
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
