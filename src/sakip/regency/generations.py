"""Data generations per scope: what a write changed, so that only what depends on it is computed again.

A *scope* names a part of the stored data; its *token* (a row of `DataGeneration`) changes
with every committed write to that part:

========  =====================================================================================
``*``     the structure: regencies, offices (codes, names), and any write that cannot be placed
          (raw SQL callers use `bump()` with no scope). Every reader depends on it.
``all``   every write. The readers that did not say what they depend on (the portal, documents).
``o<id>`` one office's data: plan, PK, measurements, budget, surveys, its workflow states and
          comments, its own year settings.
``r<id>`` a regency-wide setting: the regency's year settings (scale, cap) and due rules. Every
          office page of the regency depends on it.
``a<id>`` the regency's aggregate: renewed with any of its offices (and its settings); the
          regency dashboard, the API's list of offices.
``u<id>`` one user's membership.
========  =====================================================================================

A write is placed by the lock rule's own locator (`sakip.workflow.guard.RULES`: every model
whose rows feed a figure knows its office and years), else by its ``office_id`` or
``regency_id``. Model signals place saves and deletes; the bulk writes of the governed
managers (`core.guarded`) place their rows too. A reader asks `generation(*scopes)`: a
string made of the tokens of ``*`` and its scopes, read from the database at most once
per GET request in one query (the scopes a page read last time are read with the first).

Nothing is ever served from a generation older than the database's: the token of a
save is renewed after the row is written (``post_save``), of a delete in the delete's
transaction; a token is random, so a rolled-back write leaves the old token, whose
figures are still right.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import IntegrityError, connections, router, transaction
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.http import HttpRequest, HttpResponse

from .models import DataGeneration

#: Apps whose every model is office data (the profile and narratives too: the stored office the domain
#: builds, `figures.stored_domain`, holds them), and the workflow states that decide what is shown and
#: editable); plus the office-level rows of accounts and the memberships (who sees what: the
#: pages keep a user's membership for the generation, see `sakip.accounts.access.membership_of`).
WATCHED_APPS = ("planning", "agreements", "monitoring", "budgeting", "surveys", "workflow", "profiles")
WATCHED_ACCOUNTS = ("Regency", "Office", "Unit", "YearSetting", "Membership")

STRUCTURE = "*"
EVERY_WRITE = "all"
#: models whose rows are the structure every page reads (offices by code, the lists of offices)
_STRUCTURE = frozenset({"accounts.Regency", "accounts.Office"})


def office_scope(office_id: int) -> str:
    return f"o{office_id}"


def regency_scope(regency_id: int) -> str:
    return f"r{regency_id}"


def aggregate_scope(regency_id: int) -> str:
    return f"a{regency_id}"


def user_scope(user_id: int) -> str:
    return f"u{user_id}"


def office_scopes(office: Any) -> tuple[str, ...]:
    """What an office's own pages depend on: its data and its regency's settings."""
    return (office_scope(office.pk), regency_scope(office.regency_id))


# ----------------------------------------------------------------------------- reading


@dataclass
class _Request:
    """The tokens read in one GET request, and what to read with the first read."""

    hint_key: tuple[Any, ...]
    tokens: dict[str, str] = field(default_factory=dict)


_request: ContextVar[_Request | None] = ContextVar("sakip_request_generations", default=None)
#: (path, session key) -> the scopes that request read last time: read together in the first query
_hints: OrderedDict[tuple[Any, ...], frozenset[str]] = OrderedDict()
_hints_lock = threading.Lock()
MAX_HINTS = 8192

_TABLE = DataGeneration._meta.db_table  # a constant: no input in the SQL below


def _read(scopes: Iterable[str]) -> dict[str, str]:
    wanted = sorted(set(scopes))
    marks = ", ".join(["%s"] * len(wanted))
    with connections[router.db_for_read(DataGeneration)].cursor() as cursor:
        cursor.execute(f"SELECT scope, token FROM {_TABLE} WHERE scope IN ({marks})", wanted)
        found = {str(s): str(t) for s, t in cursor.fetchall()}
    return {s: found.get(s, "") for s in wanted}


def tokens(*scopes: str, fresh: bool = False) -> dict[str, str]:
    """The tokens of ``*`` and ``scopes`` (one query, or none when this GET request read them already;
    ``fresh``: read now, whatever the request read)."""
    want = {STRUCTURE, *scopes}
    state = _request.get()
    if state is None or fresh:
        return _read(want)
    missing = want - state.tokens.keys()
    if missing:
        with _hints_lock:
            hinted = _hints.get(state.hint_key, frozenset())
        state.tokens.update(_read(missing | (hinted - state.tokens.keys())))
    return {s: state.tokens[s] for s in want}


def generation(*scopes: str, fresh: bool = False) -> str:
    """The generation of what depends on ``scopes`` (with none: on every write)."""
    return joined(tokens(*(scopes or (EVERY_WRITE,)), fresh=fresh))


def joined(got: dict[str, str]) -> str:
    """The generation made of these tokens (``{scope: token}``, `tokens`)."""
    return ".".join(f"{s}:{got[s]}" for s in sorted(got))


def request_scope() -> object | None:
    """An object that stands for the current GET/HEAD request (None outside one): what one reads for the
    request can be tied to it and never used by a later request of the same thread (`accounts.fast`)."""
    return _request.get()


class GenerationMiddleware:
    """Reads the tokens at most once per GET/HEAD request (a page asks for them several times: the access
    check, the office, the figures, the panels), all in one query from the second visit of a page on. A
    write during the request (`bump`) updates them; other methods read them afresh each time."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        from django.conf import settings

        state = _Request((request.path, request.COOKIES.get(settings.SESSION_COOKIE_NAME, "")))
        reset = _request.set(state)
        try:
            return self.get_response(request)
        finally:
            _request.reset(reset)
            if state.tokens:
                with _hints_lock:
                    _hints[state.hint_key] = frozenset(state.tokens)
                    _hints.move_to_end(state.hint_key)
                    while len(_hints) > MAX_HINTS:
                        _hints.popitem(last=False)


