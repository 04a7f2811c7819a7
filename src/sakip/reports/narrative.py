"""Generated narrative: every quantitative sentence is produced from the numbers.

The operator writes only qualitative analysis (causes, solutions); every figure in
a sentence is a `Run` with its exact ``value`` and the same display text as the
table cell that shows it (`num_text`, `pct_text`, `money_text` are used by the
builders for cells and by these sentences alike), so text and tables cannot
disagree. Missing data is said in words ("belum diukur"), never as 0.

Entry points used by the document builders:

* `num`, `pct`, `money`, `count` — number runs;
* `value_text` — a target / realisation for cells and sentences (whole numbers
  without decimals, others with two; qualitative values as text);
* `target_sentence`, `history_sentence`, `end_target_sentence`, `standard_sentence`,
  `explanation_paragraphs`, `efficiency_sentence`, `programs_sentence` — the seven
  analyses of an indicator in LKjIP Bab III;
* `objective_sentence`, `office_sentence`, `budget_sentence`.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from sakip.domain.aggregation import Aggregate
from sakip.domain.budget import Amounts, Efficiency, EfficiencyVerdict, low_absorption
from sakip.domain.measurement import Achievement, Range, Status, Target
from sakip.domain.numbers import format_number, round_half_up
from sakip.domain.scorecard import AggregateScore, IndicatorScore

from .model import Paragraph, ParagraphStyle, Run, para
from .scorecard import EFFICIENCY_TEXT

NOT_MEASURED = "belum diukur"
NUMBER_WORDS = (
    "nol",
    "satu",
    "dua",
    "tiga",
    "empat",
    "lima",
    "enam",
    "tujuh",
    "delapan",
    "sembilan",
    "sepuluh",
    "sebelas",
    "dua belas",
)


# --------------------------------------------------------------------------- display texts (cells and runs)


def places_for(value: Decimal) -> int:
    return 0 if value == value.to_integral_value() else 2


def num_text(value: Decimal, places: int | None = None) -> str:
    return format_number(value, places_for(value) if places is None else places)


def pct_text(value: Decimal) -> str:
    """An achievement or absorption, two decimals (``96,47``); the unit ``%`` is written beside it."""
    return format_number(value, 2)


def money_text(value: Decimal) -> str:
    return format_number(value, 2)


def value_text(value: Target | Decimal | str | None) -> str:
    """A target or realisation: whole numbers without decimals (``85``), others with two (``9,50``)."""
    if value is None:
        return NOT_MEASURED
    if isinstance(value, Range):
        return f"{num_text(value.low)} – {num_text(value.high)}"
    if isinstance(value, str):
        return value
    return num_text(value)


REASONS = (  # the domain's reasons for an undefined achievement, in the documents' language
    ("no target", "target belum ditetapkan"),
    ("target is 0", "target bernilai 0 sehingga rasio realisasi terhadap target tidak terdefinisi"),
    ("target is negative", "target bernilai negatif; gunakan metode nilai dasar (baseline)"),
    ("realisation is 0", "realisasi bernilai 0 sehingga rumus target / realisasi tidak terdefinisi"),
    ("target equals the baseline", "target sama dengan nilai dasar sehingga kemajuan tidak terdefinisi"),
)


def reason_text(reason: str | None) -> str:
    """Why an achievement is undefined, in Indonesian."""
    for prefix, text in REASONS:
        if reason and reason.startswith(prefix):
            return text
    return "target tidak memungkinkan perhitungan capaian"


def achievement_text(a: Achievement) -> str:
    if a.status is Status.NOT_MEASURED:
        return NOT_MEASURED
    if a.status is Status.NO_TARGET:
        return "target belum ditetapkan"
    if a.status is Status.UNDEFINED or a.value is None:
        return "tidak terdefinisi"
    return pct_text(a.value)


# --------------------------------------------------------------------------- runs


def num(value: Decimal, places: int | None = None) -> Run:
    return Run(num_text(value, places), value=value)


def pct(value: Decimal) -> Run:
    return Run(pct_text(value), value=value)


def money(value: Decimal) -> Run:
    return Run(money_text(value), value=value)


def count(n: int) -> Run:
    return Run(str(n), value=Decimal(n))


def count_words(n: int) -> list[str | Run]:
    """``4 (empat)``."""
    word = NUMBER_WORDS[n] if 0 <= n < len(NUMBER_WORDS) else None
    return [count(n), f" ({word})"] if word else [count(n)]


def value_run(value: Target | Decimal | str | None) -> Run:
    if isinstance(value, Decimal):
        return num(value)
    return Run(value_text(value))


UNITLESS = {"", "nilai", "indeks", "index", "predikat", "skor"}


def _unit(unit: str) -> str:
    """The unit after a number in a sentence; index-like units are left out (``sebesar 80``)."""
    u = unit.strip()
    if u == "%":
        return " %"
    return "" if u.lower() in UNITLESS else f" {u}"


# --------------------------------------------------------------------------- the seven analyses


def target_sentence(s: IndicatorScore, year: int) -> Paragraph:
    ind = s.indicator
    u = _unit(ind.unit)
    if s.target is None:
        return para(
            f"Indikator {ind.name} belum memiliki target untuk tahun {year}, sehingga capaiannya belum dapat dihitung."
        )
    if s.realisation is None:
        return para(
            f"Indikator {ind.name} pada tahun {year} ditargetkan sebesar ",
            value_run(s.target),
            u,
            f"; realisasinya {NOT_MEASURED}, sehingga capaiannya belum dapat dihitung.",
        )
    a = s.achievement
    if a.value is None:
        return para(
            f"Indikator {ind.name} pada tahun {year} ditargetkan sebesar ",
            value_run(s.target),
            u,
            " dan terealisasi sebesar ",
            value_run(s.realisation),
            u,
            f"; capaiannya tidak terdefinisi ({reason_text(a.reason)}).",
        )
    parts: list[str | Run] = [
        f"Indikator {ind.name} pada tahun {year} ditargetkan sebesar ",
        value_run(s.target),
        u,
        " dan terealisasi sebesar ",
        value_run(s.realisation),
        u,
        ", sehingga capaian kinerjanya sebesar ",
        pct(a.value),
        " %",
    ]
    if s.category:
        parts += [" (", Run(s.category, bold=True), ")"]
    parts.append(". Target " + ("tercapai." if a.met else "belum tercapai.") if a.met is not None else ".")
    if a.capped and a.raw is not None:
        parts += [" Capaian sebelum dibatasi sebesar ", pct(a.raw), " %."]
    return para(*parts)


def history_sentence(s: IndicatorScore, year: int) -> Paragraph:
    ind = s.indicator
    u = _unit(ind.unit)
    if not s.history:
        return para(
            "Data realisasi tahun-tahun sebelumnya untuk indikator ini belum tersedia, sehingga "
            "perbandingan antartahun belum dapat dilakukan."
        )
    parts: list[str | Run] = ["Realisasi tahun-tahun sebelumnya: "]
    for i, p in enumerate(s.history):
        if i:
            parts.append("; ")
        parts += [f"tahun {p.year} sebesar ", value_run(p.realisation), u]
        if p.achievement is not None:
            parts += [" (capaian ", pct(p.achievement), " %)"]
    parts.append(".")
    c = s.change
    if c is not None and c.realisation_change is not None:
        delta = c.realisation_change
        if delta == 0:
            parts.append(f" Realisasi tahun {year} sama dengan tahun {c.from_year}.")
        else:
            word = "naik" if delta > 0 else "turun"
            parts += [
                f" Dibandingkan tahun {c.from_year}, realisasi tahun {year} {word} ",
                num(abs(delta)),
                " poin" if ind.unit.strip() == "%" else u,
            ]
            if c.achievement_change is not None:
                aw = "naik" if c.achievement_change > 0 else "turun" if c.achievement_change < 0 else "tetap"
                if c.achievement_change != 0:
                    parts += [f" dan capaiannya {aw} ", pct(abs(c.achievement_change)), " poin"]
                else:
                    parts.append(" dan capaiannya tetap")
            parts.append("; kinerja " + ("membaik." if c.improved else "menurun."))
    elif isinstance(s.realisation, Decimal) is False:
        parts.append(f" Realisasi tahun {year} {NOT_MEASURED}.")
    return para(*parts)


def end_target_sentence(s: IndicatorScore, plan_end: int) -> Paragraph:
    ind = s.indicator
    u = _unit(ind.unit)
    if ind.end_target is None:
        return para(f"Target akhir periode Renstra ({plan_end}) untuk indikator ini belum ditetapkan.")
    if s.end_target_progress is None or s.end_target_progress.value is None:
        return para(
            f"Target akhir periode Renstra tahun {plan_end} sebesar ",
            value_run(ind.end_target),
            u,
            f"; kemajuan terhadap target akhir belum dapat dihitung karena realisasi {NOT_MEASURED}.",
        )
    return para(
        f"Terhadap target akhir periode Renstra tahun {plan_end} sebesar ",
        value_run(ind.end_target),
        u,
        ", realisasi tahun ini telah mencapai ",
        pct(s.end_target_progress.value),
        " %.",
    )


def standard_sentence(s: IndicatorScore) -> Paragraph:
    ind = s.indicator
    u = _unit(ind.unit)
    if ind.national_standard is None:
        return para(
            "Standar nasional untuk indikator ini tidak tersedia, sehingga perbandingan dengan "
            "standar nasional tidak dilakukan."
        )
    if s.standard is None:
        return para(
            "Standar nasional indikator ini sebesar ",
            num(ind.national_standard),
            u,
            f"; realisasi {NOT_MEASURED}, sehingga belum dapat dibandingkan.",
        )
    diff = s.standard.difference
    rel = "sama dengan" if diff == 0 else ("lebih tinggi " if diff > 0 else "lebih rendah ")
    parts: list[str | Run] = ["Dibandingkan standar nasional sebesar ", num(s.standard.standard), u, ", realisasi "]
    if diff == 0:
        parts.append("sama dengan standar")
    else:
        parts += [rel, num(abs(diff)), u, " dari standar"]
    parts.append(
        " dan " + ("telah memenuhi standar nasional." if s.standard.meets else "belum memenuhi standar nasional.")
    )
    return para(*parts)


def explanation_paragraphs(s: IndicatorScore) -> list[Paragraph]:
    """The year's explanation of the indicator as the operator wrote it (empty when none: the LKjIP then uses
    the quarters' explanations or leaves the analysis out, never a placeholder)."""
    if s.explanation and s.explanation.strip():
        return [
            para(chunk.strip(), style=ParagraphStyle.OPERATOR) for chunk in s.explanation.split("\n\n") if chunk.strip()
        ]
    return []


