"""The REST API, version 1 (django-ninja; OpenAPI document at /api/openapi.json, browsable at /api/docs).

* Authentication: ``Authorization: Bearer <token>`` with a token the user made on
  /akun/token/ (or the admin in the admin site); tokens are stored hashed. An unknown,
  revoked or expired token, or one of an inactive user, is 401 with a JSON ``detail``.
* Permissions: `sakip.accounts.access.can`, exactly as the pages — an office outside
  the user's regency is 404, an office the role may not read (or write) is 403 — and the
  token's own limits: a read-only token is 403 on every write, a token for one office is
  403 on any other office (and lists only its own).
* Figures: the office pages' scorecard (`sakip.regency.figures.scorecard`, i.e.
  `scorecard_for`), in the JSON of `sakip.reports.scorecard` — exact decimals as
  strings, never floats. The figure endpoints take ``?quarter=1..4``: every figure as
  of the end of that quarter (the one rule, `domain.to_date`; 4 is the year).
* Writes: quarterly realisations go through the quarterly entry's own reading and
  checks (`sakip.monitoring.entry`), budget realisations through the budget page's
  (`sakip.budgeting.edits.save_lines`), quarter targets through the PK page's
  (`sakip.agreements.quarter_targets`, see `sakip.api.quarter_targets`); all refuse a
  locked period (`sakip.workflow.services.ensure_editable`) and store all or nothing.
* No lost update: every row a write changes carries the ``version`` the client read — per
  indicator and quarter in ``GET …/realisations`` (``items[].versions``), per budget line in
  ``GET …/budget`` (``items[].version``). A write without it is refused with 428; a row whose
  stored version is no longer the one sent (someone else saved it since, or made it when it
  did not exist yet) is refused with 409 — nothing of the request is stored — and the answer
  lists, per field, the value stored now, who stored it and when, and the value sent
  (``conflicts``), with the rows' current values and versions (``current``) to retry with.
  Sending the value that is stored already is no conflict.
* Lists are paginated: ``limit`` (1–500, default 100) and ``offset``; the answer
  carries ``count``.
* Numbers written (``value``, ``inputs``, ``realisation``): a JSON number (read exactly,
  never through a binary float: ``77.25`` is 77.25) or a string in the international
  format (``"77.25"``, ``"1,234.5"``); ``null`` is "not measured". NaN, Infinity,
  exponents, more than 15 digits or 6 decimals are refused with the pages' message
  (docs/security.md, "Input at the boundary"). Every refusal of a write is
  ``{"detail": ..., "errors": {where: [...]}}``; a body that is not JSON is a 400 in that shape.
* Text with NUL or another control character is refused with 400 before any endpoint
  runs (`sakip.core.boundary`).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Router, Schema
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser
from ninja.security import HttpBearer
from pydantic import Field, WithJsonSchema

from sakip.accounts.access import Action, can, membership_of, office_by_code, offices_for
from sakip.accounts.fast import UserBackend, read_one
from sakip.accounts.models import Membership, Office
from sakip.budgeting.models import BudgetLine, BudgetYear
from sakip.core.concurrency import Changed, Conflict, retrying, stale_message, token
from sakip.core.i18n import error_text
from sakip.core.interchange import domain_office
from sakip.core.services import explanation_policy, office_years
from sakip.core.web import Rollback, atomic_checked, current_plan, input_text, valid_year
from sakip.dataset.loader import DatasetError
from sakip.domain.errors import DomainError, NumberParseError
from sakip.domain.numbers import NumberFormat, check_number, parse_number
from sakip.domain.periods import QUARTER_LABELS
from sakip.domain.scorecard import Scorecard
from sakip.monitoring import entry
from sakip.regency import figures
from sakip.regency.generations import STRUCTURE, office_scopes, user_scope
from sakip.reports.scorecard import aggregate_dict, budget_line_extras, dec, indicator_dict, target_basis_dict
from sakip.workflow.services import PeriodLocked, ensure_editable

from .models import LAST_USED_EVERY, ApiToken, hash_token
from .oversight import router as oversight_router
from .profiles import router as profiles_router
from .quarter_targets import router as quarter_targets_router
from .regency import router as regency_router

MAX_LIMIT = 500


class UnreadableBody(ValueError):
    """A request body that is not JSON (or nested too deep to read): a 400 in the `Problems` shape."""


class ExactJsonParser(Parser):
    """JSON bodies with exact numbers: decimals and integers become `Decimal` from their text (no binary
    float, no limit on digits before the number rule refuses them); ``NaN``/``Infinity`` become the
    Decimal NaN/Infinity, which the number rule refuses with its own message."""

    def parse_body(self, request: HttpRequest) -> Any:
        try:
            return json.loads(request.body, parse_float=Decimal, parse_int=Decimal, parse_constant=Decimal)
        except RecursionError:
            raise UnreadableBody(_("JSON bersarang terlalu dalam")) from None
        except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError
            raise UnreadableBody(str(exc)[:120]) from None


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        # two plain-SQL reads (token, then its user): the ORM's compilation cost more than the queries
        found = read_one(ApiToken, "key_hash", hash_token(token))
        user = UserBackend().get_user(found.user_id) if found is not None else None  # None when inactive
        if found is None or user is None:
            return None
        now = timezone.now()
        if found.expires <= now:
            raise HttpError(
                401,
                _("Token API ini sudah kedaluwarsa (%(when)s); buat token baru di /akun/token/.")
                % {"when": timezone.localtime(found.expires).strftime("%Y-%m-%d %H:%M")},
            )
        if found.last_used is None or now - found.last_used >= LAST_USED_EVERY:
            # at most once a minute per token, without signals (no audit row, no new data generation)
            ApiToken.objects.filter(pk=found.pk).update(last_used=now)
            found.last_used = now
        found.user = user
        request.user = user
        return found


def _token(request: HttpRequest) -> ApiToken | None:
    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, ApiToken) else None


api = NinjaAPI(
    title="Sakip API",
    version="1",
    description=__doc__ or "",
    auth=TokenAuth(),
    urls_namespace="api",
    parser=ExactJsonParser(),
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
    quarter: int | None = Field(None, description="The quarter the figures are as of (null: the year)")
    items: list[dict[str, Any]]


class Achievements(Rows):
    scale: str
    office_achievement: dict[str, Any]


class Budget(Rows):
    total: dict[str, Any] | None


NUMBER_TEXT = (
    "A JSON number (read exactly: 12.5 is 12.5) or a string in the international format (\"12.5\", "
    "\"1,234.5\"); at most 15 digits and 6 decimals; NaN, Infinity and exponents are refused"
)
#: a number written through the API: validated by `_exact` (the one number rule), documented as number or string
ApiNumber = Annotated[
    Any,
    WithJsonSchema({"anyOf": [{"type": "number"}, {"type": "string"}, {"type": "null"}], "description": NUMBER_TEXT}),
]


class RealisationIn(Schema):
    indicator: str = Field(description="Indicator code, e.g. S1.1")
    version: str | None = Field(
        None,
        description="The row's version for this quarter, as read from GET …/realisations (items[].versions[quarter]); "
        "required (428 without it); 409 when the row changed since",
    )
    value: ApiNumber = Field(None, description=f"{NUMBER_TEXT}; null = not measured")
    inputs: dict[str, ApiNumber] | None = Field(None, description=f"Formula inputs: {NUMBER_TEXT}")
    grade: str | None = Field(None, description="Qualitative indicators: the predicate")
    explanation: str | None = Field(
        None, description="The quarter's own explanation (causes and solutions); null = left as stored"
    )


class RealisationsIn(Schema):
    rows: list[RealisationIn]


class BudgetLineIn(Schema):
    code: str = Field(description="Budget line code (a leaf line)")
    version: str | None = Field(
        None,
        description="The line's version, as read from GET …/budget (items[].version); required (428 without it); "
        "409 when the line changed since",
    )
    realisation: ApiNumber = Field(description=f"The quarter's realisation: {NUMBER_TEXT}; null = none")


class BudgetIn(Schema):
    lines: list[BudgetLineIn]


class Saved(Schema):
    saved: int
    items: list[dict[str, Any]]
    warnings: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Per indicator: stored with a warning (an explanation missing below target, rule 'peringatan')",
    )


class Problems(Schema):
    detail: str
    errors: dict[str, list[str]]


class Detail(Schema):
    detail: str


class Conflicts(Schema):
    detail: str
    conflicts: list[dict[str, Any]] = Field(
        [],
        description="Per field changed since the client's version: where, field, stored (now), yours (sent), by, at"
    )
    current: list[dict[str, Any]] = Field([], description="The rows as stored now, with their versions")


# ----------------------------------------------------------------------------- helpers


def _page(items: list[Any], limit: int, offset: int) -> tuple[list[Any], dict[str, int]]:
    if not 1 <= limit <= MAX_LIMIT or offset < 0:
        raise HttpError(422, _("limit harus 1–%(max)d dan offset tidak negatif") % {"max": MAX_LIMIT})
    return items[offset : offset + limit], {"count": len(items), "limit": limit, "offset": offset}


def _office(request: HttpRequest, code: str, action: Action) -> tuple[Office, Membership]:
    """The office ``code`` if both the user's role and the token allow ``action`` on it (else 404 / 403)."""
    m = membership_of(request)
    try:
        if m is None:
            raise Office.DoesNotExist
        office = office_by_code(m.regency_id, code)
    except Office.DoesNotExist:
        raise HttpError(404, _("Perangkat daerah tidak ditemukan")) from None
    if not can(m, office, action):
        raise HttpError(403, _("Anda tidak berwenang untuk perangkat daerah ini"))
    token = _token(request)
    if token is not None:
        if token.office_id is not None and token.office_id != office.pk:
            raise HttpError(403, _("Token ini hanya berlaku untuk satu perangkat daerah lain"))
        if action != "view" and not token.writes:
            raise HttpError(403, _("Token ini hanya untuk membaca; buat token baca-tulis untuk mengisi data"))
    return office, m