# ----------------------------------------------------------------------------- writing


def bump_scopes(scopes: Iterable[str]) -> None:
    """New tokens for ``scopes`` and for ``all`` (two queries once the rows exist)."""
    wanted = sorted({EVERY_WRITE, *scopes})
    token = secrets.token_hex(16)
    # ``all`` first, alone: every write takes that row's lock first, so two writes never wait for each other's
    # rows in opposite orders (PostgreSQL would end one of them as a deadlock)
    done = DataGeneration.objects.filter(scope=EVERY_WRITE).update(token=token)
    done += DataGeneration.objects.filter(scope__in=[s for s in wanted if s != EVERY_WRITE]).update(token=token)
    if done < len(wanted):  # the first write of a scope; a parallel first write may make the row at the same time
        have = set(DataGeneration.objects.filter(scope__in=wanted).values_list("scope", flat=True))
        for scope in sorted(set(wanted) - have):
            try:
                with transaction.atomic():
                    DataGeneration.objects.create(scope=scope, token=token)
            except IntegrityError:
                DataGeneration.objects.filter(scope=scope).update(token=token)
    state = _request.get()
    if state is not None:  # a write inside a GET request: the rest of the request sees it
        for scope in wanted:
            if scope in state.tokens:
                state.tokens[scope] = token
    for held in _held.get():  # the blocks of `deferred` around this write: what it renewed
        held.renewed.update(dict.fromkeys(wanted, token))


def bump(office_id: int | None = None, year: int | None = None) -> None:
    """After a write the signals cannot see (raw SQL): with ``office_id`` and ``year``, that office-year's
    generation and kept figures are renewed; without, everything computed before is computed again."""
    if office_id is not None and year is not None:
        _written(Place(_for_office(office_id), office_years={(office_id, year)}))
    else:
        _seen(UNKNOWN_ROW)
        bump_scopes([STRUCTURE])


def _regency_of(office_id: int) -> int | None:
    from sakip.audit.recorder import office_regency  # read once per context, shared with the audit trail

    return office_regency(office_id)


@dataclass
class Place:
    """What a write changed: the generation scopes, and the kept figures' office-years (`kept_figures.touch`)."""

    scopes: set[str] = field(default_factory=set)
    office_years: set[tuple[int, int]] = field(default_factory=set)
    offices_from: set[tuple[int, int]] = field(default_factory=set)  # (office, year): that year and later
    regencies_from: set[tuple[int, int]] = field(default_factory=set)  # (regency, year): that year and later

    def __ior__(self, other: Place) -> Place:
        self.scopes |= other.scopes
        self.office_years |= other.office_years
        self.offices_from |= other.offices_from
        self.regencies_from |= other.regencies_from
        return self