def efficiency_sentence(objective_text: str, eff: Efficiency | None, amounts: Amounts | None) -> Paragraph:
    if eff is None or amounts is None:
        return para(
            "Efisiensi penggunaan sumber daya belum dapat dihitung karena anggaran program yang mendukung "
            "sasaran ini belum tercatat."
        )
    parts: list[str | Run] = [f"Sasaran {objective_text} didukung anggaran sebesar Rp ", money(amounts.allocation)]
    if amounts.realisation is not None:
        parts += [" dengan realisasi Rp ", money(amounts.realisation)]
    if eff.absorption is not None:
        parts += [" (penyerapan ", pct(eff.absorption), " %)"]
    if eff.achievement is not None:
        parts += [" untuk capaian sasaran ", pct(eff.achievement), " %"]
    if eff.ratio is not None:
        parts += [", rasio capaian terhadap penyerapan ", num(eff.ratio, 2)]
    parts.append(f": {EFFICIENCY_TEXT[eff.verdict]}.")
    if (
        eff.verdict in (EfficiencyVerdict.EFFICIENT, EfficiencyVerdict.ON_PLAN)
        and eff.absorption is not None
        and low_absorption(eff.absorption)
    ):  # efficient only because the office explained the low absorption: say where
        parts.append(
            " Penyerapan anggaran yang rendah dijelaskan pada catatan pelaksanaan anggaran (Bab III bagian B)."
        )
    return para(*parts)


