"""`backup` and `restore`: the two operations behind ``sakip backup|restore`` and ``manage.py backup|restore``.

Restore, in order — nothing of the instance is touched before step 5:

1. the archive is read once without writing anything (`archive.verify`): safe names and
   member types, the manifest, every file's size and SHA-256;
2. the database vendor must be the target's;
3. the archive's migration state must be known to this code (an archive from a newer
   Sakip is refused; an older one is migrated forward after the restore);
4. the target must be empty — no row outside the tables ``migrate`` fills, no file
   under MEDIA_ROOT — unless ``force``, and then what it replaces is reported;
5. the archive is extracted again into a staging directory inside MEDIA_ROOT, each
   digest checked again; MEDIA_ROOT's entries are swapped for the archived ones; the
   database is replaced in one transaction; if that fails the old files are put back;
6. this code's newer migrations are applied.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from . import database
from .archive import DATABASE_DIR, MEDIA_DIR, ArchiveWriter, Manifest, extract, verify
from .errors import BackupError
from .media import STAGING_PREFIX, MediaSwap, media_files, media_size


def sakip_version() -> str:
    try:
        return metadata.version("sakip")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree without install
        return "unknown"


def _media_root(media_root: Path | str | None) -> Path:
    return Path(media_root if media_root is not None else settings.MEDIA_ROOT).resolve()


@dataclass
class BackupResult:
    path: Path
    size: int
    sha256: str
    manifest: Manifest
    seconds: float

    def as_dict(self) -> dict[str, Any]:
        m = self.manifest
        return {
            "archive": str(self.path), "size": self.size, "sha256": self.sha256, "seconds": round(self.seconds, 3),
            "vendor": m.vendor, "tables": len(m.tables), "rows": m.rows, "files": len(m.media),
            "media_bytes": sum(f.size for f in m.media), "missing_media": m.missing_media,
            "skipped_media": m.skipped_media, "migrations": m.migrations,
        }


@dataclass
class Contents:
    """What a target instance holds besides what ``migrate`` creates."""

    tables: dict[str, int] = field(default_factory=dict)  # non-empty tables only
    files: int = 0
    bytes: int = 0

    @property
    def empty(self) -> bool:
        return not self.tables and not self.files

    @property
    def rows(self) -> int:
        return sum(self.tables.values())

    def lines(self) -> list[str]:
        out = [f"{name}: {_n(rows)} baris" for name, rows in sorted(self.tables.items())]
        if self.files:
            out.append(_("berkas media: %(n)s (%(mb)s MB)") % {"n": _n(self.files), "mb": _mb(self.bytes)})
        return out

    def summary(self) -> str:
        rows = _("%(rows)s baris dalam %(tables)s tabel") % {"rows": _n(self.rows), "tables": _n(len(self.tables))}
        if not self.files:
            return _("%(rows)s, tanpa berkas media") % {"rows": rows}
        return _("%(rows)s, %(files)s berkas media berukuran %(mb)s MB") % {
            "rows": rows, "files": _n(self.files), "mb": _mb(self.bytes)}

    def as_dict(self) -> dict[str, Any]:
        return {"tables": self.tables, "rows": self.rows, "files": self.files, "bytes": self.bytes}


@dataclass
class RestoreResult:
    archive: Path
    manifest: Manifest
    replaced: Contents  # what the target held (empty when it was empty)
    migrated: list[str]  # migrations applied after the restore
    seconds: float
    checked_only: bool = False

    def as_dict(self) -> dict[str, Any]:
        m = self.manifest
        return {
            "archive": str(self.archive), "checked_only": self.checked_only, "seconds": round(self.seconds, 3),
            "created_at": m.created_at, "sakip_version": m.sakip_version, "vendor": m.vendor,
            "tables": len(m.tables), "rows": m.rows, "files": len(m.media), "verified_files": len(m.files),
            "replaced": self.replaced.as_dict(), "migrated": self.migrated,
        }


def _n(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",")


def default_name() -> str:
    return f"sakip-cadangan-{timezone.localtime():%Y%m%d-%H%M%S}.tar.gz"


# ----------------------------------------------------------------------------- backup


def backup(output: Path | None = None, *, using: str = "default", media_root: Path | str | None = None) -> BackupResult:
    """Write the database and every file under MEDIA_ROOT to one archive with its manifest."""
    started = time.monotonic()
    root = _media_root(media_root)
    vendor = database.vendor_of(using)
    path = (output if output is not None else Path.cwd() / default_name()).absolute()
    if path.exists():
        raise BackupError(_("%(path)s sudah ada; pilih nama lain (cadangan tidak pernah menimpa berkas)")
                          % {"path": path})
    if not path.parent.is_dir():
        raise BackupError(_("Folder %(dir)s tidak ada") % {"dir": path.parent})
    if root == path.parent or root in path.parents:
        raise BackupError(_("Arsip tidak boleh ditulis di dalam MEDIA_ROOT (%(root)s)") % {"root": root})
    with tempfile.TemporaryDirectory(prefix=".sakip-backup-", dir=path.parent) as tmp:
        snap = database.snapshot(using, Path(tmp))
        writer = ArchiveWriter(path)
        try:
            db_entry = writer.add_file(snap.file, f"{DATABASE_DIR}/{snap.file.name}")
            files, skipped = media_files(root)
            for rel, source in files:
                try:
                    writer.add_file(source, f"{MEDIA_DIR}/{rel}")
                except FileNotFoundError:  # deleted while we were reading the folder
                    skipped.append(rel)
            archived = {e.path[len(MEDIA_DIR) + 1:] for e in writer.entries if e.path.startswith(MEDIA_DIR + "/")}
            manifest = Manifest(
                sakip_version=sakip_version(),
                created_at=timezone.now().isoformat(),
                vendor=vendor,
                database_file=db_entry.path,
                tables=snap.tables,
                migrations=snap.migrations,
                files=list(writer.entries),
                schema=snap.schema,
                missing_media=sorted(snap.file_refs - archived),
                skipped_media=sorted(skipped),
            )
            size, digest = writer.finish(manifest)
        except BaseException:
            writer.abort()
            raise
    return BackupResult(path, size, digest, manifest, time.monotonic() - started)


# ----------------------------------------------------------------------------- restore


def contents(using: str, root: Path) -> Contents:
    tables = {t: n for t, n in database.live_rows(using).items() if n and t not in database.FILLED_BY_MIGRATE}
    files, size = media_size(root)
    return Contents(tables, files, size)


def restore(
    archive: Path,
    *,
    using: str = "default",
    media_root: Path | str | None = None,
    force: bool = False,
    check_only: bool = False,
) -> RestoreResult:
    """Replace the instance's database and media with an archive's, after checking all of it."""
    started = time.monotonic()
    root = _media_root(media_root)
    manifest = verify(archive)
    vendor = database.vendor_of(using)
    if manifest.vendor != vendor:
        names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
        raise BackupError(
            _("Arsip ini berisi basis data %(archive)s, sedangkan basis data tujuan %(target)s; pulihkan ke jenis "
              "basis data yang sama") % {"archive": names[manifest.vendor], "target": names[vendor]})
    database.check_table_names(manifest)
    unknown, _behind = database.migration_gap(manifest.migrations)
    if unknown:
        raise BackupError(
            _("Arsip dibuat oleh versi Sakip yang lebih baru (%(version)s): migrasi berikut tidak dikenal versi ini. "
              "Perbarui Sakip, lalu pulihkan lagi.") % {"version": manifest.sakip_version},
            unknown,
        )
    present = contents(using, root)
    if check_only:
        return RestoreResult(archive, manifest, present, [], time.monotonic() - started, checked_only=True)
    if not present.empty and not force:
        raise BackupError(
            _("Instansi tujuan tidak kosong: %(summary)s. Tidak ada yang dipulihkan; tambahkan --force untuk "
              "menggantinya dengan isi arsip.") % {"summary": present.summary()},
            present.lines(),
        )
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=root))
    try:
        unpacked = staging / "arsip"
        extract(archive, manifest, unpacked)
        swap = MediaSwap(root, unpacked / MEDIA_DIR, staging / "sebelumnya")
        try:
            swap.apply()
            database.restore_database(using, manifest, unpacked / manifest.database_file, staging)
        except BaseException:
            swap.undo()  # the files as they were: the database was not changed either
            raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    try:
        migrated = database.migrate_forward(using)
    except Exception as exc:
        raise BackupError(
            _("Basis data dan berkas sudah dipulihkan, tetapi migrasi ke versi Sakip ini gagal: %(e)s. "
              "Perbaiki penyebabnya lalu jalankan «manage.py migrate».") % {"e": exc},
            exit_code=1,
        ) from exc
    return RestoreResult(archive, manifest, present, migrated, time.monotonic() - started)
