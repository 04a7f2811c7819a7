"""The scorecard as data for output: JSON-ready dicts and Indonesian display strings.

Numbers stay exact in JSON (as decimal strings, rounded only where a field says
``*_display``), so a machine reader can recompute; display strings follow the
Indonesian format of the documents (``96,47 %``, ``1.816.490.281,00``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sakip.domain import budget as budget_rules
from sakip.domain.budget import BudgetLine, EfficiencyVerdict
from sakip.domain.measurement import Achievement, Range, Status, Target
from sakip.domain.numbers import format_number, format_percent, round_half_up
from sakip.domain.periods import QUARTER_LABELS
from sakip.domain.review import Finding
from sakip.domain.scorecard import AggregateScore, IndicatorScore, Scorecard
from sakip.domain.survey import BASIS_TEXT

NOT_MEASURED_TEXT = "belum diukur"
NO_TARGET_TEXT = "target belum ditetapkan"

EFFICIENCY_TEXT = {
    EfficiencyVerdict.EFFICIENT: "target tercapai dengan anggaran lebih kecil dari yang direncanakan (efisien)",
    EfficiencyVerdict.ON_PLAN: "target tercapai dengan seluruh anggaran yang direncanakan",
    EfficiencyVerdict.TARGET_MISSED_UNDERSPENT: "target belum tercapai dan anggaran tidak terserap penuh",
    EfficiencyVerdict.TARGET_MISSED_OVERSPENT: "target belum tercapai meskipun realisasi melebihi pagu",
    EfficiencyVerdict.OVERSPENT: "target tercapai dengan realisasi melebihi pagu",
    EfficiencyVerdict.LOW_ABSORPTION: (
        "target tercapai, tetapi penyerapan anggaran rendah dan belum dijelaskan, sehingga belum dapat "
        "disebut efisien"
    ),
    EfficiencyVerdict.UNKNOWN: "efisiensi belum dapat dihitung",
}


def dec(value: Decimal | None) -> str | None:
    """Exact decimal as a string for JSON (None stays null)."""
    return None if value is None else format(value, "f")


def show_number(value: Decimal | str | None, places: int | None = None) -> str:
    """A target or realisation: whole numbers without decimals (``1.100``), others with two."""
    if value is None:
        return "-"
    if isinstance(value, str):
        return value
    if places is None:
        places = 0 if value == value.to_integral_value() else 2
    return format_number(value, places)


def show_target(t: Target | None) -> str:
    if t is None:
        return "-"
    if isinstance(t, Range):
        return f"{show_number(t.low)} – {show_number(t.high)}"
    return show_number(t)


def show_achievement(a: Achievement) -> str:
    if a.status is Status.NOT_MEASURED:
        return NOT_MEASURED_TEXT
    if a.status is Status.NO_TARGET:
        return NO_TARGET_TEXT
    if a.status is Status.UNDEFINED or a.value is None:
        return "tidak terdefinisi"
    text = format_percent(a.value)
    if a.capped and a.raw is not None:
        text += f" (mentah {format_percent(a.raw)})"
    return text


def show_percent(value: Decimal | None) -> str:
    return "-" if value is None else format_percent(value)


def achievement_dict(a: Achievement) -> dict[str, Any]:
    return {
        "status": a.status.value,
        "raw": dec(a.raw),
        "value": dec(a.value),
        "display": show_achievement(a),
        "capped": a.capped,
        "met": a.met,
        "reason": a.reason,
    }


def _target_json(t: Target | None) -> Any:
    if isinstance(t, Range):
        return {"low": dec(t.low), "high": dec(t.high)}
    if isinstance(t, Decimal):
        return dec(t)
    return t


def target_text(t: Target | None) -> str | None:
    """A target as exact text for the open data: ``85``, ``10–20`` or a grade (None: no target)."""
    j = _target_json(t)
    if j is None:
        return None
    if isinstance(j, dict):
        return f"{j['low']}–{j['high']}"
    return str(j)


def indicator_dict(s: IndicatorScore) -> dict[str, Any]:
    return {
        "id": s.indicator.id,
        "name": s.indicator.name,
        "unit": s.indicator.unit,
        "level": s.level,
        "parent": s.parent_id,
        "polarity": s.indicator.polarity.value,
        "iku": s.indicator.iku,
        "in_pk": s.in_pk,
        "target": _target_json(s.target),
        "target_source": s.target_source,
        "year_target": _target_json(s.year_target),
        "realisation": _target_json(s.realisation),
        "realisation_source": s.realisation_source,
        "achievement": achievement_dict(s.achievement),
        "category": s.category,
        "color": s.color,
        "quarters": [
            {
                "quarter": q.quarter,
                "value": _target_json(q.value),
                "to_date": _target_json(q.to_date),
                "target_to_date": _target_json(q.target_to_date),
                "achievement": achievement_dict(q.achievement),
                "category": q.category,
                "color": q.color,
            }
            for q in s.quarters
        ],
        "history": [
            {
                "year": p.year,
                "target": dec(p.target),
                "realisation": dec(p.realisation),
                "achievement": dec(p.achievement),
            }
            for p in s.history
        ],
        "change_from_previous_year": None
        if s.change is None
        else {
            "from_year": s.change.from_year,
            "realisation_change": dec(s.change.realisation_change),
            "achievement_change": dec(s.change.achievement_change),
            "improved": s.change.improved,
        },
        "end_target": _target_json(s.indicator.end_target),
        "end_target_progress": None if s.end_target_progress is None else achievement_dict(s.end_target_progress),
        "national_standard": None
        if s.standard is None
        else {
            "standard": dec(s.standard.standard),
            "difference": dec(s.standard.difference),
            "meets": s.standard.meets,
        },
        "explanation": s.explanation,
        "errors": list(s.errors),
        "target_basis": target_basis_dict(s),
        "survey": survey_link_dict(s),
    }


def target_basis_dict(s: IndicatorScore) -> dict[str, Any] | None:
    """Which target the year's achievement is measured against, the PK's beside it, and why (`one_figure`)."""
    b = s.target_basis
    if b is None:
        return None
    note = b.note()
    return {
        "used": _target_json(b.used),
        "source": b.source,
        "pk_target": _target_json(b.pk),
        "plan_target": _target_json(b.plan),
        "differs_from_pk": b.differs,
        "note": str(note) if note is not None else None,
    }


def survey_link_dict(s: IndicatorScore) -> dict[str, Any] | None:
    """The linked survey's index: sets the realisation, agrees with it, or is proposed in its place."""
    link = s.survey
    if link is None:
        return None
    note = link.note(s.indicator.name)
    return {
        "index": dec(link.index),
        "entered": _target_json(link.entered),
        "status": link.status,
        "difference": dec(link.difference),
        "note": str(note) if note is not None else None,
    }


