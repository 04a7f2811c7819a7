"""The open data read from the kept figures (SQL, every office at once) equals the open data computed from each
office's scorecard — for every office-year of the demo, current or made dirty by a write (issue #12)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import F
from django.test import Client
from django.test.utils import CaptureQueriesContext

from sakip.accounts.models import Office
from sakip.core.generate import Size, generate_regency
from sakip.core.services import office_years
from sakip.monitoring.models import Quarter
from sakip.portal.published import (
    budget_rows,
    budget_rows_many,
    performance_rows,
    performance_rows_many,
    published_many,
)
from sakip.regency import figures, kept_figures
from sakip.regency.models import KeptOfficeYear
from sakip.workflow.models import PeriodState
from tests.web.demo_support import Demo


def _publish_everything() -> list[Office]:
    offices = list(Office.objects.filter(regency__code="demo").order_by("name"))
    for office in offices:
        for year in office_years(office):
            for step in ("pk", "annual"):
                PeriodState.objects.update_or_create(
                    office=office, year=year, step=step, quarter=None, defaults={"state": "approved"}
                )
    return offices


def _computed(offices: list[Office]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    gen = figures.generation()
    pubs = published_many(offices, gen)
    return (
        [r for p in pubs for r in performance_rows(p, gen)],
        [r for p in pubs for r in budget_rows(p, gen)],
    )


def test_kept_open_data_equals_the_scorecards(demo: Demo) -> None:
    offices = _publish_everything()
    for office in offices:
        for year in office_years(office):
            kept_figures.recompute(office, year)
    gen = figures.generation()
    pubs = published_many(offices, gen)
    performance, budget = _computed(offices)
    assert performance and budget  # the demo publishes figures now
    assert performance_rows_many(pubs, gen) == performance
    assert budget_rows_many(pubs, gen) == budget


def test_a_dirty_office_year_is_computed_not_read_stale(db: None) -> None:
    generate_regency("uji", Size(offices=2, indicators=3, years=1, start=2025))
    offices = list(Office.objects.filter(regency__code="uji").order_by("name"))
    for office in offices:
        kept_figures.recompute(office, 2025)
    q = (Quarter.objects.filter(indicator_year__indicator__plan__office=offices[0], indicator_year__year=2025,
                                quarter=4).exclude(value=None).order_by("id").first())
    assert q is not None
    q.value = q.value + Decimal("7")
    q.save()  # the write marks the office-year dirty; its recomputation after the commit may not have run
    for office in offices:
        PeriodState.objects.create(office=office, year=2025, step="annual", quarter=None, state="approved")
    KeptOfficeYear.objects.filter(office=offices[0], year=2025).update(changes=F("changes") + 1)
    gen = figures.generation()
    pubs = published_many(offices, gen)
    assert not kept_figures.fresh_pairs({(offices[0].pk, 2025)})
    performance, budget = _computed(offices)
    (mine,) = [r for r in performance if r["office_code"] == offices[0].code
               and r["indicator_id"] == q.indicator_year.indicator.code]
    assert Decimal(mine["realisation"]) == q.value  # the new value, not the kept one
    assert performance_rows_many(pubs, gen) == performance
    assert budget_rows_many(pubs, gen) == budget


def test_open_data_of_every_office_reads_a_constant_number_of_queries(demo: Demo) -> None:
    offices = _publish_everything()
    for office in offices:
        for year in office_years(office):
            kept_figures.recompute(office, year)
    client = Client()
    client.get("/publik/data/kinerja.json")  # the offices' years kept for the generation
    with CaptureQueriesContext(connection) as ctx:
        rows = client.get("/publik/data/kinerja.json").json()["rows"]
    assert {r["office_code"] for r in rows} == {o.code for o in offices}
    # offices, workflow states, current office-years, kept rows; the regency per office is read with the offices
    assert len(ctx.captured_queries) <= 8, [q["sql"][:120] for q in ctx.captured_queries]


def test_offices_years_is_office_years_of_each(demo: Demo) -> None:
    from sakip.core.services import offices_years

    offices = list(Office.objects.all())
    assert offices_years([o.pk for o in offices]) == {o.pk: office_years(o) for o in offices}
