"""Office figures for the regency pages, the API and the portal: one scorecard, cached by data generation.

Every figure comes from `sakip.core.services.scorecard_for` — the office pages' own
scorecard, for the year or as of a quarter (`domain.scorecard.build_scorecard(...,
quarter=N)`) — so the regency dashboard, the API and the portal show the same numbers
as the office dashboard, quarter by quarter. Building a scorecard takes tens of milliseconds, so the
results are kept in a per-process memory keyed by the *data generation* of what they depend
on (`sakip.regency.generations`: a token per office, regency setting, regency aggregate and
user, renewed by every write to it). A page reads the tokens once (one query) and reuses
what was computed for them; a write in one office renews that office's token (and its
regency's aggregate) only. Nothing is ever served from a generation older than the database's.

Writes that bypass model signals and the governed managers (raw SQL) on the watched
models must call `bump()` themselves.
"""

from __future__ import annotations

import copy
import os
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from django.db.models import Model

from sakip.accounts.models import Office
from sakip.core.interchange import domain_office
from sakip.core.services import scorecard_for
from sakip.domain.office import Office as DomainOffice
from sakip.domain.scorecard import IndicatorScore, Scorecard

from .generations import (
    GenerationMiddleware,
    bump,
    bump_scopes,
    connect_signals,
    generation,
    office_scopes,
    watched_models,
)

__all__ = [
    "GenerationMiddleware",
    "bump",
    "bump_scopes",
    "connect_signals",
    "generation",
    "office_generation",
    "office_scopes",
    "watched_models",
]

T = TypeVar("T")
M = TypeVar("M", bound=Model)

MAX_ENTRIES = 4096
#: Besides the count, the pages and texts kept (per process) stay under this many bytes (SAKIP_KEPT_MB).
MAX_BYTES = int(os.environ.get("SAKIP_KEPT_MB", "64")) * 1024 * 1024

_lock = threading.Lock()
#: key -> (the generation it was computed for, the value): one value per key, the newest generation's
_memory: OrderedDict[tuple[Any, ...], tuple[str, Any]] = OrderedDict()
_computing: dict[tuple[Any, ...], threading.Lock] = {}
_weights: dict[tuple[Any, ...], int] = {}  # key -> bytes, for the values that have a weight
_total = [0]  # the sum of _weights


def office_generation(office: Office) -> str:
    """The generation of an office's own figures and pages: its data and its regency's settings."""
    return generation(*office_scopes(office))


def kept(key: tuple[Any, ...], compute: Callable[[], T], scopes: tuple[str, ...] = ()) -> T:
    """``memo`` for the current generation of ``scopes`` (none: of every write), handing out a shallow copy
    of a kept model instance.

    For small lookups every request makes (the user's membership, the office by its code):
    the copy keeps a view that assigns to the instance (a form bound to it) from changing
    what other requests see.
    """
    value = memo(generation(*scopes), key, compute)
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

    One value is kept per key: the one of the newest generation asked for (a value of
    another generation is computed again and replaces it). Concurrent requests for the
    same key and generation wait for the one computation (a lock per key) instead of all
    computing it at once.
    """
    with _lock:
        held = _memory.get(key)
        if held is not None and held[0] == gen:
            _memory.move_to_end(key)
            return held[1]  # type: ignore[no-any-return]
        key_lock = _computing.setdefault((gen, *key), threading.Lock())
    with key_lock:
        with _lock:
            held = _memory.get(key)
            if held is not None and held[0] == gen:
                return held[1]  # type: ignore[no-any-return]
        try:
            value = compute()
        except BaseException:
            with _lock:  # nothing kept for a failed computation (a 404 for an unknown year...)
                _computing.pop((gen, *key), None)
            raise
        with _lock:
            _computing.pop((gen, *key), None)
            _total[0] -= _weights.pop(key, 0)
            _memory[key] = (gen, value)
            _memory.move_to_end(key)
            weight = _weight(value)
            if weight:
                _weights[key] = weight
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
    """`scorecard_for(office, year, quarter)`, cached for the office's generation. Do not mutate the result.

    ``gen``: the office's own generation (`office_generation`) when the caller read it already — never
    another one (a key holds one value: two generations for one key would compute it again and again).

    ``quarter`` 1–3: every figure as of the end of that quarter (the one rule,
    `domain.to_date`); ``None`` or 4: the year (one cache entry: TW IV is the year).
    """
    if year is None:
        return None
    q = quarter if quarter is not None and quarter < 4 else None
    g = gen if gen is not None else office_generation(office)
    return memo(g, ("scorecard", office.pk, year, q), lambda: scorecard_for(office, year, q, stored_domain(office, g)))


def stored_domain(office: Office, gen: str | None = None) -> DomainOffice:
    """The stored office as the domain sees it (`core.interchange.domain_office`), built once per data generation
    and shared: the scorecards of its years and quarters, the entry page and the save read the one build
    (about 30 ms of a 20-indicator office). Never changed by a caller: copy it first (``copy.deepcopy``)."""
    return memo(gen if gen is not None else office_generation(office), ("domain", office.pk),
                lambda: domain_office(office))


def peek_domain(office: Office, gen: str) -> DomainOffice | None:
    """The stored office built for ``gen`` in this process, if it is there (never built here)."""
    with _lock:
        held = _memory.get(("domain", office.pk))
    return held[1] if held is not None and held[0] == gen else None


#: Kinds of kept values (a key's first element; its second is the office's id) that depend on the office's plan, PK,
#: settings or list of years and not on its measurements: a write of measurements alone (a quarterly save, checked
#: on those alone by `core.web.atomic_checked`) leaves them as they are, and `carry` hands them to its generation.
MEASUREMENT_FREE: set[str] = set()


def carry(office_id: int, old: str, new: str) -> None:
    """After a write of measurements alone, which made generation ``new`` of the office from ``old``: the office's
    values of the `MEASUREMENT_FREE` kinds kept for ``old`` are kept for ``new`` (the next page reads them again
    only if something else changed)."""
    with _lock:
        for key, (gen, value) in list(_memory.items()):
            if gen == old and len(key) > 1 and key[1] == office_id and key[0] in MEASUREMENT_FREE:
                _memory[key] = (new, value)


def keep_domain(office: Office, gen: str, built: DomainOffice) -> None:
    """Keep ``built`` — the office as a write's check built it from the stored rows, inside the write's
    transaction — for the generation that write made (``gen``, read in the same transaction), so the
    recomputation after the commit and the next page do not build it again. Kept for a rolled-back
    write, it is never asked for: its generation is random and never becomes visible."""
    memo(gen, ("domain", office.pk), lambda: built)


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
