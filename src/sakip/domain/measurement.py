"""Achievement (*capaian*) of a target by a realisation — SPEC §4.

One function, `achievement`, implements every polarity and method:

* ``higher_is_better``: ``R / T × 100``; undefined when ``T = 0``;
* ``lower_is_better``: ``(2T − R) / T × 100`` (`LowerFormula.MIRROR`, the seeds'
  "Target − (Realisasi − Target)") or ``T / R × 100`` (`LowerFormula.INVERSE`, a
  per-pemda setting); with ``T = 0`` the achievement is 100 when ``R = 0`` and 0
  otherwise;
* ``in_range``: 100 inside ``[low, high]``; below, higher-is-better against
  ``low``; above, lower-is-better against ``high``;
* ``qualitative``: ``rank(R) / rank(T) × 100`` on an `OrdinalScale`;
* `Method.BASELINE`: ``(R − B) / (T − B) × 100``, undefined when ``T = B``.

Negative results floor at 0. The cap policy (none / 100 / 120) is applied on top:
`Achievement.raw` keeps the uncapped value, `Achievement.value` the capped one.
A missing realisation is *not measured* (`Status.NOT_MEASURED`, *belum diukur*) and a
missing target is `Status.NO_TARGET` (*target belum ditetapkan*) — never 0, and never
confused with each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple

from .errors import N_, DomainError
from .numbers import ENGINE_CONTEXT, HUNDRED, ZERO
from .scales import OrdinalScale, PredicateScale

_TWO = Decimal(2)


class Polarity(StrEnum):
    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"
    IN_RANGE = "in_range"
    QUALITATIVE = "qualitative"


class LowerFormula(StrEnum):
    """How lower-is-better achievement is computed (a per-pemda setting)."""

    MIRROR = "mirror"  # (2T − R) / T × 100
    INVERSE = "inverse"  # T / R × 100


class Method(StrEnum):
    RATIO = "ratio"  # realisation against target
    BASELINE = "baseline"  # progress from a baseline: (R − B) / (T − B)


class CapPolicy(StrEnum):
    NONE = "none"
    CAP_100 = "100"
    CAP_120 = "120"

    @property
    def limit(self) -> Decimal | None:
        return _CAP_LIMITS[self]


_CAP_LIMITS = {CapPolicy.NONE: None, CapPolicy.CAP_100: Decimal(100), CapPolicy.CAP_120: Decimal(120)}


class Status(StrEnum):
    MEASURED = "measured"
    NOT_MEASURED = "not_measured"  # belum diukur: no realisation yet
    UNDEFINED = "undefined"  # realisation exists but achievement cannot be computed (T = 0 ...)
    NO_TARGET = "no_target"  # target belum ditetapkan: a realisation without a target (never 0, never "undefined")


@dataclass(frozen=True, slots=True)
class Range:
    """A target band for in-range indicators, e.g. 3 ± 1 % → Range(2, 4)."""

    low: Decimal
    high: Decimal

    def __post_init__(self) -> None:
        if self.low > self.high:
            raise DomainError(
                N_("rentang target: batas bawah %(low)s lebih besar dari batas atas %(high)s"),
                low=self.low,
                high=self.high,
            )


Target = Decimal | Range | str
Realisation = Decimal | str


class Achievement(NamedTuple):
    """An immutable result (a named tuple: cheap to create a million times)."""

    status: Status
    raw: Decimal | None = None  # floored at 0, not capped
    value: Decimal | None = None  # after the cap policy: what is shown and aggregated
    met: bool | None = None  # target met?
    reason: str | None = None  # why undefined
    capped: bool = False  # True when the cap changed the value

    @property
    def measured(self) -> bool:
        return self.status is Status.MEASURED


NOT_MEASURED = Achievement(Status.NOT_MEASURED)
#: the reason of `NO_TARGET` (`reports.narrative.reason_text`: "target belum ditetapkan")
NO_TARGET_REASON = "no target"
NO_TARGET = Achievement(Status.NO_TARGET, reason=NO_TARGET_REASON)


def _undefined(reason: str) -> Achievement:
    return Achievement(Status.UNDEFINED, reason=reason)


_new = tuple.__new__  # builds the named tuple without its Python-level __new__ (hot path)
_MEASURED = Status.MEASURED


def _finish(raw: Decimal, met: bool, cap: CapPolicy) -> Achievement:
    if raw < ZERO:
        raw = ZERO
    limit = _CAP_LIMITS[cap]
    if limit is not None and raw > limit:
        return _new(Achievement, (_MEASURED, raw, limit, met, None, True))
    return _new(Achievement, (_MEASURED, raw, raw, met, None, False))


def _ratio(num: Decimal, den: Decimal) -> Decimal:
    # × 100 first: exact for any realistic value, and one rounding instead of two
    return _divide(num * HUNDRED, den)


_divide = ENGINE_CONTEXT.divide


def _higher(r: Decimal, t: Decimal, cap: CapPolicy) -> Achievement:
    if t == ZERO:
        return _undefined("target is 0: R / T is undefined")
    if t < ZERO:
        return _undefined("target is negative: use the baseline method")
    return _finish(_ratio(r, t), r >= t, cap)


def _lower(r: Decimal, t: Decimal, cap: CapPolicy, formula: LowerFormula) -> Achievement:
    if t < ZERO:
        return _undefined("target is negative: use the baseline method")
    if t == ZERO:
        return _finish(HUNDRED if r == ZERO else ZERO, r <= t, cap)
    if formula is LowerFormula.INVERSE:
        if r == ZERO:
            return _undefined("realisation is 0: T / R is undefined (use the mirror formula)")
        return _finish(_ratio(t, r), r <= t, cap)
    return _finish(_ratio(ENGINE_CONTEXT.subtract(_TWO * t, r), t), r <= t, cap)


def achievement(
    target: Target | None,
    realisation: Realisation | None,
    polarity: Polarity = Polarity.HIGHER_IS_BETTER,
    *,
    cap: CapPolicy = CapPolicy.NONE,
    lower_formula: LowerFormula = LowerFormula.MIRROR,
    method: Method = Method.RATIO,
    baseline: Decimal | None = None,
    ordinal: OrdinalScale | None = None,
) -> Achievement:
    """The achievement of ``target`` by ``realisation`` (both in the indicator's unit)."""
    # the common case first: numeric target and realisation, ratio method
    if method is Method.RATIO and type(target) is Decimal and type(realisation) is Decimal:
        if polarity is Polarity.HIGHER_IS_BETTER:
            return _higher(realisation, target, cap)
        if polarity is Polarity.LOWER_IS_BETTER:
            return _lower(realisation, target, cap, lower_formula)
    if realisation is None:
        return NOT_MEASURED
    if target is None:
        return NO_TARGET
    if polarity is Polarity.QUALITATIVE:
        if ordinal is None:
            raise DomainError(N_("indikator kualitatif memerlukan skala predikat"))
        if not isinstance(target, str) or not isinstance(realisation, str):
            raise DomainError(N_("target dan realisasi indikator kualitatif berupa predikat (teks)"))
        rt, rr = ordinal.rank(target), ordinal.rank(realisation)
        return _finish(_ratio(Decimal(rr), Decimal(rt)), rr >= rt, cap)
    if isinstance(realisation, str):
        raise DomainError(
            N_("realisasi '%(value)s' berupa teks, padahal indikator ini berupa angka"), value=realisation
        )
    if polarity is Polarity.IN_RANGE:
        if not isinstance(target, Range):
            raise DomainError(N_("target indikator rentang harus berupa rentang (batas bawah, batas atas)"))
        if target.low <= realisation <= target.high:
            return _finish(HUNDRED, True, cap)
        if realisation < target.low:
            a = _higher(realisation, target.low, cap)
        else:
            a = _lower(realisation, target.high, cap, lower_formula)
        return a if a.status is not Status.MEASURED else _replace_met(a, False)
    if not isinstance(target, Decimal):
        raise DomainError(N_("target '%(value)s' bukan angka"), value=target)
    if method is Method.BASELINE:
        if baseline is None:
            raise DomainError(N_("metode capaian terhadap kondisi awal memerlukan nilai kondisi awal (baseline)"))
        span = target - baseline
        if span == ZERO:
            return _undefined("target equals the baseline: (R − B) / (T − B) is undefined")
        met = realisation >= target if span > ZERO else realisation <= target
        return _finish(_ratio(realisation - baseline, span), met, cap)
    if polarity is Polarity.LOWER_IS_BETTER:
        return _lower(realisation, target, cap, lower_formula)
    return _higher(realisation, target, cap)


def _replace_met(a: Achievement, met: bool) -> Achievement:
    return Achievement(a.status, a.raw, a.value, met, a.reason, a.capped)


@dataclass(frozen=True, slots=True)
class Assessment:
    """An achievement with its predicate on a scale."""

    achievement: Achievement
    category: str | None
    color: str | None


def assess(a: Achievement, scale: PredicateScale) -> Assessment:
    """Put an achievement on a predicate scale (by the value shown, i.e. after the cap)."""
    if a.value is None:
        return Assessment(a, None, None)
    band = scale.band_for(a.value)
    return Assessment(a, band.label, band.color)


def progress_to_end_target(
    realisation: Decimal | None,
    end_target: Decimal | None,
    polarity: Polarity = Polarity.HIGHER_IS_BETTER,
    lower_formula: LowerFormula = LowerFormula.MIRROR,
) -> Achievement:
    """Progress toward the end-of-plan target: ``R / end × 100`` (lower-is-better mirrored).

    Never capped: an office may already be past its five-year target.
    """
    if polarity in (Polarity.IN_RANGE, Polarity.QUALITATIVE):
        return _undefined(f"progress to the end target is not defined for {polarity.value}")
    return achievement(end_target, realisation, polarity, lower_formula=lower_formula)


def implied_realisation(
    achieved: Decimal, target: Decimal, polarity: Polarity, lower_formula: LowerFormula = LowerFormula.MIRROR
) -> Decimal:
    """The realisation that would give ``achieved`` — used by the review to explain a printed value."""
    fraction = ENGINE_CONTEXT.divide(achieved, HUNDRED)
    if polarity is Polarity.LOWER_IS_BETTER:
        if lower_formula is LowerFormula.INVERSE:
            return ENGINE_CONTEXT.divide(target, fraction)
        return _TWO * target - fraction * target
    return fraction * target
