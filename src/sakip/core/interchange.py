"""Import and export of the office dataset format (``sakip-office/1``) to and from the database.

`import_office` validates the whole document first (the dataset loader: schema,
then meaning; then the database's exactness limits; the files of a bundle) and
stores it in one transaction: one error anywhere and nothing is stored. Importing
an office that exists replaces its data. `export_office` writes the same document
back (with ``provenance=True`` also the evidence files' metadata and who entered
each quarter and uploaded each file: `core.provenance`);
`canonical` puts a document in a normal form (defaults filled, empty values
dropped) so that a round trip can be compared for equality.

The domain model of a stored office is built by exporting it and loading the
document (`domain_office`), so the loader stays the one place where a document
becomes domain objects.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, QuerySet

from sakip.accounts.models import Office, Regency, Unit, YearSetting
from sakip.agreements.models import PkProgram, PkTarget, PkVersion
from sakip.audit.recorder import batch as audit_batch
from sakip.budgeting.models import AllocationAmendment, BudgetLine, BudgetYear, ClassAmount, LineQuarter
from sakip.core.fields import check_exact, normalize
from sakip.dataset.loader import FORMAT, DatasetError, Issue, format_path, load_document
from sakip.domain import office as domain
from sakip.domain.survey import INSTRUMENTS
from sakip.monitoring.models import Evidence, IndicatorYear, InputValue, ObjectivePrinted, Quarter
from sakip.planning.models import (
    FormulaInput,
    Goal,
    Indicator,
    Objective,
    OutputIndicator,
    PlanPeriod,
    ProgramNode,
    Target,
)
from sakip.profiles import interchange as profile_io
from sakip.surveys.models import Survey
from sakip.workflow import guard
from sakip.workflow.services import PeriodLocked, has_frozen_periods

from .provenance import BundleFiles, ImportProvenance, ProvenanceExport, files_rolled_back

# ----------------------------------------------------------------------------- helpers


def _dec_json(value: Any) -> Any:
    """Decimals inside JSON fields are kept as exact strings."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dict):
        return {k: _dec_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_dec_json(v) for v in value]
    return value


def _num_json(value: Any) -> Any:
    """The reverse of `_dec_json` for printed blocks: numeric strings back to Decimal."""
    if isinstance(value, str):
        try:
            return normalize(Decimal(value))
        except ArithmeticError:
            return value
    if isinstance(value, dict):
        return {k: _num_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_num_json(v) for v in value]
    return value


_TEXT_KEYS = {"where", "category", "grade"}


def _printed_json(value: Mapping[str, Any] | None) -> dict[str, Any]:
    return dict(_dec_json(dict(value or {})))


