"""Background jobs (issue #16): a PDF job end to end, and office pages while a 50-office batch runs on the worker.

    .venv/bin/python benchmarks/jobs.py [--offices 50] [--pdfs 3] [--readers 4] [--kinds lkjip,pk]
        [--formats docx] [--database sqlite|postgres]

A fresh database (SQLite in a temporary directory, or a throwaway PostgreSQL cluster as in ``web_load.py``)
with a generated regency of ``--offices`` offices (``sakip.core.generate``), gunicorn with the production
settings (2 workers × 2 threads) and one ``sakip worker`` process — the production layout on one machine.

**PDF end to end.** An office's Perjanjian Kinerja as PDF, asked over HTTP as a browser does: the download
(302 to the job's page), the job's status polled every 0.2 s until it is done, then the file; the time from
the first request to the last byte, for ``--pdfs`` offices one after the other; and the same download again
(the data unchanged: the cached file at once).

**Office pages during a batch.** ``--readers`` threads load random office dashboards, over keep-alive
connections without pause: for ``--baseline`` seconds with the worker idle, then while the regency batch
(``--kinds`` in ``--formats`` of every office) runs on the worker, until it is done. p50/p95 of both, the
batch's duration, and the load average (the machine is shared: figures move with it).
"""

from __future__ import annotations