def _year(year: int) -> int:
    if not valid_year(year):
        raise HttpError(404, _("Tahun tidak dikenal"))
    return year


def _as_of(quarter: int | None) -> int | None:
    if quarter is not None and quarter not in QUARTER_LABELS:
        raise HttpError(422, _("triwulan harus 1–4"))
    return quarter


def _scorecard(office: Office, year: int, gen: str | None = None, quarter: int | None = None) -> Scorecard:
    try:
        sc = figures.scorecard(office, _year(year), gen, _as_of(quarter))
    except (DatasetError, DomainError) as exc:
        why = error_text(exc)
        raise HttpError(409, _("Data perangkat daerah tidak dapat dihitung: %(why)s") % {"why": why}) from None
    if sc is None:
        raise HttpError(404, _("Tidak ada data"))
    return sc


def _office_out(o: Office) -> dict[str, str]:
    return {"code": o.code, "name": o.name, "kind": o.kind, "url": f"/api/v1/offices/{o.code}"}


def _exact(value: Any, where: str) -> Decimal | None:
    """An API number: a JSON number (a Decimal from `ExactJsonParser`) or a string in the international
    format, checked by the one number rule (`sakip.domain.numbers`); null is "not measured"."""
    if value is None:
        return None
    try:
        if isinstance(value, str):
            return parse_number(value, NumberFormat.INTERNATIONAL, field=where)
        if isinstance(value, Decimal | int) and not isinstance(value, bool):
            return check_number(value, where)
    except NumberParseError as exc:
        raise ValidationError(error_text(exc)) from None
    raise ValidationError(
        _("%(where)s: harus angka JSON atau teks angka (contoh: 12.5 atau \"12.5\"), bukan %(kind)s")
        % {"where": where, "kind": json.dumps(value, default=str)[:40]}
    )


