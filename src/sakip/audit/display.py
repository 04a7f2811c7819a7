"""The audit trail as people read it (issue #14): the kinds of data and the fields by their Indonesian names,
users by their names, objects by what a planner calls them, Indonesian dates and numbers.

The trail keeps what happened as it was recorded (model label, field names, ids, exact decimals as text,
ISO times): this module only renders it, for the pages and the CSV export alike, reading the names of a
page's users and objects with one query per kind. A model's and a field's name is its ``verbose_name``;
the few left at Django's default (the models of ``accounts`` and ``workflow``, whose owners keep their
names) are named here. An object whose recorded text is Django's default ("… object (4)") is described
from its current row, or as "<kind> #<id>" when the row is gone.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.utils import formats, timezone
from django.utils.text import camel_case_to_spaces
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sakip.domain.numbers import format_number

from .models import AuditEntry

EMPTY = "∅"
MAX_TEXT = 160
DATETIME_FORMAT = "j F Y H.i"  # 7 Desember 2026 20.41
DATE_FORMAT = "j F Y"

#: models whose verbose name is Django's default (their apps' owners keep them): named here
MODEL_NAMES: dict[str, Any] = {
    "accounts.Regency": gettext_lazy("pemda"),
    "accounts.Office": gettext_lazy("perangkat daerah"),
    "accounts.Province": gettext_lazy("provinsi"),
    "workflow.PeriodState": gettext_lazy("status periode"),
    "workflow.TransitionLog": gettext_lazy("riwayat alur"),
    "auth.User": gettext_lazy("pengguna"),
    "auth.Group": gettext_lazy("grup"),
}
#: fields whose verbose name is Django's default and that are not a relation (a relation is named by the
#: model it points to)
FIELD_NAMES: dict[str, Any] = {
    "order": gettext_lazy("urutan"),
    "year": gettext_lazy("tahun"),
    "quarter": gettext_lazy("triwulan"),
    "status": gettext_lazy("status"),
    "printed": gettext_lazy("angka tercetak"),
    "created_at": gettext_lazy("waktu dibuat"),
    "updated_at": gettext_lazy("waktu perubahan"),
    "applied_at": gettext_lazy("waktu diterapkan"),
    "uploaded_at": gettext_lazy("waktu unggah"),
    "sha256": gettext_lazy("SHA-256"),
    "content": gettext_lazy("isi berkas"),
    "changes_digest": gettext_lazy("sidik perubahan"),
    "summary": gettext_lazy("ringkasan"),
    "key_hash": gettext_lazy("sidik token"),
    "username": gettext_lazy("nama pengguna"),
    "first_name": gettext_lazy("nama depan"),
    "last_name": gettext_lazy("nama belakang"),
    "email": gettext_lazy("alamat surel"),
    "is_active": gettext_lazy("aktif"),
    "is_staff": gettext_lazy("staf admin"),
    "is_superuser": gettext_lazy("superuser"),
    "date_joined": gettext_lazy("tanggal bergabung"),
    "name": gettext_lazy("nama"),
    "code": gettext_lazy("kode"),
}
#: the keys of a printed-figures record (``printed`` fields: what a published report printed)
PRINTED_KEYS: dict[str, Any] = {
    "achievement": gettext_lazy("capaian"),
    "category": gettext_lazy("kategori"),
    "where": gettext_lazy("letak"),
    "deviation": gettext_lazy("deviasi"),
    "absorption": gettext_lazy("serapan"),
    "target": gettext_lazy("target"),
    "realisation": gettext_lazy("realisasi"),
    "remaining": gettext_lazy("sisa"),
    "share": gettext_lazy("bagian"),
    "value": gettext_lazy("nilai"),
    "index": gettext_lazy("indeks"),
    "elements": gettext_lazy("unsur"),
    "total": gettext_lazy("jumlah"),
    "allocation": gettext_lazy("pagu"),
}
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_DEFAULT_REPR = re.compile(r"\bobject \(\S+\)$")
_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


def model_name(label: str) -> str:
    """The Indonesian name of a kind of data (``monitoring.Quarter`` → "realisasi triwulan")."""
    if label in MODEL_NAMES:
        return str(MODEL_NAMES[label])
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return label
    name = str(model._meta.verbose_name)
    if name == camel_case_to_spaces(model.__name__):
        return str(MODEL_NAMES.get(label, name))
    return name


class FieldInfo:
    """How one field's recorded values are shown."""

    def __init__(self, name: str, label: str, kind: str, choices: dict[str, str], related: str | None = None) -> None:
        self.name, self.label, self.kind, self.choices, self.related = name, label, kind, choices, related


def _field_label(f: models.Field[Any, Any]) -> str:
    label = str(f.verbose_name)
    if label != f.name.replace("_", " "):
        return label
    if f.is_relation and f.related_model is not None:
        return model_name(f.related_model._meta.label)
    return str(FIELD_NAMES.get(f.name, label))


