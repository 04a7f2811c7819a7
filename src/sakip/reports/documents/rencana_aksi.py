"""Rencana Aksi (action plan): the quarter targets of the PK's indicators and the programs that carry them.

``build_rencana_aksi(office, year=None, *, draft=False, scorecard=None, place_date=None) -> Document``

One row per indicator of the PK in force (every indicator with a target when the year has no
PK yet, marked as a draft from the Renstra): the PK's year target (the plan's without a PK),
the four quarter targets as stored (`Measurement.quarterly_targets` or, for a qualitative
indicator, `quarterly_target_grades`) — "belum ditetapkan" where a quarter has none, never
0 — and whether they are cumulative (to date) or per quarter. Then, per objective, the
programs, activities and sub-activities linked to it with their allocation (the budget line
of that code, else the PK's program). `plan_rows` is the content; the .docx (here) and the
.xlsx (`sakip.reports.xlsx_rencana_aksi`) draw the same rows.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from sakip.domain.measurement import Range, Target
from sakip.domain.office import Office, OutputIndicator, ProgramNode
from sakip.domain.periods import QUARTERS
from sakip.domain.quarter_targets import shown
from sakip.domain.scorecard import IndicatorScore, Scorecard, build_scorecard
from sakip.domain.to_date import quarter_targets

from .. import narrative as nv
from ..model import Align, Cell, Document, Heading, ParagraphStyle, SignatureBlock, Table, para
from . import common as cm

NOT_SET = "belum ditetapkan"
CUMULATIVE = "kumulatif"
PER_QUARTER = "per triwulan"
LEVELS = ("Program", "Kegiatan", "Sub Kegiatan")


@dataclass
class IndicatorRow:
    score: IndicatorScore
    target: Target | None
    quarters: dict[int, Target | None]
    cumulative: bool
    label: str = ""  # the name as printed: with its level where the plan lists it at goal and objective level

    @property
    def printed_name(self) -> str:
        ind = self.score.indicator
        return (self.label or ind.name) + (" (IKU)" if ind.iku else "")

    @property
    def complete(self) -> bool:
        return all(self.quarters.get(q) is not None for q in QUARTERS)

    @property
    def kind(self) -> str:
        if not any(v is not None for v in self.quarters.values()):
            return "-"
        return CUMULATIVE if self.cumulative else PER_QUARTER


@dataclass
class ProgramRow:
    node: ProgramNode
    depth: int  # 0 program, 1 activity, 2 sub-activity
    allocation: Decimal | None
    outputs: list[tuple[OutputIndicator, Target | None]] = field(default_factory=list)

    @property
    def level(self) -> str:
        return LEVELS[min(self.depth, 2)]


@dataclass
class Group:
    title: str  # "Sasaran: …" / "Tujuan: …"
    indicators: list[IndicatorRow]
    programs: list[ProgramRow]


def text_of(value: Target | Decimal | str | None) -> str:
    """A target as the action plan writes it: the value's own decimals (``20,6``, ``1.100``), a grade, a range."""
    if value is None:
        return NOT_SET
    if isinstance(value, Range):
        return f"{shown(value.low)} – {shown(value.high)}"
    return shown(value)


def _allocations(sc: Scorecard) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    yd = sc.office.years.get(sc.year)
    if yd is not None and yd.agreement is not None:
        out.update({p.program_code: p.allocation for p in yd.agreement.programs if p.program_code})
    if sc.budget is not None:
        out.update({ls.line.code: ls.amounts.allocation for ls in sc.budget.lines})
    return out


def _programs(nodes: list[ProgramNode], year: int, allocations: dict[str, Decimal]) -> list[ProgramRow]:
    rows: list[ProgramRow] = []

    def walk(node: ProgramNode, depth: int) -> None:
        rows.append(
            ProgramRow(node, depth, allocations.get(node.code), [(o, o.targets.get(year)) for o in node.indicators])
        )
        for child in node.children:
            walk(child, depth + 1)

    for node in nodes:
        walk(node, 0)
    return rows


def has_agreement(sc: Scorecard) -> bool:
    yd = sc.office.years.get(sc.year)
    return yd is not None and yd.agreement is not None


