"""The review of a report written elsewhere: its printed figures, recomputed (SPEC §8, part b).

`review_printed` runs every ``printed`` rule over `printed.PrintedReport`: every
printed figure that can be recomputed from the printed inputs is recomputed and
compared at the printed precision (`review.compare_number`): a printed 96,47 for
96,4651 is right. Given the office's data (``office=``), the figures of a
quarterly report are also compared with the office's figures as of TW N
(`quarter_figures.FiguresAsOf`, rules in `review_quarterly`); figures printed in
several places, category labels, zero allocations and NIPs are checked by
`review_consistency`.

Arithmetic lives where it always lives — achievements in `measurement`, sums and
percentages in `budget`, survey scores in `survey`, means in `aggregation` — the
rules only decide what to compare with what. One printed figure gives one finding:
when two rules flag the same place and figure, the more specific one is kept
(`PRECEDENCE`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import pairwise

from .aggregation import mean
from .budget import Amounts
from .errors import N_, DomainError
from .measurement import Achievement, Polarity, Status, achievement
from .numbers import format_count, round_half_up
from .office import Office
from .printed import (
    PrintedBudgetLine,
    PrintedIndicatorRow,
    PrintedReport,
    PrintedScale,
    PrintedSurvey,
    PrintedValue,
    grade,
    number,
)
from .quarter_figures import FiguresAsOf
from .review import (
    CAPAIAN,
    KATEGORI,
    REALISASI,
    TARGET,
    Finding,
    Severity,
    Text,
    agrees,
    compare_category,
    compare_number,
    printed_places,
    tx,
)
from .review_engine import PRINTED_RULES, ReviewResult, _show, rule
from .scales import AKIP_GRADES, Band, OrdinalScale
from .scorecard import Scorecard

DEFAULT_ABSORPTION_LAG = Decimal(20)


@dataclass(frozen=True)
class ReviewSettings:
    """The reviewer's settings for the printed review."""

    # a quarterly report's absorption this many points behind the share of the year elapsed
    # (25 % per quarter) is a plausibility warning: at TW II, below 30 %
    absorption_lag_points: Decimal = DEFAULT_ABSORPTION_LAG


def printed_value(value: PrintedValue) -> Decimal | str | None:
    """A printed number or grade; None for a dash or a blank."""
    n = number(value)
    return n if n is not None else grade(value)


@dataclass
class PrintedContext:
    report: PrintedReport
    checked: int = 0
    figures: FiguresAsOf | None = None  # the office's own figures, when its data are given
    settings: ReviewSettings = field(default_factory=ReviewSettings)
    _achievements: dict[str, Achievement | None] = field(default_factory=dict)

    def ordinal(self, row: PrintedIndicatorRow) -> OrdinalScale | None:
        if row.ordinal is not None:
            return row.ordinal
        return AKIP_GRADES if row.polarity is Polarity.QUALITATIVE else None

    def recompute(
        self, row: PrintedIndicatorRow, target: PrintedValue, realisation: PrintedValue
    ) -> Achievement | None:
        """The achievement of a printed target by a printed realisation (None when not computable)."""
        t, r = printed_value(target), printed_value(realisation)
        if t is None or r is None:
            return None
        try:
            return achievement(
                t,
                r,
                row.polarity,
                cap=self.report.cap,
                lower_formula=self.report.lower_formula,
                ordinal=self.ordinal(row),
            )
        except DomainError:
            return None

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
            self._achievements[row.where] = self.recompute(row, row.target, row.realisation)
        return self._achievements[row.where]

    def value_of(self, row: PrintedIndicatorRow) -> Decimal | None:
        """The row's achievement: recomputed where possible, else as printed."""
        a = self.achievement_of(row)
        if a is not None and a.status is Status.MEASURED:
            return a.value
        return number(row.achievement)

    def bands(self) -> tuple[Band, ...]:
        return self.report.scale.bands if self.report.scale else ()

    def classify(self, value: Decimal) -> list[str]:
        """Labels of the printed bands holding ``value`` as displayed (two decimals)."""
        shown = round_half_up(value, 2)
        return [b.label for b in self.bands() if b.contains(shown)]

    @property
    def through(self) -> int:
        """The last quarter the report covers: TW N of a quarterly report, TW IV of an annual one."""
        return self.report.quarter or 4

    def office_amounts(self, line: PrintedBudgetLine) -> Amounts | None:
        """The office's own amounts to date of a line that names its budget code."""
        if self.figures is None or line.code is None:
            return None
        return self.figures.budget_to_date(line.code, self.through)

    def amounts(self, line: PrintedBudgetLine) -> Amounts | None:
        """The line's amounts: the sum of its parts where it has any, else as printed.

        A total printed as the office's own amounts is taken as printed: a wrong part is then
        reported on the part's row, not as a wrong total or percentage.
        """
        office = self.office_amounts(line) if line.parts else None
        if office is not None and (line.allocation, line.realisation) == (office.allocation, office.realisation):
            return office
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


