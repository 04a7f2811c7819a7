"""The admin pages of sign-in security: two-factor devices (the reset) and lockouts (lifting one).

django-otp and django-axes register admins of their own that show too much — an
authenticator's secret and QR code, recovery codes in clear, the usernames and addresses of
every regency — and know nothing of regencies. They are replaced here:

* **Two-factor devices** (``TOTPDevice``): listed with their user, name, state, creation and
  last use; never their key. Nobody adds or edits one here (each user enrols at ``/akun/2fa/``);
  the one action is deleting it — the reset of a user who lost the phone — which also removes
  the recovery codes, ends the user's sessions and is audited
  (`sakip.accounts.twofactor._device_removed`); where the role requires two-factor, the next
  sign-in asks for a new enrolment. A superuser sees every device; a regency's administrator
  those of its own regency's users, never a superuser's.
* **Lockouts** (django-axes' ``AccessAttempt``): superusers only; deleting one lifts the
  lockout before its time. Recovery codes (``StaticDevice``) and axes' logs have no page: the
  codes are the user's alone, and every failed sign-in is in the audit trail.

The class attributes ``regency_path`` / ``may_regency_admin`` / ``may_superuser`` say the same
as the permission methods, in the terms of the regency-scoped admin base
(``accounts.admin_scope`` on main).
"""

from __future__ import annotations

from typing import Any, ClassVar

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import URLPattern
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import Membership, Role

VIEW_AND_DELETE = frozenset({"view", "delete"})

for _model in (TOTPDevice, StaticDevice, AccessAttempt, AccessLog, AccessFailureLog):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


def _regency_of_admin(request: HttpRequest) -> int | None:
    """The regency a non-superuser administrator manages (None: not a regency's administrator)."""
    user = request.user
    if not (user.is_active and user.is_staff):
        return None
    m = Membership.objects.filter(user_id=user.pk).values_list("role", "regency_id").first()
    return m[1] if m is not None and m[0] == Role.ADMIN else None


class _WithoutAdd(admin.ModelAdmin):  # type: ignore[type-arg]
    """No add page at all (its URL is gone), no change: view and delete."""

    may_superuser: ClassVar[frozenset[str]] = VIEW_AND_DELETE
    may_regency_admin: ClassVar[frozenset[str]] = frozenset()

    def get_urls(self) -> list[URLPattern]:
        return [u for u in super().get_urls() if not (u.name or "").endswith("_add")]

    def _may(self, request: HttpRequest, what: str) -> bool:
        if request.user.is_superuser:
            return what in self.may_superuser
        return what in self.may_regency_admin and _regency_of_admin(request) is not None

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._may(request, "view")

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may(request, "view")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may(request, "delete")


@admin.register(TOTPDevice)
class TwoFactorDeviceAdmin(_WithoutAdd):
    regency_path: ClassVar[str | None] = "user__membership__regency"
    may_regency_admin = VIEW_AND_DELETE
    list_display = ["user", "name", "confirmed", "created_at", "last_used_at"]
    list_filter = ["confirmed"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    fields = readonly_fields = ("user", "name", "confirmed", "created_at", "last_used_at")  # never the key
    ordering = ["user__username"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[TOTPDevice]:
        qs = super().get_queryset(request).select_related("user")
        if request.user.is_superuser:
            return qs
        rid = _regency_of_admin(request)
        if rid is None:
            return qs.none()
        return qs.filter(user__membership__regency_id=rid, user__is_superuser=False)


@admin.register(AccessAttempt)
class LockoutAdmin(_WithoutAdd):
    regency_path: ClassVar[str | None] = None  # usernames tried and addresses: no regency, superusers only
    list_display = ["username", "ip_address", "failures_since_start", "attempt_time"]
    search_fields = ["username", "ip_address"]
    fields = readonly_fields = ("username", "ip_address", "failures_since_start", "attempt_time", "path_info",
                                "user_agent")
    ordering = ["-attempt_time"]
