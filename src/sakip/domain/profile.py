"""The office profile and the narrative sections of its documents (issue #13).

The profile is what Bab I, the cover and the PK need beyond the figures: the office's
identity (official name, address, contacts, logo, the regency's capital where documents
are signed, the head of region), its organisation (units as a hierarchy, tasks and
functions, the legal basis in order) and, per year, its staff, facilities and — for a
kecamatan — villages. Narratives are the qualitative texts an operator writes per year and
document: plain paragraphs separated by a blank line, list items starting with ``- ``; never
HTML. A text carried over from the year before is a *draft* until someone edits it: the
document prints it, the completeness check counts it as not done.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .office import Person

#: the documents that have narrative sections, by code (``triwulan-N``: the Laporan Triwulan of TW N)
DOCUMENTS: tuple[str, ...] = ("lkjip", "triwulan-1", "triwulan-2", "triwulan-3", "triwulan-4")

#: the narrative sections of each kind of document, in the document's order
LKJIP_KEYS: tuple[str, ...] = (
    "latar_belakang",
    "sumber_daya",
    "isu_strategis",
    "permasalahan",
    "prestasi",
    "anggaran",
    "kesimpulan",
    "langkah",
)
TRIWULAN_KEYS: tuple[str, ...] = ("latar_belakang", "sumber_daya", "anggaran", "kesimpulan", "permasalahan", "langkah")


def keys_of(document: str) -> tuple[str, ...]:
    """The narrative sections of a document code (``lkjip`` or ``triwulan-N``)."""
    if document == "lkjip":
        return LKJIP_KEYS
    if document in DOCUMENTS:
        return TRIWULAN_KEYS
    raise ValueError(f"unknown document {document!r}")


def quarter_of(document: str) -> int | None:
    """``triwulan-2`` → 2; ``lkjip`` → None."""
    return int(document.rsplit("-", 1)[1]) if document.startswith("triwulan-") else None


@dataclass(frozen=True)
class Narrative:
    text: str
    draft: bool = False


@dataclass(frozen=True)
class OrgUnit:
    """A unit of the organisation; ``parent`` is the name of the unit above it (None: under the head)."""

    name: str
    parent: str | None = None
    head_position: str | None = None
    head_name: str | None = None


@dataclass(frozen=True)
class StaffRow:
    """A number of staff sharing what is given (any of rank, education, gender, position)."""

    count: int
    rank: str | None = None
    education: str | None = None
    gender: str | None = None
    position: str | None = None


@dataclass(frozen=True)
class Facility:
    name: str
    count: int | None = None
    condition: str | None = None


@dataclass(frozen=True)
class Village:
    name: str
    kind: str = "desa"  # desa | kelurahan
    head: str | None = None
    population: int | None = None


@dataclass(frozen=True)
class Photo:
    """An achievement photo: a file referenced by the dataset (relative path) and its caption."""

    file: str
    caption: str


@dataclass
class Profile:
    official_name: str | None = None
    address: str | None = None
    telephone: str | None = None
    email: str | None = None
    website: str | None = None
    logo: str | None = None
    regency_logo: str | None = None
    capital: str | None = None  # the regency's capital: where documents are signed
    region_head: Person | None = None  # the head of region (bupati/wali kota): name, and title as position
    units: list[OrgUnit] = field(default_factory=list)
    tasks: list[str] = field(default_factory=list)
    functions: list[str] = field(default_factory=list)
    legal_basis: list[str] = field(default_factory=list)


@dataclass
class YearProfile:
    staff: list[StaffRow] = field(default_factory=list)
    facilities: list[Facility] = field(default_factory=list)
    villages: list[Village] = field(default_factory=list)
    photos: list[Photo] = field(default_factory=list)

    def is_empty(self) -> bool:
        return not (self.staff or self.facilities or self.villages or self.photos)


# ----------------------------------------------------------------------------- texts


@dataclass(frozen=True)
class TextBlock:
    """A paragraph (``items`` empty) or a list (``items``)."""

    text: str = ""
    items: tuple[str, ...] = ()

    @property
    def is_list(self) -> bool:
        return bool(self.items)


def text_blocks(text: str) -> list[TextBlock]:
    """Plain text → paragraphs and lists: blocks are separated by a blank line; ``- `` starts a list item.

    Lines of a paragraph are joined with a space; a list item's continuation lines (not starting
    with ``- ``) join the item above.
    """
    out: list[TextBlock] = []
    for chunk in text.replace("\r\n", "\n").split("\n\n"):
        lines = [ln.strip() for ln in chunk.split("\n") if ln.strip()]
        if not lines:
            continue
        if lines[0].startswith("- "):
            items: list[str] = []
            lead: list[str] = []
            for ln in lines:
                if ln.startswith("- "):
                    items.append(ln[2:].strip())
                elif items:
                    items[-1] = f"{items[-1]} {ln}"
                else:  # pragma: no cover - the first line starts a list
                    lead.append(ln)
            out.append(TextBlock(items=tuple(items)))
        else:
            para: list[str] = []
            for i, ln in enumerate(lines):
                if ln.startswith("- "):  # a paragraph followed by a list without a blank line
                    out.append(TextBlock(" ".join(para)))
                    rest = "\n".join(lines[i:])
                    out.extend(text_blocks(rest))
                    break
                para.append(ln)
            else:
                out.append(TextBlock(" ".join(para)))
    return out


def texts_of(narratives: Mapping[str, Narrative]) -> dict[str, str]:
    """The mapping the document builders take (``{key: text}``): drafts included, empty texts left out."""
    return {k: n.text for k, n in narratives.items() if n.text.strip()}


def missing_sections(document: str, narratives: Mapping[str, Narrative]) -> list[str]:
    """The sections of a document still to write: empty, or a draft carried over and not yet edited."""
    return [
        k for k in keys_of(document) if k not in narratives or narratives[k].draft or not narratives[k].text.strip()
    ]


def carried_over(previous: Mapping[str, Narrative]) -> dict[str, Narrative]:
    """Last year's texts as this year's drafts."""
    return {k: Narrative(n.text, draft=True) for k, n in previous.items() if n.text.strip()}


def staff_table(rows: list[StaffRow], by: str) -> list[tuple[str, int]]:
    """Staff counted by one attribute (``rank``, ``education``, ``gender``, ``position``), in first-seen order."""
    totals: dict[str, int] = {}
    for r in rows:
        label = getattr(r, by)
        if label:
            totals[label] = totals.get(label, 0) + r.count
    return list(totals.items())


def staff_total(rows: list[StaffRow]) -> int:
    """How many staff the rows describe: rows may be groups of all attributes or one attribute's counts
    (a report's tables by education, by rank …), so the total is the largest of the attributes' totals."""
    totals = [sum(r.count for r in rows if getattr(r, by)) for by in ("rank", "education", "gender", "position")]
    return max([*totals, sum(r.count for r in rows if not (r.rank or r.education or r.gender or r.position))])


def unit_tree(units: list[OrgUnit]) -> list[tuple[int, OrgUnit]]:
    """The units in hierarchy order with their depth (0: directly under the head); unknown parents are roots."""
    names = {u.name for u in units}
    children: dict[str | None, list[OrgUnit]] = {}
    for u in units:
        children.setdefault(u.parent if u.parent in names else None, []).append(u)
    out: list[tuple[int, OrgUnit]] = []
    seen: set[str] = set()

    def walk(parent: str | None, depth: int) -> None:
        for u in children.get(parent, []):
            if u.name in seen:
                continue
            seen.add(u.name)
            out.append((depth, u))
            walk(u.name, depth + 1)

    walk(None, 0)
    return out
