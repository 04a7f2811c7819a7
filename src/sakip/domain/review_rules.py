"""The review (reviu) rules over an office-year stored in Sakip (SPEC §8).

``office`` rules run over an office-year (`OfficeContext`): completeness of PK
targets and realisations, PK against Renstra targets, IKU in the PK, achievements
and predicates as printed, polarity and scale, budget sums, realisation within
allocation, PK programs against the budget, evidence, explanations below target,
report completeness. The scorecard's own printed-figure checks
(`scorecard.build_scorecard`) are reported here by one rule (``OPD-CETAK``), so
each check has one implementation.

The engine (`rule`, `ReviewResult`) is `review_engine`; the review of a report
written elsewhere is `review_printed` (re-exported here with the engine, the one
import of the adapters).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .errors import N_
from .measurement import Status
from .office import Indicator, Office
from .periods import QUARTERS
from .review import Finding, Severity, Text, tx
from .review_engine import (
    OFFICE_RULES,
    PRINTED_RULES,
    ReviewResult,
    Rule,
    _show,
    all_rules,
    indicator_place,
    place_in,
    rule,
)
from .review_printed import (
    DEFAULT_ABSORPTION_LAG,
    PrintedContext,
    ReviewSettings,
    review_printed,
    scale_problems,
)
from .scorecard import IndicatorScore, Scorecard, build_scorecard
from .to_date import is_measured

__all__ = [
    "DEFAULT_ABSORPTION_LAG",
    "OFFICE_RULES",
    "PRINTED_RULES",
    "OfficeContext",
    "OfficeFacts",
    "PrintedContext",
    "ReviewResult",
    "ReviewSettings",
    "Rule",
    "all_rules",
    "review_office",
    "review_printed",
    "rule",
    "scale_problems",
]


@dataclass(frozen=True)
class OfficeFacts:
    """What the domain cannot see, supplied by the adapter as plain data."""

    evidence: Mapping[str, frozenset[int]] | None = None  # indicator id → quarters with evidence
    report_generated: bool | None = None  # the year's performance report (LKjIP) made and submitted
    report_approved: bool | None = None  # ... and approved


@dataclass
class OfficeContext:
    office: Office
    year: int
    card: Scorecard
    facts: OfficeFacts = field(default_factory=OfficeFacts)
    checked: int = 0

    @property
    def data(self) -> Any:
        return self.office.years.get(self.year)

    def scores(self) -> list[IndicatorScore]:
        return list(self.card.indicators)


def review_office(
    office: Office, year: int, facts: OfficeFacts | None = None, card: Scorecard | None = None
) -> ReviewResult:
    """Run every office rule over ``office``'s ``year``."""
    ctx = OfficeContext(office, year, card or build_scorecard(office, year), facts or OfficeFacts())
    findings: list[Finding] = []
    for r in OFFICE_RULES:
        findings.extend(r.run(ctx))
    return ReviewResult(office.name, year, tuple(findings), ctx.checked, tuple(r.id for r in OFFICE_RULES))


def _place(ind: Indicator, level: str, parent: str) -> Text:
    return indicator_place(level, parent, ind.id, ind.name)


@rule("OPD-PK-01", Severity.MAJOR, N_("Perjanjian Kinerja tahun ini ada dan memuat target setiap IKU"), "office")
def office_pk_complete(ctx: OfficeContext) -> Iterator[Finding]:
    yd = ctx.data
    pk = yd.agreement if yd else None
    ctx.checked += 1
    if pk is None:
        yield Finding(
            tx(N_("Perjanjian Kinerja %(year)s"), year=ctx.year),
            tx(N_("dokumen")),
            None,
            tx(N_("Perjanjian Kinerja")),
            Severity.MAJOR,
            tx(N_("belum ada Perjanjian Kinerja tahun %(year)s"), year=ctx.year),
        )
        return
    for s in ctx.scores():
        ind = s.indicator
        if not ind.iku:
            continue
        ctx.checked += 1
        if ind.id not in pk.targets:
            yield Finding(
                place_in(_place(ind, s.level, s.parent_id), tx(N_("Target PK %(year)s"), year=ctx.year)),
                tx(N_("target PK")),
                None,
                _plan_target(ind, ctx.year),
                Severity.MAJOR,
                tx(N_("IKU %(id)s tidak tercantum dalam Perjanjian Kinerja %(year)s"), id=ind.id, year=ctx.year),
            )


def _plan_target(ind: Indicator, year: int) -> Decimal | str | None:
    t = ind.targets.get(year)
    return t if isinstance(t, Decimal | str) or t is None else f"{t.low}–{t.high}"


