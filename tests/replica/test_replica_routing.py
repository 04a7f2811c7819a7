"""A PostgreSQL primary and a streaming replica on this machine, and Sakip served by gunicorn over both.

The replica's replay is paused (``pg_wal_replay_pause()``) so that the two differ: a page showing a text
the replica has not replayed was read from the primary, a page without it from the replica. Checked over
real HTTP: GET pages read from the replica; a write goes to the primary; the writer's next pages read
from the primary (read-your-writes) while another user's come from the paused replica; a replica lagging
beyond the limit, or stopped, is left aside (reads from the primary) with a log line.

Runs in the PostgreSQL pass of ``.ci/testrun.py`` (``SAKIP_TEST_DATABASES=postgres python .ci/testrun.py
tests/replica``): it starts its own two servers (``.ci/testrun.py``'s ``primary_and_replica``) and does not
use the pass's database. Skipped with the reason when Debian's PostgreSQL binaries are missing.
"""

from __future__ import annotations

import html
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.conf import settings

from tests.testrun_support import testrun as load_testrun

ROOT = Path(__file__).resolve().parents[2]
IN_CI = os.environ.get("CI", "").lower() not in ("", "0", "false", "no")
PASSWORD = "sakip-demo-2026"  # sakip.core.demo.DEMO_PASSWORD
WRITER, READER = "operator-kaliwates", "kepala-kaliwates"  # one office: both may open its narratives
PAGE = "/opd/kaliwates/narasi/2020/lkjip/"
SECTION = "latar_belakang"


testrun = load_testrun()

pytestmark = [
    pytest.mark.replica,
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="runs in the PostgreSQL pass (SAKIP_TEST_DATABASES=postgres python .ci/testrun.py tests/replica)",
    ),
    pytest.mark.skipif(
        testrun.pg_bindir() is None and not IN_CI,
        reason="Debian's PostgreSQL binaries (initdb, pg_basebackup) not found: apt-get install postgresql",
    ),
]


# ----------------------------------------------------------------------------- the two servers


class Cluster:
    def __init__(self, primary: Any, replica: Any) -> None:
        self.primary, self.replica = primary, replica

    def sql(self, server: Any, statement: str, *params: Any) -> Any:
        with psycopg.connect(server.url("sakip"), autocommit=True, connect_timeout=5) as conn:
            row = conn.execute(statement, params).fetchone()
            return row[0] if row else None

    def caught_up(self, timeout: float = 30) -> None:
        """Wait until the replica has replayed everything the primary wrote so far."""
        lsn = self.sql(self.primary, "SELECT pg_current_wal_lsn()::text")
        deadline = time.monotonic() + timeout
        while not self.sql(self.replica, "SELECT pg_wal_lsn_diff(pg_last_wal_replay_lsn(), %s::pg_lsn) >= 0", lsn):
            assert time.monotonic() < deadline, "the replica did not catch up"
            time.sleep(0.05)

    def pause(self) -> None:
        self.sql(self.replica, "SELECT pg_wal_replay_pause()")
        deadline = time.monotonic() + 10
        while self.sql(self.replica, "SELECT pg_get_wal_replay_pause_state()") != "paused":
            assert time.monotonic() < deadline
            time.sleep(0.05)

    def resume(self) -> None:
        self.sql(self.replica, "SELECT pg_wal_replay_resume()")

    def text_on(self, server: Any) -> str:
        return str(self.sql(
            server,
            "SELECT n.text FROM profiles_narrative n JOIN accounts_office o ON o.id = n.office_id "
            "WHERE o.code = 'kaliwates' AND n.year = 2020 AND n.document = 'lkjip' AND n.key = %s",
            SECTION,
        ))


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    try:
        context = testrun.primary_and_replica()
        primary, replica = context.__enter__()
    except SystemExit as e:
        if IN_CI or "no 'postgres' user" not in str(e):
            raise
        pytest.skip(f"cannot start a PostgreSQL primary and replica: {e}")
    try:
        with psycopg.connect(primary.url("postgres"), autocommit=True) as conn:
            conn.execute("CREATE DATABASE sakip")
        # the schema and the demo regency, written on the primary only; the replica replays them
        setup = (
            "import django; django.setup(); from django.core.management import call_command; "
            "call_command('migrate', interactive=False, verbosity=0); "
            "from sakip.core.demo import setup_demo; setup_demo()"
        )
        env = _env(primary.url(), None, data_dir=tmp_path_factory.mktemp("setup"))
        subprocess.run([sys.executable, "-c", setup], env=env, cwd=ROOT, check=True, timeout=900)
        c = Cluster(primary, replica)
        c.caught_up()
        yield c
    finally:
        context.__exit__(None, None, None)


