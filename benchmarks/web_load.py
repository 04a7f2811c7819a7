"""Web load benchmark (issue #4): the office dashboard, the regency dashboard and the main API lists.

    .venv/bin/python benchmarks/web_load.py [--databases sqlite,postgres] [--offices 50] [--duration 10]

For each database it:

1. makes a fresh database (SQLite in a temporary directory; PostgreSQL as a throwaway
   cluster, started with ``.ci/testrun.py``'s own ``postgres_cluster``), migrates it and
   generates a regency of 50 offices × 10 indicators × 5 years × 4 quarters
   (``sakip.core.generate``), a signed-in session of its admin and an API token;
2. starts gunicorn with the production settings and ``src/sakip/web/gunicorn_conf.py``
   on 127.0.0.1 (``--workers`` × ``--threads``, default 2 × 2, the configuration's own
   values on a 2-core machine);
3. warms every URL up (each worker computes and caches the figures once), then runs
   ``wrk`` with 20 connections per URL for ``--duration`` seconds; a Lua ``done()``
   prints p50/p95/p99 latency and requests per second;
4. prints a table and checks p95 ≤ 100 ms (``--target-ms``); exit code 1 if a URL misses it.

Needs Debian's ``wrk`` (/usr/bin/wrk) and, for PostgreSQL, the server binaries
(``postgresql`` package). Standard library plus the project's own dependencies.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
YEAR = 2025  # the generated regency's last year (2021–2025)

LUA = r"""
local headers_line = os.getenv("BENCH_HEADER") or ""
wrk.headers["Host"] = "127.0.0.1"
for name, value in string.gmatch(headers_line, "([^:|]+):%s*([^|]+)") do wrk.headers[name] = value end
-- response() runs in each thread's own Lua state: done() adds up the threads' counters
local threads = {}
setup = function(thread) table.insert(threads, thread) end
init = function(args) non200 = 0 end
response = function(status, headers, body) if status ~= 200 then non200 = non200 + 1 end end
done = function(summary, latency, requests)
  local e = summary.errors
  local non200 = 0
  for _, thread in ipairs(threads) do non200 = non200 + thread:get("non200") end
  io.write(string.format(
    '{"p50": %.3f, "p95": %.3f, "p99": %.3f, "requests": %d, "seconds": %.3f, "errors": %d, "non200": %d}\n',
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.requests, summary.duration / 1e6,
    e.connect + e.read + e.write + e.timeout + e.status,
    non200))
