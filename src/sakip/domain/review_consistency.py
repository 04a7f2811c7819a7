"""Review rules for consistency: the same figure everywhere, labels, zero allocations, NIPs.

Printed rules registered with `review_engine.rule` and run by
`review_printed.review_printed` (for annual and quarterly reports alike):

* ``PR-SAMA-01`` — the same figure printed with different values in two places:
  rows naming the same indicator (``indicator``), lines naming the same budget code
  (``code``), signature blocks of the same person (``person``). With the office's
  data its figure decides which place is wrong; without, the value printed most
  often (the first on a tie);
* ``PR-SKALA-02`` — a category label that is not in the report's scale, and a
  grade that is not in the indicator's ordinal scale;
* ``PR-ANG-07`` — a row with zero allocation printed with an absorption;
* ``PR-ANG-08`` — a realisation to date that is not the sum of the printed quarters;
* ``PR-NIP-01`` — a NIP that is not 18 digits.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .errors import N_
from .measurement import Polarity, Status
from .periods import QUARTER_LABELS
from .printed import (
    YEAR_END,
    Basis,
    PrintedBudgetLine,
    PrintedCell,
    PrintedIndicatorRow,
    PrintedSignature,
    PrintedValue,
    grade,
    number,
)
from .review import CAPAIAN, DEVIASI, KATEGORI, PAGU, PENYERAPAN, REALISASI, TARGET, Finding, Severity, Text, tx
from .review_engine import _show, rule
from .review_printed import PrintedContext, printed_value, show_value
from .review_quarterly import (
    cell_place,
    compatible,
    in_scale,
    linked_indicator,
    office_figure,
    plain,
    reported,
    row_period,
    same_value,
    shown,
)

# ============================================================================ PR-SAMA-01

NIP_DIGITS = 18
NIP = tx(N_("NIP"))


@dataclass(frozen=True)
class _Printed:
    where: str
    value: Decimal | str


def _reference(values: list[_Printed], computed: Decimal | str | None) -> Decimal | str:
    """The value the others are compared with: the office's own, else the most printed (the first on a tie)."""
    if computed is not None:
        return computed
    counts = [sum(1 for other in values if compatible(other.value, v.value)) for v in values]
    return values[counts.index(max(counts))].value


def _disagreeing(
    ctx: PrintedContext, what: Text, name: Text | str, values: list[_Printed], computed: Decimal | str | None
) -> Iterator[Finding]:
    """The printed places of one figure that disagree with the others (with the office's value, when known)."""
    if len(values) < 2:
        return
    ctx.checked += len(values) - 1
    if all(compatible(v.value, values[0].value) for v in values):
        return  # printed the same everywhere (a wrong value everywhere is PR-TW-02's)
    ref = _reference(values, computed)

    def agreeing(v: _Printed) -> bool:
        return same_value(v.value, ref) if computed is not None else compatible(v.value, ref)

    places = ", ".join(v.where for v in values if agreeing(v))
    source = tx(N_("data OPD")) if computed is not None else tx(N_("yang tercetak di %(places)s"), places=places)
    for v in values:
        if agreeing(v):
            continue
        yield Finding(
            v.where,
            what,
            v.value,
            shown(ref) if computed is not None else ref,
            Severity.MAJOR,
            tx(
                N_("%(name)s: angka yang sama tercetak berbeda di tempat lain (%(what)s %(here)s di sini, %(other)s "
                   "menurut %(source)s)"),
                name=name, what=what, here=show_value(v.value), other=show_value(shown(ref)), source=source,
            ),
        )


