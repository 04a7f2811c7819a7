"""LKjIP (Laporan Kinerja Instansi Pemerintah), outline of PermenPAN-RB 53/2014.

``build_lkjip(office, year=None, *, narrative=None, charts=True, draft=False,
scorecard=None, place_date=None) -> Document``

* ``office`` — a `sakip.domain.office.Office` (from `sakip.dataset.load` or
  `sakip.core.interchange.domain_office`); ``year`` defaults to the office's latest year.
* ``narrative`` — the operator's qualitative texts, all optional: ``latar_belakang``,
  ``isu_strategis``, ``sumber_daya``, ``kesimpulan``, ``langkah`` (next steps),
  ``anggaran`` (budget remarks), and ``indikator:<id>`` (causes and solutions of one
  indicator; overrides the measurement's explanation). Missing texts get a neutral
  Indonesian placeholder; numbers are never invented.
* ``charts`` — include the figures (`sakip.reports.charts.scorecard_charts_png`: achievement per
  indicator, trend across years per indicator, survey elements, budget absorption per program);
  ``False`` leaves them out; a prebuilt `ScorecardCharts` is used as given (cache it to save the
  plotting time, which is most of the build time).
* ``scorecard`` — a prebuilt `sakip.domain.scorecard.Scorecard` (e.g. from
  `sakip.core.services.scorecard_for`, which applies the year's settings); built here otherwise.

Outline: cover; Kata Pengantar; Ikhtisar Eksekutif; Daftar Isi / Tabel / Gambar;
Bab I Pendahuluan; Bab II Perencanaan Kinerja (Renstra, IKU, PK, budget);
Bab III Akuntabilitas Kinerja (A. achievement with the seven analyses per indicator,
B. budget realisation per program/activity/sub-activity and efficiency);
Bab IV Penutup; Lampiran (the signed PK page and its targets, IKU, RKT, Matriks Capaian Kinerja).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from sakip.domain.office import Office
from sakip.domain.scorecard import IndicatorScore, Scorecard, build_scorecard
from sakip.domain.survey import BASIS_TEXT
from sakip.reports.charts import ScorecardCharts, scorecard_charts_png

from .. import narrative as nv
from ..model import (
    Block,
    Cover,
    Document,
    Figure,
    FixedText,
    Heading,
    Orientation,
    PageBreak,
    ParagraphStyle,
    Run,
    SignatureBlock,
    Table,
    TableOfContents,
    para,
)
from . import budget_tables as bt
from . import common as cm
from . import profile_sections as ps
from . import triwulan_tables as tt
from .pk import statement as pk_statement


def build_lkjip(
    office: Office,
    year: int | None = None,
    *,
    narrative: Mapping[str, str] | None = None,
    charts: bool | ScorecardCharts = True,
    draft: bool = False,
    scorecard: Scorecard | None = None,
    place_date: str | None = None,
) -> Document:
    sc = scorecard if scorecard is not None else build_scorecard(office, year)
    figs: ScorecardCharts | None = (
        charts if isinstance(charts, ScorecardCharts) else scorecard_charts_png(sc) if charts else None
    )
    y = sc.year
    texts = dict(narrative if narrative is not None else ps.narrative_for(office, y, "lkjip"))
    yd = office.years.get(y)
    place = place_date or f"{ps.place_of_signing(office)}, {cm.month_year(y + 1)}"
    doc = Document(
        "lkjip",
        f"Laporan Kinerja Instansi Pemerintah {office.name} Tahun {y}",
        office.name,
        y,
        regency=office.regency,
        draft=draft,
        contact=ps.contact_lines(office),
        logo=ps.logo(office),
    )
    head = cm.signatory(office.head, cm.head_position(office))
    values = {"instansi": office.name, "tahun": str(y), "pemda": office.regency or ""}

    # ---------------------------------------------------------------- front matter
    doc.add(Cover(["LAPORAN KINERJA INSTANSI PEMERINTAH", "(LKjIP)"], office.name, office.regency, str(y)))
    doc.add(Heading("KATA PENGANTAR", 1, new_page=False))
    doc.add(
        FixedText(
            "kata_pengantar",
            [
                para(
                    f"Puji syukur ke hadirat Tuhan Yang Maha Esa, Laporan Kinerja Instansi Pemerintah (LKjIP) "
                    f"{office.name} Tahun {y} telah selesai disusun. LKjIP ini merupakan wujud pertanggungjawaban "
                    f"atas pelaksanaan tugas dan fungsi {office.name} dalam mencapai tujuan dan sasaran yang telah "
                    "ditetapkan dalam Rencana Strategis dan Perjanjian Kinerja, sebagaimana diamanatkan Peraturan "
                    "Presiden Nomor 29 Tahun 2014 tentang Sistem Akuntabilitas Kinerja Instansi Pemerintah dan "
                    "Peraturan Menteri PAN-RB Nomor 53 Tahun 2014."
                ),
                para(
                    "Laporan ini menyajikan capaian kinerja, analisis keberhasilan dan hambatan, serta akuntabilitas "
                    "keuangan, sebagai bahan evaluasi dan perbaikan kinerja pada tahun berikutnya."
                ),
            ],
            values,
        )
    )
    doc.add(SignatureBlock(head, place_date=place))

    doc.add(Heading("IKHTISAR EKSEKUTIF", 1))
    doc.add(
        para(
            "Laporan ini menyajikan capaian ",
            *nv.count_words(len(cm.shown_indicators(sc))),  # an indicator of a goal and its objective: once
            f" indikator kinerja {office.name} tahun {y} beserta akuntabilitas keuangannya.",
        )
    )
    doc.add(nv.office_sentence(office.name, y, sc.office_score))
    for o in sc.objectives:
        doc.add(nv.objective_sentence(o))
    if sc.budget is not None:
        doc.add(nv.budget_sentence(y, sc.budget.total or sc.budget.lines_total))
    doc.add(TableOfContents("contents"), TableOfContents("tables"), TableOfContents("figures"))

    # ---------------------------------------------------------------- BAB I
    doc.add(Heading("BAB I  PENDAHULUAN", 1, chapter="1"))
    doc.add(Heading("A. Latar Belakang", 2))
    doc.add(
        FixedText(
            "pendahuluan",
            [
                para(
                    f"Sistem Akuntabilitas Kinerja Instansi Pemerintah (SAKIP) mewajibkan setiap perangkat daerah "
                    f"melaporkan kinerjanya setiap tahun. LKjIP {office.name} Tahun {y} disusun sebagai sarana "
                    "pertanggungjawaban kinerja kepada pimpinan dan masyarakat, sekaligus bahan evaluasi untuk "
                    "peningkatan kinerja."
                )
            ],
            values,
        )
    )
    doc.add(*cm.operator_or(texts, "latar_belakang", "Uraian latar belakang khusus perangkat daerah belum diisi."))
    doc.add(*ps.legal_basis(office))
    doc.add(*ps.office_chapter(office, y, texts))
    doc.add(Heading("E. Isu Strategis dan Permasalahan Utama", 2))
    doc.add(*cm.operator_or(texts, "isu_strategis", "Uraian isu strategis belum diisi."))
    doc.add(*cm.operator_or(texts, "permasalahan", "Uraian permasalahan utama belum diisi."))
    doc.add(Heading("F. Sistematika Penyajian", 2))
    doc.add(
        FixedText(
            "sistematika",
            [
                para(
                    "LKjIP ini terdiri atas Ikhtisar Eksekutif; Bab I Pendahuluan; Bab II Perencanaan Kinerja; "
                    "Bab III Akuntabilitas Kinerja, yang memuat capaian kinerja organisasi dan akuntabilitas keuangan; "
                    "Bab IV Penutup; dan Lampiran."
                )
            ],
            values,
        )
    )

    # ---------------------------------------------------------------- BAB II
    doc.add(Heading("BAB II  PERENCANAAN KINERJA", 1, chapter="2"))
    doc.add(Heading("A. Rencana Strategis", 2))
    doc.add(*cm.renstra_blocks(office, "visi, misi, tujuan, sasaran, strategi dan arah kebijakan"))
    doc.add(Heading("B. Indikator Kinerja Utama", 2))
    doc.add(para(f"Indikator Kinerja Utama (IKU) {office.name} sebagai berikut."))
    doc.add(cm.iku_table(office))
    doc.add(Heading(f"C. Perjanjian Kinerja Tahun {y}", 2))
    pk = yd.agreement if yd else None
    if pk is not None and yd is not None:
        if pk.kind == "amendment":
            doc.add(cm.amendment_sentence(pk, y))
        doc.add(*cm.pk_tables(office, yd, pk, y))
    else:
        doc.add(cm.placeholder(f"Perjanjian Kinerja tahun {y} belum dicatat."))
    doc.add(Heading(f"D. Rencana Anggaran Tahun {y}", 2))
    if sc.budget is not None and sc.budget.lines:
        doc.add(bt.plan_budget_table(sc.budget, y))
    elif sc.budget is not None:
        doc.add(
            para(
                "Rincian anggaran per program belum dicatat; ringkasan per kelompok belanja disajikan pada "
                "Bab III bagian B."
            )
        )
    else:
        doc.add(cm.placeholder(f"Data anggaran tahun {y} belum tersedia."))

    # ---------------------------------------------------------------- BAB III
    doc.add(Heading("BAB III  AKUNTABILITAS KINERJA", 1, chapter="3"))
    doc.add(Heading("A. Capaian Kinerja Organisasi", 2))
    doc.add(para(cm.achievement_rule_sentence(office)))
    doc.add(cm.scale_table(sc.scale))
    doc.add(cm.achievement_table(sc, cm.shown_indicators(sc), f"Capaian Indikator Kinerja {office.name} Tahun {y}"))
    for s in cm.shown_indicators(sc):  # the target achievement is measured against, where it is not the PK's
        note = nv.target_basis_paragraph(s)
        if note is not None:
            doc.add(para(f"Catatan target {s.indicator.name}: ", *note.runs))
    doc.add(cm.predicate_table(sc))
    doc.add(cm.objective_table(sc))
    doc.add(nv.office_sentence(office.name, y, sc.office_score))
    if figs is not None and figs.achievement is not None:
        doc.add(Figure(f"Capaian Indikator Kinerja Tahun {y}", figs.achievement))
    doc.add(_history_table(sc), _end_standard_table(sc))
    if sc.budget is not None and sc.budget.efficiency:
        doc.add(_efficiency_table(sc))
    if sc.survey is not None:
        doc.add(*_survey_blocks(sc))
        if figs is not None and figs.survey is not None:
            doc.add(Figure(f"Nilai Unsur Survei Kepuasan Masyarakat Tahun {y}", figs.survey))

    doc.add(Heading("Analisis Capaian per Indikator", 3))
    for o_i, (group, scores) in enumerate(cm.indicator_groups(sc)):
        doc.add(Heading(f"{o_i + 1}. {group}", 3))
        for s in scores:
            doc.add(*_indicator_analysis(sc, s, texts, figs))

    doc.add(Heading("B. Akuntabilitas Keuangan", 2))
    b = sc.budget
    if b is None:
        doc.add(cm.placeholder(f"Data realisasi anggaran tahun {y} belum tersedia."))
    else:
        doc.add(nv.budget_sentence(y, b.total or b.lines_total))
        ct = cm.class_table(sc)
        if ct is not None:
            doc.add(ct)
        if b.lines:
            doc.add(para("Realisasi anggaran per program, kegiatan dan sub kegiatan sebagai berikut."))
            doc.add(cm.budget_lines_table(sc, b))
            changes = bt.amendment_sentences(b)
            if changes:
                doc.add(para("Pagu anggaran berubah pada tahun berjalan (APBD Perubahan); angka triwulan yang "
                             "telah disetujui tetap memakai pagu yang berlaku saat itu:"))
                doc.add(*(para(f"- {x}") for x in changes))
            if b.lines_total is not None and b.total is not None and b.lines_total.allocation != b.total.allocation:
                doc.add(
                    para(
                        "Rincian program di atas tidak mencakup seluruh pagu perangkat daerah (antara lain "
                        "belanja pegawai yang tidak dirinci per program)."
                    )
                )
            if figs is not None and figs.absorption is not None:
                doc.add(Figure(f"Penyerapan Anggaran per Program Tahun {y}", figs.absorption))
        doc.add(*cm.operator_or(texts, "anggaran", "Catatan operator tentang pelaksanaan anggaran belum diisi."))
    doc.add(Heading("C. Prestasi Kinerja", 2))
    doc.add(*cm.operator_or(texts, "prestasi", "Uraian prestasi kinerja tahun ini belum diisi."))
    doc.add(*ps.photos(office, y))

    # ---------------------------------------------------------------- BAB IV
    doc.add(Heading("BAB IV  PENUTUP", 1, chapter="4"))
    doc.add(Heading("A. Kesimpulan", 2))
    doc.add(nv.office_sentence(office.name, y, sc.office_score))
    shown = cm.shown_indicators(sc)
    missed = [s.indicator.name for s in shown if s.achievement.met is False]
    unmeasured = [s.indicator.name for s in shown if s.realisation is None]
    no_target = [s.indicator.name for s in shown if s.realisation is not None and s.target is None]
    if missed:
        doc.add(para("Indikator yang belum mencapai target: " + "; ".join(missed) + "."))
    if unmeasured:
        doc.add(para(f"Indikator yang {nv.NOT_MEASURED}: " + "; ".join(unmeasured) + "."))
    if no_target:
        doc.add(para("Indikator yang targetnya belum ditetapkan: " + "; ".join(no_target) + "."))
    doc.add(*cm.operator_or(texts, "kesimpulan", "Kesimpulan kualitatif belum diisi oleh operator."))
    doc.add(Heading("B. Langkah Peningkatan Kinerja", 2))
    doc.add(
        *cm.operator_or(texts, "langkah", "Langkah dan strategi peningkatan kinerja tahun berikutnya belum diisi.")
    )
    doc.add(
        FixedText(
            "penutup",
            [
                para(
                    f"Demikian LKjIP {office.name} Tahun {y} ini disusun sebagai bahan evaluasi dan perbaikan kinerja "
                    "pada tahun-tahun berikutnya."
                )
            ],
            values,
        )
    )
    doc.add(SignatureBlock(head, place_date=place))

    # ---------------------------------------------------------------- Lampiran
    doc.add(Heading("LAMPIRAN", 1, chapter="L"))
    doc.add(Heading(f"Lampiran 1. Perjanjian Kinerja Tahun {y}", 2))
    if pk is not None and yd is not None:
        # the signed PK page as the office signed it (letterhead, parties, signatures), then its targets
        doc.add(*pk_statement(office, y, pk))
        doc.add(PageBreak())
        doc.add(*cm.pk_tables(office, yd, pk, y))
    else:
        doc.add(cm.placeholder(f"Perjanjian Kinerja tahun {y} belum dicatat."))
    doc.add(Orientation(landscape=True))
    doc.add(Heading("Lampiran 2. Indikator Kinerja Utama", 2))
    doc.add(cm.iku_table(office))
    doc.add(Heading(f"Lampiran 3. Rencana Kinerja Tahunan {y}", 2))
    doc.add(_rkt_table(sc))
    doc.add(Heading(f"Lampiran 4. Matriks Capaian Kinerja Tahun {y}", 2))
    doc.add(_matrix_table(sc))
    doc.number_items()
    return doc


# --------------------------------------------------------------------------- helpers


def _indicator_analysis(
    sc: Scorecard, s: IndicatorScore, texts: Mapping[str, str], figs: ScorecardCharts | None
) -> list[Block]:
    office = sc.office
    blocks: list[Block] = [Heading(f"Indikator: {cm.indicator_label(sc, s)}", 3, in_toc=False)]
    items: list[tuple[str, list[Block]]] = []
    compared: list[Block] = [nv.target_sentence(s, sc.year)]
    compared += [x for x in (nv.target_basis_paragraph(s), nv.survey_paragraph(s)) if x is not None]
    items.append(("Perbandingan target dan realisasi", compared))
    history: list[Block] = [nv.history_sentence(s, sc.year)]
    trend = figs.trends.get(s.indicator.id) if figs is not None else None
    if trend is not None:
        history.append(Figure(f"Realisasi {s.indicator.name} per Tahun", trend, width_cm=12))
    items.append(("Perbandingan dengan tahun-tahun sebelumnya", history))
    items.append(("Perbandingan dengan target akhir Renstra", [nv.end_target_sentence(s, office.plan.end)]))
    items.append(("Perbandingan dengan standar nasional", [nv.standard_sentence(s)]))
    # the office's own analysis: the text written for the document, else the year's explanation, else the
    # quarters' explanations of the year; an office that wrote none gets no item (no placeholder in a document
    # it submits: docs/seed-report-sections.md)
    causes = _causes(sc, s, texts)
    if causes:
        items.append(("Penyebab keberhasilan/kegagalan dan alternatif solusi", causes))
    efficiency: Block
    objective_ids = _objective_ids(sc, s)
    b = sc.budget
    if s.level == "objective" and b is not None and s.parent_id in b.efficiency:
        o_text = next((o.text for o in office.plan.objectives if o.id == s.parent_id), s.parent_id)
        efficiency = nv.efficiency_sentence(o_text, b.efficiency[s.parent_id], b.by_objective.get(s.parent_id))
    elif s.level == "goal":
        efficiency = para(
            "Efisiensi dianalisis pada tingkat sasaran yang mendukung tujuan ini (lihat tabel efisiensi per sasaran)."
        )
    else:
        efficiency = nv.efficiency_sentence("", None, None)
    items.append(("Efisiensi penggunaan sumber daya", [efficiency]))
    progs = cm.programs_for(office, objective_ids)
    items.append(
        (
            "Program dan kegiatan pendukung",
            [nv.programs_sentence([(pr.code, pr.name, cm.program_amounts(b, pr.code)) for pr in progs])],
        )
    )
    for i, (title, content) in enumerate(items):
        blocks.append(para(f"{cm.letters(i)}. {title}", style=ParagraphStyle.LIST))
        blocks += content
    return blocks


def _causes(sc: Scorecard, s: IndicatorScore, texts: Mapping[str, str]) -> list[Block]:
    """The causes of success or failure and the alternative solutions, as the office wrote them: the document's
    own text for the indicator (``indikator:<id>``), else the year's explanation, else the explanations of the
    year's quarters (TW I … TW IV, each named); empty when the office wrote none."""
    override = (texts.get(f"indikator:{s.indicator.id}") or "").strip()
    if override:
        return [para(x.strip(), style=ParagraphStyle.OPERATOR) for x in override.split("\n\n") if x.strip()]
    own = nv.explanation_paragraphs(s)
    if own:
        return list(own)
    yd = sc.office.years.get(sc.year)
    m = yd.measurements.get(s.indicator.id) if yd is not None else None
    quarters = sorted((q, t.strip()) for q, t in (m.quarter_explanations if m else {}).items() if t and t.strip())
    out: list[Block] = []
    for q, text in quarters:
        chunks = [x.strip() for x in text.split("\n\n") if x.strip()]
        out.append(para(Run(f"Triwulan {tt.ROMAN[q]}: ", bold=True), chunks[0], style=ParagraphStyle.OPERATOR))
        out += [para(x, style=ParagraphStyle.OPERATOR) for x in chunks[1:]]
    return out


