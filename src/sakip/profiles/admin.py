"""The profile in the admin, scoped to the regency; the year's tables and the narratives are view-only there
(governed by the workflow's lock: the profile pages edit them)."""

from __future__ import annotations

from django.contrib import admin

from sakip.accounts.admin_scope import GovernedAdmin, ScopedAdmin

from .models import Narrative, OfficeProfile, YearProfile


@admin.register(OfficeProfile)
class OfficeProfileAdmin(ScopedAdmin):
    regency_path = "office__regency"
    list_display = ["office", "official_name", "capital", "region_head_name"]
    search_fields = ["office__name", "office__code", "official_name"]
    # images are uploaded on the profile page only (checked, re-encoded, stored under a random name)
    readonly_fields = ["logo", "regency_logo"]


@admin.register(YearProfile)
class YearProfileAdmin(GovernedAdmin):
    regency_path = "office__regency"
    list_display = ["office", "year"]
    list_filter = ["year"]
    search_fields = ["office__name", "office__code"]


@admin.register(Narrative)
class NarrativeAdmin(GovernedAdmin):
    regency_path = "office__regency"
    list_display = ["office", "year", "document", "key", "is_draft"]
    list_filter = ["year", "document", "is_draft"]
    search_fields = ["office__name", "office__code", "text"]
