"""The admin site scoped to a regency: the shared base of every ModelAdmin of Sakip.

Who reaches ``/admin/`` at all is `accounts.admin.admin_allowed` (superusers, and staff users
whose membership is the regency's ADMIN role). Inside it:

* a **superuser** sees every regency;
* a **regency's administrator** sees and changes only the rows of its own regency. What it may
  do on a model is the ModelAdmin's ``may_regency_admin`` (its Django model permissions are not
  asked: the role decides, so nobody has to hand out permissions, and nobody can grant them).

Each ModelAdmin declares ``regency_path``, the ORM lookup from its model to the Regency
(``"office__regency"``, ``"regency"``, ``"membership__regency"`` for users, ``""`` for the
Regency itself, ``None`` for global rows only a superuser manages) and gets:

* ``get_queryset`` limited to the regency (so the changelist, the change, delete and history
  pages, the bulk actions and the autocomplete answers, which all read it); another regency's
  object by URL is a 404, like a missing one (`get_object`), never a 403 that confirms it exists;
* foreign-key and many-to-many choices limited to the regency (the target's own admin queryset,
  or `accounts.scope` for a model without an admin); a key to the Regency itself is fixed to the
  administrator's own (shown, not editable);
* list filters that list no other regency's names (related filters list only the values
  present in the scoped rows; the regency filter is left out);
* `save_model` / `save_formset` that refuse (403, the whole change rolled back) a row that would
  end up in, or point at, another regency;
* workflow-governed models (``may = VIEW_ONLY``, for superusers too): view-only; their pages in
  the application edit them, with the workflow, audit and lock rules.

``tests/web/test_admin_scope.py`` walks every registered ModelAdmin as two regencies'
administrators, and fails for a ModelAdmin that does not declare its scope.
"""

from __future__ import annotations

from typing import Any, ClassVar, cast

from django.contrib import admin
from django.contrib.admin.filters import RelatedFieldListFilter, RelatedOnlyFieldListFilter
from django.contrib.admin.utils import NotRelationField, get_fields_from_path
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import models
from django.db.models import QuerySet
from django.forms import BaseForm
from django.http import Http404, HttpRequest
from django.urls import URLPattern

from . import scope
from .models import Regency, Role

ALL = frozenset({"view", "add", "change", "delete"})
VIEW_ONLY = frozenset({"view"})
NOTHING: frozenset[str] = frozenset()

_SCOPE_ATTR = "_sakip_admin_regency"


def regency_scope(request: HttpRequest) -> int | None:
    """The regency the request's admin user manages: None for a superuser (every regency).

    Anyone else than a superuser or a regency's administrator is refused (the site's
    `admin_allowed` already keeps them out; this is the same rule again, where data is read).
    """
    cached = getattr(request, _SCOPE_ATTR, False)
    if cached is not False:
        return cast(int | None, cached)
    user = request.user
    if not (user.is_active and user.is_authenticated):
        raise PermissionDenied
    if user.is_superuser:
        result = None
    else:
        from .access import membership_of

        m = membership_of(request)
        if m is None or m.role != Role.ADMIN or not user.is_staff:
            raise PermissionDenied
        result = m.regency_id
    setattr(request, _SCOPE_ATTR, result)
    return result


def is_regency_model(model: Any) -> bool:
    return isinstance(model, type) and issubclass(model, models.Model) and model._meta.label == scope.REGENCY


def scoped_choices(site: admin.AdminSite, model: type[models.Model], request: HttpRequest) -> QuerySet[Any] | None:
    """The rows of ``model`` the request's admin may pick in a form (None: no limit, a superuser)."""
    rid = regency_scope(request)
    if rid is None:
        return None
    related = site._registry.get(model)
    if isinstance(related, RegencyScoped):
        return related.get_queryset(request)
    return scope.in_regency(model._default_manager.all(), rid)


