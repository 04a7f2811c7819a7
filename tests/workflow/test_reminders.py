"""Reminder e-mails through Django's mail backend: `manage.py remind` and `sakip remind`."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
import typer
from django.core import mail
from django.core.management import call_command
from typer.testing import CliRunner

from sakip.cli import app
from sakip.workflow import reminders

pytestmark = pytest.mark.django_db


def test_each_office_and_the_admin_get_one_message(demo: Any) -> None:
    # 15 April 2020: the PK (end of February) and TW I (10 April) of 2020 are overdue unless submitted;
    # the demo leaves each office's PK and TW I–III returned (due again), so every office is reminded
    items = reminders.build(today=dt.date(2020, 4, 15), days=7)
    by_office = {r.office: r for r in items}
    assert set(by_office) >= {None}
    admin = by_office[None]
    assert admin.to == ["admin@demo.sakip.invalid"]
    for r in items:
        if r.office is not None:
            assert sorted(r.to) == sorted(
                [f"operator-{r.office}@demo.sakip.invalid", f"kepala-{r.office}@demo.sakip.invalid"]
            )
            assert "terlambat" in r.body
    assert reminders.send(items) == len(items)
    assert len(mail.outbox) == len(items)
    assert mail.outbox[0].from_email == "sakip@localhost"


def test_nothing_due_nothing_sent(demo: Any) -> None:
    # mid-May 2020 with a 0-day horizon: everything of 2020 still due is either done (submitted) or overdue;
    # with all periods submitted there is nothing to send
    from sakip.accounts.models import Office
    from sakip.workflow.models import PeriodState

    for office in Office.objects.all():
        for year in range(2020, dt.date.today().year + 1):
            for step, q in (
                ("pk", None),
                ("quarter", 1),
                ("quarter", 2),
                ("quarter", 3),
                ("quarter", 4),
                ("annual", None),
            ):
                PeriodState.objects.update_or_create(
                    office=office, year=year, step=step, quarter=q, defaults={"state": "submitted"}
                )
    assert reminders.build(days=7) == []
    assert reminders.send([]) == 0


def test_management_command_sends_through_the_backend(demo: Any, capsys: Any) -> None:
    call_command("remind", "--days", "3")
    out = capsys.readouterr().out
    assert "terkirim" in out
    assert len(mail.outbox) >= 1
    assert any("terlambat" in m.subject for m in mail.outbox)


def _remind_app() -> typer.Typer:
    """`sakip remind` as registered on the sakip command, built alone (a one-command app: no sub-command name)."""
    (command,) = [c for c in app.registered_commands if c.name == "remind"]
    single = typer.Typer()
    single.command("remind")(command.callback)  # type: ignore[arg-type]
    return single


def test_cli_remind_dry_run_json_sends_nothing(demo: Any) -> None:
    result = CliRunner().invoke(_remind_app(), ["--dry-run", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["dry_run"] is True and data["sent"] == 0 and data["messages"]
    assert mail.outbox == []
    assert CliRunner().invoke(_remind_app(), ["--days", "-1"]).exit_code == 2