def _for_office(office_id: int) -> set[str]:
    regency_id = _regency_of(office_id)
    if regency_id is None:  # an office being deleted: its rows go with it
        return {office_scope(office_id)}
    return {office_scope(office_id), aggregate_scope(regency_id)}


def _for_regency(regency_id: int) -> set[str]:
    return {regency_scope(regency_id), aggregate_scope(regency_id)}


def _values(instance: Model) -> dict[str, Any]:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


_EVERYTHING = 0  # a year before any: "from year 0 on" is every year


def place_of(instance: Model) -> Place:
    """What a write of ``instance`` changes."""
    label = instance._meta.label
    if label in _STRUCTURE:
        return Place({STRUCTURE})
    if label == "accounts.Membership":
        user_id = getattr(instance, "user_id", None)
        return Place({user_scope(user_id)} if user_id is not None else {STRUCTURE})
    from sakip.workflow.guard import RULES

    rule = RULES.get(label)
    if rule is not None:
        location = rule.locate(_values(instance))
        if location is None:  # a row whose parent is gone: cannot be placed
            return Place({STRUCTURE})
        if location.regency_id is not None:  # the regency's year setting: its offices, from that year on
            return Place(_for_regency(location.regency_id), regencies_from={(location.regency_id, min(location.years))})
        if location.office_id is None:
            return Place({STRUCTURE})
        scopes = _for_office(location.office_id)
        if label == "accounts.YearSetting":  # an office's own year setting: that year and the later ones
            return Place(scopes, offices_from={(location.office_id, min(location.years))})
        return Place(scopes, office_years={(location.office_id, y) for y in location.years})
    office_id: int | None
    if label == "workflow.TransitionLog":
        from sakip.workflow.models import PeriodState

        period_id = getattr(instance, "period_id", None)
        office_id = (
            PeriodState.objects.filter(pk=period_id).values_list("office_id", flat=True).first()
            if period_id is not None
            else None
        )
        return Place(_for_office(office_id) if office_id is not None else {STRUCTURE})
    office_id = getattr(instance, "office_id", None)
    if office_id is not None:  # workflow states and comments (no figure), an office's units (every year)
        units = label == "accounts.Unit"
        return Place(_for_office(office_id), offices_from={(office_id, _EVERYTHING)} if units else set())
    regency_id = getattr(instance, "regency_id", None)
    if regency_id is not None:
        return Place(_for_regency(regency_id))
    return Place({STRUCTURE})


def scopes_of(instance: Model) -> set[str]:
    """The scopes a write of ``instance`` changes."""
    return place_of(instance).scopes


#: a write whose row is not known (a bulk write, a many-to-many change, `bump`): see `watching_writes`
UNKNOWN_ROW = ("unknown", None)

_watchers: ContextVar[tuple[list[tuple[str, Model | None]], ...]] = ContextVar("sakip_write_watchers", default=())


@contextmanager
def watching_writes() -> Iterator[list[tuple[str, Model | None]]]:
    """The writes placed during the block, as ``("saved" | "deleted", instance)`` or `UNKNOWN_ROW` — for a
    check that can be narrowed to what was written (`core.web.atomic_checked`)."""
    seen: list[tuple[str, Model | None]] = []
    token = _watchers.set((*_watchers.get(), seen))
    try:
        yield seen
    finally:
        _watchers.reset(token)


def _seen(what: tuple[str, Model | None]) -> None:
    for seen in _watchers.get():
        seen.append(what)


def _written(place: Place, what: tuple[str, Model | None] = UNKNOWN_ROW) -> None:
    """After a write: its generations renewed, then its kept figures marked (in that order: see `kept_figures`);
    inside a `deferred` block, at the block's end."""
    _seen(what)
    held = _held.get()
    if held:
        held[-1].place |= place
        return
    _renew(place)


def _renew(place: Place) -> None:
    if place.scopes:
        bump_scopes(place.scopes)
    if place.office_years or place.offices_from or place.regencies_from:
        from . import kept_figures

        kept_figures.touch(place.office_years, place.offices_from, place.regencies_from)


@dataclass
class _Held:
    place: Place = field(default_factory=Place)
    renewed: dict[str, str] = field(default_factory=dict)


_held: ContextVar[tuple[_Held, ...]] = ContextVar("sakip_deferred_generations", default=())


