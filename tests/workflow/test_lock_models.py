"""The lock holds for every model that feeds a figure or a document, whatever writes it (issue #10).

For each model the write guard governs (``sakip.workflow.guard.RULES``), on a row of office
A's approved year 2020 (or of its plan, which covers 2020): changing any field by
``save()``, ``QuerySet.update()`` and ``bulk_update()``, deleting the row (``delete()`` and
a queryset delete), creating a row like it (``save()`` and ``bulk_create()``) and moving it
to another year or quarter are all refused with ``PeriodLocked``, and nothing changes in
the database. The same change passes once the year is reopened (so the refusals are the
lock's, not some other error), and a save that changes nothing passes while locked.

Which models must be governed is checked from the apps: every concrete model of the apps
that hold an office's plan, agreement, measurements, budget and survey, and the year
settings, is in the guard's table.
"""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.db import models, transaction
from django.db.models.deletion import ProtectedError

from sakip.accounts.models import YearSetting
from sakip.audit.models import AuditEntry
from sakip.workflow import guard
from sakip.workflow.services import PeriodLocked

from .lock_support import ROWS_OF, YEAR, freeze_year, open_year, other_value, rows_of

pytestmark = pytest.mark.django_db

DATA_APPS = ("planning", "agreements", "monitoring", "budgeting", "surveys")
#: models of other apps the guard governs: the year's settings, narratives and staff/facility tables
OTHER_GOVERNED = {
    "accounts.YearSetting", "profiles.Narrative", "profiles.YearProfile",
    # the office plan's links to the regency's RPJMD (issue #17)
    "cascade.OfficeObjectiveLink", "cascade.IndicatorContribution",
}
GOVERNED = sorted(guard.RULES)


def test_every_model_of_the_office_data_is_governed() -> None:
    wanted = {
        m._meta.label
        for m in apps.get_models()
        if m._meta.app_label in DATA_APPS and not m._meta.auto_created and m._meta.managed
    } | OTHER_GOVERNED
    assert wanted == set(guard.RULES), sorted(wanted ^ set(guard.RULES))
    assert set(ROWS_OF) == set(guard.RULES)
    for label in guard.RULES:  # bulk writes go through the guard too
        from sakip.core.guarded import GuardedQuerySet

        assert isinstance(apps.get_model(label)._default_manager.all(), GuardedQuerySet), label


