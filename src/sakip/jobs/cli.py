"""``sakip worker`` and ``sakip scheduler`` (Django set up on use)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

DataDir = Annotated[Path | None, typer.Option("--data-dir", help="Where the SQLite database is (default ./var).")]


def _setup(data_dir: Path | None) -> None:
    if data_dir is not None:
        os.environ["SAKIP_DATA_DIR"] = str(data_dir.resolve())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sakip.web.settings")
    import django

    django.setup()


def worker(
    burst: Annotated[
        bool, typer.Option("--burst", "--once", help="Run the jobs waiting now, then stop (tests, cron).")
    ] = False,
    interval: Annotated[float, typer.Option(help="Seconds between looks at an empty queue.")] = 1.0,
    max_tasks: Annotated[int | None, typer.Option("--max-tasks", help="Stop after this many jobs.")] = None,
    data_dir: DataDir = None,
) -> None:
    """Run the background jobs (PDFs, the regency batch, reviews, large imports, reminders) until stopped."""
    _setup(data_dir)
    from django.conf import settings

    if not settings.TASKS["default"]["BACKEND"].startswith("django_tasks_db"):
        typer.echo("sakip: SAKIP_TASKS_BACKEND is not 'database': jobs run where they are asked, no worker needed")
        raise typer.Exit(2)
    from .worker import SakipWorker

    w = SakipWorker(burst=burst, interval=interval, max_tasks=max_tasks)
    if not burst:
        w.configure_signals()
    typer.echo(f"worker {w.name} {'(burst)' if burst else 'started'}", err=True)
    w.run()


def scheduler(
    once: Annotated[bool, typer.Option("--once", help="Enqueue what is due now, then stop.")] = False,
    sleep: Annotated[float, typer.Option(help="Seconds between looks at the schedule.")] = 30.0,
    data_dir: DataDir = None,
) -> None:
    """Enqueue the periodic jobs (SAKIP_SCHEDULE: reminders daily, the clean-up) when due; runs forever."""
    _setup(data_dir)
    from .scheduler import run_forever

    ran = run_forever(sleep=sleep, once=once)
    if once:
        typer.echo(", ".join(ran) if ran else "nothing due")