def _kind(f: models.Field[Any, Any]) -> str:
    if f.is_relation:
        return "fk"
    if isinstance(f, models.DecimalField) or f.get_internal_type() == "DecimalField":
        return "decimal"
    if isinstance(f, models.BooleanField):
        return "bool"
    if isinstance(f, models.DateTimeField):
        return "datetime"
    if isinstance(f, models.DateField):
        return "date"
    if isinstance(f, models.SmallIntegerField | models.PositiveSmallIntegerField):
        return "small"  # years, quarters: never grouped
    if isinstance(f, models.IntegerField):
        return "int"
    return "text"


def fields_of(label: str) -> dict[str, FieldInfo]:
    """For a model: field name → how it is named and shown."""
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return {}
    out: dict[str, FieldInfo] = {}
    for f in model._meta.concrete_fields:
        choices = {str(k): str(v) for k, v in (f.flatchoices or [])}
        related = f.related_model._meta.label if f.is_relation and f.related_model is not None else None
        out[f.name] = FieldInfo(f.name, _field_label(f), _kind(f), choices, related)
    if label == settings.AUTH_USER_MODEL:  # the relations and the password recorded by audit/users.py
        out["groups"] = FieldInfo("groups", _("grup"), "text", {})
        out["user_permissions"] = FieldInfo("user_permissions", _("hak akses"), "text", {})
        out["password"] = FieldInfo("password", _("kata sandi"), "text", {})
    if label == "workflow.PeriodState":  # the transition pressed is kept beside the state
        from sakip.workflow.models import TRANSITION_CHOICES

        transitions = {str(k): str(v) for k, v in TRANSITION_CHOICES}
        out["transition"] = FieldInfo("transition", _("tindakan"), "text", transitions)
    return out


# ----------------------------------------------------------------------------- values


def number_text(value: Any) -> str | None:
    """Exact decimal text in Indonesian, with its own decimals: "9.8" → "9,8", "24122000" → "24.122.000"."""
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    if not d.is_finite():
        return None
    exponent = d.as_tuple().exponent
    places = max(0, -exponent) if isinstance(exponent, int) else 0
    return format_number(d, places)


def datetime_text(value: dt.datetime) -> str:
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return str(formats.date_format(value, DATETIME_FORMAT))


def _parsed_time(value: Any, kind: str) -> str | None:
    if not isinstance(value, str):
        return None
    try:
        if kind == "date":
            return str(formats.date_format(dt.date.fromisoformat(value), DATE_FORMAT))
        return datetime_text(dt.datetime.fromisoformat(value))
    except ValueError:
        return None


