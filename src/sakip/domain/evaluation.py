"""SAKIP evaluation (LKE): the structure as data, its validation and the score rollup (SPEC §8).

A `Framework` (the *Lembar Kerja Evaluasi* of a regulation) holds components, each
with sub-components — *keberadaan* (exists), *kualitas* (quality), *pemanfaatan*
(used), or another kind such as the 12/2015 *capaian kinerja* parts — each holding
criteria answered from an `AnswerSet` (``Y``/``T``, ``A``–``E``), each option worth
a share between 0 and 1.

Weights are points of the 0–100 total: the components add up to the framework's
total (100), the sub-components of a component to the component's weight. A
criterion's weight is relative within its sub-component (1 = all equal).
`build_framework` (and `framework_from_dict`, the one construction path from data)
refuse a framework whose weights do not add up, naming the path of the part.

Rollup, exact in `Decimal`::

    criterion value  v  = the answer option's value (0…1)
    sub-component       = weight × Σ(wᵢ·vᵢ) / Σwᵢ
    component           = Σ its sub-components
    total               = Σ components (0–100), predicate by the ``lke-akip`` scale

Under the 88/2021 method (``method: graded-88-2021``, `lke_grading`), the sub-component is
instead graded AA…E from the share of its criteria fulfilled (plus the evaluator's
qualifiers or reasons, `lke_grading.decide_grade`) and worth the grade's percentage of its
weight; the criterion weights still weigh the share. The averaging above is the legacy
12/2015 method, kept so that an evaluation made with it stays comparable.

A criterion without an answer has no value — it is not a zero: a node with any
unanswered criterion has no score (``value`` is None) and only a *provisional*
score that counts the missing answers as 0, labelled as such by the adapters.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from .errors import N_, DomainError, Message, msg
from .lke_grading import (
    LEGACY_METHOD,
    GradeError,
    GradeOverride,
    Method,
    computed_grade,
    decide_grade,
    grade_value,
    method_of,
)
from .scales import LKE_AKIP, PredicateScale, get_scale

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)


class EvaluationError(DomainError):
    """An LKE structure or answer that cannot be used; each message names the path.

    ``messages`` are the translatable `Message` objects, ``errors`` their Indonesian texts.
    """

    def __init__(self, errors: Sequence[Message | str]) -> None:
        self.messages = [e if isinstance(e, Message) else Message(e) for e in errors]
        self.errors = [m.render() for m in self.messages]
        super().__init__(Message("%(errors)s", {"errors": tuple(self.messages)}))


class SubKind(StrEnum):
    KEBERADAAN = "keberadaan"
    KUALITAS = "kualitas"
    PEMANFAATAN = "pemanfaatan"
    OTHER = "lainnya"


#: The 88/2021 split of every component: keberadaan 20 %, kualitas 30 %, pemanfaatan 50 %.
SPLIT_88_2021: dict[SubKind, Decimal] = {
    SubKind.KEBERADAAN: Decimal(20),
    SubKind.KUALITAS: Decimal(30),
    SubKind.PEMANFAATAN: Decimal(50),
}


@dataclass(frozen=True, slots=True)
class AnswerOption:
    code: str
    label: str
    value: Decimal  # share of the criterion, 0…1


@dataclass(frozen=True)
class AnswerSet:
    code: str
    name: str
    options: tuple[AnswerOption, ...]

    def option(self, code: str) -> AnswerOption | None:
        c = code.strip().upper()
        for o in self.options:
            if o.code.upper() == c:
                return o
        return None

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(o.code for o in self.options)


@dataclass(frozen=True)
class Criterion:
    code: str
    text: str
    answers: AnswerSet
    weight: Decimal = ONE
    guidance: str = ""


@dataclass(frozen=True)
class SubComponent:
    code: str
    name: str
    kind: SubKind
    weight: Decimal
    criteria: tuple[Criterion, ...]


@dataclass(frozen=True)
class Component:
    code: str
    name: str
    weight: Decimal
    subcomponents: tuple[SubComponent, ...]


@dataclass(frozen=True)
class Framework:
    code: str
    name: str
    components: tuple[Component, ...]
    regulation: str = ""
    total: Decimal = HUNDRED
    scale: PredicateScale = LKE_AKIP
    answer_sets: tuple[AnswerSet, ...] = ()
    method: Method = LEGACY_METHOD

    @property
    def graded(self) -> bool:
        return self.method == Method.GRADED_88_2021

    def criteria(self) -> Iterable[tuple[Component, SubComponent, Criterion]]:
        for comp in self.components:
            for sub in comp.subcomponents:
                for crit in sub.criteria:
                    yield comp, sub, crit

    def criterion(self, code: str) -> Criterion | None:
        for _c, _s, crit in self.criteria():
            if crit.code == code:
                return crit
        return None


# ----------------------------------------------------------------------------- validation


def _fmt(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def validation_errors(fw: Framework) -> list[Message]:
    """Every problem of the structure, each with its path (empty when the framework is usable)."""
    errors: list[Message] = []
    if fw.total <= 0:
        errors.append(
            msg(N_("%(path)s: nilai total harus positif, bukan %(value)s"), path=fw.code, value=_fmt(fw.total))
        )
    if not fw.components:
        errors.append(msg(N_("%(path)s: tidak ada komponen"), path=fw.code))
    codes: dict[str, str] = {}

    def unique(code: str, path: str) -> None:
        if not code.strip():
            errors.append(msg(N_("%(path)s: kode kosong"), path=path))
        elif code in codes:
            errors.append(
                msg(
                    N_("%(path)s: kode '%(code)s' dipakai dua kali (juga di %(other)s)"),
                    path=path,
                    code=code,
                    other=codes[code],
                )
            )
        else:
            codes[code] = path

    for aset in fw.answer_sets:
        errors.extend(_answer_set_errors(aset, f"{fw.code}.answer_sets.{aset.code}"))
    comp_sum = ZERO
    for i, comp in enumerate(fw.components, start=1):
        cpath = f"{fw.code} › {comp.code or i} {comp.name}"
        unique(comp.code, cpath)
        comp_sum += comp.weight
        if comp.weight <= 0:
            errors.append(
                msg(N_("%(path)s: bobot harus positif, bukan %(value)s"), path=cpath, value=_fmt(comp.weight))
            )
        if not comp.subcomponents:
            errors.append(msg(N_("%(path)s: tidak ada subkomponen"), path=cpath))
            continue
        sub_sum = ZERO
        for j, sub in enumerate(comp.subcomponents, start=1):
            spath = f"{cpath} › {sub.code or j} {sub.name}"
            unique(sub.code, spath)
            sub_sum += sub.weight
            if sub.weight <= 0:
                errors.append(
                    msg(N_("%(path)s: bobot harus positif, bukan %(value)s"), path=spath, value=_fmt(sub.weight))
                )
            if not sub.criteria:
                errors.append(msg(N_("%(path)s: tidak ada kriteria"), path=spath))
            for k, crit in enumerate(sub.criteria, start=1):
                kpath = f"{spath} › {crit.code or k}"
                unique(crit.code, kpath)
                if crit.weight <= 0:
                    errors.append(
                        msg(
                            N_("%(path)s: bobot kriteria harus positif, bukan %(value)s"),
                            path=kpath,
                            value=_fmt(crit.weight),
                        )
                    )
                if not crit.text.strip():
                    errors.append(msg(N_("%(path)s: kriteria tanpa uraian"), path=kpath))
                if not crit.answers.options:
                    errors.append(
                        msg(
                            N_("%(path)s: jenis jawaban '%(set)s' tidak memiliki pilihan"),
                            path=kpath,
                            set=crit.answers.code,
                        )
                    )
        if sub_sum != comp.weight:
            errors.append(
                msg(
                    N_("%(path)s: jumlah bobot subkomponen %(sum)s, tidak sama dengan bobot komponen %(weight)s"),
                    path=cpath,
                    sum=_fmt(sub_sum),
                    weight=_fmt(comp.weight),
                )
            )
    if fw.components and comp_sum != fw.total:
        errors.append(
            msg(
                N_("%(path)s: jumlah bobot komponen %(sum)s, tidak sama dengan total %(total)s"),
                path=fw.code,
                sum=_fmt(comp_sum),
                total=_fmt(fw.total),
            )
        )
    return errors


def _answer_set_errors(aset: AnswerSet, path: str) -> list[Message]:
    errors: list[Message] = []
    if not aset.options:
        errors.append(msg(N_("%(path)s: tidak ada pilihan jawaban"), path=path))
    seen: set[str] = set()
    for o in aset.options:
        c = o.code.strip().upper()
        if not c:
            errors.append(msg(N_("%(path)s: ada pilihan jawaban tanpa kode"), path=path))
        elif c in seen:
            errors.append(msg(N_("%(path)s: pilihan '%(option)s' tercantum dua kali"), path=path, option=o.code))
        seen.add(c)
        if not ZERO <= o.value <= ONE:
            errors.append(
                msg(
                    N_("%(path)s.%(option)s: nilai %(value)s di luar 0…1"),
                    path=path,
                    option=o.code,
                    value=_fmt(o.value),
                )
            )
    return errors


def build_framework(fw: Framework) -> Framework:
    """The framework, if its structure is valid; else `EvaluationError` listing every problem with its path."""
    errors = validation_errors(fw)
    if errors:
        raise EvaluationError(errors)
    return fw


# ----------------------------------------------------------------------------- from data


def _decimal(value: Any, path: str, errors: list[Message], default: Decimal | None = None) -> Decimal:
    if value is None and default is not None:
        return default
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        errors.append(msg(N_("%(path)s: harus berupa angka, bukan %(value)s"), path=path, value=repr(value)))
        return ZERO
    try:
        # a float read from YAML/JSON is taken as its shortest text (0.75 → "0.75"), never its binary expansion
        d = Decimal(repr(value) if isinstance(value, float) else str(value).strip())
    except InvalidOperation:
        errors.append(msg(N_("%(path)s: %(value)s bukan angka"), path=path, value=repr(value)))
        return ZERO
    if not d.is_finite():
        errors.append(msg(N_("%(path)s: %(value)s bukan angka"), path=path, value=repr(value)))
        return ZERO
    return d


def _text(d: Mapping[str, Any], key: str, path: str, errors: list[Message], required: bool = True) -> str:
    value = d.get(key, "")
    if value is None:
        value = ""
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        errors.append(
            msg(N_("%(path)s.%(key)s: harus berupa teks, bukan %(value)s"), path=path, key=key, value=repr(value))
        )
        return ""
    text = str(value).strip()
    if required and not text:
        errors.append(msg(N_("%(path)s.%(key)s: belum diisi"), path=path, key=key))
    return text


def _list(d: Mapping[str, Any], key: str, path: str, errors: list[Message]) -> list[Any]:
    value = d.get(key)
    if not isinstance(value, list):
        errors.append(msg(N_("%(path)s.%(key)s: harus berupa daftar"), path=path, key=key))
        return []
    return value


def answer_set_from_dict(code: str, d: Any, path: str, errors: list[Message]) -> AnswerSet:
    if not isinstance(d, Mapping):
        errors.append(msg(N_("%(path)s: harus berupa pemetaan dengan name dan options"), path=path))
        return AnswerSet(code, code, ())
    options: list[AnswerOption] = []
    for i, o in enumerate(_list(d, "options", path, errors)):
        opath = f"{path}.options[{i}]"
        if not isinstance(o, Mapping):
            errors.append(msg(N_("%(path)s: harus berupa pemetaan dengan code, label dan value"), path=opath))
            continue
        options.append(
            AnswerOption(
                _text(o, "code", opath, errors),
                _text(o, "label", opath, errors, required=False) or str(o.get("code")),
                _decimal(o.get("value"), f"{opath}.value", errors),
            )
        )
    return AnswerSet(code, _text(d, "name", path, errors, required=False) or code, tuple(options))


def framework_from_dict(data: Any, source: str = "lke") -> Framework:
    """A framework from plain data (a preset file, the database), validated; errors carry their path."""
    errors: list[Message] = []
    if not isinstance(data, Mapping):
        raise EvaluationError([msg(N_("%(path)s: harus berupa pemetaan"), path=source)])
    code = _text(data, "code", source, errors)
    scale = LKE_AKIP
    method = LEGACY_METHOD
    try:
        method = method_of(str(data.get("method") or ""))
    except GradeError as exc:
        errors.append(msg(N_("%(path)s.method: %(error)s"), path=source, error=exc.msg))
    if data.get("scale"):
        try:
            scale = get_scale(str(data["scale"]))
        except DomainError as exc:
            errors.append(msg(N_("%(path)s.scale: %(error)s"), path=source, error=exc.msg))
    sets_data = data.get("answer_sets") or {}
    if not isinstance(sets_data, Mapping):
        errors.append(msg(N_("%(path)s.answer_sets: harus berupa pemetaan kode → jenis jawaban"), path=source))
        sets_data = {}
    sets = {str(k): answer_set_from_dict(str(k), v, f"{source}.answer_sets.{k}", errors) for k, v in sets_data.items()}
    components: list[Component] = []
    for i, c in enumerate(_list(data, "components", source, errors)):
        cpath = f"{source}.components[{i}]"
        if not isinstance(c, Mapping):
            errors.append(msg(N_("%(path)s: harus berupa pemetaan"), path=cpath))
            continue
        subs: list[SubComponent] = []
        for j, s in enumerate(_list(c, "subcomponents", cpath, errors)):
            spath = f"{cpath}.subcomponents[{j}]"
            if not isinstance(s, Mapping):
                errors.append(msg(N_("%(path)s: harus berupa pemetaan"), path=spath))
                continue
            kind_text = _text(s, "kind", spath, errors)
            try:
                kind = SubKind(kind_text)
            except ValueError:
                errors.append(
                    msg(
                        N_("%(path)s.kind: '%(kind)s' bukan salah satu dari %(kinds)s"),
                        path=spath,
                        kind=kind_text,
                        kinds=", ".join(k.value for k in SubKind),
                    )
                )
                kind = SubKind.OTHER
            crits: list[Criterion] = []
            for k, cr in enumerate(_list(s, "criteria", spath, errors)):
                kpath = f"{spath}.criteria[{k}]"
                if not isinstance(cr, Mapping):
                    errors.append(msg(N_("%(path)s: harus berupa pemetaan"), path=kpath))
                    continue
                set_code = _text(cr, "answers", kpath, errors)
                aset = sets.get(set_code)
                if aset is None:
                    if set_code:
                        errors.append(
                            msg(
                                N_("%(path)s.answers: jenis jawaban '%(set)s' tidak dikenal (yang ada: %(known)s)"),
                                path=kpath,
                                set=set_code,
                                known=", ".join(sets),
                            )
                        )
                    aset = AnswerSet(set_code, set_code, ())
                crits.append(
                    Criterion(
                        _text(cr, "code", kpath, errors),
                        _text(cr, "text", kpath, errors),
                        aset,
                        _decimal(cr.get("weight"), f"{kpath}.weight", errors, ONE),
                        _text(cr, "guidance", kpath, errors, required=False),
                    )
                )
            subs.append(
                SubComponent(
                    _text(s, "code", spath, errors),
                    _text(s, "name", spath, errors, required=False) or kind_text.title(),
                    kind,
                    _decimal(s.get("weight"), f"{spath}.weight", errors),
                    tuple(crits),
                )
            )
        components.append(
            Component(
                _text(c, "code", cpath, errors),
                _text(c, "name", cpath, errors),
                _decimal(c.get("weight"), f"{cpath}.weight", errors),
                tuple(subs),
            )
        )
    fw = Framework(
        code=code or source,
        name=_text(data, "name", source, errors),
        components=tuple(components),
        regulation=_text(data, "regulation", source, errors, required=False),
        total=_decimal(data.get("total"), f"{source}.total", errors, HUNDRED),
        scale=scale,
        answer_sets=tuple(sets.values()),
        method=method,
    )
    if errors:  # the structure's own problems too, so that one pass lists everything
        raise EvaluationError(errors + [e for e in validation_errors(fw) if e not in errors])
    return build_framework(fw)


# ----------------------------------------------------------------------------- scoring


@dataclass(frozen=True)
class CriterionScore:
    criterion: Criterion
    answer: str | None  # the option code as answered, normalised; None: not answered
    value: Decimal | None  # the option's value 0…1


@dataclass(frozen=True)
class NodeScore:
    """A sub-component, a component or the whole: its points out of ``weight``."""

    code: str
    name: str
    weight: Decimal
    value: Decimal | None  # None while a criterion below is unanswered
    provisional: Decimal  # unanswered counted as 0
    answered: int
    criteria_count: int
    children: tuple[NodeScore, ...] = ()
    criteria: tuple[CriterionScore, ...] = ()
    # the 88/2021 method, sub-components only: the grade in force, the one the criteria give,
    # the criteria fulfilled (weighted) out of all, the evaluator's qualifier and note/reason
    grade: str | None = None
    computed_grade: str | None = None
    fulfilled: Decimal | None = None
    qualifier: str = ""
    grade_note: str = ""

    @property
    def share(self) -> Decimal | None:
        """The criteria fulfilled as a share × 100 (the 88/2021 method), unanswered counted as not fulfilled."""
        if self.fulfilled is None:
            return None
        possible = sum((c.criterion.weight for c in self.criteria), ZERO)
        return self.fulfilled / possible * HUNDRED if possible else None

    @property
    def complete(self) -> bool:
        return self.answered == self.criteria_count

    @property
    def percent(self) -> Decimal | None:
        """The node's points as a share of its weight × 100."""
        return None if self.value is None else self.value / self.weight * HUNDRED


