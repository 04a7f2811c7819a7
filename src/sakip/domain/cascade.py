"""A regency indicator (IKU Pemda) computed from the offices that contribute to it (issue #17).

A regency indicator is an ordinary `office.Indicator` (unit, direction, rollup, method, scale)
with one of three computations (`Computation`):

* **ratio of sums** (`Computation.FORMULA`): the regency indicator's `Formula` over named inputs
  (``kasus_selesai / kasus_masuk * 100``) applied once to the *sums* of the contributing offices'
  inputs — Σ numerators / Σ denominators × factor, never a mean of the offices' percentages. Each
  contribution maps the regency's input names onto its own office indicator's inputs; an office's
  input to date is rolled up by that office indicator's own rollup (`periods.roll_up_inputs`), as
  the office's own figure is;
* **aggregate** (`Computation.AGGREGATE`): the mean, sum, minimum or maximum of the offices'
  realisations (each office's realisation to date by `to_date.realisation_as_of`, its year value
  by the scorecard's year rule);
* **entered directly** (`Computation.DIRECT`): the regency's own quarter values in a
  `Measurement`, exactly like an office indicator.

Quarter and year figures follow the office rules: the target to date by `to_date.target_as_of`
from the regency's own quarter targets (none set → *target belum ditetapkan*), the achievement by
`to_date.achieve` (direction, method, cap, lower-is-better formula), the predicate by the scale.

An office that has not measured TW N (or has no data for the year) is *missing*: the regency figure
is computed from the offices that reported and is marked incomplete (`RegencyFigure.complete`),
with the missing offices named — the page says so beside the figure. With no office reported, the
figure is *belum diukur*.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from .aggregation import mean
from .errors import N_, DomainError, FormulaError, Message, msg
from .measurement import NOT_MEASURED, Achievement, Status, Target
from .office import Indicator, Measurement, Settings
from .periods import QUARTERS, Rollup, roll_up_inputs
from .scorecard import _realisation as _year_realisation  # the one year rule of an indicator
from .to_date import achieve, is_measured, realisation_as_of, target_as_of

#: the year's figures are asked with ``period=YEAR``
YEAR = 0


class Computation(StrEnum):
    FORMULA = "formula"  # ratio of sums: the formula over the offices' summed inputs
    AGGREGATE = "aggregate"  # mean / sum / min / max of the offices' values
    DIRECT = "direct"  # entered by the regency


class Aggregation(StrEnum):
    MEAN = "mean"
    SUM = "sum"
    MIN = "min"
    MAX = "max"


@dataclass(frozen=True)
class Contribution:
    """One office indicator contributing to a regency indicator, with its data for the year."""

    office: str  # the office's name (or code) as shown
    indicator: Indicator  # the office's indicator
    measurement: Measurement | None  # its data for the year; None: nothing entered
    #: ratio of sums: the regency's input name → the office indicator's input name
    input_map: Mapping[str, str] = field(default_factory=dict)
    #: the office's own target for the regency's indicator, where one is set
    target: Target | None = None


@dataclass(frozen=True)
class RegencyIndicator:
    indicator: Indicator  # unit, direction, rollup, method, formula (ratio of sums), yearly targets
    computation: Computation
    aggregation: Aggregation | None = None

    def __post_init__(self) -> None:
        if self.computation is Computation.FORMULA and self.indicator.formula is None:
            raise DomainError(
                N_("indikator %(id)s dihitung dengan rumus, tetapi rumusnya kosong"), id=self.indicator.id
            )
        if self.computation is Computation.AGGREGATE and self.aggregation is None:
            raise DomainError(
                N_("indikator %(id)s dihitung dari nilai perangkat daerah, tetapi cara agregasinya kosong"),
                id=self.indicator.id,
            )


@dataclass(frozen=True)
class OfficeFigure:
    """What one office brought to the regency figure of a period."""

    office: str
    measured: bool
    value: Decimal | str | None  # the office indicator's own realisation to date (or year value)
    inputs: Mapping[str, Decimal | None] = field(default_factory=dict)  # ratio of sums: by the regency's names
    target: Target | None = None
    errors: tuple[Message | str, ...] = ()


@dataclass(frozen=True)
class RegencyFigure:
    """A regency indicator's figures for TW N (to date) or the year (``period == YEAR``)."""

    period: int
    value: Decimal | str | None  # None: belum diukur
    target: Target | None  # None: target belum ditetapkan
    achievement: Achievement
    category: str | None
    color: str | None
    offices: tuple[OfficeFigure, ...] = ()
    inputs: Mapping[str, Decimal] = field(default_factory=dict)  # ratio of sums: Σ of each input
    errors: tuple[Message | str, ...] = ()  # messages of this module; the office rules' texts as they gave them

    @property
    def missing(self) -> tuple[str, ...]:
        """The contributing offices that have not measured this period."""
        return tuple(o.office for o in self.offices if not o.measured)

    @property
    def complete(self) -> bool:
        return not self.missing