#: when two rules flag the same place and figure, the finding of the rule listed first is kept
#: (then registration order): the specific cause before the generic arithmetic, the arithmetic
#: on the printed figures before the comparison with the office's data
PRECEDENCE = ("PR-TW-03", "PR-NIP-01", "PR-TW-05", "PR-SKALA-02", "PR-ANG-07")
LAST = ("PR-SAMA-01", "PR-TW-02")


def _rank(rule_id: str) -> int:
    ids = [r.id for r in PRINTED_RULES]
    if rule_id in PRECEDENCE:
        return PRECEDENCE.index(rule_id)
    if rule_id in LAST:
        return len(PRECEDENCE) + len(ids) + LAST.index(rule_id)
    return len(PRECEDENCE) + (ids.index(rule_id) if rule_id in ids else len(ids))


def one_per_figure(findings: list[Finding]) -> list[Finding]:
    """One finding per place and figure (`PRECEDENCE`), in the order the rules found them."""
    best: dict[tuple[str, str], Finding] = {}
    for f in findings:
        key = (f.where, f.what)
        if key not in best or _rank(f.rule) < _rank(best[key].rule):
            best[key] = f
    return [f for f in findings if best[(f.where, f.what)] is f]


def review_printed(
    report: PrintedReport,
    *,
    office: Office | None = None,
    settings: ReviewSettings | None = None,
    card: Scorecard | None = None,
) -> ReviewResult:
    """Every printed figure of ``report`` that is wrong, and what it should be.

    With ``office`` (its data, e.g. the stored office), the rows and budget lines that name
    an indicator (``indicator``) or a budget code (``code``) are also compared with the
    office's figures as of the report's quarter. ``card`` may pass the office's scorecard
    of the report's year when the caller has it.
    """
    ctx = PrintedContext(report, settings=settings or ReviewSettings())
    findings: list[Finding] = []
    if office is not None:
        if report.year in office.years:
            ctx.figures = FiguresAsOf(office, report.year, card)
        else:
            findings.append(
                Finding(
                    tx(N_("Data %(office)s"), office=office.name),
                    tx(N_("data tahun")),
                    None,
                    str(report.year),
                    Severity.WARNING,
                    tx(
                        N_("data tahun %(year)s tidak ada; angka hanya dibandingkan dengan angka tercetak lainnya"),
                        year=report.year,
                    ),
                    "PR-TW-02",
                )
            )
    for r in PRINTED_RULES:
        findings.extend(r.run(ctx))
    kept = one_per_figure(findings)
    ctx.checked -= len(findings) - len(kept)  # a figure flagged by two rules was counted twice
    return ReviewResult(report.office, report.year, tuple(kept), ctx.checked, tuple(r.id for r in PRINTED_RULES))


def _scale_text(scale: PrintedScale) -> str:
    return "; ".join(b.describe() for b in scale.bands)


def scale_problems(bands: tuple[Band, ...]) -> list[Text]:
    """Every gap and overlap of a printed scale, in Indonesian (the scale as printed, lowest first)."""
    problems: list[Text] = []
    if not bands:
        return [tx(N_("skala tidak memuat satu pun rentang"))]
    ordered = sorted(bands, key=lambda b: (b.min is not None, b.min or Decimal(0)))
    if ordered[0].min is not None:
        problems.append(tx(N_("nilai di bawah %(value)s tidak masuk kategori mana pun"), value=_show(ordered[0].min)))
    if ordered[-1].max is not None:
        problems.append(tx(N_("nilai di atas %(value)s tidak masuk kategori mana pun"), value=_show(ordered[-1].max)))
    for lower, upper in pairwise(ordered):
        if lower.max is None or upper.min is None:
            problems.append(
                tx(N_("rentang %(lower)s dan %(upper)s tumpang tindih"), lower=lower.label, upper=upper.label)
            )
            continue
        if lower.max < upper.min:
            problems.append(
                tx(
                    N_("nilai antara %(low)s dan %(high)s tidak masuk kategori mana pun"),
                    low=_show(lower.max),
                    high=_show(upper.min),
                )
            )
        elif lower.max == upper.min and not lower.max_inclusive and not upper.min_inclusive:
            problems.append(tx(N_("nilai tepat %(value)s tidak masuk kategori mana pun"), value=_show(lower.max)))
        elif lower.max > upper.min or (lower.max_inclusive and upper.min_inclusive):
            problems.append(
                tx(
                    N_("rentang %(lower)s dan %(upper)s tumpang tindih pada %(value)s"),
                    lower=lower.label,
                    upper=upper.label,
                    value=_show(upper.min),
                )
            )
    return problems