@dataclass(frozen=True)
class Score:
    framework: Framework
    total: NodeScore  # children: the components
    predicate: str | None  # None while incomplete

    @property
    def components(self) -> tuple[NodeScore, ...]:
        return self.total.children

    def criterion(self, code: str) -> CriterionScore | None:
        for comp in self.components:
            for sub in comp.children:
                for cs in sub.criteria:
                    if cs.criterion.code == code:
                        return cs
        return None


def answer_value(criterion: Criterion, answer: str) -> Decimal:
    """The value of an answer code, or `EvaluationError` naming the criterion and the allowed codes."""
    option = criterion.answers.option(answer)
    if option is None:
        raise EvaluationError(
            [
                msg(
                    N_("kriteria %(criterion)s: '%(answer)s' bukan jawaban %(set)s (pilihan: %(codes)s)"),
                    criterion=criterion.code,
                    answer=answer,
                    set=criterion.answers.name,
                    codes=", ".join(criterion.answers.codes),
                )
            ]
        )
    return option.value


def _sum(nodes: Sequence[NodeScore], code: str, name: str, weight: Decimal) -> NodeScore:
    complete = all(n.value is not None for n in nodes)
    return NodeScore(
        code,
        name,
        weight,
        sum((n.value for n in nodes if n.value is not None), ZERO) if complete else None,
        sum((n.provisional for n in nodes), ZERO),
        sum(n.answered for n in nodes),
        sum(n.criteria_count for n in nodes),
        tuple(nodes),
    )


