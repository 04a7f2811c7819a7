"""`sakip worker --burst` and `sakip scheduler --once` as separate processes on one SQLite file: a job enqueued
by one process (the web, say) waits in the database and is run by another — a restart of either loses
nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.own_sqlite  # its own demo/worker on a SQLite file: the SQLite pass runs it

SAKIP = [sys.executable, "-c", "import sys; from sakip.cli import main; sys.argv[0] = 'sakip'; main()"]


def run(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


def python(code: str, env: dict[str, str]) -> str:
    setup = "import django; django.setup()\n"
    return run([sys.executable, "-c", setup + code], env)


def test_worker_and_scheduler_processes(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "SAKIP_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "sakip.web.settings",
        "SAKIP_TASKS_BACKEND": "database",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'sakip.sqlite3'}",
    }
    env.pop("SAKIP_ENV", None)
    run([sys.executable, "-m", "django", "migrate", "--verbosity", "0"], env)
    python("from sakip.jobs.tasks import clean_up\nclean_up.enqueue()\nclean_up.enqueue()", env)
    assert python("from sakip.jobs.health import queue_length\nprint(queue_length())", env).strip() == "2"
    assert python("from sakip.jobs.health import worker_alive\nprint(worker_alive()[0])", env).strip() == "False"

    out = run([*SAKIP, "worker", "--burst"], env)
    assert "worker worker:" in out
    check = python(
        "from django_tasks_db.models import DBTaskResult\n"
        "from sakip.jobs.health import queue_length, worker_alive\n"
        "print(DBTaskResult.objects.successful().count(), queue_length(), worker_alive()[0])",
        env,
    )
    assert check.split() == ["2", "0", "True"]

    first = run([*SAKIP, "scheduler", "--once"], env)
    assert "cleanup" in first
    second = run([*SAKIP, "scheduler", "--once"], env)
    assert "cleanup" not in second  # hourly: not due again a moment later
    scheduler_alive = python("from sakip.jobs.health import worker_alive as a\nprint(a(role='scheduler')[0])", env)
    assert scheduler_alive.strip() == "True"
    run([*SAKIP, "worker", "--once"], env)
    assert python("from sakip.jobs.health import queue_length\nprint(queue_length())", env).strip() == "0"


def test_the_worker_refuses_to_run_without_the_database_queue(tmp_path: Path) -> None:
    env = {**os.environ, "SAKIP_DATA_DIR": str(tmp_path), "SAKIP_TASKS_BACKEND": "immediate"}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'sakip.sqlite3'}"
    done = subprocess.run([*SAKIP, "worker", "--burst"], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "SAKIP_TASKS_BACKEND" in done.stdout + done.stderr
