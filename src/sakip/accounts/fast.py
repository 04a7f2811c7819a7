"""Django's database sessions and user look-up, read with one plain SQL statement each.

Every signed-in page reads the session and the user. With the ORM, compiling those two
queries costs more than running them (about a millisecond a page); the statements here
are written once and read the same rows through the same models, so nothing else
changes: sessions are Django's ``django_session`` rows (signed out = row deleted), the
user is a normal ``User`` instance, and an inactive user is refused as before.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.core.exceptions import ValidationError
from django.db import connections, router
from django.db.models import Model
from django.utils import timezone

M = TypeVar("M", bound=Model)


class SessionStore(DatabaseSessionStore):
    """``SESSION_ENGINE = "sakip.accounts.fast"``: Django's database sessions, read without the ORM."""

    def _get_session_from_db(self) -> Any:
        key = self.session_key
        if key is None:
            return None
        model = self.model
        connection = connections[router.db_for_read(model)]
        table = connection.ops.quote_name(model._meta.db_table)
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT session_data FROM {table} WHERE session_key = %s AND expire_date > %s",
                [key, now],
            )
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        return model(session_key=key, session_data=row[0])


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
    values = list(row)
    for i, field in enumerate(fields):  # the database's values converted as the ORM converts them
        for converter in connection.ops.get_db_converters(field.cached_col) + field.get_db_converters(connection):
            values[i] = converter(values[i], field.cached_col, connection)
    return model.from_db(db, [f.attname for f in fields], values)


class UserBackend(ModelBackend):
    """Django's ``ModelBackend``; the signed-in user of each request is read without the ORM."""

    def get_user(self, user_id: Any) -> Any:
        model = get_user_model()
        try:
            pk = model._meta.pk.to_python(user_id)
        except (ValidationError, ValueError, TypeError):  # a malformed id in a session: nobody is signed in
            return None
        column = str(model._meta.pk.column)
        user = read_one(model, column, pk)
        return user if user is not None and self.user_can_authenticate(user) else None
