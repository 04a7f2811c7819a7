"""The budget part of a scorecard: the year's, or as of TW N (SPEC §6), and its printed-figure findings.

As of TW N (``through`` 1–3; 4 is the year):

* a line: the allocation in force and the realisation to date (`budget.amounts`,
  cumulative: the quarters 1…N; a line reported only as a yearly figure has no
  realisation before TW IV — *belum diukur*, never 0);
* a spending class stated as a yearly total (salaries not itemised, say): when its
  itemised lines make up its whole allocation, the class to date is those lines to date;
  otherwise only its allocation is known and its realisation to date is ``None``;
* the total likewise: the classes to date (or the lines to date) when they make up the
  stated total's allocation, else the allocation without a realisation;
* per objective and efficiency: from the lines to date and the objectives' achievements
  to date. Stated totals are yearly figures: the sum checks and printed figures are
  checked only for the year.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from decimal import Decimal

from . import budget as budget_rules
from .budget import Amounts, BudgetClass, BudgetLine, Efficiency, SumCheck
from .errors import N_
from .office import PrintedAmounts, YearData
from .profile import missing_sections
from .review import DEVIASI, PAGU, PENYERAPAN, REALISASI, Finding, Severity, Text, compare_number, tx


@dataclass(frozen=True)
class LineScore:
    line: BudgetLine
    depth: int
    amounts: Amounts

    @property
    def absorption(self) -> Decimal | None:
        return self.amounts.absorption


@dataclass(frozen=True)
class BudgetScore:
    classes: dict[BudgetClass, Amounts]
    total: Amounts | None
    lines: tuple[LineScore, ...]
    lines_total: Amounts | None
    sum_checks: tuple[SumCheck, ...]
    by_objective: dict[str, Amounts]
    efficiency: dict[str, Efficiency]
    through: int = 4  # the quarter the figures are as of (4: the year)


def lines_with_depth(lines: Iterable[BudgetLine], depth: int = 0) -> Iterable[tuple[BudgetLine, int]]:
    for line in lines:
        yield line, depth
        yield from lines_with_depth(line.children, depth + 1)


def _itemised(lines: Iterable[BudgetLine], through: int) -> dict[BudgetClass, Amounts]:
    """The itemised leaves' amounts per class as of TW ``through``."""
    out: dict[BudgetClass, Amounts] = {}
    for top in lines:
        for line in top.walk():
            if line.children or line.budget_class is None:
                continue
            out[line.budget_class] = out.get(line.budget_class, budget_rules.ZERO_AMOUNTS) + budget_rules.amounts(
                line, through
            )
    return out


def _classes_as_of(yd: YearData, through: int) -> dict[BudgetClass, Amounts]:
    b = yd.budget
    assert b is not None
    stated = {c: s.amounts for c, s in b.classes.items()}
    budget_rules.by_class(b.lines, stated)  # the year's check: no mixing of the two classifications
    year = _itemised(b.lines, 4)
    now = _itemised(b.lines, through)
    out: dict[BudgetClass, Amounts] = {}
    for c, s in stated.items():
        made_up = c in year and year[c].allocation == s.allocation
        out[c] = now[c] if made_up else Amounts(s.allocation, None)
    for c, a in now.items():
        out.setdefault(c, a)
    return out


def _total_as_of(
    yd: YearData, classes_year: dict[BudgetClass, Amounts], classes_now: dict[BudgetClass, Amounts], through: int
) -> Amounts | None:
    b = yd.budget
    assert b is not None
    if b.total is None:
        return budget_rules.grand_total(classes_now) if classes_now else None
    stated = b.total.allocation
    if classes_year and budget_rules.grand_total(classes_year).allocation == stated:
        return budget_rules.grand_total(classes_now)
    if b.lines and budget_rules.total(b.lines).allocation == stated:
        return budget_rules.total(b.lines, through)
    return Amounts(stated, None)


