"""The lock rule where data is written: no write changes data of a frozen period, on any path.

A submitted, verified or approved period is frozen (``domain.workflow``). The pages, the
API and the imports check that before they store anything and say why (409 and the
Indonesian message); this module is the guarantee behind them. It listens to
``pre_save``, ``pre_delete`` and ``m2m_changed`` of every model whose rows feed a figure
or a document, and the bulk writes of their managers (``core.guarded.GuardedManager``),
and raises :class:`~sakip.workflow.services.PeriodLocked` when a write would change data
of a frozen period — whatever made it: a view, a form, the admin, the API, an import, a
command, a shell.

Which periods can freeze a row is decided per field (:data:`RULES`): a quarter's
realisation belongs to that quarter (and the annual report covering it), a PK target to
the PK, a plan target to every period of its year, the plan's structure and texts to
every period of every year the plan covers (``domain.workflow.Scope``). The plan is
*frozen*, not versioned: once any period of a year it covers is frozen, its goals,
objectives, indicators and programs stay as they are until that period is reopened
(returned, withdrawn or unlocked with a reason); targets of the years still open can
change. See ``docs/security.md``.

A write that changes nothing (a save of the stored values) and an empty row (an
indicator's year with nothing in it yet) pass. Raw saves (fixtures, ``loaddata``) and
:func:`suspended` blocks (a restore, a re-import proven identical for the frozen
periods) are not checked.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from sakip.audit.context import current
from sakip.core import guarded
from sakip.domain import workflow as wf

_suspended: contextvars.ContextVar[bool] = contextvars.ContextVar("sakip_guard_suspended", default=False)

S = wf.Scope


@contextmanager
def suspended() -> Iterator[None]:
    """Writes in this block are not checked (a restore; a re-import shown to leave frozen periods as they were)."""
    token = _suspended.set(True)
    try:
        yield
    finally:
        _suspended.reset(token)


# ----------------------------------------------------------------------------- where a row belongs


@dataclass(frozen=True)
class Location:
    office_id: int | None
    years: tuple[int, ...]
    quarter: int | None = None
    regency_id: int | None = None  # a regency-wide row (the regency's year setting): every office of the regency


Values = dict[str, Any]  # a row by attribute name (``plan_id``, ``year`` …)
Spec = tuple[wf.Scope, int | None]  # the scope, and the quarter when it is fixed (None: the row's quarter)


@dataclass(frozen=True)
class Rule:
    """How to find a model's office and years, and which periods each of its fields belongs to."""

    locate: Callable[[Values], Location | None]
    default: tuple[Spec, ...]  # the scope of every field not named in ``fields``
    fields: dict[str, tuple[Spec, ...]] = field(default_factory=dict)
    # fields that say where the row is (its parent, year, quarter): not content of a new or deleted row
    identity: frozenset[str] = frozenset()

    def specs(self, attname: str) -> tuple[Spec, ...]:
        return self.fields.get(attname, self.default)


def _cached(key: tuple[Any, ...], read: Callable[[], Any]) -> Any:
    cache = current().office_cache
    full = ("guard", key)
    if full not in cache:
        cache[full] = read()
    return cache[full]


def _forget(label: str, pk: Any) -> None:
    current().office_cache.pop(("guard", (label, pk)), None)


def _plan(plan_id: int | None) -> Location | None:
    if plan_id is None:
        return None
    from sakip.planning.models import PlanPeriod

    row = _cached(
        ("planning.PlanPeriod", plan_id),
        lambda: PlanPeriod.objects.filter(pk=plan_id).values_list("office_id", "start_year", "end_year").first(),
    )
    if row is None:
        return None
    office_id, start, end = row
    return Location(office_id, tuple(range(start, end + 1)))


def _parent_plan(label: str, pk: int | None, path: str) -> Location | None:
    if pk is None:
        return None
    model = apps.get_model(label)
    plan_id = _cached((label, pk), lambda: model._default_manager.filter(pk=pk).values_list(path, flat=True).first())
    return _plan(plan_id)


def _indicator_year(iy_id: int | None) -> tuple[int, int] | None:
    """(office id, year) of an indicator's year."""
    if iy_id is None:
        return None
    from sakip.monitoring.models import IndicatorYear

    return _cached(  # type: ignore[no-any-return]
        ("monitoring.IndicatorYear", iy_id),
        lambda: IndicatorYear.objects.filter(pk=iy_id).values_list("indicator__plan__office_id", "year").first(),
    )


