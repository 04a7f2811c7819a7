"""``manage.py remind [--days N] [--dry-run]``: reminder e-mails of due and overdue periods."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from sakip.audit.context import actor
from sakip.workflow import reminders


class Command(BaseCommand):
    help = "Kirim pengingat tenggat (terlambat dan segera jatuh tempo) lewat surel."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=7, help="Ingatkan yang jatuh tempo dalam N hari (bawaan 7).")
        parser.add_argument("--dry-run", action="store_true", help="Tampilkan saja, jangan kirim.")

    def handle(self, *args: Any, **options: Any) -> None:
        with actor("sistem", "sakip remind"):
            items = reminders.build(days=options["days"])
            sent = 0 if options["dry_run"] else reminders.send(items)
        for r in items:
            self.stdout.write(f"{', '.join(r.to)}: {r.subject}")
        self.stdout.write(
            f"{len(items)} pesan{' (uji coba, tidak dikirim)' if options['dry_run'] else ''}; {sent} terkirim."
        )
