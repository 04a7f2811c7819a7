"""Pieces shared by the document builders: cells, standard tables, signatories, dates."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

from sakip.domain import budget as budget_rules
from sakip.domain.budget import Amounts, Level
from sakip.domain.measurement import Status, Target
from sakip.domain.office import Indicator, Office, Person, PkVersion, ProgramNode, YearData
from sakip.domain.one_figure import distinct, name_key
from sakip.domain.one_figure import target_text as domain_target_text
from sakip.domain.profile import text_blocks
from sakip.domain.quarter_targets import shown as shown_target
from sakip.domain.scales import PredicateScale
from sakip.domain.scorecard import BudgetScore, IndicatorScore, LineScore, Scorecard
from sakip.domain.to_date import quarter_targets

from ..model import Align, Block, Cell, Paragraph, ParagraphStyle, Run, Signatory, Table, para
from ..narrative import NOT_MEASURED, achievement_text, money_text, num_text, pct_text, value_text

BULLET = "•"

HEAD_SHADE = "D9E2F3"
TOTAL_SHADE = "F2F2F2"
MONTHS = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
LEVEL_LABEL = {Level.PROGRAM: "Program", Level.ACTIVITY: "Kegiatan", Level.SUB_ACTIVITY: "Sub Kegiatan"}


NOT_SET = "belum ditetapkan"  # no value in the plan (never "belum diukur", never guessed)

def h(text: str, span: int = 1) -> Cell:
    return Cell(text, bold=True, align=Align.CENTER, span=span, shade=HEAD_SHADE)


def t(text: str, *, bold: bool = False, span: int = 1, shade: str | None = None) -> Cell:
    return Cell(text, bold=bold, span=span, shade=shade)


def c(text: str, *, bold: bool = False) -> Cell:
    return Cell(text, align=Align.CENTER, bold=bold)


def n(value: Decimal | None, *, text: str | None = None, bold: bool = False, shade: str | None = None) -> Cell:
    """A numeric cell: exact value kept, display text beside it; ``None`` → "belum diukur"."""
    if value is None:
        return Cell(NOT_MEASURED, align=Align.CENTER, bold=bold, shade=shade)
    shown = text if text is not None else signed(num_text(abs(value)), value)
    return Cell(shown, value=value, align=Align.RIGHT, bold=bold, shade=shade)


def p(value: Decimal | None, *, bold: bool = False, shade: str | None = None, missing: str = NOT_MEASURED) -> Cell:
    if value is None:
        return Cell(missing, align=Align.CENTER, bold=bold, shade=shade)
    return Cell(signed(pct_text(abs(value)), value), value=value, align=Align.RIGHT, bold=bold, shade=shade)


def signed(text: str, value: Decimal) -> str:
    """A negative number with a true minus sign (``−10,60``)."""
    return ("\u2212" + text) if value < 0 else text


def m(value: Decimal | None, *, bold: bool = False, shade: str | None = None, missing: str = "-") -> Cell:
    if value is None:
        return Cell(missing, align=Align.CENTER, bold=bold, shade=shade)
    return Cell(money_text(value), value=value, align=Align.RIGHT, bold=bold, shade=shade)


def v(value: Target | Decimal | str | None) -> Cell:
    """A realisation cell (``None`` → "belum diukur"); a target is `tv`."""
    if isinstance(value, Decimal):
        return n(value)
    return Cell(value_text(value), align=Align.CENTER)


def tv(value: Target | None) -> Cell:
    """A target cell: ``None`` is "belum ditetapkan" (no target), never "belum diukur" (no measurement)."""
    if value is None:
        return Cell(domain_target_text(None), align=Align.CENTER)
    return v(value)


def shown_indicators(sc: Scorecard) -> list[IndicatorScore]:
    """Each indicator once (`one_figure.distinct`): a goal indicator repeated at objective level is one row."""
    return [g.score for g in distinct(sc.indicators)]


def indicator_label(sc: Scorecard, s: IndicatorScore) -> str:
    """The indicator's name as the tables show it, with its levels when it stands for two rows."""
    for g in distinct(sc.indicators):
        if g.score is s:
            return g.label
    return s.indicator.name


