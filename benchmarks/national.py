"""National scale on PostgreSQL (issue #12): rankings, the oversight pages, the database size and one
regency recomputed through the domain, over the synthetic data of `benchmarks/national_data.py`.

Starts a throwaway PostgreSQL server the way the tests do (``.ci/testrun.py``'s ``postgres_cluster``),
migrates it, generates the data with SQL, then measures (each figure: the median and the worst of
``--runs`` runs after one warm-up, in seconds):

* ``office_ranking_page``: the national ranking of offices for a year and quarter — its first page of 50
  and the count behind the paginator (what the oversight view reads);
* ``office_ranking_all``: every office of the nation ranked, all rows fetched;
* ``regency_ranking``: the regencies ranked by their offices' mean (first page and count);
* ``predicates``: the office and indicator predicate distributions;
* ``overview_page_national`` / ``overview_page_province``: the oversight page, end to end (Django's test
  client: URL, access check, every query, the template);
* ``office_page``: one office's oversight page (its kept figures, 20 indicators);
* ``recompute_regency``: one regency's offices recomputed through the domain (`kept_figures.rebuild`,
  what ``sakip figures rebuild --regency`` runs) after a change of its settings made them dirty;
* the database size and the largest tables.

Usage::

    .venv/bin/python benchmarks/national.py --regencies 50            # a tenth of the nation
    .venv/bin/python benchmarks/national.py                            # the full scale (27,500 offices)
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))


def say(message: str) -> None:
    print(f"[national] {message}", flush=True)


def testrun() -> Any:
    """.ci/testrun.py as a module (its throwaway PostgreSQL cluster)."""
    spec = importlib.util.spec_from_file_location("sakip_testrun", ROOT / ".ci" / "testrun.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def timed(fn: Callable[[], Any], runs: int) -> dict[str, float]:
    fn()  # warm-up
    took = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        took.append(time.perf_counter() - started)
    return {"median": round(statistics.median(took), 4), "max": round(max(took), 4)}


def measure(scale: Any, runs: int) -> dict[str, Any]:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.db.models import F
    from django.test import Client

    from sakip.accounts.models import Office, Oversight, OversightRole, Province, Regency
    from sakip.core.services import office_years
    from sakip.province import queries
    from sakip.regency import kept_figures
    from sakip.regency.models import KeptOfficeYear

    year, quarter = scale.start + 2, 2
    scope = queries.Scope(None)
    out: dict[str, Any] = {"year": year, "quarter": quarter}

    out["office_ranking_page"] = timed(
        lambda: (list(queries.office_ranking(scope, year, quarter)[:50]), queries.office_ranking(scope, year,
                                                                                                  quarter).count()),
        runs,
    )
    out["office_ranking_all"] = timed(lambda: len(list(queries.office_ranking(scope, year, quarter))), runs)
    out["regency_ranking"] = timed(
        lambda: (list(queries.regency_ranking(scope, year, quarter)[:50]),
                 queries.regency_ranking(scope, year, quarter).count()),
        runs,
    )
    out["predicates"] = timed(
        lambda: (queries.office_predicates(scope, year, quarter), queries.indicator_predicates(scope, year, quarter)),
        runs,
    )
    with connection.cursor() as cursor:
        qs = queries.office_ranking(scope, year, quarter)[:50]
        sql, params = qs.query.sql_with_params()
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        out["office_ranking_plan"] = [r[0] for r in cursor.fetchall()]

    User = get_user_model()
    national, _ = User.objects.get_or_create(username="bench-national")
    Oversight.objects.get_or_create(user=national, defaults={"role": OversightRole.NATIONAL})
    provincial, _ = User.objects.get_or_create(username="bench-province")
    province = Province.objects.get(code="nat-p01")
    Oversight.objects.get_or_create(user=provincial, defaults={"role": OversightRole.PROVINCE, "province": province})

    def page(user: Any, url: str) -> Callable[[], None]:
        client = Client()
        client.force_login(user)

        def get() -> None:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        return get

    query = f"?tahun={year}&triwulan={quarter}"
    out["overview_page_national"] = timed(page(national, "/pengawasan/" + query), runs)
    out["overview_page_national_page_100"] = timed(page(national, "/pengawasan/" + query + "&hal=100"), runs)
    out["overview_page_province"] = timed(page(provincial, "/pengawasan/" + query), runs)
    office = Office.objects.select_related("regency").filter(regency__code="nat-r0001").order_by("code")[0]
    out["office_page"] = timed(page(national, f"/pengawasan/{office.regency.code}/{office.code}/{query}"), runs)

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        out["database_bytes"] = cursor.fetchone()[0]
        cursor.execute(
            "SELECT relname, pg_total_relation_size(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = "
            "c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY 2 DESC LIMIT 8"
        )
        out["largest_tables_bytes"] = dict(cursor.fetchall())

    # one regency recomputed through the domain, as after a change of its scale (every office-year dirty)
    regency = Regency.objects.get(code="nat-r0001")
    offices = list(Office.objects.select_related("regency").filter(regency=regency).order_by("code"))
    KeptOfficeYear.objects.filter(office__regency=regency).update(changes=F("changes") + 1)
    started = time.perf_counter()
    done = kept_figures.rebuild(offices, office_years)
    took = time.perf_counter() - started
    out["recompute_regency"] = {
        "offices": len(offices), "office_years": done, "seconds": round(took, 1),
        "per_office_year": round(took / max(done, 1), 3),
    }
    return out


def main(argv: list[str]) -> int:
    import national_data

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--provinces", type=int, default=national_data.FULL.provinces)
    parser.add_argument("--regencies", type=int, default=national_data.FULL.regencies)
    parser.add_argument("--offices", type=int, default=national_data.FULL.offices, help="per regency")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--output", type=Path, help="write the figures as JSON here too")
    args = parser.parse_args(argv)
    scale = national_data.Scale(min(args.provinces, args.regencies), args.regencies, args.offices)
    with testrun().postgres_cluster() as url, tempfile.TemporaryDirectory() as data_dir:
        import psycopg

        server = url.rsplit("/", 1)[0].replace("postgres://", "postgresql://")
        with psycopg.connect(server + "/postgres", autocommit=True) as conn:
            conn.execute("CREATE DATABASE sakip")
        os.environ.update(DATABASE_URL=url, DJANGO_SETTINGS_MODULE="sakip.web.settings", SAKIP_DATA_DIR=data_dir)
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT version()")
            say(cursor.fetchone()[0])
        call_command("migrate", verbosity=0)
        say(f"generating {scale.total_offices:,} offices in {scale.regencies} regencies, {scale.provinces} provinces")
        started = time.perf_counter()
        timings = national_data.generate(connection, scale, say=say)
        generated = round(time.perf_counter() - started, 1)
        say(f"generated in {generated} s")
        figures = {"scale": scale.__dict__, "generate_seconds": generated,
                   "generate_by_table": {k: round(v, 1) for k, v in timings.items()}, **measure(scale, args.runs)}
        text = json.dumps(figures, indent=2, default=str)
        print(text)
        if args.output:
            args.output.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
