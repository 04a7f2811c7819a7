"""A ModelForm saved without losing someone else's update (the plan, goal, objective, indicator, program editors).

The form carries the version token of its row in a hidden field (`VERSION_FIELD`, with the
form's prefix). `save_form` binds the posted data to the row *as stored now*; when the token
differs, the fields whose posted value differs from the stored one (Django's own
``changed_data``, which compares with the instance's current values) are the conflicts: the
page is shown again (409) with the stored values in those fields, what was typed kept for
"use my values", and the current token. Otherwise the row is saved under the office's lock
(`core.web.atomic_checked`) after checking that its version is still the one read — else,
and when a parallel save made the same code first (the unique constraint), the whole save is
read and checked again (`concurrency.retrying`): the second reading shows the clash as a form
error or a conflict, never a 500.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.http import QueryDict
from django.utils.translation import gettext as _

from .concurrency import Changed, Conflict, last_changes, locked, retrying, token, verify, when_text
from .web import Rollback, atomic_checked

VERSION_FIELD = "ver"
F = TypeVar("F", bound=forms.ModelForm)  # type: ignore[type-arg]


def add_version_field(form: forms.ModelForm) -> None:  # type: ignore[type-arg]
    """The hidden version field of a ModelForm (call in ``__init__``): the token of the row it edits."""
    form.fields[VERSION_FIELD] = forms.CharField(required=False, widget=forms.HiddenInput)
    form.initial.setdefault(VERSION_FIELD, token(form.instance if form.instance.pk else None))


@dataclass
class FormSave(Generic[F]):
    form: F
    saved: Any = None
    conflicts: list[Conflict] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    refused: Any = None  # what ``before`` answered instead of saving (a locked year's 409 page)

    @property
    def status(self) -> int:
        return 409 if self.conflicts else 200


def save_form(
    office: Any,
    data: QueryDict,
    make: Callable[[QueryDict], F],
    store: Callable[[F], Any],
    where: Callable[[F], str],
    before: Callable[[F], Any] | None = None,
) -> FormSave[F]:
    """``make(data)`` (a form bound to the row read now), validated, checked against its version, ``store``d.

    ``before(form)``, when given, runs on a valid form without conflicts before the transaction:
    anything but None it returns is given back as `FormSave.refused` and nothing is stored.
    The form of the result carries its conflicts as ``form.conflicts`` (``{% form_conflicts form %}``).
    """

    def attempt() -> FormSave[F]:
        form = make(data)
        if not form.is_valid():
            return FormSave(form)
        found = form_conflicts(form, where(form))
        if found:
            shown_form = make(shown_data(form, data, found))
            shown_form.conflicts = found  # type: ignore[attr-defined]
            return FormSave(shown_form, conflicts=found)
        if before is not None and (refused := before(form)) is not None:
            return FormSave(form, refused=refused)
        try:
            with atomic_checked(office):
                instance = form.instance
                if instance.pk is not None:
                    current = locked(type(instance)._default_manager.filter(pk=instance.pk)).values_list(
                        "pk", "version"
                    )
                    verify({"row": token(instance)}, {"row": next((f"{pk}.{v}" for pk, v in current), "-")})
                saved = store(form)
        except Rollback as exc:
            return FormSave(form, problems=exc.issues)
        return FormSave(form, saved=saved)

    try:
        return retrying(attempt)
    except Changed:
        result = FormSave(make(data))
        result.problems.append(_("Data ini sedang diubah orang lain; tidak ada yang disimpan. Coba simpan lagi."))
        return result


def form_conflicts(form: forms.ModelForm, where: str) -> list[Conflict]:  # type: ignore[type-arg]
    """The typed fields that differ from the row stored now, when the row changed since the form was loaded."""
    loaded = form.data.get(form.add_prefix(VERSION_FIELD))
    instance = form.instance
    now = token(instance if instance.pk else None)
    if loaded is None or loaded == now:
        return []
    if instance.pk is None:  # a new row: nothing of it is stored to compare with (a clash of codes is a form error)
        return []
    by, at = last_changes(type(instance), [instance.pk]).get(str(instance.pk), ("", None))
    out = []
    for name in form.changed_data:
        if name == VERSION_FIELD:
            continue
        bound = form[name]
        widget_name = form.add_prefix(name)
        raw = form.data.getlist(widget_name) if hasattr(form.data, "getlist") else [form.data.get(widget_name, "")]
        out.append(
            Conflict(
                where,
                str(bound.label or name),
                shown(bound.field, bound.initial),
                shown(bound.field, bound.data),
                by,
                at,
                name=widget_name,
                raw=tuple(str(v) for v in raw),
            )
        )
    return out


def shown_data(form: forms.ModelForm, data: QueryDict, found: list[Conflict]) -> QueryDict:  # type: ignore[type-arg]
    """The data of the 409 form: the stored values in the conflicting fields, the current version."""
    out = data.copy()
    names = {c.name for c in found}
    for name in form.fields:
        key = form.add_prefix(name)
        if key not in names:
            continue
        value = form[name].field.prepare_value(form[name].initial)
        if isinstance(value, (list, tuple)):
            out.setlist(key, [str(v.pk if isinstance(v, models.Model) else v) for v in value])
        elif isinstance(value, bool):
            if value:
                out[key] = "on"
            else:
                out.pop(key, None)
        else:
            out[key] = "" if value is None else str(value)
    out[form.add_prefix(VERSION_FIELD)] = token(form.instance)
    out.pop("pakai-nilai-saya", None)
    return out


def shown(f: forms.Field, value: Any) -> str:
    """A field's value as a person reads it (choices by their label, yes/no, numbers as typed)."""
    if isinstance(f, forms.ModelMultipleChoiceField):
        ids = [v.pk if isinstance(v, models.Model) else v for v in (value or [])]
        chosen = f.queryset.filter(pk__in=[i for i in ids if str(i).isdigit()]) if f.queryset is not None else []
        return ", ".join(str(o) for o in chosen)
    if isinstance(f, forms.ModelChoiceField):
        pk = value.pk if isinstance(value, models.Model) else value
        known = f.queryset is not None and pk not in (None, "") and str(pk).isdigit()
        obj = f.queryset.filter(pk=pk).first() if known and f.queryset is not None else None
        return str(obj) if obj is not None else ""
    if isinstance(f, forms.BooleanField):
        checked = value if isinstance(value, bool) else str(value).lower() in ("on", "true", "1")
        return _("ya") if checked else _("tidak")
    if isinstance(f, forms.ChoiceField):
        labels = {str(k): str(v) for k, v in list(f.choices)}  # type: ignore[arg-type]
        return labels.get(str(value), "" if value is None else str(value))
    prepared = f.prepare_value(value)
    if isinstance(prepared, (list, tuple)):
        return "\n".join(str(v) for v in prepared)
    return "" if prepared is None else str(prepared)


