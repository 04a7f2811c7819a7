"""The backup archive: a gzip-compressed tar with ``manifest.json``, ``database/…`` and ``media/…``.

Writing: every file goes in through a reader that computes its SHA-256 while tar reads
it, so the digest is of the bytes archived; the manifest, with every file's path,
size and digest, is the last member. The archive is written to a hidden temporary
file beside the output (mode 0600: it holds password hashes and personal data) and
renamed into place only when complete.

Reading never trusts the archive. `verify` streams it once without writing anything:
each member's name must be a plain relative path under ``database/`` or ``media/``
(no absolute path, no ``..``, no backslash, no NUL), each member a regular file or a
directory (symbolic and hard links, devices and FIFOs are refused), the manifest
present once and well formed, and every file listed in the manifest present once
with the listed size and SHA-256 — and nothing else. `extract` then streams it again
into a directory the caller created, writing only the names `verify` accepted, each
resolved inside that directory, and checks every digest again (the file could have
changed between the two passes).
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import re
import tarfile
import tempfile
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _

from .errors import ArchiveError, BackupError

FORMAT = "sakip-backup/1"
MANIFEST = "manifest.json"
DATABASE_DIR = "database"
MEDIA_DIR = "media"
MAX_MANIFEST_BYTES = 64 * 1024 * 1024
MAX_NAME_CHARS = 1024
CHUNK = 1024 * 1024
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class FileEntry:
    path: str  # inside the archive: database/… or media/…
    size: int
    sha256: str

    def as_dict(self) -> dict[str, Any]:
        return {"path": self.path, "size": self.size, "sha256": self.sha256}


@dataclass
class Manifest:
    """What an archive holds; ``manifest.json`` is `as_dict` of it."""

    sakip_version: str
    created_at: str
    vendor: str  # sqlite | postgresql
    database_file: str  # the member holding the database
    tables: dict[str, int]  # rows per table
    migrations: dict[str, str]  # app label -> last applied migration
    files: list[FileEntry] = field(default_factory=list)
    schema: str | None = None  # PostgreSQL: the schema the tables are in
    missing_media: list[str] = field(default_factory=list)  # referenced by a file field, absent under MEDIA_ROOT
    skipped_media: list[str] = field(default_factory=list)  # under MEDIA_ROOT but not a regular file
    format: str = FORMAT

    @property
    def rows(self) -> int:
        return sum(self.tables.values())

    @property
    def media(self) -> list[FileEntry]:
        return [f for f in self.files if f.path.startswith(MEDIA_DIR + "/")]

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "sakip_version": self.sakip_version,
            "created_at": self.created_at,
            "database": {
                "vendor": self.vendor,
                "file": self.database_file,
                **({"schema": self.schema} if self.schema else {}),
                "tables": dict(sorted(self.tables.items())),
                "rows": self.rows,
            },
            "migrations": dict(sorted(self.migrations.items())),
            "files": [f.as_dict() for f in self.files],
            "missing_media": self.missing_media,
            "skipped_media": self.skipped_media,
        }

    @classmethod
    def from_json(cls, data: bytes) -> Manifest:
        """Parse and check ``manifest.json``; `ArchiveError` naming every problem."""
        try:
            raw = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ArchiveError(_("manifest.json bukan JSON yang sah: %(error)s") % {"error": exc}) from None
        problems: list[str] = []

        def need(obj: Any, key: str, kind: type | tuple[type, ...], where: str) -> Any:
            value = obj.get(key) if isinstance(obj, dict) else None
            if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
                problems.append(_("%(where)s%(key)s tidak ada atau jenisnya salah") % {"where": where, "key": key})
                return None
            return value

        if not isinstance(raw, dict):
            raise ArchiveError(_("manifest.json harus berupa objek JSON"))
        fmt = raw.get("format")
        if fmt != FORMAT:
            raise ArchiveError(
                _("Format arsip %(found)s tidak dikenal; versi Sakip ini membaca %(known)s")
                % {"found": json.dumps(fmt), "known": FORMAT}
            )
        db = need(raw, "database", dict, "") or {}
        vendor = need(db, "vendor", str, "database.")
        db_file = need(db, "file", str, "database.")
        tables = need(db, "tables", dict, "database.") or {}
        migrations = need(raw, "migrations", dict, "") or {}
        files_raw = need(raw, "files", list, "") or []
        version = need(raw, "sakip_version", str, "")
        created = need(raw, "created_at", str, "")
        if vendor not in (None, "sqlite", "postgresql"):
            problems.append(_("database.vendor %(v)s tidak dikenal") % {"v": json.dumps(vendor)})
        for name, count in tables.items():
            if not isinstance(count, int) or isinstance(count, bool) or count < 0:
                problems.append(_("database.tables.%(t)s: jumlah baris tidak sah") % {"t": name})
        for app, name in migrations.items():
            if not isinstance(name, str):
                problems.append(_("migrations.%(app)s: nama migrasi tidak sah") % {"app": app})
        files: list[FileEntry] = []
        for i, f in enumerate(files_raw):
            where = f"files[{i}]."
            path, size, digest = need(f, "path", str, where), need(f, "size", int, where), need(f, "sha256", str, where)
            if path is None or size is None or digest is None:
                continue
            reason = unsafe_reason(path)
            if reason or path == MANIFEST:
                problems.append(f"{path}: {reason or _('nama tidak sah')}")
            elif size < 0 or not _SHA256.match(digest):
                problems.append(_("%(path)s: ukuran atau SHA-256 tidak sah") % {"path": path})
            else:
                files.append(FileEntry(path, size, digest))
        paths = [f.path for f in files]
        if len(set(paths)) != len(paths):
            problems.append(_("manifest.json mencantumkan berkas yang sama lebih dari sekali"))
        if db_file is not None and (not db_file.startswith(DATABASE_DIR + "/") or db_file not in paths):
            problems.append(_("database.file %(f)s tidak tercantum di daftar berkas") % {"f": json.dumps(db_file)})
        if problems:
            raise ArchiveError(_("manifest.json tidak sah"), problems)
        schema = db.get("schema")
        return cls(
            sakip_version=str(version),
            created_at=str(created),
            vendor=str(vendor),
            database_file=str(db_file),
            tables={str(k): int(v) for k, v in tables.items()},
            migrations={str(k): str(v) for k, v in migrations.items()},
            files=files,
            schema=schema if isinstance(schema, str) else None,
            missing_media=[str(x) for x in raw.get("missing_media") or [] if isinstance(x, str)],
            skipped_media=[str(x) for x in raw.get("skipped_media") or [] if isinstance(x, str)],
        )


def unsafe_reason(name: str) -> str | None:
    """Why a member name may not be extracted (None: a plain relative path under database/ or media/)."""
    if not name or len(name) > MAX_NAME_CHARS or "\x00" in name:
        return _("nama kosong, terlalu panjang atau memuat NUL")
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        return _("jalur absolut tidak diizinkan")
    if "\\" in name:
        return _("garis miring terbalik tidak diizinkan")
    parts = name.rstrip("/").split("/")
    if any(p in ("", ".", "..") for p in parts):
        return _("jalur dengan «..», «.» atau «//» tidak diizinkan (keluar dari folder tujuan)")
    if name == MANIFEST:
        return None
    if parts[0] not in (DATABASE_DIR, MEDIA_DIR) or len(parts) < 2:
        return _("hanya manifest.json, database/… dan media/… yang boleh ada di arsip")
    return None


class _Hashing(io.RawIOBase):
    """A reader that hashes what passes through it."""

    def __init__(self, source: IO[bytes]) -> None:
        self.source = source
        self.digest = hashlib.sha256()
        self.count = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        data = self.source.read(-1 if size is None else size)
        self.digest.update(data)
        self.count += len(data)
        return data


# ----------------------------------------------------------------------------- writing


class ArchiveWriter:
    """Write an archive to ``path``: files first (hashed as archived), the manifest last."""

    def __init__(self, path: Path) -> None:
        self.path = path
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)  # mode 0600
        self._tmp = Path(tmp)
        self._raw = os.fdopen(fd, "wb")
        self._tar = tarfile.open(  # noqa: SIM115 — closed by finish() or abort()
            fileobj=self._raw, mode="w:gz", format=tarfile.PAX_FORMAT, compresslevel=6
        )
        self.entries: list[FileEntry] = []

    def add_file(self, source: Path, arcname: str) -> FileEntry:
        assert unsafe_reason(arcname) is None, arcname
        with open(source, "rb") as f:
            st = os.fstat(f.fileno())
            info = tarfile.TarInfo(arcname)
            info.size, info.mtime, info.mode = st.st_size, int(st.st_mtime), 0o644
            reader = _Hashing(f)
            self._tar.addfile(info, reader)  # reads exactly info.size bytes; raises if the file shrank
        entry = FileEntry(arcname, info.size, reader.digest.hexdigest())
        self.entries.append(entry)
        return entry

    def finish(self, manifest: Manifest) -> tuple[int, str]:
        """Write the manifest, close, move into place; returns the archive's size and SHA-256."""
        data = json.dumps(manifest.as_dict(), ensure_ascii=False, indent=2).encode("utf-8")
        info = tarfile.TarInfo(MANIFEST)
        info.size, info.mode = len(data), 0o644
        info.mtime = int(time.time())
        self._tar.addfile(info, io.BytesIO(data))
        self._tar.close()
        self._raw.flush()
        os.fsync(self._raw.fileno())
        self._raw.close()
        if self.path.exists():  # appeared while we were writing: never overwrite a file
            self.abort()
            raise BackupError(_("%(path)s sudah ada; tidak ditimpa") % {"path": self.path})
        os.rename(self._tmp, self.path)
        return self.path.stat().st_size, sha256_file(self.path)

    def abort(self) -> None:
        for closing in (self._tar.close, self._raw.close):
            with suppress(Exception):  # already failed: the partial file is removed below
                closing()
        self._tmp.unlink(missing_ok=True)


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(CHUNK), b""):
            h.update(chunk)
    return h.hexdigest()