def known_indicator_years(office_id: int, year: int, ids: Iterable[int]) -> None:
    """Indicator-years the caller read as ``office_id``'s of ``year`` (in this request's context): a write of them or of
    their quarters is placed without reading their office again (`_indicator_year`). Performance only: the same
    values the read would give."""
    ctx = current()
    if not ctx.caching:  # outside a request the cache is emptied at every look: nothing to keep
        return
    for pk in ids:
        ctx.office_cache[("guard", ("monitoring.IndicatorYear", pk))] = (office_id, year)


def _office_year(label: str, pk: int | None, office: str, year: str) -> tuple[int, int] | None:
    if pk is None:
        return None
    model = apps.get_model(label)
    return _cached(  # type: ignore[no-any-return]
        (label, pk), lambda: model._default_manager.filter(pk=pk).values_list(office, year).first()
    )


def _at(found: tuple[int, int] | None, quarter: int | None = None) -> Location | None:
    return Location(found[0], (found[1],), quarter) if found else None


def _year_of_indicator(v: Values, year: str = "year") -> Location | None:
    plan = _parent_plan("planning.Indicator", v["indicator_id"], "plan_id")
    return Location(plan.office_id, (v[year],)) if plan else None


def _objective_year(v: Values) -> Location | None:
    plan = _parent_plan("planning.Objective", v["objective_id"], "plan_id")
    return Location(plan.office_id, (v["year"],)) if plan else None


def _quarter_row(quarter_id: int | None) -> Location | None:
    if quarter_id is None:
        return None
    from sakip.monitoring.models import Quarter

    row = _cached(
        ("monitoring.Quarter", quarter_id),
        lambda: Quarter.objects.filter(pk=quarter_id)
        .values_list("indicator_year__indicator__plan__office_id", "indicator_year__year", "quarter")
        .first(),
    )
    return Location(row[0], (row[1],), row[2]) if row else None


def _year_setting(v: Values) -> Location:
    if v["office_id"] is not None:
        return Location(v["office_id"], (v["year"],))
    return Location(None, (v["year"],), regency_id=v["regency_id"])


PLAN: tuple[Spec, ...] = ((S.PLAN, None),)
YEAR: tuple[Spec, ...] = ((S.YEAR, None),)
PK: tuple[Spec, ...] = ((S.PK, None),)
ANNUAL: tuple[Spec, ...] = ((S.ANNUAL, None),)
QUARTER: tuple[Spec, ...] = ((S.QUARTER, None),)
YEAR_END: tuple[Spec, ...] = ((S.QUARTER, 4),)  # the year's realisation: TW IV and the annual report
EVERY_QUARTER: tuple[Spec, ...] = tuple((S.QUARTER, q) for q in (1, 2, 3, 4))  # TW I–IV and the annual report
FROM_QUARTER: tuple[Spec, ...] = ((S.FROM_QUARTER, None),)  # the row's quarter, the later ones, the annual report