def plan_rows(sc: Scorecard) -> list[Group]:
    """The action plan's content: per goal/objective its indicators' quarter targets and its programs."""
    office, y = sc.office, sc.year
    yd = office.years.get(y)
    in_pk = has_agreement(sc)
    allocations = _allocations(sc)
    agreed = yd.agreement.targets if yd is not None and yd.agreement is not None else {}
    groups: list[Group] = []

    def indicator_rows(scores: list[IndicatorScore]) -> list[IndicatorRow]:
        rows = []
        for s in scores:
            if (in_pk and not s.in_pk) or (not in_pk and s.target is None):
                continue
            m = yd.measurements.get(s.indicator.id) if yd else None
            quarters: dict[int, Target | None] = dict.fromkeys(QUARTERS)
            quarters.update({q: v for q, v in quarter_targets(m).items() if v is not None})
            # the PK's own target (the action plan breaks the agreement down), else the plan's for the year
            target = agreed.get(s.indicator.id, s.target) if in_pk else s.target
            rows.append(IndicatorRow(s, target, quarters, bool(m and m.cumulative_targets)))
        return rows

    for g in office.plan.goals:
        inds = indicator_rows([s for s in sc.indicators if s.level == "goal" and s.parent_id == g.id])
        if inds:
            groups.append(Group(f"Tujuan: {g.text}", inds, []))
    linked: set[str] = set()
    for o in office.plan.objectives:
        inds = indicator_rows([s for s in sc.indicators if s.level == "objective" and s.parent_id == o.id])
        nodes = [n for n in office.plan.programs if o.id in n.objectives]
        linked |= {n.code for n in nodes}
        if inds or nodes:
            groups.append(Group(f"Sasaran: {o.text}", inds, _programs(nodes, y, allocations)))
    rest = [n for n in office.plan.programs if n.code not in linked]
    if rest:
        groups.append(Group("Program/kegiatan tanpa tautan ke sasaran", [], _programs(rest, y, allocations)))
    labels = cm.level_labels(r.score for g in groups for r in g.indicators)
    for r in (r for g in groups for r in g.indicators):
        r.label = labels[id(r.score)]
    return groups


# --------------------------------------------------------------------------- the .docx


def _date_text(iso: str | None, year: int) -> str:
    """The PK's date in words (``31 Januari 2025``); without one, January of the year."""
    try:
        day = datetime.date.fromisoformat(iso) if iso else None
    except ValueError:
        day = None
    if day is None:
        return cm.month_year(year)
    return f"{day.day} {cm.MONTHS[day.month - 1]} {day.year}"


def _target_cell(value: Target | None) -> Cell:
    if isinstance(value, Decimal):
        return cm.n(value, text=shown(value))
    return Cell(text_of(value), align=Align.CENTER)


# widths (cm, relative): every header word fits its column at the header type (8,5 pt bold; see the tests)
TARGET_WIDTHS = (1.0, 7.4, 2.0, 2.2, 2.2, 2.2, 2.2, 2.2, 2.8)
PROGRAM_WIDTHS = (3.2, 9.6, 6.8, 2.4, 3.0)


