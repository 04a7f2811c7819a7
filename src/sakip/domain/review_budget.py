"""Printed-report review rules of the budget table (SPEC §8): sums, percentages, shares, the same amounts.

Registered with `review_engine.rule` after the rules of `review_printed` (whose context,
`PrintedContext`, they use) and run by `review_printed.review_printed`:

* ``PR-ANG-01`` — a total is the sum of its parts;
* ``PR-ANG-02`` / ``PR-ANG-03`` — absorption and deviation percentages follow from the amounts;
* ``PR-ANG-04`` — a share of the whole allocation;
* ``PR-ANG-05`` / ``PR-ANG-06`` — the same amounts printed alike, the PK's programme budget.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from decimal import Decimal

from . import budget as budget_rules
from .budget import Amounts
from .errors import N_
from .printed import PrintedBudgetLine
from .review import DEVIASI, PAGU, PENYERAPAN, REALISASI, Finding, Severity, Text, tx
from .review_engine import _show, rule
from .review_printed import PrintedContext


@rule("PR-ANG-01", Severity.MAJOR, N_("Jumlah anggaran = jumlah rinciannya"), "printed")
def printed_budget_sums(ctx: PrintedContext) -> Iterator[Finding]:
    for line in ctx.report.budget:
        if not line.parts:
            continue
        summed = ctx.amounts(line)
        if summed is None:
            continue
        names = ", ".join(line.parts)
        office = ctx.office_amounts(line)
        for what, printed, computed in (
            (PAGU, line.allocation, summed.allocation),
            (REALISASI, line.realisation, summed.realisation),
        ):
            known = None if office is None else (office.allocation if what == PAGU else office.realisation)
            if printed is not None and known is not None and printed == known:
                continue  # the total is the office's own: the wrong figure is a part (reported on its row)
            text = tx(N_("%(name)s: jumlah %(what)s baris %(parts)s"), name=line.name, what=what, parts=names)
            f = ctx.compare(line.where, what, printed, computed, text)
            if f:
                yield replace(f, severity=Severity.MAJOR)


def _absorption_text(line: PrintedBudgetLine, a: Amounts) -> Text:
    return tx(
        N_("%(name)s: %(realisation)s / %(allocation)s × 100"),
        name=line.name,
        realisation=_show(a.realisation, 0),
        allocation=_show(a.allocation, 0),
    )


def _deviation_text(line: PrintedBudgetLine, a: Amounts) -> Text:
    return tx(
        N_("%(name)s: (%(realisation)s − %(allocation)s) / %(allocation)s × 100; persentase tidak dapat dijumlahkan"),
        name=line.name,
        realisation=_show(a.realisation, 0),
        allocation=_show(a.allocation, 0),
    )


def budget_percentage_rule(
    id: str, title: str, field: str, what: Text, explanation: Callable[[PrintedBudgetLine, Amounts], Text]
) -> Callable[[PrintedContext], Iterator[Finding]]:
    """Register the rule comparing a percentage printed on each budget line (``PrintedBudgetLine.<field>``)
    with the one computed from the line's amounts (``Amounts.<field>``)."""

    def check(ctx: PrintedContext) -> Iterator[Finding]:
        for line in ctx.report.budget:
            a = ctx.amounts(line)
            printed: Decimal | None = getattr(line, field)
            if a is None or printed is None:
                continue
            f = ctx.compare(line.where, what, printed, getattr(a, field), explanation(line, a))
            if f:
                yield f

    check.__name__ = f"printed_{field}"
    registered: Callable[[PrintedContext], Iterator[Finding]] = rule(id, Severity.MAJOR, title, "printed")(check)
    return registered


printed_absorption = budget_percentage_rule(
    "PR-ANG-02", N_("Persentase penyerapan = realisasi / pagu × 100"), "absorption", PENYERAPAN, _absorption_text
)
printed_deviation = budget_percentage_rule(
    "PR-ANG-03", N_("Persentase deviasi = (realisasi − pagu) / pagu × 100"), "deviation", DEVIASI, _deviation_text
)


@rule("PR-ANG-04", Severity.MAJOR, N_("Porsi anggaran = pagu / pagu keseluruhan × 100"), "printed")
def printed_share(ctx: PrintedContext) -> Iterator[Finding]:
    for line in ctx.report.budget:
        if line.share is None or line.share_of is None:
            continue
        whole_line = ctx.report.line(line.share_of)
        a = ctx.amounts(line)
        whole = ctx.amounts(whole_line) if whole_line else None
        if a is None or whole is None:
            continue
        f = ctx.compare(
            line.where,
            tx(N_("porsi %")),
            line.share,
            budget_rules.share(a.allocation, whole.allocation),
            tx(
                N_("%(name)s: %(allocation)s / %(whole)s × 100"),
                name=line.name,
                allocation=_show(a.allocation, 0),
                whole=_show(whole.allocation, 0),
            ),
        )
        if f:
            yield f


def _printed_mismatch(
    ctx: PrintedContext, line: PrintedBudgetLine, what: Text, mine: Decimal | None, theirs: Decimal | None, text: Text
) -> Finding | None:
    """Two printed amounts that must be the same: a major finding where both are printed and differ."""
    if mine is None or theirs is None:
        return None
    ctx.checked += 1
    if mine == theirs:
        return None
    return Finding(line.where, what, mine, theirs, Severity.MAJOR, text)


@rule("PR-ANG-05", Severity.MAJOR, N_("Angka anggaran yang sama tercetak sama di setiap tempat"), "printed")
def printed_same_amounts(ctx: PrintedContext) -> Iterator[Finding]:
    for line in ctx.report.budget:
        other = ctx.report.line(line.same_as) if line.same_as else None
        if other is None:
            continue
        for what, mine, theirs in (
            (PAGU, line.allocation, other.allocation),
            (REALISASI, line.realisation, other.realisation),
        ):
            text = tx(
                N_("%(name)s: %(what)s berbeda dari yang tercetak di %(other)s"),
                name=line.name,
                what=what,
                other=other.where,
            )
            if f := _printed_mismatch(ctx, line, what, mine, theirs, text):
                yield f


@rule("PR-ANG-06", Severity.MAJOR, N_("Pagu program sama dengan anggaran pada Perjanjian Kinerja"), "printed")
def printed_allocation_vs_pk(ctx: PrintedContext) -> Iterator[Finding]:
    for line in ctx.report.budget:
        text = tx(N_("%(name)s: pagu berbeda dari anggaran program pada Perjanjian Kinerja"), name=line.name)
        if f := _printed_mismatch(ctx, line, PAGU, line.allocation, line.pk_allocation, text):
            yield f


# the survey rules register after the budget rules (the order of the rules is the order of their findings)
from . import review_survey  # noqa: E402, F401
