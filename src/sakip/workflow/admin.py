"""Workflow rows in the admin: due-date rules editable (scoped); states and history view-only (buttons change them)."""

from __future__ import annotations

from django.contrib import admin

from sakip.accounts.admin_scope import GovernedAdmin, ScopedAdmin

from .models import ApprovalSetting, DueRuleSetting, PeriodState, TransitionLog


@admin.register(DueRuleSetting)
class DueRuleSettingAdmin(ScopedAdmin):
    regency_path = "regency"
    list_display = ("regency", "step", "days", "day", "month", "year_offset")


@admin.register(ApprovalSetting)
class ApprovalSettingAdmin(ScopedAdmin):
    """Who approves each step's document; also on the regency's page /pemda/persetujuan/."""

    regency_path = "regency"
    list_display = ("regency", "step", "approver")
    list_filter = ("step", "approver")


@admin.register(PeriodState)
class PeriodStateAdmin(GovernedAdmin):
    regency_path = "office__regency"
    list_display = ("office", "year", "step", "quarter", "state", "updated_at")
    list_filter = ("step", "state", "year")


@admin.register(TransitionLog)
class TransitionLogAdmin(GovernedAdmin):
    regency_path = "period__office__regency"
    list_display = ("period", "transition", "from_state", "to_state", "user_name", "at")
