"""Workflow and audit benchmark: `.venv/bin/python benchmarks/workflow_audit.py [--offices 50]`.

A throwaway SQLite database (temporary directory) gets a generated regency
(`sakip.core.generate`, default 50 offices × 10 indicators × 5 years). Measured:

* the cost of the audit trail on a whole-office import (the generated regency imported
  with the audit signals on, then again into a second regency with them off);
* 500 single-row updates of a quarterly realisation, each in its own transaction as an edit
  page saves, audit on and off;
* the inbox (`/kotak-masuk/`) and the overdue list (`/pemda/terlambat/`) for the regency's
  administrator: time per request and number of queries, with every office's PK and TW I–III
  verified (so the inbox lists 4 × offices rows).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offices", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["SAKIP_DATA_DIR"] = str(Path(tmp))
        os.environ.pop("DATABASE_URL", None)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sakip.web.settings")
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
        run(args.offices)


def _signals(on: bool) -> None:
    from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

    from sakip.audit.recorder import connect

    if on:
        connect()
        return
    for signal, name in (
        (pre_save, "pre_save"),
        (post_save, "post_save"),
        (pre_delete, "pre_delete"),
        (post_delete, "post_delete"),
    ):
        signal.disconnect(dispatch_uid=f"sakip_audit_{name}")


def run(offices: int) -> None:
    from django.db import connection, transaction
    from django.test import Client
    from django.urls import reverse

    from sakip.accounts.models import Office
    from sakip.audit.models import AuditEntry
    from sakip.core.generate import Size, generate_regency
    from sakip.monitoring.models import Quarter
    from sakip.workflow.demo import seed

    size = Size(offices=offices)
    t = time.perf_counter()
    regency = generate_regency("uji", size, password="bench-2026")
    on = time.perf_counter() - t
    rows = AuditEntry.objects.count()
    _signals(False)
    t = time.perf_counter()
    generate_regency("uji-tanpa-audit", size)
    off = time.perf_counter() - t
    print(
        f"import of {offices} generated offices: {on:.2f} s with the audit trail ({rows} rows), "
        f"{off:.2f} s without (+{(on / off - 1) * 100:.0f} %)"
    )

    quarters = list(Quarter.objects.filter(indicator_year__indicator__plan__office__regency=regency)[:500])
    timings = {}
    for label, state in (("off", False), ("on", True)):
        _signals(state)
        t = time.perf_counter()
        for q in quarters:
            with transaction.atomic():  # as an edit page saves: one transaction
                q.value = (q.value or Decimal(0)) + Decimal("0.5")
                q.save()
        timings[label] = (time.perf_counter() - t) / len(quarters) * 1000
    print(f"one realisation update: {timings['on']:.2f} ms with the audit row, {timings['off']:.2f} ms without")

    seed(regency, Office.objects.filter(regency=regency))
    from django.core import signals
    from django.db import close_old_connections, reset_queries

    signals.request_started.disconnect(close_old_connections)  # keep one connection, to count its queries
    signals.request_finished.disconnect(close_old_connections)
    signals.request_started.disconnect(reset_queries)
    client = Client()
    client.login(username="uji-admin", password="bench-2026")
    for name in ("inbox", "workflow-overdue"):
        url = reverse(name)
        client.get(url)  # warm up
        executed: list[str] = []

        def count(execute: Any, sql: str, params: Any, many: bool, context: Any, executed: list[str] = executed) -> Any:
            executed.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            response = client.get(url)
        runs = []
        for _ in range(5):
            t = time.perf_counter()
            client.get(url)
            runs.append(time.perf_counter() - t)
        print(
            f"{url}: {response.status_code}, {len(executed)} queries, "
            f"best {min(runs) * 1000:.0f} ms of 5 ({len(response.content) // 1024} KiB)"
        )


if __name__ == "__main__":
    main()