def _kept(schema: type[Schema] | None) -> Callable[[Callable[..., Any]], Callable[..., HttpResponse]]:
    """For a read endpoint of one office whose answer is a function of the stored data and its address:
    the office is checked for this user on every request (403/404), the JSON is built, validated against
    ``schema`` and rendered once per data generation and address, then handed out as it is."""

    def decorate(endpoint: Callable[..., Any]) -> Callable[..., HttpResponse]:
        @functools.wraps(endpoint)
        def kept(request: HttpRequest, office_code: str, **kwargs: Any) -> HttpResponse:
            office, _m = _office(request, office_code, "view")
            build = functools.partial(endpoint, request, office_code=office_code, **kwargs)
            return _kept_json(request, (), schema, build, office_scopes(office))

        return kept

    return decorate


def _kept_json(
    request: HttpRequest,
    key: tuple[Any, ...],
    schema: type[Schema] | None,
    build: Callable[[], Any],
    scopes: tuple[str, ...],
) -> HttpResponse:
    """The JSON answer ``build()`` (validated against ``schema``), kept for the generation of ``scopes`` (and
    the user's membership), address and ``key``."""

    def render() -> bytes:
        data = build()
        if schema is not None:
            data = schema.model_validate(data).model_dump()
        content = api.renderer.render(request, data, response_status=200)
        return content.encode(api.renderer.charset) if isinstance(content, str) else bytes(content)

    user = user_scope(request.user.pk) if request.user.pk is not None else STRUCTURE
    body = figures.kept(("api", request.get_full_path(), get_language(), *key), render, (*scopes, user))
    return HttpResponse(body, content_type=api.get_content_type())


