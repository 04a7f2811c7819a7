"""``sakip backup`` and ``sakip restore``: thin adapters around `sakip.backup.service`.

The instance is the one the web app uses: ``DATABASE_URL`` (default the SQLite file
under ``SAKIP_DATA_DIR``, or ``--data-dir``) and MEDIA_ROOT (``SAKIP_DATA_DIR/media``).
Bad input — a damaged or tampered archive, an unsafe member, an archive from a newer
Sakip or another database vendor, a non-empty target without ``--force``, an output
file that exists — exits with code 2 and the reason on standard error; a failure of
the machine (a database tool, the disk) with code 1.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

JsonOpt = Annotated[bool, typer.Option("--json", help="Keluaran JSON untuk dibaca program.")]
DataDirOpt = Annotated[
    Path | None, typer.Option("--data-dir", help="Folder basis data SQLite dan berkas unggahan (bawaan ./var).")
]


def _django(data_dir: Path | None) -> None:
    if data_dir is not None:
        os.environ["SAKIP_DATA_DIR"] = str(data_dir.resolve())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sakip.web.settings")
    import django

    django.setup()


def _fail(exc: Any) -> NoReturn:
    lines = [f"sakip: error: {' '.join(str(exc.message).split())}"] + [f"  {d}" for d in exc.details]
    sys.stderr.write("\n".join(lines) + "\n")
    raise typer.Exit(exc.exit_code)


def _emit(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _n(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",")


_VENDOR = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def backup(
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Berkas arsip (.tar.gz); bawaan sakip-cadangan-WAKTU.tar.gz.")
    ] = None,
    as_json: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Cadangkan basis data dan semua berkas unggahan ke satu arsip dengan manifest dan SHA-256."""
    _django(data_dir)
    from .errors import BackupError
    from .service import backup as run_backup

    try:
        result = run_backup(output)
    except BackupError as exc:
        _fail(exc)
    if as_json:
        _emit(result.as_dict())
        return
    m = result.manifest
    out = sys.stdout
    out.write(f"Cadangan ditulis: {result.path}\n")
    out.write(f"  basis data {_VENDOR[m.vendor]}: {_n(len(m.tables))} tabel, {_n(m.rows)} baris\n")
    out.write(f"  berkas media: {_n(len(m.media))} ({_mb(sum(f.size for f in m.media))} MB)\n")
    out.write(f"  arsip: {_mb(result.size)} MB, SHA-256 {result.sha256} ({result.seconds:.1f} detik)\n")
    if m.missing_media:
        out.write(f"  peringatan: {_n(len(m.missing_media))} berkas dirujuk basis data tetapi tidak ada di folder "
                  "media:\n" + "".join(f"    {p}\n" for p in m.missing_media))
    if m.skipped_media:
        out.write(f"  peringatan: {_n(len(m.skipped_media))} entri folder media dilewati (tautan simbolik atau "
                  "nama tidak sah):\n" + "".join(f"    {p}\n" for p in m.skipped_media))


def restore(
    archive: Annotated[Path, typer.Argument(help="Arsip cadangan Sakip (.tar.gz).")],
    force: Annotated[
        bool, typer.Option("--force", help="Ganti isi instansi tujuan yang tidak kosong (disebutkan apa yang diganti).")
    ] = False,
    check: Annotated[
        bool, typer.Option("--check", help="Periksa arsip dan instansi tujuan saja; tidak ada yang diubah.")
    ] = False,
    as_json: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Pulihkan basis data dan berkas unggahan dari arsip; semua SHA-256 diperiksa sebelum apa pun diubah."""
    _django(data_dir)
    from .errors import BackupError
    from .service import restore as run_restore

    try:
        result = run_restore(archive, force=force, check_only=check)
    except BackupError as exc:
        _fail(exc)
    if as_json:
        _emit(result.as_dict())
        return
    m = result.manifest
    out = sys.stdout
    out.write(f"Arsip {archive}: {_n(len(m.files))} berkas cocok dengan manifest (SHA-256); dibuat {m.created_at} "
              f"oleh Sakip {m.sakip_version}\n")
    described = (f"basis data {_VENDOR[m.vendor]} {_n(len(m.tables))} tabel, {_n(m.rows)} baris; "
                 f"{_n(len(m.media))} berkas media")
    if result.checked_only:
        state = "kosong" if result.replaced.empty else f"berisi {result.replaced.summary()}"
        out.write(f"Pemeriksaan saja, tidak ada yang diubah: arsip berisi {described}; instansi tujuan {state}.\n")
        return
    out.write(f"Dipulihkan: {described} ({result.seconds:.1f} detik).\n")
    if not result.replaced.empty:
        out.write(f"Diganti (--force): {result.replaced.summary()}:\n"
                  + "".join(f"  {line}\n" for line in result.replaced.lines()))
    if result.migrated:
        out.write("Migrasi dijalankan sesudah pemulihan: " + ", ".join(result.migrated) + "\n")
