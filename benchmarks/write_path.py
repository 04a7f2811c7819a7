"""The write path (issue #12): the CPU of one quarterly save, of its recomputation, and the first page after it.

    .venv/bin/python benchmarks/write_path.py [--databases sqlite,postgres] [--indicators 20] [--saves 40]
        [--change value|explanation]

For each database a fresh one (SQLite in a temporary directory; PostgreSQL as a throwaway cluster,
as in ``web_load.py``) with a generated regency of 3 offices × ``--indicators`` indicators (one year).
Then, in one process with the production settings and Django's test client (the web worker's own
CPU, measured with ``time.process_time``; PostgreSQL's server CPU is not included — it is another
process), an operator of one office:

* **save**: GET the quarterly entry page, change one row's realisation and explanation (``--change
  explanation``: the explanation only), POST the whole form — the
  page's write path with its checks (`core.web.atomic_checked`), its invalidation and its audit —
  with the recomputation after the commit switched off (``SAKIP_KEPT_AFTER_COMMIT=0``). The POST's
  CPU and wall time, ``--saves`` times; the target is ≤ 30 ms CPU for 20 indicators.
* **save + recomputation**: the same with the kept figures recomputed after the commit in the
  request (as the background thread does in production: the CPU the process spends per save).
* **first page after a save**: the office dashboard's first request after each save.

Median and p90 are printed per database; standard library plus the project's dependencies.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _load(name: str) -> Any:
    spec = importlib.util.spec_from_file_location(f"sakip_{name}", ROOT / "benchmarks" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


VALUE = re.compile(r"-?[0-9]{1,3}(\.[0-9]{3})*(,[0-9]+)?")


def say(message: str) -> None:
    print(f"[write_path] {message}", flush=True)


def quantiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {"median": statistics.median(ordered), "p90": ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))]}


def child(indicators: int, saves: int, change: str) -> dict[str, Any]:
    """In the child process (DATABASE_URL and the production settings in its environment)."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import override_settings
    from tests.web.forms_support import form_fields

    from sakip.accounts.models import Membership, Office, Regency, Role
    from sakip.core.generate import Size, generate_regency

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    generate_regency("uji", Size(offices=3, indicators=indicators, years=1, start=2025))
    regency = Regency.objects.get(code="uji")
    office = Office.objects.get(regency=regency, code="opd-001")
    user, _ = get_user_model().objects.get_or_create(username="bench-operator")
    Membership.objects.update_or_create(user=user, defaults={"regency": regency, "office": office,
                                                             "role": Role.OPERATOR})
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    entry, dashboard = "/opd/opd-001/pengukuran/2025/tw/2/", "/opd/opd-001/?tahun=2025"

    def save(n: int) -> tuple[float, float]:
        page = client.get(entry)
        assert page.status_code == 200, page.status_code
        form = form_fields(page.content.decode(), "entry-form")
        rows = sorted(k for k in form if k.startswith("e-"))
        form[rows[n % len(rows)]] = f"penjelasan {n}"
        if change == "value":  # a realisation too: its figures change (the kept figures and the regency's pages)
            values = sorted(k for k in form if k.startswith("v-") and VALUE.fullmatch(str(form[k] or "")))
            key = values[n % len(values)]
            old = Decimal(str(form[key]).replace(".", "").replace(",", "."))
            form[key] = format(old + (Decimal("0.01") if n % 2 else Decimal("-0.01")), "f").replace(".", ",")
            form["e-" + key[2:]] = f"penjelasan {n}"
        wall, cpu = time.perf_counter(), time.process_time()
        answer = client.post(entry, form)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        assert answer.status_code == 302, answer.status_code  # saved: back to the page
        return cpu * 1000, wall * 1000

    out: dict[str, Any] = {}
    for name, after_commit in (("save", False), ("save_and_recompute", True)):
        with override_settings(SAKIP_KEPT_AFTER_COMMIT=after_commit, SAKIP_KEPT_BACKGROUND=False):
            for n in range(3):  # warm: the first save builds what the process keeps
                save(n)
            cpu, wall, first = [], [], []
            for n in range(saves):
                c, w = save(100 + n)
                cpu.append(c)
                wall.append(w)
                started = time.perf_counter()
                assert client.get(dashboard).status_code == 200
                first.append((time.perf_counter() - started) * 1000)
            out[name] = {"cpu_ms": quantiles(cpu), "wall_ms": quantiles(wall), "first_dashboard_ms": quantiles(first)}
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--indicators", type=int, default=20)
    parser.add_argument("--saves", type=int, default=40)
    parser.add_argument("--change", choices=("value", "explanation"), default="value",
                        help="what each save changes: a realisation and its explanation, or an explanation only")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.indicators, args.saves, args.change)))
        return 0
    web_load = _load("web_load")
    results: dict[str, Any] = {}

    def run(url: str, data_dir: Path) -> dict[str, Any]:
        env = {**web_load.base_env(url, data_dir), "SAKIP_2FA_REQUIRED_ROLES": "-",
               "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
        command = [sys.executable, __file__, "--child", "--indicators", str(args.indicators),
                   "--saves", str(args.saves), "--change", args.change]
        done = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
        return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]

    for database in [d.strip() for d in args.databases.split(",") if d.strip()]:
        data_dir = Path(tempfile.mkdtemp(prefix="sakip-bench-write-"))
        try:
            if database == "sqlite":
                results[database] = run(f"sqlite:///{data_dir}/sakip.sqlite3", data_dir)
            else:
                with web_load.postgres() as url:
                    results[database] = run(url, data_dir)
        finally:
            shutil.rmtree(data_dir, ignore_errors=True)
        r = results[database]
        say(f"{database}, {args.indicators} indicators, {args.change} changed: "
            f"one save {r['save']['cpu_ms']['median']:.1f} ms CPU "
            f"(p90 {r['save']['cpu_ms']['p90']:.1f}; wall {r['save']['wall_ms']['median']:.1f} ms) — target ≤ 30 ms; "
            f"with its recomputation {r['save_and_recompute']['cpu_ms']['median']:.1f} ms CPU "
            f"(p90 {r['save_and_recompute']['cpu_ms']['p90']:.1f}); office dashboard first after a save "
            f"{r['save_and_recompute']['first_dashboard_ms']['median']:.1f} ms "
            f"(p90 {r['save_and_recompute']['first_dashboard_ms']['p90']:.1f})")
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