def level_labels(scores: Iterable[IndicatorScore]) -> dict[int, str]:
    """The names a table listing every level's rows prints (the Rencana Aksi, the Matrik Capaian Kinerja): an
    indicator whose name the table lists at goal and at objective level carries its level ("… (indikator
    tujuan)", "… (indikator sasaran)"), so that one figure is never read as two indicators. By ``id(score)``."""
    rows = list(scores)
    counts: dict[str, int] = {}
    for s in rows:
        counts[name_key(s.indicator.name)] = counts.get(name_key(s.indicator.name), 0) + 1
    return {
        id(s): s.indicator.name
        + (f" ({LEVEL_NAMES.get(s.level, s.level)})" if counts[name_key(s.indicator.name)] > 1 else "")
        for s in rows
    }


LEVEL_NAMES = {"goal": "indikator tujuan", "objective": "indikator sasaran"}


def month_year(year: int, month: int = 1) -> str:
    return f"{MONTHS[month - 1]} {year}"


def place_of(office: Office) -> str:
    name = office.name
    for prefix in ("Kecamatan ", "Kelurahan ", "Dinas ", "Badan "):
        if name.startswith(prefix) and prefix in ("Kecamatan ", "Kelurahan "):
            return name[len(prefix) :]
    return (office.regency or name).replace("Kabupaten ", "").replace("Kota ", "")


def signatory(person: Person | None, fallback_position: str, role: str | None = None) -> Signatory:
    if person is None:
        return Signatory(fallback_position, None, None, None, role)
    return Signatory(person.position or fallback_position, person.name, person.rank, person.nip, role)


def head_position(office: Office) -> str:
    if office.head and office.head.position:
        return office.head.position
    return f"Kepala {office.name}"


def superior_position(office: Office) -> str:
    if office.superior and office.superior.position:
        return office.superior.position
    regency = office.regency or ""
    if regency.startswith("Kota "):
        return "Wali Kota " + regency[5:]
    return "Bupati " + regency.replace("Kabupaten ", "") if regency else "Atasan langsung"


def objective_of(office: Office, score: IndicatorScore) -> str:
    if score.level == "goal":
        for g in office.plan.goals:
            if g.id == score.parent_id:
                return f"Tujuan: {g.text}"
    for o in office.plan.objectives:
        if o.id == score.parent_id:
            return f"Sasaran: {o.text}"
    return score.parent_id


def lower_formula_text(office: Office) -> str:
    """The lower-is-better achievement formula of the office's settings, in words."""
    if office.settings.lower_formula.value == "mirror":
        return "(2 × target − realisasi) / target × 100"
    return "target / realisasi × 100"


def cap_text(office: Office) -> str:
    """The cap policy of the office's settings, in words."""
    return {
        "none": "tanpa batas atas",
        "100": "dibatasi paling tinggi 100 %",
        "120": "dibatasi paling tinggi 120 %",
    }.get(office.settings.cap.value, office.settings.cap.value)


def achievement_rule_sentence(office: Office) -> str:
    """How an achievement is computed (LKjIP Bab III A, Laporan Triwulan Bab III A)."""
    return (
        "Capaian indikator dihitung sebagai realisasi / target × 100 untuk indikator yang makin tinggi "
        f"makin baik, dan {lower_formula_text(office)} untuk indikator yang makin rendah makin baik; capaian "
        f"{cap_text(office)}. Kategori capaian mengikuti skala berikut."
    )


def scale_table(scale: PredicateScale) -> Table:
    rows = []
    for i, band in enumerate(reversed(scale.bands), 1):
        lo = "" if band.min is None else f"{num_text(band.min)} {'≤' if band.min_inclusive else '<'} "
        hi = "" if band.max is None else f" {'≤' if band.max_inclusive else '<'} {num_text(band.max)}"
        rows.append([c(str(i)), t(f"{lo}capaian{hi}"), t(band.label)])
    return Table(
        "Skala Pengukuran Capaian Kinerja",
        [[h("No"), h("Rentang capaian (%)"), h("Kategori")]],
        rows,
        widths=(1, 6, 3),
        source=f"Sumber: skala {scale.code}",
    )


def indicator_rows(sc: Scorecard, scores: Iterable[IndicatorScore]) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    current: str | None = None
    no = 0
    for s in scores:
        group = objective_of(sc.office, s)
        if group != current:
            current = group
            rows.append([t(group, bold=True, span=7, shade=TOTAL_SHADE)])
        no += 1  # noqa: SIM113 - group rows are not numbered
        a = s.achievement
        rows.append(
            [
                c(str(no)),
                t(indicator_label(sc, s)),
                c(s.indicator.unit),
                tv(s.target),
                v(s.realisation),
                p(a.value, missing=achievement_text(a)),
                c(s.category or "-"),
            ]
        )
    return rows


