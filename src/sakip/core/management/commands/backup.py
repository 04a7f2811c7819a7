"""``manage.py backup [-o FILE]``: the database and MEDIA_ROOT in one archive (see `sakip.backup`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sakip.backup import BackupError, backup


class Command(BaseCommand):
    help = "Cadangkan basis data dan semua berkas unggahan ke satu arsip (.tar.gz) dengan manifest dan SHA-256."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("-o", "--output", type=Path, help="Berkas arsip; bawaan sakip-cadangan-WAKTU.tar.gz.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = backup(options["output"])
        except BackupError as exc:
            raise CommandError(str(exc), returncode=exc.exit_code) from None
        m = result.manifest
        self.stdout.write(
            f"{result.path}: {len(m.tables)} tabel, {m.rows} baris, {len(m.media)} berkas media; "
            f"SHA-256 {result.sha256}"
        )
