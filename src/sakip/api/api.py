"""The REST API, version 1 (django-ninja; OpenAPI document at /api/openapi.json, browsable at /api/docs).

* Authentication: ``Authorization: Bearer <token>`` with a token the user made on
  /akun/token/ (or the admin in the admin site); tokens are stored hashed.
* Permissions: `sakip.accounts.access.can`, exactly as the pages — an office outside
  the user's regency is 404, an office the role may not read (or write) is 403.
* Figures: the office pages' scorecard (`sakip.regency.figures.scorecard`, i.e.
  `scorecard_for`), in the JSON of `sakip.reports.scorecard` — exact decimals as
  strings, never floats.
* Writes: quarterly realisations go through the quarterly entry's own reading and
  checks (`sakip.monitoring.entry`), budget realisations through the budget page's
  (`sakip.budgeting.edits.save_lines`); both refuse a locked period
  (`sakip.workflow.services.ensure_editable`) and store all or nothing.
* Lists are paginated: ``limit`` (1–500, default 100) and ``offset``; the answer
  carries ``count``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Router, Schema
from ninja.errors import HttpError
from ninja.security import HttpBearer
from pydantic import Field

from sakip.accounts.access import Action, can, membership_of, office_by_code, offices_for
from sakip.accounts.fast import UserBackend, read_one
from sakip.accounts.models import Membership, Office
from sakip.budgeting.models import BudgetYear
from sakip.core.i18n import error_text
from sakip.core.interchange import domain_office
from sakip.core.services import office_years
from sakip.core.web import Rollback, atomic_checked, current_plan, input_text, valid_year
from sakip.dataset.loader import DatasetError
from sakip.domain.errors import DomainError
from sakip.domain.periods import QUARTER_LABELS
from sakip.domain.scorecard import Scorecard
from sakip.monitoring import entry
from sakip.regency import figures
from sakip.reports.scorecard import aggregate_dict, budget_line_extras, dec, indicator_dict
from sakip.workflow.services import PeriodLocked, ensure_editable

from .models import ApiToken, hash_token

MAX_LIMIT = 500
_DECIMAL = re.compile(r"^-?\d+(\.\d+)?$")


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        # two plain-SQL reads (token, then its user): the ORM's compilation cost more than the queries
        found = read_one(ApiToken, "key_hash", hash_token(token))
        user = UserBackend().get_user(found.user_id) if found is not None else None  # None when inactive
        if found is None or user is None:
            return None
        found.user = user
        request.user = user
        return found


api = NinjaAPI(
    title="Sakip API",
    version="1",
    description=__doc__ or "",
    auth=TokenAuth(),
    urls_namespace="api",
)
v1 = Router()

# ----------------------------------------------------------------------------- schemas


class OfficeOut(Schema):
    code: str
    name: str
    kind: str
    url: str


class Page(Schema):
    count: int
    limit: int
    offset: int


class OfficePage(Page):
    items: list[OfficeOut]


class OfficeDetail(OfficeOut):
    regency: str
    head: str | None
    years: list[int]


class Rows(Page):
    office: str
    year: int
    items: list[dict[str, Any]]


class Achievements(Rows):
    scale: str
    office_achievement: dict[str, Any]


class Budget(Rows):
    total: dict[str, Any] | None


class RealisationIn(Schema):
    indicator: str = Field(description="Indicator code, e.g. S1.1")
    value: str | None = Field(None, description="Exact decimal text (12.5); null = not measured")
    inputs: dict[str, str | None] | None = Field(None, description="Formula inputs as exact decimal text")
    grade: str | None = Field(None, description="Qualitative indicators: the predicate")
    explanation: str | None = None


class RealisationsIn(Schema):
    rows: list[RealisationIn]


class BudgetLineIn(Schema):
    code: str = Field(description="Budget line code (a leaf line)")
    realisation: str | None = Field(description="Exact decimal text for the quarter; null = none")


class BudgetIn(Schema):
    lines: list[BudgetLineIn]


class Saved(Schema):
    saved: int
    items: list[dict[str, Any]]


class Problems(Schema):
    detail: str
    errors: dict[str, list[str]]


# ----------------------------------------------------------------------------- helpers


def _page(items: list[Any], limit: int, offset: int) -> tuple[list[Any], dict[str, int]]:
    if not 1 <= limit <= MAX_LIMIT or offset < 0:
        raise HttpError(422, _("limit harus 1–%(max)d dan offset tidak negatif") % {"max": MAX_LIMIT})
    return items[offset : offset + limit], {"count": len(items), "limit": limit, "offset": offset}


def _office(request: HttpRequest, code: str, action: Action) -> tuple[Office, Membership]:
    m = membership_of(request)
    try:
        if m is None:
            raise Office.DoesNotExist
        office = office_by_code(m.regency_id, code)
    except Office.DoesNotExist:
        raise HttpError(404, _("Perangkat daerah tidak ditemukan")) from None
    if not can(m, office, action):
        raise HttpError(403, _("Anda tidak berwenang untuk perangkat daerah ini"))
    return office, m


def _year(year: int) -> int:
    if not valid_year(year):
        raise HttpError(404, _("Tahun tidak dikenal"))
    return year


def _scorecard(office: Office, year: int, gen: str | None = None) -> Scorecard:
    try:
        sc = figures.scorecard(office, _year(year), gen)
    except (DatasetError, DomainError) as exc:
        why = error_text(exc)
        raise HttpError(409, _("Data perangkat daerah tidak dapat dihitung: %(why)s") % {"why": why}) from None
    if sc is None:
        raise HttpError(404, _("Tidak ada data"))
    return sc


def _office_out(o: Office) -> dict[str, str]:
    return {"code": o.code, "name": o.name, "kind": o.kind, "url": f"/api/v1/offices/{o.code}"}


def _exact(text: str | None, where: str) -> Decimal | None:
    """API numbers are exact decimal text with a point (``12.5``); null is "not measured"."""
    if text is None:
        return None
    if not isinstance(text, str) or not _DECIMAL.match(text.strip()):
        raise ValidationError(
            _('%(where)s: «%(text)s» bukan angka desimal yang sah untuk API (contoh: "12.5")')
            % {"where": where, "text": text}
        )
    return Decimal(text.strip())


def _kept(schema: type[Schema] | None) -> Callable[[Callable[..., Any]], Callable[..., HttpResponse]]:
    """For a read endpoint of one office whose answer is a function of the stored data and its address:
    the office is checked for this user on every request (403/404), the JSON is built, validated against
    ``schema`` and rendered once per data generation and address, then handed out as it is."""

    def decorate(endpoint: Callable[..., Any]) -> Callable[..., HttpResponse]:
        @functools.wraps(endpoint)
        def kept(request: HttpRequest, office_code: str, **kwargs: Any) -> HttpResponse:
            _office(request, office_code, "view")
            return _kept_json(request, (), schema, lambda: endpoint(request, office_code=office_code, **kwargs))

        return kept

    return decorate


def _kept_json(
    request: HttpRequest, key: tuple[Any, ...], schema: type[Schema] | None, build: Callable[[], Any]
) -> HttpResponse:
    """The JSON answer ``build()`` (validated against ``schema``), kept for the generation, address and ``key``."""

    def render() -> bytes:
        data = build()
        if schema is not None:
            data = schema.model_validate(data).model_dump()
        content = api.renderer.render(request, data, response_status=200)
        return content.encode(api.renderer.charset) if isinstance(content, str) else bytes(content)

    body = figures.kept(("api", request.get_full_path(), get_language(), *key), render)
    return HttpResponse(body, content_type=api.get_content_type())


# ----------------------------------------------------------------------------- read endpoints


@v1.get("/offices", response=OfficePage, url_name="api-offices", summary="Offices the user may read")
def offices(request: HttpRequest, limit: int = 100, offset: int = 0) -> HttpResponse:
    m = membership_of(request)
    # the list is a function of the stored data and the membership: kept for the data generation
    key = (m.regency_id, m.role, m.office_id) if m is not None else (None,)

    def build() -> dict[str, Any]:
        items, meta = _page([_office_out(o) for o in offices_for(m)], limit, offset)
        return {**meta, "items": items}

    return _kept_json(request, key, OfficePage, build)


@v1.get("/offices/{office_code}", response=OfficeDetail, url_name="api-office", summary="One office")
def office_detail(request: HttpRequest, office_code: str) -> dict[str, Any]:
    office, _m = _office(request, office_code, "view")
    return {
        **_office_out(office),
        "regency": office.regency.name,
        "head": office.head_name or None,
        "years": office_years(office),
    }


@v1.get("/offices/{office_code}/plan", url_name="api-plan", summary="The plan hierarchy: goals, objectives, indicators")
@_kept(None)
def plan(request: HttpRequest, office_code: str) -> dict[str, Any]:
    office, _m = _office(request, office_code, "view")
    if current_plan(office) is None:
        raise HttpError(404, _("Perangkat daerah ini belum mempunyai rencana strategis"))
    dom = figures.memo(figures.generation(), ("domain", office.pk), lambda: domain_office(office))
    p = dom.plan

    def ind(i: Any) -> dict[str, Any]:
        return {
            "id": i.id,
            "name": i.name,
            "unit": i.unit,
            "polarity": i.polarity.value,
            "iku": i.iku,
            "weight": dec(i.weight),
            "formula": i.formula.expression if i.formula else None,
            "targets": {str(y): _target(t) for y, t in sorted(i.targets.items())},
        }

    def program(n: Any) -> dict[str, Any]:
        return {
            "code": n.code,
            "name": n.name,
            "objectives": list(n.objectives),
            "children": [program(c) for c in n.children],
        }

    return {
        "office": office.code,
        "kind": p.kind,
        "period": {"start": p.start, "end": p.end},
        "vision": p.vision,
        "missions": list(p.missions),
        "goals": [
            {
                "id": g.id,
                "text": g.text,
                "indicators": [ind(i) for i in g.indicators],
                "objectives": [
                    {"id": o.id, "text": o.text, "weight": dec(o.weight), "indicators": [ind(i) for i in o.indicators]}
                    for o in p.objectives
                    if o.goal_id == g.id
                ],
            }
            for g in p.goals
        ],
        "programs": [program(n) for n in p.programs],
    }


def _target(t: Any) -> Any:
    from sakip.reports.scorecard import _target_json

    return _target_json(t)


@v1.get(
    "/offices/{office_code}/years/{year}/targets",
    response=Rows,
    url_name="api-targets",
    summary="Each indicator's target for the year (measurement → PK in force → plan) and its quarterly targets",
)
@_kept(Rows)
def targets(request: HttpRequest, office_code: str, year: int, limit: int = 100, offset: int = 0) -> dict[str, Any]:
    office, _m = _office(request, office_code, "view")
    sc = _scorecard(office, year)
    rows = [
        {
            "indicator": s.indicator.id,
            "name": s.indicator.name,
            "unit": s.indicator.unit,
            "in_pk": s.in_pk,
            "target": _target(s.target),
            "target_source": s.target_source,
            "quarters": [{"quarter": q.quarter, "target_to_date": dec(q.target_to_date)} for q in s.quarters],
        }
        for s in sc.indicators
    ]
    items, meta = _page(rows, limit, offset)
    return {**meta, "office": office.code, "year": sc.year, "items": items}


@v1.get(
    "/offices/{office_code}/years/{year}/realisations",
    response=Rows,
    url_name="api-realisations",
    summary="Each indicator's quarterly values, value to date and year realisation",
)
@_kept(Rows)
def realisations(
    request: HttpRequest, office_code: str, year: int, limit: int = 100, offset: int = 0
) -> dict[str, Any]:
    office, _m = _office(request, office_code, "view")
    sc = _scorecard(office, year)
    rows = [
        {
            "indicator": s.indicator.id,
            "name": s.indicator.name,
            "unit": s.indicator.unit,
            "realisation": _target(s.realisation),
            "realisation_source": s.realisation_source,
            "quarters": [
                {"quarter": q.quarter, "value": _target(q.value), "to_date": _target(q.to_date)} for q in s.quarters
            ],
            "explanation": s.explanation,
        }
        for s in sc.indicators
    ]
    items, meta = _page(rows, limit, offset)
    return {**meta, "office": office.code, "year": sc.year, "items": items}


@v1.get(
    "/offices/{office_code}/years/{year}/achievements",
    response=Achievements,
    url_name="api-achievements",
    summary="Achievements and predicates: every indicator, and the office's mean (the office dashboard's figures)",
)
@_kept(Achievements)
def achievements(
    request: HttpRequest, office_code: str, year: int, limit: int = 100, offset: int = 0
) -> dict[str, Any]:
    office, _m = _office(request, office_code, "view")
    gen = figures.generation()
    sc = _scorecard(office, year, gen)
    rows = figures.memo(gen, ("api-achievements", office.pk, year), lambda: [indicator_dict(s) for s in sc.indicators])
    items, meta = _page(rows, limit, offset)
    return {
        **meta,
        "office": office.code,
        "year": sc.year,
        "scale": sc.scale.code,
        "office_achievement": aggregate_dict(sc.office_score),
        "items": items,
    }


@v1.get(
    "/offices/{office_code}/years/{year}/budget",
    response=Budget,
    url_name="api-budget",
    summary="Budget lines: allocation, realisation (with quarters), absorption; and the total",
)
@_kept(Budget)
def budget(request: HttpRequest, office_code: str, year: int, limit: int = 100, offset: int = 0) -> dict[str, Any]:
    office, _m = _office(request, office_code, "view")
    sc = _scorecard(office, year)
    b = sc.budget
    rows = []
    if b is not None:
        for ls in b.lines:
            a = ls.amounts
            rows.append(
                {
                    "code": ls.line.code,
                    "name": ls.line.name,
                    "level": ls.line.level.value,
                    "depth": ls.depth,
                    "allocation": dec(a.allocation),
                    "realisation": dec(a.realisation),
                    "absorption": dec(ls.absorption),
                    "quarters": {str(q): dec(v) for q, v in sorted(ls.line.quarterly_realisation.items())},
                    **budget_line_extras(ls.line),
                }
            )
    total = None
    if b is not None and b.total is not None:
        total = {
            "allocation": dec(b.total.allocation),
            "realisation": dec(b.total.realisation),
            "absorption": dec(b.total.absorption),
        }
    items, meta = _page(rows, limit, offset)
    return {**meta, "office": office.code, "year": sc.year, "total": total, "items": items}


# ----------------------------------------------------------------------------- write endpoints


def _quarter(quarter: int) -> int:
    if quarter not in QUARTER_LABELS:
        raise HttpError(404, _("Triwulan tidak dikenal"))
    return quarter


def _locked(office: Office, year: int, quarter: int) -> None:
    try:
        ensure_editable(office, year, "quarter", quarter)
    except PeriodLocked as exc:
        raise HttpError(409, exc.messages[0]) from None


class _Invalid(HttpError):
    def __init__(self, message: str, errors: dict[str, list[str]]) -> None:
        super().__init__(422, message)
        self.errors = errors


@api.exception_handler(PeriodLocked)
def _period_locked(request: HttpRequest, exc: PeriodLocked) -> Any:
    """A write refused by the lock rule below an endpoint (``workflow.guard``): 409, nothing stored."""
    return api.create_response(request, {"detail": str(exc.messages[0]), "errors": {}}, status=409)


@api.exception_handler(_Invalid)
def _invalid(request: HttpRequest, exc: _Invalid) -> Any:
    return api.create_response(request, {"detail": str(exc), "errors": exc.errors}, status=422)


@v1.post(
    "/offices/{office_code}/years/{year}/quarters/{quarter}/realisations",
    response={200: Saved, 409: Problems, 422: Problems},
    url_name="api-realisations-write",
    summary="Store realisations of one quarter (all or nothing; the quarterly entry's checks)",
)
def write_realisations(
    request: HttpRequest, office_code: str, year: int, quarter: int, payload: RealisationsIn
) -> dict[str, Any]:
    office, _m = _office(request, office_code, "enter")
    _year(year)
    _quarter(quarter)
    _locked(office, year, quarter)
    if current_plan(office) is None:
        raise HttpError(404, _("Perangkat daerah ini belum mempunyai rencana strategis"))
    domain = entry.load_domain(office)
    rows = {r.indicator.code: r for r in entry.build_rows(office, year, quarter, domain)}
    errors: dict[str, list[str]] = {}
    form = QueryDict(mutable=True)
    touched: list[entry.Row] = []
    for i, item in enumerate(payload.rows):
        where = f"rows[{i}]"
        row = rows.get(item.indicator)
        if row is None:
            errors.setdefault(where, []).append(
                _("indikator «%(code)s» tidak ada dalam PK %(year)s perangkat daerah ini")
                % {"code": item.indicator, "year": year}
            )
            continue
        if row in touched:
            errors.setdefault(where, []).append(_("indikator «%(code)s» disebut dua kali") % {"code": item.indicator})
            continue
        touched.append(row)
        try:  # API numbers → the entry page's field text, so the page's own reading and checks apply
            if row.qualitative:
                form[row.field_name("g")] = item.grade or ""
            elif row.has_formula:
                for name, text in (item.inputs or {}).items():
                    if name not in entry.ind_inputs(row.definition):
                        raise ValidationError(
                            _("%(where)s: komponen «%(name)s» tidak dikenal") % {"where": where, "name": name}
                        )
                    form[row.field_name("i", name)] = input_text(_exact(text, f"{where}.inputs.{name}"))
            else:
                form[row.field_name("v")] = input_text(_exact(item.value, f"{where}.value"))
        except ValidationError as exc:
            errors.setdefault(where, []).extend(exc.messages)
        if item.explanation is not None:
            form[row.field_name("e")] = item.explanation
    if not errors:
        try:
            for row in touched:
                entry.read_row(row, form, None)
            entry.simulate(domain, year, quarter, touched)
        except (DatasetError, DomainError) as exc:
            errors.setdefault("rows", []).append(error_text(exc))
        entry.check_explanations(touched, quarter)
        for row in touched:
            if row.has_errors:
                errors[row.indicator.code] = row.all_errors
    if errors:
        raise _Invalid(_("Tidak ada yang disimpan: perbaiki %(n)d isian.") % {"n": len(errors)}, errors)
    try:
        with atomic_checked(office):
            entry.save_rows(office, year, quarter, touched, request.user)
    except Rollback as exc:
        raise _Invalid(_("Tidak ada yang disimpan."), {"rows": exc.issues}) from None
    sc = _scorecard(office, year)
    saved = {r.indicator.code for r in touched}
    return {"saved": len(touched), "items": [indicator_dict(s) for s in sc.indicators if s.indicator.id in saved]}


@v1.post(
    "/offices/{office_code}/years/{year}/quarters/{quarter}/budget",
    response={200: Saved, 409: Problems, 422: Problems},
    url_name="api-budget-write",
    summary="Store budget realisations of one quarter for leaf lines (all or nothing; the budget page's checks)",
)
def write_budget(request: HttpRequest, office_code: str, year: int, quarter: int, payload: BudgetIn) -> dict[str, Any]:
    from sakip.budgeting.edits import ordered_lines, save_lines

    office, _m = _office(request, office_code, "enter")
    _year(year)
    _quarter(quarter)
    _locked(office, year, quarter)
    by = BudgetYear.objects.filter(office=office, year=year).first()
    if by is None:
        raise HttpError(404, _("Belum ada anggaran tahun %(year)s") % {"year": year})
    ordered = ordered_lines(list(by.lines.prefetch_related("quarters", "amendments")))
    leaves = {line.code: line for line, _d, leaf in ordered if leaf}
    errors: dict[str, list[str]] = {}
    form = QueryDict(mutable=True)
    seen: set[str] = set()
    for i, item in enumerate(payload.lines):
        where = f"lines[{i}]"
        line = leaves.get(item.code)
        if line is None or item.code in seen:
            errors.setdefault(where, []).append(
                _("«%(code)s» bukan baris rincian anggaran %(year)s (atau disebut dua kali)")
                % {"code": item.code, "year": year}
            )
            continue
        seen.add(item.code)
        stored = {lq.quarter: lq.realisation for lq in line.quarters.all()}
        form[f"a-{line.pk}"] = input_text(line.allocation)  # the page sends every field of the row
        for q in QUARTER_LABELS:
            form[f"q-{line.pk}-{q}"] = input_text(stored.get(q))
        try:
            form[f"q-{line.pk}-{quarter}"] = input_text(_exact(item.realisation, f"{where}.realisation"))
        except ValidationError as exc:
            errors.setdefault(where, []).extend(exc.messages)
    if errors:
        raise _Invalid(_("Tidak ada yang disimpan: perbaiki %(n)d isian.") % {"n": len(errors)}, errors)
    page_errors: dict[str, list[str]] = {}
    problems: list[str] = []
    chosen: list[tuple[Any, int, bool]] = [(line, d, leaf) for line, d, leaf in ordered if leaf and line.code in seen]
    if not save_lines(form, office, year, chosen, page_errors, {}, problems):
        by_code = {str(line.pk): line.code for line, _d, _l in chosen}
        mapped: dict[str, list[str]] = {}
        for key, messages in page_errors.items():
            pk = key.split("-")[1] if "-" in key else key
            mapped.setdefault(by_code.get(pk, key), []).extend(messages)
        if problems:
            mapped["lines"] = problems
        raise _Invalid(_("Tidak ada yang disimpan."), mapped)
    sc = _scorecard(office, year)
    lines = [ls for ls in (sc.budget.lines if sc.budget else ()) if ls.line.code in seen]
    return {
        "saved": len(seen),
        "items": [
            {
                "code": ls.line.code,
                "allocation": dec(ls.amounts.allocation),
                "realisation": dec(ls.amounts.realisation),
                "absorption": dec(ls.absorption),
                "quarters": {str(q): dec(v) for q, v in sorted(ls.line.quarterly_realisation.items())},
            }
            for ls in lines
        ],
    }


api.add_router("/v1", v1)
