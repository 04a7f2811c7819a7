"""Laporan Kinerja Triwulan (TW I–IV), in the structure kecamatan and dinas offices print it.

``build_triwulan(office, year=None, quarter=4, *, draft=False, scorecard=None, year_scorecard=None,
place_date=None, narrative=None, charts=True) -> Document``

* ``scorecard`` — the scorecard AS OF TW ``quarter`` (``build_scorecard(office, year, quarter=N)``,
  or `sakip.core.services.scorecard_for(office, year, N)`); built here when not given. Every figure
  of the report is that scorecard's: a year scorecard where TW I–III is asked is refused
  (`ValueError`), so a caller cannot print the year's figures under a quarter's title.
* ``year_scorecard`` — the year's scorecard, for what the quarter scorecard has no field for (the
  targets to date of the quarters after TW N, the kondisi akhir before TW IV: both through
  `sakip.domain.quarter_figures.FiguresAsOf`, the rule the review of printed quarterly reports uses);
  built here when not given.
* ``narrative`` — the operator's texts, as for the LKjIP: ``latar_belakang``, ``sumber_daya``,
  ``kesimpulan``, ``langkah`` (next steps), ``anggaran``; missing ones get a neutral placeholder.
  ``prestasi`` (in TW IV else the year's LKjIP text) and the year's photos print as Bab III C where the
  office has them (`profile_sections.achievements`), and the section is left out where it has none.
  The explanation of an indicator is the quarter's own (``IndicatorScore.explanation`` of the
  scorecard as of TW N): never another quarter's text.
* ``charts`` — a chart per indicator (target and realisation to date per quarter,
  `sakip.reports.charts.quarter_charts_png`), ``False`` for none, or prebuilt PNGs by indicator id.

Outline: cover, Kata Pengantar (fixed text), Daftar Isi / Tabel / Gambar; Bab I Pendahuluan
(mandate, organisation, operator texts); Bab II Perencanaan Kinerja (Renstra, IKU, the PK with its
quarter targets); Bab III Akuntabilitas Kinerja (landscape: A. achievements to date — recap,
objectives, the formula table, per objective and indicator the TW I … TW IV table, the sentence,
the quarter's explanation and the chart; B. budget to date — per spending class and linked objective
→ indicator → program → activity → sub activity, amendments; C. prestasi with photos, where there are
any); Bab IV Penutup (a sentence per indicator, next steps, signature).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from sakip.domain.measurement import Polarity
from sakip.domain.office import Office
from sakip.domain.quarter_figures import FiguresAsOf
from sakip.domain.scorecard import IndicatorScore, Scorecard, build_scorecard
from sakip.reports.charts import QuarterBar, QuarterSpec, quarter_charts_png

from .. import narrative as nv
from ..model import (
    Cover,
    Document,
    Figure,
    FixedText,
    Heading,
    Orientation,
    Paragraph,
    ParagraphStyle,
    Run,
    SignatureBlock,
    TableOfContents,
    para,
)
from . import budget_tables as bt
from . import common as cm
from . import profile_sections as ps
from . import triwulan_tables as tt
from .pk import DocumentError

ROMAN = tt.ROMAN
END_MONTH = {1: 4, 2: 7, 3: 10, 4: 1}  # the report is signed in the month after the quarter


def _scorecards(
    office: Office, year: int | None, quarter: int, scorecard: Scorecard | None, year_scorecard: Scorecard | None
) -> tuple[Scorecard, Scorecard]:
    """The scorecard as of TW ``quarter`` and the year's scorecard of the same office-year."""
    if scorecard is not None and scorecard.as_of != quarter:
        raise ValueError(
            f"build_triwulan(quarter={quarter}) needs the scorecard as of that quarter, "
            f"not one as of TW {scorecard.as_of}"
        )
    sc = scorecard if scorecard is not None else build_scorecard(office, year, quarter=quarter)
    if year_scorecard is not None and year_scorecard.quarter is None and year_scorecard.year == sc.year:
        return sc, year_scorecard
    return sc, (sc if sc.quarter is None else build_scorecard(office, sc.year))


