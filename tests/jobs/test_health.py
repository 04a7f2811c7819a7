"""The heartbeat (`worker_alive`) and the queue length that `/readyz` and `sakip check` read."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from sakip.jobs import health
from sakip.jobs.models import Heartbeat

from .conftest import run_worker

pytestmark = pytest.mark.django_db


def test_no_worker_has_reported() -> None:
    alive, line = health.worker_alive()
    assert alive is False and "no worker" in line


def test_a_recent_heartbeat_is_alive_an_old_one_is_not() -> None:
    health.beat("worker")
    alive, line = health.worker_alive(max_age_seconds=60)
    assert alive is True and health.process_name("worker") in line
    Heartbeat.objects.update(beat_at=timezone.now() - dt.timedelta(seconds=90))
    alive, line = health.worker_alive(max_age_seconds=60)
    assert alive is False and "older than 60 s" in line
    assert health.worker_alive(max_age_seconds=120)[0] is True
    # the scheduler's heartbeat is its own
    assert health.worker_alive(role="scheduler")[0] is False


def test_queue_length_counts_what_waits_and_a_worker_run_empties_it(queue: Any) -> None:
    from sakip.jobs.tasks import clean_up

    assert health.queue_length() == 0
    clean_up.enqueue()
    clean_up.enqueue()
    assert health.queue_length() == 2


@pytest.mark.django_db(transaction=True)
def test_the_worker_beats_and_empties_the_queue(queue: Any) -> None:
    from sakip.jobs.tasks import clean_up

    clean_up.enqueue()
    assert health.queue_length() == 1
    assert run_worker() == 1
    assert health.queue_length() == 0
    alive, line = health.worker_alive()
    assert alive, line


def test_job_rows_are_not_audited() -> None:
    from sakip.audit.recorder import audited_models

    labels = {m._meta.label for m in audited_models()}
    assert not {"jobs.Job", "jobs.Heartbeat", "jobs.ScheduleRun"} & labels


def test_sakip_remind_queue_leaves_the_sending_to_the_worker(queue: Any) -> None:
    from django_tasks_db.models import DBTaskResult
    from typer.testing import CliRunner

    from sakip.cli import app

    result = CliRunner().invoke(app, ["remind", "--queue", "--days", "3"])
    assert result.exit_code == 0, result.output
    assert "diantrekan" in result.output
    (task,) = DBTaskResult.objects.ready()
    assert task.task_path == "sakip.jobs.tasks.send_reminders" and task.args_kwargs["kwargs"] == {"days": 3}
