"""Admin for setting up the regency: offices, units, memberships and per-year settings.

Only superusers and users with the regency's admin role reach /admin/ (see `admin_allowed`);
a regency's administrator sees and changes its own regency only (`admin_scope`). Users and
groups: `admin_users`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _

from . import (
    admin_signin,  # noqa: F401 - two-factor devices and lockouts (replaces the libraries' admins)
    admin_users,
)
from .admin_scope import ScopedAdmin, TabularInline, regency_scope
from .models import Membership, Office, Oversight, Province, Regency, Role, Unit, YearSetting


def admin_allowed(request: HttpRequest) -> bool:
    user = request.user
    if not (user.is_active and user.is_authenticated):
        return False
    if user.is_superuser:
        return True
    membership = Membership.objects.filter(user_id=user.pk).first()
    return bool(user.is_staff and membership is not None and membership.role == Role.ADMIN)


admin.site.has_permission = admin_allowed  # type: ignore[method-assign]
admin.site.site_header = "Sakip — administrasi"
admin.site.site_title = "Sakip"


class UnitInline(TabularInline):
    model = Unit
    extra = 1


@admin.register(Regency)
class RegencyAdmin(ScopedAdmin):
    regency_path = ""
    may_regency_admin = frozenset({"view", "change"})  # its own regency's name and province
    list_display = ["code", "name", "province", "province_group"]
    list_filter = ["province_group"]
    search_fields = ["code", "name", "province"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))
        # the grouping decides who oversees the regency: the instance's (superuser's) matter
        return fields if regency_scope(request) is None else [*fields, "code", "province_group"]


@admin.register(Province)
class ProvinceAdmin(ScopedAdmin):
    """Provinces grouping the regencies of a province or national instance: superusers only."""

    regency_path = None
    may_regency_admin = frozenset()
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Oversight)
class OversightAdmin(ScopedAdmin):
    """Province and national oversight roles (read-only users above the regencies): superusers only."""

    regency_path = None
    may_regency_admin = frozenset()
    list_display = ["user", "role", "province"]
    list_filter = ["role", "province"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user"]


@admin.register(Office)
class OfficeAdmin(ScopedAdmin):
    regency_path = "regency"
    list_display = ["code", "name", "kind", "regency", "head_name", "published"]
    list_filter = ["regency", "kind", "published"]
    search_fields = ["code", "name", "head_name"]
    inlines = [UnitInline]


@admin.register(Unit)
class UnitAdmin(ScopedAdmin):
    regency_path = "office__regency"
    list_display = ["name", "office", "order"]
    list_filter = ["office"]
    search_fields = ["name", "office__name"]


@admin.register(Membership)
class MembershipAdmin(ScopedAdmin):
    """A regency's administrator changes the role and office of its users (made on the user form),
    never its own membership (no self-promotion, no self-lockout)."""

    regency_path = "regency"
    may_regency_admin = frozenset({"view", "change", "delete"})
    list_display = ["user", "role", "regency", "office"]
    list_filter = ["role", "regency", "office"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "office__name"]
    autocomplete_fields = ["user"]

    def scope_queryset(self, request: HttpRequest, qs: QuerySet[Any], regency_id: int) -> QuerySet[Any]:
        return qs.exclude(user__is_superuser=True)  # a superuser's role is a superuser's matter

    def formfield_for_foreignkey(self, db_field: Any, request: Any = None, **kwargs: Any) -> Any:
        kwargs.setdefault("label", admin_users.MEMBERSHIP_LABELS.get(db_field.name))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _own(self, request: HttpRequest, obj: Any) -> bool:
        return obj is not None and obj.user_id == request.user.pk and regency_scope(request) is not None

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and not self._own(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and not self._own(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "user"] if obj is not None and regency_scope(request) is not None else fields

    def save_model(self, request: HttpRequest, obj: Membership, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if regency_scope(request) is not None:
            admin_users.match_staff(obj.user)


@admin.register(YearSetting)
class YearSettingAdmin(ScopedAdmin):
    regency_path = "regency"
    list_display = ["year", "regency", "office", "scale", "cap", "lower_formula", "explanation_rule"]
    list_filter = ["year", "scale", "cap", "regency"]
    search_fields = ["office__name", "regency__name"]

    def save_model(self, request: HttpRequest, obj: YearSetting, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if obj.office_id is None:  # a regency-wide setting: every office's figures from that year on
            self.message_user(request, _(
                "Pengaturan tahun %(year)s berlaku untuk semua OPD mulai tahun itu. Capaian tersimpan dihitung "
                "ulang di latar belakang; kemajuannya tampil di Dasbor pemda."
            ) % {"year": obj.year})


admin_users.register(get_user_model())

__all__ = ["admin_allowed"]
