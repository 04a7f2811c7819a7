"""Review rules for printed quarterly reports (Laporan Kinerja Triwulan; issue #11).

Printed rules (``PR-TW-…``) registered with `review_engine.rule` and run by
`review_printed.review_printed` after the rules of that module:

* ``PR-TW-01`` / ``PR-TW-06`` — each quarter's (and the kondisi akhir's) printed
  achievement and category follow from its printed target and realisation;
* ``PR-TW-02`` — with the office's data: every printed quarter figure equals the
  office's figure as of TW N (`quarter_figures.FiguresAsOf`);
* ``PR-TW-03`` — a TW N report printing the figures of an earlier quarter;
* ``PR-TW-04`` — budget absorption far behind the share of the year elapsed (a
  plausibility warning; the threshold is `review_printed.ReviewSettings`);
* ``PR-TW-05`` — a figure (0 above all) printed for a quarter that was not measured.

A printed cell of a TW N report covers the quarters up to TW N; the kondisi akhir
of a TW N report is the realisation to date against the year's target.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from .budget import Amounts
from .errors import N_
from .measurement import Status, Target
from .numbers import round_half_up
from .periods import QUARTER_LABELS
from .printed import (
    YEAR_END,
    Basis,
    PrintedBudgetLine,
    PrintedCell,
    PrintedIndicatorRow,
    PrintedValue,
    is_dash,
    number,
)
from .quarter_figures import Figure
from .review import (
    CAPAIAN,
    DEVIASI,
    KATEGORI,
    PAGU,
    PENYERAPAN,
    REALISASI,
    TARGET,
    Finding,
    Severity,
    Text,
    agrees,
    printed_places,
    same_category,
    tx,
)
from .review_engine import _show, place_in, rule
from .review_printed import (
    PrintedContext,
    _category_finding,
    achievement_text,
    formula_text,
    printed_value,
    show_value,
)

NOT_MEASURED = tx(N_("belum diukur"))
NO_TARGET = tx(N_("target belum ditetapkan"))
QUARTER_SHARE = Decimal(25)  # each quarter is a quarter of the year


def period_label(q: int) -> Text | str:
    return tx(N_("Kondisi akhir")) if q == YEAR_END else QUARTER_LABELS[q]


def cell_place(row: PrintedIndicatorRow, q: int) -> Text:
    return place_in(row.where, period_label(q))


def row_period(row: PrintedIndicatorRow, q: int) -> Text:
    """``<indicator name>, TW II`` — the start of a sentence about one printed cell."""
    return tx(N_("%(name)s, %(period)s"), name=row.name, period=period_label(q))


def same_value(printed: Decimal | str, computed: Decimal | str) -> bool:
    """A printed number at its printed precision, or a grade regardless of case."""
    if isinstance(printed, Decimal) and isinstance(computed, Decimal):
        return agrees(printed, computed)
    if isinstance(printed, str) and isinstance(computed, str):
        return printed.strip().casefold() == computed.strip().casefold()
    return False


def compatible(a: Decimal | str, b: Decimal | str) -> bool:
    """Two printed values of the same figure, possibly printed at different precisions (83,5 and 83,47)."""
    if isinstance(a, Decimal) and isinstance(b, Decimal):
        return agrees(a, b) if printed_places(a) <= printed_places(b) else agrees(b, a)
    return same_value(a, b)


def shown(value: Decimal | str) -> Decimal | str:
    """A computed value as a finding's correct value (two decimals for numbers; whole amounts as they are)."""
    if isinstance(value, Decimal) and value != value.to_integral_value():
        return round_half_up(value, 2)
    return value


def plain(target: Target | None) -> Decimal | str | None:
    return target if isinstance(target, Decimal | str) else None


def linked_indicator(ctx: PrintedContext, row: PrintedIndicatorRow) -> str | None:
    """The row's indicator id when the office's data are given and hold it."""
    if ctx.figures is None or row.indicator is None or ctx.figures.indicator(row.indicator) is None:
        return None
    return row.indicator