def _indicator_groups(ctx: PrintedContext) -> Iterator[Finding]:
    groups: dict[tuple[str, Basis], list[PrintedIndicatorRow]] = {}
    for row in ctx.report.indicators:
        if row.indicator is not None:
            groups.setdefault((row.indicator, row.basis), []).append(row)
    for rows in groups.values():
        if len(rows) < 2:
            continue
        linked = linked_indicator(ctx, rows[0])
        name = rows[0].name
        for what, field in ((TARGET, "target"), (REALISASI, "realisation"), (CAPAIAN, "achievement")):
            values = [_Printed(r.where, v) for r in rows if (v := printed_value(getattr(r, field))) is not None]
            yield from _disagreeing(ctx, what, name, values, None)
        periods = sorted({q for r in rows for q, _ in r.cells()})
        for q in periods:
            fig = office_figure(ctx, rows[0], linked, q, ctx.through) if linked else None
            covered = reported(ctx, q)
            for what, field, computed in (
                (TARGET, "target", plain(fig.target) if fig else None),
                (REALISASI, "realisation", fig.realisation if fig and covered else None),
                (CAPAIAN, "achievement", fig.achievement.value if fig and covered else None),
            ):
                values = []
                for r in rows:
                    cell = r.year_end if q == YEAR_END else r.quarters.get(q)
                    v = printed_value(getattr(cell, field)) if cell is not None else None
                    if v is not None:
                        values.append(_Printed(cell_place(r, q), v))
                yield from _disagreeing(ctx, what, row_period(rows[0], q), values, computed)


def _line_groups(ctx: PrintedContext) -> Iterator[Finding]:
    groups: dict[str, list[PrintedBudgetLine]] = {}
    for line in ctx.report.budget:
        if line.code is not None:
            groups.setdefault(line.code, []).append(line)
    for code, lines in groups.items():
        if len(lines) < 2:
            continue
        office = ctx.office_amounts(lines[0])
        for what, field, computed in (
            (PAGU, "allocation", office.allocation if office else None),
            (REALISASI, "realisation", office.realisation if office else None),
            (PENYERAPAN, "absorption", office.absorption if office else None),
        ):
            values = [_Printed(ln.where, v) for ln in lines if (v := getattr(ln, field)) is not None]
            yield from _disagreeing(ctx, what, f"{lines[0].name} ({code})", values, computed)


def nip_digits(nip: str) -> str:
    return re.sub(r"\D", "", nip)


def person_name(name: str) -> str:
    """A name without academic degrees and titles, for comparing signature blocks."""
    core = name.split(",")[0]
    words = [w for w in core.replace("*", " ").split() if not w.endswith(".")]
    return " ".join(words).casefold()


def _signature_groups(ctx: PrintedContext) -> Iterator[Finding]:
    groups: dict[str, list[PrintedSignature]] = {}
    for s in ctx.report.signatures:
        if s.person is not None:
            groups.setdefault(s.person, []).append(s)
    for person, blocks in groups.items():
        names = [_Printed(s.where, person_name(s.name)) for s in blocks]
        printed_names = {s.where: s.name for s in blocks}
        for f in _disagreeing(ctx, tx(N_("nama")), person, names, None):
            ref_where = next(s.where for s in blocks if person_name(s.name) == f.correct)
            yield Finding(
                f.where, f.what, printed_names[f.where], printed_names[ref_where], f.severity,
                tx(
                    N_("%(position)s: nama penanda tangan tercetak berbeda di tempat lain (%(here)s di sini, %(other)s "
                       "di %(other_place)s)"),
                    position=blocks[0].position or person, here=printed_names[f.where],
                    other=printed_names[ref_where], other_place=ref_where,
                ),
            )
        nips = [_Printed(s.where, nip_digits(s.nip)) for s in blocks if s.nip and len(nip_digits(s.nip)) == NIP_DIGITS]
        printed_nips = {s.where: s.nip for s in blocks if s.nip}
        for f in _disagreeing(ctx, NIP, person, nips, None):
            ref_where = next(v.where for v in nips if v.value == f.correct)
            yield Finding(
                f.where, f.what, printed_nips[f.where], printed_nips[ref_where], f.severity,
                tx(
                    N_("NIP %(name)s tercetak berbeda di tempat lain (%(here)s di sini, %(other)s di %(other_place)s)"),
                    name=printed_names[f.where], here=printed_nips[f.where], other=printed_nips[ref_where],
                    other_place=ref_where,
                ),
            )


@rule("PR-SAMA-01", Severity.MAJOR, N_("Angka yang sama tercetak sama di setiap tempat"), "printed")
def same_figure_everywhere(ctx: PrintedContext) -> Iterator[Finding]:
    yield from _indicator_groups(ctx)
    yield from _line_groups(ctx)
    yield from _signature_groups(ctx)


