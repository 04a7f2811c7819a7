"""The overdue rule (issue #14): only periods within the office's plan years and not before it joined.

One rule, `domain.workflow.followed_years` over `OfficeSpan`, asked by the overdue list, the inbox, the
office dashboard's due panel and `sakip remind` (all through `workflow.services`).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from typer.testing import CliRunner

from sakip.accounts.models import Office
from sakip.audit.models import AuditEntry
from sakip.cli import app
from sakip.domain import workflow as wf
from sakip.planning.models import PlanPeriod
from sakip.workflow import services
from sakip.workflow.models import period_label

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 7)  # the day the issue was filed: plans ending 2023 showed 2025 and 2026 overdue


def test_the_rule_in_the_domain() -> None:
    span = wf.OfficeSpan(plans=((2019, 2023),), joined=2020)
    assert wf.followed_years({2019, 2020, 2023, 2025, 2026}, span) == {2020, 2023}
    assert wf.followed_years({2025, 2026}, wf.OfficeSpan(plans=((2025, 2029),), joined=2026)) == {2026}
    assert wf.followed_years({2025, 2026}, wf.OfficeSpan(plans=((2016, 2021), (2022, 2026)))) == {2025, 2026}
    assert wf.followed_years({2025, 2026}, wf.OfficeSpan(plans=())) == set()  # no plan: nothing to deliver


def test_the_demo_offices_are_followed_only_within_their_plans(demo: Any) -> None:
    offices = list(Office.objects.filter(regency=demo.office_a.regency))
    report = services.due_report(offices, TODAY)
    plans = {o.pk: list(PlanPeriod.objects.filter(office=o).values_list("start_year", "end_year")) for o in offices}
    assert report, "the demo's returned periods are due again"
    for d in report:
        assert any(a <= d.item.year <= b for a, b in plans[d.office.pk]), (d.office.code, d.label)
    kaloran = [d for d in report if d.office.code == "kaloran"]  # Renstra 2019–2023, data of 2020
    assert {d.item.year for d in kaloran} == {2020}
    assert len(kaloran) == 6  # PK, TW I–IV and the LKjIP of 2020, not 16 with 2025 and 2026
    # the one-office path (dashboard panel, inbox) agrees with the list of many
    states = services.OfficeStates.read(demo.office_a)
    assert [d.label for d in services.due_of_office(states, TODAY)] == [d.label for d in kaloran]


def test_not_before_the_office_joined(demo: Any) -> None:
    """A new office with a plan 2025–2029, created in Sakip on 7 December 2026 with no data yet: 2026 is
    followed, 2025 (before it joined) is not."""
    office = Office.objects.create(regency=demo.office_a.regency, code="baru", name="Kecamatan Baru")
    PlanPeriod.objects.create(office=office, start_year=2025, end_year=2029)
    created = AuditEntry.objects.get(model="accounts.Office", object_id=str(office.pk), action="create")
    assert timezone.localtime(created.at).year == timezone.localdate().year
    span = services.office_spans([office.pk])[office.pk]
    assert span.joined == timezone.localdate().year
    years = services.tracked_years([office.pk], dt.date(2026, 12, 7))[office.pk]
    assert years == ({2026} if span.joined == 2026 else {y for y in (2025, 2026) if y >= span.joined})
    report = services.due_report([office], dt.date(2026, 12, 7))
    assert {d.item.year for d in report} == years


def _labels_of(year: int) -> list[str]:
    return [period_label(step.value, year, quarter) for step, quarter in wf.YEAR_PERIODS]


def test_pages_and_remind_show_no_year_outside_the_plan(demo: Any, login_as: Any) -> None:
    this_year = timezone.localdate().year
    offices = list(Office.objects.filter(regency=demo.office_a.regency))
    # the same rule counts the admin's overdue list, the dashboard panel, the inbox and the reminders
    expected = [d for d in services.due_report(offices) if d.item.overdue]
    assert expected
    covering = {
        o.pk
        for o in offices
        if PlanPeriod.objects.filter(office=o, start_year__lte=this_year, end_year__gte=this_year).exists()
    }
    assert all(d.office.pk in covering or d.item.year < this_year - 1 for d in expected)
    page = login_as("admin").get(reverse("workflow-overdue")).content.decode()
    for d in expected:
        assert d.label in page
    kaloran_rows = [d for d in services.due_report([demo.office_a]) if d.item.overdue]
    assert {d.item.year for d in kaloran_rows} == {2020}
    dashboard = login_as("operator_a").get(reverse("office-dashboard", args=["kaloran"])).content.decode()
    inbox = login_as("head_a").get(reverse("inbox")).content.decode()
    for html in (dashboard, inbox):
        assert kaloran_rows[0].label in html
        for label in _labels_of(this_year) + _labels_of(this_year - 1):
            assert label not in html, label
    # sakip remind: the same periods, none outside the plans
    out = CliRunner().invoke(app, ["remind", "--dry-run", "--json"])
    assert out.exit_code == 0, out.output
    messages = json.loads(out.output)["messages"]
    kaloran_mail = next(m for m in messages if m["office"] == "kaloran")
    assert kaloran_rows[0].label in kaloran_mail["body"]
    for label in _labels_of(this_year) + _labels_of(this_year - 1):
        assert label not in kaloran_mail["body"]