def office_figure(ctx: PrintedContext, row: PrintedIndicatorRow, indicator_id: str, q: int, through: int) -> Figure:
    """The office's figure of a printed cell: the quarter's (to date or alone) or the kondisi akhir as of TW
    ``through``."""
    figures = ctx.figures
    assert figures is not None
    if q == YEAR_END:
        return figures.year_end(indicator_id, through)
    if row.basis is Basis.QUARTER:
        return figures.in_quarter(indicator_id, q)
    return figures.to_date(indicator_id, q)


def reported(ctx: PrintedContext, q: int) -> bool:
    """Is the period ``q`` of the row covered by the report (a quarter up to TW N, or the kondisi akhir)?"""
    return q == YEAR_END or q <= ctx.through


# ============================================================================ PR-TW-01, PR-TW-06


def _half_unit(value: PrintedValue) -> Decimal:
    """Half a unit of the last printed decimal place (93,05 → 0,005); whole numbers are exact."""
    if not isinstance(value, Decimal):
        return Decimal(0)
    places = printed_places(value)
    return Decimal(5).scaleb(-(places + 1)) if places else Decimal(0)


def _achievement_span(
    ctx: PrintedContext, row: PrintedIndicatorRow, cell: PrintedCell
) -> tuple[Decimal, Decimal] | None:
    """The achievements the printed target and realisation allow, each anywhere in its rounding interval."""
    t, r = number(cell.target), number(cell.realisation)
    if t is None or r is None:
        return None
    ht, hr = _half_unit(cell.target), _half_unit(cell.realisation)
    values = []
    for tt in {t - ht, t + ht}:
        for rr in {r - hr, r + hr}:
            a = ctx.recompute(row, tt, rr)
            if a is None or a.status is not Status.MEASURED or a.value is None:
                return None
            values.append(a.value)
    return min(values), max(values)


@rule("PR-TW-01", Severity.MAJOR, N_("Capaian triwulan tercetak = realisasi terhadap target yang tercetak"), "printed")
def quarter_achievement(ctx: PrintedContext) -> Iterator[Finding]:
    """A printed achievement that no target and realisation within their printed rounding can give.

    A report computes the achievement from the unrounded realisation (950 / 1.021 = 93,046…):
    103,38 is right beside a printed 93,05 although 93,05 / 90 gives 103,39.
    """
    for row in ctx.report.indicators:
        for q, cell in row.cells():
            a = ctx.recompute(row, cell.target, cell.realisation)
            printed = number(cell.achievement)
            if a is None or a.status is not Status.MEASURED or a.value is None or printed is None:
                continue
            span = _achievement_span(ctx, row, cell)
            if span is not None and any(agrees(printed, v) for v in span):
                ctx.checked += 1
                continue
            if span is not None and span[0] <= printed <= span[1]:
                ctx.checked += 1
                continue
            f = ctx.compare(
                cell_place(row, q),
                CAPAIAN,
                printed,
                a.value,
                achievement_text(
                    row_period(row, q), row.polarity, a.value, show_value(cell.target), show_value(cell.realisation)
                ),
            )
            if f:
                yield f


def in_scale(ctx: PrintedContext, label: str) -> bool:
    return any(same_category(label, b.label) for b in ctx.bands())


@rule("PR-TW-06", Severity.MAJOR, N_("Kategori triwulan tercetak sesuai skala tercetak"), "printed")
def quarter_category(ctx: PrintedContext) -> Iterator[Finding]:
    for row in ctx.report.indicators:
        for q, cell in row.cells():
            if cell.category is None or not in_scale(ctx, cell.category):
                continue  # a label outside the scale: PR-SKALA-02
            a = ctx.recompute(row, cell.target, cell.realisation)
            value = a.value if a is not None and a.status is Status.MEASURED else number(cell.achievement)
            f = _category_finding(ctx, cell_place(row, q), cell.category, value)
            if f:
                yield f


# ============================================================================ PR-TW-02


