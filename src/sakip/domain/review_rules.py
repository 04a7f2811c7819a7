"""The review (reviu) rule engine (SPEC §8).

Rules are small named functions registered with `rule`: each has an id, a
severity, a title, and yields `Finding`s naming the place, the value found and
the value expected, with an Indonesian message. Two families:

* ``office`` rules run over an office-year stored in Sakip (`OfficeContext`):
  completeness of PK targets and realisations, PK against Renstra targets, IKU
  in the PK, achievements and predicates as printed, polarity and scale, budget
  sums, realisation within allocation, PK programs against the budget,
  evidence, explanations below target, report completeness.
* ``printed`` rules run over the printed figures of a report written elsewhere
  (`PrintedContext` over `printed.PrintedReport`): every printed figure that
  can be recomputed from the printed inputs is recomputed and compared at the
  printed precision (`review.compare_number`): a printed 96,47 for 96,4651 is
  right.

Arithmetic lives where it always lives — achievements in `measurement`, sums and
percentages in `budget`, survey scores in `survey`, means in `aggregation` — the
rules only decide what to compare with what. The scorecard's own printed-figure
checks (`scorecard.build_scorecard`) are reported here by one rule
(``OPD-CETAK``), so each check has one implementation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from itertools import pairwise
from typing import Any, Generic, TypeVar

from . import budget as budget_rules
from . import survey as survey_rules
from .aggregation import mean
from .budget import Amounts
from .errors import DomainError
from .measurement import Achievement, Polarity, Status, achievement
from .numbers import format_number, round_half_up
from .office import Indicator, Office
from .periods import QUARTERS
from .printed import PrintedBudgetLine, PrintedIndicatorRow, PrintedReport, PrintedScale, PrintedSurvey
from .review import Finding, Severity, agrees, compare_category, compare_number
from .scales import Band
from .scorecard import IndicatorScore, Scorecard, build_scorecard
from .to_date import is_measured

C = TypeVar("C")


@dataclass(frozen=True)
class Rule(Generic[C]):
    id: str
    severity: Severity  # the severity of its findings (numeric ones: minor when within 0,1)
    title: str
    kind: str  # "office" | "printed"
    check: Callable[[C], Iterable[Finding]]

    def run(self, context: C) -> list[Finding]:
        return [f if f.rule else replace(f, rule=self.id) for f in self.check(context)]


OFFICE_RULES: list[Rule[OfficeContext]] = []
PRINTED_RULES: list[Rule[PrintedContext]] = []


def rule(id: str, severity: Severity, title: str, kind: str) -> Callable[[Callable[[Any], Iterable[Finding]]], Any]:
    """Register a rule; ids are unique across both families."""

    def register(fn: Callable[[Any], Iterable[Finding]]) -> Callable[[Any], Iterable[Finding]]:
        existing: list[Rule[Any]] = [*OFFICE_RULES, *PRINTED_RULES]
        if any(r.id == id for r in existing):
            raise ValueError(f"duplicate review rule id {id}")
        target: list[Any] = OFFICE_RULES if kind == "office" else PRINTED_RULES
        target.append(Rule(id, severity, title, kind, fn))
        return fn

    return register


def all_rules() -> list[Rule[Any]]:
    return [*OFFICE_RULES, *PRINTED_RULES]


@dataclass(frozen=True)
class ReviewResult:
    subject: str
    year: int
    findings: tuple[Finding, ...]
    checked: int  # printed figures compared (printed review) or items examined (office review)
    rules_run: tuple[str, ...]

    @property
    def right(self) -> int:
        """Checked figures that are right (checked minus the figures found wrong)."""
        return max(0, self.checked - sum(1 for f in self.findings if f.severity is not Severity.WARNING))

    def by_severity(self) -> dict[Severity, list[Finding]]:
        out: dict[Severity, list[Finding]] = {s: [] for s in Severity}
        for f in self.findings:
            out[f.severity].append(f)
        return out


def _show(value: Decimal | None, places: int = 2) -> str:
    return "—" if value is None else format_number(value, places)


# ============================================================================ printed reports


@dataclass
class PrintedContext:
    report: PrintedReport
    checked: int = 0
    _achievements: dict[str, Achievement | None] = field(default_factory=dict)

    def compare(
        self, where: str, what: str, printed: Decimal | None, computed: Decimal | None, explanation: str = ""
    ) -> Finding | None:
        if printed is None or computed is None:
            return None
        self.checked += 1
        return compare_number(where, what, printed, computed, explanation)

    def compare_category(
        self, where: str, printed: str | None, computed: str | None, explanation: str
    ) -> Finding | None:
        if printed is None or computed is None:
            return None
        self.checked += 1
        return compare_category(where, printed, computed, explanation)

    def achievement_of(self, row: PrintedIndicatorRow) -> Achievement | None:
        """The achievement recomputed from the row's printed target and realisation."""
        if row.where not in self._achievements:
            a: Achievement | None = None
            if row.target is not None and row.realisation is not None:
                try:
                    a = achievement(
                        row.target,
                        row.realisation,
                        row.polarity,
                        cap=self.report.cap,
                        lower_formula=self.report.lower_formula,
                    )
                except DomainError:
                    a = None
            self._achievements[row.where] = a
        return self._achievements[row.where]

    def value_of(self, row: PrintedIndicatorRow) -> Decimal | None:
        """The row's achievement: recomputed where possible, else as printed."""
        a = self.achievement_of(row)
        if a is not None and a.status is Status.MEASURED:
            return a.value
        return row.achievement

    def bands(self) -> tuple[Band, ...]:
        return self.report.scale.bands if self.report.scale else ()

    def classify(self, value: Decimal) -> list[str]:
        """Labels of the printed bands holding ``value`` as displayed (two decimals)."""
        shown = round_half_up(value, 2)
        return [b.label for b in self.bands() if b.contains(shown)]

    def amounts(self, line: PrintedBudgetLine) -> Amounts | None:
        """The line's amounts: the sum of its parts where it has any, else as printed."""
        if line.parts:
            parts = [self.report.line(k) for k in line.parts]
            if all(p is not None and p.allocation is not None for p in parts):
                alloc = sum((p.allocation for p in parts if p and p.allocation is not None), Decimal(0))
                reals = [p.realisation for p in parts if p is not None]
                complete = all(r is not None for r in reals)
                real = sum((r for r in reals if r is not None), Decimal(0)) if complete else None
                return Amounts(alloc, real)
        if line.allocation is None:
            return None
        return Amounts(line.allocation, line.realisation)


