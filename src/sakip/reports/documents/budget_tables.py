"""The budget's tables and sentences of the documents: original and amended allocation (APBD Perubahan),
the budget per objective adding up to the lines (what no objective's row counts, and the total)."""

from __future__ import annotations

from decimal import Decimal

from sakip.domain import budget as budget_rules
from sakip.domain.periods import QUARTER_LABELS
from sakip.domain.scorecard import BudgetScore

from .. import narrative as nv
from ..model import Cell, Table
from . import common as cm


def plan_budget_table(b: BudgetScore, y: int) -> Table:
    """The programs' allocations; the original allocation beside the amended one when it changed."""
    amended = any(ls.line.amended for ls in b.lines if ls.depth == 0)
    rows = []
    for ls in b.lines:
        if ls.depth == 0:
            original = [cm.m(budget_rules.original_allocation(ls.line))] if amended else []
            rows.append([cm.t(ls.line.code), cm.t(ls.line.name), *original, cm.m(ls.amounts.allocation)])
    tot = b.lines_total
    if tot is not None:
        tops = [ls.line for ls in b.lines if ls.depth == 0]
        original_total = sum((budget_rules.original_allocation(line) for line in tops), Decimal(0))
        rows.append(
            [
                cm.t("Jumlah", bold=True, span=2, shade=cm.TOTAL_SHADE),
                *([cm.m(original_total, bold=True, shade=cm.TOTAL_SHADE)] if amended else []),
                cm.m(tot.allocation, bold=True, shade=cm.TOTAL_SHADE),
            ]
        )
    pagu = [cm.h("Pagu murni (Rp)"), cm.h("Pagu perubahan (Rp)")] if amended else [cm.h("Pagu (Rp)")]
    return Table(
        f"Rencana Anggaran Program Tahun {y}",
        [[cm.h("Kode"), cm.h("Program"), *pagu]],
        rows,
        widths=(1.5, 6.5, 3, 3) if amended else (1.5, 9, 3.5),
    )


def not_per_objective(b: BudgetScore) -> list[list[Cell]]:
    """The budget no objective's row counts (lines for several objectives without shares, supporting
    programs) and the total, so that the table adds up to the budget lines' total: each line is counted once."""
    rows: list[list[Cell]] = []
    for key, label in (
        (budget_rules.SEVERAL, "Beberapa sasaran (tanpa pembagian)"),
        (budget_rules.UNATTACHED, "Program penunjang (tidak terkait sasaran)"),
    ):
        a = b.by_objective.get(key)
        if a is not None:
            rows.append([cm.c("-"), cm.t(label), cm.m(a.allocation), cm.m(a.realisation, missing=nv.NOT_MEASURED),
                         cm.p(a.absorption, missing="-"), cm.c("-"), cm.c("-")])
    if rows and b.lines_total is not None:
        tot = b.lines_total
        rows.append([
            cm.t("Jumlah", bold=True, span=2, shade=cm.TOTAL_SHADE),
            cm.m(tot.allocation, bold=True, shade=cm.TOTAL_SHADE),
            cm.m(tot.realisation, bold=True, shade=cm.TOTAL_SHADE, missing=nv.NOT_MEASURED),
            cm.p(tot.absorption, bold=True, shade=cm.TOTAL_SHADE, missing="-"),
            cm.t("-", shade=cm.TOTAL_SHADE),
            cm.t("-", shade=cm.TOTAL_SHADE),
        ])
    return rows


def amendment_sentences(b: BudgetScore) -> list[str]:
    """One sentence per allocation amendment (APBD Perubahan): from, to, the quarter, the date and the reason;
    a line whose original allocation is stated without its amendment says only from and to."""
    out: list[str] = []
    for ls in b.lines:
        line = ls.line
        if line.children or not line.amended:
            continue
        before = budget_rules.original_allocation(line)
        if not line.amendments:
            assert line.allocation is not None
            out.append(
                f"{line.code} {line.name}: pagu murni Rp {nv.money_text(before)} menjadi Rp "
                f"{nv.money_text(line.allocation)}."
            )
            continue
        for a in line.amendments:
            when = f"{a.date.day} {cm.MONTHS[a.date.month - 1]} {a.date.year}" if a.date else "tanggal tidak dicatat"
            reason = f"; alasan: {a.reason.strip()}" if a.reason.strip() else ""
            out.append(
                f"{line.code} {line.name}: pagu Rp {nv.money_text(before)} menjadi Rp {nv.money_text(a.allocation)}, "
                f"berlaku mulai {QUARTER_LABELS[a.from_quarter]} ({when}{reason})."
            )
            before = a.allocation
    return out