def _compare_value(
    ctx: PrintedContext, where: str, what: Text, printed: PrintedValue, computed: Decimal | str | None, text: Text
) -> Finding | None:
    p = printed_value(printed)
    if p is None or computed is None:
        return None
    if isinstance(p, Decimal) and isinstance(computed, Decimal):
        return ctx.compare(where, what, p, computed, text)
    ctx.checked += 1
    if same_value(p, computed):
        return None
    return Finding(where, what, p, shown(computed), Severity.MAJOR, text)


def _office_cell(ctx: PrintedContext, row: PrintedIndicatorRow, indicator_id: str, q: int) -> Iterator[Finding]:
    cell = row.year_end if q == YEAR_END else row.quarters[q]
    assert cell is not None
    fig = office_figure(ctx, row, indicator_id, q, ctx.through)
    where = cell_place(row, q)
    basis = "" if q == YEAR_END else ("quarter" if row.basis is Basis.QUARTER else "to_date")
    source = tx(N_("%(cell)s: menurut data OPD"), cell=row_period(row, q))
    target = plain(fig.target)
    printed_target = printed_value(cell.target)
    if printed_target is not None and target is None and printed_target != 0:  # a 0: PR-TW-05
        ctx.checked += 1
        text = tx(N_("%(source)s %(figure)s belum ditetapkan"), source=source, figure=_on_basis(TARGET, basis))
        yield Finding(where, TARGET, printed_target, NO_TARGET, Severity.MAJOR, text)
    elif f := _compare_value(
        ctx, where, TARGET, cell.target, target,
        tx(N_("%(source)s %(figure)s %(value)s"), source=source, figure=_on_basis(TARGET, basis),
           value=show_value(target)),
    ):
        yield f
    if not reported(ctx, q) or fig.realisation is None:
        return  # not measured (PR-TW-05)
    realisation = show_value(shown(fig.realisation))
    if is_dash(cell.realisation):
        ctx.checked += 1
        yield Finding(
            where,
            REALISASI,
            "-",
            shown(fig.realisation),
            Severity.MAJOR,
            tx(
                N_("%(source)s %(figure)s %(value)s; laporan mencetak '-' (belum diukur)"),
                source=source, figure=_on_basis(REALISASI, basis), value=realisation,
            ),
        )
    elif f := _compare_value(
        ctx, where, REALISASI, cell.realisation, fig.realisation,
        tx(N_("%(source)s %(figure)s %(value)s"), source=source, figure=_on_basis(REALISASI, basis), value=realisation),
    ):
        yield f
    a = fig.achievement
    if a.status is not Status.MEASURED or a.value is None:
        return
    if f := _compare_value(
        ctx, where, CAPAIAN, cell.achievement, a.value,
        tx(
            N_("%(source)s capaian = %(formula)s = %(value)s (target %(target)s, realisasi %(realisation)s)"),
            source=source, formula=formula_text(row.polarity), value=_show(a.value), target=show_value(target),
            realisation=realisation,
        ),
    ):
        yield f
    if cell.category is not None and in_scale(ctx, cell.category):
        labels = ctx.classify(a.value)
        if labels:
            ctx.checked += 1
            if not same_category(cell.category, labels[0]):
                yield Finding(
                    where, KATEGORI, cell.category, labels[0], Severity.MAJOR,
                    tx(
                        N_("%(source)s capaian %(value)s termasuk kategori %(label)s pada skala tercetak"),
                        source=source, value=_show(a.value), label=labels[0],
                    ),
                )


def _on_basis(figure: Text, basis: str) -> Text:
    """``target``, ``target triwulan itu saja`` (a quarter's own) or ``target s.d. triwulan itu`` (to date)."""
    if basis == "quarter":
        return tx(N_("%(figure)s triwulan itu saja"), figure=figure)
    if basis == "to_date":
        return tx(N_("%(figure)s s.d. triwulan itu"), figure=figure)
    return figure


