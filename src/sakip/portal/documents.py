"""The approved documents an office publishes (as PDF) on the public portal, generated once and cached.

Which: for each of the office's years, the LKjIP once the annual report is approved; the Perjanjian
Kinerja, its Rencana Aksi and the Keputusan IKU once the year's PK is approved; the Laporan Triwulan
of each quarter once that quarter is approved — the same rule as `published` (the workflow's
`is_approved`: approved and locked). Nothing else is offered; any other request is a 404.

How: `sakip.documents.services.generate_for` (the office's own download: same builder, same data),
never marked DRAFT since the period is approved. The PDF is kept under ``MEDIA_ROOT/portal-cache/``
(never served directly) named by the office, the document and the moment the period was approved:
approved data cannot change, so the file is reused; a period unlocked and approved again is a new
moment, hence a new file (the old one is removed then).
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from sakip.accounts.models import Office
from sakip.core.services import office_years
from sakip.domain import workflow as wf
from sakip.reports.batch import TITLES
from sakip.workflow.models import PeriodState

#: the document kinds the portal offers, by the workflow step that publishes them
BY_STEP: dict[str, tuple[str, ...]] = {"annual": ("lkjip",), "pk": ("pk", "rencana-aksi", "iku")}
CACHE_DIR = "portal-cache"


@dataclass(frozen=True)
class PublicDocument:
    kind: str  # lkjip, pk, rencana-aksi, iku, triwulan
    year: int
    quarter: int | None
    approved_at: str  # the approving state's time stamp (the cache key)

    @property
    def slug(self) -> str:
        """The URL's name of the document: ``lkjip``, ``pk`` …, ``triwulan-2``."""
        return f"{self.kind}-{self.quarter}" if self.quarter else self.kind

    @property
    def title(self) -> str:
        base = TITLES[self.kind]
        return f"{base} {self.quarter}" if self.quarter else base


def published_documents(office: Office) -> list[PublicDocument]:
    """Every document the office has published, newest year first (one query of the workflow's states)."""
    years = set(office_years(office))
    out: list[PublicDocument] = []
    rows = PeriodState.objects.filter(office=office, year__in=years).order_by("-year", "step", "quarter")
    for row in rows:
        if not wf.is_approved(wf.State(row.state)):
            continue
        stamp = row.updated_at.strftime("%Y%m%d%H%M%S%f") if row.updated_at else "0"
        if row.step == "quarter" and row.quarter:
            out.append(PublicDocument("triwulan", row.year, row.quarter, stamp))
        for kind in BY_STEP.get(row.step, ()):
            out.append(PublicDocument(kind, row.year, None, stamp))
    order = {"lkjip": 0, "pk": 1, "rencana-aksi": 2, "iku": 3, "triwulan": 4}
    return sorted(out, key=lambda d: (-d.year, order[d.kind], d.quarter or 0))


def find(office: Office, year: int, slug: str) -> PublicDocument | None:
    return next((d for d in published_documents(office) if d.year == year and d.slug == slug), None)


def _cache_path(office: Office, doc: PublicDocument) -> Path:
    return Path(settings.MEDIA_ROOT) / CACHE_DIR / str(office.pk) / f"{doc.slug}-{doc.year}-{doc.approved_at}.pdf"


def cached_pdf(office: Office, doc: PublicDocument) -> bytes | None:
    """The document's PDF when it has been made (the page asks the worker for it otherwise)."""
    path = _cache_path(office, doc)
    return path.read_bytes() if path.is_file() else None


def pdf_of(office: Office, doc: PublicDocument) -> bytes:
    """The document's PDF: the cached file, else generated now and cached (`PdfError` when LibreOffice fails)."""
    path = _cache_path(office, doc)
    if path.is_file():
        return path.read_bytes()
    from sakip.documents.services import generate_for

    (generated,) = generate_for(office, doc.kind, doc.year, ("pdf",), quarter=doc.quarter)
    path.parent.mkdir(parents=True, exist_ok=True)
    for old in path.parent.glob(f"{doc.slug}-{doc.year}-*.pdf"):  # an earlier approval's file
        old.unlink(missing_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".part")
    with os.fdopen(fd, "wb") as f:
        f.write(generated.data)
    os.replace(tmp, path)  # whole or not at all, also when two requests generate it at once
    return generated.data


def file_name(office: Office, doc: PublicDocument) -> str:
    return f"{doc.slug}-{doc.year}-{office.code}.pdf"
