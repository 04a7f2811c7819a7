"""The evaluation report (Laporan Hasil Evaluasi SAKIP) as a report `Document`, rendered to .docx.

Sections: a summary of the result; per component its sub-components and a numbered
table of the criteria scored by the office (self) and the evaluator, with the
evaluator's notes; the side-by-side totals; last year's recommendations carried into this evaluation with their
follow-up (the table «Tindak lanjut rekomendasi tahun lalu») and this year's recommendations;
a signature block for the evaluator (Inspektorat). Numbers are displayed from the
domain's exact values by `sakip.reports.narrative`.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import formats, timezone

from sakip.domain.evaluation import NodeScore
from sakip.domain.lke_grading import QUALIFIER_LABELS, Qualifier
from sakip.reports.docx import render_docx
from sakip.reports.model import (
    Align,
    Cell,
    Cover,
    Document,
    Heading,
    ParagraphStyle,
    Run,
    Signatory,
    SignatureBlock,
    Table,
    para,
)
from sakip.reports.narrative import num_text

from . import recommendations, services
from .models import Answer, Evaluation

HEADER_SHADE = "D9E2F3"


def _points(node: NodeScore) -> tuple[str, Decimal | None]:
    if node.value is not None:
        return num_text(node.value, 2), node.value
    return "—", None


def _cell(value: Decimal | None, places: int = 2) -> Cell:
    if value is None:
        return Cell("—", align=Align.CENTER)
    return Cell(num_text(value, places), value=value, align=Align.RIGHT)


def _head(*labels: str) -> list[list[Cell]]:
    return [[Cell(label, bold=True, align=Align.CENTER, shade=HEADER_SHADE) for label in labels]]


def _fulfilled(node: NodeScore) -> str:
    """ "5 dari 6 (83,3 %)": the criteria fulfilled under the 88/2021 method."""
    if node.fulfilled is None or node.share is None:
        return "—"
    return f"{num_text(node.fulfilled, 0)} dari {node.criteria_count} ({num_text(node.share, 1)} %)"


def _grade(node: NodeScore) -> str:
    """ "BB · 4,80"; the provisional grade marked * while a criterion is unanswered."""
    if node.grade is not None and node.value is not None:
        return f"{node.grade} · {num_text(node.value, 2)}"
    return f"{node.computed_grade}*" if node.computed_grade else "—"


def _decisions(evaluator_subs: list[NodeScore]) -> list[str]:
    """The evaluator's grades other than the computed ones, with the qualifier and the note or reason."""
    lines = []
    for se in evaluator_subs:
        if se.grade is None or se.computed_grade is None or se.grade == se.computed_grade:
            continue
        what = "dinaikkan" if se.qualifier else "diturunkan"
        qualifier = f" ({QUALIFIER_LABELS[Qualifier(se.qualifier)]})" if se.qualifier else ""
        lines.append(
            f"Subkomponen {se.code}: nilai {what} oleh evaluator dari {se.computed_grade} menjadi "
            f"{se.grade}{qualifier}: {se.grade_note}"
        )
    return lines


VALUE_WORDS = {"Y": "Ada", "T": "Tidak ada"}


def _side(a: Answer, role: str) -> str:
    """One side's answer beside Sakip's proposal: confirmed, overridden or not answered, and by whom."""
    value = a.self_value if role == "self" else a.evaluator_value
    user = a.self_by if role == "self" else a.evaluator_by
    who = f" oleh {user.get_full_name() or user.get_username()}" if user else ""
    side = "mandiri" if role == "self" else "evaluator"
    if not value:
        return f"belum dijawab {side}"
    if value == a.proposed_value:
        return f"dikonfirmasi {side}{who}"
    return f"diubah {side}{who} menjadi {VALUE_WORDS.get(value, value)}"


def proposal_line(a: Answer) -> str:
    """ "Ada (diusulkan Sakip 7 Desember 2026); dikonfirmasi mandiri oleh …; diubah evaluator oleh … menjadi
    Tidak ada" — what Sakip proposed and what became of it; "" for a criterion Sakip does not propose."""
    if not a.proposed_value:
        return ""
    when = f" {formats.date_format(timezone.localtime(a.proposed_at), 'j F Y')}" if a.proposed_at is not None else ""
    proposal = f"{VALUE_WORDS.get(a.proposed_value, a.proposed_value)} (diusulkan Sakip{when})"
    return "; ".join([proposal, _side(a, "self"), _side(a, "evaluator")])