def _objective_ids(sc: Scorecard, s: IndicatorScore) -> set[str]:
    if s.level == "objective":
        return {s.parent_id}
    return {o.id for o in sc.office.plan.objectives if o.goal_id == s.parent_id}


def _history_table(sc: Scorecard) -> Table:
    years = sorted({p.year for s in cm.shown_indicators(sc) for p in s.history})[-2:]
    header = [
        [cm.h("No"), cm.h("Indikator")]
        + [cm.h(str(yy), span=2) for yy in (*years, sc.year)]
        + [cm.h(f"Perubahan {years[-1]}–{sc.year}" if years else "Perubahan", span=2)],
        [cm.h(""), cm.h("")]
        + [x for _ in (*years, sc.year) for x in (cm.h("Realisasi"), cm.h("Capaian (%)"))]
        + [cm.h("Realisasi"), cm.h("Capaian (poin)")],
    ]
    rows = []
    for i, s in enumerate(cm.shown_indicators(sc), 1):
        by_year = {p.year: p for p in s.history}
        ch = s.change
        row = [cm.c(str(i)), cm.t(cm.indicator_label(sc, s))]
        for yy in years:
            point = by_year.get(yy)
            row += [cm.v(point.realisation if point else None), cm.p(point.achievement if point else None, missing="-")]
        row += [cm.v(s.realisation), cm.p(s.achievement.value, missing=nv.achievement_text(s.achievement))]
        row += [
            cm.n(ch.realisation_change) if ch and ch.realisation_change is not None else cm.c("-"),
            cm.p(ch.achievement_change) if ch and ch.achievement_change is not None else cm.c("-"),
        ]
        rows.append(row)
    widths = (1.1, 4.2) + (1.8, 1.8) * (len(years) + 1) + (1.8, 1.8)
    return Table(
        "Perbandingan Realisasi dan Capaian dengan Tahun-tahun Sebelumnya",
        header,
        rows,
        widths=widths,
        small=True,
        source='Tanda − berarti turun; "belum diukur" berarti belum ada data (bukan 0).',
    )