#: every model whose rows feed a figure or a document, by label
RULES: dict[str, Rule] = {
    # the plan: structure and texts belong to every year it covers
    "planning.PlanPeriod": Rule(
        lambda v: Location(v["office_id"], tuple(range(v["start_year"], v["end_year"] + 1))),
        PLAN,
        identity=frozenset({"office_id"}),
    ),
    "planning.Goal": Rule(lambda v: _plan(v["plan_id"]), PLAN, identity=frozenset({"plan_id"})),
    "planning.Objective": Rule(lambda v: _plan(v["plan_id"]), PLAN, identity=frozenset({"plan_id"})),
    "planning.Indicator": Rule(lambda v: _plan(v["plan_id"]), PLAN, identity=frozenset({"plan_id"})),
    "planning.ProgramNode": Rule(lambda v: _plan(v["plan_id"]), PLAN, identity=frozenset({"plan_id"})),
    "planning.FormulaInput": Rule(
        lambda v: _parent_plan("planning.Indicator", v["indicator_id"], "plan_id"),
        PLAN,
        identity=frozenset({"indicator_id"}),
    ),
    # output indicators: name and unit belong to the plan; targets and realisations are per year (see _json_years)
    "planning.OutputIndicator": Rule(
        lambda v: _parent_plan("planning.ProgramNode", v["program_id"], "plan_id"),
        PLAN,
        identity=frozenset({"program_id"}),
    ),
    # the office plan's links to the regency's RPJMD (issue #17): part of the office's plan
    "cascade.OfficeObjectiveLink": Rule(
        lambda v: _parent_plan("planning.Objective", v["office_objective_id"], "plan_id")
        or _parent_plan("planning.Goal", v["office_goal_id"], "plan_id"),
        PLAN,
        identity=frozenset({"office_objective_id", "office_goal_id"}),
    ),
    "cascade.IndicatorContribution": Rule(
        lambda v: _parent_plan("planning.Indicator", v["indicator_id"], "plan_id"),
        PLAN,
        identity=frozenset({"indicator_id"}),
    ),
    # the plan's target of a year: what every period of that year is measured against
    "planning.Target": Rule(_year_of_indicator, YEAR, identity=frozenset({"indicator_id", "year"})),
    # an indicator's year: target overrides for the year, the year-end realisation, the report's texts
    "monitoring.IndicatorYear": Rule(
        _year_of_indicator,
        YEAR,
        fields={
            "annual_value": YEAR_END,
            "annual_grade": YEAR_END,
            "explanation": ANNUAL,
            "printed": ANNUAL,
        },
        identity=frozenset({"indicator_id", "year"}),
    ),
    # a quarter: its realisation belongs to the quarter; its target was agreed with the PK
    "monitoring.Quarter": Rule(
        lambda v: _at(_indicator_year(v["indicator_year_id"]), v["quarter"]),
        QUARTER,
        fields={
            "target": ((S.PK, None), (S.QUARTER, None)),
            "target_grade": ((S.PK, None), (S.QUARTER, None)),
            "target_low": ((S.PK, None), (S.QUARTER, None)),
            "target_high": ((S.PK, None), (S.QUARTER, None)),
        },
        identity=frozenset({"indicator_year_id", "quarter"}),
    ),
    "monitoring.InputValue": Rule(
        lambda v: _quarter_row(v["quarter_id"]), QUARTER, identity=frozenset({"quarter_id", "input_id"})
    ),
    "monitoring.Evidence": Rule(
        lambda v: _at(_indicator_year(v["indicator_year_id"]), v["quarter"]),
        QUARTER,
        identity=frozenset({"indicator_year_id", "quarter"}),
    ),
    "monitoring.ObjectivePrinted": Rule(_objective_year, ANNUAL, identity=frozenset({"objective_id", "year"})),
    # the performance agreement
    "agreements.PkVersion": Rule(
        lambda v: Location(v["office_id"], (v["year"],)), PK, identity=frozenset({"office_id", "year"})
    ),
    "agreements.PkTarget": Rule(
        lambda v: _at(_office_year("agreements.PkVersion", v["version_id"], "office_id", "year")),
        PK,
        identity=frozenset({"version_id"}),
    ),
    "agreements.PkProgram": Rule(
        lambda v: _at(_office_year("agreements.PkVersion", v["version_id"], "office_id", "year")),
        PK,
        identity=frozenset({"version_id"}),
    ),
    # the budget: allocations and structure are the year's basis; realisations belong to their quarter
    "budgeting.BudgetYear": Rule(
        lambda v: Location(v["office_id"], (v["year"],)),
        YEAR,
        fields={"total_realisation": YEAR_END, "total_printed": ANNUAL, "lines_total_printed": ANNUAL},
        identity=frozenset({"office_id", "year"}),
    ),
    "budgeting.ClassAmount": Rule(
        lambda v: _at(_office_year("budgeting.BudgetYear", v["budget_id"], "office_id", "year")),
        YEAR,
        fields={"realisation": YEAR_END, "printed": ANNUAL},
        identity=frozenset({"budget_id"}),
    ),
    "budgeting.BudgetLine": Rule(
        lambda v: _at(_office_year("budgeting.BudgetYear", v["budget_id"], "office_id", "year")),
        YEAR,
        # which realisation counts (quarters or the year's figure) changes every quarter's figure to date
        fields={"realisation": YEAR_END, "basis": EVERY_QUARTER, "explanation": ANNUAL, "printed": ANNUAL},
        identity=frozenset({"budget_id"}),
    ),
    # an allocation amendment (APBD Perubahan): its quarter, the later ones and the year; never an earlier quarter
    "budgeting.AllocationAmendment": Rule(
        lambda v: _at(
            _office_year("budgeting.BudgetLine", v["line_id"], "budget__office_id", "budget__year"), v["from_quarter"]
        ),
        FROM_QUARTER,
        identity=frozenset({"line_id", "from_quarter"}),
    ),
    "budgeting.LineQuarter": Rule(
        lambda v: _at(_office_year("budgeting.BudgetLine", v["line_id"], "budget__office_id", "budget__year"),
                      v["quarter"]),
        QUARTER,
        identity=frozenset({"line_id", "quarter"}),
    ),
    # the survey sets the year-end realisation of its indicator
    "surveys.Survey": Rule(
        lambda v: Location(v["office_id"], (v["year"],)), YEAR_END, identity=frozenset({"office_id", "year"})
    ),
    # the year's scale, cap and formula choice: every figure of the year (an office's, or every office's)
    "accounts.YearSetting": Rule(_year_setting, YEAR, identity=frozenset({"regency_id", "office_id", "year"})),
    # the documents' narrative sections and the year's staff, facilities and villages: what the year's report shows
    "profiles.Narrative": Rule(
        lambda v: Location(v["office_id"], (v["year"],)), ANNUAL, identity=frozenset({"office_id", "year"})
    ),
    "profiles.YearProfile": Rule(
        lambda v: Location(v["office_id"], (v["year"],)), ANNUAL, identity=frozenset({"office_id", "year"})
    ),
}