def _office_line(ctx: PrintedContext, line: PrintedBudgetLine, code: str) -> Iterator[Finding]:
    figures = ctx.figures
    assert figures is not None
    n = ctx.through
    now = figures.budget_to_date(code, n)
    if now is None:
        return
    label = tx(N_("s.d. %(quarter)s"), quarter=QUARTER_LABELS[n]) if ctx.report.quarter else tx(N_("tahun ini"))
    source = tx(N_("%(name)s: menurut data anggaran OPD (%(code)s)"), name=line.name, code=code)

    def realised(period: Text | str, value: Decimal | None) -> Text:
        return tx(N_("%(source)s realisasi %(period)s %(value)s"), source=source, period=period, value=_show(value, 0))

    checks: list[tuple[Text, Decimal | None, Decimal | None, Text]] = [
        (PAGU, line.allocation, now.allocation,
         tx(N_("%(source)s pagu %(value)s"), source=source, value=_show(now.allocation, 0))),
        (REALISASI, line.realisation, now.realisation, realised(label, now.realisation)),
        (PENYERAPAN, line.absorption, now.absorption,
         tx(N_("%(source)s penyerapan %(period)s %(value)s %%"), source=source, period=label,
            value=_show(now.absorption))),
        (DEVIASI, line.deviation, now.deviation,
         tx(N_("%(source)s deviasi %(period)s %(value)s %%"), source=source, period=label,
            value=_show(now.deviation))),
    ]
    for q, in_quarter in sorted(line.quarters.items()):
        if q <= n:
            label_q = QUARTER_LABELS[q]
            own = figures.budget_in_quarter(code, q)
            checks.append((tx(N_("realisasi %(quarter)s"), quarter=label_q), in_quarter, own, realised(label_q, own)))
    for what, printed, computed, text in checks:
        if f := ctx.compare(line.where, what, printed, computed, text):
            yield f


@rule(
    "PR-TW-02",
    Severity.MAJOR,
    N_("Angka triwulan tercetak sama dengan angka data OPD s.d. triwulan laporan"),
    "printed",
)
def quarter_figures_vs_office(ctx: PrintedContext) -> Iterator[Finding]:
    figures = ctx.figures
    if figures is None:
        return
    for row in ctx.report.indicators:
        if row.indicator is None:
            continue
        indicator_id = linked_indicator(ctx, row)
        if indicator_id is None:
            yield Finding(
                row.where, tx(N_("indikator")), row.indicator, None, Severity.WARNING,
                tx(
                    N_("indikator %(indicator)s tidak ada dalam data OPD tahun %(year)s"),
                    indicator=repr(row.indicator), year=ctx.report.year,
                ),
            )
            continue
        for q, _cell in row.cells():
            yield from _office_cell(ctx, row, indicator_id, q)
    for line in ctx.report.budget:
        if line.code is None:
            continue
        if not figures.has_line(line.code):
            yield Finding(
                line.where, tx(N_("kode anggaran")), line.code, None, Severity.WARNING,
                tx(N_("kode %(code)s tidak ada dalam anggaran OPD tahun %(year)s"), code=repr(line.code),
                   year=ctx.report.year),
            )
            continue
        yield from _office_line(ctx, line, line.code)


# ============================================================================ PR-TW-03


def _earlier(printed: Decimal | str, by_quarter: dict[int, Decimal | str | None], n: int) -> int | None:
    """The latest quarter M < N whose figure the printed one is (and N's it is not)."""
    now = by_quarter.get(n)
    if now is not None and same_value(printed, now):
        return None
    for m in range(n - 1, 0, -1):
        value = by_quarter.get(m)
        if value is not None and same_value(printed, value):
            return m
    return None


def _earlier_finding(
    where: str, what: Text, printed: Decimal | str, correct: Decimal | str | None, m: int, n: int, name: str
) -> Finding:
    return Finding(
        where,
        what,
        printed,
        NOT_MEASURED if correct is None else shown(correct),
        Severity.MAJOR,
        tx(
            N_("%(name)s: yang tercetak adalah angka s.d. %(earlier)s, bukan s.d. %(quarter)s (laporan %(quarter)s)"),
            name=name, earlier=QUARTER_LABELS[m], quarter=QUARTER_LABELS[n],
        ),
    )