# --------------------------------------------------------------------------- office side


def _office_rollups(ind: Indicator) -> dict[str, Rollup]:
    assert ind.formula is not None
    return {n: ind.input_rollups.get(n, ind.rollup) for n in ind.formula.inputs}


def _office_inputs(
    spec: RegencyIndicator, c: Contribution, period: int
) -> tuple[dict[str, Decimal | None] | None, list[Message]]:
    """The office's inputs to date under the regency's names; ``None`` when the office has not measured."""
    ind, m = c.indicator, c.measurement
    formula = spec.indicator.formula
    assert formula is not None
    if ind.formula is None:
        return None, [msg(N_("%(office)s: indikatornya tidak memakai rumus dengan komponen"), office=c.office)]
    unmapped = sorted(n for n in formula.inputs if c.input_map.get(n) not in ind.formula.inputs)
    if unmapped:
        return None, [
            msg(
                N_("%(office)s: komponen %(inputs)s belum dipetakan ke komponen indikator perangkat daerah"),
                office=c.office,
                inputs=", ".join(unmapped),
            )
        ]
    if m is None or not m.inputs:
        return None, []
    if period != YEAR and not is_measured(ind, m, period):
        return None, []
    through = 4 if period == YEAR else period
    rolled = roll_up_inputs(m.inputs, _office_rollups(ind), through)
    values = {name: rolled.get(c.input_map[name]) for name in sorted(formula.inputs)}
    if any(v is None for v in values.values()):
        return None, []
    return values, []


def _office_value(c: Contribution, period: int) -> tuple[Decimal | str | None, list[Message | str]]:
    errors: list[str] = []
    if period == YEAR:
        value, _ = _year_realisation(c.indicator, c.measurement, errors, [])
    else:
        value = realisation_as_of(c.indicator, c.measurement, period, errors)
    return value, [f"{c.office}: {e}" for e in errors]


# --------------------------------------------------------------------------- the regency figure


def _combine(how: Aggregation, values: Sequence[Decimal]) -> Decimal:
    if how is Aggregation.MEAN:
        return mean(values)
    if how is Aggregation.SUM:
        return sum(values, Decimal(0))
    if how is Aggregation.MIN:
        return min(values)
    return max(values)