#: JSON fields holding one value per year (``{"2021": …}``): a change belongs to the years whose value changed
_JSON_YEARS: dict[str, dict[str, tuple[Spec, ...]]] = {
    "planning.OutputIndicator": {"targets": YEAR, "realisations": YEAR_END},
}


def warm(model: type[models.Model], rows: Sequence[models.Model]) -> None:
    """Before a bulk write: read the parents of ``rows`` that locating them needs, in one query each."""
    if _suspended.get():
        return
    label = model._meta.label
    if label == "monitoring.InputValue":
        _warm_many("monitoring.Quarter", {getattr(r, "quarter_id", None) for r in rows},
                   ("indicator_year__indicator__plan__office_id", "indicator_year__year", "quarter"))
    elif label in ("monitoring.Quarter", "monitoring.Evidence"):
        _warm_many("monitoring.IndicatorYear", {getattr(r, "indicator_year_id", None) for r in rows},
                   ("indicator__plan__office_id", "year"))
    elif label in ("monitoring.IndicatorYear", "planning.Target", "planning.FormulaInput"):
        ids = {getattr(r, "indicator_id", None) for r in rows}
        _warm_many("planning.Indicator", ids, ("plan_id",), flat=True)
        from sakip.planning.models import Indicator

        for plan_id in set(Indicator.objects.filter(pk__in=[i for i in ids if i]).values_list("plan_id", flat=True)):
            _plan(plan_id)
    elif label == "budgeting.LineQuarter":
        _warm_many("budgeting.BudgetLine", {getattr(r, "line_id", None) for r in rows},
                   ("budget__office_id", "budget__year"))


def _warm_many(label: str, ids: set[Any], columns: tuple[str, ...], flat: bool = False) -> None:
    cache = current().office_cache
    wanted = [i for i in ids if i is not None and ("guard", (label, i)) not in cache]
    if not wanted:
        return
    model = apps.get_model(label)
    for pk, *rest in model._default_manager.filter(pk__in=wanted).values_list("pk", *columns):
        cache[("guard", (label, pk))] = rest[0] if flat else tuple(rest)


def guarded_models() -> list[type[models.Model]]:
    """The models the lock rule governs (they feed a figure or a document)."""
    return [apps.get_model(label) for label in RULES]


# ----------------------------------------------------------------------------- the check


def _empty(f: models.Field[Any, Any], value: Any) -> bool:
    if value in (None, "", [], {}):
        return True
    if f.has_default():
        try:
            return bool(value == f.get_default())
        except Exception:
            return False
    return False


