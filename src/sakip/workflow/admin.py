"""Workflow rows in the admin: due-date rules editable; states and history read-only (they change by the buttons)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.urls import URLPattern

from .models import DueRuleSetting, PeriodState, TransitionLog


@admin.register(DueRuleSetting)
class DueRuleSettingAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("regency", "step", "days", "day", "month", "year_offset")


class ReadOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    actions = None

    def get_urls(self) -> list[URLPattern]:
        """No add form at all (rows are written only by the application)."""
        return [u for u in super().get_urls() if not (isinstance(u, URLPattern) and (u.name or "").endswith("_add"))]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PeriodState)
class PeriodStateAdmin(ReadOnly):
    list_display = ("office", "year", "step", "quarter", "state", "updated_at")
    list_filter = ("step", "state", "year")


@admin.register(TransitionLog)
class TransitionLogAdmin(ReadOnly):
    list_display = ("period", "transition", "from_state", "to_state", "user_name", "at")
