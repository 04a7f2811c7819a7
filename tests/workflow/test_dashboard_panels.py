"""The office dashboard's workflow and document panels: a fixed number of queries at any data size, and a
change of a period's state shown on the very next page (nothing of it is kept between requests but what is
keyed by the states themselves)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sakip.accounts.access import allowed_actions
from sakip.accounts.models import Membership, Office, Regency, Role
from sakip.core.generate import Size, generate_regency
from sakip.domain import workflow as wf
from sakip.workflow import services

pytestmark = pytest.mark.django_db

URL = "/opd/opd-001/?tahun=2025"

#: The cached office dashboard of a regency admin: session, user, membership, office, data generation,
#: the office's workflow states (every year, one read shared by the three panels), the regency's due
#: rules — plus the history of the dashboard's period (the annual report) once that period has a row.
DASHBOARD_QUERIES = 2  # session and user in one statement, the generations in one: the panels are kept for them
DASHBOARD_QUERIES_WITH_HISTORY = 2  # the history is read once, when the panels are rendered for the generation


def _admin(regency: Regency) -> tuple[Client, Membership]:
    membership = Membership.objects.select_related("user").get(regency=regency, role=Role.ADMIN)
    client = Client()
    client.force_login(membership.user)
    return client, membership


def _count(client: Client, url: str = URL) -> int:
    assert client.get(url).status_code == 200  # the figures computed and cached for the data generation
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _move(office: Office, membership: Membership, year: int, step: str, quarter: int | None, *moves: str) -> None:
    for t in moves:
        comment = "Mohon dilengkapi" if t in ("return", "unlock") else ""
        services.transition(
            office,
            year,
            step,
            quarter,
            t,
            user=membership.user,
            allowed_actions=allowed_actions(membership, office),
            comment=comment,
        )


def test_dashboard_queries_are_the_same_at_every_data_size() -> None:
    small = generate_regency("uji", Size(offices=2, indicators=2, years=2, start=2024), password="x")
    client, _m = _admin(small)
    assert _count(client) == DASHBOARD_QUERIES

    large = generate_regency("uji", Size(offices=6, indicators=10, years=5, start=2021), password="x")
    client, membership = _admin(large)
    office = Office.objects.get(regency=large, code="opd-001")
    assert _count(client) == DASHBOARD_QUERIES
    # workflow rows in every year and a long history of the dashboard's own period
    for year in range(2021, 2026):
        _move(office, membership, year, "pk", None, "submit", "verify", "approve")
        for q in (1, 2, 3):
            _move(office, membership, year, "quarter", q, "submit")
    for _ in range(4):
        _move(office, membership, 2025, "annual", None, "submit", "return")
    assert _count(client) == DASHBOARD_QUERIES_WITH_HISTORY


def _state(html: str) -> str:
    found = re.search(r'data-testid="workflow-state">([^<]*)<', html)
    assert found is not None
    return found.group(1)


def _due_labels(html: str) -> list[str]:
    if 'data-testid="due-panel"' not in html:
        return []
    panel = html.split('data-testid="due-panel"', 1)[1].split("</section>", 1)[0]
    return re.findall(r'<td><a href="[^"]*">([^<]*)</a></td>', panel)


def test_a_change_of_state_shows_on_the_next_page() -> None:
    regency = generate_regency("uji", Size(offices=1, indicators=2, years=2, start=2024), password="x")
    client, membership = _admin(regency)
    office = Office.objects.get(regency=regency, code="opd-001")
    html = client.get(URL).content.decode()
    client.get(URL)  # a second visit: whatever is kept is kept now
    assert _state(html) == "Draf"
    assert "DRAFT" in html.split('data-testid="document-downloads"', 1)[1]

    _move(office, membership, 2025, "annual", None, "submit")
    html = client.get(URL).content.decode()
    assert _state(html) == "Disetujui kepala, diajukan"  # the head approves by submitting (SAKIP's default)

    _move(office, membership, 2025, "annual", None, "return")
    html = client.get(URL).content.decode()
    assert _state(html) == "Dikembalikan"
    assert "Mohon dilengkapi" in html

    _move(office, membership, 2025, "annual", None, "submit", "verify", "approve")
    html = client.get(URL).content.decode()
    assert _state(html) == "Terkunci"
    downloads = html.split('data-testid="document-downloads"', 1)[1].split("</div>", 1)[0]
    # the LKjIP and the Matrik follow the annual report (approved now); the RKT the year's PK (not approved)
    assert re.search(r"LKjIP\s*<a", downloads) is not None
    assert re.search(r"RKT <span class=\"badge\"", downloads) is not None


def test_the_due_panel_follows_the_states_and_the_rules() -> None:
    regency = generate_regency("uji", Size(offices=1, indicators=2, years=2, start=2024), password="x")
    client, membership = _admin(regency)
    office = Office.objects.get(regency=regency, code="opd-001")
    today = timezone.localdate()
    last_year = today.year - 1
    pk_label = f"Perjanjian Kinerja {last_year}"
    # last year's PK was due by the default rule long ago: overdue while it is not submitted
    assert wf.due_date(wf.DEFAULT_RULES[wf.Step.PK], last_year, None) < today
    labels = _due_labels(client.get(URL).content.decode())
    client.get(URL)
    assert pk_label in labels

    _move(office, membership, last_year, "pk", None, "submit")
    assert pk_label not in _due_labels(client.get(URL).content.decode())

    _move(office, membership, last_year, "pk", None, "return")  # due again
    assert pk_label in _due_labels(client.get(URL).content.decode())

    # a regency rule moving the PK's due date two years on: last year's PK is not due any more
    from sakip.workflow.models import DueRuleSetting

    rule = DueRuleSetting.objects.create(regency=regency, step="pk", month=12, day=31, year_offset=2)
    assert wf.due_date(rule.rule(), last_year, None) > today + dt.timedelta(days=45)
    assert pk_label not in _due_labels(client.get(URL).content.decode())
