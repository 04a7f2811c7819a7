"""Reading and writing the narratives: the sections of a document, what is missing, last year's texts as drafts.

The rules (which sections a document has, what counts as missing) are `sakip.domain.profile`;
the pages, the API and the template tag ask here.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _

from sakip.accounts.models import Office
from sakip.domain.profile import DOCUMENTS, keys_of, missing_sections
from sakip.domain.profile import Narrative as Text

from .models import Narrative

#: the sections' names as the pages show them
LABELS = {
    "latar_belakang": _("Latar belakang"),
    "sumber_daya": _("Sumber daya (uraian kepegawaian dan sarana)"),
    "isu_strategis": _("Isu strategis"),
    "permasalahan": _("Permasalahan utama"),
    "prestasi": _("Prestasi kinerja"),
    "anggaran": _("Catatan pelaksanaan anggaran"),
    "kesimpulan": _("Kesimpulan"),
    "langkah": _("Kendala dan langkah peningkatan kinerja"),
}


def document_title(document: str, year: int) -> str:
    if document == "lkjip":
        return f"LKjIP {year}"
    return f"{_('Laporan Triwulan')} {document.rsplit('-', 1)[1]} {year}"


def clean_text(text: str) -> str:
    """What is stored: plain text (tags removed), Unix line ends, no trailing spaces on a line."""
    lines = strip_tags(text.replace("\r\n", "\n").replace("\r", "\n")).split("\n")
    return "\n".join(line.rstrip() for line in lines).strip()


def sections(office: Office, year: int, document: str) -> dict[str, Narrative]:
    return {n.key: n for n in Narrative.objects.filter(office=office, year=year, document=document)}


@dataclass(frozen=True)
class Completeness:
    document: str
    year: int
    missing: tuple[str, ...]

    @property
    def title(self) -> str:
        return document_title(self.document, self.year)

    @property
    def labels(self) -> list[tuple[str, str]]:
        return [(k, str(LABELS.get(k, k))) for k in self.missing]


def completeness(office: Office, year: int, document: str) -> Completeness:
    rows = sections(office, year, document)
    texts = {k: Text(n.text, n.is_draft) for k, n in rows.items()}
    return Completeness(document, year, tuple(missing_sections(document, texts)))


def carry_over(office: Office, year: int, documents: tuple[str, ...] = DOCUMENTS) -> int:
    """Last year's texts as this year's drafts, for every section this year does not have yet; how many."""
    have = set(Narrative.objects.filter(office=office, year=year).values_list("document", "key"))
    rows = [
        Narrative(office=office, year=year, document=n.document, key=n.key, text=n.text, is_draft=True)
        for n in Narrative.objects.filter(office=office, year=year - 1, document__in=documents).order_by("pk")
        if (n.document, n.key) not in have and n.text.strip() and n.key in keys_of(n.document)
    ]
    for row in rows:  # one by one: each write passes the guard and the audit trail
        row.save()
    return len(rows)


def previous_exists(office: Office, year: int, document: str) -> bool:
    return Narrative.objects.filter(office=office, year=year - 1, document=document).exclude(text="").exists()


def files_of(office: Office) -> set[str]:
    """Every stored file the office's profile refers to (its logos, every year's achievement photos)."""
    from .models import OfficeProfile, YearProfile

    out: set[str] = set()
    p = OfficeProfile.objects.filter(office=office).first()
    if p is not None:
        out.update(f.name for f in (p.logo, p.regency_logo) if f and f.name)
    for photos in YearProfile.objects.filter(office=office).values_list("photos", flat=True):
        out.update(ph["file"] for ph in photos if isinstance(ph, dict) and ph.get("file"))
    return out


def delete_unused(office: Office, name: str) -> None:
    """Remove a replaced or deleted image of the office's once nothing of the office refers to it any more (a
    re-imported bundle may have one file behind a photo of two years)."""
    from . import images

    if images.owned(office.pk, name) and name not in files_of(office):
        images.delete(name)
