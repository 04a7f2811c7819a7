"""No lost update, no race: row versions, the check of a stale page, parallel first saves.

* **Versions.** Every row a person edits carries an integer ``version`` (`Versioned`): 1 when
  created, one more on every save — incremented in `Versioned.save` and, for the bulk SQL
  writes of the Excel import, in the statement itself. A page shows each row's *token*
  (`token`: the row's id and version, ``-`` for a row that does not exist yet, so a row
  deleted and made again never looks unchanged) in a hidden field; the API returns it with
  each row and takes it back.
* **The check.** A save compares the tokens it was given with the stored ones. A row whose
  token changed is a `Conflict` unless what the user typed equals what is stored now; any
  conflict stores nothing and answers 409 with, per field, the value now stored, who stored
  it and when (`last_changes`: the row's own "entered by" or the audit trail), and what the
  user typed — kept in the form (`REAPPLY`, `reapplied`) so one click stores it after all.
* **Inside the transaction.** Every write of an office's data runs in
  `core.web.atomic_checked`, which first takes the office's lock (`lock_office`: ``SELECT …
  FOR UPDATE`` of the office row on PostgreSQL; on SQLite the transaction itself, begun
  IMMEDIATE, holds the database's write lock). Writers of one office therefore take turns,
  and `verify` re-reads the tokens under the lock: a row changed between the page's read and
  the lock raises `Changed`, and the caller reads again (`retrying`) — the second reading
  sees the other save and reports it as a conflict.
* **Parallel first saves.** Two first saves of the same quarter both see "no row" and both
  insert: `create_once` inserts in a savepoint and, on the unique constraint's
  IntegrityError, raises `Changed` so that the whole save is read and checked again (the
  loser gets the 409, or nothing to do when it typed the same). `retrying` also retries a
  PostgreSQL deadlock or serialization failure.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import IntegrityError, OperationalError, connection, models, transaction
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

T = TypeVar("T")
M = TypeVar("M", bound=models.Model)

#: The token of a row that does not exist (yet).
ABSENT = "-"
#: The submit button's name on a 409 page that stores the user's own values after all.
REAPPLY = "pakai-nilai-saya"
#: The prefix of the hidden fields that keep what the user typed on a 409 page.
MINE = "mine-"
#: The check boxes of a 409 page: the conflicts whose typed value "use my values" stores (all ticked at first).
CHOSEN = "pakai"
#: How many times a save is read, checked and written again after `Changed` (then: 409).
ATTEMPTS = 4


class Versioned(models.Model):
    """A row edited by people: ``version`` is 1 when created and one more on every save."""

    version = models.PositiveIntegerField(gettext_lazy("versi"), default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            self.version = (self.version or 0) + 1
            fields = kwargs.get("update_fields")
            if fields is not None:
                kwargs["update_fields"] = {*fields, "version"}
        super().save(*args, **kwargs)

    def touch(self) -> None:
        """One more version without another change (a row of this one changed: a quarter of a budget line)."""
        self.save(update_fields=["version"])


def token(obj: Any) -> str:
    """``"<id>.<version>"``; `ABSENT` for ``None``."""
    if obj is None or obj.pk is None:
        return ABSENT
    return f"{obj.pk}.{obj.version}"


def tokens(*objs: Any) -> str:
    """The token of several rows shown as one line (an indicator's year and its quarter)."""
    return "/".join(token(o) for o in objs)


# ----------------------------------------------------------------------------- conflicts


@dataclass(frozen=True)
class Conflict:
    """One field changed by someone else since the page (or the preview) was loaded."""

    where: str  # the line: "S1.1 Persentase …", "1.01.01 Program …"
    field: str  # the column: "Realisasi TW I", "Penjelasan"
    stored: str  # the value stored now, as the page shows it ("" = empty)
    yours: str  # what the user typed
    by: str = ""  # who stored it ("" = not known)
    at: datetime.datetime | None = None
    name: str = ""  # the form field to re-apply ``yours`` to ("" = not re-applicable)
    raw: tuple[str, ...] | None = None  # the posted value(s) to re-apply, when they are not ``yours`` as shown

    def as_dict(self) -> dict[str, Any]:
        return {
            "where": self.where,
            "field": self.field,
            "stored": self.stored,
            "yours": self.yours,
            "by": self.by or None,
            "at": self.at.isoformat() if self.at else None,
        }


class Stale(Exception):
    """A save refused because rows changed since they were loaded (nothing was stored)."""

    def __init__(self, conflicts: list[Conflict]) -> None:
        super().__init__(f"{len(conflicts)} conflict(s)")
        self.conflicts = conflicts


class Changed(Exception):
    """Rows changed between a save's read and its lock (or a parallel first insert): read everything again."""


def stale_message() -> str:
    return _(
        "Tidak ada yang disimpan: data ini diubah orang lain sejak halaman dibuka. Periksa nilai yang "
        "tersimpan sekarang di bawah; isian Anda disimpan di formulir."
    )


def when_text(at: datetime.datetime | None) -> str:
    return timezone.localtime(at).strftime("%d-%m-%Y %H:%M:%S") if at else ""


def last_changes(model: type[models.Model], pks: Iterable[Any]) -> dict[str, tuple[str, datetime.datetime]]:
    """Who last changed each row and when, from the audit trail (one query): ``{str(pk): (user, at)}``."""
    from sakip.audit.models import AuditEntry

    ids = sorted({str(pk) for pk in pks if pk is not None})
    if not ids:
        return {}
    out: dict[str, tuple[str, datetime.datetime]] = {}
    rows = (
        AuditEntry.objects.filter(model=model._meta.label, object_id__in=ids)
        .order_by("object_id", "-at", "-id")
        .values_list("object_id", "user_name", "at")
    )
    for object_id, user_name, at in rows:
        out.setdefault(object_id, (user_name, at))
    return out


def reapplied(data: QueryDict) -> QueryDict:
    """The form as posted, or — when the 409 page's "use my values" button was pressed — with the kept value
    (``mine-<field>``, or ``mine-<conflict>:<field>`` for a conflict of several fields) of each conflict
    still ticked (`CHOSEN`) put back in its field."""
    if REAPPLY not in data:
        return data
    chosen = set(data.getlist(CHOSEN))
    out = data.copy()
    for key in list(data):
        if key.startswith(MINE):
            group, _sep, name = key[len(MINE) :].rpartition(":")
            if (group or name) in chosen:
                out.setlist(name, data.getlist(key))
    return out


def mine_fields(conflicts: Iterable[Conflict]) -> list[tuple[str, str]]:
    """The hidden fields of a 409 page: each re-applicable field's typed value."""
    return [(MINE + c.name, v) for c in conflicts if c.name for v in (c.raw if c.raw is not None else (c.yours,))]


def conflict_context(found: list[Conflict]) -> dict[str, Any]:
    """What ``core/_conflicts.html`` shows (include it inside the page's form)."""
    return {
        "conflicts": found,
        "conflict_mine": mine_fields(found),
        "conflict_message": stale_message() if found else "",
        "reapply_name": REAPPLY,
        "chosen_name": CHOSEN,
    }


# ----------------------------------------------------------------------------- locks and retries


def lock_office(office: Any) -> None:
    """Inside a transaction: the office's writers take turns from here to the commit.

    PostgreSQL: ``SELECT … FOR UPDATE`` of the office row — of that row alone: without ``order_by()`` the
    office's default ordering (regency name, office name) joins the regency, and ``FOR UPDATE`` then locks the
    regency's row too, so every writer of the regency would wait for the others until their commits. SQLite:
    nothing to do — the transaction began IMMEDIATE (settings), so it already holds the database's write lock.
    """
    if connection.features.has_select_for_update and office is not None and office.pk is not None:
        from sakip.accounts.models import Office

        list(Office.objects.select_for_update(of=("self",)).filter(pk=office.pk).order_by().values_list("pk"))


def locked(queryset: models.QuerySet[M]) -> models.QuerySet[M]:
    """``select_for_update()`` where the database has it (the rows a save is about to check and write)."""
    return queryset.select_for_update() if connection.features.has_select_for_update else queryset


def verify(expected: Mapping[str, str], current: Mapping[str, str]) -> None:
    """Under the lock: every expected token is still the stored one, else `Changed` (read again)."""
    for key, value in expected.items():
        if current.get(key, ABSENT) != value:
            raise Changed(key)


def create_once(model: type[M], **fields: Any) -> M:
    """``model.objects.create(**fields)`` in a savepoint; a row made meanwhile by a parallel save (the unique
    constraint's IntegrityError) raises `Changed`, so the save is read and checked again."""
    try:
        with transaction.atomic():
            return model._default_manager.create(**fields)
    except IntegrityError as exc:
        raise Changed(model._meta.label) from exc


def get_or_create_once(model: type[M], defaults: Mapping[str, Any] | None = None, **lookup: Any) -> tuple[M, bool]:
    """``get_or_create`` that survives a parallel first save: the insert in a savepoint, then the other's row."""
    found = model._default_manager.filter(**lookup).first()
    if found is not None:
        return found, False
    try:
        with transaction.atomic():
            return model._default_manager.create(**lookup, **(defaults or {})), True
    except IntegrityError:
        return model._default_manager.get(**lookup), False


def retryable(exc: BaseException) -> bool:
    """A failure that a second attempt cures: rows changed meanwhile, a parallel insert, a PostgreSQL deadlock or
    serialization failure. (SQLite's lock still busy after its 20 s timeout is not retried: see `is_busy`.)"""
    if isinstance(exc, (Changed, IntegrityError)):
        return True
    return isinstance(exc, OperationalError) and _pg_code(exc) in ("40001", "40P01")


def is_busy(exc: BaseException) -> bool:
    """SQLite's "database is locked" (after the busy timeout), or a PostgreSQL deadlock/serialization failure."""
    if not isinstance(exc, OperationalError):
        return False
    text = str(exc).lower()
    return "database is locked" in text or "database table is locked" in text or _pg_code(exc) in ("40001", "40P01")


def _pg_code(exc: BaseException) -> str | None:
    cause = exc.__cause__
    return getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)


def retrying(attempt: Callable[[], T], attempts: int = ATTEMPTS) -> T:
    """``attempt()``, again from its first read when it fails with a `retryable` error (at most ``attempts``).

    The attempt must read what it checks and writes itself (a retry of a stale read would
    fail the same way). After the last attempt the error goes up: `Changed` is then
    reported as a conflict by the caller; anything else is an error.
    """
    for n in range(attempts):
        try:
            return attempt()
        except Exception as exc:
            if n == attempts - 1 or not retryable(exc):
                raise
    raise AssertionError("unreachable")