def score(fw: Framework, answers: Mapping[str, str | None], grades: Mapping[str, GradeOverride] | None = None) -> Score:
    """Roll the answers (criterion code → option code) up to sub-components, components and the total.

    An answer code that is not an option of its criterion is refused (every such error listed);
    answers for codes that are not criteria of the framework are refused too. ``grades`` are
    the evaluator's sub-component decisions (sub-component code → `GradeOverride`) of the
    88/2021 method, each checked by `lke_grading.decide_grade`; they apply once every
    criterion of the sub-component is answered.
    """
    errors: list[Message] = []
    grades = grades or {}
    sub_codes = {s.code for c in fw.components for s in c.subcomponents}
    if not fw.graded and any(g.grade.strip() for g in grades.values()):
        errors.append(msg(N_("nilai subkomponen hanya untuk metode penilaian PermenPAN-RB 88/2021")))
    stray = sorted(k for k, g in grades.items() if k not in sub_codes and g.grade.strip())
    if stray:
        errors.append(
            msg(
                N_("nilai untuk subkomponen yang tidak ada di %(framework)s: %(codes)s"),
                framework=fw.code,
                codes=", ".join(stray),
            )
        )
    known = {crit.code for _c, _s, crit in fw.criteria()}
    unknown = sorted(k for k, v in answers.items() if k not in known and v)
    if unknown:
        errors.append(
            msg(
                N_("jawaban untuk kriteria yang tidak ada di %(framework)s: %(codes)s"),
                framework=fw.code,
                codes=", ".join(unknown),
            )
        )
    components: list[NodeScore] = []
    for comp in fw.components:
        subs: list[NodeScore] = []
        for sub in comp.subcomponents:
            crit_scores: list[CriterionScore] = []
            for crit in sub.criteria:
                raw = answers.get(crit.code)
                if raw is None or not raw.strip():
                    crit_scores.append(CriterionScore(crit, None, None))
                    continue
                try:
                    v = answer_value(crit, raw)
                except EvaluationError as exc:
                    errors.extend(exc.messages)
                    continue
                option = crit.answers.option(raw)
                crit_scores.append(CriterionScore(crit, option.code if option else raw, v))
            total_w = sum((c.weight for c in sub.criteria), ZERO)
            weighted = sum((cs.criterion.weight * cs.value for cs in crit_scores if cs.value is not None), ZERO)
            provisional = sub.weight * weighted / total_w if total_w else ZERO
            answered = sum(1 for cs in crit_scores if cs.value is not None)
            complete = answered == len(sub.criteria)
            if fw.graded:
                subs.append(_graded(sub, crit_scores, weighted, total_w, complete, grades.get(sub.code), errors))
                continue
            subs.append(
                NodeScore(
                    sub.code,
                    sub.name,
                    sub.weight,
                    provisional if complete else None,
                    provisional,
                    answered,
                    len(sub.criteria),
                    (),
                    tuple(crit_scores),
                )
            )
        components.append(_sum(subs, comp.code, comp.name, comp.weight))
    if errors:
        raise EvaluationError(errors)
    total = _sum(components, fw.code, fw.name, fw.total)
    predicate = fw.scale.classify(total.value) if total.value is not None else None
    return Score(fw, total, predicate)


