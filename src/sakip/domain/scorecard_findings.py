"""The findings of a year scorecard: printed figures against the computed ones (SPEC §8).

Called by `scorecard.build_scorecard` for the year; the figures as of a quarter carry no
printed figures of their own (a printed quarterly report is reviewed by `review_rules`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from .aggregation import mean
from .errors import N_
from .measurement import Polarity, Range, Target
from .numbers import format_number
from .office import YearData
from .review import CAPAIAN, Finding, Severity, Text, agrees, compare_category, compare_number, tx
from .scales import PredicateScale

if TYPE_CHECKING:
    from .scorecard import AggregateScore, IndicatorScore, SurveyScore


def survey_findings(s: SurveyScore, findings: list[Finding], year: int) -> None:
    where = tx(N_("SKM %(year)s"), year=year)
    r = s.result
    f = compare_number(
        where, tx(N_("indeks (IKM)")), s.data.printed_index, r.index, tx(N_("dihitung dari data per unsur"))
    )
    if f:
        findings.append(f)
    f2 = compare_category(
        where, s.data.printed_grade, r.grade, tx(N_("tabel mutu %(table)s"), table=r.instrument.grade_table.value)
    )
    if f2:
        findings.append(f2)
    by_name = {e.name: e for e in r.elements}
    for name, printed in s.data.printed_elements.items():
        e = by_name.get(name)
        element = tx(N_("%(survey)s unsur %(element)s"), survey=where, element=repr(name))
        if e is None:
            findings.append(
                Finding(element, tx(N_("skor")), printed, None, Severity.WARNING,
                        tx(N_("skor tercetak tanpa data yang dapat dihitung")))
            )
            continue
        f3 = compare_number(element, tx(N_("skor")), printed, e.score)
        if f3:
            findings.append(f3)
    if s.data.printed_elements:
        printed_mean = mean(list(s.data.printed_elements.values()))
        f4 = compare_number(where, tx(N_("rerata skor tercetak")), s.data.printed_index, printed_mean,
                            tx(N_("rata-rata skor unsur yang tercetak")))
        if f4:
            findings.append(f4)


def indicator_findings(
    s: IndicatorScore, scale: PredicateScale, survey: SurveyScore | None, yd: YearData | None, findings: list[Finding]
) -> None:
    m = yd.measurements.get(s.indicator.id) if yd else None
    printed = m.printed if m else None
    where = f"{s.indicator.id} {s.indicator.name}"
    if printed is not None:
        if printed.where:
            where += f" ({printed.where})"
        if s.achievement.value is not None:
            f = compare_number(where, CAPAIAN, printed.achievement, s.achievement.value,
                               _formula_text(s), major_if_different=False)
            if f:
                findings.append(f)
            f2 = compare_category(where, printed.category, s.category, tx(N_("skala %(scale)s"), scale=scale.code))
            if f2:
                findings.append(f2)
        elif printed.achievement is not None and printed.category is not None:
            # no realisation printed: at least the category must follow the printed achievement
            expected = scale.classify(printed.achievement)
            f3 = compare_category(
                where, printed.category, expected,
                tx(
                    N_("capaian tercetak %(value)s termasuk kategori %(category)s pada skala %(scale)s; realisasi "
                       "tidak tercetak sehingga capaian tidak dapat dihitung ulang"),
                    value=format_number(printed.achievement), category=expected, scale=scale.code,
                ),
            )
            if f3:
                findings.append(f3)
    if (
        survey is not None
        and survey.data.indicator_id == s.indicator.id
        and s.realisation_source != "survey"
        and isinstance(s.realisation, Decimal)
        and not agrees(s.realisation, survey.result.index)
    ):
        findings.append(
            Finding(where, tx(N_("realisasi vs hasil survei")), s.realisation,
                    survey.result.index.quantize(Decimal("0.01")), Severity.MAJOR,
                    tx(N_("realisasi yang dilaporkan berbeda dari indeks hasil perhitungan SKM")))
        )
    pk = yd.agreement if yd else None
    if pk is not None and s.indicator.id in pk.targets and s.target_source == "measurement":
        pk_t = pk.targets[s.indicator.id]
        if pk_t != s.target:
            findings.append(
                Finding(where, tx(N_("target PK vs target pengukuran")), _show(pk_t), _show(s.target), Severity.MAJOR,
                        tx(N_("target yang diukur berbeda dari target Perjanjian Kinerja")))
            )


def _show(t: Target | None) -> Decimal | str | None:
    if isinstance(t, Range):
        return f"{t.low}–{t.high}"
    return t


def _formula_text(s: IndicatorScore) -> Text | str:
    p = s.indicator.polarity
    if p is Polarity.LOWER_IS_BETTER:
        return tx(N_("capaian = (2 × target − realisasi) / target × 100"))
    if p is Polarity.HIGHER_IS_BETTER:
        return tx(N_("capaian = realisasi / target × 100"))
    return ""


def objective_findings(
    objectives: tuple[AggregateScore, ...],
    scores: list[IndicatorScore],
    yd: YearData,
    scale: PredicateScale,
    findings: list[Finding],
) -> None:
    for o in objectives:
        printed = yd.objectives_printed.get(o.id)
        if printed is None:
            continue
        where = (
            tx(N_("Sasaran %(id)s (%(where)s)"), id=o.id, where=printed.where)
            if printed.where
            else tx(N_("Sasaran %(id)s"), id=o.id)
        )
        value = o.aggregate.value
        note = tx(N_("rata-rata capaian indikator"))
        if value is None or o.aggregate.not_measured:
            # realisations not printed: check against the mean of the printed achievements
            printed_values = []
            for s in scores:
                if s.level == "objective" and s.parent_id == o.id:
                    m = yd.measurements.get(s.indicator.id)
                    if m and m.printed and m.printed.achievement is not None:
                        printed_values.append(m.printed.achievement)
            value = mean(printed_values) if printed_values else None
            note = tx(N_("rata-rata capaian indikator yang tercetak"))
        f = compare_number(where, tx(N_("capaian sasaran %")), printed.achievement, value, note)
        if f:
            findings.append(f)
        basis = printed.achievement if printed.achievement is not None else value
        if basis is not None:
            note = tx(N_("%(value)s pada skala %(scale)s"), value=format_number(basis), scale=scale.code)
            f2 = compare_category(where, printed.category, scale.classify(basis), note)
            if f2:
                findings.append(f2)


def pk_findings(yd: YearData, findings: list[Finding]) -> None:
    for pk in yd.agreements:
        if pk.printed_total is not None and pk.programs:
            computed = sum((p.allocation for p in pk.programs), Decimal(0))
            f = compare_number(
                tx(N_("PK %(year)s (%(kind)s)"), year=yd.year, kind=pk.kind),
                tx(N_("jumlah anggaran program")),
                pk.printed_total,
                computed,
            )
            if f:
                findings.append(f)
