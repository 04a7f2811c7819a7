"""Querysets whose bulk writes pass the write guard like ``Model.save`` and ``Model.delete`` do.

``QuerySet.update``, ``bulk_create`` and ``bulk_update`` send no model signals, so the
lock rule (``sakip.workflow.guard``), which listens to ``pre_save`` and ``pre_delete``,
would not see them. The models whose rows feed a figure or a document use
:class:`GuardedManager`; its bulk writes hand every affected row to the guard first.

The same bulk writes also renew the data generations of the offices whose rows they write
(:func:`on_bulk_write`, registered by ``sakip.regency.generations``), as their model signals
do for ``save`` and ``delete``.

This module sits below the apps (the models import it); the guard registers itself
here when the workflow app is ready (:func:`register`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from django.db import models

M = TypeVar("M", bound=models.Model)

#: (the row as it would be, the attnames written or None for a whole row (create/delete), the row as stored
#: before or None) -> None; raises when the write is refused
Check = Callable[[models.Model, "set[str] | None", "dict[str, Any] | None"], None]
_check: list[Check] = []
#: (model, rows as instances) -> None: reads what locating these rows needs in one query (bulk writes)
Warm = Callable[[type[models.Model], "Sequence[models.Model]"], None]
_warm: list[Warm] = []
#: (model, rows as instances, before the write) -> what to call once the write is done, or None. The data
#: generations (``sakip.regency.generations``) place the rows here and renew their scopes after the write.
Written = Callable[[type[models.Model], "Sequence[models.Model]"], "Callable[[], None] | None"]
_written: list[Written] = []


def attname(model: type[models.Model], name: str) -> str:
    """The attribute name of a model's field (``plan`` → ``plan_id``)."""
    f = model._meta.get_field(name)
    assert isinstance(f, models.Field)
    return str(f.attname)


def register(check: Check, warm: Warm | None = None) -> None:
    _check[:] = [check]
    _warm[:] = [warm] if warm is not None else []


def on_bulk_write(hook: Written) -> None:
    _written[:] = [hook]


def _before_write(model: type[models.Model], rows: Sequence[models.Model]) -> list[Callable[[], None]]:
    return [after for hook in _written if (after := hook(model, rows)) is not None]


def _after_write(calls: list[Callable[[], None]]) -> None:
    for call in calls:
        call()


def _prepare(model: type[models.Model], rows: Sequence[models.Model]) -> None:
    for warm in _warm:
        warm(model, rows)


def _run(instance: models.Model, changed: set[str] | None, before: dict[str, Any] | None) -> None:
    for check in _check:
        check(instance, changed, before)


class GuardedQuerySet(models.QuerySet[M]):
    def update(self, **kwargs: Any) -> int:
        after_write: list[Callable[[], None]] = []
        if _check or _written:
            model = self.model
            names = {attname(model, k) for k in kwargs}
            computed = any(isinstance(v, models.expressions.Combinable) for v in kwargs.values())
            rows = list(self)
            if _check:
                _prepare(model, rows)
            placed: list[models.Model] = []
            for row in rows:  # each row as it would be, with the row as stored
                before = {f.attname: getattr(row, f.attname) for f in model._meta.concrete_fields}
                given = {attname(model, k): v for k, v in kwargs.items()}
                after = row if computed else model(**{**before, **given})
                _run(after, names, before)
                placed.extend((row, after) if after is not row else (row,))
            after_write = _before_write(model, placed)
        done = super().update(**kwargs)
        _after_write(after_write)
        return done

    def bulk_create(self, objs: Iterable[M], *args: Any, **kwargs: Any) -> list[M]:
        objs = list(objs)
        if _check:
            _prepare(self.model, objs)
        for obj in objs:
            _run(obj, None, None)
        after_write = _before_write(self.model, objs)
        made = super().bulk_create(objs, *args, **kwargs)
        _after_write(after_write)
        return made

    def bulk_update(self, objs: Iterable[M], fields: Iterable[str], batch_size: int | None = None) -> int:
        objs = list(objs)
        model = self.model
        fields = list(fields)
        names = {attname(model, f) for f in fields}
        stored = (
            {row.pk: row for row in model._default_manager.filter(pk__in=[o.pk for o in objs])}
            if _check or _written
            else {}
        )
        if _check:
            _prepare(model, objs)
        for obj in objs:
            old = stored.get(obj.pk)
            before = {f.attname: getattr(old, f.attname) for f in model._meta.concrete_fields} if old else None
            _run(obj, names, before)
        after_write = _before_write(model, objs + [o for o in stored.values()])
        done = super().bulk_update(objs, fields, batch_size=batch_size)
        _after_write(after_write)
        return done


class GuardedManager(models.Manager[M]):
    """The default manager of a model whose rows the lock rule governs."""

    def get_queryset(self) -> GuardedQuerySet[M]:
        return GuardedQuerySet(self.model, using=self._db)

    def bulk_create(self, objs: Iterable[M], *args: Any, **kwargs: Any) -> list[M]:
        return self.get_queryset().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs: Iterable[M], fields: Iterable[str], batch_size: int | None = None) -> int:
        return self.get_queryset().bulk_update(objs, fields, batch_size=batch_size)