end
"""


def say(message: str) -> None:
    print(f"[web_load] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def testrun() -> object:
    """.ci/testrun.py as a module (its throwaway PostgreSQL cluster)."""
    spec = importlib.util.spec_from_file_location("sakip_testrun", ROOT / ".ci" / "testrun.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def base_env(database_url: str, data_dir: Path) -> dict[str, str]:
    return dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="sakip.web.settings",
        DATABASE_URL=database_url,
        SAKIP_DATA_DIR=str(data_dir),
        SAKIP_ENV="production",
        SAKIP_SECRET_KEY=secrets.token_urlsafe(50),
        SAKIP_ALLOWED_HOSTS="127.0.0.1,localhost",
        SAKIP_SSL_REDIRECT="0",  # plain HTTP on loopback
        PYTHONPATH=str(ROOT / "src"),
    )


SETUP = """
import json, sys, django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
call_command("collectstatic", interactive=False, verbosity=0)  # production settings: the manifest storage
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from sakip.api.models import ApiToken
from sakip.core.generate import Size, generate_regency
size = Size(offices=int(sys.argv[1]))
generate_regency("uji", size, password=None)
from sakip.accounts.models import Membership, Regency, Role
user, _ = get_user_model().objects.get_or_create(username="bench-admin")
Membership.objects.update_or_create(user=user, defaults={"regency": Regency.objects.get(code="uji"), "office": None,
                                                         "role": Role.ADMIN})
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
from django.utils.module_loading import import_string
# the backend that signs users in (the lockout backend before it only refuses)
backends = settings.AUTHENTICATION_BACKENDS
session[BACKEND_SESSION_KEY] = next(b for b in backends if hasattr(import_string(b), "get_user"))
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
# signed in as an admin who passed the second step (what sakip.accounts.twofactor.verify leaves in the session)
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from sakip.accounts import twofactor
device, _ = TOTPDevice.objects.get_or_create(user=user, name=twofactor.DEVICE_NAME, defaults={"confirmed": True})
session[DEVICE_ID_SESSION_KEY] = device.persistent_id
session[twofactor.STATE_KEY] = twofactor.OK
session.create()
print(json.dumps({"session": session.session_key, "token": ApiToken.issue(user, "benchmark")[1]}))
"""


def setup_database(env: dict[str, str], offices: int) -> dict[str, str]:
    started = time.perf_counter()
    out = subprocess.run([PYTHON, "-c", SETUP, str(offices)], env=env, check=True, capture_output=True, text=True)
    say(f"migrated and generated {offices} offices in {time.perf_counter() - started:.1f} s")
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


@contextlib.contextmanager
def gunicorn(env: dict[str, str], workers: int, threads: int) -> Iterator[str]:
    port = free_port()
    args = [
        str(Path(PYTHON).with_name("gunicorn")),
        "--config",
        "python:sakip.web.gunicorn_conf",  # the production settings; workers and threads as asked
        "sakip.web.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--log-level",
        "warning",
        "--timeout",
        "120",
    ]
    proc = subprocess.Popen(args, env=env, cwd=ROOT)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                urllib.request.urlopen(base + "/login/", timeout=2)
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise SystemExit("gunicorn did not start")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def renew_generation(database_url: str) -> None:
    """What any write does to the kept figures (`sakip.regency.figures.bump`): a new data generation, so the
    next request of every worker computes its figures and page afresh — "the first request after a change"."""
    token = secrets.token_hex(16)
    if database_url.startswith("sqlite:///"):
        import sqlite3

        with contextlib.closing(sqlite3.connect(database_url.removeprefix("sqlite:///"), timeout=30)) as conn:
            conn.execute("UPDATE regency_datageneration SET token = ? WHERE id = 1", [token])
            conn.commit()
    else:
        import psycopg

        with psycopg.connect(database_url.replace("postgres://", "postgresql://", 1), autocommit=True) as pg:
            pg.execute("UPDATE regency_datageneration SET token = %s WHERE id = 1", [token])


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a redirect (sign-in, second step) is an answer of its own, not the page measured


_opener = urllib.request.build_opener(_NoRedirect)


def fetch(url: str, headers: dict[str, str]) -> tuple[int, float]:
    request = urllib.request.Request(url, headers=headers)
    started = time.perf_counter()
    try:
        with _opener.open(request, timeout=120) as response:
            response.read()
            return response.status, time.perf_counter() - started
    except urllib.error.HTTPError as error:  # 3xx (not followed), 4xx, 5xx
        return error.code, time.perf_counter() - started


def warm_up(url: str, headers: dict[str, str], slots: int, name: str) -> None:
    """Until every worker has computed its figures: rounds of concurrent requests (a sequential request may
    always reach the same worker) until a round's slowest answer is close to its median."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=slots * 2) as pool:
        for _round in range(10):
            answers = list(pool.map(lambda _i: fetch(url, headers), range(slots * 8)))
            assert all(status == 200 for status, _s in answers), (name, {status for status, _s in answers})
            seconds = sorted(s for _status, s in answers)
            if seconds[-1] < max(5 * seconds[len(seconds) // 2], 0.05):
                return


def wrk(url: str, headers: dict[str, str], connections: int, duration: int, threads: int) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(LUA)
        script = f.name
    try:
        env = dict(os.environ, BENCH_HEADER="|".join(f"{k}: {v}" for k, v in headers.items()))
        out = subprocess.run(
            [
                "wrk",
                "-t",
                str(threads),
                "-c",
                str(connections),
                "-d",
                f"{duration}s",
                "--timeout",
                "10s",
                "-s",
                script,
                url,
            ],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
    finally:
        os.unlink(script)
    line = next(x for x in reversed(out.stdout.splitlines()) if x.startswith("{"))
    result = json.loads(line)
    result["rps"] = result["requests"] / result["seconds"]
    return result  # type: ignore[no-any-return]


ONLY: set[str] = set()  # --only: the URL names to run (empty: all)
#: ``--only quarter``: the pages and API answers of issue #11 (a chosen quarter, and the year beside it)
QUARTER_SET = (
    "office dashboard,office dashboard TW I,office dashboard TW II,office dashboard TW III,"
    "regency dashboard TW II,API achievements TW I,API achievements TW II,API achievements TW III"
)


def urls(session: str, token: str) -> list[tuple[str, str, dict[str, str]]]:
    return [u for u in _urls(session, token) if not ONLY or u[0] in ONLY]


def _urls(session: str, token: str) -> list[tuple[str, str, dict[str, str]]]:
    cookie = {"Cookie": f"sessionid={session}"}
    bearer = {"Authorization": f"Bearer {token}"}
    office = "/api/v1/offices/opd-001"
    return [
        ("office dashboard", f"/opd/opd-001/?tahun={YEAR}", cookie),
        ("office dashboard TW I", f"/opd/opd-001/?tahun={YEAR}&triwulan=1", cookie),
        ("office dashboard TW II", f"/opd/opd-001/?tahun={YEAR}&triwulan=2", cookie),
        ("office dashboard TW III", f"/opd/opd-001/?tahun={YEAR}&triwulan=3", cookie),
        ("regency dashboard", f"/pemda/?tahun={YEAR}", cookie),
        ("regency dashboard TW II", f"/pemda/?tahun={YEAR}&triwulan=2", cookie),
        ("API offices", "/api/v1/offices?limit=100", bearer),
        ("API achievements", f"{office}/years/{YEAR}/achievements", bearer),
        ("API achievements TW I", f"{office}/years/{YEAR}/achievements?quarter=1", bearer),
        ("API achievements TW II", f"{office}/years/{YEAR}/achievements?quarter=2", bearer),
        ("API achievements TW III", f"{office}/years/{YEAR}/achievements?quarter=3", bearer),
        ("API realisations", f"{office}/years/{YEAR}/realisations", bearer),
        ("API targets", f"{office}/years/{YEAR}/targets", bearer),
        ("API budget", f"{office}/years/{YEAR}/budget", bearer),
    ]


CPU = """
import json, sys, time, django
django.setup()
from django.test import Client
creds, paths, n = json.loads(sys.argv[1]), json.loads(sys.argv[2]), int(sys.argv[3])
client = Client(HTTP_HOST="127.0.0.1")
client.cookies["sessionid"] = creds["session"]
out = {}
for path, bearer in paths:
    headers = {"Authorization": "Bearer " + creds["token"]} if bearer else {}
    first = client.get(path, headers=headers)
    assert first.status_code == 200, (path, first.status_code, first.headers.get("Location"))
    started = time.process_time()
    for _ in range(n):
        client.get(path, headers=headers)
    out[path] = (time.process_time() - started) / n * 1000
print(json.dumps(out))
"""


def cpu_per_request(env: dict[str, str], creds: dict[str, str], n: int) -> dict[str, float]:
    """CPU milliseconds per request in one process (Django's test client, figures cached): the cost of a
    request without the load of the machine or the network."""
    paths = [(path, "Authorization" in headers) for _name, path, headers in urls("x", "x")]
    out = subprocess.run(
        [PYTHON, "-c", CPU, json.dumps(creds), json.dumps(paths), str(n)],
        env=env,
        capture_output=True,
        text=True,
    )
    if out.returncode:
        raise SystemExit(f"the CPU measurement failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def bench(database: str, database_url: str, args: argparse.Namespace) -> list[dict[str, Any]]:
    data_dir = Path(tempfile.mkdtemp(prefix="sakip-bench-data-"))
    try:
        env = base_env(database_url, data_dir)
        creds = setup_database(env, args.offices)
        # --compare SRC: a second gunicorn runs the code of SRC (another checkout's src/) on the same database;
        # each URL is measured on both, alternately, --rounds times, so a change of the machine's load hits both
        variants = (
            {"": env} if args.compare is None else {"before": dict(env, PYTHONPATH=str(args.compare)), "after": env}
        )
        with contextlib.ExitStack() as stack:
            bases = {v: stack.enter_context(gunicorn(e, args.workers, args.threads)) for v, e in variants.items()}
            results = [
                r
                for name, path, headers in urls(creds["session"], creds["token"])
                for r in measure_url(database, database_url, name, path, headers, bases, args)
            ]
        for variant, variant_env in variants.items():
            cpu = cpu_per_request(variant_env, creds, args.cpu_requests)
            for r in results:
                if r["variant"] == variant:
                    r["cpu_ms"] = cpu[str(r["path"])]
        return results
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def measure_url(
    database: str,
    database_url: str,
    name: str,
    path: str,
    headers: dict[str, str],
    bases: dict[str, str],
    args: argparse.Namespace,
) -> list[dict[str, Any]]:
    colds: dict[str, list[float]] = {v: [] for v in bases}
    for _ in range(max(args.cold, 1)):  # the first request after a change, on whichever worker
        for variant, base in bases.items():
            renew_generation(database_url)
            cold_status, cold = fetch(base + path, headers)
            assert cold_status == 200, (name, variant, cold_status)
            colds[variant].append(cold)
    for base in bases.values():
        warm_up(base + path, headers, args.workers * args.threads, name)
        wrk(base + path, headers, args.connections, args.warmup, args.wrk_threads)  # warm-up
    results = []
    for _round in range(args.rounds):
        for variant, base in bases.items():
            load_before = os.getloadavg()[0]
            r = wrk(base + path, headers, args.connections, args.duration, args.wrk_threads)
            cold = sorted(colds[variant])[len(colds[variant]) // 2]
            r.update(
                {
                    "database": database,
                    "variant": variant,
                    "url": name,
                    "path": path,
                    "first_request_s": cold,  # the median of --cold first requests after a change
                    "first_requests_s": colds[variant],
                    "load_average": os.getloadavg()[0],
                    "load_average_before": load_before,
                }
            )
            results.append(r)
            say(
                f"{database:8} {variant:6} {name:26} p50 {r['p50']:7.1f} ms  p95 {r['p95']:7.1f} ms"
                f"  p99 {r['p99']:7.1f} ms  {r['rps']:7.1f} req/s  (first request after a change {cold * 1000:.0f} ms"
                f" [{', '.join(f'{c * 1000:.0f}' for c in colds[variant])}], errors {r['errors']},"
                f" non-200 {r['non200']}, load average {load_before:.1f}→{r['load_average']:.1f})"
            )
    return results


@contextlib.contextmanager
def postgres() -> Iterator[str]:
    tr = testrun()
    with tr.postgres_cluster() as url:  # type: ignore[attr-defined]
        import psycopg

        server = url.rsplit("/", 1)[0]
        with psycopg.connect(server.replace("postgres://", "postgresql://") + "/postgres", autocommit=True) as conn:
            conn.execute("CREATE DATABASE sakip")
        yield url


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--offices", type=int, default=50)
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk per URL")
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--warmup", type=int, default=5, help="seconds of wrk per URL before measuring")
    parser.add_argument("--target-ms", type=float, default=100.0)
    parser.add_argument("--cpu-requests", type=int, default=50, help="requests per URL for the CPU figure")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument(
        "--only", default="", help='comma-separated URL names to run (default: all; "quarter": the quarter pages)'
    )
    parser.add_argument(
        "--compare",
        type=Path,
        help="another checkout's src/ (e.g. git archive of an older commit): measured alternately on the same data",
    )
    parser.add_argument("--rounds", type=int, default=1, help="wrk runs per URL (and per --compare variant)")
    parser.add_argument(
        "--cold", type=int, default=3, help="first requests after a change (generation renewed) timed per URL"
    )
    args = parser.parse_args()
    only = QUARTER_SET if args.only == "quarter" else args.only
    ONLY.update(name.strip() for name in only.split(",") if name.strip())
    unknown = ONLY - {name for name, _path, _headers in _urls("x", "x")}
    if unknown:
        raise SystemExit(f"unknown URL names: {', '.join(sorted(unknown))}")
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk)")
    results: list[dict[str, Any]] = []
    for database in args.databases.split(","):
        if database == "sqlite":
            with tempfile.TemporaryDirectory(prefix="sakip-bench-") as tmp:
                results += bench("sqlite", f"sqlite:///{tmp}/bench.sqlite3", args)
        elif database == "postgres":
            with postgres() as url:
                results += bench("postgres", url, args)
        else:
            raise SystemExit(f"unknown database {database!r}")
    print()
    print(
        f"{'database':9} {'code':6} {'URL':26} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'req/s':>8} {'errors':>6}"
        f" {'CPU ms':>7}"
        f" {'cold ms':>8} {'load':>5}  p95 ≤ {args.target_ms:g} ms"
    )
    missed = 0
    for r in results:
        ok = float(r["p95"]) <= args.target_ms and not r["non200"] and not r["errors"]
        missed += not ok
        print(
            f"{r['database']:9} {r['variant']:6} {r['url']:26} {r['p50']:8.1f} {r['p95']:8.1f} {r['p99']:8.1f}"
            f" {r['rps']:8.1f} "
            f"{r['errors'] + r['non200']:6d} {r['cpu_ms']:7.1f} {r['first_request_s'] * 1000:8.0f}"
            f" {r['load_average']:5.1f}  {'yes' if ok else 'NO'}"
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