def aggregate_dict(a: AggregateScore) -> dict[str, Any]:
    return {
        "id": a.id,
        "text": a.text,
        "achievement": dec(a.aggregate.value),
        "display": show_percent(a.aggregate.value) if a.aggregate.value is not None else NOT_MEASURED_TEXT,
        "category": a.category,
        "color": a.color,
        "measured": a.aggregate.measured,
        "not_measured": a.aggregate.not_measured,
        "undefined": a.aggregate.undefined,
    }


def finding_dict(f: Finding) -> dict[str, Any]:
    def val(v: Decimal | str | None) -> Any:
        return dec(v) if isinstance(v, Decimal) else v

    return {
        "where": f.where,
        "what": f.what,
        "printed": val(f.printed),
        "correct": val(f.correct),
        "severity": f.severity.value,
        "explanation": f.explanation,
    }


def as_of_text(sc: Scorecard) -> str:
    """What the figures are: "tahun 2025" or "s.d. TW II 2025"."""
    if sc.quarter is None:
        return f"tahun {sc.year}"
    return f"s.d. {QUARTER_LABELS[sc.quarter]} {sc.year}"


def scorecard_dict(sc: Scorecard) -> dict[str, Any]:
    out: dict[str, Any] = {
        "office": {"code": sc.office.code, "name": sc.office.name, "regency": sc.office.regency},
        "year": sc.year,
        "quarter": sc.quarter,
        "as_of": as_of_text(sc),
        "scale": sc.scale.code,
        "cap": sc.office.settings.cap.value,
        "indicators": [indicator_dict(s) for s in sc.indicators],
        "objectives": [aggregate_dict(o) for o in sc.objectives],
        "goals": [aggregate_dict(g) for g in sc.goals],
        "office_achievement": aggregate_dict(sc.office_score),
        "budget": None,
        "survey": None,
        "findings": [finding_dict(f) for f in sc.findings],
        "messages": list(sc.messages),
    }
    b = sc.budget
    if b is not None:
        out["budget"] = {
            "through": b.through,
            "classes": {
                c.value: {
                    "label": c.label,
                    "allocation": dec(a.allocation),
                    "realisation": dec(a.realisation),
                    "absorption": dec(a.absorption),
                    "remaining": dec(a.remaining),
                }
                for c, a in b.classes.items()
            },
            "total": None
            if b.total is None
            else {
                "allocation": dec(b.total.allocation),
                "realisation": dec(b.total.realisation),
                "absorption": dec(b.total.absorption),
                "remaining": dec(b.total.remaining),
            },
            "lines": [
                {
                    "code": ls.line.code,
                    "name": ls.line.name,
                    "level": ls.line.level.value,
                    "depth": ls.depth,
                    "objectives": list(ls.line.objectives),
                    "allocation": dec(ls.amounts.allocation),
                    "realisation": dec(ls.amounts.realisation),
                    "absorption": dec(ls.amounts.absorption),
                    "deviation": dec(ls.amounts.deviation),
                    "remaining": dec(ls.amounts.remaining),
                    **budget_line_extras(ls.line),
                }
                for ls in b.lines
            ],
            "sum_checks": [
                {"where": c.where, "what": c.what, "stated": dec(c.stated), "computed": dec(c.computed), "ok": c.ok}
                for c in b.sum_checks
            ],
            "by_objective": {
                (k or "-"): {
                    "allocation": dec(a.allocation),
                    "realisation": dec(a.realisation),
                    "absorption": dec(a.absorption),
                }
                for k, a in b.by_objective.items()
            },
            "efficiency": {
                k: {
                    "achievement": dec(e.achievement),
                    "absorption": dec(e.absorption),
                    "ratio": dec(e.ratio),
                    "difference": dec(e.difference),
                    "verdict": e.verdict.value,
                    "sentence": EFFICIENCY_TEXT[e.verdict],
                }
                for k, e in b.efficiency.items()
            },
        }
    if sc.survey is not None:
        r = sc.survey.result
        out["survey"] = {
            "instrument": r.instrument.code,
            "instrument_name": r.instrument.name,
            "basis": r.basis.value,  # where the index came from: responses, elements (entered) or index (entered)
            "basis_text": BASIS_TEXT[r.basis],
            "ikm": dec(r.ikm),
            "index": dec(r.index),
            "index_display": format_number(r.index),
            "grade": r.grade,
            "grade_2017": r.grade_2017,
            "grade_2004": r.grade_2004,
            "respondents": r.respondents,
            "excluded": r.excluded,
            "elements": [
                {
                    "name": e.name,
                    "nrr": dec(e.nrr),
                    "score": dec(e.score),
                    "grade_2017": e.grade_2017,
                    "grade_2004": e.grade_2004,
                }
                for e in r.elements
            ],
            "weakest": [e.name for e in r.weakest],
            "not_scored": list(r.not_scored),
            "warnings": list(r.warnings),
        }
    return out


def rounded(value: Decimal | None) -> Decimal | None:
    return None if value is None else round_half_up(value)


def budget_line_extras(line: BudgetLine) -> dict[str, Any]:
    """A budget line's original allocation and amendments (when it changed), its basis and objective shares."""
    out: dict[str, Any] = {}
    if line.amended:
        out["allocation_original"] = dec(budget_rules.original_allocation(line))
    if line.amendments:
        out["amendments"] = [
            {"from_quarter": a.from_quarter, "allocation": dec(a.allocation),
             "date": a.date.isoformat() if a.date else None, "reason": a.reason}
            for a in line.amendments
        ]
    if not line.children:
        out["basis"] = line.effective_basis.value
    if line.objective_shares:
        out["objective_shares"] = {k: dec(v) for k, v in line.objective_shares.items()}
    return out