def _end_standard_table(sc: Scorecard) -> Table:
    plan = sc.office.plan
    rows = []
    for i, s in enumerate(cm.shown_indicators(sc), 1):
        prog = s.end_target_progress
        std = s.standard
        rows.append(
            [
                cm.c(str(i)),
                cm.t(cm.indicator_label(sc, s)),
                cm.v(s.realisation),
                cm.v(s.indicator.end_target) if s.indicator.end_target is not None else cm.c("-"),
                cm.p(prog.value) if prog is not None and prog.value is not None else cm.c("-"),
                cm.n(std.standard)
                if std
                else (cm.n(s.indicator.national_standard) if s.indicator.national_standard is not None else cm.c("-")),
                cm.n(std.difference) if std else cm.c("-"),
            ]
        )
    return Table(
        f"Realisasi terhadap Target Akhir Renstra {plan.end} dan Standar Nasional",
        [
            [
                cm.h("No"),
                cm.h("Indikator"),
                cm.h(f"Realisasi {sc.year}"),
                cm.h(f"Target akhir {plan.end}"),
                cm.h("Kemajuan thd target akhir (%)"),
                cm.h("Standar nasional"),
                cm.h("Selisih thd standar"),
            ]
        ],
        rows,
        widths=(1.1, 4.8, 1.9, 1.9, 2.1, 1.9, 1.9),
        small=True,
        source='"-": tidak ditetapkan / tidak tersedia.',
    )


