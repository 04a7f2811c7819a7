"""The audit trail in the admin: read-only, nothing can be added, changed or deleted.

A regency's administrator sees its regency's rows (`AuditEntry.regency`, rows without an
office included); a superuser sees every row, also those of no regency (a failed sign-in
with an unknown username).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from sakip.accounts.admin_scope import VIEW_ONLY, ScopedAdmin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(ScopedAdmin):
    regency_path = "regency"
    may_superuser = VIEW_ONLY
    may_regency_admin = VIEW_ONLY
    list_display = ("at", "user_name", "action", "model", "object_repr", "office_name", "ip")
    list_filter = ("action", "model", "regency")
    search_fields = ("object_repr", "user_name", "office_name", "comment")
    date_hierarchy = "at"
    actions = None

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in AuditEntry._meta.fields]