# ----------------------------------------------------------------------------- read endpoints


@v1.get("/offices", response=OfficePage, url_name="api-offices", summary="Offices the user may read")
def offices(request: HttpRequest, limit: int = 100, offset: int = 0) -> HttpResponse:
    m = membership_of(request)
    token = _token(request)
    only = token.office_id if token is not None else None
    # the list is a function of the stored data, the membership and the token's reach: kept for the generation
    key = (m.regency_id, m.role, m.office_id, only) if m is not None else (None,)

    def build() -> dict[str, Any]:
        reach = [o for o in offices_for(m) if only is None or o.pk == only]
        items, meta = _page([_office_out(o) for o in reach], limit, offset)
        return {**meta, "items": items}

    return _kept_json(request, key, OfficePage, build, (STRUCTURE,))


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
    dom = figures.memo(figures.office_generation(office), ("domain", office.pk), lambda: domain_office(office))
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
    summary="Each indicator's target for the year (measurement → PK in force → plan) and its quarterly targets; "
    "?quarter=N: the targets to date",
)
@_kept(Rows)
def targets(
    request: HttpRequest, office_code: str, year: int, limit: int = 100, offset: int = 0, quarter: int | None = None
) -> dict[str, Any]:
    office, _m = _office(request, office_code, "view")
    sc = _scorecard(office, year, quarter=quarter)
    rows = [
        {
            "indicator": s.indicator.id,
            "name": s.indicator.name,
            "unit": s.indicator.unit,
            "in_pk": s.in_pk,
            "target": _target(s.target),
            "target_source": s.target_source,
            "year_target": _target(s.year_target),
            "target_basis": target_basis_dict(s),  # the PK's target beside the one used, and why (one_figure)
            "quarters": [{"quarter": q.quarter, "target_to_date": _target(q.target_to_date)} for q in s.quarters],
        }
        for s in sc.indicators
    ]
    items, meta = _page(rows, limit, offset)
    return {**meta, "office": office.code, "year": sc.year, "quarter": quarter, "items": items}


@v1.get(
    "/offices/{office_code}/years/{year}/realisations",
    response=Rows,
    url_name="api-realisations",
    summary="Quarterly values, value to date, year realisation, versions (for writes); ?quarter=N: as of TW N",
)
@_kept(Rows)
def realisations(
    request: HttpRequest, office_code: str, year: int, limit: int = 100, offset: int = 0, quarter: int | None = None
) -> dict[str, Any]:
    office, _m = _office(request, office_code, "view")
    sc = _scorecard(office, year, quarter=quarter)
    versions = entry.quarter_tokens(office, sc.year)
    explanations = entry.quarter_explanations(office, sc.year)
    absent = {q: "-/-" for q in QUARTER_LABELS}
    rows = [
        {
            "indicator": s.indicator.id,
            "name": s.indicator.name,
            "unit": s.indicator.unit,
            # what a write of the quarter sends back as the row's "version" (see the module's description)
            "versions": {str(q): v for q, v in versions.get(s.indicator.id, absent).items()},
            "realisation": _target(s.realisation),
            "realisation_source": s.realisation_source,
            "quarters": [
                {"quarter": q.quarter, "value": _target(q.value), "to_date": _target(q.to_date),
                 "explanation": explanations.get((s.indicator.id, q.quarter), "")}
                for q in s.quarters
            ],
            "explanation": s.explanation,
        }
        for s in sc.indicators
    ]
    items, meta = _page(rows, limit, offset)
    return {**meta, "office": office.code, "year": sc.year, "quarter": quarter, "items": items}


@v1.get(
    "/offices/{office_code}/years/{year}/achievements",
    response=Achievements,
    url_name="api-achievements",
    summary="Achievements and predicates: every indicator, and the office's mean (the office dashboard's figures); "
    "?quarter=N: as of TW N",
)
@_kept(Achievements)
def achievements(
    request: HttpRequest, office_code: str, year: int, limit: int = 100, offset: int = 0, quarter: int | None = None
) -> dict[str, Any]:
    office, _m = _office(request, office_code, "view")
    gen = figures.office_generation(office)
    sc = _scorecard(office, year, gen, quarter)
    rows = figures.memo(
        gen, ("api-achievements", office.pk, year, sc.quarter), lambda: [indicator_dict(s) for s in sc.indicators]
    )
    items, meta = _page(rows, limit, offset)
    return {
        **meta,
        "office": office.code,
        "year": sc.year,
        "quarter": quarter,
        "scale": sc.scale.code,
        "office_achievement": aggregate_dict(sc.office_score),
        "items": items,
    }