def target_basis_paragraph(s: IndicatorScore) -> Paragraph | None:
    """Which target the achievement is measured against and why, when it is not the PK's: the document's words
    for `one_figure.TargetBasis.note` (the page's and the API's), with the numbers as runs."""
    b = s.target_basis
    if b is None or b.note() is None:
        return None
    u = _unit(s.indicator.unit)
    return para(
        "Capaian diukur terhadap target ", value_run(b.used), u,
        ", yaitu target yang diisi bersama realisasi tahun ini, bukan target Perjanjian Kinerja ",
        value_run(b.pk), u,
        ": target yang diisi bersama realisasi menggantikan target PK. Bila target PK yang berlaku, hapus target "
        "pada data realisasi atau tetapkan PK Perubahan.",
    )


def survey_paragraph(s: IndicatorScore) -> Paragraph | None:
    """The linked survey's index proposed in place of a different entered realisation, with the difference
    (`one_figure.SurveyLink.note` in the document's runs)."""
    link = s.survey
    if link is None or link.status != "differs" or link.difference is None:
        return None
    d = link.difference
    return para(
        "Indeks hasil survei ", pct(link.index), " berbeda dari realisasi ", s.indicator.name, " yang diisi (",
        value_run(link.entered), "): indeks survei ", "lebih rendah " if d < 0 else "lebih tinggi ", pct(abs(d)),
        ". Capaian dihitung dari realisasi yang diisi; indeks survei diusulkan sebagai realisasi. Periksa dan "
        "samakan salah satunya.",
    )


