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

from .measurement import Status
from .office import Indicator, Office
from .periods import QUARTERS
from .review import Finding, Severity
from .review_engine import OFFICE_RULES, PRINTED_RULES, ReviewResult, Rule, _show, all_rules, rule
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


def _place(ind: Indicator, level: str, parent: str) -> str:
    return f"{'Tujuan' if level == 'goal' else 'Sasaran'} {parent} › Indikator {ind.id} {ind.name}"


@rule("OPD-PK-01", Severity.MAJOR, "Perjanjian Kinerja tahun ini ada dan memuat target setiap IKU", "office")
def office_pk_complete(ctx: OfficeContext) -> Iterator[Finding]:
    yd = ctx.data
    pk = yd.agreement if yd else None
    ctx.checked += 1
    if pk is None:
        yield Finding(
            f"Perjanjian Kinerja {ctx.year}",
            "dokumen",
            None,
            "Perjanjian Kinerja",
            Severity.MAJOR,
            f"belum ada Perjanjian Kinerja tahun {ctx.year}",
        )
        return
    for s in ctx.scores():
        ind = s.indicator
        if not ind.iku:
            continue
        ctx.checked += 1
        if ind.id not in pk.targets:
            yield Finding(
                f"{_place(ind, s.level, s.parent_id)} › Target PK {ctx.year}",
                "target PK",
                None,
                _plan_target(ind, ctx.year),
                Severity.MAJOR,
                f"IKU {ind.id} tidak tercantum dalam Perjanjian Kinerja {ctx.year}",
            )


def _plan_target(ind: Indicator, year: int) -> Decimal | str | None:
    t = ind.targets.get(year)
    return t if isinstance(t, Decimal | str) or t is None else f"{t.low}–{t.high}"


@rule("OPD-PK-02", Severity.WARNING, "Target PK sama dengan target Renstra", "office")
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
                f"{_place(ind, s.level, s.parent_id)} › Target {ctx.year}",
                "target PK",
                _as_value(pk_t),
                _as_value(plan_t),
                Severity.WARNING,
                "target Perjanjian Kinerja berbeda dari target Renstra; pastikan perubahan ini disengaja",
            )


def _as_value(t: object) -> Decimal | str | None:
    if t is None or isinstance(t, Decimal | str):
        return t
    return str(t)


@rule("OPD-REAL-01", Severity.MAJOR, "Setiap indikator PK punya target dan realisasi", "office")
def office_realisations_complete(ctx: OfficeContext) -> Iterator[Finding]:
    for s in ctx.scores():
        if not (s.in_pk or s.indicator.iku):
            continue
        place = _place(s.indicator, s.level, s.parent_id)
        ctx.checked += 1
        if s.target is None:
            yield Finding(
                f"{place} › Target {ctx.year}",
                "target",
                None,
                "target tahun ini",
                Severity.MAJOR,
                "indikator tidak mempunyai target tahun ini",
            )
        ctx.checked += 1
        if s.realisation is None:
            yield Finding(
                f"{place} › Realisasi {ctx.year}",
                "realisasi",
                None,
                "realisasi tahun ini",
                Severity.MAJOR,
                "realisasi belum diisi; capaian tidak dapat dihitung (tidak diukur, bukan 0)",
            )


@rule("OPD-CETAK", Severity.MAJOR, "Angka tercetak (capaian, kategori, anggaran, survei) sesuai hitungan", "office")
def office_printed_figures(ctx: OfficeContext) -> Iterator[Finding]:
    ctx.checked += len(ctx.card.findings)
    yield from ctx.card.findings


@rule("OPD-POL-01", Severity.MAJOR, "Capaian dapat dihitung untuk polaritas dan target yang diisi", "office")
def office_polarity(ctx: OfficeContext) -> Iterator[Finding]:
    for s in ctx.scores():
        place = _place(s.indicator, s.level, s.parent_id)
        if s.realisation is None:
            continue
        ctx.checked += 1
        if s.achievement.status in (Status.UNDEFINED, Status.NO_TARGET):
            yield Finding(
                f"{place} › Capaian {ctx.year}",
                "capaian",
                None,
                "capaian terhitung",
                Severity.MAJOR,
                "capaian tidak dapat dihitung: target belum ditetapkan"
                if s.achievement.status is Status.NO_TARGET
                else f"capaian tidak terdefinisi: {s.achievement.reason or 'periksa target dan polaritas'}",
            )
        for e in s.errors:
            yield Finding(f"{place} › Capaian {ctx.year}", "perhitungan", None, None, Severity.MAJOR, e)


