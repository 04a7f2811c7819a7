"""``{% document_downloads office year "lkjip,matrik" [quarter] %}``: download buttons on the office pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from sakip.accounts.models import Office
from sakip.reports.batch import SUPPORTED, TITLES

from ..services import is_draft

register = template.Library()

SHORT_TITLES = {
    "lkjip": "LKjIP",
    "triwulan": "Laporan Triwulan",
    "pk": "Perjanjian Kinerja",
    "iku": "Keputusan IKU",
    "rkt": "RKT",
    "matrik": "Matrik Capaian Kinerja",
}


@register.inclusion_tag("documents/_downloads.html")
def document_downloads(office: Office, year: int | None, kinds: str, quarter: int | None = None) -> dict[str, Any]:
    """A button per document and format; each says DRAFT while its period is not approved."""
    if office is None or not year:
        return {"items": []}
    items = []
    for kind in [k.strip() for k in kinds.split(",") if k.strip() in SUPPORTED]:
        query = f"?tw={int(quarter)}" if kind == "triwulan" and quarter else ""
        items.append(
            {
                "kind": kind,
                "label": SHORT_TITLES[kind],
                "title": TITLES[kind],
                "draft": is_draft(office, kind, int(year), int(quarter) if quarter else None),
                "links": [
                    (fmt.upper(), reverse("document-download", args=[office.code, int(year), kind, fmt]) + query)
                    for fmt in SUPPORTED[kind]
                ],
            }
        )
    return {"items": items}
