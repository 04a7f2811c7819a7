"""Workflow rows in the admin: due-date rules editable (scoped); states and history view-only (buttons change them)."""

from __future__ import annotations

from django.contrib import admin

from sakip.accounts.admin_scope import GovernedAdmin, ScopedAdmin

from .models import DueRuleSetting, PeriodState, TransitionLog


@admin.register(DueRuleSetting)
class DueRuleSettingAdmin(ScopedAdmin):
    regency_path = "regency"
    list_display = ("regency", "step", "days", "day", "month", "year_offset")


@admin.register(PeriodState)
class PeriodStateAdmin(GovernedAdmin):
    regency_path = "office__regency"
    list_display = ("office", "year", "step", "quarter", "state", "updated_at")
    list_filter = ("step", "state", "year")


@admin.register(TransitionLog)
class TransitionLogAdmin(GovernedAdmin):
    regency_path = "period__office__regency"
    list_display = ("period", "transition", "from_state", "to_state", "user_name", "at")