def value_text(value: Any, info: FieldInfo | None, names: dict[tuple[str, str], str]) -> str:
    """One recorded value as a person reads it."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or EMPTY
    if isinstance(value, dict):
        if set(value) == {"size", "sha256"} or set(value) >= {"size", "sha256"}:  # a large value kept by digest
            return _("%(size)s bita, SHA-256 %(digest)s…") % {
                "size": number_text(value["size"]) or value["size"],
                "digest": str(value["sha256"])[:12],
            }
        return "; ".join(f"{PRINTED_KEYS.get(k, k)}: {_plain(v)}" for k, v in value.items()) or EMPTY
    if info is not None:
        if info.choices and str(value) in info.choices:
            return info.choices[str(value)]
        if info.kind == "fk" and info.related:
            return names.get((info.related, str(value))) or f"{model_name(info.related)} #{value}"
        if info.kind == "bool" or isinstance(value, bool):
            return _("ya") if value in (True, "True", "true", 1) else _("tidak")
        if info.kind in ("decimal", "int"):
            return number_text(value) or str(value)
        if info.kind in ("date", "datetime"):
            return _parsed_time(value, info.kind) or str(value)
    elif isinstance(value, bool):
        return _("ya") if value else _("tidak")
    return str(value)


def _plain(value: Any) -> str:
    """A value inside a structure: numbers in Indonesian, the rest as text."""
    if isinstance(value, bool):
        return _("ya") if value else _("tidak")
    if isinstance(value, int | float | Decimal) or (isinstance(value, str) and _NUMBER.match(value)):
        return number_text(value) or str(value)
    if isinstance(value, dict):
        return "(" + "; ".join(f"{PRINTED_KEYS.get(k, k)}: {_plain(v)}" for k, v in value.items()) + ")"
    if isinstance(value, list):
        return ", ".join(_plain(v) for v in value)
    return "" if value is None else str(value)


# ----------------------------------------------------------------------------- objects and people


def _describe_iy(iy: Any) -> str:
    ind = iy.indicator
    return f"{ind.code} {ind.name} — {iy.year}"


#: how objects of the models without a readable ``__str__`` are named, and the relations read with them
DESCRIBERS: dict[str, tuple[tuple[str, ...], Callable[[Any], str]]] = {
    "monitoring.IndicatorYear": (("indicator",), _describe_iy),
    "monitoring.Quarter": (
        ("indicator_year__indicator",),
        lambda q: f"{q.indicator_year.indicator.code} {q.indicator_year.indicator.name} — "
        f"TW {_ROMAN.get(q.quarter, q.quarter)} {q.indicator_year.year}",
    ),
    "monitoring.InputValue": (
        ("input", "quarter__indicator_year__indicator"),
        lambda v: f"{v.input.name} — {v.quarter.indicator_year.indicator.code} "
        f"TW {_ROMAN.get(v.quarter.quarter, v.quarter.quarter)} {v.quarter.indicator_year.year}",
    ),
    "monitoring.ObjectivePrinted": (("objective",), lambda o: f"{o.objective} — {o.year}"),
    "planning.Target": (("indicator",), lambda t: f"{t.indicator.code} {t.indicator.name} — {_('target')} {t.year}"),
    "agreements.PkTarget": (
        ("indicator", "version"),
        lambda t: f"{t.indicator.code} {t.indicator.name} — PK {t.version.year}",
    ),
    "budgeting.LineQuarter": (("line",), lambda q: f"{q.line} — TW {_ROMAN.get(q.quarter, q.quarter)}"),
    "evaluation.Answer": (("criterion", "evaluation"), lambda a: f"{a.criterion} — {a.evaluation}"),
}


def _has_own_str(model: type[models.Model]) -> bool:
    return model.__str__ is not models.Model.__str__


def object_names(wanted: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """(model label, object id) → its name today; one query per model. Rows gone are left out."""
    by_model: dict[str, set[str]] = {}
    for label, object_id in wanted:
        by_model.setdefault(label, set()).add(str(object_id))
    out: dict[tuple[str, str], str] = {}
    for label, ids in by_model.items():
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            continue
        pks: list[Any] = []
        for i in ids:
            try:
                pks.append(model._meta.pk.to_python(i))
            except Exception:
                continue
        if not pks:
            continue
        related, describe = DESCRIBERS.get(label, ((), None))
        if describe is None:
            if not _has_own_str(model):
                continue
            describe = str
        qs = model._base_manager.filter(pk__in=pks)
        if related:
            qs = qs.select_related(*related)
        if label == settings.AUTH_USER_MODEL:
            describe = person_name
        for obj in qs:
            try:
                text = describe(obj)
            except Exception:
                continue
            out[(label, str(obj.pk))] = _short(text)
    return out


def _short(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


def person_name(user: Any) -> str:
    """"Nama Lengkap (username)", or the username when no name is set."""
    full = " ".join(p for p in (user.first_name, user.last_name) if p).strip()
    username = user.get_username()
    return f"{full} ({username})" if full and full != username else username


def is_default_repr(text: str) -> bool:
    return not text or bool(_DEFAULT_REPR.search(text))


# ----------------------------------------------------------------------------- rows


class Row:
    """One entry as shown: when, who, what, which object, the changes (name, old, new)."""

    def __init__(
        self, e: AuditEntry, at: str, user: str, kind: str, obj: str, changes: list[tuple[str, str, str]]
    ) -> None:
        self.e, self.at, self.user, self.model_name, self.object, self.changes = e, at, user, kind, obj, changes


def rows(entries: Iterable[AuditEntry]) -> list[Row]:
    """The entries as people read them; the names of their users and objects are read in one query per kind."""
    entries = list(entries)
    fields: dict[str, dict[str, FieldInfo]] = {}
    wanted: set[tuple[str, str]] = set()
    user_model = get_user_model()._meta.label
    for e in entries:
        info = fields.setdefault(e.model, fields_of(e.model))
        if e.user_id is not None:
            wanted.add((user_model, str(e.user_id)))
        if is_default_repr(e.object_repr) or e.model == user_model:
            wanted.add((e.model, e.object_id))
        for k, v in (e.changes or {}).items():
            fi = info.get(k)
            if fi is not None and fi.kind == "fk" and fi.related and isinstance(v, list):
                wanted.update((fi.related, str(x)) for x in v[:2] if x not in (None, ""))
    names = object_names(wanted)
    out: list[Row] = []
    for e in entries:
        info = fields[e.model]
        changes = []
        for k, v in (e.changes or {}).items():
            old = v[0] if isinstance(v, list) and v else None
            new = v[1] if isinstance(v, list) and len(v) > 1 else None
            fi = info.get(k)
            label = fi.label if fi is not None else str(FIELD_NAMES.get(k, k.replace("_", " ")))
            changes.append((label, value_text(old, fi, names), value_text(new, fi, names)))
        user = names.get((user_model, str(e.user_id))) if e.user_id is not None else None
        obj = names.get((e.model, e.object_id))
        if obj is None:
            obj = e.object_repr if not is_default_repr(e.object_repr) else f"{model_name(e.model)} #{e.object_id}"
        out.append(Row(e, datetime_text(e.at), user or e.user_name, model_name(e.model), obj, changes))
    return out


def changes_text(changes: list[tuple[str, str, str]]) -> str:
    """The changes on one line each, "name: old → new" (for the CSV)."""
    return "\n".join(f"{name}: {old} → {new}" for name, old, new in changes)