@rule("PR-SKALA-01", Severity.MINOR, N_("Skala predikat tercetak tanpa celah dan tumpang tindih"), "printed")
def printed_scale_is_gap_free(ctx: PrintedContext) -> Iterator[Finding]:
    scale = ctx.report.scale
    if scale is None:
        return
    ctx.checked += 1
    problems = scale_problems(scale.bands)
    if problems:
        yield Finding(
            scale.where,
            tx(N_("skala predikat")),
            _scale_text(scale),
            tx(N_("skala tanpa celah dan tanpa tumpang tindih")),
            Severity.MINOR,
            tx(N_("skala tercetak tidak lengkap: %(problems)s"), problems=tuple(p.msg for p in problems)),
        )


@rule("PR-IND-01", Severity.MAJOR, N_("Capaian tercetak sesuai target, realisasi dan polaritas"), "printed")
def printed_achievement(ctx: PrintedContext) -> Iterator[Finding]:
    for row in ctx.report.indicators:
        a = ctx.achievement_of(row)
        printed = number(row.achievement)
        if a is None or a.status is not Status.MEASURED or printed is None:
            continue
        f = ctx.compare(
            row.where,
            CAPAIAN,
            printed,
            a.value,
            achievement_text(row.name, row.polarity, a.value, show_value(row.target), show_value(row.realisation)),
        )
        if f:
            yield f


def formula_text(polarity: Polarity) -> Text:
    if polarity is Polarity.LOWER_IS_BETTER:
        return tx(N_("(2 × target − realisasi) / target × 100"))
    if polarity is Polarity.QUALITATIVE:
        return tx(N_("peringkat realisasi / peringkat target × 100"))
    return tx(N_("realisasi / target × 100"))


def achievement_text(
    name: str | Text, polarity: Polarity, value: Decimal | None, target: str, realisation: str
) -> Text:
    """``<name>: capaian = <formula> = 84,50 (target 100, realisasi 84,5)``."""
    return tx(
        N_("%(name)s: capaian = %(formula)s = %(value)s (target %(target)s, realisasi %(realisation)s)"),
        name=name,
        formula=formula_text(polarity),
        value=_show(value),
        target=target,
        realisation=realisation,
    )


def show_value(value: PrintedValue) -> str:
    """A value in a message: a number in the Indonesian format at its precision (13; 93,05), a grade or "-"."""
    if isinstance(value, Decimal):
        return _show(value, min(printed_places(value), 6))
    return "—" if value is None else value


def _category_finding(ctx: PrintedContext, where: str, printed: str | None, value: Decimal | None) -> Finding | None:
    if printed is None or value is None or not ctx.bands():
        return None
    labels = ctx.classify(value)
    if not labels:
        ctx.checked += 1
        return Finding(
            where,
            KATEGORI,
            printed,
            tx(N_("tidak ada kategori")),
            Severity.WARNING,
            tx(N_("nilai %(value)s tidak masuk rentang mana pun pada skala tercetak"), value=_show(value)),
        )
    return ctx.compare_category(
        where, printed, labels[0], tx(N_("nilai %(value)s pada skala tercetak"), value=_show(value))
    )


@rule("PR-IND-02", Severity.MAJOR, N_("Kategori tercetak sesuai skala tercetak"), "printed")
def printed_category(ctx: PrintedContext) -> Iterator[Finding]:
    for row in ctx.report.indicators:
        f = _category_finding(ctx, row.where, row.category, ctx.value_of(row))
        if f:
            yield f


