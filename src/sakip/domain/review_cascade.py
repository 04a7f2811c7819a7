"""The review rules of the cascade (penjenjangan kinerja, issue #17): the RPJMD against the offices.

The ``cascade`` family runs over a regency's year (`CascadeContext`), built by the adapter from the
stored RPJMD and the offices' plans and PKs as plain facts:

* ``RPJMD-TARGET-01`` — an office's PK target for an indicator that contributes to an IKU Pemda
  differs from the target it cascades from: the office's own target for that IKU Pemda where the link
  carries one (MAJOR), else the RPJMD's target of the year when the two are measured alike — same
  unit, and the IKU Pemda is not a sum of the offices (a sum's target is the regency's total) — as a
  WARNING (a kecamatan may have agreed a target of its own);
* ``RPJMD-KONTRIBUSI-01`` — an IKU Pemda that no office contributes to (WARNING);
* ``RPJMD-DUKUNG-01`` — an office objective that supports no RPJMD objective (WARNING).

Every message is a `Message` (Indonesian msgid marked with `N_`, its parameters apart), so the
adapter translates it; `Finding.explanation` carries its Indonesian text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from .cascade import Aggregation, Computation, differs
from .errors import N_, Message, msg
from .review import Finding, Severity
from .review_engine import Rule, all_rules


@dataclass(frozen=True)
class Contributor:
    """An office indicator contributing to an IKU Pemda, with the year's targets."""

    office: str
    indicator: str  # the office indicator's code
    unit: str
    pk_target: Decimal | None  # the target in the office's PK in force for the year
    office_target: Decimal | None = None  # the link's target of the office for the IKU Pemda, that year


@dataclass(frozen=True)
class RegencyIndicatorFacts:
    code: str
    name: str
    unit: str
    computation: Computation
    aggregation: Aggregation | None
    target: Decimal | None  # the RPJMD's target of the year
    contributors: tuple[Contributor, ...] = ()


@dataclass(frozen=True)
class OfficeObjectiveFacts:
    office: str
    code: str
    text: str
    supports: tuple[str, ...] = ()  # the RPJMD objectives' codes it supports


@dataclass
class CascadeContext:
    regency: str
    year: int
    indicators: tuple[RegencyIndicatorFacts, ...] = ()
    objectives: tuple[OfficeObjectiveFacts, ...] = ()
    checked: int = 0


CASCADE_RULES: list[Rule[CascadeContext]] = []


Check = Callable[[CascadeContext], Iterable[Finding]]


def cascade_rule(id: str, severity: Severity, title: str) -> Callable[[Check], Check]:
    """Register a rule of the ``cascade`` family; ids are unique across every family."""

    def register(fn: Check) -> Check:
        if any(r.id == id for r in [*all_rules(), *CASCADE_RULES]):
            raise ValueError(f"duplicate review rule id {id}")
        CASCADE_RULES.append(Rule(id, severity, title, "cascade", fn))
        return fn

    return register


def _finding(where: str, what: str, found: Decimal | str | None, expected: Decimal | str | None,
             severity: Severity, message: Message) -> Finding:
    # Finding.explanation is text today; the message's Indonesian rendering (its msgid filled in) is that text
    return Finding(where, what, found, expected, severity, message.render())


@cascade_rule(
    "RPJMD-TARGET-01", Severity.MAJOR, N_("Target PK perangkat daerah sama dengan target RPJMD yang dijenjangkan")
)
def pk_target_matches_rpjmd(ctx: CascadeContext) -> Iterator[Finding]:
    for ind in ctx.indicators:
        comparable = ind.computation is not Computation.DIRECT and ind.aggregation is not Aggregation.SUM
        for c in ind.contributors:
            if c.pk_target is None:
                continue
            ctx.checked += 1
            where = f"{c.office} › {c.indicator} (PK {ctx.year}) → {ind.code}"
            if c.office_target is not None:
                if differs(c.pk_target, c.office_target):
                    yield _finding(where, "target", c.pk_target, c.office_target, Severity.MAJOR, msg(
                        N_("target PK %(office)s berbeda dari target yang ditetapkan untuk perangkat daerah ini pada "
                           "IKU Pemda %(code)s"),
                        office=c.office, code=ind.code,
                    ))
            elif comparable and c.unit.strip().lower() == ind.unit.strip().lower() and differs(c.pk_target, ind.target):
                yield _finding(where, "target", c.pk_target, ind.target, Severity.WARNING, msg(
                    N_("target PK %(office)s berbeda dari target RPJMD %(year)s untuk IKU Pemda %(code)s; bila "
                       "perangkat daerah ini memang memiliki target sendiri, catat target itu pada tautannya"),
                    office=c.office, year=ctx.year, code=ind.code,
                ))


@cascade_rule("RPJMD-KONTRIBUSI-01", Severity.WARNING, N_("Setiap IKU Pemda didukung oleh perangkat daerah"))
def indicator_has_contributors(ctx: CascadeContext) -> Iterator[Finding]:
    for ind in ctx.indicators:
        ctx.checked += 1
        if not ind.contributors:
            yield _finding(f"IKU Pemda {ind.code} {ind.name}", "kontribusi", None, N_("perangkat daerah"),
                           Severity.WARNING, msg(
                               N_("belum ada indikator perangkat daerah yang berkontribusi pada IKU Pemda %(code)s"),
                               code=ind.code,
                           ))


@cascade_rule("RPJMD-DUKUNG-01", Severity.WARNING, N_("Setiap sasaran perangkat daerah mendukung sasaran RPJMD"))
def objective_supports_rpjmd(ctx: CascadeContext) -> Iterator[Finding]:
    for o in ctx.objectives:
        ctx.checked += 1
        if not o.supports:
            yield _finding(f"{o.office} › {o.code} {o.text}", "dukungan", None, N_("sasaran RPJMD"),
                           Severity.WARNING, msg(
                               N_("sasaran %(code)s %(office)s belum ditautkan ke sasaran RPJMD mana pun"),
                               code=o.code, office=o.office,
                           ))


@dataclass(frozen=True)
class CascadeReview:
    regency: str
    year: int
    findings: tuple[Finding, ...]
    checked: int
    rules_run: tuple[str, ...] = field(default_factory=tuple)


def review_cascade(ctx: CascadeContext, rules: Iterable[Rule[CascadeContext]] | None = None) -> CascadeReview:
    chosen = list(CASCADE_RULES if rules is None else rules)
    findings: list[Finding] = []
    for r in chosen:
        findings += r.run(ctx)
    return CascadeReview(ctx.regency, ctx.year, tuple(findings), ctx.checked, tuple(r.id for r in chosen))


__all__ = [
    "CASCADE_RULES",
    "CascadeContext",
    "CascadeReview",
    "Contributor",
    "OfficeObjectiveFacts",
    "RegencyIndicatorFacts",
    "review_cascade",
]