# ============================================================================ PR-SKALA-02


def _cell_value(ctx: PrintedContext, row: PrintedIndicatorRow, q: int, cell: PrintedCell) -> Decimal | None:
    """The best-known achievement of a cell: the office's, else recomputed from the printed, else printed."""
    indicator_id = linked_indicator(ctx, row)
    if indicator_id is not None and reported(ctx, q):
        a = office_figure(ctx, row, indicator_id, q, ctx.through).achievement
        if a.status is Status.MEASURED:
            return a.value
    recomputed = ctx.recompute(row, cell.target, cell.realisation)
    if recomputed is not None and recomputed.status is Status.MEASURED:
        return recomputed.value
    return number(cell.achievement)


def _label_finding(ctx: PrintedContext, where: str, printed: str, value: Decimal | None) -> Finding:
    labels = ", ".join(b.label for b in ctx.bands())
    known = ctx.classify(value) if value is not None else []
    correct = known[0] if known else tx(N_("salah satu dari: %(labels)s"), labels=labels)
    text = (
        tx(
            N_("kategori '%(printed)s' tidak ada pada skala laporan (%(labels)s); capaian %(value)s termasuk "
               "kategori %(label)s"),
            printed=printed, labels=labels, value=_show(value), label=known[0],
        )
        if known and value is not None
        else tx(N_("kategori '%(printed)s' tidak ada pada skala laporan (%(labels)s)"), printed=printed, labels=labels)
    )
    return Finding(where, KATEGORI, printed, correct, Severity.MAJOR, text)


def _grade_findings(ctx: PrintedContext, row: PrintedIndicatorRow) -> Iterator[Finding]:
    scale = ctx.ordinal(row)
    if row.polarity is not Polarity.QUALITATIVE or scale is None:
        return
    known = {g.casefold() for g in scale.grades}
    places: list[tuple[str, str | Text, PrintedValue, PrintedValue]] = [
        (row.where, row.name, row.target, row.realisation)
    ] + [(cell_place(row, q), row_period(row, q), c.target, c.realisation) for q, c in row.cells()]
    for where, name, *values in places:
        for what, raw in zip((TARGET, REALISASI), values, strict=True):
            g = grade(raw)
            if g is not None and g.casefold() not in known:
                yield Finding(
                    where, what, g, tx(N_("salah satu dari: %(labels)s"), labels=", ".join(scale.grades)),
                    Severity.MAJOR,
                    tx(N_("%(name)s: '%(grade)s' bukan predikat %(scale)s"), name=name, grade=g, scale=scale.name),
                )


@rule("PR-SKALA-02", Severity.MAJOR, N_("Kategori tercetak ada pada skala laporan"), "printed")
def label_in_scale(ctx: PrintedContext) -> Iterator[Finding]:
    for row in ctx.report.indicators:
        yield from _grade_findings(ctx, row)
        if not ctx.bands():
            continue
        if row.category is not None and not in_scale(ctx, row.category):
            yield _label_finding(ctx, row.where, row.category, ctx.value_of(row))
        for q, cell in row.cells():
            if cell.category is not None and not in_scale(ctx, cell.category):
                yield _label_finding(ctx, cell_place(row, q), cell.category, _cell_value(ctx, row, q, cell))
    if not ctx.bands():
        return
    for g in ctx.report.groups:
        if g.category is not None and not in_scale(ctx, g.category):
            yield _label_finding(ctx, g.where, g.category, g.achievement)


# ============================================================================ PR-ANG-07, PR-ANG-08


@rule("PR-ANG-07", Severity.MAJOR, N_("Baris dengan pagu 0 tidak dicetak dengan persentase penyerapan"), "printed")
def zero_allocation(ctx: PrintedContext) -> Iterator[Finding]:
    for line in ctx.report.budget:
        a = ctx.amounts(line)
        if a is None or a.allocation != 0:
            continue
        spent = a.realisation is not None and a.realisation > 0
        for what, printed in ((PENYERAPAN, line.absorption), (DEVIASI, line.deviation)):
            if printed is None:
                continue
            ctx.checked += 1
            yield Finding(
                line.where,
                what,
                printed,
                tx(N_("tidak dapat dihitung (pagu 0)")),
                Severity.MAJOR,
                tx(
                    N_("%(name)s: pagu 0, sehingga persentase tidak terdefinisi; ditulis '-', bukan %(value)s %%; "
                       "realisasi %(realisation)s tanpa pagu perlu dijelaskan"),
                    name=line.name, value=show_value(printed), realisation=_show(a.realisation, 0),
                )
                if spent
                else tx(
                    N_("%(name)s: pagu 0, sehingga persentase tidak terdefinisi; ditulis '-', bukan %(value)s %%"),
                    name=line.name, value=show_value(printed),
                ),
            )


