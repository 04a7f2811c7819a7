"""Parallel saves: several people press "Simpan" at the same moment — real threads, real database connections.

Each test prepares the pages (or API versions) one after the other, then lets N threads
submit at once (a barrier), each with its own connection to the database:

* on PostgreSQL the test database itself (the data is committed: ``transaction=True``);
* on SQLite a copy of the test database in a file (``VACUUM INTO``), because Django's test
  database is in memory, where SQLite's shared-cache locking answers "table is locked" at
  once instead of waiting: the copy has the production settings (WAL, transactions begun
  IMMEDIATE, a 20 s busy timeout), which is what this test is about.

Whatever the timing, no thread may see a 500 (the test client re-raises a server error) or a
503, nothing may be lost, and a second first save of the same row is a conflict (409), never
an IntegrityError.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse

from sakip.accounts.models import Membership, Office, Regency, Role
from sakip.api.models import ApiToken
from sakip.monitoring.models import Quarter
from sakip.planning.models import Goal, Indicator

from . import pages_support
from .concurrency_support import YEAR, entry_url
from .forms_support import form_fields

media = pages_support.media
regency = pages_support.regency
office = pages_support.office
other_office = pages_support.other_office

T = TypeVar("T")
WRITERS = 6
OK = (200, 302)


@pytest.fixture
def shared_database(tmp_path: Path) -> Iterator[Callable[[], None]]:
    """Call the yielded function once the data is prepared: from then on, threads use a database they can
    share (see the module's docstring). The main thread must not read the database after that call."""
    original = connections.settings["default"]

    def share() -> None:
        if connections["default"].vendor != "sqlite":
            return
        path = tmp_path / "parallel.sqlite3"
        with connections["default"].cursor() as cursor:
            cursor.execute("VACUUM INTO %s", [str(path)])
        connections.settings["default"] = {**original, "NAME": str(path)}

        def journal_mode() -> str:
            with connections["default"].cursor() as cursor:
                cursor.execute("PRAGMA journal_mode")
                return str(cursor.fetchone()[0])

        assert in_a_thread(journal_mode) == "wal"  # the threads' database has the production settings

    yield share
    connections.settings["default"] = original


def in_threads(n: int, work: Callable[[int], T]) -> list[T]:
    """``work(0)`` … ``work(n - 1)``, each in its own thread with its own connection, all released together."""
    barrier = threading.Barrier(n)
    results: list[Any] = [None] * n
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=60)
            results[i] = work(i)
        except BaseException as exc:  # a 500 re-raised by the test client, a failed assertion
            errors.append(exc)
        finally:
            connections.close_all()  # this thread's connections only

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a writer did not finish in 120 s"
    if errors:
        raise errors[0]
    return results


def in_a_thread(work: Callable[[], T]) -> T:
    """``work()`` with a connection to the shared database (the main thread keeps Django's test database)."""
    return in_threads(1, lambda _i: work())[0]


def writers(regency: Regency, office: Office, n: int = WRITERS, prefix: str = "petugas") -> list[Client]:
    clients = []
    for i in range(n):
        pages_support.make_user(f"{prefix}-{i}", Role.OPERATOR, regency, office)
        c = Client()
        assert c.login(username=f"{prefix}-{i}", password=pages_support.PASSWORD)
        clients.append(c)
    return clients


def ind(code: str, office: Office) -> Indicator:
    return Indicator.objects.get(code=code, plan__office=office)


def timed_post(client: Client, url: str, data: dict[str, Any]) -> tuple[int, float]:
    started = time.perf_counter()
    status = client.post(url, data).status_code
    return status, time.perf_counter() - started


