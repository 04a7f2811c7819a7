"""The routing rules of `sakip.core.db_routing` without a replica server (both passes): where a read goes in
and out of a request let onto the replica, a transaction and `primary()`; the read-your-writes cookie; the
settings that switch it on. The routing against a real primary and replica: test_replica_routing.py."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory, override_settings
from django.utils.connection import ConnectionDoesNotExist

from sakip.accounts.models import Office
from sakip.core import db_routing
from sakip.core.db_routing import COOKIE, Health, ReplicaMiddleware, ReplicaRouter, primary, replica_reads
from sakip.regency import kept_figures
from sakip.regency.models import KeptOffice
from tests.web.demo_support import Demo

ROOT = Path(__file__).resolve().parents[2]
router = ReplicaRouter()


def test_reads_go_to_the_replica_only_where_a_request_let_them() -> None:
    assert router.db_for_read(Office) == "default"  # outside a request: commands, threads
    with replica_reads():
        assert router.db_for_read(Office) == "replica"
        with primary():
            assert router.db_for_read(Office) == "default"
        assert router.db_for_read(Office) == "replica"
    assert router.db_for_read(Office) == "default"
    assert router.db_for_write(Office) == "default"


@pytest.mark.django_db(transaction=True)
def test_a_transaction_reads_from_the_primary() -> None:
    with replica_reads():
        with transaction.atomic():
            assert router.db_for_read(Office) == "default"
        assert router.db_for_read(Office) == "replica"


@pytest.mark.django_db(transaction=True)  # outside a transaction: reads could go to the replica
@override_settings(DATABASE_ROUTERS=["sakip.core.db_routing.ReplicaRouter"])
def test_the_kept_figures_recompute_reads_from_the_primary(demo: Demo) -> None:
    # the test database has no "replica" alias: a read routed there would fail
    with replica_reads() as request:
        with pytest.raises(ConnectionDoesNotExist):
            Office.objects.count()
        assert kept_figures.recompute(demo.office_a, 2020) >= 1  # every read of it on the primary
        assert request.wrote  # it stored the figures: the rest of the request reads the primary
    assert KeptOffice.objects.filter(office=demo.office_a, year=2020).exists()


def test_migrations_only_on_the_primary() -> None:
    assert router.allow_migrate("default", "accounts") is True
    assert router.allow_migrate("replica", "accounts") is False


def _ok(request: HttpRequest) -> HttpResponse:
    return HttpResponse((db_routing.reads_on_replica() and "replica") or "primary")


@override_settings(SAKIP_REPLICA_MAX_LAG=5, SAKIP_REPLICA_CHECK_SECONDS=3600, SAKIP_REPLICA_STICKY_SECONDS=None)
def test_a_write_marks_the_browser_and_its_next_pages_read_the_primary(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(db_routing.checker, "state", Health("ok", "", 0.0, time.monotonic()))
    middleware, rf = ReplicaMiddleware(_ok), RequestFactory()

    assert middleware(rf.get("/")).content == b"replica"
    written = middleware(rf.post("/"))
    assert written.content == b"primary"
    mark = written.cookies[COOKIE]
    window = float(mark.value) - time.time()
    assert 3600 + 5 + 2 - 1 < window <= 3600 + 5 + 2 + 0.001  # the lag limit + the check interval + 2 s (ms)
    assert mark["httponly"] and mark["samesite"] == "Lax"

    after = rf.get("/")
    after.COOKIES[COOKIE] = mark.value
    assert middleware(after).content == b"primary"
    expired = rf.get("/")
    expired.COOKIES[COOKIE] = f"{time.time() - 1:.3f}"
    assert middleware(expired).content == b"replica"
    garbage = rf.get("/")
    garbage.COOKIES[COOKIE] = "x"
    assert middleware(garbage).content == b"replica"


@override_settings(SAKIP_REPLICA_CHECK_SECONDS=3600)
def test_a_replica_found_unusable_sends_the_pages_to_the_primary(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(db_routing.checker, "state", Health("lagging", "replay 9 s behind", 9.0, time.monotonic()))
    assert ReplicaMiddleware(_ok)(RequestFactory().get("/")).content == b"primary"


def _settings(**env: str) -> subprocess.CompletedProcess[str]:
    code = (
        "import json; from sakip.web import settings as s; "
        "print(json.dumps([sorted(s.DATABASES), getattr(s, 'DATABASE_ROUTERS', []), s.MIDDLEWARE, "
        "s.DATABASES.get('replica', {}).get('OPTIONS', {})]))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SAKIP_REPLICA", "DATABASE_URL"))}
    return subprocess.run([sys.executable, "-c", code], env={**clean, **env}, cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


def test_settings_switch_it_on_only_with_a_postgresql_replica() -> None:
    import json

    off = _settings()
    assert off.returncode == 0, off.stderr
    aliases, routers, middleware, _options = json.loads(off.stdout)
    assert aliases == ["default"] and routers == [] and "sakip.core.db_routing.ReplicaMiddleware" not in middleware

    on = _settings(DATABASE_URL="postgres://sakip@127.0.0.1:5432/sakip",
                   SAKIP_REPLICA_URL="postgres://sakip@127.0.0.1:5433/sakip")
    assert on.returncode == 0, on.stderr
    aliases, routers, middleware, options = json.loads(on.stdout)
    assert aliases == ["default", "replica"] and routers == ["sakip.core.db_routing.ReplicaRouter"]
    at = middleware.index("sakip.core.db_routing.ReplicaMiddleware")
    assert middleware[at - 1] == "sakip.core.busy.BusyDatabaseMiddleware"
    assert at < middleware.index("django.contrib.sessions.middleware.SessionMiddleware")
    assert options == {"connect_timeout": 2}

    on_sqlite = _settings(SAKIP_REPLICA_URL="postgres://sakip@127.0.0.1:5433/sakip")
    assert on_sqlite.returncode != 0 and "needs a PostgreSQL primary" in on_sqlite.stderr


@pytest.mark.django_db(transaction=True)
@override_settings(DATABASE_ROUTERS=["sakip.core.db_routing.ReplicaRouter"], SAKIP_REPLICA_CHECK_SECONDS=3600)
def test_a_get_that_writes_reads_the_primary_from_its_write_on(demo: Demo, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(db_routing.checker, "state", Health("ok", "", 0.0, time.monotonic()))
    office = demo.office_a

    def view(request: HttpRequest) -> HttpResponse:
        with pytest.raises(ConnectionDoesNotExist):  # on the replica (none in the tests) before the write
            Office.objects.filter(pk=office.pk).count()
        Office.objects.filter(pk=office.pk).update(name="Ditulis saat GET")
        return HttpResponse(Office.objects.get(pk=office.pk).name)  # read back: from the primary

    response = ReplicaMiddleware(view)(RequestFactory().get("/"))
    assert response.content == b"Ditulis saat GET"
    assert COOKIE in response.cookies  # the browser's next pages read from the primary too
    assert ReplicaMiddleware(_ok)(RequestFactory().get("/")).cookies.get(COOKIE) is None  # a GET that only read
