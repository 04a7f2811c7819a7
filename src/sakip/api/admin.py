"""API tokens in the admin: listed (the regency's users' tokens) and revoked; never made here.

A token is made by its owner on the token page (`api.views.tokens`, /akun/token/), where its
secret is shown once to the person who will use it: an administrator never mints, nor sees, a
token of another user.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from sakip.accounts.admin_scope import ScopedAdmin

from .models import ApiToken

LIST_AND_REVOKE = frozenset({"view", "delete"})


@admin.register(ApiToken)
class ApiTokenAdmin(ScopedAdmin):
    """Tokens are made by their owner on /akun/token/ (the secret shown once to who uses it); here: list, revoke."""

    regency_path = "user__membership__regency"
    may_superuser = LIST_AND_REVOKE
    may_regency_admin = LIST_AND_REVOKE
    list_display = ("name", "user", "hint", "scope", "office", "created", "expires", "last_used")
    list_filter = ("scope",)
    search_fields = ("name", "user__username")
    readonly_fields = ("user", "name", "hint", "scope", "office", "created", "expires", "last_used")
    fields = ("user", "name", "scope", "office", "hint", "created", "expires", "last_used")

    def scope_queryset(self, request: HttpRequest, qs: QuerySet[ApiToken], regency_id: int) -> QuerySet[ApiToken]:
        return qs.exclude(user__is_superuser=True)  # a superuser's tokens are a superuser's matter