def _pick(fig: Figure, what: str) -> Decimal | str | None:
    if what == "target":
        return plain(fig.target)
    if what == "realisasi":
        return fig.realisation
    return fig.achievement.value


def _earlier_cell(ctx: PrintedContext, row: PrintedIndicatorRow, indicator_id: str, q: int) -> Iterator[Finding]:
    figures = ctx.figures
    assert figures is not None
    n = ctx.through
    cell = row.year_end if q == YEAR_END else row.quarters[q]
    assert cell is not None
    at = {
        m: figures.year_end(indicator_id, m) if q == YEAR_END else figures.to_date(indicator_id, m)
        for m in range(1, n + 1)
    }
    for what, raw in ((TARGET, cell.target), (REALISASI, cell.realisation), (CAPAIAN, cell.achievement)):
        printed = printed_value(raw)
        if printed is None:
            continue
        by_quarter = {m: _pick(fig, what) for m, fig in at.items()}
        m = _earlier(printed, by_quarter, n)
        if m is not None:
            ctx.checked += 1
            yield _earlier_finding(cell_place(row, q), what, printed, by_quarter[n], m, n, row.name)


def _line_to_date(ctx: PrintedContext, line: PrintedBudgetLine) -> dict[int, Amounts] | None:
    """A line's amounts to date per quarter: the office's, else from the printed quarters."""
    n = ctx.through
    figures = ctx.figures
    if figures is not None and line.code is not None and figures.has_line(line.code):
        out = {m: a for m in range(1, n + 1) if (a := figures.budget_to_date(line.code, m)) is not None}
        return out if n in out else None
    if line.quarters and n in line.quarters and line.allocation is not None:
        return {
            m: Amounts(line.allocation, sum((v for q, v in line.quarters.items() if q <= m), Decimal(0)))
            for m in range(1, n + 1)
        }
    return None


def _earlier_line(ctx: PrintedContext, line: PrintedBudgetLine) -> Iterator[Finding]:
    n = ctx.through
    to_date = _line_to_date(ctx, line)
    if to_date is None:
        return
    for what, printed, by_quarter in (
        (REALISASI, line.realisation, {m: a.realisation for m, a in to_date.items()}),
        (PENYERAPAN, line.absorption, {m: a.absorption for m, a in to_date.items()}),
    ):
        if printed is None:
            continue
        values: dict[int, Decimal | str | None] = dict(by_quarter)
        m = _earlier(printed, values, n)
        if m is not None:
            ctx.checked += 1
            yield _earlier_finding(line.where, what, printed, by_quarter[n], m, n, line.name)


@rule("PR-TW-03", Severity.MAJOR, N_("Laporan TW N tidak memuat angka triwulan sebelumnya"), "printed")
def earlier_quarter(ctx: PrintedContext) -> Iterator[Finding]:
    n = ctx.report.quarter
    if n is None or n < 2:
        return
    for row in ctx.report.indicators:
        indicator_id = linked_indicator(ctx, row)
        if indicator_id is None or row.basis is not Basis.TO_DATE:
            continue
        for q, _cell in row.cells():
            if q in (n, YEAR_END):
                yield from _earlier_cell(ctx, row, indicator_id, q)
    for line in ctx.report.budget:
        yield from _earlier_line(ctx, line)


# ============================================================================ PR-TW-04