@v1.get(
    "/offices/{office_code}/years/{year}/budget",
    response=Budget,
    url_name="api-budget",
    summary="Budget lines: allocation, realisation (with quarters), absorption, version; total; ?quarter=N: to date",
)
@_kept(Budget)
def budget(
    request: HttpRequest, office_code: str, year: int, limit: int = 100, offset: int = 0, quarter: int | None = None
) -> dict[str, Any]:
    office, _m = _office(request, office_code, "view")
    sc = _scorecard(office, year, quarter=quarter)
    b = sc.budget
    rows = []
    if b is not None:
        versions = {
            code: f"{pk}.{version}"
            for pk, version, code in BudgetLine.objects.filter(budget__office=office, budget__year=sc.year).values_list(
                "pk", "version", "code"
            )
        }
        for ls in b.lines:
            a = ls.amounts
            rows.append(
                {
                    "code": ls.line.code,
                    "version": versions.get(ls.line.code, "-"),  # what a write sends back (module description)
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
    return {**meta, "office": office.code, "year": sc.year, "quarter": quarter, "total": total, "items": items}


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


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> Any:
    """django-ninja's refusals as ``{"detail": ...}``; a body it could not parse (it raises its own English
    "Cannot parse request body" from our parser's `UnreadableBody`) in the `Problems` shape, in Indonesian."""
    if isinstance(exc.__cause__, UnreadableBody):
        detail = _("Isi permintaan bukan JSON yang dapat dibaca.")
        return api.create_response(request, {"detail": detail, "errors": {"body": [str(exc.__cause__)]}}, status=400)
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


@api.exception_handler(NinjaValidationError)
def _invalid_request(request: HttpRequest, exc: NinjaValidationError) -> Any:
    """A request that does not fit its schema: the same shape as every other refusal (`Problems`)."""
    errors: dict[str, list[str]] = {}
    for e in exc.errors:
        where = ".".join(str(p) for p in e.get("loc", ())) or "request"
        errors.setdefault(where, []).append(str(e.get("msg", "")))
    return api.create_response(
        request, {"detail": _("Permintaan tidak sesuai skema API."), "errors": errors}, status=422
    )


@v1.post(
    "/offices/{office_code}/years/{year}/quarters/{quarter}/realisations",
    response={200: Saved, 409: Conflicts, 422: Problems, 428: Detail},
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
    _require_versions([item.version for item in payload.rows])
    try:
        touched = retrying(lambda: _write_realisations(request, office, year, quarter, payload))
    except Changed:
        raise HttpError(409, _("Data ini sedang diubah orang lain; tidak ada yang disimpan. Coba lagi.")) from None
    sc = _scorecard(office, year)
    saved = {r.indicator.code for r in touched}
    return {
        "saved": len(touched),
        "items": [indicator_dict(s) for s in sc.indicators if s.indicator.id in saved],
        "warnings": {r.indicator.code: r.warnings for r in touched if r.warnings},
    }


def _write_realisations(
    request: HttpRequest, office: Office, year: int, quarter: int, payload: RealisationsIn
) -> list[entry.Row]:
    """One attempt: read the stored rows, check the payload with the entry page's rules and versions, store."""
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
        form[row.field_name("ver")] = item.version or ""
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
        entry.check_explanations(touched, quarter, explanation_policy(office, year))
        for row in touched:
            if row.has_errors:
                errors[row.indicator.code] = row.all_errors
    if errors:
        raise _Invalid(_("Tidak ada yang disimpan: perbaiki %(n)d isian.") % {"n": len(errors)}, errors)
    found = entry.conflicts(touched, quarter)
    if found:
        stale = {row.indicator.code for row in touched if row.loaded != row.token}
        raise _Stale(found, [_stored_realisation(row) for row in touched if row.indicator.code in stale])
    try:
        with atomic_checked(office):
            entry.verify_unchanged(year, quarter, touched)
            entry.save_rows(office, year, quarter, touched, request.user)
    except Rollback as exc:
        raise _Invalid(_("Tidak ada yang disimpan."), {"rows": exc.issues}) from None
    return touched


def _stored_realisation(row: entry.Row) -> dict[str, Any]:
    """A row of a quarter as stored now, with its version (the 409 answer's ``current``)."""
    q, iy = row.quarter_row, row.stored
    inputs = {iv.input.name: dec(iv.value) for iv in q.inputs.all()} if q is not None and row.has_formula else None
    return {
        "indicator": row.indicator.code,
        "version": row.token,
        "value": dec(q.value) if q is not None and not row.has_formula and not row.qualitative else None,
        "inputs": inputs,
        "grade": (iy.annual_grade or None) if iy is not None and row.qualitative else None,
        "explanation": q.explanation if q is not None else "",
    }


def _stored_line(line: Any) -> dict[str, Any]:
    """A budget line as stored now, with its version (the 409 answer's ``current``)."""
    return {
        "code": line.code,
        "version": token(line),
        "allocation": dec(line.allocation),
        "quarters": {str(lq.quarter): dec(lq.realisation) for lq in line.quarters.all()},
    }


def _require_versions(versions: list[str | None]) -> None:
    if any(v is None or not v.strip() for v in versions):
        raise HttpError(
            428,
            _("Sertakan «version» setiap baris seperti dibaca dari GET (tanpa itu perubahan orang lain bisa "
              "tertimpa)."),
        )


class _Stale(HttpError):
    def __init__(self, found: list[Conflict], current: list[dict[str, Any]]) -> None:
        super().__init__(409, stale_message())
        self.found = found
        self.current = current


@api.exception_handler(_Stale)
def _stale(request: HttpRequest, exc: _Stale) -> Any:
    body = {"detail": str(exc), "conflicts": [c.as_dict() for c in exc.found], "current": exc.current}
    return api.create_response(request, body, status=409)


@v1.post(
    "/offices/{office_code}/years/{year}/quarters/{quarter}/budget",
    response={200: Saved, 409: Conflicts, 422: Problems, 428: Detail},
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
    _require_versions([item.version for item in payload.lines])
    ordered = ordered_lines(list(by.lines.prefetch_related("quarters", "amendments")))
    leaves = {line.code: line for line, _d, leaf in ordered if leaf}
    errors: dict[str, list[str]] = {}
    form = QueryDict(mutable=True)
    seen: dict[str, str] = {}  # code -> line id
    for i, item in enumerate(payload.lines):
        where = f"lines[{i}]"
        line = leaves.get(item.code)
        if line is None or item.code in seen:
            errors.setdefault(where, []).append(
                _("«%(code)s» bukan baris rincian anggaran %(year)s (atau disebut dua kali)")
                % {"code": item.code, "year": year}
            )
            continue
        seen[item.code] = str(line.pk)
        form[f"ver-{line.pk}"] = item.version or ""  # only the quarter is sent: the line's other fields stay
        try:
            form[f"q-{line.pk}-{quarter}"] = input_text(_exact(item.realisation, f"{where}.realisation"))
        except ValidationError as exc:
            errors.setdefault(where, []).extend(exc.messages)
    if errors:
        raise _Invalid(_("Tidak ada yang disimpan: perbaiki %(n)d isian.") % {"n": len(errors)}, errors)
    result = save_lines(form, office, year, set(seen))
    by_code = {pk: code for code, pk in seen.items()}
    if result.conflicts or set(seen.values()) - {str(line.pk) for line, _d, _l in result.ordered}:
        current = [_stored_line(line) for line, _d, leaf in result.ordered if leaf and line.code in seen]
        raise _Stale(result.conflicts, current)
    if not result.saved:
        mapped: dict[str, list[str]] = {}
        for key, messages in result.errors.items():
            pk = key.split("-")[1] if "-" in key else key
            mapped.setdefault(by_code.get(pk, key), []).extend(messages)
        if result.problems:
            mapped["lines"] = result.problems
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


# quarter targets (Rencana Aksi): read, and written with the PK (sakip/api/quarter_targets.py)
v1.add_router("", quarter_targets_router)
# the office profile and the narrative sections, read only (sakip/api/profiles.py)
v1.add_router("", profiles_router)
# the province / national oversight rankings, read only (sakip/api/oversight.py)
v1.add_router("", oversight_router)
# the regency's ranking of its offices, read only (sakip/api/regency.py)
v1.add_router("", regency_router)
api.add_router("/v1", v1)