# ----------------------------------------------------------------------------- reading


_KINDS = {
    tarfile.SYMTYPE: "tautan simbolik",
    tarfile.LNKTYPE: "tautan keras",
    tarfile.CHRTYPE: "perangkat karakter",
    tarfile.BLKTYPE: "perangkat blok",
    tarfile.FIFOTYPE: "FIFO",
}


def _members(path: Path) -> Iterator[tuple[tarfile.TarInfo, tarfile.TarFile]]:
    """The archive's members in order (streaming); use inside `_readable`.

    After the last member the gzip stream is read to its end, so its CRC-32 and length are
    checked too: tar stops quietly at a damaged header, as if the archive ended there.
    """
    with open(path, "rb") as raw, gzip.GzipFile(fileobj=raw, mode="rb") as unzipped:
        with tarfile.open(fileobj=unzipped, mode="r|") as tar:
            for member in tar:
                yield member, tar
        while unzipped.read(CHUNK):
            pass


@contextmanager
def _readable(path: Path) -> Iterator[None]:
    """A damaged archive (gzip, tar or a read error, wherever it shows) as `ArchiveError`."""
    try:
        yield
    except BackupError:
        raise
    except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
        raise ArchiveError(
            _("%(path)s: arsip rusak atau bukan arsip cadangan Sakip (.tar.gz): %(error)s")
            % {"path": path.name, "error": exc}
        ) from None


