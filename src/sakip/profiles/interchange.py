"""The profile and narratives between the database and the dataset format (``core.interchange`` calls these).

Export: ``office.profile`` and, per year, ``profile`` (staff, facilities, villages, photos) and
``narratives``; import: the same keys back into `OfficeProfile`, `YearProfile` and `Narrative`.
The two are exact inverses (``tests/profiles/test_interchange.py``). Files (logos, photos) are
referenced by their stored name (media ``profile/<office id>/<random>.<ext>``); an import of a plain
dataset keeps a reference only when that file is stored and belongs to the office.

In a bundle (`core.bundle`) the files travel as ``profile/<name>`` members and the references
are rewritten to those paths (`bundle_files`). The import checks each as an image
(`images.check`: type, size, dimensions — it was re-encoded when first uploaded, so it is stored
byte for byte and the round trip is exact) and stores it under a new random name — or, when the
office already stores a file with the same bytes (a re-import), refers to that one, so a frozen
year's photos stay as they were.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Mapping
from typing import Any, Protocol, runtime_checkable

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage

from sakip.accounts.models import Office
from sakip.dataset.loader import DatasetError, Issue
from sakip.dataset.profile import MAX_FILE_BYTES, narratives_doc, references
from sakip.domain.office import Office as DomainOffice
from sakip.domain.profile import DOCUMENTS, keys_of
from sakip.domain.profile import Narrative as DomainNarrative

from . import images
from .models import Narrative, OfficeProfile, YearProfile

#: the folder of a bundle holding the profile's images
PROFILE_DIR = "profile"


@runtime_checkable
class ProfileFiles(Protocol):
    """A bundle's profile images (`core.bundle.Bundle`); a read raises `DatasetError` when damaged."""

    def read_profile(self, path: str) -> bytes | None: ...

TEXT_FIELDS = ("official_name", "address", "telephone", "email", "website", "capital")
LIST_FIELDS = ("units", "tasks", "functions", "legal_basis")
YEAR_FIELDS = ("staff", "facilities", "villages", "photos")


def clear(office: Office) -> None:
    Narrative.objects.filter(office=office).delete()
    YearProfile.objects.filter(office=office).delete()
    OfficeProfile.objects.filter(office=office).delete()


def import_profile(office: Office, doc: Mapping[str, Any], files: object = None, *, source: str = "") -> None:
    """Store ``doc``'s profile and narratives (the office's old ones are cleared first by `clear`).

    ``files``: the bundle being imported (its ``profile/…`` images are checked and stored)."""
    refs = _Refs(office, files if isinstance(files, ProfileFiles) else None, source)
    p = (doc.get("office") or {}).get("profile")
    if p:
        head = p.get("region_head") or {}
        row = OfficeProfile(
            office=office,
            region_head_name=head.get("name") or "",
            region_head_title=head.get("title") or "",
            **{k: p.get(k) or "" for k in TEXT_FIELDS},
            **{k: list(p.get(k) or []) for k in LIST_FIELDS},
        )
        for k in ("logo", "regency_logo"):
            name = refs.stored(p.get(k), f"office.profile.{k}")
            if name:
                setattr(row, k, name)
        row.save()
    for yi, y in enumerate(doc.get("years", [])):
        yp = y.get("profile")
        if yp:
            out = {k: list(yp.get(k) or []) for k in YEAR_FIELDS}
            # a photo whose file is not stored keeps its reference (the dataset's words; the documents skip it)
            out["photos"] = [
                {**ph, "file": refs.stored(ph.get("file"), f"years[{yi}].profile.photos[{pi}].file") or ph.get("file")}
                for pi, ph in enumerate(out["photos"])
            ]
            YearProfile.objects.create(office=office, year=y["year"], **out)
        rows = []
        for document, sections in (y.get("narratives") or {}).items():
            for key, value in sections.items():
                text, draft = (value, False) if isinstance(value, str) else (value["text"], bool(value.get("draft")))
                rows.append(Narrative(office=office, year=y["year"], document=document, key=key, text=text,
                                      is_draft=draft))
        if rows:
            Narrative.objects.bulk_create(rows)


