"""Load an office dataset (YAML or JSON, format ``sakip-office/1``) into the domain model.

Loading is all-or-nothing: the document is checked against the published JSON
Schema (``office-dataset.schema.json``), then for meaning (references between
ids, formulas, scales, polarity-specific targets). Every problem is collected
and reported with its path, e.g.::

    objectives[0].indicators[2].targets.2020: expected a number, got "8O"

Numbers are read exactly: YAML and JSON decimals become `Decimal` straight from
their text, never through a binary float.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from sakip.domain import quarter_targets as quarter_target_rules
from sakip.domain.budget import Amendment, Basis, BudgetClass, BudgetLine, Level
from sakip.domain.errors import N_, DomainError, Message
from sakip.domain.formulas import Formula
from sakip.domain.measurement import CapPolicy, LowerFormula, Method, Polarity, Range, Target
from sakip.domain.office import (
    BudgetYear,
    Goal,
    Indicator,
    Measurement,
    Objective,
    Office,
    OutputIndicator,
    Person,
    PkProgram,
    PkVersion,
    Plan,
    PrintedAggregate,
    PrintedAmounts,
    PrintedMeasurement,
    ProgramNode,
    Settings,
    StatedAmounts,
    SurveyData,
    YearData,
)
from sakip.domain.periods import Rollup
from sakip.domain.scales import Band, PredicateScale, get_ordinal_scale, get_scale
from sakip.domain.survey import INSTRUMENTS

from .places import place
from .profile import read_files, read_narratives, read_profile, read_year_profile
from .reading import DocumentError, load_json, load_yaml

FORMAT = "sakip-office/1"
MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Issue:
    """A problem of a document at ``path`` (for the file's author), and in words where known.

    ``detail`` is the message as a translatable `Message` (``message`` its Indonesian
    text); ``place`` says where in words, ``year`` and ``line`` are the budget's year and the
    line's code, ``field`` the field of that line (set by `places.place` for issues in a year's budget), so a
    page shows "anggaran 2025, baris 7.01 …, realisasi TW III: …" on the row, never a path.
    """

    path: str
    message: str
    detail: Message | None = None
    place: Message | None = None
    year: int | None = None
    line: str | None = None
    field: Message | None = None

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message

    @property
    def text(self) -> Message:
        """The message alone, translatable."""
        return self.detail if self.detail is not None else Message(self.message)

    def words(self) -> Message | None:
        """Place and message in words (None when the place is not known in words: use ``str``)."""
        if self.place is not None:
            return Message(N_("%(place)s: %(message)s"), {"place": self.place, "message": self.text})
        return None

    def on_row(self) -> Message:
        """For the line's row: the field (when known) and the message."""
        if self.field is not None:
            return Message(N_("%(field)s: %(message)s"), {"field": self.field, "message": self.text})
        return self.text


def placed(doc: Any, issues: list[Issue]) -> list[Issue]:
    """The issues with their place in words, where `places.place` knows it (a year's budget)."""
    out = []
    for issue in issues:
        where = place(doc, issue.path) if issue.place is None else None
        if where is None:
            out.append(issue)
            continue
        # a line's own error already names the line (code and name): the place is the year's budget then
        names_line = (
            where.field is None
            and issue.detail is not None
            and str(issue.detail.params.get("code", "")) == where.line
        )
        at = Message(N_("anggaran %(year)s"), {"year": where.year}) if names_line else where.where
        out.append(replace(issue, place=at, year=where.year, line=where.line, field=where.field))
    return out


class DatasetError(ValueError):
    def __init__(self, issues: list[Issue], source: str | None = None) -> None:
        self.issues = issues
        self.source = source
        head = f"{source}: " if source else ""
        n = len(issues)
        super().__init__(f"{head}{n} kesalahan dalam dataset\n" + "\n".join(f"  {i}" for i in issues))


# ----------------------------------------------------------------------------- reading


