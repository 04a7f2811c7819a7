"""The office profile and the narrative sections through the API (read only).

* ``GET /api/v1/offices/{code}/profile`` (action ``view``): identity and organisation, in the
  dataset format's shape (``office.profile`` of `docs/dataset-format.md`).
* ``GET /api/v1/offices/{code}/years/{year}/narratives`` (action ``view``): the year's staff,
  facilities, villages and photos (``profile``), every narrative section by document and key with
  its text, ``draft`` flag and row ``version``, and per document the sections still missing (empty,
  or a draft carried over: the completeness panel's rule).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from sakip.core.concurrency import token
from sakip.domain.profile import DOCUMENTS
from sakip.profiles import interchange, services
from sakip.profiles.models import Narrative

router = Router()


@router.get("/offices/{office_code}/profile", url_name="api-profile", summary="The office profile")
def profile(request: HttpRequest, office_code: str) -> dict[str, Any]:
    from .api import _office

    office, _m = _office(request, office_code, "view")
    doc: dict[str, Any] = {"office": {}, "years": []}
    interchange.export_into(office, doc)
    return {"office": office.code, "profile": doc["office"].get("profile") or {}}


@router.get(
    "/offices/{office_code}/years/{year}/narratives",
    url_name="api-narratives",
    summary="The year's narrative sections per document, the year's tables, what is still missing",
)
def narratives(request: HttpRequest, office_code: str, year: int) -> dict[str, Any]:
    from .api import _office, _year

    office, _m = _office(request, office_code, "view")
    _year(year)
    doc: dict[str, Any] = {"office": {}, "years": []}
    interchange.export_into(office, doc)
    year_doc: dict[str, Any] = next((y for y in doc["years"] if y["year"] == year), {})
    sections: dict[str, dict[str, Any]] = {}
    for n in Narrative.objects.filter(office=office, year=year).order_by("document", "key"):
        sections.setdefault(n.document, {})[n.key] = {"text": n.text, "draft": n.is_draft, "version": token(n)}
    return {
        "office": office.code,
        "year": year,
        "profile": year_doc.get("profile") or {},
        "documents": {
            d: {"sections": sections.get(d, {}), "missing": list(services.completeness(office, year, d).missing)}
            for d in DOCUMENTS
        },
    }