def quarter_chart_specs(sc: Scorecard, figs: FiguresAsOf) -> dict[str, QuarterSpec]:
    """The chart of each numeric indicator: target and realisation to date of TW I … TW N, targets after."""
    specs: dict[str, QuarterSpec] = {}
    for s in sc.indicators:
        ind = s.indicator
        if ind.id in specs or ind.polarity in (Polarity.QUALITATIVE, Polarity.IN_RANGE):
            continue
        by_q = {q.quarter: q for q in s.quarters}
        bars = []
        for q in (1, 2, 3, 4):
            label = f"TW {ROMAN[q]}"
            if q > sc.as_of:
                t = figs.target_to_date(ind.id, q)
                bars.append(QuarterBar(label, t if isinstance(t, Decimal) else None, None, realisation_missing=""))
                continue
            qs = by_q.get(q)
            target = qs.target_to_date if qs is not None else None
            real = qs.to_date if qs is not None else None
            bars.append(
                QuarterBar(
                    label, target if isinstance(target, Decimal) else None, real if isinstance(real, Decimal) else None
                )
            )
        if any(b.target is not None or b.realisation is not None for b in bars):  # else nothing to draw
            specs[ind.id] = (bars, f"{ind.id} {ind.name}", ind.unit)
    return specs


def build_triwulan(
    office: Office,
    year: int | None = None,
    quarter: int = 4,
    *,
    draft: bool = False,
    scorecard: Scorecard | None = None,
    year_scorecard: Scorecard | None = None,
    place_date: str | None = None,
    narrative: Mapping[str, str] | None = None,
    charts: bool | Mapping[str, bytes] = True,
) -> Document:
    if quarter not in ROMAN:
        raise DocumentError(f"Triwulan harus 1–4, bukan {quarter}.")
    sc, year_card = _scorecards(office, year, quarter, scorecard, year_scorecard)
    figs = FiguresAsOf(office, sc.year, year_card)
    y = sc.year
    tw = ROMAN[quarter]
    texts = dict(narrative or {})
    yd = office.years.get(y)
    if isinstance(charts, Mapping):
        pngs: dict[str, bytes] = dict(charts)
    elif charts:
        specs = quarter_chart_specs(sc, figs)
        pngs = dict(zip(specs, quarter_charts_png(list(specs.values())), strict=True))
    else:
        pngs = {}
    title = f"Laporan Kinerja Triwulan {tw} Tahun {y} {office.name}"
    doc = Document("triwulan", title, office.name, y, regency=office.regency, draft=draft)
    head = cm.signatory(office.head, cm.head_position(office))
    place = place_date or f"{cm.place_of(office)}, {cm.month_year(y + 1 if quarter == 4 else y, END_MONTH[quarter])}"
    values = {"instansi": office.name, "tahun": str(y), "pemda": office.regency or "", "triwulan": tw}

    # ---------------------------------------------------------------- front matter
    doc.add(Cover(["LAPORAN KINERJA", f"TRIWULAN {tw}"], office.name, office.regency, str(y)))
    doc.add(Heading("KATA PENGANTAR", 1, new_page=False))
    doc.add(
        FixedText(
            "kata_pengantar_triwulan",
            [
                para(
                    f"Puji syukur ke hadirat Tuhan Yang Maha Esa, Laporan Kinerja Triwulan {tw} Tahun {y} "
                    f"{office.name} telah selesai disusun. Laporan ini menyajikan kemajuan pencapaian sasaran dan "
                    f"indikator kinerja sampai dengan akhir triwulan {tw} terhadap target Perjanjian Kinerja dan "
                    "Rencana Aksi, beserta realisasi anggarannya, sebagai bahan pengendalian dan perbaikan kinerja "
                    "pada triwulan berikutnya."
                ),
            ],
            values,
        )
    )
    doc.add(SignatureBlock(head, place_date=place))
    doc.add(TableOfContents("contents"), TableOfContents("tables"), TableOfContents("figures"))

    # ---------------------------------------------------------------- BAB I
    doc.add(Heading("BAB I  PENDAHULUAN", 1, chapter="1"))
    doc.add(Heading("A. Latar Belakang", 2))
    doc.add(
        FixedText(
            "pendahuluan_triwulan",
            [
                para(
                    "Pengukuran kinerja triwulanan merupakan bagian dari Sistem Akuntabilitas Kinerja Instansi "
                    f"Pemerintah (SAKIP). Laporan Kinerja Triwulan {tw} {office.name} Tahun {y} memantau capaian "
                    "indikator kinerja sampai dengan triwulan berjalan, agar hambatan dapat diketahui lebih awal "
                    "dan upaya perbaikan dilakukan sebelum akhir tahun."
                )
            ],
            values,
        )
    )
    doc.add(*cm.operator_or(texts, "latar_belakang", "Uraian latar belakang khusus perangkat daerah belum diisi."))
    doc.add(*ps.office_chapter(office, y, texts))

    # ---------------------------------------------------------------- BAB II
    doc.add(Heading("BAB II  PERENCANAAN KINERJA", 1, chapter="2"))
    doc.add(Heading("A. Rencana Strategis", 2))
    doc.add(*cm.renstra_blocks(office, "visi, misi, tujuan dan sasaran"))
    doc.add(Heading("B. Indikator Kinerja Utama", 2))
    doc.add(cm.iku_table(office))
    doc.add(Heading(f"C. Perjanjian Kinerja dan Rencana Aksi Tahun {y}", 2))
    pk = yd.agreement if yd else None
    if pk is not None and yd is not None:
        if pk.kind == "amendment":
            doc.add(cm.amendment_sentence(pk, y))
        doc.add(para(f"Target tahun {y} dan target triwulan (Rencana Aksi) sebagai berikut."))
        doc.add(*cm.pk_tables(office, yd, pk, y, quarters=True))
    else:
        doc.add(cm.placeholder(f"Perjanjian Kinerja tahun {y} belum dicatat."))

    # ---------------------------------------------------------------- BAB III (landscape)
    doc.add(Orientation(landscape=True))
    doc.add(Heading("BAB III  AKUNTABILITAS KINERJA", 1, chapter="3"))
    doc.add(Heading(f"A. Capaian Kinerja s.d. Triwulan {tw}", 2))
    doc.add(para(cm.achievement_rule_sentence(office)))
    doc.add(cm.scale_table(sc.scale))
    doc.add(tt.formula_table(sc))
    doc.add(tt.recap_table(sc, figs))
    doc.add(cm.objective_table(sc))
    doc.add(nv.office_sentence(office.name, y, sc.office_score) if quarter == 4 else _office_to_date(sc, tw))
    doc.add(Heading("Capaian per Sasaran dan Indikator", 3))
    for i, (group, scores) in enumerate(cm.indicator_groups(sc), 1):
        doc.add(Heading(f"{i}. {group}", 3))
        for s in scores:
            doc.add(Heading(f"Indikator: {s.indicator.name}", 3, in_toc=False))
            doc.add(tt.indicator_table(sc, figs, s))
            doc.add(nv.quarter_sentence(s, tw))
            doc.add(Heading(f"Penjelasan triwulan {tw} (penyebab dan upaya/solusi)", 3, in_toc=False))
            doc.add(*nv.quarter_explanation_paragraphs(s))
            png = pngs.get(s.indicator.id)
            if png is not None:
                doc.add(Figure(f"Target dan Realisasi s.d. Triwulan: {s.indicator.name}", png, width_cm=14))

    doc.add(Heading(f"B. Realisasi Anggaran s.d. Triwulan {tw}", 2))
    b = sc.budget
    if b is None:
        doc.add(cm.placeholder(f"Data anggaran tahun {y} belum tersedia."))
    else:
        doc.add(para(f"Keadaan sampai dengan triwulan {tw}:"), nv.budget_sentence(y, tt.grand_total(b) or b.total))
        ct = cm.class_table(sc, previous=False, through=f"s.d. Triwulan {tw} Tahun {y}")
        if ct is not None:
            doc.add(ct)
        if b.lines:
            doc.add(
                para(
                    "Realisasi anggaran per sasaran, dengan indikator, program, kegiatan dan sub kegiatan yang "
                    "mendukungnya, sebagai berikut."
                )
            )
            doc.add(tt.budget_table(sc, b))
            changes = bt.amendment_sentences(b)
            if changes:
                doc.add(para("Pagu anggaran berubah pada tahun berjalan (APBD Perubahan):"))
                doc.add(*(para(f"- {x}") for x in changes))
        else:
            doc.add(cm.placeholder("Rincian anggaran per program belum dicatat."))
        doc.add(*cm.operator_or(texts, "anggaran", "Catatan operator tentang pelaksanaan anggaran belum diisi."))
    achieved = ps.achievements(office, y, texts, year_end=quarter == 4)
    if achieved:  # the year's prestasi and photos, as in the LKjIP's Bab III C, where the office has them
        doc.add(Heading("C. Prestasi Kinerja", 2), *achieved)

    # ---------------------------------------------------------------- BAB IV
    doc.add(Orientation(landscape=False))
    doc.add(Heading("BAB IV  PENUTUP", 1, chapter="4"))
    doc.add(Heading("A. Kesimpulan", 2))
    doc.add(nv.office_sentence(office.name, y, sc.office_score) if quarter == 4 else _office_to_date(sc, tw))
    doc.add(para(f"Ringkasan capaian per indikator sampai dengan triwulan {tw}:"))
    for i, s in enumerate(_unique(sc), 1):
        p = nv.quarter_sentence(s, tw)
        p.runs.insert(0, Run(f"{i}. "))
        p.style = ParagraphStyle.LIST
        doc.add(p)
    doc.add(*cm.operator_or(texts, "kesimpulan", "Kesimpulan kualitatif belum diisi oleh operator."))
    doc.add(Heading("B. Permasalahan dan Hambatan", 2))
    doc.add(
        *cm.operator_or(texts, "permasalahan", f"Permasalahan dan hambatan sampai dengan triwulan {tw} belum diisi.")
    )
    doc.add(Heading("C. Langkah Selanjutnya", 2))
    doc.add(
        *cm.operator_or(
            texts, "langkah", "Langkah dan upaya pada triwulan berikutnya untuk mencapai target tahun belum diisi."
        )
    )
    doc.add(
        FixedText(
            "penutup_triwulan",
            [
                para(
                    f"Demikian Laporan Kinerja Triwulan {tw} Tahun {y} {office.name} ini disusun sebagai bahan "
                    "pengendalian dan perbaikan kinerja."
                )
            ],
            values,
        )
    )
    doc.add(SignatureBlock(head, place_date=place))
    doc.number_items()
    return doc


def _unique(sc: Scorecard) -> list[IndicatorScore]:
    seen: set[str] = set()
    out = []
    for s in cm.shown_indicators(sc):  # an indicator of a goal and its objective: once
        if s.indicator.id not in seen:
            seen.add(s.indicator.id)
            out.append(s)
    return out


def _office_to_date(sc: Scorecard, tw: str) -> Paragraph:
    """The office's mean achievement to date (the scorecard as of TW N), said as of the quarter."""
    p = nv.office_sentence(sc.office.name, sc.year, sc.office_score)
    first = p.runs[0]
    p.runs[0] = Run(
        first.text.replace(f"tahun {sc.year}", f"s.d. triwulan {tw} tahun {sc.year}"),
        first.bold,
        first.italic,
        first.value,
    )
    return p
