"""The tables of the Laporan Kinerja Triwulan (Bab III): every figure from the scorecard as of TW N.

* `recap_table` — per indicator the target, realisation and achievement to date of TW N, the
  predicate, and the *kondisi akhir* (the year's target; the realisation to date against it);
* `indicator_table` — one indicator's TW I … TW IV to date and its kondisi akhir (quarters after
  TW N: the target to date of the Rencana Aksi, nothing realised yet: "-");
* `formula_table` — how each indicator's achievement is computed (formula, polarity, rollup of
  the quarters, quarter targets cumulative or per quarter);
* `budget_table` — the budget to date linked objective → indicator → program → activity → sub
  activity, the lines that serve no objective (supporting programs, personnel spending) and the
  budget outside the itemised lines, adding up to the total.

`FiguresAsOf` (`sakip.domain.quarter_figures`) gives what the scorecard as of TW N has no field for:
the targets to date of the quarters after TW N and the kondisi akhir before TW IV — the figures
the review of a printed quarterly report checks against.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from sakip.domain import budget as budget_rules
from sakip.domain.budget import Amounts, BudgetLine
from sakip.domain.measurement import Achievement, Method, Polarity
from sakip.domain.office import Indicator, Office
from sakip.domain.periods import Rollup
from sakip.domain.quarter_figures import Figure as PeriodFigure
from sakip.domain.quarter_figures import FiguresAsOf
from sakip.domain.scorecard import BudgetScore, IndicatorScore, Scorecard

from .. import narrative as nv
from ..model import Align, Cell, Table
from . import common as cm

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
NOT_YET = "-"  # a quarter after TW N: not reported yet (never 0, never "belum diukur")
TARGET_NOT_SET = "belum ditetapkan"


def _target_cell(value: object) -> Cell:
    return cm.v(value) if value is not None else Cell(TARGET_NOT_SET, align=Align.CENTER)  # type: ignore[arg-type]


def _achievement_cell(a: Achievement) -> Cell:
    return cm.p(a.value, missing=nv.achievement_text(a))


def year_end(sc: Scorecard, figs: FiguresAsOf, s: IndicatorScore) -> tuple[PeriodFigure, str | None]:
    """The kondisi akhir as of TW N and its predicate: the year's figures in TW IV (the scorecard's own),
    before it the realisation to date against the year's target (`FiguresAsOf.year_end`)."""
    if sc.as_of == 4:
        return PeriodFigure(s.target, s.realisation, s.achievement), s.category
    f = figs.year_end(s.indicator.id, sc.as_of)
    band = sc.scale.band_for(f.achievement.value) if f.achievement.value is not None else None
    return f, band.label if band else None


# --------------------------------------------------------------------------- achievements


def recap_table(sc: Scorecard, figs: FiguresAsOf) -> Table:
    tw = ROMAN[sc.as_of]
    rows: list[list[Cell]] = []
    current = None
    no = 0
    for s in cm.shown_indicators(sc):  # an indicator of a goal and its objective: one row
        group = cm.objective_of(sc.office, s)
        if group != current:
            current = group
            rows.append([cm.t(group, bold=True, span=9, shade=cm.TOTAL_SHADE)])
        no += 1  # noqa: SIM113 - group rows are not numbered
        end, _ = year_end(sc, figs, s)
        rows.append(
            [
                cm.c(str(no)),
                cm.t(cm.indicator_label(sc, s)),
                cm.c(s.indicator.unit),
                _target_cell(s.target),
                cm.v(s.realisation),
                _achievement_cell(s.achievement),
                cm.c(s.category or "-"),
                _target_cell(end.target),
                _achievement_cell(end.achievement),
            ]
        )
    return Table(
        f"Capaian Kinerja s.d. Triwulan {tw} Tahun {sc.year}",
        [
            [
                cm.h("No"),
                cm.h("Indikator Kinerja"),
                cm.h("Satuan"),
                cm.h(f"s.d. Triwulan {tw}", span=4),
                cm.h("Kondisi akhir", span=2),
            ],
            [
                cm.h(""),
                cm.h(""),
                cm.h(""),
                cm.h("Target"),
                cm.h("Realisasi"),
                cm.h("Capaian (%)"),
                cm.h("Kategori"),
                cm.h(f"Target {sc.year}"),
                cm.h("Capaian (%)"),
            ],
        ],
        rows,
        widths=(0.9, 7.2, 1.7, 1.9, 1.9, 2.1, 2.2, 1.9, 2.1),
        small=True,
        source=(
            f"Angka s.d. triwulan {tw}: target dan realisasi sampai dengan akhir triwulan {tw}. Kondisi akhir: "
            + (
                "realisasi tahun terhadap target tahun."
                if sc.as_of == 4
                else "realisasi s.d. triwulan terhadap target tahun."
            )
            + ' "belum diukur": realisasi belum diisi; "belum ditetapkan": target triwulan belum ditetapkan '
            "(keduanya bukan 0)."
        ),
    )