@pytest.mark.django_db(transaction=True)
def test_parallel_first_saves_of_the_same_quarter(
    regency: Regency, office: Office, shared_database: Callable[[], None]
) -> None:
    """Six people save the first value of the same quarter at once: one is stored, five get the conflict."""
    t11 = ind("T1.1", office)
    assert not Quarter.objects.filter(indicator_year__indicator=t11, indicator_year__year=YEAR, quarter=1).exists()
    url = entry_url(office, 1)
    clients = writers(regency, office)
    forms = [form_fields(c.get(url).content.decode(), "entry-form") for c in clients]
    shared_database()

    results = in_threads(
        WRITERS, lambda i: timed_post(clients[i], url, {**forms[i], f"v-{t11.pk}": str(80 + i)})
    )
    statuses = sorted(s for s, _t in results)
    assert statuses == [302] + [409] * (WRITERS - 1), statuses

    def stored() -> list[Decimal | None]:
        return list(
            Quarter.objects.filter(indicator_year__indicator=t11, indicator_year__year=YEAR, quarter=1).values_list(
                "value", flat=True
            )
        )

    winner = next(i for i, (s, _t) in enumerate(results) if s == 302)
    assert in_a_thread(stored) == [Decimal(80 + winner)]


@pytest.mark.django_db(transaction=True)
def test_parallel_saves_of_different_quarters_and_offices_are_all_kept(
    regency: Regency, office: Office, other_office: Office, shared_database: Callable[[], None]
) -> None:
    """Six people save at once: TW I, II and III of two offices, each an updated row (S1.2) and a new one (T1.1)."""
    jobs = [(o, q) for o in (office, other_office) for q in (1, 2, 3)]
    clients = [c for o in (office, other_office) for c in writers(regency, o, 3, prefix=o.code)]
    pages = [c.get(entry_url(o, q)) for c, (o, q) in zip(clients, jobs, strict=True)]
    forms = [form_fields(p.content.decode(), "entry-form") for p in pages]
    ids = {o.code: (ind("S1.2", o).pk, ind("T1.1", o).pk) for o in (office, other_office)}

    def save(i: int) -> tuple[int, float]:
        o, q = jobs[i]
        s12, t11 = ids[o.code]
        return timed_post(clients[i], entry_url(o, q), {**forms[i], f"v-{s12}": str(2000 + i), f"v-{t11}": str(90 + i)})

    shared_database()
    assert [s for s, _t in in_threads(len(jobs), save)] == [302] * len(jobs)

    def stored() -> dict[tuple[str, str, int], Decimal | None]:
        rows = Quarter.objects.filter(indicator_year__year=YEAR, quarter__in=(1, 2, 3)).values_list(
            "indicator_year__indicator__plan__office__code", "indicator_year__indicator__code", "quarter", "value"
        )
        return {(o, code, q): v for o, code, q, v in rows if code in ("S1.2", "T1.1")}

    assert in_a_thread(stored) == {
        (o.code, code, q): Decimal(base + i)
        for i, (o, q) in enumerate(jobs)
        for code, base in (("S1.2", 2000), ("T1.1", 90))
    }


@pytest.mark.django_db(transaction=True)
def test_parallel_api_writes_with_the_same_version(
    regency: Regency, office: Office, shared_database: Callable[[], None]
) -> None:
    """Six API clients write the same quarter with the version they all read: one 200, five 409."""
    from django.contrib.auth import get_user_model

    base = f"/api/v1/offices/{office.code}/years/{YEAR}"
    tokens = []
    for i in range(WRITERS):
        user = get_user_model().objects.create(username=f"api-{i}")
        Membership.objects.create(user=user, regency=regency, office=office, role=Role.OPERATOR)
        tokens.append(ApiToken.issue(user, "paralel")[1])
    reader = Client()
    items = reader.get(f"{base}/realisations", headers={"Authorization": f"Bearer {tokens[0]}"}).json()["items"]
    seen = str(next(i for i in items if i["indicator"] == "S1.2")["versions"]["1"])
    shared_database()

    def write(i: int) -> int:
        body = {"rows": [{"indicator": "S1.2", "value": str(300 + i), "version": seen}]}
        response = Client().post(
            f"{base}/quarters/1/realisations", body, content_type="application/json",
            headers={"Authorization": f"Bearer {tokens[i]}"},
        )
        return int(response.status_code)

    statuses = sorted(in_threads(WRITERS, write))
    assert statuses == [200] + [409] * (WRITERS - 1), statuses