def score_budget(
    yd: YearData,
    objectives: dict[str, Decimal | None],
    through: int = 4,
    missed: Collection[str] = (),
) -> BudgetScore | None:
    """The year's budget figures (``through`` 4), or as of TW ``through``; ``objectives``: achievements to match;
    ``missed``: the objectives with an indicator below its target (never called efficient)."""
    b = yd.budget
    if b is None:
        return None
    stated = {c: s.amounts for c, s in b.classes.items()}
    classes = budget_rules.by_class(b.lines, stated) if (b.lines or stated) else {}
    if through >= 4:
        total = b.total.amounts if b.total else (budget_rules.grand_total(classes) if classes else None)
        checks = tuple(budget_rules.sum_checks(b.lines))
    else:
        now = _classes_as_of(yd, through) if classes else {}
        total = _total_as_of(yd, classes, now, through)
        classes = now
        checks = ()
    line_scores = tuple(
        LineScore(line, d, budget_rules.amounts(line, through)) for line, d in lines_with_depth(b.lines)
    )
    lines_total = budget_rules.total(b.lines, through) if b.lines else None
    by_obj = budget_rules.by_objective(b.lines, through)
    explained = budget_explained(yd)
    eff = {
        oid: budget_rules.efficiency(
            objectives.get(oid), amounts.absorption, missed=oid in missed, explained=explained, through=through
        )
        for oid, amounts in by_obj.items()
        if oid not in (budget_rules.UNATTACHED, budget_rules.SEVERAL)
    }
    return BudgetScore(classes, total, line_scores, lines_total, checks, by_obj, eff, min(through, 4))


def budget_findings(yd: YearData, score: BudgetScore, findings: list[Finding]) -> None:
    """The year's printed budget figures against the computed ones."""
    b = yd.budget
    assert b is not None
    y = yd.year

    def amounts_findings(where: Text, printed: PrintedAmounts | None, computed: Amounts, whole: Amounts | None) -> None:
        if printed is None:
            return
        checks: list[tuple[Text, Decimal | None, Decimal | None]] = [
            (PAGU, printed.allocation, computed.allocation),
            (REALISASI, printed.realisation, computed.realisation),
            (PENYERAPAN, printed.absorption, computed.absorption),
            (DEVIASI, printed.deviation, computed.deviation),
            (tx(N_("sisa")), printed.remaining, computed.remaining),
        ]
        if whole is not None:
            checks.append((tx(N_("porsi %")), printed.share, budget_rules.share(computed.allocation, whole.allocation)))
        place = tx(N_("%(place)s (%(where)s)"), place=where, where=printed.where) if printed.where else where
        for what, p, c in checks:
            f = compare_number(place, what, p, c)
            if f:
                findings.append(f)

    for cls, stated in b.classes.items():
        amounts_findings(tx(N_("Anggaran %(year)s %(part)s"), year=y, part=cls.label), stated.printed, stated.amounts,
                         score.total)
    if b.total is not None:
        amounts_findings(tx(N_("Anggaran %(year)s total"), year=y), b.total.printed, b.total.amounts, None)
        if score.classes and all(a.realisation is not None for a in score.classes.values()):
            summed = budget_rules.grand_total(score.classes)
            for what, stated_v, c in (
                (PAGU, b.total.allocation, summed.allocation),
                (REALISASI, b.total.realisation, summed.realisation),
            ):
                place = tx(N_("Anggaran %(year)s total = jumlah kelompok belanja"), year=y)
                f = compare_number(place, what, stated_v, c)
                if f:
                    findings.append(f)
    for ls in score.lines:
        amounts_findings(
            tx(N_("Anggaran %(year)s %(part)s"), year=y, part=f"{ls.line.code} {ls.line.name}"),
            b.printed_lines.get(ls.line.code), ls.amounts, None,
        )
    for check in score.sum_checks:
        if not check.ok:
            findings.append(
                Finding(
                    tx(N_("Anggaran %(year)s %(part)s"), year=y, part=check.where),
                    tx(N_("jumlah %(figure)s"), figure=PAGU if check.what == "allocation" else REALISASI),
                    check.stated,
                    check.computed,
                    Severity.MAJOR,
                    tx(N_("jumlah yang dinyatakan tidak sama dengan jumlah rinciannya")),
                )
            )
    if b.printed_lines_total is not None and score.lines_total is not None:
        table = tx(N_("Anggaran %(year)s jumlah tabel"), year=y)
        amounts_findings(table, b.printed_lines_total, score.lines_total, None)


def budget_explained(yd: YearData) -> bool:
    """Has the office explained the year's budget execution (the LKjIP's budget notes, written, not a draft)?"""
    return "anggaran" not in missing_sections("lkjip", yd.narratives.get("lkjip", {}))