def _fields(model: type[models.Model]) -> dict[str, models.Field[Any, Any]]:
    """The fields whose change is a change of data (not the key, automatic dates or the row's version counter)."""
    from sakip.core.concurrency import Versioned

    versioned = issubclass(model, Versioned)
    return {
        f.attname: f
        for f in model._meta.concrete_fields
        if not f.primary_key
        and not getattr(f, "auto_now", False)
        and not getattr(f, "auto_now_add", False)
        and not (versioned and f.name == "version")
    }


def _values(instance: models.Model) -> Values:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def _frozen_states(office_id: int) -> dict[int, dict[wf.Period, wf.State]]:
    from .models import PeriodState
    from .services import FROZEN_VALUES

    def read() -> dict[int, dict[wf.Period, wf.State]]:
        out: dict[int, dict[wf.Period, wf.State]] = {}
        rows = PeriodState.objects.filter(office_id=office_id, state__in=FROZEN_VALUES).values_list(
            "year", "step", "quarter", "state"
        )
        for year, step, quarter, state in rows:
            out.setdefault(year, {})[(wf.Step(step), quarter)] = wf.State(state)
        return out

    return _cached(("states", office_id), read)  # type: ignore[no-any-return]


def _refuse(office_id: int, year: int, found: tuple[wf.Period, wf.State]) -> None:
    from sakip.accounts.models import Office

    from .services import PeriodLocked

    (step, quarter), state = found
    raise PeriodLocked(Office.objects.get(pk=office_id), step, year, quarter, state)


def _check_place(location: Location, specs: set[Spec]) -> None:
    for scope, fixed in sorted(specs, key=lambda s: (s[0].value, s[1] or 0)):
        quarter = fixed if fixed is not None else location.quarter
        if scope is S.QUARTER and quarter is None:
            scope = S.ANNUAL  # evidence or a value of the whole year: the annual report's
        periods = wf.scope_periods(scope, quarter)
        if location.regency_id is not None:
            _check_regency(location, periods)
            continue
        if location.office_id is None:
            continue
        states = _frozen_states(location.office_id)
        for year in location.years:
            found = wf.first_frozen(periods, states.get(year, {}))
            if found is not None:
                _refuse(location.office_id, year, found)


def _check_regency(location: Location, periods: list[wf.Period]) -> None:
    from .models import PeriodState
    from .services import FROZEN_VALUES

    assert location.regency_id is not None
    rows = PeriodState.objects.filter(
        office__regency_id=location.regency_id, year__in=location.years, state__in=FROZEN_VALUES
    ).values_list("office_id", "year", "step", "quarter", "state")
    wanted = set(periods)
    for office_id, year, step, quarter, state in sorted(rows):
        period = (wf.Step(step), quarter)
        if period in wanted:
            _refuse(office_id, year, (period, wf.State(state)))


def _json_specs(
    label: str, now: Values, before: Values | None, changed: set[str]
) -> list[tuple[int, tuple[Spec, ...]]]:
    """For per-year JSON fields: (year, specs) for each year whose value changed."""
    out: list[tuple[int, tuple[Spec, ...]]] = []
    for name, specs in _JSON_YEARS.get(label, {}).items():
        if name not in changed:
            continue
        new = now.get(name) or {}
        old = (before or {}).get(name) or {}
        for key in set(new) | set(old):
            if new.get(key) != old.get(key):
                # a key that is not a year belongs to no year in particular: to the plan, every year
                out.append((int(key), specs) if str(key).isdigit() else (0, PLAN))
    return out


def check(instance: models.Model, changed: set[str] | None, before: Values | None) -> None:
    """Refuse (``PeriodLocked``) a write of ``instance`` that changes data of a frozen period.

    ``changed``: the attnames written (an update), or None for the whole row (a create or a
    delete: its non-empty content); ``before``: the row as stored, when it is an update.
    """
    if _suspended.get():
        return
    label = instance._meta.label
    rule = RULES.get(label)
    if rule is None:
        return
    fields = _fields(type(instance))
    now = _values(instance)
    if changed is None:
        content = {a for a, f in fields.items() if a not in rule.identity and not _empty(f, now.get(a))}
    else:
        content = {a for a in changed if a in fields}
        if content & rule.identity:  # moved to another parent, year or quarter: all of it changes place
            content |= {a for a, f in fields.items() if a not in rule.identity and not _empty(f, now.get(a))}
    content -= rule.identity
    if not content:
        return
    json_years = _json_specs(label, now, before, content)
    plain = content - set(_JSON_YEARS.get(label, {}))
    places = [now] if before is None else [now, before]
    for values in places:
        location = rule.locate(values)
        if location is None:
            continue
        specs = {s for a in plain for s in rule.specs(a)}
        if specs:
            _check_place(location, specs)
        for year, year_specs in json_years:
            _check_place(location if year == 0 else Location(location.office_id, (year,)), set(year_specs))