import argparse
import contextlib
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
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def _load(name: str) -> Any:
    spec = importlib.util.spec_from_file_location(f"sakip_{name}", ROOT / "benchmarks" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


web_load = _load("web_load")
mixed_load = _load("mixed_load")
Browser = mixed_load.Browser
percentile = mixed_load.percentile
YEAR = 2025
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def say(message: str) -> None:
    print(f"[jobs] {message}", flush=True)


#: web_load's set-up (the signed-in admin session) on a regency with one year of data: quicker to generate
SETUP = web_load.SETUP.replace(
    "size = Size(offices=int(sys.argv[1]))", "size = Size(offices=int(sys.argv[1]), years=1, start=2025)"
)
assert SETUP != web_load.SETUP


def setup_database(env: dict[str, str], offices: int) -> dict[str, str]:
    started = time.perf_counter()
    out = subprocess.run([PYTHON, "-c", SETUP, str(offices)], env=env, check=True, capture_output=True, text=True)
    say(f"migrated and generated {offices} offices (one year) in {time.perf_counter() - started:.0f} s")
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


@contextlib.contextmanager
def worker(env: dict[str, str]) -> Iterator[subprocess.Popen[bytes]]:
    proc = subprocess.Popen([str(Path(PYTHON).with_name("sakip")), "worker", "--interval", "0.2"], env=env, cwd=ROOT)
    try:
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()


def pdf_end_to_end(base: str, session: str, office: str) -> dict[str, float]:
    b = Browser(base, session)
    started = time.perf_counter()
    b.conn.request("GET", f"/opd/{office}/dokumen/{YEAR}/pk.pdf", headers=_headers(b))
    r = b.conn.getresponse()
    r.read()
    job = r.getheader("Location") or ""  # the job's page («Dokumen sedang disiapkan…»)
    assert r.status == 302, r.status
    assert re.fullmatch(r"/tugas/\d+/", job), job
    polls = 0
    while True:
        status, text, _e = b.request("GET", job + "status/")
        polls += 1
        if 'data-status="done"' in text:
            break
        if 'data-status="failed"' in text:
            raise SystemExit(f"PDF job failed: {text[:500]}")
        time.sleep(0.2)
    status, text, _e = b.request("GET", job + "unduh/")
    assert status == 200, status
    total = time.perf_counter() - started
    started = time.perf_counter()
    status, _text, _e = b.request("GET", f"/opd/{office}/dokumen/{YEAR}/pk.pdf")
    cached = time.perf_counter() - started
    assert status == 200, status
    return {"end_to_end_s": total, "cached_s": cached, "polls": polls}


def _headers(b: Any) -> dict[str, str]:
    return {"Cookie": "; ".join(f"{k}={v}" for k, v in b.cookies.items()), "Host": "127.0.0.1"}


def readers(base: str, session: str, offices: int, n: int, stop: threading.Event) -> list[float]:
    times: list[float] = []
    lock = threading.Lock()

    def read(index: int) -> None:
        rng = random.Random(index)
        b = Browser(base, session)
        while not stop.is_set():
            status, _t, elapsed = b.request("GET", f"/opd/opd-{rng.randint(1, offices):03d}/?tahun={YEAR}")
            if status == 200:
                with lock:
                    times.append(elapsed)

    threads = [threading.Thread(target=read, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    stop.wait()
    for t in threads:
        t.join()
    return times


def run(args: argparse.Namespace, database_url: str) -> dict[str, Any]:
    data_dir = Path(tempfile.mkdtemp(prefix="sakip-bench-jobs-"))
    try:
        env = {**mixed_load.bench_env(database_url, data_dir), "SAKIP_TASKS_BACKEND": "database"}
        creds = setup_database(env, args.offices)
        session = creds["session"]
        out: dict[str, Any] = {"offices": args.offices, "database": args.database}
        with web_load.gunicorn(env, 2, 2) as base, worker(env):
            warm = Browser(base, session)
            for i in range(1, args.offices + 1):  # every office page computed once (both gunicorn workers)
                for _ in range(2):
                    warm.request("GET", f"/opd/opd-{i:03d}/?tahun={YEAR}")
            pdfs = [pdf_end_to_end(base, session, f"opd-{i:03d}") for i in range(1, args.pdfs + 1)]
            out["pdf"] = pdfs
            say("PDF end to end: " + ", ".join(f"{p['end_to_end_s']:.2f} s" for p in pdfs)
                + "; cached: " + ", ".join(f"{p['cached_s'] * 1000:.0f} ms" for p in pdfs))

            stop = threading.Event()
            got: dict[str, list[float]] = {}
            t = threading.Thread(target=lambda: got.setdefault("t", readers(base, session, args.offices,
                                                                             args.readers, stop)))
            t.start()
            time.sleep(args.baseline)
            stop.set()
            t.join()
            idle = got["t"]
            out["idle"] = {"reads": len(idle), "p50_ms": percentile(idle, 50), "p95_ms": percentile(idle, 95)}
            say(f"office pages, worker idle: {len(idle)} reads, p50 {out['idle']['p50_ms']:.0f} ms, "
                f"p95 {out['idle']['p95_ms']:.0f} ms")

            b = Browser(base, session)
            status, html, _e = b.request("GET", "/dokumen/massal/")
            token = CSRF.search(html)
            assert status == 200 and token, status
            form = [("csrfmiddlewaretoken", token.group(1)), ("year", str(YEAR))]
            form += [("kinds", k) for k in args.kinds.split(",")] + [("formats", f) for f in args.formats.split(",")]
            stop = threading.Event()
            got = {}
            t = threading.Thread(target=lambda: got.setdefault("t", readers(base, session, args.offices,
                                                                             args.readers, stop)))
            t.start()
            started = time.perf_counter()
            status, _h, _e = b.request("POST", "/dokumen/massal/", urlencode(form))
            assert status == 302, status
            post_s = time.perf_counter() - started
            load: list[float] = []
            while True:
                time.sleep(1)
                load.append(os.getloadavg()[0])
                _s, html, _e = b.request("GET", "/dokumen/massal/")
                first = re.search(r'href="/dokumen/massal/(\d+)/"', html)
                assert first
                _s, status_html, _e = b.request("GET", f"/dokumen/massal/{first.group(1)}/status/")
                if 'data-status="done"' in status_html or 'data-status="failed"' in status_html:
                    break
            batch_s = time.perf_counter() - started
            stop.set()
            t.join()
            busy = got["t"]
            out["batch"] = {"kinds": args.kinds, "formats": args.formats, "post_ms": post_s * 1000,
                            "batch_s": batch_s, "done": 'data-status="done"' in status_html,
                            "reads": len(busy), "p50_ms": percentile(busy, 50), "p95_ms": percentile(busy, 95),
                            "load_avg_1m_max": max(load) if load else None}
            say(f"batch of {args.offices} offices ({args.kinds} as {args.formats}): POST {post_s * 1000:.0f} ms, "
                f"done in {batch_s:.0f} s; office pages meanwhile: {len(busy)} reads, "
                f"p50 {out['batch']['p50_ms']:.0f} ms, p95 {out['batch']['p95_ms']:.0f} ms; "
                f"1-min load average up to {out['batch']['load_avg_1m_max']:.2f}")
        out["load_avg_after"] = os.getloadavg()
        return out
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--offices", type=int, default=50)
    p.add_argument("--pdfs", type=int, default=3)
    p.add_argument("--readers", type=int, default=4)
    p.add_argument("--baseline", type=float, default=20.0, help="seconds of reads with the worker idle")
    p.add_argument("--kinds", default="lkjip,pk")
    p.add_argument("--formats", default="docx")
    p.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    p.add_argument("--json", action="store_true")
    args = p.parse_args()
    say(f"load average before: {os.getloadavg()}")
    if args.database == "postgres":
        with web_load.postgres() as url:
            out = run(args, url)
    else:
        scratch = Path(tempfile.mkdtemp(prefix="sakip-bench-db-"))
        try:
            out = run(args, f"sqlite:///{scratch}/sakip.sqlite3")
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    if args.json:
        print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