def verify(path: Path) -> Manifest:
    """Check the whole archive without writing anything; its manifest, or `ArchiveError` with every problem."""
    if not path.is_file():
        raise ArchiveError(_("%(path)s: berkas tidak ditemukan") % {"path": path})
    found: dict[str, tuple[int, str]] = {}
    manifest_data: bytes | None = None
    problems: list[str] = []
    with _readable(path):
        for member, tar in _members(path):
            name = member.name
            reason = unsafe_reason(name)
            if reason:
                problems.append(f"{name!r}: {reason}")
                continue
            if member.isdir():
                continue
            if not member.isreg():
                kind = _KINDS.get(member.type, _("jenis anggota arsip"))
                problems.append(_("%(name)s: %(kind)s tidak diizinkan") % {"name": name, "kind": kind})
                continue
            if name in found or (name == MANIFEST and manifest_data is not None):
                problems.append(_("%(name)s muncul lebih dari sekali") % {"name": name})
                continue
            source = tar.extractfile(member)
            assert source is not None
            if name == MANIFEST:
                if member.size > MAX_MANIFEST_BYTES:
                    raise ArchiveError(_("manifest.json terlalu besar"))
                manifest_data = source.read()
                continue
            reader = _Hashing(source)
            while reader.read(CHUNK):
                pass
            found[name] = (reader.count, reader.digest.hexdigest())
    if problems:
        raise ArchiveError(_("Arsip memuat anggota yang tidak aman; tidak ada yang dipulihkan"), problems)
    if manifest_data is None:
        raise ArchiveError(_("%(path)s: tidak ada manifest.json; bukan arsip cadangan Sakip") % {"path": path.name})
    manifest = Manifest.from_json(manifest_data)
    listed = {f.path: f for f in manifest.files}
    for f in manifest.files:
        got = found.get(f.path)
        if got is None:
            problems.append(_("%(path)s: tercantum di manifest tetapi tidak ada di arsip") % {"path": f.path})
        elif got[0] != f.size:
            problems.append(
                _("%(path)s: ukuran %(got)d bita, manifest %(want)d bita") % {"path": f.path, "got": got[0],
                                                                               "want": f.size}
            )
        elif got[1] != f.sha256:
            problems.append(_("%(path)s: SHA-256 tidak cocok dengan manifest (berkas berubah atau rusak)")
                            % {"path": f.path})
    for name in sorted(set(found) - set(listed)):
        problems.append(_("%(path)s: ada di arsip tetapi tidak tercantum di manifest") % {"path": name})
    if problems:
        raise ArchiveError(_("Arsip tidak utuh: isinya tidak cocok dengan manifest; tidak ada yang dipulihkan"),
                           problems)
    return manifest