def achievement_table(sc: Scorecard, scores: Sequence[IndicatorScore], caption: str) -> Table:
    header = [
        [h("No"), h("Indikator Kinerja"), h("Satuan"), h("Target"), h("Realisasi"), h("Capaian (%)"), h("Kategori")]
    ]
    return Table(
        caption,
        header,
        indicator_rows(sc, scores),
        widths=(1.1, 4.8, 1.8, 1.6, 1.9, 1.9, 2.5),
        source=f"Sumber: data kinerja {sc.office.name} tahun {sc.year}",
    )


def objective_table(sc: Scorecard) -> Table:
    rows: list[list[Cell]] = []
    for i, o in enumerate(sc.objectives, 1):
        rows.append(
            [
                c(str(i)),
                t(o.text),
                n(Decimal(o.aggregate.measured)),
                n(Decimal(o.aggregate.not_measured)),
                p(o.aggregate.value),
                c(o.category or "-"),
            ]
        )
    office = sc.office_score
    rows.append(
        [
            t("Rata-rata capaian kinerja perangkat daerah", bold=True, span=2, shade=TOTAL_SHADE),
            n(Decimal(office.aggregate.measured), shade=TOTAL_SHADE),
            n(Decimal(office.aggregate.not_measured), shade=TOTAL_SHADE),
            p(office.aggregate.value, bold=True, shade=TOTAL_SHADE),
            c(office.category or "-", bold=True),
        ]
    )
    return Table(
        f"Capaian Sasaran {sc.office.name}"
        + (f" s.d. Triwulan {('I', 'II', 'III')[sc.quarter - 1]}" if sc.quarter in (1, 2, 3) else "")
        + f" Tahun {sc.year}",
        [[h("No"), h("Sasaran"), h("Indikator diukur"), h("Belum diukur"), h("Rata-rata capaian (%)"), h("Kategori")]],
        rows,
        widths=(1.1, 5.6, 1.9, 1.8, 2.0, 2.5),
    )


def predicate_table(sc: Scorecard) -> Table:
    rows = []
    total = 0
    scores = shown_indicators(sc)  # an indicator shown at two levels is counted once
    for i, band in enumerate(reversed(sc.scale.bands), 1):
        k = sum(1 for s in scores if s.category == band.label)
        total += k
        rows.append([c(str(i)), t(band.label), n(Decimal(k))])
    no_target = sum(1 for s in scores if s.category is None and s.achievement.status is Status.NO_TARGET)
    missing = sum(1 for s in scores if s.category is None) - no_target
    rows.append([c(str(len(rows) + 1)), t(NOT_MEASURED + " / tidak terdefinisi"), n(Decimal(missing))])
    if no_target:
        rows.append([c(str(len(rows) + 1)), t("target belum ditetapkan"), n(Decimal(no_target))])
    rows.append(
        [
            t("Jumlah", bold=True, span=2, shade=TOTAL_SHADE),
            n(Decimal(total + missing + no_target), bold=True, shade=TOTAL_SHADE),
        ]
    )
    return Table(
        "Jumlah Indikator per Kategori Capaian",
        [[h("No"), h("Kategori"), h("Jumlah indikator")]],
        rows,
        widths=(1, 6, 3),
    )


def _line_label(ls: LineScore) -> str:
    return ("    " * ls.depth) + ls.line.name