@rule("OPD-PK-02", Severity.WARNING, N_("Target PK sama dengan target Renstra"), "office")
def office_pk_vs_plan(ctx: OfficeContext) -> Iterator[Finding]:
    yd = ctx.data
    pk = yd.agreement if yd else None
    if pk is None:
        return
    for s in ctx.scores():
        ind = s.indicator
        if ind.id not in pk.targets or ctx.year not in ind.targets:
            continue
        ctx.checked += 1
        pk_t, plan_t = pk.targets[ind.id], ind.targets[ctx.year]
        if pk_t != plan_t:
            yield Finding(
                place_in(_place(ind, s.level, s.parent_id), tx(N_("Target %(year)s"), year=ctx.year)),
                tx(N_("target PK")),
                _as_value(pk_t),
                _as_value(plan_t),
                Severity.WARNING,
                tx(N_("target Perjanjian Kinerja berbeda dari target Renstra; pastikan perubahan ini disengaja")),
            )


def _as_value(t: object) -> Decimal | str | None:
    if t is None or isinstance(t, Decimal | str):
        return t
    return str(t)


@rule("OPD-REAL-01", Severity.MAJOR, N_("Setiap indikator PK punya target dan realisasi"), "office")
def office_realisations_complete(ctx: OfficeContext) -> Iterator[Finding]:
    for s in ctx.scores():
        if not (s.in_pk or s.indicator.iku):
            continue
        place = _place(s.indicator, s.level, s.parent_id)
        ctx.checked += 1
        if s.target is None:
            yield Finding(
                place_in(place, tx(N_("Target %(year)s"), year=ctx.year)),
                tx(N_("target")),
                None,
                tx(N_("target tahun ini")),
                Severity.MAJOR,
                tx(N_("indikator tidak mempunyai target tahun ini")),
            )
        ctx.checked += 1
        if s.realisation is None:
            yield Finding(
                place_in(place, tx(N_("Realisasi %(year)s"), year=ctx.year)),
                tx(N_("realisasi")),
                None,
                tx(N_("realisasi tahun ini")),
                Severity.MAJOR,
                tx(N_("realisasi belum diisi; capaian tidak dapat dihitung (tidak diukur, bukan 0)")),
            )


@rule("OPD-CETAK", Severity.MAJOR, N_("Angka tercetak (capaian, kategori, anggaran, survei) sesuai hitungan"), "office")
def office_printed_figures(ctx: OfficeContext) -> Iterator[Finding]:
    ctx.checked += len(ctx.card.findings)
    yield from ctx.card.findings


@rule("OPD-POL-01", Severity.MAJOR, N_("Capaian dapat dihitung untuk polaritas dan target yang diisi"), "office")
def office_polarity(ctx: OfficeContext) -> Iterator[Finding]:
    for s in ctx.scores():
        place = _place(s.indicator, s.level, s.parent_id)
        if s.realisation is None:
            continue
        ctx.checked += 1
        if s.achievement.status in (Status.UNDEFINED, Status.NO_TARGET):
            yield Finding(
                place_in(place, tx(N_("Capaian %(year)s"), year=ctx.year)),
                tx(N_("capaian")),
                None,
                tx(N_("capaian terhitung")),
                Severity.MAJOR,
                tx(N_("capaian tidak dapat dihitung: target belum ditetapkan"))
                if s.achievement.status is Status.NO_TARGET
                else tx(
                    N_("capaian tidak terdefinisi: %(reason)s"),
                    reason=s.achievement.reason or tx(N_("periksa target dan polaritas")),
                ),
            )
        for e in s.errors:
            yield Finding(
                place_in(place, tx(N_("Capaian %(year)s"), year=ctx.year)),
                tx(N_("perhitungan")), None, None, Severity.MAJOR, e,
            )


@rule("OPD-ANG-01", Severity.MAJOR, N_("Realisasi anggaran tidak melebihi pagu"), "office")
def office_realisation_within_allocation(ctx: OfficeContext) -> Iterator[Finding]:
    if ctx.card.budget is None:
        return
    for ls in ctx.card.budget.lines:
        a = ls.amounts
        if a.realisation is None:
            continue
        ctx.checked += 1
        if a.realisation > a.allocation:
            yield Finding(
                tx(N_("Anggaran %(year)s › %(code)s %(name)s"), year=ctx.year, code=ls.line.code, name=ls.line.name),
                tx(N_("realisasi")),
                a.realisation,
                a.allocation,
                Severity.MAJOR,
                tx(N_("realisasi melebihi pagu")),
            )


def _program_allocations(ctx: OfficeContext) -> dict[str, Decimal]:
    if ctx.card.budget is None:
        return {}
    return {ls.line.code: ls.amounts.allocation for ls in ctx.card.budget.lines}