def outside_regency(obj: models.Model, regency_id: int) -> list[str]:
    """The names of the row's keys that lead out of the regency (the row's own regency first: ``"*"``)."""
    wrong: list[str] = []
    lookup = scope.regency_lookup(type(obj))
    if lookup is not None and not scope.in_regency(type(obj)._default_manager.filter(pk=obj.pk), regency_id).exists():
        wrong.append("*")
    for f in obj._meta.concrete_fields:
        if not (f.is_relation and (f.many_to_one or f.one_to_one)):
            continue
        value = getattr(obj, f.attname)
        target = f.related_model
        if value is None or not isinstance(target, type) or scope.regency_lookup(target) is None:
            continue
        if not scope.in_regency(target._default_manager.filter(pk=value), regency_id).exists():
            wrong.append(f.name)
    return wrong


def _fix_regency(form_class: type[BaseForm], names: list[str], regency_id: int) -> type[BaseForm]:
    """The form with its keys to the Regency set to ``regency_id`` on a new row (those fields are disabled)."""

    class Form(form_class):  # type: ignore[valid-type,misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            instance = getattr(self, "instance", None)
            if instance is not None and instance._state.adding:
                for name in names:
                    if name in self.fields:
                        self.initial[name] = regency_id

    Form.__name__ = form_class.__name__
    Form.__qualname__ = form_class.__qualname__
    return Form


class _Choices:
    """Foreign-key and many-to-many choices limited to the regency (shared by admins and inlines)."""

    admin_site: Any
    model: Any

    def formfield_for_foreignkey(self, db_field: Any, request: Any = None, **kwargs: Any) -> Any:
        rid = regency_scope(request)
        if rid is not None and "queryset" not in kwargs:
            target = db_field.remote_field.model
            if is_regency_model(target):
                kwargs["queryset"] = Regency.objects.filter(pk=rid)
                kwargs["disabled"] = True  # the administrator's own regency, shown, not chosen
                kwargs["initial"] = rid
            else:
                kwargs["queryset"] = scoped_choices(self.admin_site, target, request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]

    def formfield_for_manytomany(self, db_field: Any, request: Any = None, **kwargs: Any) -> Any:
        if regency_scope(request) is not None and "queryset" not in kwargs:
            kwargs["queryset"] = scoped_choices(self.admin_site, db_field.remote_field.model, request)
        return super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]

    def _regency_keys(self) -> list[str]:
        return [
            f.name
            for f in self.model._meta.concrete_fields
            if f.is_relation and f.many_to_one and is_regency_model(f.related_model)
        ]