def _proposals_summary(proposed: list[Answer]) -> str:
    confirmed = sum(1 for a in proposed if a.evaluator_value and a.evaluator_value == a.proposed_value)
    overridden = sum(1 for a in proposed if a.evaluator_value and a.evaluator_value != a.proposed_value)
    return (
        f"Sakip mengusulkan jawaban {len(proposed)} kriteria dari datanya sendiri (dokumen, alur persetujuan, "
        f"jejak audit); evaluator mengonfirmasi {confirmed}, mengubah {overridden}, dan "
        f"{len(proposed) - confirmed - overridden} belum dinilai. Kolom «Usulan Sakip» menyebut usulan dan "
        "siapa yang mengonfirmasi atau mengubahnya."
    )


def build_report(ev: Evaluation) -> Document:
    s = services.scores(ev)
    fw = s.framework
    own, evaluator = s.own, s.evaluator
    office = ev.office
    regency = office.regency_label or office.regency.name
    doc = Document(
        kind="lhe-sakip",
        title="Laporan Hasil Evaluasi SAKIP",
        office=office.name,
        year=ev.year,
        regency=regency,
        draft=ev.status != Evaluation.Status.FINISHED,
    )
    doc.add(
        Cover(
            ["LAPORAN HASIL EVALUASI", "AKUNTABILITAS KINERJA INSTANSI PEMERINTAH"],
            office.name,
            regency,
            str(ev.year),
            subtitle=[fw.name],
        )
    )

    doc.add(Heading("RINGKASAN HASIL EVALUASI", 1, chapter="1"))
    total_text, total_value = _points(evaluator.total)
    if total_value is not None:
        doc.add(
            para(
                f"Berdasarkan evaluasi atas implementasi SAKIP {office.name} tahun {ev.year} menggunakan {fw.name}, "
                "diperoleh nilai ",
                Run(total_text, bold=True, value=total_value),
                " dari 100 dengan predikat ",
                Run(evaluator.predicate or "—", bold=True),
                ".",
            )
        )
    else:
        doc.add(
            para(
                f"Evaluasi atas implementasi SAKIP {office.name} tahun {ev.year} belum selesai: "
                f"{evaluator.total.answered} dari {evaluator.total.criteria_count} kriteria telah dinilai evaluator.",
                style=ParagraphStyle.PLACEHOLDER,
            )
        )
    own_text, own_value = _points(own.total)
    if own_value is not None:
        doc.add(
            para(
                "Nilai penilaian mandiri perangkat daerah adalah ",
                Run(own_text, value=own_value),
                f" (predikat {own.predicate}).",
            )
        )
    if fw.regulation:
        doc.add(para(f"Dasar evaluasi: {fw.regulation}.", style=ParagraphStyle.NOTE))
    if fw.graded:
        doc.add(
            para(
                "Metode penilaian: setiap subkomponen diberi nilai AA/A/BB/B/CC/C/D/E dari persentase kriteria "
                "yang terpenuhi (E tidak ada; D >0–25 %; C >25–50 %; CC >50–75 %; B >75–<100 %; BB seluruhnya; "
                "A dan AA hanya dengan kualifikasi evaluator) dan bernilai 100/90/80/70/60/50/30/0 % dari "
                "bobotnya.",
                style=ParagraphStyle.NOTE,
            )
        )
    else:
        doc.add(
            para(
                "Metode penilaian: PermenPAN-RB 12/2015 (metode lama), rata-rata nilai kriteria per subkomponen.",
                style=ParagraphStyle.NOTE,
            )
        )
    rows = []
    for i, (co, ce) in enumerate(zip(own.components, evaluator.components, strict=True), start=1):
        rows.append(
            [Cell(str(i), align=Align.CENTER), Cell(co.name), _cell(co.weight), _cell(co.value), _cell(ce.value)]
        )
    rows.append(
        [
            Cell(""),
            Cell("Nilai akhir", bold=True),
            _cell(fw.total),
            _cell(own.total.value),
            _cell(evaluator.total.value),
        ]
    )
    rows.append(
        [
            Cell(""),
            Cell("Predikat", bold=True),
            Cell(""),
            Cell(own.predicate or "—", align=Align.CENTER),
            Cell(evaluator.predicate or "—", align=Align.CENTER),
        ]
    )
    doc.add(
        Table(
            "Nilai per komponen: penilaian mandiri dan evaluator",
            _head("No", "Komponen", "Bobot", "Mandiri", "Evaluator"),
            rows,
            widths=(1, 8, 2, 2.5, 2.5),
        )
    )
    if ev.summary:
        doc.add(para(ev.summary, style=ParagraphStyle.OPERATOR))

    doc.add(Heading("HASIL EVALUASI PER KOMPONEN", 1, chapter="2"))
    answers = {a.criterion.code: a for a in ev.answers.select_related("criterion", "self_by", "evaluator_by")}
    proposed = [a for a in answers.values() if a.proposed_value]
    if proposed:
        doc.add(para(_proposals_summary(proposed), style=ParagraphStyle.NOTE))
    for co, ce, comp in zip(own.components, evaluator.components, fw.components, strict=True):
        doc.add(Heading(f"{comp.code}. {comp.name} (bobot {num_text(comp.weight)})", 2))
        sub_rows = []
        crit_rows = []
        n = 0
        for so, se, sub in zip(co.children, ce.children, comp.subcomponents, strict=True):
            sub_rows.append([Cell(sub.code), Cell(sub.name), _cell(sub.weight), _cell(so.value), _cell(se.value)])
            for xo, xe in zip(so.criteria, se.criteria, strict=True):
                n += 1
                a = answers.get(xo.criterion.code)
                note = a.evaluator_note if a else ""
                crit_rows.append(
                    [
                        Cell(str(n), align=Align.CENTER),
                        Cell(f"{xo.criterion.code} {xo.criterion.text}"),
                        Cell(xo.answer or "—", align=Align.CENTER),
                        Cell(xe.answer or "—", align=Align.CENTER),
                        Cell(proposal_line(a) if a else ""),
                        Cell(note),
                    ]
                )
        if fw.graded:
            graded_rows = [
                [
                    Cell(sub.code),
                    Cell(sub.name),
                    _cell(sub.weight),
                    Cell(_fulfilled(so), align=Align.CENTER),
                    Cell(_grade(so), align=Align.CENTER),
                    Cell(_fulfilled(se), align=Align.CENTER),
                    Cell(_grade(se), align=Align.CENTER),
                ]
                for so, se, sub in zip(co.children, ce.children, comp.subcomponents, strict=True)
            ]
            graded_rows.append(
                [
                    Cell(""),
                    Cell("Jumlah", bold=True),
                    _cell(comp.weight),
                    Cell(""),
                    _cell(co.value),
                    Cell(""),
                    _cell(ce.value),
                ]
            )
            doc.add(
                Table(
                    f"Nilai subkomponen {comp.name}",
                    _head(
                        "Kode",
                        "Subkomponen",
                        "Bobot",
                        "Mandiri: kriteria terpenuhi",
                        "Mandiri: nilai",
                        "Evaluator: kriteria terpenuhi",
                        "Evaluator: nilai",
                    ),
                    graded_rows,
                    widths=(1.2, 5.8, 1.4, 2.4, 1.8, 2.4, 1.8),
                    small=True,
                )
            )
            for line in _decisions(list(ce.children)):
                doc.add(para(line, style=ParagraphStyle.OPERATOR))
        else:
            sub_rows.append([Cell(""), Cell("Jumlah", bold=True), _cell(comp.weight), _cell(co.value), _cell(ce.value)])
            doc.add(
                Table(
                    f"Nilai subkomponen {comp.name}",
                    _head("Kode", "Subkomponen", "Bobot", "Mandiri", "Evaluator"),
                    sub_rows,
                    widths=(1.5, 7.5, 2, 2.5, 2.5),
                )
            )
        doc.add(
            Table(
                f"Jawaban kriteria {comp.name}",
                _head("No", "Kriteria", "Mandiri", "Evaluator", "Usulan Sakip", "Catatan"),
                crit_rows,
                widths=(1, 7, 1.6, 1.6, 4, 4),
                small=True,
            )
        )

    doc.add(Heading("REKOMENDASI", 1, chapter="3"))
    _recommendation_tables(doc, ev)
    when = ev.finished_at or timezone.now()
    place = office.regency_label or office.regency.name
    doc.add(
        SignatureBlock(
            right=Signatory(
                position=f"Inspektur {place}",
                name=(ev.finished_by.get_full_name() or ev.finished_by.get_username()) if ev.finished_by else None,
                role="Evaluator",
            ),
            place_date=f"{place}, {formats.date_format(timezone.localtime(when), 'j F Y')}",
        )
    )
    doc.number_items()
    return doc


