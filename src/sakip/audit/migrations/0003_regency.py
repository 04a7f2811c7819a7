"""The audit trail's rows get their regency (the regency's trail shows only its own rows).

Existing rows are filled in: from the office's regency; else from the row itself — a Regency's
own rows, the regency key it recorded, a key it recorded to a row of a regency (an LKE
template, a user through its membership), or the row it describes if it still exists; a user's
rows and sign-ins from the user's membership (a failed sign-in by the username tried). Rows
that lead to no regency (a failed sign-in with an unknown username) stay without one: only
superusers see them.
"""

from collections import deque
from typing import Any

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

CHUNK = 500


def _path(model: Any, user_label: str, cache: dict[str, Any]) -> list[str] | None:
    """The shortest chain of foreign keys from ``model`` to accounts.Regency (a user: its membership)."""
    label = model._meta.label
    if label in cache:
        return cache[label]  # type: ignore[no-any-return]
    found: list[str] | None = None
    if label == "accounts.Regency":
        found = []
    elif label == user_label:
        found = ["membership", "regency"]
    else:
        queue = deque([(model, [])])
        seen = {label}
        while queue and found is None:
            m, path = queue.popleft()
            if len(path) >= 6:
                break
            for f in m._meta.concrete_fields:
                target = f.related_model if f.is_relation and (f.many_to_one or f.one_to_one) else None
                if target is None or isinstance(target, str):
                    continue
                if target._meta.label == "accounts.Regency":
                    found = [*path, f.name]
                    break
                if target._meta.label == user_label:
                    continue  # only when nothing else leads to a regency (below)
                if target._meta.label not in seen and target._meta.app_label != "auth":
                    seen.add(target._meta.label)
                    queue.append((target, [*path, f.name]))
        if found is None:
            users = [
                f.name
                for f in model._meta.concrete_fields
                if f.is_relation
                and f.related_model
                and not isinstance(f.related_model, str)
                and f.related_model._meta.label == user_label
            ]
            if users:
                found = [users[0], "membership", "regency"]
    cache[label] = found
    return found


def _regency_of(model: Any, pk: Any, db: str, user_label: str, cache: dict[str, Any]) -> int | None:
    path = _path(model, user_label, cache)
    if path is None or pk in (None, ""):
        return None
    try:
        if not path:
            return int(model._default_manager.using(db).filter(pk=pk).values_list("pk", flat=True).first())
        got = model._default_manager.using(db).filter(pk=pk).values_list("__".join(path), flat=True).first()
    except (ValueError, TypeError, LookupError):
        return None
    return int(got) if got is not None else None


def _recorded(value: Any) -> Any:
    """The value a row's change recorded (the new one, else the old one)."""
    if isinstance(value, list) and len(value) == 2:
        return value[1] if value[1] is not None else value[0]
    return None


def backfill(apps: Any, schema_editor: Any) -> None:
    db = schema_editor.connection.alias
    AuditEntry = apps.get_model("audit", "AuditEntry")
    Office = apps.get_model("accounts", "Office")
    user_label = settings.AUTH_USER_MODEL
    User = apps.get_model(user_label)
    entries = AuditEntry.objects.using(db)
    # rows with an office: the office's regency, regency by regency
    for regency_id in Office.objects.using(db).values_list("regency_id", flat=True).distinct():
        offices = list(Office.objects.using(db).filter(regency_id=regency_id).values_list("pk", flat=True))
        for i in range(0, len(offices), CHUNK):
            entries.filter(regency__isnull=True, office_id__in=offices[i : i + CHUNK]).update(regency_id=regency_id)
    # the other rows, one by one
    cache: dict[str, Any] = {}
    found: dict[int, list[int]] = {}
    pending = entries.filter(regency__isnull=True).values_list(
        "pk", "model", "object_id", "object_repr", "action", "changes"
    )
    for pk, label, object_id, object_repr, action, changes in pending.iterator(chunk_size=CHUNK):
        regency_id: int | None = None
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            model = None
        changes = changes if isinstance(changes, dict) else {}
        if label == user_label and action == "login_failed":
            user = User._default_manager.using(db).filter(username=object_repr).values_list("pk", flat=True).first()
            regency_id = _regency_of(User, user, db, user_label, cache)
        elif model is not None:
            if _path(model, user_label, cache) == []:
                regency_id = _regency_of(model, object_id, db, user_label, cache)
            if regency_id is None and isinstance(_recorded(changes.get("regency")), int):
                regency_id = _recorded(changes.get("regency"))
            if regency_id is None:  # the keys the row recorded (a deleted row's too)
                for f in model._meta.concrete_fields:
                    value = _recorded(changes.get(f.name))
                    if value is None or not (f.is_relation and (f.many_to_one or f.one_to_one)):
                        continue
                    regency_id = _regency_of(f.related_model, value, db, user_label, cache)
                    if regency_id is not None:
                        break
            if regency_id is None:  # the row it describes, if it is still there
                regency_id = _regency_of(model, object_id, db, user_label, cache)
        if regency_id is not None:
            found.setdefault(regency_id, []).append(pk)
    for regency_id, ids in found.items():
        for i in range(0, len(ids), CHUNK):
            entries.filter(pk__in=ids[i : i + CHUNK]).update(regency_id=regency_id)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_office_regency_label"),
        ("audit", "0002_sign_in_actions"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="regency",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="accounts.regency",
                verbose_name="pemda",
            ),
        ),
        migrations.AddIndex(
            model_name="auditentry",
            index=models.Index(fields=["regency", "at"], name="audit_regency_time"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
