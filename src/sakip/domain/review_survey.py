"""Printed-report review rules of the survey (SKM/IKM, SPEC §8): distributions, element scores, index, grade.

Registered with `review_engine.rule` after the budget rules (`review_budget`) and run by
`review_printed.review_printed`.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from . import survey as survey_rules
from .errors import N_
from .numbers import format_count
from .printed import PrintedSurvey
from .review import Finding, Severity, tx
from .review_engine import _show, rule
from .review_printed import PrintedContext, _element_score, _survey_index


def _distributions(s: PrintedSurvey) -> dict[str, Decimal]:
    """Element scores from printed answer distributions (rows that can be scored)."""
    rows = {e.name: list(e.distribution) for e in s.elements if e.distribution is not None}
    if not rows:
        return {}
    instrument = survey_rules.custom_instrument(list(rows), s.grade_table, "tercetak")
    result = survey_rules.from_distributions(instrument, {k: v if sum(v) else None for k, v in rows.items()})
    return {e.name: e.score for e in result.elements}


@rule("PR-SKM-01", Severity.MAJOR, N_("Distribusi jawaban per unsur berjumlah 100 %"), "printed")
def printed_distribution_sums(ctx: PrintedContext) -> Iterator[Finding]:
    for s in ctx.report.surveys:
        for e in s.elements:
            if e.distribution is None:
                continue
            ctx.checked += 1
            total = sum(e.distribution, Decimal(0))
            if total != 100:
                yield Finding(
                    f"{s.where} › {e.name}",
                    tx(N_("jumlah distribusi %")),
                    total,
                    Decimal(100),
                    Severity.MAJOR if total == 0 else Severity.MINOR,
                    tx(
                        N_("unsur %(element)s: proporsi jawaban berjumlah %(total)s %% — skor tercetak tidak mungkin "
                           "berasal dari distribusi ini"),
                        element=e.name,
                        total=_show(total),
                    )
                    if total == 0
                    else tx(
                        N_("unsur %(element)s: proporsi jawaban berjumlah %(total)s %%"),
                        element=e.name,
                        total=_show(total),
                    ),
                )


@rule("PR-SKM-02", Severity.MAJOR, N_("Skor unsur = rata-rata bobot jawaban × 25"), "printed")
def printed_element_scores(ctx: PrintedContext) -> Iterator[Finding]:
    for s in ctx.report.surveys:
        scored = _distributions(s)
        for e in s.elements:
            printed = _element_score(e.score, e.nrr)
            f = ctx.compare(
                f"{s.where} › {e.name}",
                tx(N_("skor")),
                printed,
                scored.get(e.name),
                tx(N_("unsur %(element)s: Σ(bobot × proporsi) / Σ proporsi × 25"), element=e.name),
            )
            if f:
                yield f


@rule("PR-SKM-03", Severity.MAJOR, N_("Indeks (IKM) = rata-rata skor unsur"), "printed")
def printed_survey_index(ctx: PrintedContext) -> Iterator[Finding]:
    for s in ctx.report.surveys:
        index = _survey_index(s)
        n = sum(1 for e in s.elements if _element_score(e.score, e.nrr) is not None)
        text = tx(N_("rata-rata %(n)s skor unsur yang tercetak"), n=format_count(n))
        f = ctx.compare(s.where, tx(N_("indeks (IKM)")), s.index, index, text)
        if f:
            yield f


@rule("PR-SKM-04", Severity.MAJOR, N_("Mutu pelayanan sesuai tabel mutu yang berlaku"), "printed")
def printed_survey_grade(ctx: PrintedContext) -> Iterator[Finding]:
    for s in ctx.report.surveys:
        index = _survey_index(s) or s.index
        if index is None:
            continue
        f = ctx.compare_category(
            s.where,
            s.grade,
            s.grade_table.scale.classify(index),
            tx(N_("indeks %(index)s pada tabel mutu %(table)s"), index=_show(index), table=s.grade_table.value),
        )
        if f:
            yield f