def review_printed(report: PrintedReport) -> ReviewResult:
    """Every printed figure of ``report`` that is wrong, and what it should be."""
    ctx = PrintedContext(report)
    findings: list[Finding] = []
    for r in PRINTED_RULES:
        findings.extend(r.run(ctx))
    return ReviewResult(report.office, report.year, tuple(findings), ctx.checked, tuple(r.id for r in PRINTED_RULES))


def _scale_text(scale: PrintedScale) -> str:
    return "; ".join(b.describe() for b in scale.bands)


def scale_problems(bands: tuple[Band, ...]) -> list[str]:
    """Every gap and overlap of a printed scale, in Indonesian (the scale as printed, lowest first)."""
    problems: list[str] = []
    if not bands:
        return ["skala tidak memuat satu pun rentang"]
    ordered = sorted(bands, key=lambda b: (b.min is not None, b.min or Decimal(0)))
    if ordered[0].min is not None:
        problems.append(f"nilai di bawah {_show(ordered[0].min)} tidak masuk kategori mana pun")
    if ordered[-1].max is not None:
        problems.append(f"nilai di atas {_show(ordered[-1].max)} tidak masuk kategori mana pun")
    for lower, upper in pairwise(ordered):
        if lower.max is None or upper.min is None:
            problems.append(f"rentang {lower.label} dan {upper.label} tumpang tindih")
            continue
        if lower.max < upper.min:
            problems.append(f"nilai antara {_show(lower.max)} dan {_show(upper.min)} tidak masuk kategori mana pun")
        elif lower.max == upper.min and not lower.max_inclusive and not upper.min_inclusive:
            problems.append(f"nilai tepat {_show(lower.max)} tidak masuk kategori mana pun")
        elif lower.max > upper.min or (lower.max_inclusive and upper.min_inclusive):
            problems.append(f"rentang {lower.label} dan {upper.label} tumpang tindih pada {_show(upper.min)}")
    return problems


@rule("PR-SKALA-01", Severity.MINOR, "Skala predikat tercetak tanpa celah dan tumpang tindih", "printed")
def printed_scale_is_gap_free(ctx: PrintedContext) -> Iterator[Finding]:
    scale = ctx.report.scale
    if scale is None:
        return
    ctx.checked += 1
    problems = scale_problems(scale.bands)
    if problems:
        yield Finding(
            scale.where,
            "skala predikat",
            _scale_text(scale),
            "skala tanpa celah dan tanpa tumpang tindih",
            Severity.MINOR,
            "skala tercetak tidak lengkap: " + "; ".join(problems),
        )


