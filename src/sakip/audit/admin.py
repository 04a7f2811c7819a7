"""The audit trail in the admin: read-only, nothing can be added, changed or deleted."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.urls import URLPattern

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("at", "user_name", "action", "model", "object_repr", "office_name", "ip")
    list_filter = ("action", "model")
    search_fields = ("object_repr", "user_name", "office_name", "comment")
    date_hierarchy = "at"
    actions = None

    def get_urls(self) -> list[URLPattern]:
        """No add form at all (rows are written only by the application)."""
        return [u for u in super().get_urls() if not (isinstance(u, URLPattern) and (u.name or "").endswith("_add"))]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in AuditEntry._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
