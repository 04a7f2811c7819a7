"""Surveys (SKM) in the admin: view-only (the survey page changes them, with the workflow's locks)."""

from __future__ import annotations

from django.contrib import admin

from sakip.accounts.admin_scope import GovernedAdmin

from .models import Survey


@admin.register(Survey)
class SurveyAdmin(GovernedAdmin):
    regency_path = "office__regency"
    list_display = ["office", "year", "instrument", "input", "respondents", "population", "uploaded_at"]
    list_filter = ["year", "instrument", "input"]
    search_fields = ["office__name", "office__code", "period"]