# ----------------------------------------------------------------------------- deletes


class StaleDelete(Exception):
    """A delete refused because the row changed since the page was loaded (nothing was deleted)."""


def delete_checked(office: Any, obj: models.Model, loaded: str | None) -> None:
    """``obj.delete()`` under the office's lock (`core.web.atomic_checked`), refused with `StaleDelete` — whose
    message says who changed the row, when and what — if its version is no longer ``loaded`` (the token the
    page's delete button carried; ``None``: not sent, as from a script)."""
    with atomic_checked(office):
        if loaded is not None:
            rows = locked(type(obj)._default_manager.filter(pk=obj.pk)).values_list("pk", "version")
            now = next((f"{pk}.{v}" for pk, v in rows), "-")
            if now != loaded:
                raise StaleDelete(stale_delete_message(obj))
        obj.delete()


def stale_delete_message(obj: models.Model) -> str:
    from sakip.audit.models import AuditEntry

    last = AuditEntry.objects.filter(model=obj._meta.label, object_id=str(obj.pk)).order_by("-at", "-id").first()
    changes = last.changes if last is not None and isinstance(last.changes, dict) else {}
    what = ", ".join(
        f"{_label(obj, name)}: «{'' if pair[0] is None else pair[0]}» → «{'' if pair[1] is None else pair[1]}»"
        for name, pair in changes.items()
        if isinstance(pair, list) and len(pair) == 2
    )
    by = last.user_name if last else ""
    return _(
        "%(obj)s tidak dihapus: diubah oleh %(by)s pada %(at)s sejak halaman dibuka%(what)s. Periksa isinya, lalu "
        "hapus lagi bila tetap perlu."
    ) % {"obj": obj, "by": by or "-", "at": when_text(last.at) if last else "-", "what": f" ({what})" if what else ""}


def _label(obj: models.Model, name: str) -> str:
    try:
        return str(getattr(obj._meta.get_field(name), "verbose_name", name))
    except FieldDoesNotExist:  # a field removed since the change was recorded
        return name