def programs_sentence(programs: Sequence[tuple[str, str, Amounts | None]]) -> Paragraph:
    """``programs``: (code, name, amounts or None) of the programs supporting the indicator."""
    if not programs:
        return para("Program/kegiatan pendukung indikator ini belum dihubungkan dengan sasarannya.")
    parts: list[str | Run] = ["Program yang mendukung pencapaian indikator ini: "]
    for i, (_code, name, a) in enumerate(programs):
        if i:
            parts.append("; ")
        parts.append(f"{name}")
        if a is not None:
            parts += [" (pagu Rp ", money(a.allocation)]
            if a.realisation is not None:
                parts += [", realisasi Rp ", money(a.realisation)]
                if a.absorption is not None:
                    parts += [", penyerapan ", pct(a.absorption), " %"]
            parts.append(")")
    parts.append(".")
    return para(*parts)


# --------------------------------------------------------------------------- summaries


def objective_sentence(o: AggregateScore) -> Paragraph:
    agg = o.aggregate
    if agg.value is None and agg.undefined:  # realised, but without a target (or undefined): not "belum diukur"
        return para(f"Capaian sasaran {o.text} belum dapat dihitung", *_not_counted(agg), ".")
    if agg.value is None:
        return para(f"Capaian sasaran {o.text} {NOT_MEASURED}: tidak ada indikator yang sudah diukur.")
    parts: list[str | Run] = [f"Rata-rata capaian sasaran {o.text} sebesar ", pct(agg.value), " %"]
    if o.category:
        parts += [" dengan kategori ", Run(o.category, bold=True)]
    parts += [", dihitung dari ", *count_words(agg.measured), " indikator yang diukur"]
    parts += _not_counted(agg)
    parts.append(".")
    return para(*parts)


def _not_counted(agg: Aggregate) -> list[str | Run]:
    """The indicators left out of a mean, each said for what it is: not measured, no target, undefined."""
    parts: list[str | Run] = []
    if agg.not_measured:
        parts += ["; ", *count_words(agg.not_measured), f" indikator {NOT_MEASURED}"]
    if agg.no_target:
        parts += ["; ", *count_words(agg.no_target), " indikator targetnya belum ditetapkan"]
    if agg.undefined - agg.no_target:
        parts += ["; ", *count_words(agg.undefined - agg.no_target), " indikator capaiannya tidak terdefinisi"]
    return parts