@rule("OPD-ANG-02", Severity.MAJOR, N_("Program dalam PK ada dalam anggaran dengan pagu yang sama"), "office")
def office_pk_programs_vs_budget(ctx: OfficeContext) -> Iterator[Finding]:
    yd = ctx.data
    pk = yd.agreement if yd else None
    if pk is None or not pk.programs or ctx.card.budget is None:
        return
    allocations = _program_allocations(ctx)
    by_name = {ls.line.name.casefold(): ls.amounts.allocation for ls in ctx.card.budget.lines}
    for p in pk.programs:
        ctx.checked += 1
        alloc = allocations.get(p.program_code or "") if p.program_code else by_name.get(p.name.casefold())
        program = f"{p.program_code or ''} {p.name}".replace("  ", " ").strip()
        place = tx(N_("Perjanjian Kinerja %(year)s › Program %(program)s"), year=ctx.year, program=program)
        if alloc is None:
            yield Finding(
                place,
                tx(N_("program")),
                p.name,
                None,
                Severity.WARNING,
                tx(N_("program dalam Perjanjian Kinerja tidak ditemukan dalam anggaran")),
            )
        elif alloc != p.allocation:
            yield Finding(
                place,
                tx(N_("pagu")),
                p.allocation,
                alloc,
                Severity.MAJOR,
                tx(N_("anggaran program dalam Perjanjian Kinerja berbeda dari pagu dalam anggaran")),
            )


@rule("OPD-BUKTI-01", Severity.WARNING, N_("Realisasi yang diisi mempunyai bukti dukung"), "office")
def office_evidence(ctx: OfficeContext) -> Iterator[Finding]:
    yd = ctx.data
    if yd is None:
        return
    for s in ctx.scores():
        m = yd.measurements.get(s.indicator.id)
        if m is None or s.realisation is None:
            continue
        place = _place(s.indicator, s.level, s.parent_id)
        if ctx.facts.evidence is not None:
            have = ctx.facts.evidence.get(s.indicator.id, frozenset())
            measured = [q for q in QUARTERS if is_measured(s.indicator, m, q)] or [4]
            for q in measured:
                ctx.checked += 1
                if q not in have:
                    yield Finding(
                        place_in(place, tx(N_("Bukti TW %(q)s"), q=q)),
                        tx(N_("bukti dukung")),
                        None,
                        tx(N_("berkas bukti")),
                        Severity.WARNING,
                        tx(N_("realisasi triwulan %(q)s belum dilengkapi bukti dukung"), q=q),
                    )
        else:
            ctx.checked += 1
            if not m.evidence:
                yield Finding(
                    place_in(place, tx(N_("Bukti %(year)s"), year=ctx.year)),
                    tx(N_("bukti dukung")),
                    None,
                    tx(N_("berkas bukti")),
                    Severity.WARNING,
                    tx(N_("realisasi belum dilengkapi bukti dukung")),
                )


@rule("OPD-PENJ-01", Severity.MAJOR, N_("Capaian di bawah target disertai penjelasan"), "office")
def office_explanation_below_target(ctx: OfficeContext) -> Iterator[Finding]:
    for s in ctx.scores():
        if s.achievement.status is not Status.MEASURED or s.achievement.met is not False:
            continue
        ctx.checked += 1
        if not (s.explanation or "").strip():
            yield Finding(
                place_in(_place(s.indicator, s.level, s.parent_id), tx(N_("Penjelasan %(year)s"), year=ctx.year)),
                tx(N_("penjelasan")),
                s.achievement.value,
                tx(N_("penjelasan penyebab dan upaya")),
                Severity.MAJOR,
                tx(N_("capaian %(value)s %% di bawah target tanpa penjelasan"), value=_show(s.achievement.value)),
            )


@rule("OPD-LAP-01", Severity.WARNING, N_("Laporan kinerja tahun ini dibuat dan disetujui"), "office")
def office_report_complete(ctx: OfficeContext) -> Iterator[Finding]:
    f = ctx.facts
    if f.report_generated is not None:
        ctx.checked += 1
        if not f.report_generated:
            yield Finding(
                tx(N_("Laporan Kinerja %(year)s"), year=ctx.year),
                tx(N_("laporan")),
                None,
                tx(N_("laporan dibuat dan diajukan")),
                Severity.WARNING,
                tx(N_("laporan kinerja tahun ini belum dibuat dan diajukan")),
            )
    if f.report_approved is not None:
        ctx.checked += 1
        if not f.report_approved:
            yield Finding(
                tx(N_("Laporan Kinerja %(year)s"), year=ctx.year),
                tx(N_("persetujuan")),
                None,
                tx(N_("laporan disetujui")),
                Severity.WARNING,
                tx(N_("laporan kinerja tahun ini belum disetujui")),
            )


from . import review_figures, review_narratives  # noqa: E402, F401  (register OPD-TARGET-01, OPD-SURVEI-01, OPD-NARASI-01)