def _graded(
    sub: SubComponent,
    crit_scores: list[CriterionScore],
    fulfilled: Decimal,
    possible: Decimal,
    complete: bool,
    override: GradeOverride | None,
    errors: list[Message],
) -> NodeScore:
    """A sub-component under the 88/2021 method: its grade from the share fulfilled, its value the grade's %."""
    computed = computed_grade(fulfilled, possible) if possible > 0 else "E"
    decision = None
    if complete:
        try:
            decision = decide_grade(sub.code, sub.kind.value, computed, override)
        except GradeError as exc:
            errors.append(exc.msg)
    grade = decision.grade if decision else computed
    value = grade_value(grade, sub.weight)
    return NodeScore(
        sub.code,
        sub.name,
        sub.weight,
        value if complete else None,
        value,
        sum(1 for cs in crit_scores if cs.value is not None),
        len(sub.criteria),
        (),
        tuple(crit_scores),
        grade=grade if complete else None,
        computed_grade=computed,
        fulfilled=fulfilled,
        qualifier=decision.qualifier if decision else "",
        grade_note=decision.note if decision else "",
    )


def predicate_for(fw: Framework, total: Decimal) -> str:
    return fw.scale.classify(total)


# ----------------------------------------------------------------------------- self vs evaluator


@dataclass(frozen=True)
class Difference:
    """One row of the side-by-side table: the office's self-assessment and the evaluator's score."""

    level: str  # "total" | "component" | "subcomponent" | "criterion"
    code: str
    name: str
    weight: Decimal | None
    self_value: Decimal | None
    evaluator_value: Decimal | None
    self_answer: str | None = None
    evaluator_answer: str | None = None

    @property
    def difference(self) -> Decimal | None:
        """Evaluator − self; None while either is missing."""
        if self.self_value is None or self.evaluator_value is None:
            return None
        return self.evaluator_value - self.self_value

    @property
    def agrees(self) -> bool | None:
        d = self.difference
        return None if d is None else d == 0


