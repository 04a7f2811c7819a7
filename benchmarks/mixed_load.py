"""Reads while offices write (issue #12): readers' latency with writers saving, and the first request after a change.

    .venv/bin/python benchmarks/mixed_load.py [--databases sqlite,postgres] [--offices 50] [--readers 20]
        [--writers 5] [--duration 30] [--cold 200,1000]

**Mixed load.** A fresh database (SQLite in a temporary directory; PostgreSQL as a throwaway
cluster, both as in ``web_load.py``) with a generated regency of ``--offices`` offices
(``sakip.core.generate``, 10 indicators, ``--years`` years), gunicorn with the production
settings and the deployment's ``sakip.web.gunicorn_conf`` (a worker per core, its threads; ``--workers`` and
``--threads`` override them, ``--threads 2,4`` and ``--src old/src,src`` compare on the same database).
``--writers`` operators, each
of their own office, save the quarterly entry page once a second (GET the page, change one
row's explanation, POST the whole form: the write path of the page, with its checks and its
invalidation); ``--readers`` readers meanwhile load, over keep-alive connections and without
pause, a random office dashboard (any of the offices, the writers' too), the regency dashboard
or the API's achievements of a random office. Read p50/p95/p99, errors (any answer not 200 for
a read, 500/503 for a write) and the saves done.

**First request after a change** (``--cold``, SQLite): a regency of N offices (10 indicators, one
year) and an office of 40 indicators; the time of ``sakip figures rebuild`` (every office-year
computed, as after a migration); then, gunicorn warm, one realisation saved in one office by
another process (its ``on_commit`` recomputation included in the save) and the first request
of the regency dashboard after it; the same for the 40-indicator office's own dashboard.

Standard library plus the project's own dependencies; the readers and writers are threads of
this process (on a 2-core machine they share the CPU with the server, as wrk does).
"""

from __future__ import annotations

import argparse
import http.client
import importlib.util
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
sys.path.insert(0, str(ROOT))

from tests.web.forms_support import form_fields  # noqa: E402  (the tests' reading of a form, as a browser)


def _load(name: str) -> Any:
    spec = importlib.util.spec_from_file_location(f"sakip_{name}", ROOT / "benchmarks" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


web_load = _load("web_load")
YEAR = 2025
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def say(message: str) -> None:
    print(f"[mixed_load] {message}", flush=True)


SETUP = """
import json, sys, django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
call_command("collectstatic", interactive=False, verbosity=0)
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from sakip.accounts.models import Membership, Office, Regency, Role
from sakip.api.models import ApiToken
from sakip.core.generate import Size, generate_regency
offices, indicators, years, writers, big = (int(a) for a in sys.argv[1:6])
generate_regency("uji", Size(offices=offices, indicators=indicators, years=years, start=2026 - years))
if big:
    generate_regency("besar", Size(offices=1, indicators=big, years=1, start=2025))

def session_of(name, regency, office, role):
    user, _ = get_user_model().objects.get_or_create(username=name)
    Membership.objects.update_or_create(user=user, defaults={"regency": regency, "office": office, "role": role})
    s = SessionStore()
    s[SESSION_KEY] = str(user.pk)
    s[BACKEND_SESSION_KEY] = "sakip.accounts.fast.UserBackend"  # the backend that reads users (not the lockout)
    s[HASH_SESSION_KEY] = user.get_session_auth_hash()
    s.create()
    return user, s.session_key

uji = Regency.objects.get(code="uji")
admin, session = session_of("bench-admin", uji, None, Role.ADMIN)
out = {"session": session, "token": ApiToken.issue(admin, "benchmark")[1], "writers": []}
for i in range(writers):
    office = Office.objects.get(regency=uji, code=f"opd-{i + 1:03d}")
    _u, s = session_of(f"bench-operator-{i}", uji, office, Role.OPERATOR)
    out["writers"].append({"session": s, "path": f"/opd/{office.code}/pengukuran/2025/tw/4/"})
if big:
    _u, s = session_of("bench-besar", Regency.objects.get(code="besar"), None, Role.ADMIN)
    out["big_session"] = s
print(json.dumps(out))
"""

#: one realisation changed by another process, as a save does (model signals, ``on_commit`` recomputation)
CHANGE = """
import sys, time, django
django.setup()
from decimal import Decimal
from django.db import transaction
from sakip.monitoring.models import Quarter
regency, code = sys.argv[1:3]
started = time.perf_counter()
with transaction.atomic():
    q = (Quarter.objects.filter(indicator_year__indicator__plan__office__regency__code=regency,
         indicator_year__indicator__plan__office__code=code, indicator_year__year=2025, quarter=4)
         .exclude(value=None).order_by("id").first())
    q.value = q.value + Decimal("1.5")
    q.save()
print(f"{time.perf_counter() - started:.3f}")
"""

REBUILD = [str(Path(PYTHON).with_name("sakip")), "figures", "rebuild"]


class Browser:
    """A keep-alive connection with its own cookies."""

    def __init__(self, base: str, session: str, headers: dict[str, str] | None = None) -> None:
        parts = urlsplit(base)
        self.base = base
        self.conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=120)
        self.cookies = {"sessionid": session}
        self.headers = headers or {}

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, str, float]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), "Host": "127.0.0.1",
                   **self.headers}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        for attempt in (1, 2):  # a keep-alive connection the server closed while idle: once more, on a new one
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                text = response.read().decode("utf-8", "replace")
                break
            except (OSError, http.client.HTTPException):
                self.conn.close()
                if attempt == 2:
                    return 0, "", time.perf_counter() - started
                started = time.perf_counter()
        elapsed = time.perf_counter() - started
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _eq, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, text, elapsed