@rule("PR-ANG-08", Severity.MAJOR, N_("Realisasi s.d. triwulan = jumlah realisasi per triwulan"), "printed")
def budget_quarters_sum(ctx: PrintedContext) -> Iterator[Finding]:
    n = ctx.through
    for line in ctx.report.budget:
        shown = sorted((q, v) for q, v in line.quarters.items() if q <= n)
        if not shown or line.realisation is None:
            continue
        total = sum((v for _, v in shown), Decimal(0))
        parts = " + ".join(f"{QUARTER_LABELS[q]} {_show(v, 0)}" for q, v in shown)
        text = tx(
            N_("%(name)s: realisasi s.d. %(quarter)s = %(parts)s"),
            name=line.name, quarter=QUARTER_LABELS[n], parts=parts,
        )
        if f := ctx.compare(line.where, REALISASI, line.realisation, total, text):
            yield f


# ============================================================================ PR-NIP-01


def _valid_nip(digits: str) -> bool:
    """18 digits: birth date (YYYYMMDD), appointment (YYYYMM), sex (1/2), serial number."""
    if len(digits) != NIP_DIGITS or digits[14] not in "12":
        return False
    try:
        born = date(int(digits[0:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return False
    year, month = int(digits[8:12]), int(digits[12:14])
    return 1 <= month <= 12 and born.year + 15 <= year <= born.year + 60


def show_nip(digits: str) -> str:
    return f"{digits[0:8]} {digits[8:14]} {digits[14]} {digits[15:18]}"


def _nip_guess(digits: str) -> str | None:
    """The one valid NIP one digit away (a digit too many), if there is exactly one."""
    if len(digits) != NIP_DIGITS + 1:
        return None
    candidates = {digits[:i] + digits[i + 1 :] for i in range(len(digits))}
    valid = sorted(c for c in candidates if _valid_nip(c))
    return valid[0] if len(valid) == 1 else None


@rule("PR-NIP-01", Severity.MINOR, N_("NIP penanda tangan terdiri atas 18 angka"), "printed")
def nip_length(ctx: PrintedContext) -> Iterator[Finding]:
    for s in ctx.report.signatures:
        if not s.nip:
            continue
        ctx.checked += 1
        digits = nip_digits(s.nip)
        if len(digits) == NIP_DIGITS:
            continue
        same_person = [
            o.nip for o in ctx.report.signatures
            if o.nip and o is not s and s.person is not None and o.person == s.person
            and len(nip_digits(o.nip)) == NIP_DIGITS
        ]
        guess = _nip_guess(digits)
        rule_text = tx(
            N_("NIP %(name)s tercetak %(n)s angka; NIP terdiri atas 18 angka (8 tanggal lahir, 6 TMT pengangkatan, "
               "1 jenis kelamin, 3 nomor urut)"),
            name=s.name, n=len(digits),
        )
        correct: str | Text
        if same_person:
            correct = same_person[0]
            rule_text = tx(
                N_("NIP %(name)s tercetak %(n)s angka; NIP terdiri atas 18 angka (8 tanggal lahir, 6 TMT pengangkatan, "
                   "1 jenis kelamin, 3 nomor urut); NIP yang sama tercetak 18 angka di tempat lain"),
                name=s.name, n=len(digits),
            )
        elif guess is not None:
            correct = tx(N_("18 angka, kemungkinan %(nip)s"), nip=show_nip(guess))
        else:
            correct = tx(N_("18 angka"))
        yield Finding(s.where, NIP, s.nip, correct, Severity.MINOR, rule_text)