def indicator_table(sc: Scorecard, figs: FiguresAsOf, s: IndicatorScore) -> Table:
    """TW I … TW IV to date and the kondisi akhir of one indicator."""
    n = sc.as_of
    by_q = {q.quarter: q for q in s.quarters}
    rows: list[list[Cell]] = []
    for q in (1, 2, 3, 4):
        label = cm.t(f"Triwulan {ROMAN[q]}", bold=q == n)
        if q > n:
            rows.append(
                [
                    label,
                    _target_cell(figs.target_to_date(s.indicator.id, q)),
                    cm.c(NOT_YET),
                    cm.c(NOT_YET),
                    cm.c(NOT_YET),
                ]
            )
            continue
        qs = by_q.get(q)
        if qs is None:  # no quarterly data at all (an annual-only indicator)
            rows.append([label, cm.c(TARGET_NOT_SET), cm.c(nv.NOT_MEASURED), cm.c(nv.NOT_MEASURED), cm.c("-")])
            continue
        rows.append(
            [
                label,
                _target_cell(qs.target_to_date),
                cm.v(qs.to_date),
                _achievement_cell(qs.achievement),
                cm.c(qs.category or "-"),
            ]
        )
    end, category = year_end(sc, figs, s)
    rows.append(
        [
            cm.t("Kondisi akhir", bold=True, shade=cm.TOTAL_SHADE),
            _target_cell(end.target),
            cm.v(end.realisation),
            _achievement_cell(end.achievement),
            cm.c(category or "-"),
        ]
    )
    unit = f" ({s.indicator.unit})" if s.indicator.unit else ""
    return Table(
        f"{s.indicator.name}: Target, Realisasi dan Capaian s.d. Triwulan",
        [[cm.h("Periode"), cm.h(f"Target{unit}"), cm.h(f"Realisasi{unit}"), cm.h("Capaian (%)"), cm.h("Kategori")]],
        rows,
        widths=(3.2, 2.8, 2.8, 2.6, 2.8),
        small=True,
        source=f'"{NOT_YET}": triwulan sesudah triwulan {ROMAN[n]} belum dilaporkan.' if n < 4 else None,
    )


# --------------------------------------------------------------------------- how achievements are computed


POLARITY = {
    Polarity.HIGHER_IS_BETTER: "makin tinggi makin baik",
    Polarity.LOWER_IS_BETTER: "makin rendah makin baik",
    Polarity.IN_RANGE: "dalam rentang",
    Polarity.QUALITATIVE: "kualitatif (predikat)",
}
ROLLUP = {
    Rollup.SUM: "jumlah triwulan",
    Rollup.LAST: "nilai triwulan terakhir",
    Rollup.AVERAGE: "rata-rata triwulan",
    Rollup.MAX: "nilai tertinggi",
    Rollup.MIN: "nilai terendah",
}


def achievement_formula(office: Office, ind: Indicator) -> str:
    """How the indicator's achievement is computed, in words (the rule is `domain.measurement.achievement`)."""
    if ind.polarity is Polarity.QUALITATIVE:
        scale = f" skala {ind.ordinal.code}" if ind.ordinal is not None and hasattr(ind.ordinal, "code") else ""
        return f"peringkat predikat realisasi / peringkat predikat target × 100 (urutan predikat{scale})"
    if ind.polarity is Polarity.IN_RANGE:
        return "100 bila realisasi dalam rentang target; di luar rentang dihitung terhadap batas terdekat"
    if ind.method is Method.BASELINE:
        return "(realisasi − nilai dasar) / (target − nilai dasar) × 100"
    if ind.polarity is Polarity.LOWER_IS_BETTER:
        return cm.lower_formula_text(office)
    return "realisasi / target × 100"


