"""Automatic capture: model signals of every ``sakip.*`` app write an :class:`AuditEntry`.

Captured: every create, update and delete of a model of a ``sakip.*`` app, except the
audit trail itself, the workflow's own state rows (their transitions are recorded by
:func:`record` with the comment) and models that opt out with ``sakip_audit = False``
(purely technical rows). Bulk operations (``QuerySet.update``, ``bulk_create``) send no
signals; the application's edit paths save row by row.

Each entry names the office the row belongs to, found through its foreign keys
(``office`` or the shortest chain of keys reaching an office), cached per context, and the
regency whose trail shows it: the office's, else the row's own chain of keys to a regency
(`sakip.accounts.scope`: a due-date rule, an LKE template, a membership without an office,
an API token through its user's membership).
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, cast

from django.apps import apps
from django.db import models
from django.db.models.fields.files import FieldFile
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

from sakip.accounts import scope
from sakip.accounts.models import Office
from sakip.core.concurrency import Versioned

from .context import current, own_context
from .models import Action, AuditEntry

EXCLUDED = {
    "audit.AuditEntry",
    "workflow.PeriodState",  # recorded as transitions, with the comment
    "workflow.TransitionLog",
    "regency.DataGeneration",  # a cache token bumped on every write
    "regency.KeptOfficeYear",  # the kept figures: computed from the audited data (sakip.regency.kept_figures)
    "regency.KeptOffice",
    "regency.KeptIndicator",
    "regency.KeptAggregate",
    "documents.BatchJob",  # a background job's progress
}
# values never copied into the trail: only whether they changed
SECRET_PARTS = ("hash", "password", "secret")
SECRET_TEXT = "[disembunyikan]"
# a value longer than this (as JSON) is recorded by its size and digest (raw questionnaires, uploaded files)
MAX_VALUE_CHARS = 20_000

_OLD = "_sakip_audit_old"
_FRESH = "_sakip_audit_old_fresh"  # _OLD was read by this save's earlier pre_save receiver
_OFFICE = "_sakip_audit_office"
_REGENCY = "_sakip_audit_regency"


def plain(value: Any) -> Any:
    """A value as JSON: exact decimals as strings, dates in ISO form, files by name."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, decimal.Decimal):
        return format(value.normalize(), "f") if value.is_finite() else str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, FieldFile):
        return value.name or ""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return str(value)


def audited(model: type[models.Model]) -> bool:
    meta = model._meta
    if not meta.app_config or not meta.app_config.name.startswith("sakip."):
        return False
    if meta.label in EXCLUDED or meta.proxy or not meta.managed:
        return False
    return bool(getattr(model, "sakip_audit", True))


def _fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    out = []
    versioned = issubclass(model, Versioned)
    for f in model._meta.concrete_fields:
        if f.primary_key or getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            continue
        if versioned and f.name == "version":  # the row's version counter is not a change a person made
            continue
        out.append(f)
    return out


_PATHS: dict[type[models.Model], list[str] | None] = {}


def office_path(model: type[models.Model]) -> list[str] | None:
    """The shortest chain of foreign-key names from ``model`` to an Office (``[]`` for Office itself)."""
    if model in _PATHS:
        return _PATHS[model]
    found: list[str] | None = None
    if issubclass(model, Office):
        found = []
    else:
        queue: deque[tuple[type[models.Model], list[str]]] = deque([(model, [])])
        seen = {model}
        while queue and found is None:
            m, path = queue.popleft()
            if len(path) >= 5:
                break
            for f in m._meta.concrete_fields:
                target = f.related_model if f.is_relation and f.many_to_one else None
                if target is None or not isinstance(target, type):
                    continue
                if target is Office:
                    found = [*path, f.name]
                    break
                app = target._meta.app_config
                if target in seen or app is None or not app.name.startswith("sakip."):
                    continue
                seen.add(target)
                queue.append((target, [*path, f.name]))
    _PATHS[model] = found
    return found


def office_id_of(instance: models.Model) -> int | None:
    model = type(instance)
    path = office_path(model)
    if path is None:
        return None
    if not path:
        return int(instance.pk) if instance.pk is not None else None
    cache = current().office_cache
    key = (model._meta.label, instance.pk)
    if instance.pk is not None and key in cache:
        return cast(int | None, cache[key])
    first = model._meta.get_field(path[0])
    assert isinstance(first, models.ForeignKey)
    parent_id = getattr(instance, first.attname)
    if parent_id is None:
        result = None
    elif len(path) == 1:
        result = int(parent_id)
    else:
        parent = first.related_model
        assert isinstance(parent, type)
        pkey = (parent._meta.label, parent_id)
        if pkey in cache:
            result = cache[pkey]
        else:
            row = parent._default_manager.filter(pk=parent_id).values_list("__".join([*path[1:-1], path[-1] + "_id"]))
            got = row.first()
            result = int(got[0]) if got and got[0] is not None else None
            cache[pkey] = result
    if instance.pk is not None:
        cache[key] = result
    return result


