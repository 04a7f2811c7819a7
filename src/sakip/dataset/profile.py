"""The profile and narrative parts of a dataset (``office.profile``, ``years[].profile``, ``years[].narratives``).

Read into `sakip.domain.profile`; the loader calls these after the schema check, so the shapes
are right and only meaning is checked here (known sections per document, units' parents).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from sakip.domain.office import Office, Person
from sakip.domain.profile import (
    DOCUMENTS,
    Facility,
    Narrative,
    OrgUnit,
    Photo,
    Profile,
    StaffRow,
    Village,
    YearProfile,
    keys_of,
)

ErrorSink = Callable[[str, str], None]


def read_profile(d: Mapping[str, Any] | None, path: str, error: ErrorSink) -> Profile | None:
    if not d:
        return None
    head = d.get("region_head")
    units = [
        OrgUnit(u["name"], u.get("parent"), u.get("head_position"), u.get("head_name")) for u in d.get("units", [])
    ]
    names = [u.name for u in units]
    for i, u in enumerate(units):
        if names.count(u.name) > 1 and names.index(u.name) != i:
            error(f"{path}.units[{i}].name", f"unit '{u.name}' muncul dua kali")
        if u.parent is not None and u.parent not in names:
            error(f"{path}.units[{i}].parent", f"unit induk '{u.parent}' tidak dikenal")
        if u.parent == u.name:
            error(f"{path}.units[{i}].parent", "unit tidak boleh menjadi induk dirinya sendiri")
    return Profile(
        official_name=d.get("official_name"),
        address=d.get("address"),
        telephone=d.get("telephone"),
        email=d.get("email"),
        website=d.get("website"),
        logo=d.get("logo"),
        regency_logo=d.get("regency_logo"),
        capital=d.get("capital"),
        region_head=Person(head["name"], position=head.get("title")) if head else None,
        units=units,
        tasks=list(d.get("tasks", [])),
        functions=list(d.get("functions", [])),
        legal_basis=list(d.get("legal_basis", [])),
    )


def read_year_profile(d: Mapping[str, Any] | None) -> YearProfile | None:
    if not d:
        return None
    return YearProfile(
        staff=[
            StaffRow(r["count"], r.get("rank"), r.get("education"), r.get("gender"), r.get("position"))
            for r in d.get("staff", [])
        ],
        facilities=[Facility(f["name"], f.get("count"), f.get("condition")) for f in d.get("facilities", [])],
        villages=[
            Village(v["name"], v.get("kind", "desa"), v.get("head"), v.get("population")) for v in d.get("villages", [])
        ],
        photos=[Photo(p["file"], p["caption"]) for p in d.get("photos", [])],
    )


def read_narratives(d: Mapping[str, Any] | None, path: str, error: ErrorSink) -> dict[str, dict[str, Narrative]]:
    out: dict[str, dict[str, Narrative]] = {}
    for document, sections in (d or {}).items():
        if document not in DOCUMENTS:  # pragma: no cover - the schema's pattern
            error(f"{path}.{document}", f"dokumen '{document}' tidak dikenal")
            continue
        known = keys_of(document)
        texts: dict[str, Narrative] = {}
        for key, value in sections.items():
            if key not in known:
                error(f"{path}.{document}.{key}", f"bagian '{key}' tidak dikenal (pilih dari {', '.join(known)})")
                continue
            if isinstance(value, str):
                texts[key] = Narrative(value, False)
            else:
                texts[key] = Narrative(value["text"], value.get("draft", False))
        out[document] = texts
    return out


#: the largest file a profile may refer to (a logo, a photo)
MAX_FILE_BYTES = 5 * 1024 * 1024


def references(office: Office) -> Iterator[str]:
    """Every file the office's profile refers to (logos, achievement photos)."""
    if office.profile is not None:
        yield from (r for r in (office.profile.logo, office.profile.regency_logo) if r)
    for yd in office.years.values():
        if yd.profile is not None:
            yield from (ph.file for ph in yd.profile.photos)


def read_files(office: Office, base: Path) -> dict[str, bytes]:
    """The referenced files found under ``base`` (a dataset's folder); a missing or too large file is left out."""
    out: dict[str, bytes] = {}
    root = base.resolve()
    for ref in references(office):
        path = (root / ref).resolve()
        if root not in path.parents or not path.is_file() or path.stat().st_size > MAX_FILE_BYTES:
            continue
        out[ref] = path.read_bytes()
    return out


# ----------------------------------------------------------------------------- domain → dataset


def profile_doc(p: Profile | None) -> dict[str, Any] | None:
    """The dataset form of a profile (absent keys for what is not given)."""
    if p is None:
        return None
    out: dict[str, Any] = {
        k: getattr(p, k)
        for k in ("official_name", "address", "telephone", "email", "website", "logo", "regency_logo", "capital")
        if getattr(p, k)
    }
    if p.region_head:
        out["region_head"] = _clean({"name": p.region_head.name, "title": p.region_head.position})
    if p.units:
        out["units"] = [
            _clean({"name": u.name, "parent": u.parent, "head_position": u.head_position, "head_name": u.head_name})
            for u in p.units
        ]
    for k in ("tasks", "functions", "legal_basis"):
        if getattr(p, k):
            out[k] = list(getattr(p, k))
    return out or None


def year_profile_doc(p: YearProfile | None) -> dict[str, Any] | None:
    if p is None or p.is_empty():
        return None
    out: dict[str, Any] = {}
    if p.staff:
        out["staff"] = [
            _clean({"count": r.count, "rank": r.rank, "education": r.education, "gender": r.gender,
                    "position": r.position})
            for r in p.staff
        ]
    if p.facilities:
        out["facilities"] = [_clean({"name": f.name, "count": f.count, "condition": f.condition}) for f in p.facilities]
    if p.villages:
        out["villages"] = [
            _clean({"name": v.name, "kind": v.kind, "head": v.head, "population": v.population}) for v in p.villages
        ]
    if p.photos:
        out["photos"] = [{"file": ph.file, "caption": ph.caption} for ph in p.photos]
    return out


def narratives_doc(narratives: Mapping[str, Mapping[str, Narrative]]) -> dict[str, Any] | None:
    out: dict[str, Any] = {}
    for document in DOCUMENTS:
        sections = narratives.get(document) or {}
        texts = {
            k: ({"text": n.text, "draft": True} if n.draft else n.text)
            for k in keys_of(document)
            if (n := sections.get(k)) is not None
        }
        if texts:
            out[document] = texts
    return out or None


def _clean(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v is not None and v != ""}