@rule("PR-IND-01", Severity.MAJOR, "Capaian tercetak sesuai target, realisasi dan polaritas", "printed")
def printed_achievement(ctx: PrintedContext) -> Iterator[Finding]:
    for row in ctx.report.indicators:
        a = ctx.achievement_of(row)
        if a is None or a.status is not Status.MEASURED or row.achievement is None:
            continue
        formula = (
            "(2 × target − realisasi) / target × 100"
            if row.polarity is Polarity.LOWER_IS_BETTER
            else "realisasi / target × 100"
        )
        f = ctx.compare(
            row.where,
            "capaian %",
            row.achievement,
            a.value,
            f"{row.name}: capaian = {formula} = {_show(a.value)} "
            f"(target {_show(row.target)}, realisasi {_show(row.realisation)})",
        )
        if f:
            yield f


def _category_finding(ctx: PrintedContext, where: str, printed: str | None, value: Decimal | None) -> Finding | None:
    if printed is None or value is None or not ctx.bands():
        return None
    labels = ctx.classify(value)
    if not labels:
        ctx.checked += 1
        return Finding(
            where,
            "kategori",
            printed,
            "tidak ada kategori",
            Severity.WARNING,
            f"nilai {_show(value)} tidak masuk rentang mana pun pada skala tercetak",
        )
    return ctx.compare_category(where, printed, labels[0], f"nilai {_show(value)} pada skala tercetak")


@rule("PR-IND-02", Severity.MAJOR, "Kategori tercetak sesuai skala tercetak", "printed")
def printed_category(ctx: PrintedContext) -> Iterator[Finding]:
    for row in ctx.report.indicators:
        f = _category_finding(ctx, row.where, row.category, ctx.value_of(row))
        if f:
            yield f


@rule("PR-IND-03", Severity.MAJOR, "Target pengukuran sama dengan target Perjanjian Kinerja", "printed")
def printed_target_vs_pk(ctx: PrintedContext) -> Iterator[Finding]:
    for row in ctx.report.indicators:
        if row.target is None or row.pk_target is None:
            continue
        ctx.checked += 1
        if row.target == row.pk_target:
            continue
        note = ""
        if row.realisation is not None:
            try:
                a = achievement(
                    row.pk_target,
                    row.realisation,
                    row.polarity,
                    cap=ctx.report.cap,
                    lower_formula=ctx.report.lower_formula,
                )
                note = f"; terhadap target PK capaiannya {_show(a.value)} %"
            except DomainError:
                note = ""
        yield Finding(
            row.where,
            "target",
            row.target,
            row.pk_target,
            Severity.MAJOR,
            f"{row.name}: target yang diukur berbeda dari target Perjanjian Kinerja{note}",
        )


@rule("PR-IND-04", Severity.WARNING, "Capaian indikator negatif dapat diverifikasi", "printed")
def printed_lower_without_realisation(ctx: PrintedContext) -> Iterator[Finding]:
    for row in ctx.report.indicators:
        if row.polarity is Polarity.LOWER_IS_BETTER and row.achievement is not None and row.realisation is None:
            yield Finding(
                row.where,
                "realisasi",
                None,
                "realisasi dan rumus indikator negatif",
                Severity.WARNING,
                f"{row.name}: capaian {_show(row.achievement)} dicetak tanpa realisasi; untuk indikator yang "
                "makin kecil makin baik cara menghitungnya tidak dapat diverifikasi",
            )


def _survey_index(s: PrintedSurvey) -> Decimal | None:
    scores = [_element_score(e.score, e.nrr) for e in s.elements]
    known = [x for x in scores if x is not None]
    return mean(known) if known else None


def _element_score(score: Decimal | None, nrr: Decimal | None) -> Decimal | None:
    if score is not None:
        return score
    return nrr * 25 if nrr is not None else None


@rule("PR-IND-05", Severity.MAJOR, "Realisasi indikator survei sama dengan indeks hasil survei", "printed")
def printed_realisation_vs_survey(ctx: PrintedContext) -> Iterator[Finding]:
    if not ctx.report.surveys:
        return
    index = _survey_index(ctx.report.surveys[0])
    for row in ctx.report.indicators:
        if not row.survey or row.realisation is None or index is None:
            continue
        ctx.checked += 1
        if not agrees(row.realisation, index):
            yield Finding(
                row.where,
                "realisasi",
                row.realisation,
                round_half_up(index, 2),
                Severity.MAJOR,
                f"{row.name}: realisasi berbeda dari indeks yang dihitung dari nilai per unsur survei",
            )