def extract(path: Path, manifest: Manifest, dest: Path) -> None:
    """Write the archive's files under ``dest`` (a new, empty directory), checking each digest again."""
    root = dest.resolve()
    listed = {f.path: f for f in manifest.files}
    seen: set[str] = set()
    with _readable(path):
        for member, tar in _members(path):
            name = member.name
            if name == MANIFEST or member.isdir():
                continue
            entry = listed.get(name)
            if entry is None or unsafe_reason(name) or not member.isreg() or name in seen:
                raise ArchiveError(_("%(path)s: arsip berubah setelah diperiksa") % {"path": path.name}, [name])
            target = (root / name).resolve()
            if not target.is_relative_to(root):  # unreachable after unsafe_reason; kept as the last guard
                raise ArchiveError(_("%(name)s: jalur keluar dari folder tujuan") % {"name": name})
            target.parent.mkdir(parents=True, exist_ok=True)
            source = tar.extractfile(member)
            assert source is not None
            reader = _Hashing(source)
            with open(target, "xb") as out:
                while chunk := reader.read(CHUNK):
                    out.write(chunk)
            if reader.count != entry.size or reader.digest.hexdigest() != entry.sha256:
                raise ArchiveError(_("%(path)s: arsip berubah setelah diperiksa") % {"path": path.name}, [name])
            seen.add(name)
    if seen != set(listed):
        raise ArchiveError(_("%(path)s: arsip berubah setelah diperiksa") % {"path": path.name})