def _ensure_rows(demo: Any) -> None:
    """A row of every governed model for office A's 2020 (the seed has no evidence, inputs … of its own)."""
    from sakip.budgeting.models import AllocationAmendment, BudgetLine, ClassAmount, LineQuarter
    from sakip.monitoring.models import Evidence, IndicatorYear, InputValue, ObjectivePrinted, Quarter
    from sakip.planning.models import FormulaInput, Objective, OutputIndicator, ProgramNode

    office = demo.office_a
    iy = rows_of(IndicatorYear, office).first()
    assert iy is not None
    if not rows_of(Quarter, office).exclude(value=None).exists():  # Kaloran 2020 reports year-end values only
        q, _ = Quarter.objects.get_or_create(indicator_year=iy, quarter=3)
        q.value = Decimal("55.5")
        q.save()
    if not rows_of(Evidence, office).exists():
        Evidence.objects.create(indicator_year=iy, quarter=2, name="bukti.pdf", size=10)
    if not rows_of(InputValue, office).exists():
        fi = rows_of(FormulaInput, office).first()
        if fi is None:  # Kaloran's indicators have no formula inputs: one for the test
            ind = iy.indicator
            fi = FormulaInput.objects.create(indicator=ind, name="uji", label="Masukan uji")
        fiy, _ = IndicatorYear.objects.get_or_create(indicator=fi.indicator, year=YEAR)
        q, _ = Quarter.objects.get_or_create(indicator_year=fiy, quarter=1)
        InputValue.objects.create(quarter=q, input=fi, value=Decimal(7))
    if not rows_of(ObjectivePrinted, office).exists():
        ObjectivePrinted.objects.create(
            objective=rows_of(Objective, office).first(), year=YEAR, printed={"achievement": "99"}
        )
    if not rows_of(OutputIndicator, office).exists():
        OutputIndicator.objects.create(
            program=rows_of(ProgramNode, office).first(), name="Dokumen", unit="dokumen", targets={str(YEAR): "4"}
        )
    line = rows_of(BudgetLine, office).first()
    assert line is not None
    if not rows_of(LineQuarter, office).exists():
        LineQuarter.objects.create(line=line, quarter=1, realisation=Decimal(1000))
    if not rows_of(AllocationAmendment, office).exists():
        leaf_line = rows_of(BudgetLine, office).filter(children=None).first()
        AllocationAmendment.objects.create(line=leaf_line, from_quarter=3, allocation=Decimal(7000),
                                           date=dt.date(YEAR, 9, 30), reason="APBD Perubahan")
    if not rows_of(ClassAmount, office).exists():
        ClassAmount.objects.create(budget=line.budget, budget_class="operasi", allocation=Decimal(5000))
    from sakip.agreements.models import PkProgram, PkVersion

    if not rows_of(PkProgram, office).exists():
        version = rows_of(PkVersion, office).first()
        PkProgram.objects.create(version=version, name="Program penunjang", allocation=Decimal(1_000_000))
    from sakip.surveys.models import Survey

    if not rows_of(Survey, office).exists():
        Survey.objects.create(office=office, year=YEAR, instrument="permenpan-14-2017", input="nrr",
                              values={"U1": "3.2"}, respondents=100)
    from sakip.profiles.models import Narrative, YearProfile

    if not rows_of(Narrative, office).exists():
        Narrative.objects.create(office=office, year=YEAR, document="lkjip", key="latar_belakang", text="Teks.")
    if not rows_of(YearProfile, office).exists():
        YearProfile.objects.create(office=office, year=YEAR, staff=[{"count": 3, "rank": "III/a"}])
    for label in guard.RULES:
        assert rows_of(apps.get_model(label), office).exists(), label


def _content_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    rule = guard.RULES[model._meta.label]
    return [
        f
        for f in model._meta.concrete_fields
        if not f.primary_key
        and f.attname not in rule.identity
        and not getattr(f, "auto_now", False)
        and not getattr(f, "auto_now_add", False)
        and f.name != "version"  # the optimistic-concurrency counter (core.concurrency.Versioned), not data
    ]


def _fullest(model: type[models.Model], office: Any) -> Any:
    """The row with the most content (an empty row may be created, moved and deleted in a frozen year)."""
    rows = list(rows_of(model, office)[:200])
    assert rows, model._meta.label
    fields = _content_fields(model)
    return max(rows, key=lambda r: sum(getattr(r, f.attname) not in (None, "", [], {}) for f in fields))


def _stored(model: type[models.Model], office: Any) -> list[dict[str, Any]]:
    return list(rows_of(model, office).values())


def _refused(action: Any, *also: type[Exception]) -> None:
    with pytest.raises((PeriodLocked, *also)), transaction.atomic():
        action()


@pytest.fixture()
def frozen(demo: Any) -> Any:
    _ensure_rows(demo)
    freeze_year(demo.office_a)
    return demo


