"""Admin for setting up the regency: offices, units, memberships and per-year settings.

Only superusers and users with the regency's admin role reach /admin/ (see `SakipAdminSite`).
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from . import admin_signin  # noqa: F401 - two-factor devices and lockouts (replaces the libraries' admins)
from .models import Membership, Office, Regency, Role, Unit, YearSetting


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


class UnitInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Unit
    extra = 1


@admin.register(Regency)
class RegencyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["code", "name", "province"]
    search_fields = ["code", "name", "province"]


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["code", "name", "kind", "regency", "head_name", "published"]
    list_filter = ["regency", "kind", "published"]
    search_fields = ["code", "name", "head_name"]
    inlines = [UnitInline]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "office", "order"]
    list_filter = ["office"]
    search_fields = ["name", "office__name"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["user", "role", "regency", "office"]
    list_filter = ["role", "regency", "office"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "office__name"]
    autocomplete_fields = ["user"]


@admin.register(YearSetting)
class YearSettingAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["year", "regency", "office", "scale", "cap", "lower_formula"]
    list_filter = ["year", "scale", "cap", "regency"]
    search_fields = ["office__name", "regency__name"]
