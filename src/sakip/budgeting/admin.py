"""The budget in the admin: view-only (the budget page changes it, with the workflow's locks)."""

from __future__ import annotations

from django.contrib import admin

from sakip.accounts.admin_scope import GovernedAdmin, TabularInline

from .models import AllocationAmendment, BudgetLine, BudgetYear, ClassAmount, LineQuarter


class ClassAmountInline(TabularInline):
    model = ClassAmount
    extra = 0
    fields = ["budget_class", "allocation", "realisation", "order"]


@admin.register(BudgetYear)
class BudgetYearAdmin(GovernedAdmin):
    regency_path = "office__regency"
    list_display = ["office", "year", "total_allocation", "total_realisation"]
    list_filter = ["year"]
    ordering = ["office__name", "-year"]
    search_fields = ["office__name", "office__code"]
    inlines = [ClassAmountInline]


class LineQuarterInline(TabularInline):
    model = LineQuarter
    extra = 0


class AllocationAmendmentInline(TabularInline):
    model = AllocationAmendment
    extra = 0
    fields = ["from_quarter", "allocation", "date", "reason"]


@admin.register(BudgetLine)
class BudgetLineAdmin(GovernedAdmin):
    regency_path = "budget__office__regency"
    list_display = ["code", "name", "level", "budget_class", "allocation", "basis", "budget"]
    list_filter = ["level", "budget_class"]
    search_fields = ["code", "name", "budget__office__name"]
    inlines = [LineQuarterInline, AllocationAmendmentInline]