def _efficiency_table(sc: Scorecard) -> Table:
    b = sc.budget
    assert b is not None
    rows = []
    texts = {o.id: o.text for o in sc.office.plan.objectives}
    for i, (oid, e) in enumerate(b.efficiency.items(), 1):
        a = b.by_objective.get(oid)
        rows.append(
            [
                cm.c(str(i)),
                cm.t(texts.get(oid, oid)),
                cm.m(a.allocation if a else None),
                cm.m(a.realisation if a else None, missing=nv.NOT_MEASURED),
                cm.p(e.absorption, missing="-"),
                cm.p(e.achievement),
                cm.n(e.ratio, text=nv.num_text(e.ratio, 2)) if e.ratio is not None else cm.c("-"),
            ]
        )
    rows += bt.not_per_objective(b)
    return Table(
        "Efisiensi Penggunaan Anggaran per Sasaran",
        [
            [
                cm.h("No"),
                cm.h("Sasaran"),
                cm.h("Pagu (Rp)"),
                cm.h("Realisasi (Rp)"),
                cm.h("Penyerapan (%)"),
                cm.h("Capaian (%)"),
                cm.h("Rasio capaian / penyerapan"),
            ]
        ],
        rows,
        widths=(1.1, 4.8, 2.4, 2.4, 1.6, 1.6, 1.8),
        small=True,
    )


