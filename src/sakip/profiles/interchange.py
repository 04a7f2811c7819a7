"""The profile and narratives between the database and the dataset format (``core.interchange`` calls these).

Export: ``office.profile`` and, per year, ``profile`` (staff, facilities, villages, photos) and
``narratives``; import: the same keys back into `OfficeProfile`, `YearProfile` and `Narrative`.
The two are exact inverses (``tests/profiles/test_interchange.py``). Files (logos, photos) are
referenced by their stored name (media ``profile/<office id>/…``); an import keeps a reference
only when that file is stored.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.files.storage import default_storage

from sakip.accounts.models import Office
from sakip.dataset.profile import MAX_FILE_BYTES, narratives_doc, references
from sakip.domain.office import Office as DomainOffice
from sakip.domain.profile import DOCUMENTS, keys_of
from sakip.domain.profile import Narrative as DomainNarrative

from .models import Narrative, OfficeProfile, YearProfile

TEXT_FIELDS = ("official_name", "address", "telephone", "email", "website", "capital")
LIST_FIELDS = ("units", "tasks", "functions", "legal_basis")
YEAR_FIELDS = ("staff", "facilities", "villages", "photos")


def clear(office: Office) -> None:
    Narrative.objects.filter(office=office).delete()
    YearProfile.objects.filter(office=office).delete()
    OfficeProfile.objects.filter(office=office).delete()


def import_profile(office: Office, doc: Mapping[str, Any]) -> None:
    """Store ``doc``'s profile and narratives (the office's old ones are cleared first by `clear`)."""
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
            name = p.get(k)
            if name and default_storage.exists(name):
                setattr(row, k, name)
        row.save()
    for y in doc.get("years", []):
        yp = y.get("profile")
        if yp:
            YearProfile.objects.create(office=office, year=y["year"], **{k: list(yp.get(k) or []) for k in YEAR_FIELDS})
        rows = []
        for document, sections in (y.get("narratives") or {}).items():
            for key, value in sections.items():
                text, draft = (value, False) if isinstance(value, str) else (value["text"], bool(value.get("draft")))
                rows.append(Narrative(office=office, year=y["year"], document=document, key=key, text=text,
                                      is_draft=draft))
        if rows:
            Narrative.objects.bulk_create(rows)


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


def stored_files(office: DomainOffice) -> dict[str, bytes]:
    """The stored files (media) a stored office's profile refers to, for the documents."""
    out: dict[str, bytes] = {}
    for ref in references(office):
        if ref in out:
            continue
        try:
            with default_storage.open(ref, "rb") as f:
                out[ref] = f.read(MAX_FILE_BYTES + 1)
        except (OSError, ValueError):  # a missing file: the document goes without it
            continue
        if len(out[ref]) > MAX_FILE_BYTES:
            del out[ref]
    return out
