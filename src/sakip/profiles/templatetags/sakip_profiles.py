"""``{% narrative_panel office year "lkjip" %}``: what is still missing before the office can submit a document."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from sakip.accounts.models import Office
from sakip.domain.profile import DOCUMENTS

from ..services import completeness

register = template.Library()


@register.inclusion_tag("profiles/_completeness.html")
def narrative_panel(
    office: Office | None, year: int | None, document: str, quarter: int | None = None
) -> dict[str, Any]:
    """The completeness of a document's narrative sections ("LKjIP 2020: 3 bagian belum diisi") with links."""
    if document == "triwulan":
        document = f"triwulan-{int(quarter or 4)}"
    if office is None or not year or document not in DOCUMENTS:
        return {"panel": None}
    return {
        "panel": completeness(office, int(year), document),
        "url": reverse("narrative-edit", args=[office.code, int(year), document]),
    }
