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
(``accounts.admin_scope.ScopedAdmin``).
"""

from __future__ import annotations

from typing import Any, ClassVar

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from .admin_scope import ScopedAdmin

VIEW_AND_DELETE = frozenset({"view", "delete"})

for _model in (TOTPDevice, StaticDevice, AccessAttempt, AccessLog, AccessFailureLog):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


class _WithoutAdd(ScopedAdmin):
    """No add page (its URL is gone), no change: view and delete, scoped to the regency."""

    may_superuser = VIEW_AND_DELETE
    may_regency_admin: ClassVar[frozenset[str]] = frozenset()


@admin.register(TOTPDevice)
class TwoFactorDeviceAdmin(_WithoutAdd):
    regency_path: ClassVar[str | None] = "user__membership__regency"
    may_regency_admin = VIEW_AND_DELETE
    list_display = ["user", "name", "confirmed", "created_at", "last_used_at"]
    list_filter = ["confirmed"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    fields = readonly_fields = ("user", "name", "confirmed", "created_at", "last_used_at")  # never the key
    ordering = ["user__username"]
    list_select_related = ["user"]

    def scope_queryset(self, request: HttpRequest, qs: QuerySet[Any], regency_id: int) -> QuerySet[Any]:
        return qs.exclude(user__is_superuser=True)  # a superuser's devices are a superuser's matter


@admin.register(AccessAttempt)
class LockoutAdmin(_WithoutAdd):
    regency_path: ClassVar[str | None] = None  # usernames tried and addresses: no regency, superusers only
    list_display = ["username", "ip_address", "failures_since_start", "attempt_time"]
    search_fields = ["username", "ip_address"]
    fields = readonly_fields = ("username", "ip_address", "failures_since_start", "attempt_time", "path_info",
                                "user_agent")
    ordering = ["-attempt_time"]
