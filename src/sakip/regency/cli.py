"""``sakip figures rebuild``: recompute the kept figures (`regency.kept_figures`) from the domain's scorecards.

Used after a migration or a change of a regency's settings (scale, cap), which marks the
regency's kept figures dirty (they are otherwise recomputed when first read). Progress is
printed per office; ``--regency KODE`` limits it to one regency.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Annotated

import typer

figures_app = typer.Typer(
    name="figures",
    help="Angka kinerja yang disimpan per perangkat daerah (untuk peringkat pemda): hitung ulang.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@figures_app.command("rebuild")
def rebuild_cmd(
    regency: Annotated[str | None, typer.Option("--regency", help="Kode pemda (bawaan: semua pemda).")] = None,
    data_dir: Annotated[
        Path | None, typer.Option("--data-dir", help="Folder basis data SQLite dan berkas unggahan (bawaan ./var).")
    ] = None,
) -> None:
    """Hitung ulang angka yang disimpan: setiap perangkat daerah, setiap tahun yang memiliki data."""
    if data_dir is not None:
        os.environ["SAKIP_DATA_DIR"] = str(data_dir.resolve())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sakip.web.settings")
    import django

    django.setup()
    from sakip.accounts.models import Office, Regency
    from sakip.core.services import office_years

    from .kept_figures import rebuild

    offices = Office.objects.select_related("regency").order_by("regency__code", "code")
    if regency is not None:
        if not Regency.objects.filter(code=regency).exists():
            sys.stderr.write(f"sakip: error: pemda {regency!r} tidak ditemukan\n")
            raise typer.Exit(2)
        offices = offices.filter(regency__code=regency)
    chosen = list(offices)
    started = time.monotonic()

    def progress(done: int, office: Office) -> None:
        n = chosen.index(office) + 1
        typer.echo(f"[{n}/{len(chosen)}] {office.regency.code}/{office.code}: {done} tahun-OPD dihitung")

    total = rebuild(chosen, office_years, progress)
    took = time.monotonic() - started
    typer.echo(f"Selesai: {total} tahun-OPD dari {len(chosen)} perangkat daerah, {took:.1f} detik.")