def budget_lines_table(sc: Scorecard, b: BudgetScore) -> Table:
    """Allocation, realisation, absorption and remaining per line; with the original allocation (*pagu murni*)
    beside the amended one when the allocation changed during the year (APBD Perubahan)."""
    amended = any(ls.line.amended for ls in b.lines)
    rows: list[list[Cell]] = []
    for ls in b.lines:
        a = ls.amounts
        bold = ls.depth == 0
        original = [m(budget_rules.original_allocation(ls.line), bold=bold)] if amended else []
        rows.append(
            [
                t(ls.line.code, bold=bold),
                t(_line_label(ls), bold=bold),
                *original,
                m(a.allocation, bold=bold),
                m(a.realisation, bold=bold, missing=NOT_MEASURED),
                p(a.absorption, bold=bold, missing="-"),
                m(a.remaining, bold=bold),
            ]
        )
    if b.lines_total is not None:
        tot = b.lines_total
        tops = [ls.line for ls in b.lines if ls.depth == 0]
        original_total = sum((budget_rules.original_allocation(line) for line in tops), Decimal(0))
        rows.append(
            [
                t("Jumlah", bold=True, span=2, shade=TOTAL_SHADE),
                *([m(original_total, bold=True, shade=TOTAL_SHADE)] if amended else []),
                m(tot.allocation, bold=True, shade=TOTAL_SHADE),
                m(tot.realisation, bold=True, shade=TOTAL_SHADE, missing=NOT_MEASURED),
                p(tot.absorption, bold=True, shade=TOTAL_SHADE, missing="-"),
                m(tot.remaining, bold=True, shade=TOTAL_SHADE),
            ]
        )
    pagu = [h("Pagu murni (Rp)"), h("Pagu perubahan (Rp)")] if amended else [h("Pagu (Rp)")]
    return Table(
        f"Realisasi Anggaran per Program, Kegiatan dan Sub Kegiatan Tahun {sc.year}",
        [
            [
                h("Kode"),
                h("Program / Kegiatan / Sub Kegiatan"),
                *pagu,
                h("Realisasi (Rp)"),
                h("Penyerapan (%)"),
                h("Sisa (Rp)"),
            ]
        ],
        rows,
        widths=(1.3, 4.3, 2.1, 2.1, 2.1, 1.4, 1.8) if amended else (1.3, 5.6, 2.3, 2.3, 1.5, 2.1),
        small=True,
        source="Jumlah = jumlah seluruh program; program = jumlah kegiatannya."
        + (" Pagu perubahan: pagu yang berlaku pada akhir tahun (APBD Perubahan)." if amended else ""),
    )


def class_table(sc: Scorecard, *, previous: bool = True, through: str | None = None) -> Table | None:
    """Allocation and realisation per spending class, this year (and the previous one with ``previous``);
    ``through`` names the period of the realisation ("s.d. TW II") in the caption."""
    years = [(sc.year - 1, sc.budget_previous)] if previous else []
    years += [(sc.year, sc.budget)]
    years = [(y, b) for y, b in years if b is not None and (b.classes or b.total is not None)]
    if not years:
        return None
    header = [
        [h("Uraian")] + [h(f"Tahun {y}", span=4) for y, _ in years],
        [h("")] + [x for _ in years for x in (h("Pagu (Rp)"), h("Realisasi (Rp)"), h("%"), h("Sisa (Rp)"))],
    ]
    classes = []
    for _, b in years:
        assert b is not None
        for k in b.classes:
            if k not in classes:
                classes.append(k)
    rows: list[list[Cell]] = []

    def amounts_cells(a: Amounts | None, bold: bool = False) -> list[Cell]:
        if a is None:
            return [c("-"), c("-"), c("-"), c("-")]
        return [
            m(a.allocation, bold=bold),
            m(a.realisation, bold=bold, missing=NOT_MEASURED),
            p(a.absorption, bold=bold, missing="-"),
            m(a.remaining, bold=bold),
        ]

    for k in classes:
        rows.append([t(k.label)] + [x for _, b in years for x in amounts_cells(b.classes.get(k) if b else None)])
    rows.append([t("Total", bold=True)] + [x for _, b in years for x in amounts_cells(b.total if b else None, True)])
    return Table(
        "Realisasi Anggaran per Kelompok Belanja" + (f" {through}" if through else ""),
        header,
        rows,
        widths=(2.3, *([2.4, 2.4, 1.2, 2.2] * len(years))),
        small=True,
    )


def program_amounts(b: BudgetScore | None, code: str) -> Amounts | None:
    if b is None:
        return None
    for ls in b.lines:
        if ls.line.code == code:
            return ls.amounts
    return None


def programs_for(office: Office, objective_ids: set[str]) -> list[ProgramNode]:
    return [pr for pr in office.plan.programs if set(pr.objectives) & objective_ids]


def quarter_target_cell(value: Target | None) -> Cell:
    """A quarter target: the value with its own decimals, a grade, a band «80 – 90», or "belum ditetapkan"
    (never 0)."""
    if value is None:
        return Cell("belum ditetapkan", align=Align.CENTER)
    if isinstance(value, Decimal):
        return n(value, text=shown_target(value))
    return Cell(shown_target(value), align=Align.CENTER)


def quarter_targets_of(yd: YearData, indicator_id: str) -> dict[int, Target | None]:
    """An indicator's four quarter targets of the year (numbers, grades of a qualitative indicator, bands of an
    in-range indicator)."""
    out: dict[int, Target | None] = dict.fromkeys((1, 2, 3, 4))
    out.update({q: val for q, val in quarter_targets(yd.measurements.get(indicator_id)).items() if val is not None})
    return out