def formula_table(sc: Scorecard) -> Table:
    office = sc.office
    rows: list[list[Cell]] = []
    seen: set[str] = set()
    measurements = office.years[sc.year].measurements if sc.year in office.years else {}
    for s in cm.shown_indicators(sc):
        ind = s.indicator
        if ind.id in seen:
            continue
        seen.add(ind.id)
        definition = ind.definition or (f"{ind.formula.expression}" if ind.formula else "nilai yang diukur langsung")
        if ind.formula is not None:
            inputs = "; ".join(
                f"{ind.input_labels.get(name, name)}: {ROLLUP[ind.input_rollups.get(name, ind.rollup)]}"
                for name in ind.formula.inputs
            )
            rollup = f"input dijumlah/direkap lebih dulu ({inputs}), lalu rumus"
        else:
            rollup = ROLLUP[ind.rollup]
        m = measurements.get(ind.id)
        targets = "kumulatif" if m is not None and m.cumulative_targets else "per triwulan, direkap seperti realisasi"
        rows.append(
            [
                cm.c(str(len(rows) + 1)),
                cm.t(f"{ind.name} ({ind.unit})" if ind.unit else ind.name),
                cm.t(definition),
                cm.t(POLARITY[ind.polarity]),
                cm.t(rollup),
                cm.t(targets),
                cm.t(achievement_formula(office, ind)),
            ]
        )
    return Table(
        "Formulasi Indikator dan Perhitungan Capaian",
        [
            [
                cm.h("No"),
                cm.h("Indikator"),
                cm.h("Formulasi / definisi"),
                cm.h("Polaritas"),
                cm.h("Realisasi s.d. triwulan"),
                cm.h("Target triwulan"),
                cm.h("Rumus capaian"),
            ]
        ],
        rows,
        widths=(0.8, 4.6, 4.4, 2.3, 3.6, 2.4, 4.3),
        small=True,
        source=f"Capaian {cm.cap_text(office)}; kategori menurut skala {sc.scale.code}.",
    )


# --------------------------------------------------------------------------- budget to date


def _line_keys(tops: Sequence[BudgetLine]) -> dict[int, set[str]]:
    """For each line (by identity) the objectives its leaves count for (`budget.attributions`: the lowest
    attached level decides; a split line counts for each of its objectives; `SEVERAL`, `UNATTACHED`)."""
    keys: dict[int, set[str]] = {}
    for att in budget_rules.attributions(tops):
        keys[id(att.line)] = {att.key} if att.key is not None else {o for o, _ in att.shares}

    def up(line: BudgetLine) -> set[str]:
        if line.children:
            keys[id(line)] = set().union(*(up(c) for c in line.children))
        return keys.setdefault(id(line), set())

    for top in tops:
        up(top)
    return keys


def _shares_of(tops: Sequence[BudgetLine]) -> dict[int, dict[str, Decimal]]:
    """Lines split between objectives: their shares (percent) by objective."""
    out: dict[int, dict[str, Decimal]] = {}
    for att in budget_rules.attributions(tops):
        if len(att.shares) > 1 and att.decided_by is not None:
            out[id(att.decided_by)] = dict(att.shares)
    return out


def budget_amount_cells(
    a: Amounts | None,
    share: Decimal | None,
    *,
    bold: bool = False,
    shade: str | None = None,
    original: Decimal | None = None,
    amended: bool = False,
) -> list[Cell]:
    if a is None:
        return [cm.c("-")] * (5 if amended else 4)
    cells = [cm.m(original, bold=bold, shade=shade)] if amended else []
    return [
        *cells,
        cm.m(a.allocation, bold=bold, shade=shade),
        cm.m(a.realisation, bold=bold, shade=shade, missing=nv.NOT_MEASURED),
        cm.p(a.absorption, bold=bold, shade=shade, missing="-"),
        cm.p(share, bold=bold, shade=shade, missing="-") if share is not None else cm.c("-"),
    ]


def grand_total(b: BudgetScore) -> Amounts | None:
    """The budget's total to date: the stated (or class) total when it holds more than the program lines
    (salaries stated as a class, say), else the lines' total."""
    if b.lines_total is None:
        return b.total
    if b.total is not None and b.total.allocation > b.lines_total.allocation:
        return b.total
    return b.lines_total


def outside_lines(b: BudgetScore) -> Amounts | None:
    """The budget to date not itemised in program lines (personnel spending stated as a class, say)."""
    whole = grand_total(b)
    if whole is None or b.lines_total is None or whole is b.lines_total:
        return None
    return whole - b.lines_total


