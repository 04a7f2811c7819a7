"""``sakip import …``: Excel templates and imports from the command line (the same checks as the web page).

``sakip import template KIND -o FILE [--office CODE --year Y]`` writes a template
(with the office's current data when an office is named). ``sakip import KIND FILE
--office CODE --year Y [--dry-run] [--json]`` checks the whole file, prints every
error (sheet, row, column, reason; exit code 2, nothing stored) or the changes,
and stores them unless ``--dry-run``. The database is the one the web app uses
(``SAKIP_DATA_DIR``, ``DATABASE_URL``), or ``--data-dir``.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

import_app = typer.Typer(
    name="import",
    help="Impor Excel: templat, realisasi, anggaran, ekspor SIPD, PK, Renstra.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

OfficeOpt = Annotated[str, typer.Option("--office", help="Kode perangkat daerah.")]
YearOpt = Annotated[int, typer.Option("--year", help="Tahun.")]
DryRunOpt = Annotated[bool, typer.Option("--dry-run", help="Periksa dan tampilkan perubahan; tidak ada yang disimpan.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Keluaran JSON untuk dibaca program.")]
DataDirOpt = Annotated[Path | None, typer.Option("--data-dir", help="Folder basis data SQLite (bawaan ./var).")]


def _fail(message: str, details: list[str] | None = None) -> NoReturn:
    lines = [f"sakip: error: {message}"] + [f"  {d}" for d in details or []]
    sys.stderr.write("\n".join(lines) + "\n")
    raise typer.Exit(2)


def _django(data_dir: Path | None) -> None:
    if data_dir is not None:
        os.environ["SAKIP_DATA_DIR"] = str(data_dir.resolve())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sakip.web.settings")
    import django

    django.setup()


def _office(code: str) -> Any:
    from sakip.accounts.models import Office

    offices = list(Office.objects.filter(code=code))
    if not offices:
        _fail(f"perangkat daerah {code!r} tidak ditemukan")
    if len(offices) > 1:
        _fail(f"kode perangkat daerah {code!r} dipakai di lebih dari satu pemda")
    return offices[0]


@import_app.command("template")
def template_cmd(
    kind: Annotated[str, typer.Argument(help="realisasi | anggaran | pk | renstra")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Berkas .xlsx yang ditulis.")],
    office: Annotated[str | None, typer.Option("--office", help="Isi dengan data perangkat daerah ini.")] = None,
    year: Annotated[int | None, typer.Option("--year", help="Tahun data.")] = None,
    data_dir: DataDirOpt = None,
) -> None:
    """Tulis templat impor (.xlsx) dengan lembar petunjuk, judul kolom terkunci dan validasi data."""
    from sakip.importers.kinds import ANGGARAN, KINDS, KOMPONEN, PK, REALISASI, SASARAN, TUJUAN, renstra_indicators
    from sakip.importers.kinds import write_template as write
    from sakip.importers.workbook import SheetSpec

    if kind not in KINDS or kind == "sipd":
        _fail(f"jenis templat {kind!r} tidak dikenal; pilih realisasi, anggaran, pk atau renstra")
    if office is not None:
        if year is None:
            _fail("--year wajib diisi bersama --office")
        _django(data_dir)
        from . import services

        data = services.template(_office(office), kind, year)
    else:
        y = year or 2025
        empty: list[dict[str, Any]] = []
        sheets: list[tuple[SheetSpec, list[dict[str, Any]]]] = {
            "realisasi": [(REALISASI, empty), (KOMPONEN, empty)],
            "anggaran": [(ANGGARAN, empty)],
            "pk": [(PK, empty)],
            "renstra": [(TUJUAN, empty), (SASARAN, empty), (renstra_indicators(list(range(y, y + 5))), empty)],
        }[kind]
        data = write(kind, sheets, title=f"Templat impor {KINDS[kind].label}")
    output.write_bytes(data)
    sys.stdout.write(f"{output}: {len(data):,} bita\n".replace(",", "."))


def _run(kind: str, file: Path, office: str, year: int, dry_run: bool, as_json: bool, data_dir: Path | None) -> None:
    if not file.exists():
        _fail(f"{file}: berkas tidak ditemukan")
    _django(data_dir)
    from . import services

    o = _office(office)
    outcome = services.run(o, kind, year, file.read_bytes(), filename=file.name, dry_run=dry_run)
    if as_json:
        sys.stdout.write(json.dumps(outcome.as_dict(), ensure_ascii=False, indent=2) + "\n")
        if not outcome.ok:
            raise typer.Exit(2)
        return
    if not outcome.ok:
        n = len(outcome.problems)
        _fail(f"{file}: {n} kesalahan; tidak ada yang disimpan", [str(p) for p in outcome.problems])
    counts = outcome.counts
    for c in outcome.changes:
        if c.action == services.UNCHANGED:
            continue
        for f in c.fields:
            sys.stdout.write(
                f"{c.sheet} baris {c.row}: {c.code} {services.ACTION_LABELS[c.action]} — "
                f"{f.label}: {f.old or '—'} → {f.new or '—'}\n"
            )
    for w in outcome.warnings:  # accepted ("peringatan"), the operator is told per row
        sys.stdout.write(f"peringatan: {w}\n")
    verb = "uji coba, belum disimpan" if dry_run else "tersimpan"
    sys.stdout.write(
        f"{file}: {counts[services.CREATED]} baru, {counts[services.UPDATED]} berubah, "
        f"{counts[services.UNCHANGED]} tetap"
        + (
            f", {counts[services.ABSENT]} tersimpan tetapi tidak ada di berkas (tidak diubah)"
            if counts[services.ABSENT]
            else ""
        )
        + f" ({verb if outcome.has_changes else 'tidak ada yang berubah'})"
        + (f", {len(outcome.warnings)} peringatan" if outcome.warnings else "")
        + "\n"
    )


def _make(kind: str, doc: str) -> None:
    def command(
        file: Annotated[Path, typer.Argument(help="Berkas .xlsx.")],
        office: OfficeOpt,
        year: YearOpt,
        dry_run: DryRunOpt = False,
        as_json: JsonOpt = False,
        data_dir: DataDirOpt = None,
    ) -> None:
        _run(kind, file, office, year, dry_run, as_json, data_dir)

    command.__doc__ = doc
    import_app.command(kind)(command)


_make("realisasi", "Impor realisasi triwulan (lembar «Realisasi», «Komponen»).")
_make("anggaran", "Impor pagu dan realisasi triwulan per baris anggaran (lembar «Anggaran»).")
_make("sipd", "Impor ekspor realisasi anggaran gaya SIPD (kolom «Kode», «Pagu», «Realisasi»).")
_make("pk", "Impor target Perjanjian Kinerja tahun itu (lembar «PK»).")
_make("renstra", "Impor matriks Renstra: tujuan, sasaran, indikator, target tahunan.")
