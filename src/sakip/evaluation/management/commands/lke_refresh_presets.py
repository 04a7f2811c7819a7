"""``manage.py lke_refresh_presets``: rebuild LKE templates from the current preset files.

A template installed from an older copy of a preset (e.g. the 88/2021 preset before it was
rebuilt with the graded method and the 80 reference criteria) is replaced by the current
preset for the same regency and year — unless an evaluation uses it (or it was copied to
another year): then it is kept as it is, with the method its evaluations were scored with.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from sakip.accounts.models import Regency
from sakip.evaluation import services


class Command(BaseCommand):
    help = "Perbarui LKE yang dipasang dari preset lama; LKE yang sudah dipakai evaluasi tidak diubah."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--regency", help="kode pemda (bawaan: semua)")

    def handle(self, *args: Any, **options: Any) -> None:
        regency = Regency.objects.get(code=options["regency"]) if options.get("regency") else None
        result = services.refresh_presets(regency)
        for t in result.rebuilt:
            self.stdout.write(f"diperbarui: {t.regency} {t.code} {t.year} ({t.method})")
        for t in result.kept:
            self.stdout.write(f"dipertahankan (sudah dipakai evaluasi): {t.regency} {t.code} {t.year} ({t.method})")
        if not result.rebuilt and not result.kept:
            self.stdout.write("semua LKE sudah sesuai preset")