def _same(field: models.Field[Any, Any], old: Any, new: Any) -> bool:
    try:
        return bool(field.to_python(old) == field.to_python(new))
    except Exception:
        return bool(old == new)


def _value(field: models.Field[Any, Any], instance: models.Model) -> Any:
    return getattr(instance, field.attname)


def _shown(field: models.Field[Any, Any], value: Any) -> Any:
    """The value as the trail keeps it: secrets hidden, bytes and very large values by size and digest."""
    if value is None:
        return None
    if any(part in field.name.lower() for part in SECRET_PARTS):
        return SECRET_TEXT
    if isinstance(value, (bytes, bytearray, memoryview)):
        data = bytes(value)
        return f"[{len(data)} bita, sha256 {hashlib.sha256(data).hexdigest()[:16]}]"
    shown = plain(value)
    if not isinstance(shown, (str, list, dict)) or (isinstance(shown, str) and len(shown) <= MAX_VALUE_CHARS // 6):
        return shown  # short enough without measuring it as JSON (one character is at most six there: \u00XX)
    text = json.dumps(shown, ensure_ascii=False, sort_keys=True)
    if len(text) > MAX_VALUE_CHARS:
        return f"[{len(text)} karakter, sha256 {hashlib.sha256(text.encode()).hexdigest()[:16]}]"
    return shown


def record(
    *,
    action: str,
    model: str,
    object_id: Any,
    object_repr: str,
    office_id: int | None,
    changes: dict[str, Any] | None = None,
    comment: str = "",
    office_name: str | None = None,
    user: Any = None,
    regency_id: int | None = None,
) -> AuditEntry:
    """Write one entry with the current actor, or ``user`` (also used for workflow transitions and unlocks).

    ``regency_id``: the regency whose trail shows the entry; by default the office's.
    """
    ctx = current()
    user_id, user_name = ctx.user()
    if user is not None and getattr(user, "is_authenticated", False):
        user_id, user_name = user.pk, user.get_username()
    if office_name is None:
        office_name = _office_name(office_id)
    if regency_id is None:
        regency_id = office_regency(office_id)
    entry = AuditEntry(
        model=model,
        object_id=str(object_id)[:64],
        object_repr=object_repr[:300],
        office_id=office_id,
        office_name=office_name,
        regency_id=regency_id,
        action=action,
        changes=plain(changes or {}),
        comment=comment,
        user_id=user_id,
        user_name=user_name[:150],
        ip=ctx.ip,
        user_agent=ctx.user_agent[:255],
    )
    if ctx.buffer is not None:
        ctx.buffer.append(entry)
    else:
        entry.save()
    return entry


@contextmanager
def batch() -> Iterator[None]:
    """Write the entries recorded in this block together at its end (a dataset import: hundreds of rows).

    Use inside the same transaction as the changes; if the block raises, its entries are
    dropped with the changes they describe.
    """
    ctx = current()
    if ctx.buffer is not None:  # already batching
        yield
        return
    with own_context() as ctx:
        ctx.buffer = []
        try:
            yield
        finally:
            pending, ctx.buffer = ctx.buffer, None
        if pending:
            AuditEntry.objects.bulk_create(pending, batch_size=500)


def _office_facts(office_id: int) -> tuple[int | None, str]:
    """(regency id, name) of an office, read once per context (one query, no join)."""
    cache = current().office_cache
    key = ("office-facts", office_id)
    if key not in cache:
        row = Office.objects.filter(pk=office_id).order_by().values_list("regency_id", "name").first()
        cache[key] = (row[0], row[1]) if row is not None else (None, "")
    return cast(tuple[int | None, str], cache[key])


def known_office_rows(office: Office, rows: Iterable[models.Model]) -> None:
    """Rows the caller read as ``office``'s (in this request's context): an entry about them or their child rows finds
    their office, and the office its regency and name, without a query (`office_id_of`, `_office_facts`).
    Performance only: the same values the reads would give."""
    ctx = current()
    if not ctx.caching:  # outside a request the cache is emptied at every look: nothing to keep
        return
    ctx.office_cache[("office-facts", office.pk)] = (office.regency_id, office.name)
    for row in rows:
        if row.pk is not None:
            ctx.office_cache[(row._meta.label, row.pk)] = office.pk


def _office_name(office_id: int | None) -> str:
    return "" if office_id is None else _office_facts(office_id)[1]


def office_regency(office_id: int | None) -> int | None:
    """The regency of an office (cached per context)."""
    return None if office_id is None else _office_facts(office_id)[0]


def regency_of(instance: models.Model, office_id: int | None) -> int | None:
    """The regency whose trail shows a change of ``instance``: its office's, else its own chain of keys."""
    if isinstance(instance, Office):
        return int(instance.regency_id) if instance.regency_id is not None else None
    if office_id is not None:
        return office_regency(office_id)
    return scope.regency_id_of(instance, current().office_cache)


def _repr(instance: models.Model) -> str:
    try:
        text = str(instance)
    except Exception:
        text = ""
    return text or f"{instance._meta.verbose_name} #{instance.pk}"


def stored_values(instance: models.Model) -> dict[str, Any] | None:
    """The row as stored before this save (the trail's fields by attname; None if it is not stored).

    Read afresh; the trail's own ``pre_save``, which runs after the write guard's
    (``workflow.guard``, an earlier app) in the same save, reuses this read.
    """
    if instance._state.adding or instance.pk is None:
        return None
    model = type(instance)
    names = [f.attname for f in _fields(model)]
    old = model._default_manager.filter(pk=instance.pk).values(*names).first()
    setattr(instance, _OLD, old)
    setattr(instance, _FRESH, True)
    return old


def same_value(field: models.Field[Any, Any], old: Any, new: Any) -> bool:
    """Whether a stored value and a new one are the same for ``field`` (``85`` and ``85.0`` are)."""
    return _same(field, old, new)


def _pre_save(sender: type[models.Model], instance: models.Model, raw: bool = False, **kwargs: Any) -> None:
    if raw or not audited(sender) or instance._state.adding or instance.pk is None:
        return
    if getattr(instance, _FRESH, False):
        setattr(instance, _FRESH, False)
        return
    stored_values(instance)
    setattr(instance, _FRESH, False)


def _post_save(
    sender: type[models.Model], instance: models.Model, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    if raw or not audited(sender):
        return
    fields = _fields(sender)
    old = None if created else getattr(instance, _OLD, None)
    changes: dict[str, Any] = {}
    if old is None:
        for f in fields:
            new = _value(f, instance)
            if new not in (None, "", [], {}, b""):
                changes[f.name] = [None, _shown(f, new)]
        action = Action.CREATE
    else:
        for f in fields:
            before, after = old.get(f.attname), _value(f, instance)
            if not _same(f, before, after):
                changes[f.name] = [_shown(f, before), _shown(f, after)]
        if not changes:
            return
        action = Action.UPDATE
    if hasattr(instance, _OLD):
        delattr(instance, _OLD)
    office_id = office_id_of(instance)
    record(
        action=action,
        model=sender._meta.label,
        object_id=instance.pk,
        object_repr=_repr(instance),
        office_id=office_id,
        changes=changes,
        regency_id=regency_of(instance, office_id),
    )


def _pre_delete(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    if audited(sender):
        office_id = office_id_of(instance)
        setattr(instance, _OFFICE, office_id)
        setattr(instance, _REGENCY, regency_of(instance, office_id))  # read now: the parents may go too


def _post_delete(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    if not audited(sender):
        return
    changes = {}
    for f in _fields(sender):
        v = _value(f, instance)
        if v not in (None, "", [], {}, b""):
            changes[f.name] = [_shown(f, v), None]
    office_id = getattr(instance, _OFFICE, None)
    office_name = None
    if isinstance(instance, Office):
        office_name = instance.name  # the row is gone; the entry keeps its id and name
        current().office_cache.pop(("office-facts", office_id), None)
    record(
        action=Action.DELETE,
        model=sender._meta.label,
        object_id=instance.pk,
        object_repr=_repr(instance),
        office_id=office_id,
        changes=changes,
        office_name=office_name,
        regency_id=getattr(instance, _REGENCY, None),
    )


def connect() -> None:
    pre_save.connect(_pre_save, dispatch_uid="sakip_audit_pre_save")
    post_save.connect(_post_save, dispatch_uid="sakip_audit_post_save")
    pre_delete.connect(_pre_delete, dispatch_uid="sakip_audit_pre_delete")
    post_delete.connect(_post_delete, dispatch_uid="sakip_audit_post_delete")


def audited_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if audited(m)]
