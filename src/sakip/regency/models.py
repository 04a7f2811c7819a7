"""The regency app's tables: the data generations per scope (see `sakip.regency.generations`)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import models


class DataGeneration(models.Model):
    """One row per scope (an office, a regency's settings, a regency's aggregate, a user, ``*``, ``all``)
    whose token changes with every write to that scope.

    The token is random (not a counter) so that a rolled-back write leaves the old
    token — whose cached figures are still right — and the next write never reuses
    a token whose figures were computed from data that was rolled back.
    """

    scope = models.CharField(max_length=24, unique=True)
    token = models.CharField(max_length=32)

    def __str__(self) -> str:
        return f"{self.scope}: {self.token}"


# ----------------------------------------------------------------------------- kept figures (issue #12)
#
# The domain's scorecard of an office-year, as of each quarter (4: the year), kept in tables by
# `sakip.regency.kept_figures` — written only from `build_scorecard`, read by the rankings with SQL.
# Exact values (an achievement has up to 28 digits) are kept as text (`DecimalText`); the ``*_num``
# columns are the same values rounded to 6 places, for ordering and aggregates in SQL.


if TYPE_CHECKING:
    _Text = models.CharField[Decimal | str | None, Decimal | None]
else:
    _Text = models.CharField


class DecimalText(_Text):
    """A Decimal kept exactly as its text (what the domain computed, every digit)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("null", True)
        super().__init__(*args, **kwargs)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Decimal | None:
        return None if value is None else Decimal(value)

    def to_python(self, value: Any) -> Decimal | None:
        return None if value is None or value == "" else Decimal(value)

    def get_prep_value(self, value: Any) -> str | None:
        return None if value is None else str(value)


def _num() -> models.DecimalField:  # type: ignore[type-arg]
    return models.DecimalField(max_digits=24, decimal_places=6, null=True)


class KeptOfficeYear(models.Model):
    """Which version of an office-year's kept rows is current, and whether they are up to date.

    A write to the office-year's data adds one to ``changes`` in its own transaction (it is *dirty*); a
    recomputation reads ``changes`` before it reads the data and, when done, stores its rows under
    ``version + 1`` with ``included`` = the ``changes`` it read. The rows are current when ``included ==
    changes``; a reader joins on ``version`` so it never mixes rows of two computations.
    """

    office = models.ForeignKey("accounts.Office", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    version = models.PositiveIntegerField(default=0)
    changes = models.PositiveIntegerField(default=1)
    included = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField(null=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["office", "year"], name="kept_office_year_unique")]
        indexes = [models.Index(fields=["year", "office"], name="kept_year_office")]


class _KeptRow(models.Model):
    office = models.ForeignKey("accounts.Office", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()  # 1–3: as of the end of that quarter; 4: the year
    version = models.PositiveIntegerField()

    class Meta:
        abstract = True


class KeptOffice(_KeptRow):
    """An office's mean achievement and predicate, its budget to date and its weakest indicator."""

    achievement = DecimalText()
    achievement_num = _num()
    category = models.CharField(max_length=40, null=True)
    color = models.CharField(max_length=20, null=True)
    measured = models.PositiveIntegerField(default=0)
    not_measured = models.PositiveIntegerField(default=0)
    undefined = models.PositiveIntegerField(default=0)
    allocation = DecimalText()
    realisation = DecimalText()
    absorption = DecimalText()
    absorption_num = _num()
    weakest_id = models.CharField(max_length=100, null=True)
    weakest_name = models.TextField(null=True)
    weakest_achievement = DecimalText()
    weakest_color = models.CharField(max_length=20, null=True)

    class Meta:
        indexes = [models.Index(fields=["year", "quarter", "office", "version"], name="kept_office_lookup")]


class KeptIndicator(_KeptRow):
    """One indicator's target, realisation, achievement, predicate and status as of the quarter."""

    indicator = models.CharField(max_length=100)  # the plan's indicator id (``S1.2``)
    name = models.TextField()
    level = models.CharField(max_length=10)  # "goal" | "objective"
    parent = models.CharField(max_length=100)
    in_pk = models.BooleanField(default=False)
    target = models.TextField(null=True)  # a number, ``low–high`` or a grade, as the domain wrote it
    realisation = models.TextField(null=True)
    achievement = DecimalText()
    achievement_num = _num()
    status = models.CharField(max_length=20)
    category = models.CharField(max_length=40, null=True)
    color = models.CharField(max_length=20, null=True)
    # for the open data (`portal.published`): the unit, the IKU mark and the year's PK target in force
    unit = models.TextField(default="")
    iku = models.BooleanField(default=False)
    in_agreement = models.BooleanField(default=False)
    agreement_target = models.TextField(null=True)  # as the open data writes it (a number or ``low–high``)

    class Meta:
        indexes = [
            models.Index(fields=["office", "year", "quarter", "version"], name="kept_indicator_lookup"),
            # the province / national predicate distribution (`sakip.province.queries`): every indicator of a
            # year and quarter, read from the index alone (PostgreSQL; not created where unsupported)
            models.Index(
                fields=["year", "quarter"],
                include=["office", "version", "category", "color", "status", "achievement_num"],
                name="kept_indicator_national",
            ),
        ]


class KeptAggregate(_KeptRow):
    """An objective's or goal's mean achievement and predicate."""

    level = models.CharField(max_length=10)  # "objective" | "goal"
    ref = models.CharField(max_length=100)
    text = models.TextField()
    achievement = DecimalText()
    achievement_num = _num()
    category = models.CharField(max_length=40, null=True)
    color = models.CharField(max_length=20, null=True)
    measured = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["office", "year", "quarter", "version"], name="kept_aggregate_lookup")]
