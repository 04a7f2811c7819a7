"""Quarter targets (the Rencana Aksi) of an office's year through the API.

* ``GET /api/v1/offices/{code}/years/{year}/quarter-targets`` (action ``view``): each indicator of
  the PK in force (and any other with quarter targets) — its year target, the four quarter targets
  (exact decimal text, a grade, a band ``{"low", "high"}`` for an in-range indicator, or null: not
  set), ``cumulative``, the row's ``version`` and the
  domain's warnings (TW IV to date different from the year target, quarters not set).
* ``POST /api/v1/offices/{code}/years/{year}/pk/quarter-targets`` (action ``plan``, as the PK page):
  ``{"rows": [{"indicator": "S1.2", "version": "…", "cumulative": true, "quarters": {"1": "250", …}}]}``.
  A row gives all four quarters (a missing key or null: not set); ``cumulative`` null or absent
  keeps the stored choice. All or nothing: 428 when a row has no ``version``; 409 when the PK is
  frozen, when a frozen quarter's target would change, or when a row changed since its version
  was read (``conflicts`` per field, ``current`` rows to retry with); 422 with the errors per
  indicator (the PK page's checks: `sakip.agreements.quarter_targets`).

A row's version is a digest of what is stored for it (the four targets and the cumulative choice):
sending back the version read is enough to never overwrite someone else's change.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status
from pydantic import Field

from sakip.agreements import quarter_targets as qt
from sakip.agreements.models import PkVersion
from sakip.domain.measurement import Polarity, Range
from sakip.domain.periods import QUARTERS
from sakip.planning.models import Indicator
from sakip.reports.scorecard import dec

router = Router()


class QuarterTargetIn(Schema):
    indicator: str = Field(description="Indicator code, e.g. S1.2")
    version: str | None = Field(
        None,
        description="The row's version as read from GET …/quarter-targets (items[].version); required (428 without "
        "it); 409 when the row changed since",
    )
    cumulative: bool | None = Field(
        None, description="True: each quarter's target is the target to date; null keeps the stored choice"
    )
    quarters: dict[str, str | dict[str, Any] | None] = Field(
        default_factory=dict,
        description='All four quarters, "1" … "4": exact decimal text ("250", "82.5"), a grade for a qualitative '
        'indicator ("BB"), a band {"low": "80", "high": "90"} for an in-range indicator; a missing key or '
        "null = not set",
    )


class QuarterTargetsIn(Schema):
    rows: list[QuarterTargetIn]


class QuarterTargetRows(Schema):
    count: int
    limit: int
    offset: int
    office: str
    year: int
    items: list[dict[str, Any]]


class QuarterTargetsSaved(Schema):
    saved: int
    items: list[dict[str, Any]]


class QuarterTargetConflicts(Schema):
    detail: str
    conflicts: list[dict[str, Any]] = Field([], description="Per quarter changed since the client's version")
    current: list[dict[str, Any]] = Field([], description="The rows as stored now, with their versions")


class QuarterTargetProblems(Schema):
    detail: str
    errors: dict[str, list[str]]


def version_of(code: str, year: int, stored: qt.Stored | None) -> str:
    """The digest of a row as stored (its version)."""
    s = stored or qt.Stored()
    parts = [code, str(year), "c" if s.cumulative else "q"]
    parts += [_plain(s.targets.get(q)) for q in QUARTERS]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def _plain(v: qt.Value) -> str:
    if v is None:
        return "-"
    if isinstance(v, Range):
        return f"{_plain(v.low)}..{_plain(v.high)}"
    if isinstance(v, Decimal):
        return format(v.normalize(), "f")
    return v


def _api_value(v: qt.Value) -> str | dict[str, str | None] | None:
    if v is None:
        return None
    if isinstance(v, Range):
        return {"low": dec(v.low), "high": dec(v.high)}
    return v if isinstance(v, str) else dec(v)


def _pk_in_force(office: Any, year: int) -> dict[int, Any]:
    version = PkVersion.objects.filter(office=office, year=year).order_by("-number").first()
    return {t.indicator_id: t for t in version.targets.all()} if version else {}


def _rows(office: Any, year: int) -> tuple[list[Indicator], dict[int, Any], dict[int, qt.Stored]]:
    from sakip.core.web import current_plan

    plan = current_plan(office)
    indicators = list(Indicator.objects.filter(plan=plan).order_by("order", "id")) if plan else []
    pk = _pk_in_force(office, year)
    stored = qt.stored(year, indicators)
    shown = [i for i in indicators if i.pk in pk or (i.pk in stored and stored[i.pk].targets)]
    return shown, pk, stored


def _item(ind: Indicator, year: int, pk_target: Any, stored: qt.Stored | None) -> dict[str, Any]:
    from .api import _target

    s = stored or qt.Stored()
    year_target = qt.domain_target(pk_target)
    checked = qt.check(ind, s.targets, s.cumulative, year_target) if s.targets else qt.Checked()
    return {
        "indicator": ind.code,
        "name": ind.name,
        "unit": ind.unit,
        "polarity": ind.polarity,
        "rollup": ind.rollup,
        "in_pk": pk_target is not None,
        "target": _target(year_target),
        "cumulative": s.cumulative,
        "quarters": {str(q): _api_value(s.targets.get(q)) for q in QUARTERS},
        "version": version_of(ind.code, year, stored),
        "warnings": checked.warnings + checked.all_errors(),
    }


@router.get(
    "/offices/{office_code}/years/{year}/quarter-targets",
    response=QuarterTargetRows,
    url_name="api-quarter-targets",
    summary="Quarter targets (Rencana Aksi) of the PK's indicators: four targets, cumulative or not, version",
)
def read(request: HttpRequest, office_code: str, year: int, limit: int = 100, offset: int = 0) -> dict[str, Any]:
    from .api import _office, _page, _year

    office, _m = _office(request, office_code, "view")
    _year(year)
    indicators, pk, stored = _rows(office, year)
    rows = [_item(i, year, pk.get(i.pk), stored.get(i.pk)) for i in indicators]
    items, meta = _page(rows, limit, offset)
    return {**meta, "office": office.code, "year": year, "items": items}


def _value(given: str | dict[str, Any] | None, ind: Indicator, q: int, where: str) -> qt.Value:
    """API value → a quarter target: exact decimal text with a point, a grade of the indicator's scale, or
    an in-range indicator's band ``{"low", "high"}`` (each an exact number)."""
    from .api import _exact

    if given is None or (isinstance(given, str) and not given.strip()):
        return None
    if ind.polarity == Polarity.IN_RANGE.value:
        if not isinstance(given, dict) or set(given) != {"low", "high"}:
            raise ValidationError(
                _("%(where)s: target indikator rentang berupa {\"low\": …, \"high\": …}") % {"where": where}
            )
        low, high = _exact(given["low"], f"{where}.low"), _exact(given["high"], f"{where}.high")
        if low is None or high is None:
            raise ValidationError(_("%(where)s: kedua batas rentang harus diisi") % {"where": where})
        if low > high:
            raise ValidationError(_("%(where)s: batas bawah lebih besar dari batas atas") % {"where": where})
        return Range(low, high)
    if isinstance(given, dict):
        raise ValidationError(
            _("%(where)s: rentang {low, high} hanya untuk indikator rentang") % {"where": where}
        )
    if ind.polarity == "qualitative":
        return qt.parse(given, ind, q)
    return _exact(given, where)