def _env(primary_url: str, replica_url: str | None, data_dir: Path, **replica: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SAKIP_REPLICA", "DATABASE_URL"))}
    env.update(DATABASE_URL=primary_url, SAKIP_ENV="development", SAKIP_DATA_DIR=str(data_dir),
               DJANGO_SETTINGS_MODULE="sakip.web.settings", PYTHONUNBUFFERED="1")
    if replica_url:
        env["SAKIP_REPLICA_URL"] = replica_url
        env.update({f"SAKIP_REPLICA_{k.upper()}": v for k, v in replica.items()})
    return env


class Server:
    """gunicorn (one worker, one thread: one process's view of the replica) on a free port; its log in a file."""

    def __init__(self, cluster: Cluster, tmp: Path, **replica: str) -> None:
        self.port = testrun.free_port()
        self.log = tmp / f"gunicorn-{self.port}.log"
        env = _env(cluster.primary.url(), cluster.replica.url(), tmp, **replica)
        with self.log.open("wb") as sink:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "sakip.web.wsgi:application", "--bind", f"127.0.0.1:{self.port}",
                 "--workers", "1", "--threads", "1", "--timeout", "120"],
                env=env, cwd=ROOT, stdout=sink, stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 90
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    break
            except OSError:
                assert self.process.poll() is None, self.output()
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class Browser:
    """One user's cookies over real HTTP (redirects are not followed: a 302 is seen as such)."""

    def __init__(self, server: Server) -> None:
        self.base = f"http://127.0.0.1:{server.port}"
        self.cookies = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect)

    def request(self, path: str, data: dict[str, str] | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, data=body, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode(errors="replace")

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.cookies if c.name == name), None)

    def login(self, username: str) -> None:
        status, page = self.request("/login/")
        assert status == 200
        status, _ = self.request("/login/", {"csrfmiddlewaretoken": _csrf(page), "username": username,
                                             "password": PASSWORD, "next": ""})
        assert status == 302, f"sign-in of {username}: {status}"

    def section(self) -> str:
        """The section's text as the narrative page shows it (its textarea)."""
        status, page = self.request(PAGE)
        assert status == 200, (status, page[:500])
        found = re.search(rf'name="text-{SECTION}"[^>]*>(.*?)</textarea>', page, re.S)
        assert found, page[:2000]
        return html.unescape(found.group(1))

    def write_section(self, text: str) -> None:
        status, page = self.request(PAGE)
        assert status == 200
        version = re.search(rf'name="ver-{SECTION}" value="([^"]*)"', page)
        assert version
        status, body = self.request(PAGE, {"csrfmiddlewaretoken": _csrf(page), f"text-{SECTION}": text,
                                           f"ver-{SECTION}": html.unescape(version.group(1))})
        assert status == 302, (status, body[:2000])


def _csrf(page: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert found
    return found.group(1)


def _signed_in(cluster: Cluster, server: Server, *users: str, sticky: float) -> list[Browser]:
    browsers = []
    for user in users:
        b = Browser(server)
        b.login(user)
        browsers.append(b)
    cluster.caught_up()  # the sessions are on the replica too
    time.sleep(sticky + 0.2)  # the sign-ins' read-your-writes window is over
    return browsers


# ----------------------------------------------------------------------------- the checks


def test_pages_read_the_replica_and_a_writer_reads_its_own_write(cluster: Cluster, tmp_path: Path) -> None:
    # a lag limit far above the test's pauses, checked once (then only when a request fails on the replica),
    # and a short read-your-writes window, so that both sides of it can be seen
    server = Server(cluster, tmp_path, max_lag="600", check_seconds="3600", sticky_seconds="2")
    try:
        writer, reader = _signed_in(cluster, server, WRITER, READER, sticky=2)
        before = reader.section()
        assert before == cluster.text_on(cluster.replica) == cluster.text_on(cluster.primary)

        cluster.pause()
        mine = f"Tulisan operator {time.time_ns()}: dibaca dari server utama."
        writer.write_section(mine)  # a POST: written on the primary
        assert cluster.text_on(cluster.primary) == mine
        assert cluster.text_on(cluster.replica) == before  # the paused replica has not replayed it
        assert writer.cookie("sakip_primary_until") is not None

        # read-your-writes: the writer's next page comes from the primary …
        assert writer.section() == mine
        # … while another user's page is served by the (paused) replica
        assert reader.section() == before
        # once the window is over, the writer's pages come from the replica too
        time.sleep(2.2)
        assert writer.section() == before

        cluster.resume()
        cluster.caught_up()
        assert reader.section() == mine

        # the replica stops: the page that finds it gone is run again on the primary, and so are the next
        cluster.pause()
        second = f"Tulisan kedua {time.time_ns()}."
        writer.write_section(second)
        cluster.replica.stop("fast")
        assert reader.section() == second
        assert reader.section() == second
        log = server.output()
        assert f"GET {PAGE} failed on the read replica: run again on the primary" in log
        assert "read replica not used, reading from the primary: unreachable" in log
        assert log.count("read replica not used") == 1, log  # one line per change of state, not per request
        # (the failed first attempt is also in the log, as Django's "Internal Server Error" with its traceback)
    finally:
        server.stop()
        if not cluster.replica.running:
            cluster.replica.start("-c fsync=off -c synchronous_commit=off -c hot_standby=on")
            cluster.resume()
            cluster.caught_up()


def test_a_replica_lagging_beyond_the_limit_is_left_aside(cluster: Cluster, tmp_path: Path) -> None:
    # checked on every request; more than 1 s behind is too far
    server = Server(cluster, tmp_path, max_lag="1", check_seconds="0", sticky_seconds="0.5")
    try:
        writer, reader = _signed_in(cluster, server, WRITER, READER, sticky=0.5)
        before = reader.section()
        assert "read replica not used" not in server.output()

        cluster.pause()
        mine = f"Tulisan {time.time_ns()} saat replika tertinggal."
        writer.write_section(mine)
        time.sleep(1.5)  # the replica's replay is now more than 1 s behind
        assert cluster.text_on(cluster.replica) == before
        assert reader.section() == mine  # from the primary
        assert "read replica not used, reading from the primary: replay" in server.output()

        cluster.resume()
        cluster.caught_up()
        assert reader.section() == mine
        assert "read replica usable again" in server.output()
    finally:
        server.stop()
        cluster.resume()
