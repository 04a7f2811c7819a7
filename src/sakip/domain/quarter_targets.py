"""Quarter targets (the *Rencana Aksi*): the even split, last year's pattern, and the checks (SPEC §3).

A quarter target is a number, or a grade for a qualitative indicator (``"BB"``), or a band
(`Range`, ``80 – 90``) for an in-range indicator, or ``None`` (*belum ditetapkan*, not set —
never 0). A band is the band of the figure *to date* at the end of TW N, whatever the
cumulative choice (a band is not rolled up); a quarter without its own band uses the year's
band, as before quarter bands existed, so an in-range indicator is never "not set" while it
has a year band. With ``cumulative`` each quarter's
target is the target *to date* (the way travelled by the end of the quarter); without
it each quarter has its own target, and the target to date is the quarters rolled up
like the realisations (`periods.target_to_date`).

**Precision and remainders.** Every figure a helper makes is exact (``Decimal``) and
rounded half up to the decimals of the year target (``1100`` → whole numbers, ``82,5``
→ one decimal; with a baseline, the more decimals of the two). The target to date at
TW IV is always exactly the year target. Per-quarter targets of a *sum* indicator are
the differences of the rounded figures to date, so they add up to the year target
exactly and the rounding is spread over the quarters (10 → 3, 2, 3, 2).

**Even split** (`even_split`):

* cumulative: TW N is ``B + (T − B) × N / 4`` — 25 / 50 / 75 / 100 % of the way from
  the start ``B`` to the year target ``T`` (`periods.cumulative_targets_from_shares`).
  ``B`` is 0 for a *sum* indicator (a running total) and the indicator's baseline for
  the others (a stock or status: an index, a share at a date), 0 without one. A
  lower-is-better stock has no way to split from 0: it needs a baseline
  (`DomainError` otherwise);
* per quarter, *sum*: a quarter each of the year target, as the differences above;
* per quarter, other rollups: every quarter the year target (four equal targets roll up
  to it);
* qualitative: every quarter the year's grade;
* in range: every quarter the year's band.

**Last year's pattern** (`from_pattern`): last year's four targets to date ``D1 … D4``
(by last year's own cumulative choice) give the shape; this year TW N to date is
``T × DN / D4``. Stored per quarter: a *sum* takes the differences; an *average* takes
``T × tN / D4`` of last year's quarter values ``tN`` with the remainder in TW IV, so the
mean is exactly ``T``; *last*, *max* and *min* take ``T × tN / D4`` (the quarter that
made last year's figure to date makes ``T`` exactly). Last year's targets must all be set
and its TW IV to date must not be 0; grades and bands have no pattern.

**Checks** (`check`): a qualitative indicator takes grades of its scale, an in-range
indicator bands (``low ≤ high``; a TW IV band other than the year's band is a warning, a
quarter without a band is not: the year's band applies) and a numeric one numbers;
cumulative targets must not go down — for a *sum* (a running total) whatever the polarity,
for the others in the direction of the polarity (a lower-is-better stock must not go up;
grades must not fall). A target to date at TW IV different from the year
target, and a year with some quarters set and others not, are *warnings*: real action
plans print 10 / 25 / 50 / 85 % of the way, and a mid-year PK amendment may change the
year target while earlier quarters are frozen.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .errors import N_, DomainError, Message, ScaleError, msg
from .measurement import Polarity, Range, Target
from .numbers import ENGINE_CONTEXT, format_number, quantum
from .periods import QUARTER_LABELS, QUARTERS, Rollup, cumulative_targets_from_shares, target_to_date
from .scales import OrdinalScale

QuarterTarget = Decimal | Range | str | None
QuarterTargets = Mapping[int, QuarterTarget]

EVEN_SHARES: tuple[Decimal, ...] = (Decimal(25), Decimal(50), Decimal(75), Decimal(100))
MAX_PLACES = 6  # the database keeps six decimals
IN_RANGE_TEXT = N_("indikator rentang: target triwulan berupa rentang «batas bawah – batas atas»; tanpa rentang "
                   "triwulan, rentang tahunan berlaku tiap triwulan")
NO_PATTERN_TEXT = N_("pola tahun lalu hanya untuk target angka; untuk predikat atau rentang gunakan pembagian rata")


# ----------------------------------------------------------------------------- helpers


def places_of(*values: Decimal | None) -> int:
    """The decimals a figure is written with (``1100`` → 0, ``82.50`` → 1), at most six."""
    out = 0
    for v in values:
        if v is None or not v.is_finite():
            continue
        exponent = v.normalize().as_tuple().exponent
        assert isinstance(exponent, int)
        out = max(out, -exponent)
    return min(out, MAX_PLACES)


def _round(value: Decimal, places: int) -> Decimal:
    return value.quantize(quantum(places), rounding=ROUND_HALF_UP)


def _plain(value: Decimal) -> Decimal:
    """Without trailing zeros, never in exponent form (``1.1E+3`` → ``1100``)."""
    normal = value.normalize()
    exponent = normal.as_tuple().exponent
    return normal.quantize(Decimal(1)) if isinstance(exponent, int) and exponent > 0 else normal


def shown(value: Decimal | Range | str) -> str:
    """A target as a message shows it (``1.100``, ``82,5``, ``BB``, ``80 – 90``)."""
    if isinstance(value, str):
        return value
    if isinstance(value, Range):
        return f"{shown(value.low)} – {shown(value.high)}"
    return format_number(value, places_of(value))


def _label(q: int) -> str:
    return QUARTER_LABELS[q]


# ----------------------------------------------------------------------------- the helpers' rules


def _stock_start(polarity: Polarity, rollup: Rollup, baseline: Decimal | None) -> Decimal:
    """Where the way to the year target starts, for a cumulative split."""
    if rollup is Rollup.SUM:
        return Decimal(0)
    if baseline is not None:
        return baseline
    if polarity is Polarity.LOWER_IS_BETTER:
        raise DomainError(
            N_(
                "pembagian kumulatif indikator «semakin rendah semakin baik» memerlukan baseline (titik awal); "
                "isi baseline indikator, atau pilih target per triwulan"
            )
        )
    return Decimal(0)


def _numeric_year_target(year_target: Target | None) -> Decimal:
    if year_target is None:
        raise DomainError(N_("target tahunan belum ditetapkan: isi target tahunan terlebih dahulu"))
    if isinstance(year_target, Range):
        raise DomainError(IN_RANGE_TEXT)
    if isinstance(year_target, str):
        raise DomainError(N_("target tahunan berupa predikat: gunakan predikat yang sama untuk setiap triwulan"))
    return year_target


def _per_quarter_from_path(path: Mapping[int, Decimal]) -> dict[int, Decimal]:
    """Per-quarter targets of a sum whose figures to date are ``path``: the differences."""
    out: dict[int, Decimal] = {}
    previous = Decimal(0)
    for q in QUARTERS:
        out[q] = _plain(path[q] - previous)
        previous = path[q]
    return out


def even_split(
    year_target: Target | None,
    *,
    polarity: Polarity,
    rollup: Rollup,
    cumulative: bool,
    baseline: Decimal | None = None,
) -> dict[int, QuarterTarget]:
    """The four quarter targets of an even split of ``year_target`` (see the module's rules)."""
    if polarity is Polarity.QUALITATIVE:
        if not isinstance(year_target, str):
            raise DomainError(N_("target tahunan belum ditetapkan: isi target tahunan terlebih dahulu"))
        return dict.fromkeys(QUARTERS, year_target)
    if polarity is Polarity.IN_RANGE:
        if not isinstance(year_target, Range):
            raise DomainError(N_("target tahunan belum ditetapkan: isi target tahunan terlebih dahulu"))
        return dict.fromkeys(QUARTERS, year_target)
    target = _numeric_year_target(year_target)
    if cumulative or rollup is Rollup.SUM:
        start = _stock_start(polarity, rollup, baseline) if cumulative else Decimal(0)
        places = places_of(target, start)
        exact = cumulative_targets_from_shares(target, EVEN_SHARES, baseline=start)
        path = {q: _round(exact[q], places) for q in QUARTERS}
        path[4] = target
        if cumulative:
            return {q: _plain(v) for q, v in path.items()}
        return dict(_per_quarter_from_path(path))
    return dict.fromkeys(QUARTERS, _plain(target))


def from_pattern(
    year_target: Target | None,
    last: QuarterTargets,
    *,
    polarity: Polarity,
    rollup: Rollup,
    cumulative: bool,
    last_cumulative: bool,
) -> dict[int, QuarterTarget]:
    """This year's quarter targets in the shape of last year's (``last``), scaled to ``year_target``."""
    if polarity in (Polarity.QUALITATIVE, Polarity.IN_RANGE):
        raise DomainError(NO_PATTERN_TEXT)
    target = _numeric_year_target(year_target)
    missing = [_label(q) for q in QUARTERS if last.get(q) is None]
    if missing:
        raise DomainError(
            N_("target triwulan tahun lalu belum lengkap (%(quarters)s belum ditetapkan): pola tidak dapat dipakai"),
            quarters=", ".join(missing),
        )
    values: dict[int, Decimal] = {}
    for q in QUARTERS:
        v = last.get(q)
        if not isinstance(v, Decimal):
            raise DomainError(NO_PATTERN_TEXT)
        values[q] = v
    to_date = {q: target_to_date(values, q, cumulative=last_cumulative, method=rollup) for q in QUARTERS}
    end = to_date[4]
    if end is None or end == 0:
        raise DomainError(N_("target s.d. TW IV tahun lalu 0: pola tahun lalu tidak dapat dipakai"))
    places = places_of(target)

    def scaled(v: Decimal) -> Decimal:
        return _round(ENGINE_CONTEXT.divide(ENGINE_CONTEXT.multiply(target, v), end), places)

    if cumulative or rollup is Rollup.SUM:
        path = {q: scaled(d) for q, d in to_date.items() if d is not None}
        path[4] = target
        if cumulative:
            return {q: _plain(v) for q, v in path.items()}
        return dict(_per_quarter_from_path(path))
    # last year's own quarter values (a cumulative year: its figures to date)
    quarter_values = to_date if last_cumulative else values
    out = {q: scaled(v) for q, v in quarter_values.items() if v is not None}
    if rollup is Rollup.AVERAGE:
        out[4] = Decimal(4) * target - sum((out[q] for q in (1, 2, 3)), Decimal(0))
    return {q: _plain(v) for q, v in out.items()}


# ----------------------------------------------------------------------------- the checks


@dataclass(frozen=True, slots=True)
class Issue:
    """One finding about an indicator's quarter targets: an error refuses the write, a warning is shown."""

    message: Message
    quarter: int | None = None
    warning: bool = False

    def __str__(self) -> str:
        return str(self.message)


def _direction(polarity: Polarity, rollup: Rollup) -> int:
    """+1: cumulative targets must not go down; −1: they must not go up."""
    if rollup is Rollup.SUM:
        return 1
    return -1 if polarity is Polarity.LOWER_IS_BETTER else 1


def check(
    targets: QuarterTargets,
    *,
    polarity: Polarity,
    rollup: Rollup,
    cumulative: bool,
    ordinal: OrdinalScale | None = None,
    year_target: Target | None = None,
    require_year_target: bool = False,
) -> list[Issue]:
    """Errors and warnings of an indicator's quarter targets (``None``: not set)."""
    issues: list[Issue] = []
    given = {q: v for q, v in targets.items() if v is not None}
    if not given:
        return issues
    for q in given:
        if q not in QUARTERS:
            issues.append(Issue(msg(N_("triwulan harus 1–4, bukan %(quarter)s"), quarter=q)))
    if issues:
        return issues
    if require_year_target and year_target is None:
        issues.append(Issue(msg(N_("target triwulan memerlukan target tahunan: isi target tahunan indikator ini"))))
    if polarity is Polarity.IN_RANGE:
        return issues + _check_bands(given, year_target)
    ranks: dict[int, Decimal] = {}
    for q in sorted(given):
        v = given[q]
        if polarity is Polarity.QUALITATIVE:
            if not isinstance(v, str):
                issues.append(Issue(msg(N_("%(quarter)s: target harus predikat, bukan angka"), quarter=_label(q)), q))
                continue
            if ordinal is not None:
                try:
                    ranks[q] = Decimal(ordinal.rank(v))
                except ScaleError as exc:
                    issues.append(Issue(msg(N_("%(quarter)s: %(why)s"), quarter=_label(q), why=exc.msg), q))
        elif isinstance(v, Range):
            issues.append(
                Issue(msg(N_("%(quarter)s: target harus angka, bukan rentang %(text)s"), quarter=_label(q),
                          text=shown(v)), q)
            )
        elif isinstance(v, str):
            issues.append(
                Issue(msg(N_("%(quarter)s: target harus angka, bukan «%(text)s»"), quarter=_label(q), text=v), q)
            )
        else:
            ranks[q] = v
    if issues:
        return issues
    if cumulative:
        direction = 1 if polarity is Polarity.QUALITATIVE else _direction(polarity, rollup)
        previous: tuple[int, Decimal] | None = None
        for q in sorted(ranks):
            if previous is not None and (ranks[q] - previous[1]) * direction < 0:
                before, now = given[previous[0]], given[q]
                assert before is not None and now is not None
                issues.append(
                    Issue(
                        msg(
                            N_("target kumulatif %(quarter)s (%(value)s) lebih rendah dari %(previous)s (%(before)s): "
                               "target kumulatif tidak boleh turun")
                            if direction > 0
                            else N_("target kumulatif %(quarter)s (%(value)s) lebih tinggi dari %(previous)s "
                                    "(%(before)s): target kumulatif indikator «semakin rendah semakin baik» tidak "
                                    "boleh naik"),
                            quarter=_label(q),
                            value=shown(now),
                            previous=_label(previous[0]),
                            before=shown(before),
                        ),
                        q,
                    )
                )
            previous = (q, ranks[q])
    if issues:
        return issues
    missing = [q for q in QUARTERS if q not in given]
    if missing:
        issues.append(
            Issue(
                msg(N_("target %(quarters)s belum ditetapkan"), quarters=", ".join(_label(q) for q in missing)),
                warning=True,
            )
        )
        return issues
    end = _to_date_at_end(given, polarity=polarity, rollup=rollup, cumulative=cumulative)
    if end is not None and year_target is not None and not isinstance(year_target, Range) and end != year_target:
        if isinstance(end, Decimal) != isinstance(year_target, Decimal):
            return issues
        issues.append(_end_differs(end, year_target))
    return issues


def _end_differs(end: Decimal | Range | str, year_target: Decimal | Range | str) -> Issue:
    """The warning for a target to date at TW IV that is not the year's target."""
    return Issue(
        msg(
            N_("target s.d. TW IV (%(end)s) tidak sama dengan target tahunan (%(year)s)"),
            end=shown(end),
            year=shown(year_target),
        ),
        4,
        warning=True,
    )


def _check_bands(given: Mapping[int, QuarterTarget], year_target: Target | None) -> list[Issue]:
    """An in-range indicator's quarter targets: bands only (``low ≤ high`` holds by `Range`); a TW IV band other
    than the year's is a warning."""
    issues: list[Issue] = []
    for q in sorted(given):
        v = given[q]
        if not isinstance(v, Range):
            text = v if isinstance(v, str) else shown(v) if isinstance(v, Decimal) else str(v)
            issues.append(
                Issue(
                    msg(N_("%(quarter)s: target indikator rentang harus rentang «batas bawah – batas atas», "
                           "bukan «%(text)s»"), quarter=_label(q), text=text),
                    q,
                )
            )
    if issues:
        return issues
    end = given.get(4)
    if isinstance(end, Range) and isinstance(year_target, Range) and end != year_target:
        issues.append(_end_differs(end, year_target))
    return issues


def _to_date_at_end(
    targets: Mapping[int, Decimal | Range | str], *, polarity: Polarity, rollup: Rollup, cumulative: bool
) -> Decimal | str | None:
    if polarity is Polarity.QUALITATIVE:
        end = targets.get(4)  # a grade to date is the latest
        return end if isinstance(end, str) else None
    numbers = {q: v for q, v in targets.items() if isinstance(v, Decimal)}
    return target_to_date(numbers, 4, cumulative=cumulative, method=rollup)


def errors(issues: list[Issue]) -> list[Issue]:
    return [i for i in issues if not i.warning]


def warnings(issues: list[Issue]) -> list[Issue]:
    return [i for i in issues if i.warning]


__all__ = [
    "EVEN_SHARES",
    "Issue",
    "QuarterTarget",
    "QuarterTargets",
    "check",
    "errors",
    "even_split",
    "from_pattern",
    "places_of",
    "shown",
    "warnings",
]
