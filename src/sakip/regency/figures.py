"""Office figures for the regency pages, the API and the portal: one scorecard, cached by data generation.

Every figure comes from `sakip.core.services.scorecard_for` — the office pages' own
scorecard, for the year or as of a quarter (`domain.scorecard.build_scorecard(...,
quarter=N)`) — so the regency dashboard, the API and the portal show the same numbers
as the office dashboard, quarter by quarter. Building a scorecard takes tens of milliseconds, so the
results are kept in a per-process memory keyed by the *data generation*: a token in
the database (`DataGeneration`) that every save or delete of an office's data changes
(signals connected in `RegencyConfig.ready`). A page reads the token once (one query)
and reuses what was computed for that token; after any write, every process computes
afresh. Nothing is ever served from a generation older than the database's.

Writes that bypass model signals (``QuerySet.update``, ``bulk_create``, raw SQL) on
the watched models must call `bump()` themselves.
"""

from __future__ import annotations

import copy
import os
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from django.apps import apps
from django.db import IntegrityError, connections, router, transaction
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse

from sakip.accounts.models import Office
from sakip.core.services import scorecard_for
from sakip.domain.scorecard import IndicatorScore, Scorecard

from .models import DataGeneration

T = TypeVar("T")
M = TypeVar("M", bound=Model)

#: Apps whose every model is office data (and the workflow states that decide what is shown and
#: editable); plus the office-level rows of accounts and the memberships (who sees what: the
#: pages keep a user's membership for the generation, see `sakip.accounts.access.membership_of`).
WATCHED_APPS = ("planning", "agreements", "monitoring", "budgeting", "surveys", "workflow")
WATCHED_ACCOUNTS = ("Regency", "Office", "Unit", "YearSetting", "Membership")
MAX_ENTRIES = 4096
#: Besides the count, the pages and texts kept (per process) stay under this many bytes (SAKIP_KEPT_MB).
MAX_BYTES = int(os.environ.get("SAKIP_KEPT_MB", "64")) * 1024 * 1024

_lock = threading.Lock()
_memory: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
_computing: dict[tuple[Any, ...], threading.Lock] = {}
_latest: list[str | None] = [None]  # the generation last asked for
_weights: dict[tuple[Any, ...], int] = {}  # key -> bytes, for the values that have a weight
_total = [0]  # the sum of _weights


def bump(**_kwargs: Any) -> None:
    """A new data generation: what any process computed before is not used again."""
    if _kwargs.get("raw"):  # loaddata: the fixture's rows are bumped once by the caller if needed
        return
    token = secrets.token_hex(16)
    if not DataGeneration.objects.filter(pk=1).update(token=token):
        try:  # the very first write; a parallel first write may make the row at the same time
            with transaction.atomic():
                DataGeneration.objects.create(pk=1, token=token)
        except IntegrityError:
            DataGeneration.objects.filter(pk=1).update(token=token)
    seen = _request_generation.get()
    if seen is not None:  # a write inside a GET request: the rest of the request sees it
        seen[0] = token


def watched_models() -> list[type[Model]]:
    models: list[type[Model]] = []
    for label in WATCHED_APPS:
        models.extend(apps.get_app_config(label).get_models())
    models.extend(apps.get_model("accounts", name) for name in WATCHED_ACCOUNTS)
    return models