class _Refs:
    """A dataset's file reference → the stored name of the office it refers to (None: no such file)."""

    def __init__(self, office: Office, files: ProfileFiles | None, source: str) -> None:
        self.office, self.files, self.source = office, files, source
        self.done: dict[str, str | None] = {}
        self._by_digest: dict[str, str] | None = None

    def stored(self, ref: str | None, where: str) -> str | None:
        if not ref:
            return None
        if ref not in self.done:
            self.done[ref] = self._resolve(ref, where)
        return self.done[ref]

    def _resolve(self, ref: str, where: str) -> str | None:
        if self.files is not None and ref.startswith(PROFILE_DIR + "/") and ref.count("/") == 1:
            data = self.files.read_profile(ref)
            if data is not None:
                return self._store(data, ref, where)
        if images.owned(self.office.pk, ref) and default_storage.exists(ref):
            return ref
        return None

    def _store(self, data: bytes, ref: str, where: str) -> str:
        try:
            fmt = images.check(data)
        except ValidationError as exc:
            raise DatasetError([Issue(where, f"{ref}: {exc.messages[0]}")], self.source) from None
        digest = hashlib.sha256(data).hexdigest()
        same = self._stored_digests().get(digest)
        if same is not None:
            return same
        from sakip.core.provenance import note_written

        name = images.store(self.office.pk, data, images.FORMATS[fmt][0])
        note_written(name)
        self._stored_digests()[digest] = name
        return name

    def _stored_digests(self) -> dict[str, str]:
        """The office's stored profile files by SHA-256 (read once, when a bundle brings an image)."""
        if self._by_digest is None:
            self._by_digest = {}
            folder = f"{images.PREFIX}/{self.office.pk}"
            try:
                names = default_storage.listdir(folder)[1] if default_storage.exists(folder) else []
            except (OSError, NotImplementedError):
                names = []
            for n in sorted(names):
                try:
                    with default_storage.open(f"{folder}/{n}", "rb") as f:
                        data = f.read(MAX_FILE_BYTES + 1)
                except OSError:
                    continue
                self._by_digest.setdefault(hashlib.sha256(data).hexdigest(), f"{folder}/{n}")
        return self._by_digest


def bundle_files(doc: dict[str, Any]) -> dict[str, str]:
    """Rewrite an exported ``doc``'s file references to their bundle paths (``profile/<name>``); bundle path →
    stored name of every file that is stored (a photo whose file is missing keeps its reference, a logo is dropped)."""
    out: dict[str, str] = {}

    def move(name: str) -> str | None:
        path = f"{PROFILE_DIR}/{name.rsplit('/', 1)[-1]}"
        if path not in out:
            if not default_storage.exists(name):
                return None
            out[path] = name
        return path

    p = (doc.get("office") or {}).get("profile")
    if p:
        for k in ("logo", "regency_logo"):
            if p.get(k):
                path = move(p[k])
                if path is None:
                    del p[k]
                else:
                    p[k] = path
    for y in doc.get("years", []):
        yp = y.get("profile")
        if yp and yp.get("photos"):
            yp["photos"] = [{**copy.deepcopy(ph), "file": move(ph["file"]) or ph["file"]} for ph in yp["photos"]]
    return out


def export_into(office: Office, doc: dict[str, Any]) -> None:
    """Add the office's profile and narratives to an exported ``doc`` (years without other data are added)."""
    row = OfficeProfile.objects.filter(office=office).first()
    if row is not None:
        p: dict[str, Any] = {k: getattr(row, k) for k in TEXT_FIELDS if getattr(row, k)}
        for k in ("logo", "regency_logo"):
            if getattr(row, k):
                p[k] = getattr(row, k).name
        if row.region_head_name:
            p["region_head"] = {"name": row.region_head_name, **({"title": row.region_head_title}
                                                                 if row.region_head_title else {})}
        p.update({k: list(getattr(row, k)) for k in LIST_FIELDS if getattr(row, k)})
        if p:
            doc["office"]["profile"] = p
    years: dict[int, dict[str, Any]] = {y["year"]: y for y in doc.get("years", [])}

    def year(y: int) -> dict[str, Any]:
        return years.setdefault(y, {"year": y})

    for yp in YearProfile.objects.filter(office=office):
        out = {k: list(getattr(yp, k)) for k in YEAR_FIELDS if getattr(yp, k)}
        if out:
            year(yp.year)["profile"] = out
    by_year: dict[int, dict[str, dict[str, DomainNarrative]]] = {}
    for n in Narrative.objects.filter(office=office):
        by_year.setdefault(n.year, {}).setdefault(n.document, {})[n.key] = DomainNarrative(n.text, n.is_draft)
    for y, narratives in by_year.items():
        out_n = narratives_doc(narratives)
        if out_n:
            year(y)["narratives"] = out_n
    doc["years"] = [years[y] for y in sorted(years)]


def known(document: str, key: str) -> bool:
    return document in DOCUMENTS and key in keys_of(document)


def stored_files(office: DomainOffice, office_id: int) -> dict[str, bytes]:
    """The stored files (media) a stored office's profile refers to, for the documents: only the office's own
    (a reference a dataset brought to another office's file is never read)."""
    out: dict[str, bytes] = {}
    for ref in references(office):
        if ref in out or not images.owned(office_id, ref):
            continue
        try:
            with default_storage.open(ref, "rb") as f:
                out[ref] = f.read(MAX_FILE_BYTES + 1)
        except (OSError, ValueError):  # a missing file: the document goes without it
            continue
        if len(out[ref]) > MAX_FILE_BYTES:
            del out[ref]
    return out
