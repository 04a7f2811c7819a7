"""Concurrent writers (issue #10, "no lost update, no race"): N people save the quarterly entry at the same time.

    .venv/bin/python benchmarks/concurrent_writes.py [--databases sqlite,postgres] [--writers 8] [--duration 20]

For each database it makes a fresh database (SQLite in a temporary directory; PostgreSQL as a
throwaway cluster, both as in ``web_load.py``), migrates it, loads the demo regency
(``sakip.core.demo.setup_demo``: three offices) and signs in ``--writers`` operators per
scenario. It starts gunicorn with the production settings (``--workers`` × ``--threads``) and
runs two scenarios of ``--duration`` seconds each:

* **one page** — every writer on the same page (Kecamatan Kaloran, TW IV): the worst case;
* **three offices** — writer *i* on the TW IV page of office *i* mod 3.

Each writer is a browser-like loop over one keep-alive connection: GET the page, change the
explanation of one of its rows (a text unique to the writer and the save), POST the whole
form, and again. It counts the answers — 302 saved, 409 refused as stale (nothing stored;
the writer loads the page again and makes its change again), 200 with form errors, 503
busy, 500 — and times the POSTs.

**Lost updates** are counted from the audit trail: every save records the explanation it
replaced; a save the server accepted must have replaced exactly the text its page showed.
A save that replaced anything else overwrote a change its writer never saw — a lost update.

The table ends with "ok" when no request answered 500 or 503 and no update was lost (exit
code 1 otherwise). Needs the ``postgresql`` Debian package for PostgreSQL.
"""

from __future__ import annotations

import argparse
import http.client
import importlib.util
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
sys.path.insert(0, str(ROOT))

from tests.web.forms_support import form_fields  # noqa: E402  (the tests' reading of a form, as a browser)


def _web_load() -> Any:
    """``web_load.py``'s database, environment and gunicorn helpers."""
    spec = importlib.util.spec_from_file_location("sakip_web_load", ROOT / "benchmarks" / "web_load.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


web_load = _web_load()
OFFICES = ("kaloran", "kaliwates", "kandangserang")
SCENARIOS = {"one page": lambda i: OFFICES[0], "three offices": lambda i: OFFICES[i % 3]}
QUARTER = 4


def say(message: str) -> None:
    print(f"[concurrent_writes] {message}", flush=True)


SETUP = """
import json, sys, django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
call_command("collectstatic", interactive=False, verbosity=0)
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from sakip.accounts.models import Membership, Office, Role
from sakip.core.demo import setup_demo
from sakip.core.services import reporting_year
setup_demo()
plan = json.loads(sys.argv[1])  # scenario -> [office code per writer]
out = {}
for scenario, offices in plan.items():
    out[scenario] = []
    for i, code in enumerate(offices):
        office = Office.objects.get(code=code)
        user, _ = get_user_model().objects.get_or_create(username=f"{scenario.replace(' ', '-')}-{i}")
        Membership.objects.update_or_create(user=user, defaults={"regency": office.regency, "office": office,
                                                                 "role": Role.OPERATOR})
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        out[scenario].append({"user": user.username, "session": session.session_key,
                              "path": f"/opd/{code}/pengukuran/{reporting_year(office)}/tw/%d/" % QUARTER})
print(json.dumps(out))
""".replace("QUARTER", str(QUARTER))

AUDIT = """
import json, sys, django
django.setup()
from sakip.audit.models import AuditEntry
users = json.loads(sys.argv[1])
out = {}
for user_name, changes in AuditEntry.objects.filter(model="monitoring.IndicatorYear", user_name__in=users,
                                                    action="update").values_list("user_name", "changes"):
    pair = changes.get("explanation")
    if pair:
        out[pair[1]] = pair[0]
print(json.dumps(out))
"""


class Browser:
    """One writer: a keep-alive connection with its own cookies."""

    def __init__(self, base: str, session: str) -> None:
        parts = urlsplit(base)
        self.conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=120)
        self.cookies = {"sessionid": session}

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, str, float]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), "Host": "127.0.0.1"}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        elapsed = time.perf_counter() - started
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _eq, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, text, elapsed


CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def writer(base: str, who: dict[str, str], index: int, until: float, out: dict[str, Any]) -> None:
    browser = Browser(base, who["session"])
    rng = random.Random(index)
    statuses: Counter[int] = Counter()
    post_times: list[float] = []
    get_times: list[float] = []
    saves: list[tuple[str, str]] = []  # (text written, text the page showed)
    n = 0
    while time.monotonic() < until:
        status, html, elapsed = browser.request("GET", who["path"])
        get_times.append(elapsed)
        if status != 200:
            statuses[status] += 1
            continue
        form = form_fields(html, "entry-form")
        token = CSRF.search(html)
        rows = sorted(k for k in form if k.startswith("e-"))
        if token is None or not rows:
            raise SystemExit(f"no entry form on {who['path']}")
        field = rng.choice(rows)
        n += 1
        text = f"{who['user']} simpan {n}"
        status, html, elapsed = browser.request(
            "POST", who["path"], urlencode({**form, field: text, "csrfmiddlewaretoken": token.group(1)}, doseq=True)
        )
        post_times.append(elapsed)
        statuses[status] += 1
        if status == 302:
            saves.append((text, form[field]))
        # after a 409 (nothing stored) the writer loads the page again and makes its change again
    out[who["user"]] = {"statuses": statuses, "post": post_times, "get": get_times, "saves": saves}


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] * 1000