def _survey_blocks(sc: Scorecard) -> list[Block]:
    assert sc.survey is not None
    r = sc.survey.result
    rows = [
        [cm.c(str(i)), cm.t(e.name), cm.n(e.nrr, text=nv.num_text(e.nrr, 2)), cm.p(e.score)]
        for i, e in enumerate(r.elements, 1)
    ]
    rows.append(
        [
            cm.t("Indeks Kepuasan Masyarakat (konversi)", bold=True, span=3, shade=cm.TOTAL_SHADE),
            cm.p(r.index, bold=True, shade=cm.TOTAL_SHADE),
        ]
    )
    table = Table(
        f"Hasil Survei Kepuasan Masyarakat Tahun {sc.year}",
        [[cm.h("No"), cm.h("Unsur pelayanan"), cm.h("NRR"), cm.h("Nilai unsur (25–100)")]],
        rows,
        widths=(1.1, 8, 2, 2.5),
        source=f"Instrumen: {r.instrument.name}; sumber indeks: {BASIS_TEXT[r.basis]}",
    )
    parts: list[str | Run] = [
        "Hasil survei kepuasan masyarakat menghasilkan indeks sebesar ",
        nv.pct(r.index),
        f" dengan mutu pelayanan {r.grade}",
    ]
    if r.respondents is not None:
        parts += [" dari ", nv.count(r.respondents), " responden"]
    parts.append(".")
    out: list[Block] = [table, para(*parts)]
    if r.weakest:
        out.append(para("Unsur dengan nilai di bawah rata-rata: " + "; ".join(e.name for e in r.weakest) + "."))
    for s in cm.shown_indicators(sc):  # one index for the survey: an entered realisation apart is a proposal
        link = s.survey
        if link is not None and link.status == "differs" and link.difference is not None:
            table.rows[-1][0] = cm.t(
                "Indeks Kepuasan Masyarakat (konversi), diusulkan sebagai realisasi", bold=True, span=3,
                shade=cm.TOTAL_SHADE,
            )
            table.rows += [
                [cm.t(f"Realisasi {s.indicator.name} yang diisi", span=3), cm.v(link.entered)],
                [
                    cm.t("Selisih indeks survei terhadap realisasi yang diisi", span=3),
                    cm.n(link.difference, text=cm.signed(nv.pct_text(abs(link.difference)), link.difference)),
                ],
            ]
            out.append(
                para(
                    f"Indeks ini diusulkan sebagai realisasi indikator {s.indicator.name}; realisasi yang diisi "
                    "berbeda (lihat analisis indikator tersebut)."
                )
            )
    if r.respondents is not None:
        table.rows.insert(len(table.rows) - 1, [cm.t("Jumlah responden", span=3), cm.n(Decimal(r.respondents))])
    return out


