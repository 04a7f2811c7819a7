from __future__ import annotations

from django.contrib import admin

from .models import BudgetLine, BudgetYear, ClassAmount, LineQuarter


class ClassAmountInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ClassAmount
    extra = 0
    fields = ["budget_class", "allocation", "realisation", "order"]


@admin.register(BudgetYear)
class BudgetYearAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["office", "year", "total_allocation", "total_realisation"]
    list_filter = ["year"]
    search_fields = ["office__name", "office__code"]
    inlines = [ClassAmountInline]


class LineQuarterInline(admin.TabularInline):  # type: ignore[type-arg]
    model = LineQuarter
    extra = 0


@admin.register(BudgetLine)
class BudgetLineAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["code", "name", "level", "budget_class", "allocation", "budget"]
    list_filter = ["level", "budget_class"]
    search_fields = ["code", "name", "budget__office__name"]
    inlines = [LineQuarterInline]