def connect_signals() -> None:
    for model in watched_models():
        uid = f"sakip-regency-generation-{model._meta.label_lower}"
        post_save.connect(bump, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(bump, sender=model, dispatch_uid=f"{uid}-delete")
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(bump, sender=field.remote_field.through, dispatch_uid=f"{uid}-{field.name}")


def generation() -> str:
    """The current data generation (one query; once per GET request, see `GenerationMiddleware`).

    Read with plain SQL: it is read on every page, and the ORM's query compilation would
    cost more than the query itself.
    """
    seen = _request_generation.get()
    if seen is not None and seen[0] is not None:
        return seen[0]
    with connections[router.db_for_read(DataGeneration)].cursor() as cursor:
        cursor.execute(_GENERATION_SQL)
        row = cursor.fetchone()
    token = str(row[0]) if row else ""
    if seen is not None:
        seen[0] = token
    return token


#: Within a GET or HEAD request: a one-element list holding the generation read for the request.
_request_generation: ContextVar[list[str | None] | None] = ContextVar("sakip_request_generation", default=None)


class GenerationMiddleware:
    """Reads the data generation at most once per GET/HEAD request (a page asks for it several times:
    the access check, the office, the figures, the panels). A write during the request (`bump`) updates
    it; other methods read it afresh each time."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        reset = _request_generation.set([None])
        try:
            return self.get_response(request)
        finally:
            _request_generation.reset(reset)


_GENERATION_SQL = f"SELECT token FROM {DataGeneration._meta.db_table} WHERE id = 1"  # a constant: no input


def unread_generation_sql() -> tuple[list[str | None], str] | None:
    """For another statement of this GET request that can read the generation along (the session's,
    `sakip.accounts.fast`): the request's holder and the scalar query, while the request has not read it
    yet; else None. Whoever reads it puts the token in ``holder[0]`` (see `generation`)."""
    seen = _request_generation.get()
    return (seen, _GENERATION_SQL) if seen is not None and seen[0] is None else None


def request_scope() -> object | None:
    """An object that stands for the current GET/HEAD request (None outside one): what one reads for the
    request can be tied to it and never used by a later request of the same thread."""
    return _request_generation.get()


def kept(key: tuple[Any, ...], compute: Callable[[], T]) -> T:
    """``memo`` for the current generation, handing out a shallow copy of a kept model instance.

    For small lookups every request makes (the user's membership, the office by its code):
    the copy keeps a view that assigns to the instance (a form bound to it) from changing
    what other requests see.
    """
    value = memo(generation(), key, compute)
    return copy_instance(value) if isinstance(value, Model) else value


def copy_instance(obj: M) -> M:
    """A shallow copy of a model instance and of the related instances read with it (``select_related``)."""
    c = copy.copy(obj)
    cache = c._state.fields_cache
    for name, related in cache.items():
        if isinstance(related, Model):
            cache[name] = copy.copy(related)
    return c


def memo(gen: str, key: tuple[Any, ...], compute: Callable[[], T]) -> T:
    """``compute()`` once per data generation and key, in this process.

    Concurrent requests for the same key wait for the one computation (a lock per
    key) instead of all computing it at once.
    """
    full = (gen, *key)
    with _lock:
        if gen != _latest[0]:  # a new generation: what was kept for the old ones is never asked for again
            _memory.clear()
            _weights.clear()
            _total[0] = 0
            _latest[0] = gen
        if full in _memory:
            _memory.move_to_end(full)
            return _memory[full]  # type: ignore[no-any-return]
        key_lock = _computing.setdefault(full, threading.Lock())
    with key_lock:
        with _lock:
            if full in _memory:
                return _memory[full]  # type: ignore[no-any-return]
        try:
            value = compute()
        except BaseException:
            with _lock:  # nothing kept for a failed computation (a 404 for an unknown year...)
                _computing.pop(full, None)
            raise
        with _lock:
            _memory[full] = value
            _computing.pop(full, None)
            weight = _weight(value)
            if weight:
                _weights[full] = weight
                _total[0] += weight
            while len(_memory) > MAX_ENTRIES or (_total[0] > MAX_BYTES and len(_memory) > 1):
                old, _v = _memory.popitem(last=False)
                _total[0] -= _weights.pop(old, 0)
    return value


def _weight(value: Any) -> int:
    """The bytes a kept value holds, for the pages and texts that make most of the memory (else 0)."""
    if isinstance(value, bytes | str):
        return len(value)
    weight = getattr(value, "weight", 0)
    return weight if isinstance(weight, int) else 0


def clear() -> None:
    with _lock:
        _memory.clear()
        _computing.clear()
        _weights.clear()
        _total[0] = 0


# ----------------------------------------------------------------------------- scorecards


def scorecard(
    office: Office, year: int | None, gen: str | None = None, quarter: int | None = None
) -> Scorecard | None:
    """`scorecard_for(office, year, quarter)`, cached for the data generation. Do not mutate the result.

    ``quarter`` 1–3: every figure as of the end of that quarter (the one rule,
    `domain.to_date`); ``None`` or 4: the year (one cache entry: TW IV is the year).
    """
    if year is None:
        return None
    q = quarter if quarter is not None and quarter < 4 else None
    return memo(
        gen if gen is not None else generation(),
        ("scorecard", office.pk, year, q),
        lambda: scorecard_for(office, year, q),
    )


@dataclass(frozen=True)
class OfficeFigures:
    """What the regency dashboard shows of one office in one year (and quarter)."""

    office_id: int
    year: int
    quarter: int | None
    achievement: Decimal | None
    category: str | None
    color: str | None
    measured: int
    not_measured: int
    absorption: Decimal | None
    allocation: Decimal | None
    realisation: Decimal | None
    weakest: tuple[str, str, Decimal | None, str | None] | None  # (id, name, achievement, color)
    undefined: int = 0  # indicators with a realisation but no achievement (target belum ditetapkan, target 0 …)


def _weakest(scores: tuple[IndicatorScore, ...]) -> tuple[str, str, Decimal | None, str | None] | None:
    measured = [s for s in scores if s.in_pk and s.achievement.value is not None]
    if not measured:
        return None
    s = min(measured, key=lambda s: (s.achievement.value, s.indicator.id))
    return (s.indicator.id, s.indicator.name, s.achievement.value, s.color)


def _figures(office: Office, year: int, quarter: int | None, gen: str) -> OfficeFigures | None:
    sc = scorecard(office, year, gen, quarter)
    if sc is None:
        return None
    agg = sc.office_score.aggregate
    allocation = realisation = absorption = None
    if sc.budget is not None and sc.budget.total is not None:
        total = sc.budget.total
        allocation, realisation, absorption = total.allocation, total.realisation, total.absorption
    return OfficeFigures(
        office.pk,
        year,
        quarter,
        agg.value,
        sc.office_score.category,
        sc.office_score.color,
        agg.measured,
        agg.not_measured,
        absorption,
        allocation,
        realisation,
        _weakest(sc.indicators),
        agg.undefined,
    )


def office_figures(office: Office, year: int, quarter: int | None, gen: str) -> OfficeFigures | None:
    """The office's figures, computed once per data generation."""
    return memo(gen, ("figures", office.pk, year, quarter), lambda: _figures(office, year, quarter, gen))