def refuse_dataset_changes(office: Any, before: dict[str, Any], after: dict[str, Any]) -> None:
    """Refuse (``PeriodLocked``) when the office's dataset ``after`` differs from ``before`` in a frozen period.

    For the replacement of a whole office (a dataset import): each difference is placed in
    a year and a scope by ``dataset.periods`` (the same scopes as :data:`RULES`); the plan's
    structure belongs to every year of the plan before and after, the settings to every year.
    """
    from sakip.dataset.periods import changed_scopes

    def plan_years(doc: dict[str, Any]) -> set[int]:
        period = (doc.get("plan") or {}).get("period") or {}
        if "start" in period and "end" in period:
            return set(range(int(period["start"]), int(period["end"]) + 1))
        return set()

    every = plan_years(before) | plan_years(after)
    every |= {int(y["year"]) for doc in (before, after) for y in doc.get("years") or [] if "year" in y}
    for touched in changed_scopes(before, after):
        years = tuple(sorted(every)) if touched.year is None else (touched.year,)
        _check_place(Location(office.pk, years, touched.quarter), {(touched.scope, touched.quarter)})


# ----------------------------------------------------------------------------- the signals


#: set on an instance by the guard's pre_save: the fields (attnames) its update changes (not set for a new row)
CHANGED = "_sakip_changed_fields"


def _pre_save(sender: type[models.Model], instance: models.Model, raw: bool = False, **kwargs: Any) -> None:
    if raw or _suspended.get() or sender._meta.label not in RULES:
        return
    before: Values | None = None
    if not instance._state.adding and instance.pk is not None:
        from sakip.audit.recorder import stored_values

        before = stored_values(instance)
    if before is None:
        check(instance, None, None)
        return
    fields = _fields(sender)
    update_fields = kwargs.get("update_fields")
    names = (
        {guarded.attname(sender, n) for n in update_fields} if update_fields is not None else set(fields)
    )
    from sakip.audit.recorder import same_value

    changed = {a for a in names if a in fields and not same_value(fields[a], before.get(a), getattr(instance, a))}
    setattr(instance, CHANGED, frozenset(changed))  # for the generations (`regency.generations._saved`)
    if changed:
        check(instance, changed, before)


def _pre_delete(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    if sender._meta.label in RULES:
        check(instance, None, None)


def _m2m(sender: type[models.Model], instance: models.Model, action: str, **kwargs: Any) -> None:
    """Links between programs and objectives are part of the plan."""
    if not action.startswith("pre_") or _suspended.get():
        return
    plan_id = getattr(instance, "plan_id", None)
    location = _plan(plan_id)
    if location is not None:
        _check_place(location, set(PLAN))


def _forget_states(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    office_id = getattr(instance, "office_id", None)
    current().office_cache.pop(("guard", ("states", office_id)), None)


def _forget_row(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    if sender._meta.label in RULES:
        _forget(sender._meta.label, instance.pk)


def connect() -> None:
    from sakip.planning.models import ProgramNode

    from .models import PeriodState

    pre_save.connect(_pre_save, dispatch_uid="sakip_guard_pre_save")
    pre_delete.connect(_pre_delete, dispatch_uid="sakip_guard_pre_delete")
    post_save.connect(_forget_row, dispatch_uid="sakip_guard_forget_saved")
    post_delete.connect(_forget_row, dispatch_uid="sakip_guard_forget_deleted")
    m2m_changed.connect(_m2m, sender=ProgramNode.objectives.through, dispatch_uid="sakip_guard_m2m")
    post_save.connect(_forget_states, sender=PeriodState, dispatch_uid="sakip_guard_states_saved")
    post_delete.connect(_forget_states, sender=PeriodState, dispatch_uid="sakip_guard_states_deleted")
    guarded.register(check, warm)
