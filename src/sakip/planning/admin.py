"""The plan in the admin: view-only (it feeds every figure; the plan editor changes it, with the workflow's locks)."""

from __future__ import annotations

from django.contrib import admin

from sakip.accounts.admin_scope import GovernedAdmin, TabularInline

from .models import FormulaInput, Goal, Indicator, Objective, OutputIndicator, PlanPeriod, ProgramNode, Target


@admin.register(PlanPeriod)
class PlanPeriodAdmin(GovernedAdmin):
    regency_path = "office__regency"
    list_display = ["office", "kind", "start_year", "end_year"]
    list_filter = ["kind", "office__regency"]
    search_fields = ["office__name", "office__code", "vision"]


@admin.register(Goal)
class GoalAdmin(GovernedAdmin):
    regency_path = "plan__office__regency"
    list_display = ["code", "text", "plan"]
    search_fields = ["code", "text", "plan__office__name"]


@admin.register(Objective)
class ObjectiveAdmin(GovernedAdmin):
    regency_path = "plan__office__regency"
    list_display = ["code", "text", "goal", "plan"]
    search_fields = ["code", "text", "plan__office__name"]


class FormulaInputInline(TabularInline):
    model = FormulaInput
    extra = 0


class TargetInline(TabularInline):
    model = Target
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(GovernedAdmin):
    regency_path = "plan__office__regency"
    list_display = ["code", "name", "unit", "polarity", "rollup", "iku", "plan"]
    list_filter = ["polarity", "rollup", "iku"]
    search_fields = ["code", "name", "plan__office__name"]
    inlines = [FormulaInputInline, TargetInline]


@admin.register(ProgramNode)
class ProgramNodeAdmin(GovernedAdmin):
    regency_path = "plan__office__regency"
    list_display = ["code", "name", "level", "plan"]
    list_filter = ["level"]
    search_fields = ["code", "name", "plan__office__name"]


@admin.register(OutputIndicator)
class OutputIndicatorAdmin(GovernedAdmin):
    regency_path = "program__plan__office__regency"
    list_display = ["name", "unit", "program"]
    search_fields = ["name", "program__code", "program__name"]
