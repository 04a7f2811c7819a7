"""Django's database sessions and user look-up, read with plain SQL — on a page, in one statement.

Every signed-in page reads the session and the user. With the ORM, compiling those two
queries costs more than running them (about a millisecond a page); the statements here
are written once and read the same rows through the same models, so nothing else
changes: sessions are Django's ``django_session`` rows (signed out = row deleted), the
user is a normal ``User`` instance, and an inactive user is refused as before.

On a GET page whose session this process has seen before, the session row and its user's
row are read by **one** statement instead of two (the data generations of the page's scopes
are the page's one other statement, `sakip.regency.generations`): each is a round trip to the
database, and on a busy machine with PostgreSQL every round trip waits for the server process to be scheduled. A
session key belongs to one user for its whole life (Django gives a new key at every
sign-in), so the user's id is known from the session's last read in this process; the
user row read along is used only if the session, decoded and checked as always, names
that same user, and only within the same request (`generations.request_scope`). Nothing is
kept across requests but the key → user id pairs.
"""

from __future__ import annotations

import contextlib
import threading
from contextvars import ContextVar
from typing import Any, TypeVar

from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.core.exceptions import ValidationError
from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model
from django.utils import timezone

M = TypeVar("M", bound=Model)

#: session key -> the id of its user, as last decoded in this process (bounded; see the module's text)
_user_of_session: dict[str, Any] = {}
_USER_OF_SESSION_MAX = 10_000
_user_of_session_lock = threading.Lock()

#: (request scope, user id, user or None) read along with this request's session; used once by `UserBackend`
_read_along: ContextVar[tuple[object, Any, Any] | None] = ContextVar("sakip_user_read_along", default=None)


def _remember_user(session_key: str, user_id: Any) -> None:
    with _user_of_session_lock:
        if len(_user_of_session) >= _USER_OF_SESSION_MAX:
            _user_of_session.clear()
        _user_of_session[session_key] = user_id


def forget_session(session_key: str | None) -> None:
    with _user_of_session_lock:
        _user_of_session.pop(session_key or "", None)


class SessionStore(DatabaseSessionStore):
    """``SESSION_ENGINE = "sakip.accounts.fast"``: Django's database sessions, read without the ORM."""

    def load(self) -> dict[str, Any]:
        data: dict[str, Any] = super().load()
        user_id = data.get(SESSION_KEY)
        if user_id is not None and self.session_key is not None:
            with contextlib.suppress(ValidationError, ValueError, TypeError):  # malformed: nobody signed in
                _remember_user(self.session_key, get_user_model()._meta.pk.to_python(user_id))
        return data

    def delete(self, session_key: str | None = None) -> None:
        forget_session(session_key or self.session_key)
        super().delete(session_key)

    def _get_session_from_db(self) -> Any:
        key = self.session_key
        _read_along.set(None)
        if key is None:
            return None
        model = self.model
        db = router.db_for_read(model)
        connection = connections[db]
        table = connection.ops.quote_name(model._meta.db_table)
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        columns = ["s.session_data"]
        params: list[Any] = []
        joins = ""
        user_model = get_user_model()
        user_fields: list[Any] = []
        scope = _figures().request_scope()
        user_id = _user_of_session.get(key) if scope is not None else None
        if user_id is not None and router.db_for_read(user_model) == db:
            user_fields = list(user_model._meta.concrete_fields)
            quote = connection.ops.quote_name
            columns += [f"u.{quote(str(f.column))}" for f in user_fields]
            pk_column = quote(str(user_model._meta.pk.column))
            joins = f" LEFT JOIN {quote(user_model._meta.db_table)} u ON u.{pk_column} = %s"
            params.append(user_id)
        params += [key, now]
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {', '.join(columns)} FROM {table} s{joins} WHERE s.session_key = %s AND s.expire_date > %s",
                params,
            )
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        if user_fields:
            values = list(row[1 : 1 + len(user_fields)])
            pk_index = user_fields.index(user_model._meta.pk)
            user = _build(user_model, db, connection, user_fields, values) if values[pk_index] is not None else None
            _read_along.set((scope, user_id, user))
        return model(session_key=key, session_data=row[0])


def _figures() -> Any:
    from sakip.regency import generations  # the request's scope (regency depends on accounts, not the reverse)

    return generations


def _build(model: type[M], db: str, connection: BaseDatabaseWrapper, fields: list[Any], values: list[Any]) -> M:
    """A ``model`` instance from the database's values, converted as the ORM converts them."""
    for i, field in enumerate(fields):
        for converter in connection.ops.get_db_converters(field.cached_col) + field.get_db_converters(connection):
            values[i] = converter(values[i], field.cached_col, connection)
    return model.from_db(db, [f.attname for f in fields], values)


def read_one(model: type[M], column: str, value: Any) -> M | None:
    """The ``model`` row whose ``column`` equals ``value`` (a unique column), as the ORM would build it."""
    db = router.db_for_read(model)
    connection = connections[db]
    fields = list(model._meta.concrete_fields)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(str(f.column)) for f in fields)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {quote(model._meta.db_table)} WHERE {quote(column)} = %s", [value])
        row = cursor.fetchone()
    if row is None:
        return None
    return _build(model, db, connection, fields, list(row))


class UserBackend(ModelBackend):
    """Django's ``ModelBackend``; the signed-in user of each request is read without the ORM (on a page,
    along with the session: see the module's text)."""

    def get_user(self, user_id: Any) -> Any:
        model = get_user_model()
        try:
            pk = model._meta.pk.to_python(user_id)
        except (ValidationError, ValueError, TypeError):  # a malformed id in a session: nobody is signed in
            return None
        along = _read_along.get()
        if along is not None:
            _read_along.set(None)  # once: a later read in the request asks the database again
            scope, read_id, read_user = along
            scope_now = _figures().request_scope()
            if scope_now is not None and scope is scope_now and read_id == pk:
                user = read_user
                return user if user is not None and self.user_can_authenticate(user) else None
        column = str(model._meta.pk.column)
        user = read_one(model, column, pk)
        return user if user is not None and self.user_can_authenticate(user) else None
