"""The province / national oversight figures through the API (read only, issue #12).

* ``GET /api/v1/oversight/{year}/regencies`` and ``GET /api/v1/oversight/{year}/offices``: the rankings of
  the oversight page (`sakip.province.queries`: SQL aggregates over the kept figures, a constant number of
  queries), for a user with an oversight role (`accounts.Oversight`); anyone else 403. ``?quarter=1..4``
  (as of the end of that quarter; 4 or none: the year), ``limit`` (1–500, default 100) and ``offset``;
  the offices' list takes ``?regency=<code>``. Numbers are exact decimal strings (the ranking's mean is
  over the 6-place kept values). A token limited to one office is refused (403).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router
from ninja.errors import HttpError

from sakip.accounts.models import Oversight
from sakip.province import queries

router = Router()

MAX_LIMIT = 500


def _scope(request: HttpRequest, quarter: int | None, limit: int, offset: int) -> queries.Scope:
    from .api import _as_of, _token

    pk = request.user.pk
    oversight = Oversight.objects.select_related("province").filter(user_id=pk).first() if pk is not None else None
    if oversight is None:
        raise HttpError(403, _("Halaman ini khusus untuk pengawas provinsi atau nasional"))
    token = _token(request)
    if token is not None and token.office_id is not None:
        raise HttpError(403, _("Token ini hanya berlaku untuk satu perangkat daerah lain"))
    _as_of(quarter)
    if not 1 <= limit <= MAX_LIMIT or offset < 0:
        raise HttpError(422, _("limit harus 1–500 dan offset tidak negatif"))
    return queries.Scope.of(oversight)


def _dec(value: Any) -> str | None:
    return None if value is None else str(value)


@router.get("/oversight/{year}/regencies", url_name="api-oversight-regencies", summary="Regencies ranked")
def regencies(
    request: HttpRequest, year: int, quarter: int | None = None, limit: int = 100, offset: int = 0
) -> dict[str, Any]:
    scope = _scope(request, quarter, limit, offset)
    qs = queries.regency_ranking(scope, year, quarter or 4)
    rows = list(qs[offset : offset + limit])
    return {
        "year": year,
        "quarter": quarter,
        "count": qs.count(),
        "items": [
            {
                "rank": offset + i + 1,
                "regency": r["regency_code"],
                "name": r["regency_name"],
                "province": r["province_name"],
                "mean_achievement": _dec(r["mean"]),
                "offices": r["offices"],
                "measured_offices": r["measured_offices"],
                "mean_absorption": _dec(r["absorption"]),
            }
            for i, r in enumerate(rows)
        ],
    }


@router.get("/oversight/{year}/offices", url_name="api-oversight-offices", summary="Offices ranked")
def offices(
    request: HttpRequest,
    year: int,
    quarter: int | None = None,
    regency: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> dict[str, Any]:
    scope = _scope(request, quarter, limit, offset)
    qs = queries.office_ranking(scope, year, quarter or 4, regency)
    rows = list(qs[offset : offset + limit])
    return {
        "year": year,
        "quarter": quarter,
        "count": qs.count(),
        "items": [
            {
                "rank": offset + i + 1,
                "regency": k.office.regency.code,
                "office": k.office.code,
                "name": k.office.name,
                "achievement": _dec(k.achievement),
                "category": k.category,
                "measured": k.measured,
                "not_measured": k.not_measured,
                "absorption": _dec(k.absorption),
            }
            for i, k in enumerate(rows)
        ],
    }
