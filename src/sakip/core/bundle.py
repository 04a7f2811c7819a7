"""The office dataset bundle: a zip with ``dataset.yaml`` and the evidence files under ``evidence/``.

`write_bundle` exports an office with its provenance (`core.provenance`) and puts each
stored evidence file at the ``path`` the document gives it. `Bundle` reads one for
`interchange.import_office`, trusting nothing: at most `MAX_MEMBERS` members, each a
plain relative name (no absolute path, no ``..``, no backslash, no link, no
encryption), only the dataset file, ``evidence/…`` and ``profile/…`` (the profile's logos and achievement
photos, each at most ``dataset.profile.MAX_FILE_BYTES`` and checked as an image when imported:
`profiles.interchange`), each evidence file at most
``SAKIP_EVIDENCE_MAX_BYTES`` (counted while reading, not taken from the zip's header),
all of them together at most ``SAKIP_BUNDLE_MAX_UNPACKED_BYTES`` (a zip bomb is refused
by its headers, and a header that lies is caught by counting), the zip's own CRC
checked. Files are never extracted by their member name: the import
reads the bytes, checks them against the document's SHA-256 and size, and stores them
through Django's storage under a name of its own.
"""

from __future__ import annotations

import shutil
import stat
import zipfile
import zlib
from typing import IO, Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from sakip.accounts.models import Office
from sakip.dataset.loader import MAX_BYTES, DatasetError, Issue, parse_text
from sakip.dataset.profile import MAX_FILE_BYTES as PROFILE_MAX_BYTES
from sakip.dataset.writer import dump_yaml
from sakip.profiles.interchange import PROFILE_DIR, bundle_files

from .interchange import export_office
from .provenance import EVIDENCE_DIR

DATASET_NAMES = ("dataset.yaml", "dataset.yml", "dataset.json")
MAX_MEMBERS = 20_000
CHUNK = 1024 * 1024


def write_bundle(office: Office, out: IO[bytes]) -> dict[str, Any]:
    """Write the office's bundle to ``out``; returns the document written as ``dataset.yaml``."""
    files: dict[str, str] = {}
    doc = export_office(office, provenance=True, files=files)
    files.update(bundle_files(doc))  # the logos and photos, their references rewritten to ``profile/<name>``
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("dataset.yaml", dump_yaml(doc))
        for path, stored in sorted(files.items()):
            with default_storage.open(stored, "rb") as src, z.open(path, "w") as dst:
                shutil.copyfileobj(src, dst, CHUNK)
    return doc


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f}".replace(".", ",")


def _unsafe(name: str) -> bool:
    parts = name.rstrip("/").split("/")
    return (not name or "\x00" in name or "\\" in name or name.startswith("/") or ":" in parts[0]
            or any(p in ("", ".", "..") for p in parts))


