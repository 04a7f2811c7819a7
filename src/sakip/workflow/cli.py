"""``sakip remind``: reminder e-mails of due and overdue periods (Django's mail backend)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer


def remind(
    days: Annotated[int, typer.Option("--days", help="Remind of periods due within N days (default 7).")] = 7,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show the messages; send nothing.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable JSON output.")] = False,
    queue: Annotated[
        bool, typer.Option("--queue", help="Leave the sending to `sakip worker` (as `sakip scheduler` does daily).")
    ] = False,
    data_dir: Annotated[
        Path | None, typer.Option("--data-dir", help="Where the SQLite database is (default ./var).")
    ] = None,
) -> None:
    """Send reminders of overdue and soon-due SAKIP steps to the offices and the regency admins."""
    if days < 0:
        sys.stderr.write("sakip: error: --days cannot be negative\n")
        raise typer.Exit(2)
    if data_dir is not None:
        os.environ["SAKIP_DATA_DIR"] = str(data_dir.resolve())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sakip.web.settings")
    import django

    django.setup()
    from sakip.audit.context import actor
    from sakip.workflow import reminders

    if queue and not dry_run:  # the same task the scheduler enqueues every day (sakip.jobs.tasks.send_reminders)
        from sakip.jobs.tasks import send_reminders

        result = send_reminders.enqueue(days=days)
        typer.echo(f"pengingat diantrekan (tugas {result.id}); dikirim oleh sakip worker.")
        return

    with actor("sistem", "sakip remind"):
        items = reminders.build(days=days)
        sent = 0 if dry_run else reminders.send(items, stream=sys.stderr if as_json else None)
    if as_json:
        data = {
            "sent": sent,
            "dry_run": dry_run,
            "messages": [{"to": r.to, "subject": r.subject, "office": r.office, "body": r.body} for r in items],
        }
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return
    for r in items:
        typer.echo(f"{', '.join(r.to)}: {r.subject}")
    typer.echo(f"{len(items)} pesan{' (uji coba, tidak dikirim)' if dry_run else ''}; {sent} terkirim.")