class RegencyScoped(_Choices):
    """Mixin for a ModelAdmin (put before ``admin.ModelAdmin`` or Django's ``UserAdmin``)."""

    #: the ORM lookup from the model to the Regency ("" = the Regency itself; None = no regency: superusers only)
    regency_path: ClassVar[str | None]
    #: what a superuser may do here (VIEW_ONLY for workflow-governed and append-only rows)
    may_superuser: ClassVar[frozenset[str]] = ALL
    #: what a regency's administrator may do on its own regency's rows
    may_regency_admin: ClassVar[frozenset[str]] = ALL

    # ------------------------------------------------------------------ rights

    def _may(self, request: HttpRequest, what: str) -> bool:
        try:
            rid = regency_scope(request)
        except PermissionDenied:  # not an administrator (the admin's sign-in page asks this too): no right
            return False
        if rid is None:
            return what in self.may_superuser
        if self.regency_path is None:
            return False
        return what in self.may_regency_admin and what in self.may_superuser

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._may(request, "view")

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may(request, "view") or self._may(request, "change")

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self._may(request, "add")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may(request, "change")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may(request, "delete")

    def get_urls(self) -> list[URLPattern]:
        """No add page when nobody may add here (the rows are made by the application)."""
        urls: list[URLPattern] = super().get_urls()  # type: ignore[misc]
        if "add" in self.may_superuser:
            return urls
        return [u for u in urls if not (isinstance(u, URLPattern) and (u.name or "").endswith("_add"))]

    # ------------------------------------------------------------------ rows

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs: QuerySet[Any] = super().get_queryset(request)  # type: ignore[misc]
        rid = regency_scope(request)
        if rid is None:
            return qs
        if self.regency_path is None:
            return qs.none()
        return self.scope_queryset(request, qs.filter(**{self.regency_path or "pk": rid}), rid)

    def scope_queryset(self, request: HttpRequest, qs: QuerySet[Any], regency_id: int) -> QuerySet[Any]:
        """More limits for a regency's administrator (the user admin leaves out superusers)."""
        return qs

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> Any:
        """Another regency's row, like a missing one, is a 404 (the admin would redirect with a message)."""
        obj = super().get_object(request, object_id, from_field)  # type: ignore[misc]
        if obj is None:
            raise Http404
        return obj

    def get_list_filter(self, request: HttpRequest) -> Any:
        filters = list(super().get_list_filter(request))  # type: ignore[misc]
        if regency_scope(request) is None:
            return filters
        out: list[Any] = []
        for item in filters:
            path, kind = (item, None) if isinstance(item, str) else (item if isinstance(item, tuple) else (None, item))
            if path is None:
                out.append(item)  # a SimpleListFilter: its own lookups
                continue
            try:
                last = get_fields_from_path(self.model, path)[-1]
            except (FieldDoesNotExist, NotRelationField):
                out.append(item)
                continue
            if not last.is_relation:
                out.append(item)
            elif is_regency_model(last.related_model):
                continue  # one regency: nothing to filter by, and no other regency's name to list
            elif kind is None or (isinstance(kind, type) and issubclass(kind, RelatedFieldListFilter)):
                out.append((path, RelatedOnlyFieldListFilter))  # only the values of the scoped rows
            else:
                out.append(item)
        return out

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        initial: dict[str, Any] = super().get_changeform_initial_data(request)  # type: ignore[misc]
        rid = regency_scope(request)
        if rid is not None:
            for name in self._regency_keys():
                initial[name] = rid
        return initial

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)  # type: ignore[misc]
        rid = regency_scope(request)
        keys = self._regency_keys()
        return _fix_regency(form, keys, rid) if rid is not None and keys else form

    # ------------------------------------------------------------------ writes

    def refuse_outside(self, request: HttpRequest, obj: models.Model) -> None:
        """Raise PermissionDenied (the admin's transaction rolls back) for a row leading out of the regency."""
        rid = regency_scope(request)
        if rid is not None and obj.pk is not None and outside_regency(obj, rid):
            raise PermissionDenied

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)  # type: ignore[misc]
        self.refuse_outside(request, obj)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        super().save_formset(request, form, formset, change)  # type: ignore[misc]
        for obj in [*formset.new_objects, *(o for o, _changed in formset.changed_objects)]:
            self.refuse_outside(request, obj)


class ScopedAdmin(RegencyScoped, admin.ModelAdmin):  # type: ignore[type-arg]
    """A ModelAdmin of a regency's configuration (declare ``regency_path``)."""


class GovernedAdmin(ScopedAdmin):
    """A workflow-governed model (it feeds a figure or a document): view-only in the admin, for everyone."""

    may_superuser = VIEW_ONLY
    may_regency_admin = VIEW_ONLY
    actions = None


class ScopedInline(_Choices):
    """Mixin for an inline: the parent admin's rights (view-only under a governed parent), scoped choices."""

    parent_model: type[models.Model]

    def _parent(self) -> RegencyScoped:
        parent = self.admin_site._registry[self.parent_model]
        assert isinstance(parent, RegencyScoped), f"{parent} is not regency-scoped"
        return parent

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._parent().has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._parent().has_change_permission(request, obj) or (
            obj is None and self._parent().has_add_permission(request)
        )

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._parent().has_change_permission(request, obj) or (
            obj is None and self._parent().has_add_permission(request)
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._parent().has_change_permission(request, obj)

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)  # type: ignore[misc]
        rid = regency_scope(request)
        keys = self._regency_keys()
        if rid is None or not keys:
            return formset
        return type(formset.__name__, (formset,), {"form": _fix_regency(formset.form, keys, rid)})


class TabularInline(ScopedInline, admin.TabularInline):  # type: ignore[type-arg]
    pass


class StackedInline(ScopedInline, admin.StackedInline):  # type: ignore[type-arg]
    pass


__all__ = [
    "ALL",
    "NOTHING",
    "VIEW_ONLY",
    "GovernedAdmin",
    "RegencyScoped",
    "ScopedAdmin",
    "ScopedInline",
    "StackedInline",
    "TabularInline",
    "outside_regency",
    "regency_scope",
    "scoped_choices",
]