def _follow_up_text(item: recommendations.Item) -> str:
    """The follow-up as recorded: note, date, who."""
    r = item.rec
    parts = [r.follow_up_note] if r.follow_up_note else []
    when = formats.date_format(r.follow_up_date, "j F Y") if r.follow_up_date else ""
    who = item.who
    if when or who:
        parts.append("(" + ", ".join(p for p in (when, f"dicatat {who}" if who else "") if p) + ")")
    if r.follow_up_link:
        parts.append(r.follow_up_link)
    if r.follow_up_name:
        parts.append(f"Bukti: {r.follow_up_name}")
    return " ".join(parts) or "—"


def _confirmation_text(item: recommendations.Item) -> str:
    r = item.rec
    if item.finished and r.confirmed_at is not None:
        text = f"Dikonfirmasi {item.confirmed_by}, {formats.date_format(timezone.localtime(r.confirmed_at), 'j F Y')}"
    elif r.follow_up_status == r.FollowUp.DONE:
        text = "Menunggu konfirmasi evaluator"
    else:
        text = "—"
    return f"{text}. {r.confirmation_note}" if r.confirmation_note else text


def _recommendation_tables(doc: Document, ev: Evaluation) -> None:
    """«Tindak lanjut rekomendasi tahun lalu» (carried, with their one follow-up) and this year's recommendations."""
    shown = recommendations.items(ev)
    carried = [i for i in shown if i.carried]
    own = [i for i in shown if not i.carried]
    if carried:
        doc.add(Heading("Tindak lanjut rekomendasi tahun lalu", 2))
        doc.add(
            Table(
                "Tindak lanjut rekomendasi tahun lalu",
                _head("No", "Rekomendasi", "Subkomponen", "Status", "Tindak lanjut", "Konfirmasi evaluator"),
                [
                    [
                        Cell(str(n), align=Align.CENTER),
                        Cell(f"{i.rec.text} (rekomendasi {i.origin_year})"),
                        Cell(i.subcomponent_code or i.rec.component_code or "—", align=Align.CENTER),
                        Cell(i.status_text),
                        Cell(_follow_up_text(i)),
                        Cell(_confirmation_text(i)),
                    ]
                    for n, i in enumerate(carried, start=1)
                ],
                widths=(1, 5.5, 1.8, 2.7, 4.5, 3.5),
                small=True,
            )
        )
    if carried or own:
        doc.add(Heading(f"Rekomendasi evaluasi {ev.year}", 2))
    if not own:
        text = "Tidak ada rekomendasi baru." if carried else "Tidak ada rekomendasi."
        doc.add(para(text, style=ParagraphStyle.PLACEHOLDER))
        return
    doc.add(
        Table(
            "Rekomendasi dan tindak lanjut",
            _head("No", "Rekomendasi", "Subkomponen", "Status", "Tindak lanjut"),
            [
                [
                    Cell(str(n), align=Align.CENTER),
                    Cell(i.rec.text),
                    Cell(i.subcomponent_code or i.rec.component_code or "—", align=Align.CENTER),
                    Cell(i.status_text),
                    Cell(_follow_up_text(i)),
                ]
                for n, i in enumerate(own, start=1)
            ],
            widths=(1, 6.5, 2, 3, 5.5),
        )
    )


def evaluation_report_docx(ev: Evaluation) -> bytes:
    return render_docx(build_report(ev))