def build_rencana_aksi(
    office: Office,
    year: int | None = None,
    *,
    draft: bool = False,
    scorecard: Scorecard | None = None,
    place_date: str | None = None,
) -> Document:
    sc = scorecard if scorecard is not None else build_scorecard(office, year)
    y = sc.year
    doc = Document(
        "rencana-aksi",
        f"Rencana Aksi Tahun {y} {office.name}",
        office.name,
        y,
        regency=office.regency,
        draft=draft,
        landscape=True,
    )
    doc.add(para(f"RENCANA AKSI TAHUN {y}", style=ParagraphStyle.TITLE))
    doc.add(para(office.name.upper(), style=ParagraphStyle.TITLE))
    if office.regency:
        doc.add(para(office.regency.upper(), style=ParagraphStyle.TITLE))
    groups = plan_rows(sc)
    rows = [r for g in groups for r in g.indicators]
    if has_agreement(sc):
        yd = office.years[y]
        pk = yd.agreement
        assert pk is not None
        label = "Perjanjian Kinerja Perubahan" if pk.kind == "amendment" else "Perjanjian Kinerja"
        doc.add(
            para(
                f"Rencana Aksi ini menjabarkan target kinerja {label} tahun {y} {office.name} ke dalam target "
                "triwulan, beserta program, kegiatan dan sub kegiatan yang mendukung pencapaiannya."
            )
        )
    else:
        doc.add(
            para(
                "Rancangan: Perjanjian Kinerja tahun ini belum dicatat; target tahunan diambil dari Rencana Strategis.",
                style=ParagraphStyle.PLACEHOLDER,
            )
        )
    complete = sum(1 for r in rows if r.complete)
    doc.add(
        para(
            "Rencana aksi memuat ",
            *nv.count_words(len(rows)),
            " indikator kinerja; ",
            *nv.count_words(complete),
            " di antaranya telah memiliki target pada keempat triwulan.",
        )
    )

    doc.add(Heading("A. Target Triwulan Indikator Kinerja", 2))
    header = [
        [cm.h("No"), cm.h("Indikator Kinerja"), cm.h("Satuan"), cm.h(f"Target {y}"), cm.h("Target Triwulan", span=4),
         cm.h("Sifat Target")],
        [cm.h(""), cm.h(""), cm.h(""), cm.h("")] + [cm.h(f"TW {r}") for r in ("I", "II", "III", "IV")] + [cm.h("")],
    ]
    body: list[list[Cell]] = []
    no = 0
    for g in groups:
        if not g.indicators:
            continue
        body.append([cm.t(g.title, bold=True, span=9, shade=cm.TOTAL_SHADE)])
        for r in g.indicators:
            no += 1
            ind = r.score.indicator
            body.append(
                [cm.c(str(no)), cm.t(r.printed_name), cm.c(ind.unit), _target_cell(r.target)]
                + [cm.quarter_target_cell(r.quarters.get(q)) for q in QUARTERS]
                + [cm.c(r.kind)]
            )
    if not body:
        body.append([cm.t("Belum ada indikator dalam Perjanjian Kinerja.", span=9)])
    doc.add(
        Table(
            f"Rencana Aksi Tahun {y}: Target Triwulan per Indikator Kinerja",
            header,
            body,
            widths=TARGET_WIDTHS,
            small=True,
            source='Kumulatif: target s.d. triwulan itu; per triwulan: target triwulan itu sendiri. '
            '"belum ditetapkan": target triwulan belum diisi (bukan 0).',
        )
    )

    doc.add(Heading("B. Program, Kegiatan dan Sub Kegiatan Pendukung", 2))
    prow: list[list[Cell]] = []
    for g in groups:
        if not g.programs:
            continue
        prow.append([cm.t(g.title, bold=True, span=5, shade=cm.TOTAL_SHADE)])
        for p in g.programs:
            bold = p.depth == 0
            outputs = "; ".join(
                f"{o.name} ({text_of(t) if t is not None else '-'} {o.unit})".replace(" )", ")") for o, t in p.outputs
            )
            prow.append(
                [
                    cm.t(p.node.code, bold=bold),
                    cm.t("    " * p.depth + p.node.name, bold=bold),
                    cm.t(outputs or "-"),
                    cm.c(p.level),
                    cm.m(p.allocation, bold=bold),
                ]
            )
    if not prow:
        prow.append([cm.t("Belum ada program yang ditautkan ke sasaran.", span=5)])
    doc.add(
        Table(
            f"Program, Kegiatan dan Sub Kegiatan Pendukung Tahun {y}",
            [[cm.h("Kode"), cm.h("Program / Kegiatan / Sub Kegiatan"), cm.h("Indikator Keluaran (Target)"),
              cm.h("Tingkat"), cm.h("Pagu (Rp)")]],
            prow,
            widths=PROGRAM_WIDTHS,
            small=True,
            source="Pagu: anggaran baris dengan kode yang sama, atau anggaran program pada Perjanjian Kinerja.",
        )
    )
    head = cm.signatory(office.head, cm.head_position(office))
    agreement = office.years[y].agreement if has_agreement(sc) else None
    place = place_date or f"{cm.place_of(office)}, {_date_text(agreement.date if agreement else None, y)}"
    doc.add(SignatureBlock(head, place_date=place))
    doc.number_items()
    return doc