def _members(ctx: PrintedContext, names: tuple[str, ...]) -> list[PrintedIndicatorRow]:
    return [r for n in names for r in ctx.report.indicators if n in (r.where, r.name)]


@rule("PR-GRP-01", Severity.MAJOR, "Capaian sasaran = rata-rata capaian indikatornya", "printed")
def printed_group_mean(ctx: PrintedContext) -> Iterator[Finding]:
    for g in ctx.report.groups:
        values = [ctx.value_of(r) for r in _members(ctx, g.indicators)]
        if not values or any(v is None for v in values):
            continue
        f = ctx.compare(
            g.where,
            "capaian %",
            g.achievement,
            mean([v for v in values if v is not None]),
            f"{g.name}: rata-rata capaian {len(values)} indikator",
        )
        if f:
            yield f


@rule("PR-GRP-02", Severity.MAJOR, "Kategori sasaran sesuai skala tercetak", "printed")
def printed_group_category(ctx: PrintedContext) -> Iterator[Finding]:
    for g in ctx.report.groups:
        values = [ctx.value_of(r) for r in _members(ctx, g.indicators)]
        basis = (
            mean([v for v in values if v is not None])
            if values and all(v is not None for v in values)
            else g.achievement
        )
        f = _category_finding(ctx, g.where, g.category, basis)
        if f:
            yield f


@rule("PR-ANG-01", Severity.MAJOR, "Jumlah anggaran = jumlah rinciannya", "printed")
def printed_budget_sums(ctx: PrintedContext) -> Iterator[Finding]:
    for line in ctx.report.budget:
        if not line.parts:
            continue
        summed = ctx.amounts(line)
        if summed is None:
            continue
        names = ", ".join(line.parts)
        for what, printed, computed in (
            ("pagu", line.allocation, summed.allocation),
            ("realisasi", line.realisation, summed.realisation),
        ):
            f = ctx.compare(line.where, what, printed, computed, f"{line.name}: jumlah {what} baris {names}")
            if f:
                yield replace(f, severity=Severity.MAJOR)


def _absorption_text(line: PrintedBudgetLine, a: Amounts) -> str:
    return f"{line.name}: {_show(a.realisation, 0)} / {_show(a.allocation, 0)} × 100"


def _deviation_text(line: PrintedBudgetLine, a: Amounts) -> str:
    return (
        f"{line.name}: ({_show(a.realisation, 0)} − {_show(a.allocation, 0)}) / "
        f"{_show(a.allocation, 0)} × 100; persentase tidak dapat dijumlahkan"
    )


def budget_percentage_rule(
    id: str, title: str, field: str, what: str, explanation: Callable[[PrintedBudgetLine, Amounts], str]
) -> Callable[[PrintedContext], Iterator[Finding]]:
    """Register the rule comparing a percentage printed on each budget line (``PrintedBudgetLine.<field>``)
    with the one computed from the line's amounts (``Amounts.<field>``)."""

    def check(ctx: PrintedContext) -> Iterator[Finding]:
        for line in ctx.report.budget:
            a = ctx.amounts(line)
            printed: Decimal | None = getattr(line, field)
            if a is None or printed is None:
                continue
            f = ctx.compare(line.where, what, printed, getattr(a, field), explanation(line, a))
            if f:
                yield f

    check.__name__ = f"printed_{field}"
    registered: Callable[[PrintedContext], Iterator[Finding]] = rule(id, Severity.MAJOR, title, "printed")(check)
    return registered


printed_absorption = budget_percentage_rule(
    "PR-ANG-02", "Persentase penyerapan = realisasi / pagu × 100", "absorption", "penyerapan %", _absorption_text
)
printed_deviation = budget_percentage_rule(
    "PR-ANG-03", "Persentase deviasi = (realisasi − pagu) / pagu × 100", "deviation", "deviasi %", _deviation_text
)


@rule("PR-ANG-04", Severity.MAJOR, "Porsi anggaran = pagu / pagu keseluruhan × 100", "printed")
def printed_share(ctx: PrintedContext) -> Iterator[Finding]:
    for line in ctx.report.budget:
        if line.share is None or line.share_of is None:
            continue
        whole_line = ctx.report.line(line.share_of)
        a = ctx.amounts(line)
        whole = ctx.amounts(whole_line) if whole_line else None
        if a is None or whole is None:
            continue
        f = ctx.compare(
            line.where,
            "porsi %",
            line.share,
            budget_rules.share(a.allocation, whole.allocation),
            f"{line.name}: {_show(a.allocation, 0)} / {_show(whole.allocation, 0)} × 100",
        )
        if f:
            yield f


