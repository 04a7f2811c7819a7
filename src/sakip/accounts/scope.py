"""Which regency a row belongs to: the chain of foreign keys from a model to its Regency.

One rule for the admin site (`accounts.admin_scope`: the choices of a foreign key to a model
that has no admin of its own) and the audit trail (`audit.recorder`: the regency of a row
without an office, such as a due-date rule, an LKE template or an API token).

The chain is the shortest one through foreign keys of ``sakip.*`` models (``["regency"]`` for
an office or a membership, ``["office", "regency"]`` for a unit, ``[]`` for a Regency); a
model that reaches no regency that way but points at a user belongs to that user's regency
(``["user", "membership", "regency"]`` for an API token). Models are compared by label, so
the historical models of a migration work too.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from django.conf import settings
from django.db import models

REGENCY = "accounts.Regency"
MEMBERSHIP_TO_REGENCY = ["membership", "regency"]  # from a user: its one membership's regency
MAX_HOPS = 6
#: an attribute a writer may set on a row whose keys do not tell its regency yet (a new user, saved
#: before its membership): the audit trail files the row under that regency
REGENCY_HINT = "_sakip_regency_hint"

_PATHS: dict[tuple[int, str], list[str] | None] = {}
#: models whose regency is their user's even though a shorter chain exists: an API token may be limited
#: to one office (``office``, optional) but always belongs to its owner's regency
_THROUGH_USER = {"api.ApiToken"}


def _is_sakip(model: type[models.Model]) -> bool:
    return model._meta.app_label in _sakip_labels()


def _sakip_labels() -> set[str]:
    from django.apps import apps

    return {c.label for c in apps.get_app_configs() if c.name.startswith("sakip.")}


def _forward_keys(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [f for f in model._meta.concrete_fields if f.is_relation and (f.many_to_one or f.one_to_one)]


def _search(model: type[models.Model], *, through_users: bool) -> list[str] | None:
    user_label = settings.AUTH_USER_MODEL
    queue: deque[tuple[type[models.Model], list[str]]] = deque([(model, [])])
    seen = {model._meta.label}
    while queue:
        m, path = queue.popleft()
        if len(path) >= MAX_HOPS:
            break
        for f in _forward_keys(m):
            target = f.related_model
            if not isinstance(target, type):
                continue
            label = target._meta.label
            if label == REGENCY:
                return [*path, f.name]
            if label == user_label and through_users:
                return [*path, f.name, *MEMBERSHIP_TO_REGENCY]
            if label in seen or not _is_sakip(target):
                continue
            seen.add(label)
            queue.append((target, [*path, f.name]))
    return None


def regency_path(model: type[models.Model]) -> list[str] | None:
    """The chain of field names from ``model`` to its regency (``[]`` for a Regency), or None."""
    key = (id(model), model._meta.label)
    if key in _PATHS:
        return _PATHS[key]
    label = model._meta.label
    found: list[str] | None
    if label == REGENCY:
        found = []
    elif label == settings.AUTH_USER_MODEL:
        found = list(MEMBERSHIP_TO_REGENCY)
    elif label in _THROUGH_USER:
        found = ["user", *MEMBERSHIP_TO_REGENCY]
    else:
        found = _search(model, through_users=False) or _search(model, through_users=True)
    _PATHS[key] = found
    return found


def regency_lookup(model: type[models.Model]) -> str | None:
    """The ORM lookup from ``model`` to its regency's id (``"pk"`` for a Regency), or None."""
    path = regency_path(model)
    if path is None:
        return None
    return "__".join(path) if path else "pk"


def in_regency(qs: models.QuerySet[Any], regency_id: int, lookup: str | None = None) -> models.QuerySet[Any]:
    """``qs`` limited to the regency's rows (nothing when the model reaches no regency)."""
    lookup = lookup if lookup is not None else regency_lookup(qs.model)
    if lookup is None:
        return qs.none()
    return qs.filter(**{lookup or "pk": regency_id})


def regency_id_of(instance: models.Model, cache: dict[tuple[str, Any], Any] | None = None) -> int | None:
    """The regency of ``instance`` as stored (its first key read from the instance, the rest in one query).

    ``cache`` (optional) keeps (model label, pk) -> regency id of the parents read, for a batch of rows.
    """
    model = type(instance)
    path = regency_path(model)
    if path is None:
        return None
    if not path:
        return int(instance.pk) if instance.pk is not None else None
    first = model._meta.get_field(path[0])
    if not first.concrete:  # a user: its membership (a reverse one-to-one)
        if instance.pk is None:
            return None
        return _read(model, instance.pk, path, cache)
    parent_id = getattr(instance, first.attname)
    if parent_id is None:
        return None
    if len(path) == 1:
        return int(parent_id)
    parent = first.related_model
    assert isinstance(parent, type)
    return _read(parent, parent_id, path[1:], cache)


def _read(model: type[models.Model], pk: Any, path: list[str], cache: dict[tuple[str, Any], Any] | None) -> int | None:
    key = (f"regency-of:{model._meta.label}", pk)
    if cache is not None and key in cache:
        return cache[key]  # type: ignore[no-any-return]
    got = model._default_manager.filter(pk=pk).values_list("__".join(path), flat=True).first()
    result = int(got) if got is not None else None
    if cache is not None:
        cache[key] = result
    return result