@pytest.mark.django_db(transaction=True)
def test_parallel_new_goals_with_the_same_code(
    regency: Regency, office: Office, shared_database: Callable[[], None]
) -> None:
    """Six planners add goal T9 at once: one is stored, the others see "sudah dipakai" (never a 500)."""
    url = reverse("plan-edit", args=[office.code])
    clients = writers(regency, office)
    forms = [form_fields(c.get(url).content.decode(), "goal-add") for c in clients]
    shared_database()

    def add(i: int) -> tuple[int, bool]:
        r = clients[i].post(url, {**forms[i], "g-new-code": "T9", "g-new-text": f"Tujuan {i}"})
        return r.status_code, "sudah dipakai" in r.content.decode()

    results = in_threads(WRITERS, add)
    assert sorted(s for s, _dup in results) == [200] * (WRITERS - 1) + [302]
    assert all(dup for s, dup in results if s == 200)
    assert in_a_thread(lambda: Goal.objects.filter(plan__office__code=office.code, code="T9").count()) == 1


@pytest.mark.django_db(transaction=True)
def test_parallel_first_saves_of_the_due_rules(regency: Regency, shared_database: Callable[[], None]) -> None:
    """Six administrators save the regency's due-date rules (no row yet) at once: each save is stored whole,
    one after the other, never a unique-constraint 500; one row per step."""
    from sakip.workflow.models import DueRuleSetting

    url = reverse("workflow-due-rules")
    clients = []
    for i in range(WRITERS):
        pages_support.make_user(f"admin-{i}", Role.ADMIN, regency, None)
        c = Client()
        assert c.login(username=f"admin-{i}", password=pages_support.PASSWORD)
        clients.append(c)
    forms = [form_fields(c.get(url).content.decode(), "due-rules") for c in clients]
    steps = sorted({k.split("-")[0] for k in forms[0] if k.endswith("-kind")})
    assert steps and not DueRuleSetting.objects.filter(regency=regency).exists()
    shared_database()

    def save(i: int) -> int:
        days = {f"{s}-kind": "days" for s in steps} | {f"{s}-days": str(10 + i) for s in steps}
        return int(clients[i].post(url, {**forms[i], **days}).status_code)

    assert in_threads(WRITERS, save) == [302] * WRITERS

    def stored() -> list[tuple[str, int | None]]:
        return list(DueRuleSetting.objects.filter(regency=regency).values_list("step", "days").order_by("step"))

    rows = in_a_thread(stored)
    assert [s for s, _d in rows] == steps  # one row per step
    assert len({d for _s, d in rows}) == 1  # all from the same save: the last one, stored whole


@pytest.mark.django_db(transaction=True)
def test_parallel_submissions_of_the_same_period(
    regency: Regency, office: Office, shared_database: Callable[[], None]
) -> None:
    """Six heads of office submit TW I at once: it is submitted once, the others are told it already is."""
    from sakip.workflow.models import PeriodState, TransitionLog

    url = reverse("workflow-submit", args=[office.code, YEAR])
    clients = []
    for i in range(WRITERS):
        pages_support.make_user(f"kepala-{i}", Role.HEAD, regency, office)
        c = Client()
        assert c.login(username=f"kepala-{i}", password=pages_support.PASSWORD)
        clients.append(c)
    shared_database()

    def submit(i: int) -> int:
        return int(clients[i].post(url, {"step": "quarter", "quarter": "1", "confirm": "1"}).status_code)

    assert in_threads(WRITERS, submit) == [302] * WRITERS

    def stored() -> tuple[list[str], int]:
        states = list(PeriodState.objects.filter(office=office, year=YEAR).values_list("state", flat=True))
        return states, TransitionLog.objects.filter(period__office=office, transition="submit").count()

    assert in_a_thread(stored) == (["submitted"], 1)
