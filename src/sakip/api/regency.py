"""The regency's ranking of its offices through the API (read only, issue #12).

``GET /api/v1/regency/{year}/offices``: the offices of the token owner's regency ranked by their mean
achievement, as the regency dashboard ranks them — the same rule (`regency.kept_figures.ranking` over the
kept figures; an office-year a write made dirty is computed, never read stale), for the regency roles
(administrator, planner, verifier); anyone else 403. ``?quarter=1..4`` (as of the end of that quarter; 4 or
none: the year). Numbers are exact decimal strings.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router
from ninja.errors import HttpError

from sakip.accounts.access import membership_of
from sakip.accounts.models import Office
from sakip.regency import kept_figures
from sakip.regency.views import REGENCY_ROLES, ranked

router = Router()


def _dec(value: Any) -> str | None:
    return None if value is None else format(value, "f")


@router.get("/regency/{year}/offices", url_name="api-regency-offices", summary="The regency's offices ranked")
def offices(request: HttpRequest, year: int, quarter: int | None = None) -> dict[str, Any]:
    from .api import _as_of, _token, _year

    _year(year)
    _as_of(quarter)
    membership = membership_of(request)
    if membership is None or membership.role not in REGENCY_ROLES:
        raise HttpError(403, _("Halaman ini khusus untuk peran pemda"))
    token = _token(request)
    if token is not None and token.office_id is not None:
        raise HttpError(403, _("Token ini hanya berlaku untuk satu perangkat daerah lain"))
    office_list = list(Office.objects.filter(regency_id=membership.regency_id).order_by("name"))
    figures = kept_figures.ranking(office_list, year, quarter)
    items = []
    for rank, (office, f) in enumerate(ranked(office_list, figures), start=1):
        items.append({
            "rank": rank,
            "office": office.code,
            "name": office.name,
            "achievement": _dec(f.achievement) if f else None,
            "category": f.category if f else None,
            "measured": f.measured if f else 0,
            "not_measured": f.not_measured if f else 0,
            "allocation": _dec(f.allocation) if f else None,
            "realisation": _dec(f.realisation) if f else None,
            "absorption": _dec(f.absorption) if f else None,
        })
    return {"regency": membership.regency.code, "year": year, "quarter": quarter, "items": items}