def budget_table(sc: Scorecard, b: BudgetScore) -> Table:
    """The budget to date linked objective → indicator → program → activity → sub activity; then what serves
    no objective, the budget outside the program lines, and the total they add up to."""
    office = sc.office
    tw = ROMAN[sc.as_of]
    tops = [ls.line for ls in b.lines if ls.depth == 0]
    keys = _line_keys(tops)
    shares = _shares_of(tops)
    amended = any(ls.line.amended for ls in b.lines)
    whole = grand_total(b)
    width = 7 if amended else 6
    scores = {s.indicator.id: s for s in sc.indicators}

    def share(a: Amounts) -> Decimal | None:
        return budget_rules.share(a.allocation, whole.allocation) if whole is not None else None

    def line_rows(key: str) -> list[list[Cell]]:
        out: list[list[Cell]] = []
        for ls in b.lines:
            if key not in keys.get(id(ls.line), set()):
                continue
            bold = ls.depth == 0
            label = cm.LEVEL_LABEL.get(ls.line.level, "")
            name = ("    " * (ls.depth + 1)) + (f"{label}: " if label else "") + ls.line.name
            split = shares.get(id(ls.line))
            if split and key in split:
                name += f" (dibagi antarsasaran; bagian sasaran ini {nv.num_text(split[key])} %)"
            out.append(
                [
                    cm.t(ls.line.code, bold=bold),
                    cm.t(name, bold=bold),
                    *budget_amount_cells(
                        ls.amounts, None, bold=bold, amended=amended, original=budget_rules.original_allocation(ls.line)
                    ),
                ]
            )
        return out

    rows: list[list[Cell]] = []
    for o in office.plan.objectives:
        a = b.by_objective.get(o.id)
        rows.append(
            [cm.t("", shade=cm.TOTAL_SHADE), cm.t(f"Sasaran: {o.text}", bold=True, shade=cm.TOTAL_SHADE)]
            + (
                budget_amount_cells(a, share(a), bold=True, shade=cm.TOTAL_SHADE, amended=amended, original=None)
                if a is not None
                else [cm.t("belum ada anggaran yang terkait", span=width - 2, shade=cm.TOTAL_SHADE)]
            )
        )
        for ind in o.indicators:
            s = scores.get(ind.id)
            ach = s.achievement if s is not None else None
            rows.append(
                [
                    cm.t(""),
                    cm.t(f"    Indikator: {ind.name}"),
                    cm.t(
                        f"capaian s.d. TW {tw}: "
                        + (
                            nv.achievement_text(ach) + (" %" if ach.value is not None else "")
                            if ach is not None
                            else nv.NOT_MEASURED
                        ),
                        span=width - 2,
                    ),
                ]
            )
        rows += line_rows(o.id)
    for key, label in (
        (budget_rules.SEVERAL, "Beberapa sasaran (tanpa pembagian)"),
        (budget_rules.UNATTACHED, "Tidak terkait sasaran: program penunjang (termasuk belanja pegawai)"),
    ):
        a = b.by_objective.get(key)
        if a is None:
            continue
        rows.append(
            [
                cm.t("", shade=cm.TOTAL_SHADE),
                cm.t(label, bold=True, shade=cm.TOTAL_SHADE),
                *budget_amount_cells(a, share(a), bold=True, shade=cm.TOTAL_SHADE, amended=amended, original=None),
            ]
        )
        rows += line_rows(key)
    outside = outside_lines(b)
    if outside is not None:
        rows.append(
            [
                cm.t("", shade=cm.TOTAL_SHADE),
                cm.t("Belanja di luar rincian program (antara lain belanja pegawai)", bold=True, shade=cm.TOTAL_SHADE),
                *budget_amount_cells(
                    outside, share(outside), bold=True, shade=cm.TOTAL_SHADE, amended=amended, original=None
                ),
            ]
        )
    if whole is not None:
        rows.append(
            [
                cm.t("Jumlah", bold=True, span=2, shade=cm.TOTAL_SHADE),
                *budget_amount_cells(
                    whole, share(whole), bold=True, shade=cm.TOTAL_SHADE, amended=amended, original=None
                ),
            ]
        )
    pagu = [cm.h("Pagu murni (Rp)"), cm.h(f"Pagu TW {tw} (Rp)")] if amended else [cm.h("Pagu (Rp)")]
    return Table(
        f"Realisasi Anggaran s.d. Triwulan {tw} Tahun {sc.year} per Sasaran, Program, Kegiatan dan Sub Kegiatan",
        [
            [
                cm.h("Kode"),
                cm.h("Sasaran / Indikator / Program / Kegiatan / Sub Kegiatan"),
                *pagu,
                cm.h(f"Realisasi s.d. TW {tw} (Rp)"),
                cm.h("Penyerapan (%)"),
                cm.h("Porsi pagu (%)"),
            ]
        ],
        rows,
        widths=(2.9, 9.2, 2.8, 2.8, 2.8, 1.8, 1.7) if amended else (2.9, 10.2, 3.0, 3.0, 1.9, 1.8),
        small=True,
        source=(
            "Setiap baris anggaran dihitung sekali: pada sasaran yang dikaitkan pada tingkat terendah (program, "
            "kegiatan atau sub kegiatan); baris untuk beberapa sasaran dibagi menurut porsinya. Jumlah = sasaran + "
            "beberapa sasaran + tidak terkait sasaran + belanja di luar rincian program. Porsi pagu: pagu baris "
            "terhadap jumlah pagu."
            + (
                " Pagu murni: sebelum perubahan (APBD Perubahan); pagu TW: yang berlaku pada triwulan itu."
                if amended
                else ""
            )
        ),
    )
