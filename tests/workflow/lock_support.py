"""Helpers of the lock matrices: freezing and opening an office-year, the rows of each governed model,
a different value for any field, and a snapshot of everything an office's figures and documents read."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models

from sakip.accounts.models import Office, YearSetting
from sakip.core.interchange import export_office
from sakip.domain import workflow as wf
from sakip.workflow.models import PeriodState

YEAR = 2020

#: how to reach office A's rows of the frozen year (or of its plan) from each governed model
ROWS_OF: dict[str, dict[str, Any]] = {
    "planning.PlanPeriod": {"office": "{office}"},
    "planning.Goal": {"plan__office": "{office}"},
    "planning.Objective": {"plan__office": "{office}"},
    "planning.Indicator": {"plan__office": "{office}"},
    "planning.ProgramNode": {"plan__office": "{office}"},
    "planning.FormulaInput": {"indicator__plan__office": "{office}"},
    "planning.OutputIndicator": {"program__plan__office": "{office}"},
    "planning.Target": {"indicator__plan__office": "{office}", "year": YEAR},
    "monitoring.IndicatorYear": {"indicator__plan__office": "{office}", "year": YEAR},
    "monitoring.Quarter": {"indicator_year__indicator__plan__office": "{office}", "indicator_year__year": YEAR},
    "monitoring.InputValue": {
        "quarter__indicator_year__indicator__plan__office": "{office}",
        "quarter__indicator_year__year": YEAR,
    },
    "monitoring.Evidence": {"indicator_year__indicator__plan__office": "{office}", "indicator_year__year": YEAR},
    "monitoring.ObjectivePrinted": {"objective__plan__office": "{office}", "year": YEAR},
    "agreements.PkVersion": {"office": "{office}", "year": YEAR},
    "agreements.PkTarget": {"version__office": "{office}", "version__year": YEAR},
    "agreements.PkProgram": {"version__office": "{office}", "version__year": YEAR},
    "budgeting.BudgetYear": {"office": "{office}", "year": YEAR},
    "budgeting.ClassAmount": {"budget__office": "{office}", "budget__year": YEAR},
    "budgeting.BudgetLine": {"budget__office": "{office}", "budget__year": YEAR},
    "budgeting.LineQuarter": {"line__budget__office": "{office}", "line__budget__year": YEAR},
    "budgeting.AllocationAmendment": {"line__budget__office": "{office}", "line__budget__year": YEAR},
    "surveys.Survey": {"office": "{office}", "year": YEAR},
    "accounts.YearSetting": {"office": "{office}", "year": YEAR},
    "profiles.Narrative": {"office": "{office}", "year": YEAR},
    "profiles.YearProfile": {"office": "{office}", "year": YEAR},
    "cascade.OfficeObjectiveLink": {"office_objective__plan__office": "{office}"},
    "cascade.IndicatorContribution": {"indicator__plan__office": "{office}"},
}


def rows_of(model: type[models.Model], office: Office) -> models.QuerySet[Any]:
    lookups = {k: (office if v == "{office}" else v) for k, v in ROWS_OF[model._meta.label].items()}
    return model._default_manager.filter(**lookups).order_by("pk")


def freeze_year(office: Office, year: int = YEAR, state: str = wf.State.APPROVED.value) -> None:
    """Every period of the year (PK, TW I–IV, annual report) in ``state`` (approved: locked)."""
    for step, quarter in wf.YEAR_PERIODS:
        PeriodState.objects.update_or_create(
            office=office, year=year, step=step.value, quarter=quarter, defaults={"state": state}
        )


def open_year(office: Office, year: int = YEAR) -> None:
    """Every period of the year reopened (editable), as after an unlock with a reason."""
    freeze_year(office, year, wf.State.REOPENED.value)


def snapshot(office: Office) -> dict[str, Any]:
    """Everything the office's figures and documents are made of: its dataset, the settings of the year,
    evidence and printed figures of objectives (not in the dataset's year block as rows)."""
    from sakip.cascade.models import IndicatorContribution, OfficeObjectiveLink
    from sakip.cascade.services import office_links_filter
    from sakip.monitoring.models import Evidence, ObjectivePrinted

    return {
        "dataset": export_office(office),
        "settings": list(
            YearSetting.objects.filter(regency=office.regency).order_by("pk").values()
        ),
        "evidence": list(Evidence.objects.filter(indicator_year__indicator__plan__office=office).order_by("pk")
                         .values("pk", "name", "quarter", "file", "size")),
        "objective_printed": list(ObjectivePrinted.objects.filter(objective__plan__office=office).order_by("pk")
                                  .values()),
        # the office plan's links to the regency's RPJMD (issue #17)
        "rpjmd_links": sorted(
            OfficeObjectiveLink.objects.filter(office_links_filter(office))
            .values_list("office_goal_id", "office_objective_id", "rpjmd_objective_id"),
            key=str,
        ),
        "contributions": list(IndicatorContribution.objects.filter(indicator__plan__office=office).order_by("pk")
                              .values("indicator_id", "regency_indicator_id", "targets", "input_map")),
    }


def other_value(f: models.Field[Any, Any], current: Any, instance: models.Model) -> Any:
    """A value different from ``current`` that the field accepts in Python (the guard refuses before the database)."""
    if f.choices:
        for value, _label in f.flatchoices:
            if value != current and value not in ("", None):
                return value
    if isinstance(f, models.BooleanField):
        return not current
    if isinstance(f, models.DecimalField):
        return (current or Decimal(0)) + Decimal("1.5")
    if isinstance(f, models.IntegerField):
        return (current or 0) + 1
    if isinstance(f, models.DateTimeField):
        return (current or dt.datetime(2020, 1, 1, tzinfo=dt.UTC)) + dt.timedelta(days=1)
    if isinstance(f, models.DateField):
        return (current or dt.date(2020, 1, 1)) + dt.timedelta(days=1)
    if isinstance(f, models.JSONField):
        if isinstance(current, dict) and f.name in ("targets", "realisations"):  # one value per year
            return {**current, str(YEAR): "berubah"}
        return {"uji": "berubah"} if current != {"uji": "berubah"} else {"uji": "lagi"}
    if isinstance(f, models.FileField):
        return "evidence/lain.pdf"
    if isinstance(f, models.ForeignKey):
        related = f.related_model
        assert isinstance(related, type)
        if related is get_user_model():
            other = get_user_model().objects.exclude(pk=current).order_by("pk").first()
            return other.pk if other else None
        other = related._default_manager.exclude(pk=current)
        # a parent of the same plan/office where the model has one (any other row is a change too)
        plan_id = getattr(instance, "plan_id", None)
        if plan_id is not None and hasattr(related, "plan_id"):
            other = other.filter(plan_id=plan_id)
        found = other.order_by("pk").values_list("pk", flat=True).first()
        return found if found is not None or not f.null else None
    if isinstance(f, (models.CharField, models.TextField)):
        text = f"{current or ''}x"
        limit = getattr(f, "max_length", None)
        return text[-limit:] if limit else text
    raise AssertionError(f"no other value for {f!r}")