@contextmanager
def deferred() -> Iterator[dict[str, str]]:
    """Inside a transaction: the writes of the block renew their generations and mark their kept figures once,
    together, at the block's end — not after each row.

    The rule is unchanged (renewed in the write's own transaction, after the rows are written, so nothing is
    served from an older generation than the database's); what changes is the cost. Every write takes the lock
    of the ``all`` row (and its regency's aggregate row) with its first renewal and holds it to its commit: on
    PostgreSQL, renewed at the end, the writers of a regency wait for each other only for the last statements
    of their transactions instead of for everything after their first row (a save's checks, its audit
    entries), and a save of several rows renews once (two UPDATEs and one of the kept figures, not three per
    row). The yielded dict is filled with the tokens the block renewed (``{scope: token}``: its own renewal
    and any inner block's), so the caller knows the generation its write made without reading it again.

    Nothing in the block may read a generation it has written and expect the new token (the entry save and
    `core.web.atomic_checked` read none). A block left by an exception renews nothing: its transaction
    is rolled back.
    """
    held = _Held()
    token = _held.set((*_held.get(), held))
    try:
        yield held.renewed
        _renew(held.place)  # still inside the block: the renewal is reported to it and the outer ones
    finally:
        _held.reset(token)


#: Fields whose change changes no figure: an update of only these renews the office's own pages (they show the
#: text) but not the regency's aggregate pages, and recomputes no kept figure (the kept rows hold no text).
TEXT_ONLY: dict[str, frozenset[str]] = {
    "monitoring.Quarter": frozenset({"explanation"}),
    "monitoring.IndicatorYear": frozenset({"explanation"}),
}


def _saved(sender: type[Model], instance: Model, raw: bool = False, **kwargs: Any) -> None:
    if raw:  # loaddata: the fixture's rows are bumped once by the caller if needed
        return
    from sakip.workflow.guard import CHANGED

    changed = instance.__dict__.pop(CHANGED, None)  # what the write guard found changed (an update only)
    place = place_of(instance)
    text = TEXT_ONLY.get(instance._meta.label)
    if changed is not None and text is not None and changed <= text:
        place = Place({s for s in place.scopes if not _is_aggregate(s)})
    _written(place, ("saved", instance))


def _is_aggregate(scope: str) -> bool:
    return scope.startswith("a") and scope[1:].isdigit()


_PLACED = "_sakip_generation_place"


def _deleting(sender: type[Model], instance: Model, **kwargs: Any) -> None:
    """Placed before the delete, while its parents are still stored; renewed after it (`_deleted`)."""
    setattr(instance, _PLACED, place_of(instance))


def _deleted(sender: type[Model], instance: Model, **kwargs: Any) -> None:
    placed = getattr(instance, _PLACED, None)
    _written(placed if isinstance(placed, Place) else Place({STRUCTURE}), ("deleted", instance))


def _linked(sender: type[Model], instance: Model, action: str, **kwargs: Any) -> None:
    if action.startswith("post_"):
        _written(place_of(instance))


def watched_models() -> list[type[Model]]:
    models: list[type[Model]] = []
    for label in WATCHED_APPS:
        models.extend(apps.get_app_config(label).get_models())
    models.extend(apps.get_model("accounts", name) for name in WATCHED_ACCOUNTS)
    return models


def _bulk_written(model: type[Model], rows: Sequence[Model]) -> Callable[[], None] | None:
    """Before a bulk write of a watched model: place its rows; the returned call renews their scopes."""
    place = Place()
    for row in rows:
        place |= place_of(row)
    return (lambda: _written(place)) if place.scopes else None


def connect_signals() -> None:
    from sakip.core import guarded

    watched = watched_models()
    for model in watched:
        uid = f"sakip-regency-generation-{model._meta.label_lower}"
        post_save.connect(_saved, sender=model, dispatch_uid=f"{uid}-save")
        pre_delete.connect(_deleting, sender=model, dispatch_uid=f"{uid}-deleting")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"{uid}-delete")
        for f in model._meta.local_many_to_many:
            m2m_changed.connect(_linked, sender=f.remote_field.through, dispatch_uid=f"{uid}-{f.name}")
    labels = frozenset(m._meta.label for m in watched)
    guarded.on_bulk_write(lambda model, rows: _bulk_written(model, rows) if model._meta.label in labels else None)