@rule("PR-TW-04", Severity.WARNING, N_("Penyerapan anggaran tidak jauh tertinggal dari waktu yang berjalan"), "printed")
def absorption_behind_time(ctx: PrintedContext) -> Iterator[Finding]:
    n = ctx.report.quarter
    if n is None:
        return
    elapsed = QUARTER_SHARE * n
    lag = ctx.settings.absorption_lag_points
    for line in ctx.report.budget:
        if line.same_as is not None:
            continue  # the same line printed again elsewhere
        a = ctx.office_amounts(line) or ctx.amounts(line)
        if a is None or a.allocation <= 0 or a.absorption is None:
            continue
        if a.absorption < elapsed - lag:
            yield Finding(
                line.where,
                tx(N_("penyerapan s.d. %(quarter)s %%"), quarter=QUARTER_LABELS[n]),
                round_half_up(a.absorption, 2),
                elapsed,
                Severity.WARNING,
                tx(
                    N_("%(name)s: penyerapan %(absorption)s %% tertinggal %(behind)s poin dari %(elapsed)s %% tahun "
                       "anggaran yang telah berjalan (batas peringatan %(lag)s poin); periksa jadwal pelaksanaan dan "
                       "rencana penarikan dana"),
                    name=line.name, absorption=_show(a.absorption), behind=_show(elapsed - a.absorption),
                    elapsed=_show(elapsed, 0), lag=_show(lag, 0),
                ),
            )


# ============================================================================ PR-TW-05


def _not_measured(ctx: PrintedContext, row: PrintedIndicatorRow, q: int, cell: PrintedCell) -> Text | None:
    """Why the cell's period is known not to be measured (None when it is measured or unknown)."""
    n = ctx.report.quarter
    if q != YEAR_END and n is not None and q > n:
        return tx(N_("%(quarter)s belum berjalan pada laporan %(report)s"), quarter=QUARTER_LABELS[q],
                  report=QUARTER_LABELS[n])
    indicator_id = linked_indicator(ctx, row)
    if indicator_id is not None and reported(ctx, q):
        if office_figure(ctx, row, indicator_id, q, ctx.through).realisation is None:
            return tx(N_("menurut data OPD belum ada pengukuran"))
        return None
    if is_dash(cell.realisation):
        return tx(N_("realisasinya tercetak '-'"))
    return None


@rule("PR-TW-05", Severity.MAJOR, N_("Triwulan yang belum diukur tidak dicetak 0"), "printed")
def zero_not_measured(ctx: PrintedContext) -> Iterator[Finding]:
    for row in ctx.report.indicators:
        for q, cell in row.cells():
            why = _not_measured(ctx, row, q, cell)
            if why is None:
                continue
            where, cell_name = cell_place(row, q), row_period(row, q)
            for what, word, raw in (
                (REALISASI, REALISASI, cell.realisation), (CAPAIAN, tx(N_("capaian")), cell.achievement)
            ):
                value = printed_value(raw)
                if value is None:
                    continue
                ctx.checked += 1
                zero = isinstance(value, Decimal) and value == 0
                text = (
                    tx(
                        N_("%(cell)s: 0 dicetak padahal %(why)s; yang belum diukur ditulis '-' (belum diukur), "
                           "bukan 0"),
                        cell=cell_name, why=why,
                    )
                    if zero
                    else tx(N_("%(cell)s: %(figure)s dicetak padahal %(why)s"), cell=cell_name, figure=word, why=why)
                )
                yield Finding(where, what, value, NOT_MEASURED, Severity.MAJOR, text)
            if cell.category is not None:
                ctx.checked += 1
                yield Finding(
                    where, KATEGORI, cell.category, NOT_MEASURED, Severity.MAJOR,
                    tx(N_("%(cell)s: kategori dicetak padahal %(why)s"), cell=cell_name, why=why),
                )
        yield from _zero_targets(ctx, row)


def _zero_targets(ctx: PrintedContext, row: PrintedIndicatorRow) -> Iterator[Finding]:
    """A target printed 0 where the office's data set none: "target belum ditetapkan", never 0."""
    indicator_id = linked_indicator(ctx, row)
    if indicator_id is None:
        return
    for q, cell in row.cells():
        t = number(cell.target)
        if t is None or t != 0:
            continue
        if plain(office_figure(ctx, row, indicator_id, q, ctx.through).target) is None:
            ctx.checked += 1
            yield Finding(
                cell_place(row, q), TARGET, t, NO_TARGET, Severity.MAJOR,
                tx(
                    N_("%(cell)s: target tidak ditetapkan dalam data OPD; ditulis '-' (target belum ditetapkan), "
                       "bukan 0"),
                    cell=row_period(row, q),
                ),
            )
