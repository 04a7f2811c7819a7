"""``{% document_downloads office year "lkjip,matrik" [quarter] %}``: download buttons on the office pages."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django import template
from django.urls import get_script_prefix, reverse

from sakip.accounts.models import Office
from sakip.reports.batch import SUPPORTED, TITLES
from sakip.workflow.web import request_states

from ..services import is_draft

register = template.Library()

SHORT_TITLES = {
    "lkjip": "LKjIP",
    "triwulan": "Laporan Triwulan",
    "pk": "Perjanjian Kinerja",
    "rencana-aksi": "Rencana Aksi",
    "iku": "Keputusan IKU",
    "rkt": "RKT",
    "matrik": "Matrik Capaian Kinerja",
}


@lru_cache(maxsize=4096)
def _links(prefix: str, code: str, year: int, kind: str, query: str) -> tuple[tuple[str, str], ...]:
    """The download links of a document (URLs depend on the script prefix and the arguments only)."""
    return tuple(
        (fmt.upper(), reverse("document-download", args=[code, year, kind, fmt]) + query) for fmt in SUPPORTED[kind]
    )


@register.inclusion_tag("documents/_downloads.html", takes_context=True)
def document_downloads(
    context: Any, office: Office, year: int | None, kinds: str, quarter: int | None = None
) -> dict[str, Any]:
    """A button per document and format; each says DRAFT while its period is not approved."""
    if office is None or not year:
        return {"items": []}
    states = request_states(context.get("request"), office)  # shared with the workflow panels of the page
    prefix = get_script_prefix()
    items = []
    for kind in [k.strip() for k in kinds.split(",") if k.strip() in SUPPORTED]:
        query = f"?tw={int(quarter)}" if kind == "triwulan" and quarter else ""
        items.append(
            {
                "kind": kind,
                "label": SHORT_TITLES[kind],
                "title": TITLES[kind],
                "draft": is_draft(office, kind, int(year), int(quarter) if quarter else None, states),
                "links": _links(prefix, office.code, int(year), kind, query),
            }
        )
    return {"items": items}
