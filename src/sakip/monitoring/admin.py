"""Realisations in the admin: view-only (the quarterly entry changes them, with the workflow's locks)."""

from __future__ import annotations

from django.contrib import admin

from sakip.accounts.admin_scope import GovernedAdmin, TabularInline

from .models import Evidence, IndicatorYear, InputValue, ObjectivePrinted, Quarter


class QuarterInline(TabularInline):
    model = Quarter
    extra = 0
    fields = ["quarter", "target", "value", "entered_by", "entered_at"]
    readonly_fields = ["entered_by", "entered_at"]


@admin.register(IndicatorYear)
class IndicatorYearAdmin(GovernedAdmin):
    regency_path = "indicator__plan__office__regency"
    list_display = ["indicator", "year", "annual_value", "annual_grade", "updated_at"]
    list_filter = ["year"]
    search_fields = ["indicator__code", "indicator__name", "indicator__plan__office__name"]
    inlines = [QuarterInline]


@admin.register(InputValue)
class InputValueAdmin(GovernedAdmin):
    regency_path = "quarter__indicator_year__indicator__plan__office__regency"
    list_display = ["quarter", "input", "value"]
    search_fields = ["input__name", "quarter__indicator_year__indicator__code"]


@admin.register(Evidence)
class EvidenceAdmin(GovernedAdmin):
    regency_path = "indicator_year__indicator__plan__office__regency"
    list_display = ["name", "indicator_year", "quarter", "size", "uploaded_by", "uploaded_at"]
    search_fields = ["name", "indicator_year__indicator__code"]


@admin.register(ObjectivePrinted)
class ObjectivePrintedAdmin(GovernedAdmin):
    regency_path = "objective__plan__office__regency"
    list_display = ["objective", "year"]
    search_fields = ["objective__code"]