@router.post(
    "/offices/{office_code}/years/{year}/pk/quarter-targets",
    response={
        200: QuarterTargetsSaved,
        409: QuarterTargetConflicts,
        422: QuarterTargetProblems,
        428: QuarterTargetProblems,
    },
    url_name="api-quarter-targets-write",
    summary="Store quarter targets with the PK (all or nothing; the PK page's checks; versions; the lock)",
)
def write(request: HttpRequest, office_code: str, year: int, payload: QuarterTargetsIn) -> Any:
    from sakip.core.web import Rollback, atomic_checked, current_plan
    from sakip.workflow.services import PeriodLocked, ensure_editable

    from .api import _Invalid, _office, _year

    office, _m = _office(request, office_code, "plan")
    _year(year)
    if not payload.rows:
        return {"saved": 0, "items": []}
    try:
        ensure_editable(office, year, "pk")
    except PeriodLocked as exc:
        raise HttpError(409, exc.messages[0]) from None
    if current_plan(office) is None:
        raise HttpError(404, _("Perangkat daerah ini belum mempunyai rencana strategis"))
    if any(not (r.version or "").strip() for r in payload.rows):
        return Status(428, {
            "detail": _("Sertakan «version» setiap baris seperti dibaca dari GET (tanpa itu perubahan orang lain bisa "
                        "tertimpa)."),
            "errors": {},
        })
    indicators, pk, stored = _rows(office, year)
    by_code = {i.code: i for i in indicators}
    frozen = qt.frozen_quarters(office, year)
    errors: dict[str, list[str]] = {}
    planned: list[tuple[Indicator, dict[int, qt.Value], bool]] = []
    conflicts: list[dict[str, Any]] = []
    locked: list[str] = []
    seen: set[str] = set()
    for i, row in enumerate(payload.rows):
        where = f"rows[{i}]"
        ind = by_code.get(row.indicator)
        if ind is None or ind.pk not in pk:
            errors.setdefault(where, []).append(
                _("indikator «%(code)s» tidak ada dalam PK %(year)s perangkat daerah ini")
                % {"code": row.indicator, "year": year}
            )
            continue
        if ind.code in seen:
            errors.setdefault(where, []).append(_("indikator «%(code)s» disebut dua kali") % {"code": ind.code})
            continue
        seen.add(ind.code)
        unknown = sorted(k for k in row.quarters if k not in {str(q) for q in QUARTERS})
        if unknown:
            errors.setdefault(ind.code, []).append(
                _("triwulan %(keys)s tidak dikenal (pakai \"1\" sampai \"4\")") % {"keys": ", ".join(unknown)}
            )
            continue
        before = stored.get(ind.pk)
        if row.version != version_of(ind.code, year, before):
            conflicts.append({"where": where, "indicator": ind.code, "field": "quarters",
                              "stored": _item(ind, year, pk.get(ind.pk), before)["quarters"],
                              "yours": row.quarters, "version": row.version})
            continue
        targets: dict[int, qt.Value] = {}
        try:
            for q in QUARTERS:
                targets[q] = _value(row.quarters.get(str(q)), ind, q, f"{where}.quarters.{q}")
        except ValidationError as exc:
            errors.setdefault(ind.code, []).extend(exc.messages)
            continue
        cumulative = (before.cumulative if before else False) if row.cumulative is None else row.cumulative
        checked = qt.check(ind, targets, cumulative, qt.domain_target(pk[ind.pk]))
        if not checked.ok:
            errors.setdefault(ind.code, []).extend(checked.all_errors())
            continue
        locked += [f"{ind.code}: {m}" for _q, m in qt.lock_problems(frozen, before, targets, cumulative)]
        planned.append((ind, targets, cumulative))
    if conflicts:
        current = [_item(ind, year, pk.get(ind.pk), stored.get(ind.pk)) for ind in indicators if ind.code in seen]
        return Status(409, {
            "detail": _("Target triwulan ini sudah diubah orang lain sejak dibaca; tidak ada yang disimpan. Baca "
                        "lagi (GET) dan kirim ulang dengan «version» yang baru."),
            "conflicts": conflicts,
            "current": current,
        })
    if errors:
        raise _Invalid(_("Tidak ada yang disimpan: perbaiki %(n)d isian.") % {"n": len(errors)}, errors)
    if locked:
        return Status(409, {"detail": " ".join(locked), "conflicts": [], "current": []})
    try:
        with atomic_checked(office):
            for ind, targets, cumulative in planned:
                qt.save(year, ind, targets, cumulative)
    except Rollback as exc:
        raise _Invalid(_("Tidak ada yang disimpan."), {"rows": exc.issues}) from None
    after = qt.stored(year, [ind for ind, _t, _c in planned])
    return {
        "saved": len(planned),
        "items": [_item(ind, year, pk.get(ind.pk), after.get(ind.pk)) for ind, _t, _c in planned],
    }