def _printed_from_json(value: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in value.items():
        if k in _TEXT_KEYS:
            out[k] = v
        elif k == "elements" and isinstance(v, dict):
            out[k] = {name: _num_json(x) for name, x in v.items()}
        elif k in ("realisation", "target") and isinstance(v, str) and not _looks_numeric(v):
            out[k] = v
        else:
            out[k] = _num_json(v)
    return out


def _looks_numeric(s: str) -> bool:
    try:
        Decimal(s)
    except ArithmeticError:
        return False
    return True


def _exactness_issues(doc: Any, path: tuple[Any, ...] = ()) -> list[Issue]:
    issues: list[Issue] = []
    if isinstance(doc, Decimal):
        try:
            check_exact(doc)
        except ValidationError as exc:
            issues.append(Issue(format_path(path), " ".join(exc.messages)))
    elif isinstance(doc, dict):
        for k, v in doc.items():
            issues.extend(_exactness_issues(v, (*path, k)))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            issues.extend(_exactness_issues(v, (*path, i)))
    return issues


def _target_fields(t: Any) -> dict[str, Any]:
    if isinstance(t, dict):
        return {"value": None, "grade": "", "low": t["low"], "high": t["high"]}
    if isinstance(t, str):
        return {"value": None, "grade": t, "low": None, "high": None}
    return {"value": t, "grade": "", "low": None, "high": None}


def _target_out(obj: Any) -> Any:
    if obj.grade:
        return obj.grade
    if obj.low is not None or obj.high is not None:
        return {"low": obj.low, "high": obj.high}
    return obj.value


def _has_target(obj: Any) -> bool:
    return bool(obj.grade) or obj.value is not None or obj.low is not None


def _person(d: Mapping[str, Any] | None, prefix: str) -> dict[str, str]:
    d = d or {}
    return {f"{prefix}_{k}": d.get(k) or "" for k in ("name", "rank", "nip", "position")}


def _person_out(obj: Any, prefix: str) -> dict[str, str] | None:
    name = getattr(obj, f"{prefix}_name")
    if not name:
        return None
    out = {"name": name}
    for k in ("rank", "nip", "position"):
        v = getattr(obj, f"{prefix}_{k}", "")
        if v:
            out[k] = v
    return out


# ----------------------------------------------------------------------------- import


@files_rolled_back  # a bundle's evidence files written by a failed import are removed again
@transaction.atomic
@audit_batch()
def import_office(
    doc: Mapping[str, Any],
    regency: Regency,
    *,
    source: str | None = None,
    files: BundleFiles | None = None,
    notes: list[Issue] | None = None,
) -> Office:
    """Store a whole office dataset; all-or-nothing. Raises `DatasetError` with every problem.

    ``files``: the evidence files of a bundle (`core.bundle`), checked against the document
    before anything is stored; who entered what is recorded as the file's claim (`core.provenance`).
    ``notes`` receives what was stored differently from the file's words (a file not included).
    """
    load_document(doc, source)  # schema + meaning; raises with every issue
    exact = _exactness_issues(doc)
    if exact:
        raise DatasetError(exact, source)
    provenance = ImportProvenance(doc, files, notes, source)  # a bundle's files checked: raises with every issue
    o = doc["office"]
    office, _ = Office.objects.get_or_create(regency=regency, code=o["code"], defaults={"name": o["name"]})
    # the import replaces all the office's data; while some period is frozen it may only leave that period as it
    # was: stored without the row-by-row lock check, then the dataset before and after compared (frozen_changes)
    # (with the evidence files' SHA-256 and who entered what: a frozen period's files may not be swapped or dropped)
    before = export_office(office, provenance=True) if has_frozen_periods(office) and office.plans.exists() else None
    if before is None:
        _replace(office, regency, doc, provenance)
        return office
    with guard.suspended():
        _replace(office, regency, doc, provenance)
    try:
        guard.refuse_dataset_changes(office, before, export_office(office, provenance=True))
    except PeriodLocked as exc:  # the whole import is rolled back (transaction.atomic)
        raise DatasetError([Issue("office", exc.messages[0])], source) from None
    return office


def _replace(office: Office, regency: Regency, doc: Mapping[str, Any], provenance: ImportProvenance) -> None:
    provenance.begin(office)  # before the old evidence rows go: their stored files may be kept
    o = doc["office"]
    _clear(office)
    head = o.get("head") or {}
    superior = o.get("superior") or {}
    office.name = o["name"]
    office.kind = o.get("kind", "kecamatan")
    office.mandate = o.get("mandate") or ""
    office.head_name, office.head_rank = head.get("name", ""), head.get("rank") or ""
    office.head_nip, office.head_position = head.get("nip") or "", head.get("position") or ""
    office.superior_name, office.superior_position = superior.get("name", ""), superior.get("position") or ""
    office.regency_label = o.get("regency") or ""
    office.province = o.get("province") or ""
    office.save()
    if o.get("regency") and not regency.name:
        regency.name = o["regency"]
        regency.save()
    for i, name in enumerate(o.get("units", [])):
        Unit.objects.create(office=office, name=name, order=i)
    profile_io.import_profile(office, doc, provenance.files, source=provenance.source)
    settings = doc.get("settings") or {}
    scale = settings.get("scale", "lkjip-4")
    years = sorted({y["year"] for y in doc.get("years", [])}) or [doc["plan"]["period"]["start"]]
    for year in years:
        YearSetting.objects.create(
            regency=regency,
            office=office,
            year=year,
            scale=scale if isinstance(scale, str) else "custom",
            custom_bands=_dec_json(scale) if isinstance(scale, dict) else [],
            cap=settings.get("cap", "none"),
            lower_formula=settings.get("lower_is_better_formula", "mirror"),
        )
    indicators = _import_plan(office, doc["plan"])
    for yi, y in enumerate(doc.get("years", [])):
        _import_year(office, y, indicators, provenance, f"years[{yi}]")


def _clear(office: Office) -> None:
    PkVersion.objects.filter(office=office).delete()
    Survey.objects.filter(office=office).delete()
    BudgetYear.objects.filter(office=office).delete()
    for plan in PlanPeriod.objects.filter(office=office):
        Indicator.objects.filter(plan=plan).delete()
        Objective.objects.filter(plan=plan).delete()
        plan.delete()
    Unit.objects.filter(office=office).delete()
    YearSetting.objects.filter(office=office).delete()
    profile_io.clear(office)


def _import_indicator(plan: PlanPeriod, d: Mapping[str, Any], order: int, **owner: Any) -> Indicator:
    end = d.get("end_target")
    end_fields: dict[str, Any] = (
        _target_fields(end) if end is not None else {"value": None, "grade": "", "low": None, "high": None}
    )
    formula = d.get("formula") or {}
    ind = Indicator.objects.create(
        plan=plan,
        code=d["id"],
        name=d["name"],
        unit=d["unit"],
        polarity=d.get("polarity", "higher_is_better"),
        rollup=d.get("rollup", "last"),
        method=d.get("method", "ratio"),
        baseline=d.get("baseline"),
        ordinal_scale=d.get("ordinal_scale", ""),
        formula=formula.get("expression", ""),
        definition=d.get("definition") or "",
        iku=d.get("iku", False),
        weight=d.get("weight", 1),
        data_source=d.get("data_source") or "",
        responsible_unit=d.get("responsible_unit") or "",
        national_standard=d.get("national_standard"),
        end_value=end_fields["value"],
        end_grade=end_fields["grade"],
        end_low=end_fields["low"],
        end_high=end_fields["high"],
        order=order,
        **owner,
    )
    for i, (name, spec) in enumerate((formula.get("inputs") or {}).items()):
        FormulaInput.objects.create(
            indicator=ind, name=name, label=spec["label"], rollup=spec.get("rollup", ind.rollup), order=i
        )
    for year, t in (d.get("targets") or {}).items():
        Target.objects.create(indicator=ind, year=int(year), **_target_fields(t))
    return ind


def _import_programs(plan: PlanPeriod, nodes: Iterable[Mapping[str, Any]], parent: ProgramNode | None,
                     level: str, objectives: dict[str, Objective], counter: list[int]) -> None:
    child_level = {"program": "activity", "activity": "sub_activity", "sub_activity": "sub_activity"}[level]
    for d in nodes:
        counter[0] += 1
        node = ProgramNode.objects.create(plan=plan, parent=parent, level=level, code=d["code"], name=d["name"],
                                          order=counter[0])
        node.objectives.set([objectives[c] for c in d.get("objectives", [])])
        for i, oi in enumerate(d.get("indicators", [])):
            OutputIndicator.objects.create(
                program=node, name=oi["name"], unit=oi["unit"], targets=_dec_json(oi.get("targets") or {}),
                realisations=_dec_json(oi.get("realisations") or {}), order=i,
            )
        _import_programs(plan, d.get("activities", []), node, child_level, objectives, counter)
        _import_programs(plan, d.get("sub_activities", []), node, "sub_activity", objectives, counter)


def _import_plan(office: Office, p: Mapping[str, Any]) -> dict[str, Indicator]:
    plan = PlanPeriod.objects.create(
        office=office, kind=p.get("kind", "renstra"), start_year=p["period"]["start"], end_year=p["period"]["end"],
        vision=p.get("vision") or "", missions=list(p.get("missions", [])),
    )
    indicators: dict[str, Indicator] = {}
    goals: dict[str, Goal] = {}
    order = 0
    for gi, g in enumerate(p["goals"]):
        goal = Goal.objects.create(plan=plan, code=g["id"], text=g["text"], weight=g.get("weight", 1), order=gi)
        goals[goal.code] = goal
        for d in g.get("indicators", []):
            order += 1
            indicators[d["id"]] = _import_indicator(plan, d, order, goal=goal)
    objectives: dict[str, Objective] = {}
    for oi, o in enumerate(p["objectives"]):
        obj = Objective.objects.create(
            plan=plan, goal=goals[o["goal"]], code=o["id"], text=o["text"], weight=o.get("weight", 1),
            strategies=list(o.get("strategies", [])), policies=list(o.get("policies", [])), order=oi,
        )
        objectives[obj.code] = obj
        for d in o.get("indicators", []):
            order += 1
            indicators[d["id"]] = _import_indicator(plan, d, order, objective=obj)
    _import_programs(plan, p.get("programs", []), None, "program", objectives, [0])
    return indicators


def _import_year(office: Office, y: Mapping[str, Any], indicators: dict[str, Indicator],
                 provenance: ImportProvenance, where: str) -> None:
    year = y["year"]
    for n, v in enumerate(y.get("performance_agreement", []), start=1):
        version = PkVersion.objects.create(
            office=office, year=year, number=n, kind=v["kind"],
            date=datetime.date.fromisoformat(v["date"]) if v.get("date") else None,
            reason=v.get("reason") or "", title=v.get("title") or "",
            printed_total=v.get("printed_total"),
            **_person(v.get("first_party"), "first_party"), **_person(v.get("second_party"), "second_party"),
        )
        for i, (iid, t) in enumerate(v["targets"].items()):
            PkTarget.objects.create(version=version, indicator=indicators[iid], order=i, **_target_fields(t))
        for i, pr in enumerate(v.get("programs", [])):
            PkProgram.objects.create(version=version, program_code=pr.get("program") or "", name=pr["name"],
                                     allocation=pr["allocation"], source=pr.get("source") or "", order=i)
    for iid, m in (y.get("indicators") or {}).items():
        ind = indicators[iid]
        t = _target_fields(m["target"]) if "target" in m else {}
        annual = m.get("annual")
        iy = IndicatorYear.objects.create(
            indicator=ind, year=year, cumulative_targets=m.get("cumulative_targets", False),
            annual_value=annual if isinstance(annual, Decimal | int) else None,
            annual_grade=annual if isinstance(annual, str) else "",
            explanation=m.get("explanation") or "", printed=_printed_json(m.get("printed")), **t,
        )
        inputs = {fi.name: fi for fi in ind.inputs.all()}
        quarters = {int(q) for q in (m.get("quarterly_targets") or {})} | {int(q) for q in (m.get("quarters") or {})}
        quarters |= {int(q) for q in (m.get("inputs") or {})} | {int(q) for q in (m.get("entered") or {})}
        quarters |= {int(q) for q, text in (m.get("quarter_explanations") or {}).items() if text}
        here = f"{where}.indicators.{iid}"
        for q in sorted(quarters):
            target = (m.get("quarterly_targets") or {}).get(str(q))
            value = (m.get("quarters") or {}).get(str(q))
            band = target if isinstance(target, dict) else None  # an in-range indicator's {low, high}
            row = Quarter.objects.create(
                indicator_year=iy, quarter=q,
                target=None if isinstance(target, str | dict) else target,
                target_grade=target if isinstance(target, str) else "",
                target_low=band["low"] if band else None,
                target_high=band["high"] if band else None,
                value=None if isinstance(value, str) else value,
                grade=value if isinstance(value, str) else "",
                explanation=(m.get("quarter_explanations") or {}).get(str(q)) or "",
            )
            provenance.quarter(row, (m.get("entered") or {}).get(str(q)))
            for name, value in ((m.get("inputs") or {}).get(str(q)) or {}).items():
                InputValue.objects.create(quarter=row, input=inputs[name], value=value)
        for i, item in enumerate(m.get("evidence", [])):
            provenance.evidence(iy, item, f"{here}.evidence[{i}]")
    for oid, printed in (y.get("objectives_printed") or {}).items():
        obj = Objective.objects.get(plan__office=office, code=oid)
        ObjectivePrinted.objects.create(objective=obj, year=year, printed=_printed_json(printed))
    if "budget" in y:
        _import_budget(office, year, y["budget"])
    if "survey" in y:
        s = y["survey"]
        inst = s["instrument"]
        Survey.objects.create(
            office=office, year=year,
            instrument=inst if isinstance(inst, str) else "custom",
            instrument_name="" if isinstance(inst, str) else inst.get("name") or "",
            elements=[] if isinstance(inst, str) else list(inst["elements"]),
            grade_table="" if isinstance(inst, str) else inst.get("grade_table") or "",
            indicator=indicators.get(s["indicator"]) if s.get("indicator") else None,
            period=s.get("period") or "", respondents=s.get("respondents"), population=s.get("population"),
            input=s["input"], values=_dec_json(s.get("elements") or {}), responses=s.get("responses") or [],
            index=s.get("index"), printed=_printed_json(s.get("printed")),
        )


def _import_budget(office: Office, year: int, b: Mapping[str, Any]) -> None:
    total = b.get("total") or {}
    by = BudgetYear.objects.create(
        office=office, year=year, total_allocation=total.get("allocation"), total_realisation=total.get("realisation"),
        total_printed=_printed_json(total.get("printed")) if total else {},
        lines_total_printed=_printed_json(b.get("printed_lines_total")),
    )
    if total and "printed" not in total:
        by.total_printed = {}
    for i, (cls, a) in enumerate((b.get("classes") or {}).items()):
        ClassAmount.objects.create(budget=by, budget_class=cls, allocation=a["allocation"],
                                   realisation=a.get("realisation"), printed=_printed_json(a.get("printed")), order=i)
    counter = [0]

    def add(lines: Iterable[Mapping[str, Any]], parent: BudgetLine | None) -> None:
        for d in lines:
            counter[0] += 1
            amendments = d.get("amendments") or []
            line = BudgetLine.objects.create(
                budget=by, parent=parent, code=d["code"], name=d["name"], level=d.get("level", ""),
                budget_class=d.get("class", ""), objectives=list(d.get("objectives", [])),
                objective_shares=_dec_json(d.get("objective_shares") or {}),
                # with amendments the stored allocation is the original; the amendments are rows of their own
                allocation=d.get("allocation_original") if amendments else d.get("allocation"),
                allocation_original=None if amendments else d.get("allocation_original"),
                realisation=d.get("realisation"), basis=d.get("basis", ""), explanation=d.get("explanation") or "",
                printed=_printed_json(d.get("printed")), order=counter[0],
            )
            for q, v in (d.get("quarters") or {}).items():
                if v is not None:
                    LineQuarter.objects.create(line=line, quarter=int(q), realisation=v)
            for a in amendments:
                AllocationAmendment.objects.create(
                    line=line, from_quarter=a["from_quarter"], allocation=a["allocation"],
                    date=datetime.date.fromisoformat(a["date"]) if a.get("date") else None,
                    reason=a.get("reason") or "",
                )
            add(d.get("children", []), line)

    add(b.get("lines", []), None)


# ----------------------------------------------------------------------------- export


def _drop_empty(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v not in (None, "", [], {})}


def export_office(office: Office, *, provenance: bool = False, files: dict[str, str] | None = None) -> dict[str, Any]:
    """The office as a ``sakip-office/1`` document (Decimals for numbers).

    ``provenance``: each evidence file's metadata and SHA-256 (the files are read) and who
    entered each quarter; ``files`` then receives each evidence file's bundle path → stored
    name (`core.bundle`). Without it, evidence is a list of names (what the domain reads).
    """
    plan = office.plans.order_by("-start_year").first()
    if plan is None:
        raise DatasetError([Issue("plan", f"{office} has no plan period")])
    setting = YearSetting.objects.filter(office=office).order_by("-year").first() or YearSetting.objects.filter(
        regency=office.regency, office__isnull=True
    ).order_by("-year").first()
    doc: dict[str, Any] = {"format": FORMAT}
    doc["office"] = _drop_empty(
        {
            "code": office.code,
            "name": office.name,
            "kind": office.kind,
            "regency": office.regency_label or office.regency.name,
            "province": office.province or None,
            "head": _drop_empty({"name": office.head_name, "rank": office.head_rank, "nip": office.head_nip,
                                 "position": office.head_position}) or None,
            "superior": _drop_empty({"name": office.superior_name, "position": office.superior_position}) or None,
            "units": [u.name for u in office.units.all()],
            "mandate": office.mandate,
        }
    )
    if setting is not None:
        scale: Any = setting.scale if setting.scale != "custom" else _num_json(setting.custom_bands)
        if isinstance(scale, dict):
            scale = {**scale, "bands": [_band_out(b) for b in scale.get("bands", [])]}
        doc["settings"] = {"scale": scale, "cap": setting.cap, "lower_is_better_formula": setting.lower_formula}
    doc["plan"] = _export_plan(plan)
    evidence = ProvenanceExport(office) if provenance else None
    doc["years"] = _export_years(office, plan, evidence)
    profile_io.export_into(office, doc)
    if evidence is not None and files is not None:
        files.update(evidence.files)
    return doc


def _band_out(b: Mapping[str, Any]) -> dict[str, Any]:
    return {k: (v if k in ("label", "color") or isinstance(v, bool) else _num_json(v)) for k, v in b.items()}


def _export_indicator(ind: Indicator, inputs: list[FormulaInput], targets: list[Target]) -> dict[str, Any]:
    d: dict[str, Any] = {
        "id": ind.code, "name": ind.name, "unit": ind.unit, "polarity": ind.polarity, "method": ind.method,
        "baseline": ind.baseline, "ordinal_scale": ind.ordinal_scale, "rollup": ind.rollup,
    }
    if ind.formula:
        d["formula"] = {"expression": ind.formula,
                        "inputs": {fi.name: {"label": fi.label, "rollup": fi.rollup} for fi in inputs}}
    d.update({
        "definition": ind.definition, "iku": ind.iku, "weight": ind.weight, "data_source": ind.data_source,
        "responsible_unit": ind.responsible_unit, "national_standard": ind.national_standard,
        "targets": {str(t.year): _target_out(t) for t in targets},
    })
    if ind.end_value is not None or ind.end_grade or ind.end_low is not None:
        d["end_target"] = (ind.end_grade or {"low": ind.end_low, "high": ind.end_high}
                           if ind.end_grade or ind.end_low is not None else ind.end_value)
    return _drop_empty(d)


def _export_programs(nodes: Iterable[ProgramNode]) -> list[dict[str, Any]]:
    out = []
    for n in nodes:
        children = list(n.children.all())
        d: dict[str, Any] = {
            "code": n.code, "name": n.name, "objectives": [o.code for o in n.objectives.all()],
            "indicators": [
                _drop_empty({"name": oi.name, "unit": oi.unit, "targets": _num_json(oi.targets),
                             "realisations": _num_json(oi.realisations)})
                for oi in n.output_indicators.all()
            ],
        }
        acts = [c for c in children if c.level == "activity"]
        subs = [c for c in children if c.level == "sub_activity"]
        d["activities"] = _export_programs(acts)
        d["sub_activities"] = _export_programs(subs)
        out.append(_drop_empty(d))
    return out


# The program tree is three levels deep (program → activity → sub-activity): fetched in a fixed number of queries.
_PROGRAM_PREFETCH = [
    f"{'children__' * depth}{rel}" for depth in range(3) for rel in ("objectives", "output_indicators", "children")
]


def _export_plan(plan: PlanPeriod) -> dict[str, Any]:
    # the indicators, their formula inputs and targets read flat and grouped here (a prefetch builds two
    # querysets per indicator: most of the export's time for a large plan); each list in the models' order.
    # By the indicator's own plan (its (plan, code) key, indexed): an OR over its goal's and objective's plans
    # cannot use an index and read every indicator of the instance (0.7 s at 27,500 offices)
    indicators = list(Indicator.objects.filter(plan=plan))
    ids = [i.pk for i in indicators]
    inputs: dict[int, list[FormulaInput]] = {}
    for fi in FormulaInput.objects.filter(indicator__in=ids):
        inputs.setdefault(fi.indicator_id, []).append(fi)
    targets: dict[int, list[Target]] = {}
    for t in Target.objects.filter(indicator__in=ids):
        targets.setdefault(t.indicator_id, []).append(t)
    of_goal: dict[int, list[dict[str, Any]]] = {}
    of_objective: dict[int, list[dict[str, Any]]] = {}
    for i in indicators:
        if i.goal_id is not None:
            of_goal.setdefault(i.goal_id, []).append(_export_indicator(i, inputs.get(i.pk, []), targets.get(i.pk, [])))
        if i.objective_id is not None:
            of_objective.setdefault(i.objective_id, []).append(
                _export_indicator(i, inputs.get(i.pk, []), targets.get(i.pk, []))
            )
    goals = []
    for g in plan.goals.all():
        goals.append(_drop_empty({"id": g.code, "text": g.text, "weight": g.weight,
                                  "indicators": of_goal.get(g.pk, [])}))
    objectives = []
    for o in plan.objectives.select_related("goal"):
        objectives.append(_drop_empty({
            "id": o.code, "goal": o.goal.code, "text": o.text, "weight": o.weight, "strategies": o.strategies,
            "policies": o.policies, "indicators": of_objective.get(o.pk, []),
        }))
    return _drop_empty({
        "kind": plan.kind, "period": {"start": plan.start_year, "end": plan.end_year}, "vision": plan.vision,
        "missions": plan.missions, "goals": goals, "objectives": objectives,
        "programs": _export_programs(plan.programs.filter(parent__isnull=True).prefetch_related(*_PROGRAM_PREFETCH)),
    }) | {"goals": goals, "objectives": objectives}


def _export_years(office: Office, plan: PlanPeriod, evidence: ProvenanceExport | None) -> list[dict[str, Any]]:
    years: dict[int, dict[str, Any]] = {}

    def year(y: int) -> dict[str, Any]:
        return years.setdefault(y, {"year": y})

    versions = PkVersion.objects.filter(office=office).order_by("year", "number").prefetch_related(
        Prefetch("targets", queryset=PkTarget.objects.select_related("indicator")), "programs"
    )
    for v in versions:
        entry = _drop_empty({
            "kind": v.kind, "date": v.date.isoformat() if v.date else None, "reason": v.reason, "title": v.title,
            "first_party": _person_out(v, "first_party"), "second_party": _person_out(v, "second_party"),
            "targets": {t.indicator.code: _target_out(t) for t in v.targets.all()},
            "programs": [_drop_empty({"program": p.program_code, "name": p.name, "allocation": p.allocation,
                                      "source": p.source}) for p in v.programs.all()],
            "printed_total": v.printed_total,
        })
        entry.setdefault("targets", {})
        year(v.year).setdefault("performance_agreement", []).append(entry)
    codes = dict(Indicator.objects.filter(plan=plan).order_by().values_list("id", "code"))
    for y, code, m in _export_measurements(IndicatorYear.objects.filter(indicator__plan=plan), codes, evidence):
        year(y).setdefault("indicators", {})[code] = m
    for op in ObjectivePrinted.objects.filter(objective__plan=plan).select_related("objective"):
        year(op.year).setdefault("objectives_printed", {})[op.objective.code] = _printed_from_json(op.printed)
    for by in BudgetYear.objects.filter(office=office).prefetch_related(
        "classes", "lines__quarters", "lines__amendments"
    ):
        year(by.year)["budget"] = _export_budget(by)
    for s in Survey.objects.filter(office=office).select_related("indicator"):
        inst: Any = s.instrument
        if s.instrument == "custom":
            inst = _drop_empty({"name": s.instrument_name, "elements": s.elements, "grade_table": s.grade_table})
        year(s.year)["survey"] = _drop_empty({
            "instrument": inst, "indicator": s.indicator.code if s.indicator else None, "period": s.period,
            "respondents": s.respondents, "population": s.population, "input": s.input,
            "responses": s.responses, "elements": _num_json(_in_element_order(s, s.values)),
            "index": _num_json(_dec_json(s.index)),
            "printed": _printed_from_json(_printed_in_element_order(s)),
        })
    return [years[y] for y in sorted(years)]


def export_measurements(office: Office, indicator_years: Iterable[int]) -> dict[tuple[int, str], dict[str, Any]]:
    """Some indicator-years of the office as their ``years[].indicators`` entries of `export_office` (evidence by
    name, as `domain_office` reads them): ``{(year, indicator code): measurement}``."""
    plan = office.plans.order_by("-start_year").values_list("pk", flat=True).first()
    if plan is None:
        return {}
    found = IndicatorYear.objects.filter(indicator__plan_id=plan, pk__in=list(indicator_years))
    codes = dict(found.order_by().values_list("indicator_id", "indicator__code"))
    return {(y, code): m for y, code, m in _export_measurements(found, codes, None)}


def _export_measurements(
    measurements: QuerySet[IndicatorYear], codes: dict[int, str], evidence: ProvenanceExport | None
) -> list[tuple[int, str, dict[str, Any]]]:
    """(year, indicator code, measurement document) of each of ``measurements``, by year and indicator order.

    The indicators' codes come from one flat read (``codes``: selecting each year's indicator built 10,000
    more instances)."""
    out: list[tuple[int, str, dict[str, Any]]] = []
    # quarters, their inputs and the evidence names read flat and grouped here (a prefetch builds a
    # queryset per year and per quarter: most of the export's time for a large office)
    # (id, quarter, target, value) of each quarter: no model instances (a large office has tens of thousands);
    # a qualitative quarter target or realisation is its grade, an in-range quarter target its {low, high}
    quarters_of: dict[int, list[tuple[int, int, Any, Any]]] = {}
    explained: dict[int, dict[str, str]] = {}  # each quarter's own explanation
    for year_id, qid, q, target, target_grade, low, high, value, grade, text in (
        Quarter.objects.filter(indicator_year__in=measurements)
        # by the key columns: ordering by the relation would join up to the regency for its default
        # ordering, which PostgreSQL answers in minutes on a large regency before ANALYZE
        .order_by("indicator_year_id", "quarter")
        .values_list(
            "indicator_year_id", "id", "quarter", "target", "target_grade", "target_low", "target_high", "value",
            "grade", "explanation",
        )
    ):
        # a quarter band (in-range indicator) as the annual target's {low, high}
        shown = {"low": low, "high": high} if low is not None else target_grade or target
        quarters_of.setdefault(year_id, []).append((qid, q, shown, grade or value))
        if text:
            explained.setdefault(year_id, {})[str(q)] = text
    inputs_of: dict[int, list[tuple[str, Any]]] = {}
    for quarter_id, name, value in (
        InputValue.objects.filter(quarter__indicator_year__in=measurements)
        .order_by("quarter_id", "input__order", "input__id")
        .values_list("quarter_id", "input__name", "value")
    ):
        inputs_of.setdefault(quarter_id, []).append((name, value))
    evidence_of: dict[int, list[Any]] = {}
    entered_of: dict[int, dict[str, dict[str, str]]] = {}
    if evidence is None:
        for year_id, name in (
            Evidence.objects.filter(indicator_year__in=measurements)
            .order_by("indicator_year_id", "quarter", "id")
            .values_list("indicator_year_id", "name")
        ):
            evidence_of.setdefault(year_id, []).append(name)
    else:
        evidence_of, entered_of = evidence.read(measurements, codes)
    for iy in measurements.order_by("year", "indicator__order"):
        quarters = quarters_of.get(iy.pk, [])
        m: dict[str, Any] = {
            "target": _target_out(iy) if _has_target(iy) else None,
            "quarterly_targets": {str(q): target for _id, q, target, _v in quarters if target is not None},
            "cumulative_targets": iy.cumulative_targets,
            "quarters": {str(q): value for _id, q, _t, value in quarters if value is not None},
            "inputs": {str(q): dict(inputs_of[qid]) for qid, q, _t, _v in quarters if qid in inputs_of},
            "annual": iy.annual_grade or iy.annual_value,
            "explanation": iy.explanation,
            "quarter_explanations": explained.get(iy.pk),
            "evidence": evidence_of.get(iy.pk, []),
            "entered": entered_of.get(iy.pk),
            "printed": _printed_from_json(iy.printed),
        }
        out.append((iy.year, codes[iy.indicator_id], _drop_empty(m)))
    return out


def _in_element_order(s: Survey, by_element: Mapping[str, Any]) -> dict[str, Any]:
    """Per-element values in the instrument's order: PostgreSQL's jsonb does not keep a dict's key order."""
    if s.instrument == "custom":
        order = list(s.elements)
    else:
        preset = INSTRUMENTS.get(s.instrument)
        order = list(preset.elements) if preset else []
    values = dict(by_element)
    ordered = {name: values.pop(name) for name in order if name in values}
    return ordered | values


def _printed_in_element_order(s: Survey) -> dict[str, Any]:
    printed = dict(s.printed)
    if isinstance(printed.get("elements"), Mapping):
        printed["elements"] = _in_element_order(s, printed["elements"])
    return printed


def _export_budget(by: BudgetYear) -> dict[str, Any]:
    def line_out(line: BudgetLine) -> dict[str, Any]:
        amendments = sorted(line.amendments.all(), key=lambda a: a.from_quarter)
        return _drop_empty({
            "code": line.code, "name": line.name, "level": line.level, "class": line.budget_class,
            "objectives": line.objectives, "objective_shares": _num_json(line.objective_shares),
            "allocation": amendments[-1].allocation if amendments else line.allocation,
            "allocation_original": line.allocation if amendments else line.allocation_original,
            "realisation": line.realisation,
            "quarters": {str(q.quarter): q.realisation for q in line.quarters.all()},
            "basis": line.basis,
            "amendments": [
                _drop_empty({"from_quarter": a.from_quarter, "allocation": a.allocation,
                             "date": a.date.isoformat() if a.date else None, "reason": a.reason})
                | {"allocation": a.allocation}
                for a in amendments
            ],
            "explanation": line.explanation, "printed": _printed_from_json(line.printed),
            "children": [line_out(c) for c in children.get(line.pk, [])],
        })

    lines = list(by.lines.all())
    children: dict[int | None, list[BudgetLine]] = {}
    for line in lines:
        children.setdefault(line.parent_id, []).append(line)

    out: dict[str, Any] = {
        "classes": {
            c.budget_class: _drop_empty({"allocation": c.allocation, "realisation": c.realisation,
                                         "printed": _printed_from_json(c.printed)}) | {"allocation": c.allocation}
            for c in by.classes.all()
        },
        "lines": [line_out(line) for line in children.get(None, [])],
        "printed_lines_total": _printed_from_json(by.lines_total_printed),
    }
    if by.total_allocation is not None:
        out["total"] = _drop_empty({"allocation": by.total_allocation, "realisation": by.total_realisation,
                                    "printed": _printed_from_json(by.total_printed)})
    return _drop_empty(out)


# ----------------------------------------------------------------------------- canonical form and domain bridge

_DEFAULTS: dict[str, Any] = {
    "polarity": "higher_is_better", "rollup": "last", "method": "ratio", "iku": False, "weight": Decimal(1),
    "cumulative_targets": False, "kind": None, "cap": "none", "lower_is_better_formula": "mirror",
    "scale": "lkjip-4",
}


def canonical(doc: Any, key: str | None = None) -> Any:
    """A normal form for comparing documents: defaults and empty values dropped, numbers normalised."""
    if isinstance(doc, dict):
        out = {}
        for k, v in doc.items():
            c = canonical(v, k)
            if c in (None, "", [], {}):
                continue
            if k in _DEFAULTS and k not in ("kind",) and c == _DEFAULTS[k]:
                continue
            out[str(k)] = c
        return out
    if isinstance(doc, list):
        return [canonical(v) for v in doc]
    if isinstance(doc, Decimal | int) and not isinstance(doc, bool):
        return normalize(Decimal(doc))
    if isinstance(doc, str) and key is not None and key.endswith("_at"):  # the same moment in any time zone
        try:
            return datetime.datetime.fromisoformat(doc).astimezone(datetime.UTC).isoformat()
        except ValueError:
            return doc
    return doc


def domain_office(office: Office, *, check_shape: bool = False) -> domain.Office:
    """The domain model of a stored office (through the dataset loader: one construction path).

    The document comes from our own exporter, so its JSON Schema pass is skipped
    (it cost about half of building a large office); the builder's meaning checks
    stay. Should the builder fail or find issues, the document is loaded again
    with the schema pass, so the error raised is the same as with
    ``check_shape=True`` (which `core.web.stored_issues`, the write guard, uses).
    """
    doc = export_office(office)
    if check_shape:
        return load_document(doc, source=office.code)
    try:
        loaded = load_document(doc, source=office.code, check_shape=False)
    except Exception:  # whatever the builder raised, the full load raises the reference error
        loaded = load_document(doc, source=office.code)
    loaded.files.update(profile_io.stored_files(loaded, office.pk))
    return loaded