def run_scenario(base: str, writers: list[dict[str, str]], duration: float) -> dict[str, Any]:
    out: dict[str, Any] = {}
    until = time.monotonic() + duration
    threads = [threading.Thread(target=writer, args=(base, w, i, until, out)) for i, w in enumerate(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    statuses: Counter[int] = Counter()
    posts: list[float] = []
    gets: list[float] = []
    for r in out.values():
        statuses.update(r["statuses"])
        posts += r["post"]
        gets += r["get"]
    return {"statuses": statuses, "post": posts, "get": gets, "saves": [s for r in out.values() for s in r["saves"]]}


def lost_updates(env: dict[str, str], users: list[str], saves: list[tuple[str, str]]) -> int:
    out = subprocess.run([PYTHON, "-c", AUDIT, json.dumps(users)], env=env, check=True, capture_output=True, text=True)
    replaced = json.loads(out.stdout.strip().splitlines()[-1])
    missing = [text for text, _seen in saves if text not in replaced]
    if missing:
        raise SystemExit(f"{len(missing)} saves answered 302 without an audit entry, e.g. {missing[0]!r}")
    return sum(1 for text, seen in saves if (replaced[text] or "") != seen)


def bench(database: str, database_url: str, args: argparse.Namespace) -> list[dict[str, Any]]:
    data_dir = Path(tempfile.mkdtemp(prefix="sakip-bench-data-"))
    try:
        env = web_load.base_env(database_url, data_dir)
        plan = {name: [office(i) for i in range(args.writers)] for name, office in SCENARIOS.items()}
        started = time.perf_counter()
        out = subprocess.run([PYTHON, "-c", SETUP, json.dumps(plan)], env=env, check=True, capture_output=True,
                             text=True)
        say(f"{database}: migrated, demo loaded, {2 * args.writers} writers signed in "
            f"({time.perf_counter() - started:.1f} s)")
        writers = json.loads(out.stdout.strip().splitlines()[-1])
        results = []
        with web_load.gunicorn(env, args.workers, args.threads) as base:
            for name in SCENARIOS:
                for w in writers[name]:  # warm: every worker has the page's figures once
                    Browser(base, w["session"]).request("GET", w["path"])
                r = run_scenario(base, writers[name], args.duration)
                lost = lost_updates(env, [w["user"] for w in writers[name]], r["saves"])
                s = r["statuses"]
                row = {
                    "database": database, "scenario": name, "writers": args.writers, "posts": sum(s.values()),
                    "saved": s[302], "stale_409": s[409], "form_200": s[200], "busy_503": s[503], "error_500": s[500],
                    "other": sum(v for k, v in s.items() if k not in (200, 302, 409, 500, 503)),
                    "lost_updates": lost, "post_p50": percentile(r["post"], 50), "post_p95": percentile(r["post"], 95),
                    "post_max": percentile(r["post"], 100), "get_p95": percentile(r["get"], 95),
                    "seconds": args.duration,
                }
                results.append(row)
                say(f"{database:8} {name:13} {row['posts']} POST: {row['saved']} saved, {row['stale_409']} × 409, "
                    f"{row['form_200']} × 200, {row['busy_503']} × 503, {row['error_500']} × 500; lost {lost}; "
                    f"POST p50 {row['post_p50']:.0f} ms p95 {row['post_p95']:.0f} ms")
        return results
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--duration", type=float, default=20, help="seconds per scenario")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    results: list[dict[str, Any]] = []
    for database in args.databases.split(","):
        if database == "sqlite":
            with tempfile.TemporaryDirectory(prefix="sakip-bench-") as tmp:
                results += bench("sqlite", f"sqlite:///{tmp}/bench.sqlite3", args)
        elif database == "postgres":
            with web_load.postgres() as url:
                results += bench("postgres", url, args)
        else:
            raise SystemExit(f"unknown database {database!r}")
    print()
    print(f"{'database':9} {'scenario':13} {'POSTs':>6} {'saved':>6} {'409':>5} {'200':>4} {'503':>4} {'500':>4} "
          f"{'lost':>4} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} {'GET p95':>8}")
    bad = 0
    for r in results:
        ok = not (r["busy_503"] or r["error_500"] or r["lost_updates"] or r["other"])
        bad += not ok
        print(f"{r['database']:9} {r['scenario']:13} {r['posts']:6} {r['saved']:6} {r['stale_409']:5} "
              f"{r['form_200']:4} {r['busy_503']:4} {r['error_500']:4} {r['lost_updates']:4} {r['post_p50']:7.0f} "
              f"{r['post_p95']:7.0f} {r['post_max']:7.0f} {r['get_p95']:8.0f}  {'ok' if ok else 'NOT OK'}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=str))
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
