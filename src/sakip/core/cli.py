"""``sakip office export|import``: an office's whole dataset to and from the database, from the command line.

``sakip office export CODE -o FILE`` writes the office as ``sakip-office/1`` YAML
(``.yaml``/``.yml``: evidence files by reference, with their SHA-256) or as a bundle
(``.zip``: the dataset and its evidence files). ``sakip office import FILE`` stores a
YAML/JSON dataset or a bundle, with the same checks as the import page (all or nothing;
every error with its place; exit code 2 and nothing stored). The database is the one the
web app uses (``SAKIP_DATA_DIR``, ``DATABASE_URL``), or ``--data-dir``; the audit trail
names the command line as the one who imported.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

office_app = typer.Typer(
    name="office",
    help="Ekspor dan impor seluruh data satu perangkat daerah (YAML, atau paket ZIP dengan bukti dukung).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

DataDirOpt = Annotated[
    Path | None, typer.Option("--data-dir", help="Folder basis data SQLite dan berkas unggahan (bawaan ./var).")
]
SUFFIXES = (".yaml", ".yml", ".zip")


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


def _office(code: str, regency: str | None) -> Any:
    from sakip.accounts.models import Office

    offices = Office.objects.filter(code=code)
    if regency is not None:
        offices = offices.filter(regency__code=regency)
    found = list(offices)
    if not found:
        _fail(f"perangkat daerah {code!r} tidak ditemukan")
    if len(found) > 1:
        _fail(f"kode perangkat daerah {code!r} dipakai di lebih dari satu pemda; sebutkan --regency")
    return found[0]


def _regency(code: str | None, office_code: str | None) -> Any:
    """The regency named, else the one of the office with this code, else the only one there is."""
    from sakip.accounts.models import Office, Regency

    if code is not None:
        found = Regency.objects.filter(code=code).first()
        if found is None:
            _fail(f"pemda {code!r} tidak ditemukan")
        return found
    owners = list(Regency.objects.filter(offices__in=Office.objects.filter(code=office_code or "")).distinct())
    if len(owners) == 1:
        return owners[0]
    regencies = list(Regency.objects.all()[:2])
    if not owners and len(regencies) == 1:
        return regencies[0]
    _fail("sebutkan pemda tujuan dengan --regency KODE" if regencies else
          "belum ada pemda di basis data ini; buat dulu lewat halaman admin")


@office_app.command("export")
def export_cmd(
    code: Annotated[str, typer.Argument(help="Kode perangkat daerah.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Berkas tujuan: .yaml/.yml, atau .zip (paket).")],
    regency: Annotated[str | None, typer.Option("--regency", help="Kode pemda (bila kode OPD tidak unik).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Timpa berkas tujuan yang sudah ada.")] = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Ekspor seluruh data perangkat daerah; .zip memuat juga berkas bukti dukungnya (dengan SHA-256)."""
    suffix = output.suffix.lower()
    if suffix not in SUFFIXES:
        _fail(f"{output}: akhiran berkas harus .yaml, .yml atau .zip")
    if output.exists() and not force:
        _fail(f"{output}: berkas sudah ada (pakai --force untuk menimpa)")
    _django(data_dir)
    from sakip.dataset.loader import DatasetError
    from sakip.dataset.writer import dump_yaml

    from .bundle import write_bundle
    from .interchange import export_office

    office = _office(code, regency)
    output.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".sakip-", suffix=suffix, dir=output.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            if suffix == ".zip":
                doc = write_bundle(office, out)
            else:
                doc = export_office(office, provenance=True)
                out.write(dump_yaml(doc).encode("utf-8"))
        os.replace(tmp, output)  # the whole file or none: never a half-written export under its name
    except DatasetError as exc:
        _fail(f"{code}: tidak dapat diekspor", [str(i) for i in exc.issues])
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    items = [e for y in doc.get("years", []) for m in (y.get("indicators") or {}).values()
             for e in m.get("evidence", [])]
    with_files = sum(1 for e in items if isinstance(e, dict) and e.get("path"))
    what = "dengan berkasnya" if suffix == ".zip" else "dirujuk dengan SHA-256"
    sys.stdout.write(f"{output}: {office.code} {office.name}; {len(items)} bukti dukung, {with_files} berkas "
                     f"{what} ({output.stat().st_size:,} bita)\n".replace(",", "."))


@office_app.command("import")
def import_cmd(
    file: Annotated[Path, typer.Argument(help="Dataset .yaml/.yml/.json, atau paket .zip dengan bukti dukung.")],
    regency: Annotated[str | None, typer.Option("--regency", help="Kode pemda tujuan.")] = None,
    data_dir: DataDirOpt = None,
) -> None:
    """Impor dataset perangkat daerah (mengganti seluruh datanya); satu kesalahan dan tidak ada yang disimpan."""
    if not file.is_file():
        _fail(f"{file}: berkas tidak ditemukan")
    _django(data_dir)
    from django.conf import settings

    from sakip.dataset.loader import MAX_BYTES, DatasetError, Issue, parse_text

    from .bundle import Bundle
    from .interchange import import_office

    zipped = file.suffix.lower() == ".zip"
    limit = settings.SAKIP_BUNDLE_MAX_BYTES if zipped else MAX_BYTES
    if file.stat().st_size > limit:
        _fail(f"{file}: berkas lebih besar dari {limit // (1024 * 1024)} MB")
    notes: list[Issue] = []
    try:
        with file.open("rb") as f:
            bundle = Bundle(f, file.name) if zipped else None
            if bundle is not None:
                doc = bundle.document()
            else:
                try:
                    text = f.read().decode("utf-8-sig")
                except UnicodeDecodeError:
                    raise DatasetError([Issue("", "berkas bukan teks UTF-8")], file.name) from None
                doc = parse_text(text, json_format=file.suffix.lower() == ".json", source=file.name)
            code = (doc.get("office") or {}).get("code") if isinstance(doc, dict) else None
            target = _regency(regency, code if isinstance(code, str) else None)
            office = import_office(doc, target, source=file.name, files=bundle, notes=notes)
    except DatasetError as exc:
        _fail(f"{file}: {len(exc.issues)} kesalahan; tidak ada yang disimpan", [str(i) for i in exc.issues])
    from sakip.monitoring.models import Evidence

    evidence = Evidence.objects.filter(indicator_year__indicator__plan__office=office)
    sys.stdout.write(f"{file}: {office.code} {office.name} diimpor ke pemda {target.code}; "
                     f"{evidence.count()} bukti dukung, {evidence.exclude(file='').count()} dengan berkas\n")
    for note in notes:
        sys.stdout.write(f"  catatan: {note}\n")