@rule("PR-IND-03", Severity.MAJOR, N_("Target pengukuran sama dengan target Perjanjian Kinerja"), "printed")
def printed_target_vs_pk(ctx: PrintedContext) -> Iterator[Finding]:
    for row in ctx.report.indicators:
        target, realisation = number(row.target), number(row.realisation)
        if target is None or row.pk_target is None:
            continue
        ctx.checked += 1
        if target == row.pk_target:
            continue
        note: Text | None = None
        if realisation is not None:
            try:
                a = achievement(
                    row.pk_target,
                    realisation,
                    row.polarity,
                    cap=ctx.report.cap,
                    lower_formula=ctx.report.lower_formula,
                )
                note = tx(
                    N_("%(name)s: target yang diukur berbeda dari target Perjanjian Kinerja; terhadap target PK "
                       "capaiannya %(value)s %%"),
                    name=row.name,
                    value=_show(a.value),
                )
            except DomainError:
                note = None
        yield Finding(
            row.where,
            TARGET,
            target,
            row.pk_target,
            Severity.MAJOR,
            note or tx(N_("%(name)s: target yang diukur berbeda dari target Perjanjian Kinerja"), name=row.name),
        )


@rule("PR-IND-04", Severity.WARNING, N_("Capaian indikator negatif dapat diverifikasi"), "printed")
def printed_lower_without_realisation(ctx: PrintedContext) -> Iterator[Finding]:
    for row in ctx.report.indicators:
        if (
            row.polarity is Polarity.LOWER_IS_BETTER
            and number(row.achievement) is not None
            and printed_value(row.realisation) is None
        ):
            yield Finding(
                row.where,
                REALISASI,
                None,
                tx(N_("realisasi dan rumus indikator negatif")),
                Severity.WARNING,
                tx(
                    N_("%(name)s: capaian %(value)s dicetak tanpa realisasi; untuk indikator yang makin kecil makin "
                       "baik cara menghitungnya tidak dapat diverifikasi"),
                    name=row.name,
                    value=show_value(row.achievement),
                ),
            )


def _survey_index(s: PrintedSurvey) -> Decimal | None:
    scores = [_element_score(e.score, e.nrr) for e in s.elements]
    known = [x for x in scores if x is not None]
    return mean(known) if known else None


def _element_score(score: Decimal | None, nrr: Decimal | None) -> Decimal | None:
    if score is not None:
        return score
    return nrr * 25 if nrr is not None else None


@rule("PR-IND-05", Severity.MAJOR, N_("Realisasi indikator survei sama dengan indeks hasil survei"), "printed")
def printed_realisation_vs_survey(ctx: PrintedContext) -> Iterator[Finding]:
    if not ctx.report.surveys:
        return
    index = _survey_index(ctx.report.surveys[0])
    for row in ctx.report.indicators:
        realisation = number(row.realisation)
        if not row.survey or realisation is None or index is None:
            continue
        ctx.checked += 1
        if not agrees(realisation, index):
            yield Finding(
                row.where,
                REALISASI,
                realisation,
                round_half_up(index, 2),
                Severity.MAJOR,
                tx(
                    N_("%(name)s: realisasi berbeda dari indeks yang dihitung dari nilai per unsur survei"),
                    name=row.name,
                ),
            )


def _members(ctx: PrintedContext, names: tuple[str, ...]) -> list[PrintedIndicatorRow]:
    return [r for n in names for r in ctx.report.indicators if n in (r.where, r.name)]


@rule("PR-GRP-01", Severity.MAJOR, N_("Capaian sasaran = rata-rata capaian indikatornya"), "printed")
def printed_group_mean(ctx: PrintedContext) -> Iterator[Finding]:
    for g in ctx.report.groups:
        values = [ctx.value_of(r) for r in _members(ctx, g.indicators)]
        if not values or any(v is None for v in values):
            continue
        f = ctx.compare(
            g.where,
            CAPAIAN,
            g.achievement,
            mean([v for v in values if v is not None]),
            tx(N_("%(name)s: rata-rata capaian %(n)s indikator"), name=g.name, n=format_count(len(values))),
        )
        if f:
            yield f


@rule("PR-GRP-02", Severity.MAJOR, N_("Kategori sasaran sesuai skala tercetak"), "printed")
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


# the rules of the budget table (and after them the survey's), for quarterly reports and for figures printed
# in several places register themselves here, in this order (the order of the rules is the order of their findings)
from . import review_budget, review_consistency, review_quarterly  # noqa: E402, F401
