"""``manage.py restore FILE [--force] [--check]``: restore an archive of ``manage.py backup`` (see `sakip.backup`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sakip.backup import BackupError, restore


class Command(BaseCommand):
    help = "Pulihkan basis data dan berkas unggahan dari arsip cadangan; semua SHA-256 diperiksa lebih dulu."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path, help="Arsip cadangan Sakip (.tar.gz).")
        parser.add_argument("--force", action="store_true", help="Ganti isi instansi tujuan yang tidak kosong.")
        parser.add_argument("--check", action="store_true", help="Periksa saja; tidak ada yang diubah.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = restore(options["archive"], force=options["force"], check_only=options["check"])
        except BackupError as exc:
            raise CommandError(str(exc), returncode=exc.exit_code) from None
        m = result.manifest
        verb = "diperiksa, tidak ada yang diubah" if result.checked_only else "dipulihkan"
        self.stdout.write(f"{options['archive']}: {len(m.tables)} tabel, {m.rows} baris, {len(m.media)} berkas "
                          f"media {verb}")
        if not result.replaced.empty and not result.checked_only:
            self.stdout.write(f"Diganti: {result.replaced.summary()}")
        if result.migrated:
            self.stdout.write("Migrasi sesudah pemulihan: " + ", ".join(result.migrated))