class Bundle:
    """A bundle being imported: its document and its evidence files (read lazily, checked)."""

    def __init__(self, source: IO[bytes], name: str) -> None:
        self.name = name
        self._unpacked = 0  # bytes read so far, against SAKIP_BUNDLE_MAX_UNPACKED_BYTES
        try:
            self.zip = zipfile.ZipFile(source)
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, OSError, ValueError):
            raise DatasetError([Issue("", _("bukan berkas zip yang sah"))], name) from None
        issues: list[Issue] = []
        if len(infos) > MAX_MEMBERS:
            raise DatasetError([Issue("", _("paket memuat lebih dari %(n)d berkas") % {"n": MAX_MEMBERS})], name)
        self.dataset: zipfile.ZipInfo | None = None
        self.evidence: dict[str, zipfile.ZipInfo] = {}
        self.profile: dict[str, zipfile.ZipInfo] = {}
        limit: int = settings.SAKIP_EVIDENCE_MAX_BYTES
        for info in infos:
            member = info.filename
            mode = info.external_attr >> 16
            if _unsafe(member):
                issues.append(Issue(member, _("jalur tidak aman (jalur absolut, «..» atau garis miring terbalik)")))
            elif stat.S_ISLNK(mode):
                issues.append(Issue(member, _("tautan simbolik tidak diizinkan")))
            elif info.flag_bits & 0x1:
                issues.append(Issue(member, _("berkas terenkripsi tidak didukung")))
            elif info.is_dir():
                continue
            elif member in DATASET_NAMES:
                if self.dataset is not None:
                    issues.append(Issue(member, _("paket memuat lebih dari satu dataset")))
                self.dataset = info
            elif member.startswith(EVIDENCE_DIR + "/"):
                if member in self.evidence:
                    issues.append(Issue(member, _("berkas tercantum dua kali")))
                if info.file_size > limit:
                    issues.append(Issue(member, _("berkas %(size)s MB, lebih besar dari batas bukti dukung %(max)s MB")
                                        % {"size": _mb(info.file_size), "max": _mb(limit)}))
                self.evidence[member] = info
            elif member.startswith(PROFILE_DIR + "/") and member.count("/") == 1:
                if member in self.profile:
                    issues.append(Issue(member, _("berkas tercantum dua kali")))
                if info.file_size > PROFILE_MAX_BYTES:
                    issues.append(Issue(member, _("gambar %(size)s MB, lebih besar dari batas %(max)s MB")
                                        % {"size": _mb(info.file_size), "max": _mb(PROFILE_MAX_BYTES)}))
                self.profile[member] = info
            else:
                issues.append(Issue(member, _("hanya dataset.yaml, evidence/… dan profile/… yang boleh ada di paket")))
        if self.dataset is None:
            issues.append(Issue("", _("paket tidak memuat dataset.yaml")))
        total = sum(info.file_size for info in infos)
        if total > settings.SAKIP_BUNDLE_MAX_UNPACKED_BYTES:
            issues.append(Issue("", _("isi paket setelah dibuka %(size)s MB, lebih dari batas %(max)s MB") % {
                "size": _mb(total), "max": _mb(settings.SAKIP_BUNDLE_MAX_UNPACKED_BYTES)}))
        if issues:
            raise DatasetError(issues, name)

    def _read(self, info: zipfile.ZipInfo, limit: int) -> bytes:
        try:
            with self.zip.open(info) as f:
                data = f.read(limit + 1)
        except (zipfile.BadZipFile, OSError, EOFError, zlib.error):  # the zip's CRC or its compressed data
            raise DatasetError([Issue(info.filename, _("berkas rusak: isinya tidak cocok dengan CRC atau ukuran yang "
                                                       "dicatat zip"))], self.name) from None
        if len(data) > limit:  # the zip's header understated the size
            raise DatasetError([Issue(info.filename, _("berkas lebih besar dari batas %(max)s MB") % {
                "max": _mb(limit)})], self.name)
        self._unpacked += len(data)
        if self._unpacked > 2 * settings.SAKIP_BUNDLE_MAX_UNPACKED_BYTES:  # each file is read twice: check, store
            raise DatasetError([Issue(info.filename, _("isi paket lebih besar dari batas"))], self.name)
        return data

    def document(self) -> Any:
        assert self.dataset is not None
        data = self._read(self.dataset, MAX_BYTES)
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise DatasetError([Issue(self.dataset.filename, _("berkas bukan teks UTF-8"))], self.name) from None
        return parse_text(text, json_format=self.dataset.filename.endswith(".json"), source=self.name)

    # -- the files, as `provenance.BundleFiles`

    def paths(self) -> set[str]:
        return set(self.evidence)

    def read(self, path: str) -> bytes | None:
        """The bytes of an evidence file (None: not in the bundle); `DatasetError` when damaged or too large."""
        info = self.evidence.get(path)
        return None if info is None else self._read(info, settings.SAKIP_EVIDENCE_MAX_BYTES)

    # -- the profile's images, as `profiles.interchange.ProfileFiles`

    def read_profile(self, path: str) -> bytes | None:
        """The bytes of a logo or photo (None: not in the bundle); `DatasetError` when damaged or too large."""
        info = self.profile.get(path)
        return None if info is None else self._read(info, PROFILE_MAX_BYTES)