@rule("OPD-ANG-01", Severity.MAJOR, "Realisasi anggaran tidak melebihi pagu", "office")
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
                f"Anggaran {ctx.year} › {ls.line.code} {ls.line.name}",
                "realisasi",
                a.realisation,
                a.allocation,
                Severity.MAJOR,
                "realisasi melebihi pagu",
            )


def _program_allocations(ctx: OfficeContext) -> dict[str, Decimal]:
    if ctx.card.budget is None:
        return {}
    return {ls.line.code: ls.amounts.allocation for ls in ctx.card.budget.lines}


@rule("OPD-ANG-02", Severity.MAJOR, "Program dalam PK ada dalam anggaran dengan pagu yang sama", "office")
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
        place = f"Perjanjian Kinerja {ctx.year} › Program {p.program_code or ''} {p.name}".replace("  ", " ")
        if alloc is None:
            yield Finding(
                place,
                "program",
                p.name,
                None,
                Severity.WARNING,
                "program dalam Perjanjian Kinerja tidak ditemukan dalam anggaran",
            )
        elif alloc != p.allocation:
            yield Finding(
                place,
                "pagu",
                p.allocation,
                alloc,
                Severity.MAJOR,
                "anggaran program dalam Perjanjian Kinerja berbeda dari pagu dalam anggaran",
            )


@rule("OPD-BUKTI-01", Severity.WARNING, "Realisasi yang diisi mempunyai bukti dukung", "office")
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
                        f"{place} › Bukti TW {q}",
                        "bukti dukung",
                        None,
                        "berkas bukti",
                        Severity.WARNING,
                        f"realisasi triwulan {q} belum dilengkapi bukti dukung",
                    )
        else:
            ctx.checked += 1
            if not m.evidence:
                yield Finding(
                    f"{place} › Bukti {ctx.year}",
                    "bukti dukung",
                    None,
                    "berkas bukti",
                    Severity.WARNING,
                    "realisasi belum dilengkapi bukti dukung",
                )


@rule("OPD-PENJ-01", Severity.MAJOR, "Capaian di bawah target disertai penjelasan", "office")
def office_explanation_below_target(ctx: OfficeContext) -> Iterator[Finding]:
    for s in ctx.scores():
        if s.achievement.status is not Status.MEASURED or s.achievement.met is not False:
            continue
        ctx.checked += 1
        if not (s.explanation or "").strip():
            yield Finding(
                f"{_place(s.indicator, s.level, s.parent_id)} › Penjelasan {ctx.year}",
                "penjelasan",
                s.achievement.value,
                "penjelasan penyebab dan upaya",
                Severity.MAJOR,
                f"capaian {_show(s.achievement.value)} % di bawah target tanpa penjelasan",
            )


@rule("OPD-LAP-01", Severity.WARNING, "Laporan kinerja tahun ini dibuat dan disetujui", "office")
def office_report_complete(ctx: OfficeContext) -> Iterator[Finding]:
    f = ctx.facts
    if f.report_generated is not None:
        ctx.checked += 1
        if not f.report_generated:
            yield Finding(
                f"Laporan Kinerja {ctx.year}",
                "laporan",
                None,
                "laporan dibuat dan diajukan",
                Severity.WARNING,
                "laporan kinerja tahun ini belum dibuat dan diajukan",
            )
    if f.report_approved is not None:
        ctx.checked += 1
        if not f.report_approved:
            yield Finding(
                f"Laporan Kinerja {ctx.year}",
                "persetujuan",
                None,
                "laporan disetujui",
                Severity.WARNING,
                "laporan kinerja tahun ini belum disetujui",
            )


from . import review_figures, review_narratives  # noqa: E402, F401  (register OPD-TARGET-01, OPD-SURVEI-01, OPD-NARASI-01)
