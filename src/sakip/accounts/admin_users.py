"""Users and groups in the admin, scoped to the regency (Django's own admins, replaced).

A regency's administrator:

* sees only the users with a membership in its regency, never a superuser;
* makes a user in one form: username, password, names and the membership (role, and the
  office for an operator or a head) — the membership is required and is always in its regency;
* cannot set ``is_superuser``, ``is_staff``, groups or user permissions (read-only): admin access
  (``is_staff``) follows the membership, on for the ADMIN role and off for every other;
* cannot change its own membership nor deactivate or delete itself (no self-promotion, no
  self-lockout), and cannot change any other regency's users (they are not there: 404).

Groups are global (not a regency's): superusers only.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .admin_scope import NOTHING, RegencyScoped, StackedInline, regency_scope
from .models import Membership, Role
from .scope import REGENCY_HINT

#: fields of a user only a superuser sets
SUPERUSER_FIELDS = ("is_staff", "is_superuser", "groups", "user_permissions")
#: Django's own bookkeeping, never edited
BOOKKEEPING = ("last_login", "date_joined")
#: the membership inline's form prefix (the user's reverse one-to-one accessor)
MEMBERSHIP_PREFIX = "membership"
#: the membership's keys as the forms name them (the model's fields have no Indonesian names)
MEMBERSHIP_LABELS = {"user": _("pengguna"), "regency": _("pemda"), "office": _("perangkat daerah")}


def match_staff(user: Any) -> None:
    """Admin access follows the membership: ``is_staff`` on for the regency's ADMIN role, off otherwise."""
    if user.is_superuser:
        return
    membership = Membership.objects.filter(user_id=user.pk).first()
    staff = membership is not None and membership.role == Role.ADMIN
    if user.is_staff != staff:
        user.is_staff = staff
        user.save(update_fields=["is_staff"])


def _filter_name(item: Any) -> str | None:
    return item if isinstance(item, str) else item[0] if isinstance(item, tuple) else None


class MembershipInline(StackedInline):
    """The user's role in the regency, on the user's own form (required for a regency's administrator)."""

    model = Membership
    fk_name = "user"
    fields = ["role", "office", "regency"]
    max_num = 1
    verbose_name = _("peran dan perangkat daerah")
    verbose_name_plural = _("peran dan perangkat daerah")

    def _self(self, request: HttpRequest, obj: Any) -> bool:
        return obj is not None and obj.pk == request.user.pk and regency_scope(request) is not None

    def formfield_for_foreignkey(self, db_field: Any, request: Any = None, **kwargs: Any) -> Any:
        kwargs.setdefault("label", MEMBERSHIP_LABELS.get(db_field.name))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_min_num(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> int:
        return 0 if regency_scope(request) is None else 1

    def get_extra(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> int:
        if regency_scope(request) is not None:
            return 0  # the one required form (min_num)
        return 0 if obj is not None and Membership.objects.filter(user_id=obj.pk).exists() else 1

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_add_permission(request, obj) and not self._self(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and not self._self(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # a regency's user keeps a membership (delete the user instead); a superuser may remove it
        return regency_scope(request) is None and super().has_delete_permission(request, obj)


class SakipUserAdmin(RegencyScoped, UserAdmin):  # type: ignore[type-arg]
    regency_path = "membership__regency"
    inlines = [MembershipInline]
    list_display = ("username", "first_name", "last_name", "membership_role", "membership_office", "is_active")
    list_filter = ("is_active", "membership__role", "is_staff", "is_superuser", "groups")
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "usable_password", "password1", "password2")}),
        (_("Data pribadi"), {"fields": ("first_name", "last_name", "email")}),
    )

    @admin.display(description=_("peran"), ordering="membership__role")
    def membership_role(self, obj: Any) -> str:
        m = getattr(obj, "membership", None)
        return m.get_role_display() if m is not None else "—"

    @admin.display(description=_("perangkat daerah"), ordering="membership__office__name")
    def membership_office(self, obj: Any) -> str:
        m = getattr(obj, "membership", None)
        return str(m.office) if m is not None and m.office_id else "—"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).select_related("membership__office")

    def scope_queryset(self, request: HttpRequest, qs: QuerySet[Any], regency_id: int) -> QuerySet[Any]:
        return qs.filter(is_superuser=False)

    def get_list_filter(self, request: HttpRequest) -> Any:
        filters = super().get_list_filter(request)
        if regency_scope(request) is None:
            return filters
        hidden = {"is_superuser", "groups"}  # no superuser is listed; groups are a superuser's matter
        return [f for f in filters if _filter_name(f) not in hidden]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = [*super().get_readonly_fields(request, obj), *BOOKKEEPING]
        if regency_scope(request) is None:
            return fields
        fields += SUPERUSER_FIELDS
        if obj is not None and obj.pk == request.user.pk:
            fields.append("is_active")  # no self-lockout
        return fields

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        own = obj is not None and obj.pk == request.user.pk
        return super().has_delete_permission(request, obj) and not own

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        # not RegencyScoped.save_model: a new user has no membership until its inline is saved
        if not change:  # the audit trail files the new user under the membership's regency, saved next
            rid = regency_scope(request)
            posted = str(request.POST.get(f"{MEMBERSHIP_PREFIX}-0-regency", ""))
            setattr(obj, REGENCY_HINT, rid if rid is not None else int(posted) if posted.isdigit() else None)
        UserAdmin.save_model(self, request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        rid = regency_scope(request)
        if rid is None:
            return
        user = form.instance
        if not Membership.objects.filter(user_id=user.pk, regency_id=rid).exists() or user.is_superuser:
            raise PermissionDenied  # every user a regency's administrator makes or keeps is in its regency
        match_staff(user)
        self.refuse_outside(request, user)


class SakipGroupAdmin(RegencyScoped, GroupAdmin):
    """Groups hold permissions of every regency: a superuser's matter."""

    regency_path = None
    may_regency_admin = NOTHING


def register(user_model: type[models.Model]) -> None:
    """Replace Django's own user and group admins by the scoped ones."""
    for model in (user_model, Group):
        if admin.site.is_registered(model):
            admin.site.unregister(model)
    admin.site.register(user_model, SakipUserAdmin)
    admin.site.register(Group, SakipGroupAdmin)
