"""The kept figures equal a fresh computation after any sequence of writes (issue #12).

Random sequences of writes on a small generated regency — realisation saves, quarter
target changes, bulk updates, deletes, a change of the regency's scale or cap — and
after each one, for every office, year and quarter: the kept rows (what the regency
ranking reads) equal a fresh `build_scorecard` (`core.services.scorecard_for`, no cache).
The office-year a save touched is current right after the commit (recomputed by
``on_commit``), not only when read.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sakip.accounts.models import Office, Regency, YearSetting
from sakip.core.generate import Size, generate_regency
from sakip.core.services import scorecard_for
from sakip.monitoring.models import Quarter
from sakip.regency import figures, kept_figures
from sakip.regency.models import KeptAggregate, KeptIndicator, KeptOffice, KeptOfficeYear

pytestmark = pytest.mark.django_db

YEAR = 2025
SIZE = Size(offices=2, indicators=3, years=1, start=YEAR)

values = st.one_of(st.none(), st.decimals(min_value=0, max_value=200, places=2, allow_nan=False))
writes = st.one_of(
    st.tuples(st.just("save"), st.integers(0, 1), st.integers(0, 11), values),
    st.tuples(st.just("target"), st.integers(0, 1), st.integers(0, 11), values),
    st.tuples(st.just("bulk"), st.integers(0, 1), st.integers(1, 4), values),
    st.tuples(st.just("delete"), st.integers(0, 1), st.integers(0, 11), st.none()),
    st.tuples(st.just("scale"), st.sampled_from(["lkjip-4", "kemenpan-5"]), st.sampled_from(["none", "100", "120"]),
              st.none()),
)


def _quarters(office: Office) -> list[Quarter]:
    return list(
        Quarter.objects.filter(indicator_year__indicator__plan__office=office, indicator_year__year=YEAR).order_by(
            "indicator_year__indicator__code", "quarter"
        )
    )


def _apply(regency: Regency, offices: list[Office], write: tuple[Any, ...]) -> int | None:
    """Make the write; the office it touched (None: the regency's setting)."""
    kind, a, b, value = write
    if kind == "scale":
        YearSetting.objects.update_or_create(
            regency=regency, office=None, year=YEAR, defaults={"scale": a, "cap": b}
        )
        return None
    office = offices[a]
    rows = _quarters(office)
    if kind == "bulk":  # every quarter ``b`` of the office at once, past the model's save
        Quarter.objects.filter(
            indicator_year__indicator__plan__office=office, indicator_year__year=YEAR, quarter=b
        ).update(value=value)
        return office.pk
    if not rows:
        return office.pk
    row = rows[b % len(rows)]
    if kind == "save":
        row.value = value
        row.save()
    elif kind == "target":
        row.target = value
        row.save()
    else:
        row.delete()
    return office.pk


def _same(office: Office) -> None:
    """The kept rows of the office's year (read as the ranking reads them) equal a fresh computation."""
    for q in (1, 2, 3, 4):
        fresh = scorecard_for(office, YEAR, None if q == 4 else q)
        assert fresh is not None
        agg = fresh.office_score.aggregate
        # what the regency dashboard shows, before any repair: kept rows, or computed where they are dirty
        shown = kept_figures.ranking([office], YEAR, q)[office.pk]
        assert (shown.achievement, shown.category, shown.measured) == (
            agg.value, fresh.office_score.category, agg.measured
        ), (office.code, q)
        kept = kept_figures.read_offices([office], YEAR, q)[office.pk]
        assert (kept.achievement, kept.category, kept.color) == (
            agg.value, fresh.office_score.category, fresh.office_score.color
        ), (office.code, q)
        assert (kept.measured, kept.not_measured, kept.undefined) == (agg.measured, agg.not_measured, agg.undefined)
        total = fresh.budget.total if fresh.budget is not None else None
        assert kept.absorption == (total.absorption if total is not None else None)
        version = KeptOfficeYear.objects.get(office=office, year=YEAR).version
        rows = {
            r.indicator: r
            for r in KeptIndicator.objects.filter(office=office, year=YEAR, quarter=q, version=version)
        }
        assert set(rows) == {s.indicator.id for s in fresh.indicators}
        for s in fresh.indicators:
            r = rows[s.indicator.id]
            assert (r.achievement, r.status, r.category) == (
                s.achievement.value, s.achievement.status.value, s.category
            ), (office.code, q, s.indicator.id)
            assert r.realisation == (None if s.realisation is None else str(s.realisation))
        aggregates = {
            (r.level, r.ref): r.achievement
            for r in KeptAggregate.objects.filter(office=office, year=YEAR, quarter=q, version=version)
        }
        assert aggregates == {
            **{("objective", o.id): o.aggregate.value for o in fresh.objectives},
            **{("goal", g.id): g.aggregate.value for g in fresh.goals},
        }
    assert not KeptOffice.objects.filter(office=office, year=YEAR).exclude(
        version=KeptOfficeYear.objects.get(office=office, year=YEAR).version
    ).exists()  # no rows of an older version left


@pytest.fixture
def regency() -> Regency:
    figures.clear()
    return generate_regency("uji", SIZE)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sequence=st.lists(writes, min_size=1, max_size=4))