def pk_tables(office: Office, yd: YearData, pk: PkVersion, year: int, *, quarters: bool = False) -> list[Table]:
    """The PK annex: objectives / indicators / targets, then programs and their budget.

    ``quarters``: the four quarter targets (the Rencana Aksi) beside each target, when any is set —
    for the version in force (quarter targets belong to the year, not to one version).
    """
    shown_quarters = quarters and any(
        val is not None for iid in pk.targets for val in quarter_targets_of(yd, iid).values()
    )
    span = 8 if shown_quarters else 4
    rows: list[list[Cell]] = []
    no = 0
    for group, indicators in _pk_groups(office, pk):
        rows.append([t(group, bold=True, span=span, shade=TOTAL_SHADE)])
        for ind in indicators:
            no += 1
            row = [c(str(no)), t(ind.name), c(ind.unit), v(pk.targets[ind.id])]
            if shown_quarters:
                row += [quarter_target_cell(val) for val in quarter_targets_of(yd, ind.id).values()]
            rows.append(row)
    if not rows:
        rows.append([t("Belum ada indikator dalam Perjanjian Kinerja.", span=span)])
    title = "Perjanjian Kinerja Perubahan" if pk.kind == "amendment" else "Perjanjian Kinerja"
    header = [[h("No"), h("Indikator Kinerja"), h("Satuan"), h(f"Target {year}")]]
    if shown_quarters:
        header = [
            [*header[0], h("Target Triwulan", span=4)],
            [h(""), h(""), h(""), h("")] + [h(f"TW {r}") for r in ("I", "II", "III", "IV")],
        ]
    tables = [
        Table(
            f"{title} Tahun {year}: Sasaran, Indikator dan Target",
            header,
            rows,
            widths=(1.0, 5.8, 1.8, 1.8, 1.6, 1.6, 1.6, 1.6) if shown_quarters else (1.1, 9, 2, 2.5),
            small=shown_quarters,
            source="Target triwulan: Rencana Aksi (kumulatif atau per triwulan, lihat Rencana Aksi)."
            if shown_quarters
            else None,
        )
    ]
    if pk.programs:
        prow: list[list[Cell]] = []
        total = Decimal(0)
        for i, pr in enumerate(pk.programs, 1):
            total += pr.allocation
            prow.append([c(str(i)), t(pr.name), m(pr.allocation), c(pr.source or "-")])
        prow.append(
            [
                t("Jumlah", bold=True, span=2, shade=TOTAL_SHADE),
                m(total, bold=True, shade=TOTAL_SHADE),
                t("", shade=TOTAL_SHADE),
            ]
        )
        tables.append(
            Table(
                f"{title} Tahun {year}: Program dan Anggaran",
                [[h("No"), h("Program"), h("Anggaran (Rp)"), h("Sumber")]],
                prow,
                widths=(1.1, 8.2, 3.8, 1.6),
            )
        )
    return tables


def _pk_groups(office: Office, pk: PkVersion) -> list[tuple[str, list[Indicator]]]:
    groups: list[tuple[str, list[Indicator]]] = []
    for g in office.plan.goals:
        inds = [i for i in g.indicators if i.id in pk.targets]
        if inds:
            groups.append((f"Tujuan: {g.text}", inds))
    for o in office.plan.objectives:
        inds = [i for i in o.indicators if i.id in pk.targets]
        if inds:
            groups.append((f"Sasaran: {o.text}", inds))
    return groups


def iku_table(office: Office) -> Table:
    rows: list[list[Cell]] = []
    no = 0
    groups: list[tuple[str, list[Indicator]]] = []
    for g in office.plan.goals:
        groups.append((f"Tujuan: {g.text}", [i for i in g.indicators if i.iku]))
    for o in office.plan.objectives:
        groups.append((f"Sasaran: {o.text}", [i for i in o.indicators if i.iku]))
    for group, inds in groups:
        if not inds:
            continue
        rows.append([t(group, bold=True, span=5, shade=TOTAL_SHADE)])
        for ind in inds:
            no += 1
            formula = ind.definition or (ind.formula.expression if ind.formula else None) or "-"
            rows.append(
                [
                    c(str(no)),
                    t(f"{ind.name} ({ind.unit})"),
                    t(formula),
                    t(ind.responsible_unit or NOT_SET),  # as the plan records it, never guessed
                    t(ind.data_source or "-"),
                ]
            )
    if not rows:
        rows.append([t("Belum ada indikator yang ditetapkan sebagai IKU.", span=5)])
    return Table(
        f"Indikator Kinerja Utama {office.name}",
        [[h("No"), h("Indikator Kinerja Utama"), h("Formulasi / Definisi"), h("Penanggung jawab"), h("Sumber data")]],
        rows,
        widths=(1.1, 4.6, 6.2, 2.4, 2.4),
        small=True,
    )


