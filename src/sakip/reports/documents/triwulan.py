"""Laporan Kinerja Triwulan: quarterly targets, realisations and achievements, budget to date.

``build_triwulan(office, year=None, quarter=4, *, draft=False, scorecard=None, place_date=None) -> Document``

Per indicator: target and realisation to date and achievement for TW I up to the
requested quarter (a quarter without a measurement shows "belum diukur"), the annual
target and, in TW IV, the year-end condition (*kondisi akhir*). Budget: allocation and
realisation through the quarter per program / activity / sub-activity with a total.
"""

from __future__ import annotations

from decimal import Decimal

from sakip.domain.office import Office
from sakip.domain.scorecard import Scorecard, build_scorecard

from .. import narrative as nv
from ..model import Cell, Document, Heading, ParagraphStyle, SignatureBlock, Table, para
from . import common as cm
from .pk import DocumentError

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


def build_triwulan(
    office: Office,
    year: int | None = None,
    quarter: int = 4,
    *,
    draft: bool = False,
    scorecard: Scorecard | None = None,
    place_date: str | None = None,
) -> Document:
    if quarter not in ROMAN:
        raise DocumentError(f"Triwulan harus 1–4, bukan {quarter}.")
    sc = scorecard if scorecard is not None else build_scorecard(office, year)
    y = sc.year
    tw = ROMAN[quarter]
    doc = Document(
        "triwulan",
        f"Laporan Kinerja Triwulan {tw} Tahun {y} {office.name}",
        office.name,
        y,
        regency=office.regency,
        draft=draft,
        landscape=True,
    )
    doc.add(para(f"LAPORAN KINERJA TRIWULAN {tw} TAHUN {y}", style=ParagraphStyle.TITLE))
    doc.add(para(office.name.upper(), style=ParagraphStyle.TITLE))
    if office.regency:
        doc.add(para(office.regency.upper(), style=ParagraphStyle.TITLE))

    doc.add(Heading("A. Capaian Indikator Kinerja", 2))
    qs = list(range(1, quarter + 1))
    header = [
        [cm.h("No"), cm.h("Indikator Kinerja"), cm.h("Satuan"), cm.h(f"Target {y}")]
        + [cm.h(f"TW {ROMAN[q]}", span=3) for q in qs]
        + ([cm.h("Kondisi akhir", span=2)] if quarter == 4 else []),
        [cm.h(""), cm.h(""), cm.h(""), cm.h("")]
        + [x for _ in qs for x in (cm.h("Target s.d."), cm.h("Realisasi s.d."), cm.h("Capaian (%)"))]
        + ([cm.h("Realisasi"), cm.h("Capaian (%)")] if quarter == 4 else []),
    ]
    rows: list[list[Cell]] = []
    no = 0
    current = None
    width = 4 + 3 * len(qs) + (2 if quarter == 4 else 0)
    measured = 0
    for s in sc.indicators:
        group = cm.objective_of(office, s)
        if group != current:
            current = group
            rows.append([cm.t(group, bold=True, span=width, shade=cm.TOTAL_SHADE)])
        no += 1  # noqa: SIM113 - group rows are not numbered
        by_q = {q.quarter: q for q in s.quarters}
        row = [cm.c(str(no)), cm.t(s.indicator.name), cm.c(s.indicator.unit), cm.v(s.target)]
        for q in qs:
            qsc = by_q.get(q)
            if qsc is None or qsc.value is None:
                row += [
                    cm.v(qsc.target_to_date if qsc else None) if qsc and qsc.target_to_date is not None else cm.c("-"),
                    cm.c(nv.NOT_MEASURED),
                    cm.c("-"),
                ]
            else:
                row += [
                    cm.v(qsc.target_to_date) if qsc.target_to_date is not None else cm.c("-"),
                    cm.v(qsc.to_date),
                    # no quarterly target: "target belum ditetapkan" (never 0)
                    cm.p(qsc.achievement.value, missing=nv.achievement_text(qsc.achievement)),
                ]
        last = by_q.get(quarter)
        if last is not None and last.value is not None:
            measured += 1
        if quarter == 4:
            row += [cm.v(s.realisation), cm.p(s.achievement.value, missing=nv.achievement_text(s.achievement))]
        rows.append(row)
    small_w = (1.5, 1.6, 1.5)
    widths = (1.1, 5, 1.2, 1.4) + small_w * len(qs) + ((1.5, 1.4) if quarter == 4 else ())
    rows.append(
        [
            cm.t(f"Jumlah indikator dengan realisasi TW {tw}", bold=True, span=4, shade=cm.TOTAL_SHADE),
            cm.n(Decimal(measured), bold=True, shade=cm.TOTAL_SHADE),
            cm.t(f"dari {len(sc.indicators)} indikator", span=width - 5, shade=cm.TOTAL_SHADE),
        ]
    )
    doc.add(
        Table(
            f"Capaian Indikator Kinerja s.d. Triwulan {tw} Tahun {y}",
            header,
            rows,
            widths=widths,
            small=True,
            source='"belum diukur": realisasi triwulan belum diisi (bukan 0).',
        )
    )
    doc.add(
        para(
            f"Sampai dengan triwulan {tw}, ",
            *nv.count_words(measured),
            f" dari {len(sc.indicators)} indikator telah memiliki realisasi triwulan {tw}.",
        )
    )

    doc.add(Heading(f"B. Realisasi Anggaran s.d. Triwulan {tw}", 2))
    # the budget to date of the scorecard as of the quarter (the one rule, `domain.scorecard_budget`)
    b = (sc if quarter == 4 else build_scorecard(office, y, quarter=quarter)).budget
    if b is None or not b.lines or b.lines_total is None:
        doc.add(para(f"Rincian anggaran per program tahun {y} belum tersedia.", style=ParagraphStyle.PLACEHOLDER))
    else:
        brows: list[list[Cell]] = []
        for ls in b.lines:
            line, depth, a = ls.line, ls.depth, ls.amounts
            bold = depth == 0
            brows.append(
                [
                    cm.t(line.code, bold=bold),
                    cm.t("    " * depth + line.name, bold=bold),
                    cm.m(a.allocation, bold=bold),
                    cm.m(a.realisation, bold=bold, missing=nv.NOT_MEASURED),
                    cm.p(a.absorption, bold=bold, missing="-"),
                    cm.m(a.remaining, bold=bold),
                ]
            )
        tot = b.lines_total
        brows.append(
            [
                cm.t("Jumlah", bold=True, span=2, shade=cm.TOTAL_SHADE),
                cm.m(tot.allocation, bold=True, shade=cm.TOTAL_SHADE),
                cm.m(tot.realisation, bold=True, shade=cm.TOTAL_SHADE, missing=nv.NOT_MEASURED),
                cm.p(tot.absorption, bold=True, shade=cm.TOTAL_SHADE, missing="-"),
                cm.m(tot.remaining, bold=True, shade=cm.TOTAL_SHADE),
            ]
        )
        doc.add(
            Table(
                f"Realisasi Anggaran s.d. Triwulan {tw} Tahun {y}",
                [
                    [
                        cm.h("Kode"),
                        cm.h("Program / Kegiatan / Sub Kegiatan"),
                        cm.h("Pagu (Rp)"),
                        cm.h(f"Realisasi s.d. TW {tw} (Rp)"),
                        cm.h("Penyerapan (%)"),
                        cm.h("Sisa (Rp)"),
                    ]
                ],
                brows,
                widths=(1.6, 9, 3, 3, 1.8, 3),
                small=True,
            )
        )
        doc.add(para(f"Keadaan sampai dengan triwulan {tw}:"), nv.budget_sentence(y, tot))
    head = cm.signatory(office.head, cm.head_position(office))
    end_month = {1: 4, 2: 7, 3: 10, 4: 1}[quarter]
    place = place_date or f"{cm.place_of(office)}, {cm.month_year(y + 1 if quarter == 4 else y, end_month)}"
    doc.add(SignatureBlock(head, place_date=place))
    doc.number_items()
    return doc