def test_kept_figures_equal_a_fresh_computation_after_any_writes(
    regency: Regency, django_capture_on_commit_callbacks: Any, sequence: list[tuple[Any, ...]]
) -> None:
    offices = list(Office.objects.filter(regency=regency).order_by("code"))
    for office in offices:  # kept before the writes: the writes must renew them
        kept_figures.read_offices([office], YEAR, 4)
    for write in sequence:
        with django_capture_on_commit_callbacks(execute=True):
            touched = _apply(regency, offices, write)
        if touched is not None:  # recomputed after the commit, not only when read
            row = KeptOfficeYear.objects.get(office_id=touched, year=YEAR)
            assert row.included == row.changes
        for office in offices:
            _same(office)


def test_a_regency_setting_leaves_its_offices_dirty_until_recomputed(regency: Regency) -> None:
    offices = list(Office.objects.filter(regency=regency).order_by("code"))
    kept_figures.read_offices(offices, YEAR, 4)
    YearSetting.objects.update_or_create(regency=regency, office=None, year=YEAR, defaults={"cap": "100"})
    assert kept_figures.fresh_office_ids([o.pk for o in offices], YEAR) == set()
    rows = kept_figures.read_offices(offices, YEAR, 4)
    assert kept_figures.fresh_office_ids([o.pk for o in offices], YEAR) == {o.pk for o in offices}
    for office in offices:
        assert rows[office.pk].achievement == scorecard_for(office, YEAR).office_score.aggregate.value  # type: ignore[union-attr]


def test_a_computation_of_older_data_never_replaces_a_newer_one(regency: Regency) -> None:
    office = Office.objects.filter(regency=regency).order_by("code").first()
    assert office is not None
    version = kept_figures.recompute(office, YEAR)
    row = KeptOfficeYear.objects.get(office=office, year=YEAR)
    assert row.included == row.changes
    assert kept_figures.recompute(office, YEAR) == version  # nothing changed since: nothing stored again
    KeptOfficeYear.objects.filter(pk=row.pk).update(changes=row.changes + 1)
    assert kept_figures.recompute(office, YEAR) == version + 1


def test_figures_rebuild_command(regency: Regency) -> None:
    from typer.testing import CliRunner

    from sakip.cli import app

    result = CliRunner().invoke(app, ["figures", "rebuild", "--regency", "uji"])
    assert result.exit_code == 0, result.output
    assert "[2/2] uji/opd-002" in result.output
    offices = list(Office.objects.filter(regency=regency))
    assert kept_figures.fresh_office_ids([o.pk for o in offices], YEAR) == {o.pk for o in offices}
    assert CliRunner().invoke(app, ["figures", "rebuild", "--regency", "tidak-ada"]).exit_code == 2


def test_a_raw_sql_write_placed_by_bump_renews_its_office_year_only(regency: Regency) -> None:
    """The Excel import writes with SQL and calls ``figures.bump(office_id, year)``."""
    a, b = list(Office.objects.filter(regency=regency).order_by("code"))
    kept_figures.read_offices([a, b], YEAR, 4)
    before_b = figures.office_generation(b)
    figures.bump(a.pk, YEAR)
    assert kept_figures.fresh_office_ids([a.pk, b.pk], YEAR) == {b.pk}
    assert figures.office_generation(b) == before_b


@pytest.mark.django_db(transaction=True)
def test_in_production_a_thread_recomputes_after_the_commit(settings: Any) -> None:
    """``SAKIP_KEPT_BACKGROUND``: the save returns at once; the process's thread stores the office-year."""
    import time

    from django.db import connection

    if connection.vendor == "sqlite":  # the tests' in-memory SQLite shares one cache: tables lock between threads
        pytest.skip("a thread and the test share the in-memory database only on PostgreSQL")
    settings.SAKIP_KEPT_BACKGROUND = True
    regency = generate_regency("uji", Size(offices=1, indicators=2, years=1, start=YEAR))
    office = Office.objects.get(regency=regency)
    kept_figures.read_offices([office], YEAR, 4)
    q = Quarter.objects.filter(indicator_year__indicator__plan__office=office, quarter=4).exclude(value=None).first()
    assert q is not None and q.value is not None
    q.value += Decimal(3)
    q.save()  # autocommit: the commit is the save
    for _ in range(300):
        if kept_figures.fresh_office_ids([office.pk], YEAR):
            break
        time.sleep(0.1)
    row = KeptOffice.objects.get(
        office=office, year=YEAR, quarter=4, version=KeptOfficeYear.objects.get(office=office, year=YEAR).version
    )
    assert row.achievement == scorecard_for(office, YEAR).office_score.aggregate.value  # type: ignore[union-attr]


def test_without_recomputation_after_the_commit_the_ranking_still_shows_the_data(
    regency: Regency, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """``SAKIP_KEPT_AFTER_COMMIT = False``: the office-year stays dirty; the ranking computes it."""
    settings.SAKIP_KEPT_AFTER_COMMIT = False
    office = Office.objects.filter(regency=regency).order_by("code").first()
    assert office is not None
    kept_figures.read_offices([office], YEAR, 4)
    q = _quarters(office)[-1]
    q.value = (q.value or Decimal(0)) + Decimal(7)
    with django_capture_on_commit_callbacks(execute=True):
        q.save()
    assert kept_figures.fresh_office_ids([office.pk], YEAR) == set()
    fresh = scorecard_for(office, YEAR)
    assert fresh is not None
    assert kept_figures.ranking([office], YEAR, None)[office.pk].achievement == fresh.office_score.aggregate.value