def _printed_mismatch(
    ctx: PrintedContext, line: PrintedBudgetLine, what: str, mine: Decimal | None, theirs: Decimal | None, text: str
) -> Finding | None:
    """Two printed amounts that must be the same: a major finding where both are printed and differ."""
    if mine is None or theirs is None:
        return None
    ctx.checked += 1
    if mine == theirs:
        return None
    return Finding(line.where, what, mine, theirs, Severity.MAJOR, text)


@rule("PR-ANG-05", Severity.MAJOR, "Angka anggaran yang sama tercetak sama di setiap tempat", "printed")
def printed_same_amounts(ctx: PrintedContext) -> Iterator[Finding]:
    for line in ctx.report.budget:
        other = ctx.report.line(line.same_as) if line.same_as else None
        if other is None:
            continue
        for what, mine, theirs in (
            ("pagu", line.allocation, other.allocation),
            ("realisasi", line.realisation, other.realisation),
        ):
            text = f"{line.name}: {what} berbeda dari yang tercetak di {other.where}"
            if f := _printed_mismatch(ctx, line, what, mine, theirs, text):
                yield f


@rule("PR-ANG-06", Severity.MAJOR, "Pagu program sama dengan anggaran pada Perjanjian Kinerja", "printed")
def printed_allocation_vs_pk(ctx: PrintedContext) -> Iterator[Finding]:
    for line in ctx.report.budget:
        text = f"{line.name}: pagu berbeda dari anggaran program pada Perjanjian Kinerja"
        if f := _printed_mismatch(ctx, line, "pagu", line.allocation, line.pk_allocation, text):
            yield f


def _distributions(s: PrintedSurvey) -> dict[str, Decimal]:
    """Element scores from printed answer distributions (rows that can be scored)."""
    rows = {e.name: list(e.distribution) for e in s.elements if e.distribution is not None}
    if not rows:
        return {}
    instrument = survey_rules.custom_instrument(list(rows), s.grade_table, "tercetak")
    result = survey_rules.from_distributions(instrument, {k: v if sum(v) else None for k, v in rows.items()})
    return {e.name: e.score for e in result.elements}


@rule("PR-SKM-01", Severity.MAJOR, "Distribusi jawaban per unsur berjumlah 100 %", "printed")
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
                    "jumlah distribusi %",
                    total,
                    Decimal(100),
                    Severity.MAJOR if total == 0 else Severity.MINOR,
                    f"unsur {e.name}: proporsi jawaban berjumlah {_show(total)} %"
                    + (" — skor tercetak tidak mungkin berasal dari distribusi ini" if total == 0 else ""),
                )


@rule("PR-SKM-02", Severity.MAJOR, "Skor unsur = rata-rata bobot jawaban × 25", "printed")
def printed_element_scores(ctx: PrintedContext) -> Iterator[Finding]:
    for s in ctx.report.surveys:
        scored = _distributions(s)
        for e in s.elements:
            printed = _element_score(e.score, e.nrr)
            f = ctx.compare(
                f"{s.where} › {e.name}",
                "skor",
                printed,
                scored.get(e.name),
                f"unsur {e.name}: Σ(bobot × proporsi) / Σ proporsi × 25",
            )
            if f:
                yield f


@rule("PR-SKM-03", Severity.MAJOR, "Indeks (IKM) = rata-rata skor unsur", "printed")
def printed_survey_index(ctx: PrintedContext) -> Iterator[Finding]:
    for s in ctx.report.surveys:
        index = _survey_index(s)
        n = sum(1 for e in s.elements if _element_score(e.score, e.nrr) is not None)
        f = ctx.compare(s.where, "indeks (IKM)", s.index, index, f"rata-rata {n} skor unsur yang tercetak")
        if f:
            yield f


@rule("PR-SKM-04", Severity.MAJOR, "Mutu pelayanan sesuai tabel mutu yang berlaku", "printed")
def printed_survey_grade(ctx: PrintedContext) -> Iterator[Finding]:
    for s in ctx.report.surveys:
        index = _survey_index(s) or s.index
        if index is None:
            continue
        f = ctx.compare_category(
            s.where,
            s.grade,
            s.grade_table.scale.classify(index),
            f"indeks {_show(index)} pada tabel mutu {s.grade_table.value}",
        )
        if f:
            yield f


# ============================================================================ office-years


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