def _computed(
    spec: RegencyIndicator, contributions: Sequence[Contribution], period: int
) -> tuple[Decimal | None, tuple[OfficeFigure, ...], dict[str, Decimal], list[Message | str]]:
    errors: list[Message | str] = []
    offices: list[OfficeFigure] = []
    sums: dict[str, Decimal] = {}
    values: list[Decimal] = []
    for c in contributions:
        own, own_errors = _office_value(c, period)
        if spec.computation is Computation.FORMULA:
            inputs, input_errors = _office_inputs(spec, c, period)
            errors += input_errors
            offices.append(OfficeFigure(c.office, inputs is not None, own, inputs or {}, c.target, tuple(input_errors)))
            for name, v in (inputs or {}).items():
                assert v is not None
                sums[name] = sums.get(name, Decimal(0)) + v
        else:
            if isinstance(own, str):
                own_errors.append(
                    msg(N_("%(office)s: nilai berupa predikat tidak dapat diagregasi"), office=c.office)
                )
                own = None
            errors += own_errors
            offices.append(OfficeFigure(c.office, own is not None, own, {}, c.target, tuple(own_errors)))
            if isinstance(own, Decimal):
                values.append(own)
    value: Decimal | None = None
    if spec.computation is Computation.FORMULA:
        formula = spec.indicator.formula
        assert formula is not None
        if any(o.measured for o in offices):
            try:
                value = formula.evaluate(dict(sums))
            except FormulaError as exc:
                errors.append(str(exc))
    elif values:
        assert spec.aggregation is not None
        value = _combine(spec.aggregation, values)
    return value, tuple(offices), sums, errors


def figure(
    spec: RegencyIndicator,
    year: int,
    period: int,
    contributions: Sequence[Contribution],
    settings: Settings,
    own: Measurement | None = None,
) -> RegencyFigure:
    """The regency indicator's figures for TW ``period`` (1–4, to date) or the year (`YEAR`).

    ``own`` is the regency's own data for the year: its quarter targets (and, entered directly, its
    values); the year target is the indicator's target for ``year`` unless ``own.target`` overrides it.
    """
    if period != YEAR and period not in QUARTERS:
        raise DomainError(N_("triwulan harus 1–4, bukan %(quarter)s"), quarter=period)
    ind = spec.indicator
    year_target = own.target if own is not None and own.target is not None else ind.targets.get(year)
    errors: list[Message | str] = []
    offices: tuple[OfficeFigure, ...] = ()
    sums: dict[str, Decimal] = {}
    value: Decimal | str | None
    if spec.computation is Computation.DIRECT:
        text: list[str] = []
        if period == YEAR:
            value, _ = _year_realisation(ind, own, text, [])
        else:
            value = realisation_as_of(ind, own, period, text)
        errors += text
    else:
        value, offices, sums, errors = _computed(spec, contributions, period)
    if period == YEAR:
        target: Target | None = year_target
    else:
        try:
            target = target_as_of(ind, own, period, year_target)
        except DomainError as exc:
            errors.append(str(exc))
            target = None
    if value is None:
        a = NOT_MEASURED
    else:
        try:
            a = achieve(settings, ind, target, value)
        except DomainError as exc:
            errors.append(str(exc))
            a = Achievement(Status.UNDEFINED, reason=str(exc))
    band = settings.scale.band_for(a.value) if a.value is not None else None
    return RegencyFigure(
        period,
        value,
        target,
        a,
        band.label if band else None,
        band.color if band else None,
        offices,
        sums,
        tuple(errors),
    )


def figures(
    spec: RegencyIndicator,
    year: int,
    contributions: Sequence[Contribution],
    settings: Settings,
    own: Measurement | None = None,
) -> tuple[RegencyFigure, ...]:
    """TW I … TW IV to date, then the year."""
    return tuple(figure(spec, year, p, contributions, settings, own) for p in (*QUARTERS, YEAR))


def differs(office_target: Target | None, regency_target: Target | None) -> bool:
    """Whether an office's target for a regency indicator differs from the RPJMD's (both set)."""
    if office_target is None or regency_target is None:
        return False
    if isinstance(office_target, Decimal) and isinstance(regency_target, Decimal):
        return office_target.compare(regency_target) != 0
    return office_target != regency_target


__all__ = [
    "YEAR",
    "Aggregation",
    "Computation",
    "Contribution",
    "OfficeFigure",
    "RegencyFigure",
    "RegencyIndicator",
    "differs",
    "figure",
    "figures",
]