# --------------------------------------------------------------------------- shared by the reports' chapters


def placeholder(text: str) -> Paragraph:
    return para(text, style=ParagraphStyle.PLACEHOLDER)


def operator_or(narrative: Mapping[str, str], key: str, text_if_missing: str) -> list[Paragraph]:
    """The operator's text under ``key`` as paragraphs and bullet items (blank line: a new paragraph; lines
    starting with "- ": a list; `domain.profile.text_blocks`), or a neutral placeholder when empty."""
    text = (narrative.get(key) or "").strip()
    if not text:
        return [placeholder(text_if_missing)]
    out: list[Paragraph] = []
    for block in text_blocks(text):
        if block.is_list:
            out.extend(para(f"{BULLET} {item}", style=ParagraphStyle.LIST) for item in block.items)
        else:
            out.append(para(block.text, style=ParagraphStyle.OPERATOR))
    return out


def letters(i: int) -> str:
    return "abcdefghijklmnopqrstuvwxyz"[i % 26]


def indicator_groups(sc: Scorecard) -> list[tuple[str, list[IndicatorScore]]]:
    out: list[tuple[str, list[IndicatorScore]]] = []
    for s in shown_indicators(sc):
        g = objective_of(sc.office, s)
        if not out or out[-1][0] != g:
            out.append((g, []))
        out[-1][1].append(s)
    return out


def end_target_cell(ind: Indicator) -> Cell:
    """The Renstra's end target, or "-" when none is set (a target is never "belum diukur")."""
    return v(ind.end_target) if ind.end_target is not None else c("-")


def renstra_table(office: Office) -> Table:
    rows = []
    plan = office.plan
    for g in plan.goals:
        rows.append([t(f"Tujuan: {g.text}", bold=True, span=4, shade=TOTAL_SHADE)])
        for i in g.indicators:
            rows.append([t("Indikator tujuan"), t(i.name), end_target_cell(i), t("-")])
        for o in plan.objectives:
            if o.goal_id != g.id:
                continue
            rows.append(
                [
                    t("Sasaran", bold=True),
                    t(o.text, bold=True),
                    t(""),
                    t("; ".join(o.strategies + o.policies) or "-"),
                ]
            )
            for i in o.indicators:
                rows.append([t("Indikator sasaran"), t(i.name), end_target_cell(i), t("")])
    return Table(
        f"Tujuan, Sasaran, Strategi dan Arah Kebijakan {plan.start}–{plan.end}",
        [
            [
                h("Uraian"),
                h("Tujuan / Sasaran / Indikator"),
                h(f"Target akhir {plan.end}"),
                h("Strategi dan arah kebijakan"),
            ]
        ],
        rows,
        widths=(2.2, 6, 2, 5),
        small=True,
    )


def renstra_blocks(office: Office, contents: str) -> list[Block]:
    """Bab II A of the LKjIP and the Laporan Triwulan: the Renstra's period, vision, missions and its table
    (``contents``: what the sentence says the Renstra holds)."""
    plan = office.plan
    out: list[Block] = [
        para(f"Rencana Strategis {office.name} periode {plan.start}–{plan.end} memuat {contents} berikut.")
    ]
    if plan.vision:
        out.append(para("Visi: ", Run(plan.vision, bold=True)))
    if plan.missions:
        out.append(para("Misi:"))
        out += [para(f"{i}. {mi}", style=ParagraphStyle.LIST) for i, mi in enumerate(plan.missions, 1)]
    out.append(renstra_table(office))
    return out


def amendment_sentence(pk: PkVersion, year: int) -> Paragraph:
    """The sentence that says the year's PK was amended, and why (LKjIP and Laporan Triwulan, Bab II C)."""
    return para(
        f"Perjanjian Kinerja tahun {year} telah diubah (PK Perubahan). Alasan perubahan: "
        f"{pk.reason or 'tidak disebutkan'}."
    )