def bench_env(database_url: str, data_dir: Path) -> dict[str, str]:
    # the benchmark's sessions are made in the database, without the second sign-in step of the regency roles
    return {**web_load.base_env(database_url, data_dir), "SAKIP_2FA_REQUIRED_ROLES": "-"}


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] * 1000


def reader_paths(offices: int) -> list[tuple[str, str]]:
    """(kind, path): office dashboards of every office, the regency dashboard, the API's achievements."""
    paths = [("office", f"/opd/opd-{i:03d}/?tahun={YEAR}") for i in range(1, offices + 1)]
    paths += [("regency", f"/pemda/?tahun={YEAR}")] * max(1, offices // 5)
    paths += [("api", f"/api/v1/offices/opd-{i:03d}/years/{YEAR}/achievements") for i in range(1, offices + 1, 5)]
    return paths


def reader(base: str, creds: dict[str, Any], paths: list[tuple[str, str]], index: int, until: float,
           out: dict[str, list[tuple[str, int, float]]]) -> None:
    rng = random.Random(index)
    page = Browser(base, creds["session"])
    api = Browser(base, "", {"Authorization": f"Bearer {creds['token']}"})
    got: list[tuple[str, int, float]] = []
    while time.monotonic() < until:
        kind, path = rng.choice(paths)
        status, _text, elapsed = (api if kind == "api" else page).request("GET", path)
        got.append((kind, status, elapsed))
    out[f"r{index}"] = got


VALUE = re.compile(r"-?[0-9]{1,3}(\.[0-9]{3})*(,[0-9]+)?")


def writer(base: str, who: dict[str, str], index: int, until: float, out: dict[str, Any]) -> None:
    browser = Browser(base, who["session"])
    rng = random.Random(1000 + index)
    statuses: Counter[int] = Counter()
    posts: list[float] = []
    n = 0
    while time.monotonic() < until:
        started = time.monotonic()
        status, html, _elapsed = browser.request("GET", who["path"])
        if status != 200:
            statuses[status] += 1
            time.sleep(1)
            continue
        form = form_fields(html, "entry-form")
        token = CSRF.search(html)
        rows = sorted(k for k in form if k.startswith("e-"))
        if token is None or not rows:
            raise SystemExit(f"no entry form on {who['path']}")
        n += 1
        changes = {rng.choice(rows): f"penjelasan {index}-{n}"}
        values = sorted(k for k in form if k.startswith("v-") and VALUE.fullmatch(str(form[k] or "")))
        if n % 2 and values:  # every other save changes a realisation too (its figures recomputed), not only a text
            key = rng.choice(values)
            old = Decimal(str(form[key]).replace(".", "").replace(",", "."))
            changes[key] = format(old + (Decimal("0.01") if n % 4 == 1 else Decimal("-0.01")), "f").replace(".", ",")
            changes["e-" + key[2:]] = f"penjelasan {index}-{n}"
        body = urlencode({**form, **changes, "csrfmiddlewaretoken": token.group(1)}, doseq=True)
        status, _html, elapsed = browser.request("POST", who["path"], body)
        statuses[status] += 1
        posts.append(elapsed)
        time.sleep(max(0.0, 1.0 - (time.monotonic() - started)))  # once a second
    out[f"w{index}"] = {"statuses": statuses, "posts": posts}


def mixed(database: str, database_url: str, args: argparse.Namespace) -> list[dict[str, Any]]:
    """One generated database; a run per source tree (``--src``) and thread count (``--threads``), alternating."""
    data_dir = Path(tempfile.mkdtemp(prefix="sakip-bench-data-"))
    try:
        env = bench_env(database_url, data_dir)
        started = time.perf_counter()
        out = subprocess.run([PYTHON, "-c", SETUP, str(args.offices), "10", str(args.years), str(args.writers), "0"],
                             env=env, check=True, capture_output=True, text=True)
        creds = json.loads(out.stdout.strip().splitlines()[-1])
        say(f"{database}: {args.offices} offices generated ({time.perf_counter() - started:.0f} s)")
        rows: list[dict[str, Any]] = []
        for _round in range(args.rounds):
            for src in args.src:
                for threads in args.threads:
                    rows += run_server(database, {**env, "PYTHONPATH": str(src)}, creds, threads, src, args)
        return rows
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def load_average() -> float:
    return os.getloadavg()[0]


def run_server(database: str, env: dict[str, str], creds: dict[str, Any], threads: int, src: Path,
               args: argparse.Namespace) -> list[dict[str, Any]]:
    """Gunicorn with ``src`` and ``threads``: warmed up, then the readers alone and the readers with the writers."""
    paths = reader_paths(args.offices)
    label = "" if src == ROOT / "src" else f" [{src}]"
    with web_load.gunicorn(env, args.workers, threads) as base:
        warm = Browser(base, creds["session"])
        api = Browser(base, "", {"Authorization": f"Bearer {creds['token']}"})
        started = time.perf_counter()
        for _ in range(args.workers * threads):  # every worker computes its pages once
            for kind, path in sorted(set(paths)):
                status, _t, _e = (api if kind == "api" else warm).request("GET", path)
                assert status == 200, (path, status)
        say(f"{database}: warm ({time.perf_counter() - started:.0f} s), "
            f"{args.workers} workers × {threads} threads{label}")
        results: list[dict[str, Any]] = []
        for writers in sorted({0, args.writers}) if not args.writers_only else [args.writers]:
            reads: dict[str, list[tuple[str, int, float]]] = {}
            writes: dict[str, Any] = {}
            load_before = load_average()
            until = time.monotonic() + args.duration
            threads_ = [threading.Thread(target=reader, args=(base, creds, paths, i, until, reads))
                        for i in range(args.readers)]
            threads_ += [threading.Thread(target=writer, args=(base, w, i, until, writes))
                         for i, w in enumerate(creds["writers"][:writers])]
            for t in threads_:
                t.start()
            for t in threads_:
                t.join()
            got = [r for g in reads.values() for r in g]
            row: dict[str, Any] = {"database": database, "src": str(src), "offices": args.offices,
                                   "readers": args.readers, "writers": writers, "workers": args.workers,
                                   "threads": threads, "reads": len(got),
                                   "read_errors": sum(1 for _k, s, _e in got if s != 200),
                                   "load": [round(load_before, 1), round(load_average(), 1)]}
            for kind in ("all", "office", "regency", "api"):
                times = [e for k, s, e in got if kind in ("all", k)]
                row[f"{kind}_p50"], row[f"{kind}_p95"], row[f"{kind}_p99"] = (
                    percentile(times, 50), percentile(times, 95), percentile(times, 99))
            statuses: Counter[int] = Counter()
            posts: list[float] = []
            for w in writes.values():
                statuses.update(w["statuses"])
                posts += w["posts"]
            row.update({"saves": statuses[302], "write_errors": statuses[500] + statuses[503] + statuses[0],
                        "write_other": {str(k): v for k, v in statuses.items() if k not in (302, 500, 503, 0)},
                        "post_p50": percentile(posts, 50), "post_p95": percentile(posts, 95)})
            results.append(row)
            say(f"{database:8} {threads} threads, {writers} writers: {row['reads']} reads, "
                f"p50 {row['all_p50']:.0f} ms, p95 {row['all_p95']:.0f} ms, p99 {row['all_p99']:.0f} ms "
                f"(office p95 {row['office_p95']:.0f}, "
                f"regency p95 {row['regency_p95']:.0f}, api p95 {row['api_p95']:.0f}); "
                f"read errors {row['read_errors']}; {row['saves']} saves (POST p50 {row['post_p50']:.0f} ms, "
                f"p95 {row['post_p95']:.0f} ms), write errors {row['write_errors']} {row['write_other']}; "
                f"load {row['load'][0]}→{row['load'][1]}{label}")
    return results


def cold(offices: int, args: argparse.Namespace) -> dict[str, Any]:
    """SQLite: ``sakip figures rebuild`` and the first requests after a change, at ``offices`` offices."""
    data_dir = Path(tempfile.mkdtemp(prefix="sakip-bench-data-"))
    try:
        env = bench_env(f"sqlite:///{data_dir}/sakip.sqlite3", data_dir)
        started = time.perf_counter()
        out = subprocess.run([PYTHON, "-c", SETUP, str(offices), "10", "1", "0", "40"], env=env, check=True,
                             capture_output=True, text=True)
        creds = json.loads(out.stdout.strip().splitlines()[-1])
        generated = time.perf_counter() - started
        started = time.perf_counter()
        subprocess.run(REBUILD, env=env, check=True, capture_output=True, text=True)
        rebuild = time.perf_counter() - started
        row: dict[str, Any] = {"offices": offices, "generate_s": generated, "rebuild_s": rebuild}
        with web_load.gunicorn(env, 1, 1) as base:  # one worker: the next request meets the change
            admin = Browser(base, creds["session"])
            big = Browser(base, creds["big_session"])
            regency_page, office_page = f"/pemda/?tahun={YEAR}", f"/opd/opd-001/?tahun={YEAR}"
            for _ in range(2):
                assert admin.request("GET", regency_page)[0] == 200
                assert big.request("GET", office_page)[0] == 200
            row["regency_kept_ms"] = admin.request("GET", regency_page)[2] * 1000
            row["office40_kept_ms"] = big.request("GET", office_page)[2] * 1000
            for target, browser, regency, code, path in (
                ("regency", admin, "uji", f"opd-{offices // 2:03d}", regency_page),
                ("office40", big, "besar", "opd-001", office_page),
            ):
                save = subprocess.run([PYTHON, "-c", CHANGE, regency, code], env=env, check=True,
                                      capture_output=True, text=True)
                row[f"{target}_save_s"] = float(save.stdout.strip().splitlines()[-1])
                status, _text, elapsed = browser.request("GET", path)
                assert status == 200, (path, status)
                row[f"{target}_first_after_change_ms"] = elapsed * 1000
        say(f"sqlite {offices} offices: generated {generated:.0f} s, rebuild {rebuild:.1f} s; regency dashboard "
            f"first after a change {row['regency_first_after_change_ms']:.0f} ms (kept {row['regency_kept_ms']:.1f}"
            f" ms, the save {row['regency_save_s'] * 1000:.0f} ms); office of 40 indicators first after a change "
            f"{row['office40_first_after_change_ms']:.0f} ms (kept {row['office40_kept_ms']:.1f} ms, the save "
            f"{row['office40_save_s'] * 1000:.0f} ms)")
        return row
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def gunicorn_conf() -> dict[str, Any]:
    """The deployment's gunicorn settings (`sakip.web.gunicorn_conf`, read with this environment)."""
    path = ROOT / "src" / "sakip" / "web" / "gunicorn_conf.py"
    spec = importlib.util.spec_from_file_location("sakip_gunicorn_conf", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return {"workers": int(module.workers), "threads": int(module.threads)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--offices", type=int, default=50)
    parser.add_argument("--years", type=int, default=2)
    parser.add_argument("--readers", type=int, default=20)
    parser.add_argument("--writers", type=int, default=5)
    parser.add_argument("--duration", type=float, default=30, help="seconds per run (no writer, then the writers)")
    parser.add_argument("--workers", type=int, default=None,
                        help="gunicorn workers (default: sakip.web.gunicorn_conf's, as deployed)")
    parser.add_argument("--threads", default=None,
                        help="threads per worker, or several to compare: 2,4,8 (default: sakip.web.gunicorn_conf's)")
    parser.add_argument("--src", default=str(ROOT / "src"),
                        help="the source tree(s) served, comma-separated: another checkout's src/ to compare (each "
                             "run on the same database, one after the other)")
    parser.add_argument("--rounds", type=int, default=1, help="runs of every --src × --threads, alternating")
    parser.add_argument("--writers-only", action="store_true", help="no run without writers")
    parser.add_argument("--cold", default="200,1000", help="office counts for the first-request figures ('' none)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    conf = gunicorn_conf()
    args.workers = args.workers or conf["workers"]
    args.threads = [int(t) for t in args.threads.split(",")] if args.threads else [conf["threads"]]
    args.src = [Path(p).resolve() for p in args.src.split(",") if p.strip()]
    results: dict[str, Any] = {"mixed": [], "cold": []}
    for database in [d.strip() for d in args.databases.split(",") if d.strip()]:
        if database == "sqlite":
            data = Path(tempfile.mkdtemp(prefix="sakip-bench-db-"))
            try:
                results["mixed"].extend(mixed(database, f"sqlite:///{data}/sakip.sqlite3", args))
            finally:
                shutil.rmtree(data, ignore_errors=True)
        elif database == "postgres":
            with web_load.postgres() as url:
                results["mixed"].extend(mixed(database, url, args))
        else:
            raise SystemExit(f"unknown database {database!r}")
    for n in [int(x) for x in args.cold.split(",") if x.strip()]:
        results["cold"].append(cold(n, args))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str))
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