@pytest.mark.parametrize("label", GOVERNED)
def test_every_write_of_a_governed_model_is_refused_in_an_approved_year(frozen: Any, label: str) -> None:
    office = frozen.office_a
    model = apps.get_model(label)
    manager = model._default_manager
    before = _stored(model, office)
    trail = AuditEntry.objects.count()
    row = _fullest(model, office)
    tried = 0
    for f in _content_fields(model):
        new = other_value(f, getattr(row, f.attname), row)
        changed = copy.copy(row)
        setattr(changed, f.attname, new)
        _refused(changed.save)
        _refused(lambda f=f, new=new: manager.filter(pk=row.pk).update(**{f.attname: new}))
        _refused(lambda f=f, changed=changed: manager.bulk_update([changed], [f.name]))
        tried += 3
    rule = guard.RULES[label]
    for name in sorted(rule.identity):  # moved to another year or quarter (out of the frozen one)
        f = model._meta.get_field(name.removesuffix("_id"))
        if isinstance(f, models.IntegerField):
            moved = copy.copy(row)
            setattr(moved, f.attname, (getattr(row, f.attname) % 4) + 1 if name == "quarter" else YEAR + 3)
            _refused(moved.save)
            tried += 1
    _refused(row.delete, ProtectedError)  # a protected parent is refused by its children first: refused either way
    _refused(lambda: manager.filter(pk=row.pk).delete(), ProtectedError)
    twin = copy.copy(row)
    twin.pk = None
    twin._state.adding = True
    _refused(twin.save)
    _refused(lambda: manager.bulk_create([copy.copy(twin)]))
    tried += 4
    assert tried >= 5
    assert _stored(model, office) == before, label
    assert AuditEntry.objects.count() == trail  # a refused write leaves no trace either

    # the same change is accepted once the year is reopened: the refusals above were the lock's
    open_year(office)
    unique = {name for c in model._meta.constraints if isinstance(c, models.UniqueConstraint) for name in c.fields}
    f = next(
        f for f in _content_fields(model) if not f.is_relation and not f.choices and f.name not in unique
    )
    with transaction.atomic():
        sid = transaction.savepoint()
        row.refresh_from_db()
        setattr(row, f.attname, other_value(f, getattr(row, f.attname), row))
        row.save()  # no PeriodLocked
        transaction.savepoint_rollback(sid)


@pytest.mark.parametrize("label", GOVERNED)
def test_a_save_that_changes_nothing_passes_while_locked(frozen: Any, label: str) -> None:
    row = rows_of(apps.get_model(label), frozen.office_a).first()
    assert row is not None
    row.save()  # the stored values again: no change, no refusal


def test_links_between_programs_and_objectives_are_part_of_the_plan(frozen: Any) -> None:
    from sakip.planning.models import Objective, ProgramNode

    program = rows_of(ProgramNode, frozen.office_a).first()
    objective = rows_of(Objective, frozen.office_a).last()
    assert program is not None and objective is not None
    linked = set(program.objectives.values_list("pk", flat=True))
    _refused(lambda: program.objectives.add(objective) if objective.pk not in linked else program.objectives.clear())
    _refused(lambda: program.objectives.set([]))
    assert set(program.objectives.values_list("pk", flat=True)) == linked


def test_the_regency_setting_of_a_year_an_office_has_frozen(frozen: Any) -> None:
    regency = frozen.office_a.regency
    setting, _ = YearSetting.objects.get_or_create(regency=regency, office=None, year=YEAR + 1)
    # 2021: nobody has frozen it; the regency may change its scale
    setting.cap = "100" if setting.cap != "100" else "none"
    setting.save()
    YearSetting.objects.filter(regency=regency, office=None, year=YEAR).delete()
    regency_row = YearSetting(regency=regency, office=None, year=YEAR, scale="kemenpan-5")
    _refused(regency_row.save)  # office A has frozen 2020: a regency-wide scale for 2020 changes its figures
    assert not YearSetting.objects.filter(regency=regency, office=None, year=YEAR).exists()


def test_the_plan_years_other_than_the_frozen_one_keep_their_targets_open(frozen: Any) -> None:
    from sakip.planning.models import Target

    target = rows_of(Target, frozen.office_a).first()
    assert target is not None
    later, _ = Target.objects.get_or_create(indicator=target.indicator, year=YEAR + 2)
    later.value = Decimal("42.5")
    later.save()  # a year without a frozen period
    assert Target.objects.get(pk=later.pk).value == Decimal("42.5")


def test_a_submitted_period_freezes_like_an_approved_one(demo: Any) -> None:
    from sakip.monitoring.models import Quarter

    _ensure_rows(demo)
    freeze_year(demo.office_a, state="submitted")
    q = rows_of(Quarter, demo.office_a).exclude(value=None).first()
    assert q is not None
    q.value = (q.value or Decimal(0)) + 1
    _refused(q.save)


def test_a_suspended_block_is_not_checked(frozen: Any) -> None:
    from sakip.monitoring.models import Quarter

    q = rows_of(Quarter, frozen.office_a).exclude(value=None).first()
    assert q is not None
    with guard.suspended(), transaction.atomic():
        sid = transaction.savepoint()
        q.value = (q.value or Decimal(0)) + 1
        q.save()
        transaction.savepoint_rollback(sid)
