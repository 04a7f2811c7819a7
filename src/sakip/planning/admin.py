from __future__ import annotations

from django.contrib import admin

from .models import FormulaInput, Goal, Indicator, Objective, OutputIndicator, PlanPeriod, ProgramNode, Target


@admin.register(PlanPeriod)
class PlanPeriodAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["office", "kind", "start_year", "end_year"]
    list_filter = ["kind", "office__regency"]
    search_fields = ["office__name", "office__code", "vision"]


@admin.register(Goal)
class GoalAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["code", "text", "plan"]
    search_fields = ["code", "text", "plan__office__name"]


@admin.register(Objective)
class ObjectiveAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["code", "text", "goal", "plan"]
    search_fields = ["code", "text", "plan__office__name"]


class FormulaInputInline(admin.TabularInline):  # type: ignore[type-arg]
    model = FormulaInput
    extra = 0


class TargetInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Target
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["code", "name", "unit", "polarity", "rollup", "iku", "plan"]
    list_filter = ["polarity", "rollup", "iku"]
    search_fields = ["code", "name", "plan__office__name"]
    inlines = [FormulaInputInline, TargetInline]


@admin.register(ProgramNode)
class ProgramNodeAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["code", "name", "level", "plan"]
    list_filter = ["level"]
    search_fields = ["code", "name", "plan__office__name"]


@admin.register(OutputIndicator)
class OutputIndicatorAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "unit", "program"]
    search_fields = ["name", "program__code", "program__name"]