def _rkt_table(sc: Scorecard) -> Table:
    rows = []
    for group, scores in cm.indicator_groups(sc):
        progs = cm.programs_for(sc.office, _objective_ids(sc, scores[0]))
        rows.append([cm.t(group, bold=True, span=4, shade=cm.TOTAL_SHADE)])
        for s in scores:
            rows.append([cm.t(cm.indicator_label(sc, s)), cm.c(s.indicator.unit), cm.tv(s.target), cm.t("")])
        for pr in progs:
            a = cm.program_amounts(sc.budget, pr.code)
            rows.append([cm.t(f"Program: {pr.name}"), cm.c("Rp"), cm.m(a.allocation if a else None), cm.t("")])
    return Table(
        f"Rencana Kinerja Tahunan {sc.year}",
        [[cm.h("Sasaran / indikator / program"), cm.h("Satuan"), cm.h("Target / pagu"), cm.h("Keterangan")]],
        rows,
        widths=(12, 1.8, 3.6, 4.6),
    )


def _matrix_table(sc: Scorecard) -> Table:
    capped = sc.office.settings.cap.value != "none"
    header = [
        [cm.h("No"), cm.h("Indikator"), cm.h("Satuan"), cm.h("Target")]
        + [cm.h(f"Real. TW {q}") for q in (1, 2, 3, 4)]
        + [cm.h("Realisasi tahun"), cm.h("Capaian (%)")]
        + ([cm.h("Capaian sebelum dibatasi (%)")] if capped else [])
        + [cm.h("Kategori")]
    ]
    rows = []
    for i, s in enumerate(cm.shown_indicators(sc), 1):
        qv = {q.quarter: q.value for q in s.quarters}
        a = s.achievement
        rows.append(
            [cm.c(str(i)), cm.t(cm.indicator_label(sc, s)), cm.c(s.indicator.unit), cm.tv(s.target)]
            + [cm.v(qv.get(q)) for q in (1, 2, 3, 4)]
            + [cm.v(s.realisation), cm.p(a.value, missing=nv.achievement_text(a))]
            + ([cm.p(a.raw, missing=nv.achievement_text(a))] if capped else [])
            + [cm.c(s.category or "-")]
        )
    widths = (1.1, 7, 1.5, 1.6, 1.6, 1.6, 1.6, 1.6, 1.8, 1.8) + ((1.9,) if capped else ()) + (2,)
    return Table(
        f"Matriks Capaian Kinerja Tahun {sc.year}",
        header,
        rows,
        widths=widths,
        small=True,
        source='"belum diukur": belum ada realisasi (bukan 0).',
    )