def office_sentence(office_name: str, year: int, o: AggregateScore) -> Paragraph:
    agg = o.aggregate
    if agg.value is None and agg.undefined:
        return para(f"Capaian kinerja {office_name} tahun {year} belum dapat dihitung", *_not_counted(agg), ".")
    if agg.value is None:
        return para(f"Capaian kinerja {office_name} tahun {year} {NOT_MEASURED}.")
    parts: list[str | Run] = [
        f"Secara keseluruhan, rata-rata capaian kinerja {office_name} tahun {year} atas ",
        *count_words(agg.measured),
        " indikator yang diukur sebesar ",
        pct(agg.value),
        " %",
    ]
    if o.category:
        parts += [" dengan kategori ", Run(o.category, bold=True)]
    parts += _not_counted(agg)
    parts.append(".")
    return para(*parts)


def budget_sentence(year: int, total: Amounts | None) -> Paragraph:
    if total is None:
        return para(f"Data anggaran tahun {year} belum tersedia.")
    parts: list[str | Run] = [f"Pada tahun anggaran {year} pagu anggaran sebesar Rp ", money(total.allocation)]
    if total.realisation is None:
        parts.append(f"; realisasinya {NOT_MEASURED}.")
        return para(*parts)
    parts += [" terealisasi sebesar Rp ", money(total.realisation)]
    if total.absorption is not None:
        parts += [" atau ", pct(total.absorption), " %"]
    if total.remaining is not None:
        parts += [", dengan sisa anggaran Rp ", money(total.remaining)]
    parts.append(".")
    return para(*parts)


def rounded_equal(a: Decimal, b: Decimal, places: int = 2) -> bool:
    return round_half_up(a, places) == round_half_up(b, places)


# --------------------------------------------------------------------------- the quarter (Laporan Triwulan)


def quarter_sentence(s: IndicatorScore, tw: str) -> Paragraph:
    """One indicator as of TW ``tw`` ("II"), from the scorecard as of that quarter: target, realisation and
    achievement to date with the predicate; *belum diukur* and *target belum ditetapkan* said apart, never 0."""
    ind = s.indicator
    u = _unit(ind.unit)
    when = f"s.d. triwulan {tw}"
    a = s.achievement
    if s.realisation is None:
        parts: list[str | Run] = [f"{ind.name}: realisasi {when} {NOT_MEASURED}"]
        if s.target is None:
            parts.append(f" dan target {when} belum ditetapkan")
        else:
            parts += [f" (target {when} ", value_run(s.target), u, ")"]
        parts.append("; capaian belum dapat dihitung.")
        return para(*parts)
    if s.target is None:
        return para(
            f"{ind.name}: realisasi {when} sebesar ", value_run(s.realisation), u,
            f", tetapi target {when} belum ditetapkan, sehingga capaian belum dapat dihitung.",
        )
    if a.value is None:
        return para(
            f"{ind.name}: target {when} ", value_run(s.target), u, ", realisasi ", value_run(s.realisation), u,
            f"; capaian tidak terdefinisi ({reason_text(a.reason)}).",
        )
    parts = [
        f"{ind.name}: target {when} ", value_run(s.target), u, ", realisasi ", value_run(s.realisation), u,
        ", capaian ", pct(a.value), " %",
    ]
    if s.category:
        parts += [" (", Run(s.category, bold=True), ")"]
    if a.met is not None:
        parts.append(f"; target {when} " + ("tercapai." if a.met else "belum tercapai."))
    else:
        parts.append(".")
    return para(*parts)


NO_QUARTER_EXPLANATION = (
    "Penjelasan triwulan ini (penyebab dan upaya/solusi) belum diisi oleh operator perangkat daerah."
)


def quarter_explanation_paragraphs(s: IndicatorScore) -> list[Paragraph]:
    """The operator's explanation of the quarter (the scorecard as of TW N carries only that quarter's own
    text), or a neutral placeholder — never another quarter's text."""
    if s.explanation and s.explanation.strip():
        return [
            para(chunk.strip(), style=ParagraphStyle.OPERATOR) for chunk in s.explanation.split("\n\n") if chunk.strip()
        ]
    return [para(NO_QUARTER_EXPLANATION, style=ParagraphStyle.PLACEHOLDER)]