def parse_text(text: str, *, json_format: bool = False, source: str | None = None) -> Any:
    """The document of a YAML or JSON text, within the limits of `sakip.dataset.reading` (size, aliases,
    nesting, exact and checked numbers); `DatasetError` with every problem."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise DatasetError([Issue("", f"berkas lebih besar dari {MAX_BYTES // (1024 * 1024)} MB")], source)
    try:
        return load_json(text) if json_format else load_yaml(text)
    except DocumentError as exc:
        raise DatasetError([Issue(p.path, p.message) for p in exc.problems], source) from None


@cache
def schema() -> dict[str, Any]:
    text = resources.files("sakip.dataset").joinpath("office-dataset.schema.json").read_text("utf-8")
    result: dict[str, Any] = json.loads(text)
    return result


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(schema())


def format_path(parts: Any) -> str:
    out = ""
    for p in parts:
        if isinstance(p, int):
            out += f"[{p}]"
        else:
            out += ("." if out else "") + str(p)
    return out


def _show(value: Any) -> str:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return "sebuah objek"
    if isinstance(value, list):
        return "sebuah daftar"
    return json.dumps(value, ensure_ascii=False, default=str)


_TYPE_WORDS = {
    "number": "angka",
    "integer": "bilangan bulat",
    "string": "teks",
    "object": "objek",
    "array": "daftar",
    "boolean": "true atau false",
    "null": "kosong (null)",
}


def _expected(schema_: Mapping[str, Any]) -> str:
    if "$ref" in schema_:
        name = str(schema_["$ref"]).rsplit("/", 1)[-1]
        return {"target": "angka, predikat atau {low, high}", "number": "angka"}.get(name, name)
    if "enum" in schema_:
        return "salah satu dari " + ", ".join(json.dumps(v) for v in schema_["enum"])
    if "const" in schema_:
        return json.dumps(schema_["const"])
    t = schema_.get("type")
    if isinstance(t, list):
        return " atau ".join(_TYPE_WORDS.get(str(x), str(x)) for x in t)
    if isinstance(t, str):
        return _TYPE_WORDS.get(t, t)
    return "nilai yang sah"


def _message(error: ValidationError) -> str:
    v = error.validator
    sch: Mapping[str, Any] = error.schema if isinstance(error.schema, Mapping) else {}
    if v == "type":
        return f"harus {_expected(sch)}, bukan {_show(error.instance)}"
    if v == "required":
        missing = str(error.message).split("'")[1] if "'" in error.message else error.message
        return f"isian wajib {missing!r} tidak ada"
    if v == "additionalProperties":
        return (
            error.message.replace("Additional properties are not allowed", "isian tidak dikenal")
            .replace(" was unexpected", "")
            .replace(" were unexpected", "")
        )
    if v in ("enum", "const"):
        return f"harus {_expected(sch)}, bukan {_show(error.instance)}"
    if v == "oneOf":
        alternatives = error.validator_value if isinstance(error.validator_value, list) else []
        options = [_expected(s) for s in alternatives if isinstance(s, Mapping)]
        return f"harus {' atau '.join(options)}, bukan {_show(error.instance)}"
    if v == "pattern" and isinstance(error.instance, str):
        return f"{_show(error.instance)} tidak sesuai pola {error.validator_value}"
    if v == "propertyNames":
        return f"kunci tidak sah: {error.message}"
    bounds = {
        "minimum": "{x} terlalu kecil (paling kecil {y})",
        "maximum": "{x} terlalu besar (paling besar {y})",
        "exclusiveMinimum": "{x} harus lebih dari {y}",
        "exclusiveMaximum": "{x} harus kurang dari {y}",
    }
    if v in bounds:
        return bounds[v].format(x=_show(error.instance), y=_show(error.validator_value))
    if v in ("minLength", "maxLength"):
        return f"panjang teks {'paling sedikit' if v == 'minLength' else 'paling banyak'} {error.validator_value} huruf"
    return str(error.message)


def _schema_issues(doc: Any) -> list[Issue]:
    issues = []
    for error in _validator().iter_errors(doc):
        path = list(error.absolute_path)
        if error.validator == "propertyNames" and error.context:
            issues.append(Issue(format_path(path), f"kunci tidak sah {_show(error.context[0].instance)}"))
            continue
        issues.append(Issue(format_path(path), _message(error)))
    issues.sort(key=lambda i: i.path)
    return issues


# ----------------------------------------------------------------------------- building


class _Builder:
    """Turns a schema-valid document into the domain model, collecting meaning errors."""

    def __init__(self) -> None:
        self.issues: list[Issue] = []

    def error(self, path: str, message: str | Message) -> None:
        if isinstance(message, Message):
            self.issues.append(Issue(path, message.render(), message))
        else:
            self.issues.append(Issue(path, message))

    # -- small pieces
    @staticmethod
    def person(d: Mapping[str, Any] | None) -> Person | None:
        if not d:
            return None
        return Person(d["name"], d.get("rank"), d.get("nip"), d.get("position"))

    def num(self, v: Any) -> Decimal | None:
        if v is None:
            return None
        return v if isinstance(v, Decimal) else Decimal(v)

    def target(self, v: Any) -> Target:
        if isinstance(v, dict):
            return Range(self.num(v["low"]) or Decimal(0), self.num(v["high"]) or Decimal(0))
        if isinstance(v, str):
            return v
        n = self.num(v)
        assert n is not None
        return n

    def quarters(self, d: Mapping[str, Any] | None) -> dict[int, Decimal | None]:
        return {int(q): self.num(v) for q, v in (d or {}).items()}

    # -- settings
    def settings(self, d: Mapping[str, Any]) -> Settings:
        scale = get_scale("lkjip-4")
        s = d.get("scale")
        if isinstance(s, str):
            scale = get_scale(s)
        elif isinstance(s, dict):
            bands = tuple(
                Band(
                    b["label"],
                    self.num(b.get("min")),
                    self.num(b.get("max")),
                    b.get("min_inclusive", True),
                    b.get("max_inclusive", False),
                    b.get("color", "grey"),
                )
                for b in s["bands"]
            )
            try:
                scale = PredicateScale(s["code"], str(s.get("name", s["code"])), bands)
            except DomainError as exc:
                self.error("settings.scale", str(exc))
        return Settings(
            scale=scale,
            cap=CapPolicy(d.get("cap", "none")),
            lower_formula=LowerFormula(d.get("lower_is_better_formula", "mirror")),
        )

    # -- plan
    def indicator(self, d: Mapping[str, Any], path: str) -> Indicator:
        polarity = Polarity(d.get("polarity", "higher_is_better"))
        ind = Indicator(
            id=d["id"],
            name=d["name"],
            unit=d["unit"],
            polarity=polarity,
            rollup=Rollup(d.get("rollup", "last")),
            method=Method(d.get("method", "ratio")),
            baseline=self.num(d.get("baseline")),
            definition=d.get("definition"),
            iku=d.get("iku", False),
            weight=self.num(d.get("weight", 1)) or Decimal(1),
            data_source=d.get("data_source"),
            responsible_unit=d.get("responsible_unit"),
            national_standard=self.num(d.get("national_standard")),
        )
        if "ordinal_scale" in d:
            ind.ordinal = get_ordinal_scale(d["ordinal_scale"])
        if polarity is Polarity.QUALITATIVE and ind.ordinal is None:
            self.error(f"{path}.ordinal_scale", "indikator kualitatif memerlukan skala predikat (akip, audit-opinion)")
        if ind.method is Method.BASELINE and ind.baseline is None:
            self.error(f"{path}.baseline", "metode kemajuan memerlukan nilai baseline")
        if "formula" in d:
            f = d["formula"]
            try:
                ind.formula = Formula(ind.id, f["expression"], set(f["inputs"]))
            except DomainError as exc:
                self.error(f"{path}.formula.expression", str(exc))
            ind.input_labels = {k: v["label"] for k, v in f["inputs"].items()}
            ind.input_rollups = {k: Rollup(v.get("rollup", ind.rollup.value)) for k, v in f["inputs"].items()}
        for key, value in (d.get("targets") or {}).items():
            ind.targets[int(key)] = self.target_for(ind, value, f"{path}.targets.{key}")
        if "end_target" in d:
            ind.end_target = self.target_for(ind, d["end_target"], f"{path}.end_target")
        return ind

    def target_for(self, ind: Indicator, value: Any, path: str) -> Target:
        t = self.target(value)
        if ind.polarity is Polarity.QUALITATIVE:
            if not isinstance(t, str):
                self.error(path, f"harus predikat {ind.ordinal.name if ind.ordinal else 'skala'}, bukan {_show(value)}")
            elif ind.ordinal is not None:
                try:
                    ind.ordinal.rank(t)
                except DomainError as exc:
                    self.error(path, str(exc))
        elif ind.polarity is Polarity.IN_RANGE:
            if not isinstance(t, Range):
                self.error(path, f"harus rentang {{low, high}}, bukan {_show(value)}")
        elif not isinstance(t, Decimal):
            self.error(path, f"harus angka, bukan {_show(value)}")
        return t

    def program(self, d: Mapping[str, Any], objective_ids: set[str], path: str) -> ProgramNode:
        node = ProgramNode(d["code"], d["name"], tuple(d.get("objectives", ())))
        for i, oid in enumerate(node.objectives):
            if oid not in objective_ids:
                self.error(f"{path}.objectives[{i}]", f"sasaran {oid!r} tidak dikenal")
        for oi in d.get("indicators", []):
            node.indicators.append(
                OutputIndicator(
                    oi["name"],
                    oi["unit"],
                    {int(k): self.target(v) for k, v in (oi.get("targets") or {}).items()},
                    {int(k): self.target(v) for k, v in (oi.get("realisations") or {}).items()},
                )
            )
        for key in ("activities", "sub_activities"):
            for i, child in enumerate(d.get(key, [])):
                node.children.append(self.program(child, objective_ids, f"{path}.{key}[{i}]"))
        return node

    def plan(self, d: Mapping[str, Any]) -> Plan:
        period = d["period"]
        plan = Plan(
            d.get("kind", "renstra"), period["start"], period["end"], d.get("vision"), list(d.get("missions", []))
        )
        if plan.start > plan.end:
            self.error("plan.period", f"tahun awal {plan.start} sesudah tahun akhir {plan.end}")
        seen_ids: dict[str, str] = {}

        def claim(id_: str, path: str) -> None:
            if id_ in seen_ids:
                self.error(path, f"id {id_!r} sudah dipakai di {seen_ids[id_]}")
            else:
                seen_ids[id_] = path

        for gi, g in enumerate(d["goals"]):
            gp = f"plan.goals[{gi}]"
            claim(g["id"], f"{gp}.id")
            goal = Goal(g["id"], g["text"], self.num(g.get("weight", 1)) or Decimal(1))
            for ii, ind in enumerate(g.get("indicators", [])):
                ip = f"{gp}.indicators[{ii}]"
                claim(ind["id"], f"{ip}.id")
                goal.indicators.append(self.indicator(ind, ip))
            plan.goals.append(goal)
        goal_ids = {g.id for g in plan.goals}
        for oi, o in enumerate(d["objectives"]):
            op = f"plan.objectives[{oi}]"
            claim(o["id"], f"{op}.id")
            if o["goal"] not in goal_ids:
                self.error(f"{op}.goal", f"tujuan {o['goal']!r} tidak dikenal")
            obj = Objective(
                o["id"],
                o["goal"],
                o["text"],
                self.num(o.get("weight", 1)) or Decimal(1),
                list(o.get("strategies", [])),
                list(o.get("policies", [])),
            )
            for ii, ind in enumerate(o.get("indicators", [])):
                ip = f"{op}.indicators[{ii}]"
                claim(ind["id"], f"{ip}.id")
                obj.indicators.append(self.indicator(ind, ip))
            plan.objectives.append(obj)
        objective_ids = {o.id for o in plan.objectives}
        codes: set[str] = set()
        for pi, p in enumerate(d.get("programs", [])):
            node = self.program(p, objective_ids, f"plan.programs[{pi}]")
            for n in _walk(node):
                if n.code in codes:
                    self.error(f"plan.programs[{pi}]", f"kode program/kegiatan {n.code!r} dipakai dua kali")
                codes.add(n.code)
            plan.programs.append(node)
        return plan

    # -- years
    def measurement(self, ind: Indicator | None, d: Mapping[str, Any], path: str) -> Measurement:
        given_targets = d.get("quarterly_targets") or {}
        given_quarters = d.get("quarters") or {}
        m = Measurement(
            quarterly_targets={
                int(q): self.num(v) for q, v in given_targets.items() if not isinstance(v, str | dict)
            },
            quarterly_target_grades={int(q): v for q, v in given_targets.items() if isinstance(v, str)},
            quarterly_target_ranges=self.bands(given_targets, f"{path}.quarterly_targets"),
            cumulative_targets=d.get("cumulative_targets", False),
            quarters={int(q): self.num(v) for q, v in given_quarters.items() if not isinstance(v, str)},
            quarter_grades={int(q): v for q, v in given_quarters.items() if isinstance(v, str)},
            explanation=d.get("explanation"),
            quarter_explanations={int(q): t for q, t in (d.get("quarter_explanations") or {}).items() if t},
            evidence=[e if isinstance(e, str) else e["name"] for e in d.get("evidence", [])],
        )
        self.provenance(d, path)
        if ind is not None:
            if "target" in d:
                m.target = self.target_for(ind, d["target"], f"{path}.target")
            if given_targets:
                self.quarter_targets(ind, m, f"{path}.quarterly_targets")
            annual = d.get("annual")
            if annual is not None:
                if ind.polarity is Polarity.QUALITATIVE:
                    if not isinstance(annual, str):
                        self.error(f"{path}.annual", f"harus predikat, bukan {_show(annual)}")
                    elif ind.ordinal is not None:
                        try:
                            ind.ordinal.rank(annual)
                        except DomainError as exc:
                            self.error(f"{path}.annual", str(exc))
                    m.annual = annual
                elif isinstance(annual, str):
                    self.error(f"{path}.annual", f"harus angka, bukan {_show(annual)}")
                else:
                    m.annual = self.num(annual)
            if "inputs" in d:
                if ind.formula is None:
                    self.error(f"{path}.inputs", f"indikator {ind.id} tidak memakai rumus; isi quarters atau annual")
                else:
                    for q, values in d["inputs"].items():
                        unknown = set(values) - ind.formula.inputs
                        for name in sorted(unknown):
                            self.error(f"{path}.inputs.{q}.{name}", f"bukan komponen rumus indikator {ind.id}")
                        m.inputs[int(q)] = {n: self.num(values.get(n)) for n in ind.formula.inputs}
            if given_quarters:
                self.quarter_grades(ind, given_quarters, f"{path}.quarters")
            if ind.formula is not None and d.get("quarters"):
                self.error(f"{path}.quarters", f"indikator {ind.id} memakai rumus: isi komponennya, bukan hasilnya")
        p = d.get("printed")
        if p:
            m.printed = PrintedMeasurement(
                self.target(p["target"]) if "target" in p else None,
                p.get("realisation") if isinstance(p.get("realisation"), str) else self.num(p.get("realisation")),
                self.num(p.get("achievement")),
                p.get("category"),
                p.get("where"),
            )
        return m

    def moment(self, text: str, path: str) -> None:
        """A time of the dataset: ISO 8601 with its offset from UTC (never a local time of unknown zone)."""
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            value = None
        if value is None or value.tzinfo is None:
            self.error(path, f"harus tanggal dan jam ISO 8601 dengan zona waktu (misalnya 2025-04-10T09:15:00+07:00), "
                             f"bukan {_show(text)}")

    def provenance(self, d: Mapping[str, Any], path: str) -> None:
        """Evidence files and who entered what: kept by the adapters, checked here (the domain does not read them)."""
        for i, e in enumerate(d.get("evidence", [])):
            if not isinstance(e, dict):
                continue
            ep = f"{path}.evidence[{i}]"
            if "path" in e:
                if any(part in ("", ".", "..") for part in e["path"].split("/")):
                    self.error(f"{ep}.path", "letak berkas tidak boleh memuat «..», «.» atau «//»")
                if "sha256" not in e or "size" not in e:
                    self.error(ep, "berkas dengan letak (path) memerlukan sha256 dan size")
            if "uploaded_at" in e:
                self.moment(e["uploaded_at"], f"{ep}.uploaded_at")
        for q, who in (d.get("entered") or {}).items():
            if "entered_at" in who:
                self.moment(who["entered_at"], f"{path}.entered.{q}.entered_at")

    def quarter_grades(self, ind: Indicator, given: Mapping[str, Any], path: str) -> None:
        """Quarter realisations: grades of the scale for a qualitative indicator, numbers for the others."""
        for q, v in given.items():
            if v is None:
                continue
            if ind.polarity is Polarity.QUALITATIVE:
                if not isinstance(v, str):
                    self.error(f"{path}.{q}", f"harus predikat, bukan {_show(v)}")
                elif ind.ordinal is not None:
                    try:
                        ind.ordinal.rank(v)
                    except DomainError as exc:
                        self.error(f"{path}.{q}", str(exc))
            elif isinstance(v, str):
                self.error(f"{path}.{q}", f"harus angka, bukan {_show(v)}")

    def bands(self, given: Mapping[str, Any], path: str) -> dict[int, Range]:
        """The ``{low, high}`` quarter targets (an in-range indicator's bands); a reversed band is an error."""
        out: dict[int, Range] = {}
        for q, v in given.items():
            if isinstance(v, dict):
                try:
                    out[int(q)] = Range(self.num(v["low"]) or Decimal(0), self.num(v["high"]) or Decimal(0))
                except DomainError as exc:
                    self.error(f"{path}.{q}", str(exc))
        return out

    def quarter_targets(self, ind: Indicator, m: Measurement, path: str) -> None:
        """The quarter targets' own rules (`domain.quarter_targets.check`): kind, scale, cumulative direction."""
        targets: dict[int, Decimal | Range | str | None] = {
            **m.quarterly_targets,
            **m.quarterly_target_grades,
            **m.quarterly_target_ranges,
        }
        for issue in quarter_target_rules.errors(
            quarter_target_rules.check(
                targets,
                polarity=ind.polarity,
                rollup=ind.rollup,
                cumulative=m.cumulative_targets,
                ordinal=ind.ordinal,
            )
        ):
            self.error(f"{path}.{issue.quarter}" if issue.quarter else path, str(issue))

    def printed_amounts(self, d: Mapping[str, Any] | None) -> PrintedAmounts | None:
        if not d:
            return None
        n = self.num
        return PrintedAmounts(
            allocation=n(d.get("allocation")),
            realisation=n(d.get("realisation")),
            absorption=n(d.get("absorption")),
            deviation=n(d.get("deviation")),
            remaining=n(d.get("remaining")),
            share=n(d.get("share")),
            where=d.get("where"),
        )

    def amendments(self, items: list[Mapping[str, Any]], path: str) -> tuple[Amendment, ...]:
        out = []
        for i, a in enumerate(items):
            when = None
            if a.get("date"):
                try:
                    when = date.fromisoformat(a["date"])
                except ValueError:
                    self.error(f"{path}[{i}].date", Message(N_("tanggal %(date)s tidak sah"), {"date": a["date"]}))
            out.append(Amendment(self.num(a["allocation"]) or Decimal(0), int(a["from_quarter"]), when,
                                 a.get("reason") or ""))
        return tuple(out)

    def budget_line(
        self, d: Mapping[str, Any], level: Level, objective_ids: set[str], path: str, budget: BudgetYear
    ) -> BudgetLine:
        children_level = Level.ACTIVITY if level is Level.PROGRAM else Level.SUB_ACTIVITY
        line_level = Level(d["level"]) if "level" in d else level
        try:
            line = BudgetLine(
                code=d["code"],
                name=d["name"],
                level=line_level,
                allocation=self.num(d.get("allocation")),
                allocation_original=self.num(d.get("allocation_original")),
                realisation=self.num(d.get("realisation")),
                quarterly_realisation={q: v for q, v in self.quarters(d.get("quarters")).items() if v is not None},
                budget_class=BudgetClass(d["class"]) if "class" in d else None,
                objectives=tuple(d.get("objectives", ())),
                basis=Basis(d["basis"]) if "basis" in d else None,
                amendments=self.amendments(d.get("amendments") or [], f"{path}.amendments"),
                objective_shares={k: self.num(v) or Decimal(0) for k, v in (d.get("objective_shares") or {}).items()},
            )
        except DomainError as exc:
            self.error(path, exc.msg)
            line = BudgetLine(d["code"], d["name"], line_level, objectives=tuple(d.get("objectives", ())))
            failed = True
        else:
            failed = False
        for i, oid in enumerate(line.objectives):
            if oid not in objective_ids:
                self.error(
                    f"{path}.objectives[{i}]",
                    Message(N_("sasaran %(objective)s tidak ada dalam rencana strategis"), {"objective": oid}),
                )
        if line.code in budget.printed_lines or any(line.code == x.code for x in _all_lines(budget.lines)):
            self.error(
                f"{path}.code", Message(N_("kode %(code)s dipakai dua kali pada tahun ini"), {"code": line.code})
            )
        printed = self.printed_amounts(d.get("printed"))
        if printed:
            budget.printed_lines[line.code] = printed
        for i, c in enumerate(d.get("children", [])):
            line.children.append(self.budget_line(c, children_level, objective_ids, f"{path}.children[{i}]", budget))
        if not line.children and line.allocation is None and not failed:
            self.error(f"{path}.allocation", Message(N_("baris tanpa rincian memerlukan pagu")))
        if line.children and line.amendments:
            self.error(
                f"{path}.amendments", Message(N_("perubahan pagu dicatat pada baris rincian (tanpa sub-baris)"))
            )
        quarters = [v for v in (d.get("quarters") or {}).values() if v is not None]
        if d.get("realisation") is not None and quarters and "basis" not in d:
            self.error(
                f"{path}.quarters",
                Message(N_("isi realisasi per triwulan atau setahun, tidak keduanya (atau nyatakan yang berlaku)")),
            )
        return line

    def stated(self, d: Mapping[str, Any]) -> StatedAmounts:
        return StatedAmounts(
            self.num(d["allocation"]) or Decimal(0),
            self.num(d.get("realisation")),
            self.printed_amounts(d.get("printed")),
        )

    def budget(self, d: Mapping[str, Any], objective_ids: set[str], path: str) -> BudgetYear:
        b = BudgetYear()
        for cls, amounts in (d.get("classes") or {}).items():
            b.classes[BudgetClass(cls)] = self.stated(amounts)
        systems = {c.system for c in b.classes}
        if len(systems) > 1:
            self.error(f"{path}.classes", Message(N_("mencampur BTL/BL dengan kelompok Permendagri 90/2019")))
        if "total" in d:
            b.total = self.stated(d["total"])
        for i, line in enumerate(d.get("lines", [])):
            b.lines.append(self.budget_line(line, Level.PROGRAM, objective_ids, f"{path}.lines[{i}]", b))
        b.printed_lines_total = self.printed_amounts(d.get("printed_lines_total"))
        return b

    def survey(self, d: Mapping[str, Any], indicator_ids: set[str], path: str) -> SurveyData:
        inst = d["instrument"]
        if isinstance(inst, str):
            code, elements, name, table = inst, INSTRUMENTS[inst].elements, None, None
        else:
            code, elements, name, table = "custom", tuple(inst["elements"]), inst.get("name"), inst.get("grade_table")
            if len(set(elements)) != len(elements):
                self.error(f"{path}.instrument.elements", "ada unsur yang tercantum dua kali")
        s = SurveyData(
            instrument_code=code,
            input=d["input"],
            elements=tuple(elements),
            instrument_name=name,
            grade_table=table,
            indicator_id=d.get("indicator"),
            period=d.get("period"),
            respondents=d.get("respondents"),
            population=d.get("population"),
        )
        if s.indicator_id is not None and s.indicator_id not in indicator_ids:
            self.error(f"{path}.indicator", f"indikator {s.indicator_id!r} tidak dikenal")
        if s.input == "responses":
            if "responses" not in d:
                self.error(f"{path}.responses", "input 'responses' tetapi tidak ada jawaban responden")
            for r, row in enumerate(d.get("responses", [])):
                if len(row) != len(elements):
                    self.error(f"{path}.responses[{r}]", f"{len(row)} jawaban untuk {len(elements)} unsur")
                for c, a in enumerate(row):
                    if a is not None and a not in (1, 2, 3, 4):
                        self.error(f"{path}.responses[{r}][{c}]", f"jawaban {a} bukan 1–4")
            s.responses = [list(row) for row in d.get("responses", [])]
        elif s.input == "index":
            s.index = self.num(d.get("index"))
            if s.index is None:
                self.error(f"{path}.index", "input 'index' tetapi tidak ada nilai indeks")
            elif not Decimal(25) <= s.index <= Decimal(100):
                self.error(f"{path}.index", f"{s.index} di luar 25–100")
            if s.respondents is None:
                self.error(f"{path}.respondents", "input 'index' memerlukan jumlah responden")
        else:
            values = d.get("elements") or {}
            if not values:
                self.error(f"{path}.elements", f"input {s.input!r} tetapi tidak ada nilai unsur")
            for k, v in values.items():
                if k not in elements:
                    self.error(f"{path}.elements.{k}", "bukan unsur instrumen ini")
                if s.input == "distribution":
                    if v is not None and not isinstance(v, list):
                        self.error(f"{path}.elements.{k}", f"harus empat proporsi [p1, p2, p3, p4], bukan {_show(v)}")
                    s.values[k] = [self.num(x) or Decimal(0) for x in v] if isinstance(v, list) else None
                else:
                    if isinstance(v, list):
                        self.error(f"{path}.elements.{k}", f"harus angka, bukan {_show(v)}")
                        continue
                    n = self.num(v)
                    lo, hi = (Decimal(1), Decimal(4)) if s.input == "nrr" else (Decimal(25), Decimal(100))
                    if n is not None and not lo <= n <= hi:
                        self.error(f"{path}.elements.{k}", f"{n} di luar {lo}–{hi}")
                    s.values[k] = n
        p = d.get("printed") or {}
        s.printed_index = self.num(p.get("index"))
        s.printed_grade = p.get("grade")
        s.printed_elements = {k: self.num(v) or Decimal(0) for k, v in (p.get("elements") or {}).items()}
        for k in s.printed_elements:
            if k not in elements:
                self.error(f"{path}.printed.elements.{k}", "bukan unsur instrumen ini")
        return s

    def year(self, d: Mapping[str, Any], plan: Plan, path: str) -> YearData:
        y = YearData(d["year"])
        y.profile = read_year_profile(d.get("profile"))
        y.narratives = read_narratives(d.get("narratives"), f"{path}.narratives", self.error)
        by_id = {i.id: i for i in plan.indicators()}
        objective_ids = {o.id for o in plan.objectives}
        for vi, v in enumerate(d.get("performance_agreement", [])):
            vp = f"{path}.performance_agreement[{vi}]"
            if vi == 0 and v["kind"] != "original" and len(d["performance_agreement"]) > 1:
                self.error(f"{vp}.kind", "versi PK pertama harus PK awal")
            if v["kind"] == "amendment" and not v.get("reason"):
                self.error(f"{vp}.reason", "PK Perubahan memerlukan alasan perubahan")
            targets: dict[str, Target] = {}
            for iid, t in v["targets"].items():
                ind = by_id.get(iid)
                if ind is None:
                    self.error(f"{vp}.targets.{iid}", "indikator tidak dikenal")
                    continue
                targets[iid] = self.target_for(ind, t, f"{vp}.targets.{iid}")
            y.agreements.append(
                PkVersion(
                    v["kind"],
                    targets,
                    v.get("date"),
                    v.get("reason"),
                    v.get("title"),
                    self.person(v.get("first_party")),
                    self.person(v.get("second_party")),
                    [
                        PkProgram(p["name"], self.num(p["allocation"]) or Decimal(0), p.get("program"), p.get("source"))
                        for p in v.get("programs", [])
                    ],
                    self.num(v.get("printed_total")),
                )
            )
        for iid, md in (d.get("indicators") or {}).items():
            ind = by_id.get(iid)
            mp = f"{path}.indicators.{iid}"
            if ind is None:
                self.error(mp, "indikator tidak dikenal")
            y.measurements[iid] = self.measurement(ind, md, mp)
        for oid, od in (d.get("objectives_printed") or {}).items():
            if oid not in objective_ids:
                self.error(f"{path}.objectives_printed.{oid}", "sasaran tidak dikenal")
            y.objectives_printed[oid] = PrintedAggregate(
                self.num(od.get("achievement")), od.get("category"), od.get("where")
            )
        if "budget" in d:
            y.budget = self.budget(d["budget"], objective_ids, f"{path}.budget")
        if "survey" in d:
            y.survey = self.survey(d["survey"], set(by_id), f"{path}.survey")
        return y

    def office(self, doc: Mapping[str, Any]) -> Office:
        o = doc["office"]
        plan = self.plan(doc["plan"])
        office = Office(
            code=o["code"],
            name=o["name"],
            plan=plan,
            settings=self.settings(doc.get("settings") or {}),
            kind=o.get("kind"),
            regency=o.get("regency"),
            province=o.get("province"),
            head=self.person(o.get("head")),
            superior=self.person(o.get("superior")),
            units=list(o.get("units", [])),
            mandate=o.get("mandate"),
            profile=read_profile(o.get("profile"), "office.profile", self.error),
        )
        for yi, yd in enumerate(doc.get("years", [])):
            path = f"years[{yi}]"
            if yd["year"] in office.years:
                self.error(f"{path}.year", f"tahun {yd['year']} muncul dua kali")
                continue
            office.years[yd["year"]] = self.year(yd, plan, path)
        return office


def _walk(node: ProgramNode) -> Iterator[ProgramNode]:
    yield node
    for c in node.children:
        yield from _walk(c)


def _all_lines(lines: list[BudgetLine]) -> Iterator[BudgetLine]:
    for line in lines:
        yield from line.walk()


# ----------------------------------------------------------------------------- entry points


def validate_document(doc: Any) -> list[Issue]:
    """Every problem of a parsed document (schema first; meaning only when the shape is right)."""
    issues = _schema_issues(doc)
    if issues:
        return issues
    builder = _Builder()
    try:
        builder.office(doc)
    except DomainError as exc:  # pragma: no cover - the builder reports through issues
        builder.error("", str(exc))
    return builder.issues


def load_document(doc: Any, source: str | None = None, *, check_shape: bool = True) -> Office:
    """The domain office of a parsed document; `DatasetError` with every issue.

    ``check_shape=False`` skips the JSON Schema pass (the meaning checks of the
    builder stay): only for documents whose shape is already known to be right,
    such as those our own exporter produces (`core.interchange.domain_office`).
    """
    issues = _schema_issues(doc) if check_shape else []
    if issues:
        raise DatasetError(placed(doc, issues), source)
    builder = _Builder()
    office = builder.office(doc)
    if builder.issues:
        raise DatasetError(placed(doc, builder.issues), source)
    return office


@cache
def _measurement_validator() -> Draft202012Validator:
    whole = schema()
    return Draft202012Validator({"$defs": whole["$defs"], "$ref": "#/$defs/measurement"})


def load_measurements(
    plan: Plan, docs: Mapping[tuple[int, str], Mapping[str, Any]]
) -> dict[tuple[int, str], Measurement] | None:
    """Some indicator-years' measurements (``{(year, indicator id): measurement document}``) as the load of the
    whole document builds them — the same schema part (``$defs/measurement``: a measurement is checked on its
    own) and the same builder — or None when the whole load would report an issue in one of them.

    For a write that changed only these measurements of an office that loaded before it
    (`core.web.atomic_checked`): the rest of the document is the one that loaded, so these decide.
    """
    validator = _measurement_validator()
    builder = _Builder()
    by_id = {i.id: i for i in plan.indicators()}
    out: dict[tuple[int, str], Measurement] = {}
    for (year, iid), md in docs.items():
        if next(iter(validator.iter_errors(md)), None) is not None or iid not in by_id:
            return None
        out[(year, iid)] = builder.measurement(by_id[iid], md, f"{year}.indicators.{iid}")
    return None if builder.issues else out


def loads(text: str, *, json_format: bool = False, source: str | None = None) -> Office:
    return load_document(parse_text(text, json_format=json_format, source=source), source)


def load(path: str | Path) -> Office:
    p = Path(path)
    try:
        text = p.read_text("utf-8")
    except UnicodeDecodeError:
        raise DatasetError([Issue("", "berkas bukan teks UTF-8")], str(p)) from None
    office = loads(text, json_format=p.suffix.lower() == ".json", source=str(p))
    office.files.update(read_files(office, p.parent))
    return office


#: the seed offices: three published annual reports (LKjIP) and one quarterly report written for
#: Sakip (Kecamatan Karangsari, TW II 2024: quarter targets, a qualitative target, budget to date)
SEEDS = ("kaloran-2020", "kaliwates-2020", "kandangserang-2021", "karangsari-2024")


def seed_path(name: str) -> Path:
    return Path(str(resources.files("sakip.dataset").joinpath("seeds", f"{name}.yaml")))


def load_seeds() -> list[Office]:
    return [load(seed_path(n)) for n in SEEDS]
