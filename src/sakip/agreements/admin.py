"""The performance agreement (PK) in the admin: view-only (the PK pages change it, with the workflow's locks)."""

from __future__ import annotations

from django.contrib import admin

from sakip.accounts.admin_scope import GovernedAdmin, TabularInline

from .models import PkProgram, PkTarget, PkVersion


class PkTargetInline(TabularInline):
    model = PkTarget
    extra = 0


class PkProgramInline(TabularInline):
    model = PkProgram
    extra = 0


@admin.register(PkVersion)
class PkVersionAdmin(GovernedAdmin):
    regency_path = "office__regency"
    list_display = ["office", "year", "number", "kind", "date", "first_party_name"]
    list_filter = ["year", "kind"]
    search_fields = ["office__name", "office__code", "first_party_name", "reason"]
    inlines = [PkTargetInline, PkProgramInline]
