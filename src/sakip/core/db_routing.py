"""Read-only pages from a PostgreSQL streaming replica; everything else from the primary.

Off unless ``SAKIP_REPLICA_URL`` is set (the settings then add ``DATABASES["replica"]``, the router
and the middleware; see docs/deployment.md). The rules, in one place:

* **Only a safe request reads from the replica** (GET, HEAD, OPTIONS), and only when the middleware
  said so for this request (`ReplicaMiddleware`). Outside a request — commands, the kept-figures
  thread, migrations — nothing is routed to the replica: the default is the primary.
* **Writes always go to the primary** (`db_for_write`), and so does **every read inside a
  transaction** (``transaction.atomic`` on the primary: what a transaction reads is what it decides
  on), **anything under** `primary()` (the kept-figures recompute: figures stored on the primary
  are computed from the primary's data) and **every read of a request after its first write** (a GET
  that creates a row reads it back).
* **Read-your-writes: a cookie with a time.** An unsafe request (POST, PUT, PATCH, DELETE) sets the
  cookie ``sakip_primary_until`` to now + ``SAKIP_REPLICA_STICKY_SECONDS`` (so does a GET that wrote);
  until then the same browser's GET pages read from the primary. The default window is the allowed lag
  plus the check interval plus 2 s: a replica that is read at all is at most ``SAKIP_REPLICA_MAX_LAG`` behind as of
  its last check, so once the window has passed it has replayed the user's write. Why a time and not
  the primary's WAL position (LSN): no extra query on any request (an LSN needs one on the primary
  after every write and one on the replica for every marked read), nothing to compare across
  servers, and the window is measured on one clock (the application server's) — the replica's lag is
  measured by PostgreSQL on the database servers. The cost: a writer reads from the primary for a
  few seconds after each write, a small share of the reads.
* **Fallback with a log line.** The replica is checked at most every ``SAKIP_REPLICA_CHECK_SECONDS``
  per process (one query: is it a standby, and how far behind its replay is). When it cannot be
  reached, is not a standby, or is more than ``SAKIP_REPLICA_MAX_LAG`` seconds behind, reads go to
  the primary and the logger ``sakip.replica`` says why (once per change of state). A GET that fails
  because the replica went away while it ran is run again on the primary.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from django.conf import settings
from django.db import DatabaseError, connections
from django.http import HttpRequest, HttpResponse

log = logging.getLogger("sakip.replica")

PRIMARY = "default"
REPLICA = "replica"
COOKIE = "sakip_primary_until"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass
class _Request:
    """Where the running request reads: ``replica`` when the middleware let it; ``wrote`` from its first write on."""

    replica: bool
    wrote: bool = False


#: the running request's state (a context variable: threads — the kept-figures background thread — and
#: commands start without one, so they read from the primary)
_request: ContextVar[_Request | None] = ContextVar("sakip_replica_request", default=None)
#: True under `primary()`
_pinned: ContextVar[bool] = ContextVar("sakip_primary_pinned", default=False)

F = TypeVar("F", bound=Callable[..., Any])

#: one query on the replica: is it a standby, and how many seconds is its replay behind (0 when it has
#: replayed all it received; NULL when unknown)
LAG_SQL = (
    "SELECT pg_is_in_recovery(), CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 "
    "ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) END"
)


def enabled() -> bool:
    return REPLICA in settings.DATABASES


def max_lag() -> float:
    return float(getattr(settings, "SAKIP_REPLICA_MAX_LAG", 5))


def check_seconds() -> float:
    return float(getattr(settings, "SAKIP_REPLICA_CHECK_SECONDS", 2))


def sticky_seconds() -> float:
    configured = getattr(settings, "SAKIP_REPLICA_STICKY_SECONDS", None)
    return float(configured) if configured is not None else max_lag() + check_seconds() + 2


# ----------------------------------------------------------------------------- the router


class ReplicaRouter:
    """``DATABASE_ROUTERS``: reads to the replica only where `reads_on_replica` says so; writes, migrations
    and reads in a transaction to the primary."""

    def db_for_read(self, model: type[Any], **hints: Any) -> str:
        return REPLICA if reads_on_replica() else PRIMARY

    def db_for_write(self, model: type[Any], **hints: Any) -> str:
        state = _request.get()
        if state is not None:  # a request that writes reads what it wrote: from the primary from now on
            state.wrote = True
        return PRIMARY

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        # one database seen twice: an object read from the replica may be linked to one from the primary
        if {obj1._state.db, obj2._state.db} <= {PRIMARY, REPLICA, None}:
            return True
        return None

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool | None:
        return db == PRIMARY  # the replica replays the primary's migrations itself


def reads_on_replica() -> bool:
    """Whether a read now goes to the replica: in a request let onto it that has not written yet, not in a
    transaction, not under `primary()`."""
    state = _request.get()
    return (
        state is not None
        and state.replica
        and not state.wrote
        and not _pinned.get()
        and not connections[PRIMARY].in_atomic_block
    )


@contextlib.contextmanager
def primary() -> Iterator[None]:
    """Every read in the block from the primary (what is computed from it is written there)."""
    token = _pinned.set(True)
    try:
        yield
    finally:
        _pinned.reset(token)


def on_primary(func: F) -> F:
    """`primary()` around a function."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with primary():
            return func(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


@contextlib.contextmanager
def request_reads(replica: bool) -> Iterator[_Request]:
    """One request's reads: from the replica (``replica``, until it writes) or from the primary."""
    state = _Request(replica)
    token = _request.set(state)
    try:
        yield state
    finally:
        _request.reset(token)


def replica_reads() -> contextlib.AbstractContextManager[_Request]:
    """Reads in the block from the replica, as in a GET page the middleware let onto it."""
    return request_reads(True)


# ----------------------------------------------------------------------------- the replica's health


@dataclass(frozen=True)
class Health:
    kind: str  # "ok", "unreachable", "not-standby", "lag-unknown", "lagging"
    detail: str
    lag: float | None  # seconds the replay is behind, when known
    checked: float  # time.monotonic() of the check

    @property
    def usable(self) -> bool:
        return self.kind == "ok"


class _Checker:
    """The replica's state in this process, checked at most every ``SAKIP_REPLICA_CHECK_SECONDS`` (one request
    checks; the others meanwhile use the last state)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.state: Health | None = None

    def current(self, *, force: bool = False) -> Health:
        state = self.state
        if not force and state is not None and time.monotonic() - state.checked < check_seconds():
            return state
        if state is not None and not force and not self.lock.acquire(blocking=False):
            return state  # another thread is checking: the last state meanwhile
        if state is None or force:
            self.lock.acquire()
        try:
            new = self._check()
            self._report(self.state, new)
            self.state = new
            return new
        finally:
            self.lock.release()

    def reset(self) -> None:
        with self.lock:
            self.state = None

    def _check(self) -> Health:
        conn = connections[REPLICA]
        error: DatabaseError | None = None
        for _attempt in range(2):  # a connection broken by a restart: once more on a new one
            try:
                with conn.cursor() as cursor:
                    cursor.execute(LAG_SQL)
                    standby, lag = cursor.fetchone()
                break
            except DatabaseError as e:
                error = e
                with contextlib.suppress(DatabaseError):
                    conn.close()
        else:
            detail = " ".join(str(error).split()) or type(error).__name__
            return Health("unreachable", f"unreachable: {detail}", None, time.monotonic())
        now = time.monotonic()
        if not standby:
            return Health("not-standby", "not a standby (pg_is_in_recovery() is false)", None, now)
        if lag is None:
            return Health("lag-unknown", "replay lag unknown (nothing replayed since it started)", None, now)
        seconds = float(lag)
        if seconds > max_lag():
            return Health("lagging", f"replay {seconds:.1f} s behind (limit {max_lag():g} s)", seconds, now)
        return Health("ok", "", seconds, now)

    @staticmethod
    def _report(old: Health | None, new: Health) -> None:
        """A log line when the state changes (not one per request)."""
        if not new.usable and (old is None or old.kind != new.kind):
            log.warning("read replica not used, reading from the primary: %s", new.detail)
        elif new.usable and old is not None and not old.usable:
            log.warning("read replica usable again (replay %.1f s behind): reading from it", new.lag or 0.0)


checker = _Checker()


# ----------------------------------------------------------------------------- the middleware


class ReplicaMiddleware:
    """Decides per request where its reads go (see the module's text) and sets the read-your-writes cookie."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in SAFE_METHODS or self._recent_write(request) or not checker.current().usable:
            with request_reads(replica=False) as state:
                response = self.get_response(request)
        else:
            with request_reads(replica=True) as state:
                response = self.get_response(request)
            # an error on the replica: gone meanwhile, or the query's own error? (Before any write: once a request
            # wrote, it reads the primary, so running it again cannot write twice.)
            if enabled() and connections[REPLICA].errors_occurred and not state.wrote:
                health = checker.current(force=True)
                if not health.usable:
                    log.warning("%s %s failed on the read replica: run again on the primary", request.method,
                                request.path)
                    with request_reads(replica=False) as state:
                        response = self.get_response(request)
        if request.method not in SAFE_METHODS or state.wrote:
            self._mark(response)  # its next pages read from the primary
        return response

    @staticmethod
    def _recent_write(request: HttpRequest) -> bool:
        try:
            until = float(request.COOKIES.get(COOKIE, "0"))
        except ValueError:
            return False
        return time.time() < min(until, time.time() + sticky_seconds())

    @staticmethod
    def _mark(response: HttpResponse) -> None:
        window = sticky_seconds()
        response.set_cookie(
            COOKIE,
            f"{time.time() + window:.3f}",
            max_age=max(1, int(window + 0.999)),
            secure=bool(getattr(settings, "SESSION_COOKIE_SECURE", False)),
            httponly=True,
            samesite="Lax",
        )