@dataclass(frozen=True)
class Comparison:
    own: Score
    evaluator: Score
    rows: tuple[Difference, ...] = field(default=())

    def by_level(self, level: str) -> list[Difference]:
        return [r for r in self.rows if r.level == level]

    @property
    def disagreements(self) -> list[Difference]:
        return [r for r in self.rows if r.level == "criterion" and r.agrees is False]


def compare(
    fw: Framework,
    own: Mapping[str, str | None],
    evaluator: Mapping[str, str | None],
    own_grades: Mapping[str, GradeOverride] | None = None,
    evaluator_grades: Mapping[str, GradeOverride] | None = None,
) -> Comparison:
    """Both scores of the same framework and the rows of every level, total first, in document order.

    Under the 88/2021 method a sub-component's row carries both grades as its answers.
    """
    a, b = score(fw, own, own_grades), score(fw, evaluator, evaluator_grades)
    rows: list[Difference] = [Difference("total", fw.code, fw.name, fw.total, a.total.value, b.total.value)]
    for ca, cb in zip(a.components, b.components, strict=True):
        rows.append(Difference("component", ca.code, ca.name, ca.weight, ca.value, cb.value))
        for sa, sb in zip(ca.children, cb.children, strict=True):
            rows.append(Difference("subcomponent", sa.code, sa.name, sa.weight, sa.value, sb.value, sa.grade, sb.grade))
            for xa, xb in zip(sa.criteria, sb.criteria, strict=True):
                rows.append(
                    Difference(
                        "criterion",
                        xa.criterion.code,
                        xa.criterion.text,
                        xa.criterion.weight,
                        xa.value,
                        xb.value,
                        xa.answer,
                        xb.answer,
                    )
                )
    return Comparison(a, b, tuple(rows))
