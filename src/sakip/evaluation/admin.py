"""The LKE structure is edited here by the regency's administrator (SPEC §8: criteria are data)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from sakip.core.i18n import translate
from sakip.domain.evaluation import EvaluationError

from . import services
from .models import Answer, AnswerSet, Component, Criterion, Evaluation, Recommendation, SubComponent, Template


class AnswerSetInline(admin.TabularInline):  # type: ignore[type-arg]
    model = AnswerSet
    extra = 0


class ComponentInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Component
    extra = 0
    show_change_link = True


@admin.register(Template)
class TemplateAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "code", "year", "regency", "preset"]
    list_filter = ["regency", "year"]
    readonly_fields = ["structure_check"]
    inlines = [AnswerSetInline, ComponentInline]
    actions = ["copy_to_next_year"]

    @admin.display(description=_("pemeriksaan bobot dan struktur"))
    def structure_check(self, obj: Template) -> SafeString | str:
        if obj.pk is None:
            return "—"
        try:
            obj.framework()
        except EvaluationError as exc:
            return format_html_join("", "<div class='errornote'>{}</div>", ((translate(m),) for m in exc.messages))
        return str(_("Struktur valid: bobot komponen dan subkomponen sesuai."))

    @admin.action(description=_("Salin ke tahun berikutnya"))
    def copy_to_next_year(self, request: HttpRequest, queryset: QuerySet[Template]) -> None:
        for t in queryset:
            try:
                copy = services.copy_template(t, t.year + 1)
            except ValidationError as exc:
                self.message_user(request, f"{t}: {' '.join(exc.messages)}", messages.ERROR)
            else:
                self.message_user(request, _("%(t)s disalin ke %(y)s.") % {"t": t, "y": copy.year})


class SubComponentInline(admin.TabularInline):  # type: ignore[type-arg]
    model = SubComponent
    extra = 0
    show_change_link = True


@admin.register(Component)
class ComponentAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["code", "name", "weight", "template"]
    list_filter = ["template"]
    inlines = [SubComponentInline]


class CriterionInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Criterion
    extra = 0


@admin.register(SubComponent)
class SubComponentAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["code", "name", "kind", "weight", "component"]
    list_filter = ["component__template"]
    inlines = [CriterionInline]


class AnswerInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Answer
    extra = 0
    fields = ["criterion", "self_value", "evaluator_value", "evaluator_note"]
    raw_id_fields = ["criterion"]


class RecommendationInline(admin.StackedInline):  # type: ignore[type-arg]
    model = Recommendation
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    extra = 0
    fk_name = "evaluation"
    raw_id_fields = ["carried_from"]


@admin.register(Evaluation)
class EvaluationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["office", "year", "template", "status", "final_score", "final_predicate"]
    list_filter = ["year", "status"]
    inlines = [AnswerInline, RecommendationInline]
