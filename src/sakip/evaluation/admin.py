"""The LKE structure is edited here by the regency's administrator (SPEC §8: criteria are data).

Each regency edits its own templates (scoped, `accounts.admin_scope`); an evaluation and its
answers are view-only here (the evaluation pages change them, with their submit/finish rules).
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from sakip.accounts.admin_scope import GovernedAdmin, ScopedAdmin, StackedInline, TabularInline
from sakip.core.i18n import translate
from sakip.domain.evaluation import EvaluationError

from . import services
from .models import Answer, AnswerSet, Component, Criterion, Evaluation, Recommendation, SubComponent, Template


class AnswerSetInline(TabularInline):
    model = AnswerSet
    extra = 0


class ComponentInline(TabularInline):
    model = Component
    extra = 0
    show_change_link = True


@admin.register(Template)
class TemplateAdmin(ScopedAdmin):
    regency_path = "regency"
    list_display = ["name", "code", "year", "regency", "preset", "method"]
    list_filter = ["regency", "year", "method"]
    readonly_fields = ["structure_check"]
    inlines = [AnswerSetInline, ComponentInline]
    actions = ["copy_to_next_year"]

    def get_readonly_fields(self, request: HttpRequest, obj: Template | None = None) -> list[str]:
        # an evaluation keeps the method it was scored with: fixed once a template is in use
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.pk is not None and obj.evaluations.exists():
            fields.append("method")
        return fields

    @admin.display(description=_("pemeriksaan bobot dan struktur"))
    def structure_check(self, obj: Template) -> SafeString | str:
        if obj.pk is None:
            return "—"
        try:
            obj.framework()
        except EvaluationError as exc:
            return format_html_join("", "<div class='errornote'>{}</div>", ((translate(m),) for m in exc.messages))
        return str(_("Struktur valid: bobot komponen dan subkomponen sesuai."))

    @admin.action(description=_("Salin ke tahun berikutnya"), permissions=["add"])
    def copy_to_next_year(self, request: HttpRequest, queryset: QuerySet[Template]) -> None:
        for t in queryset:
            try:
                copy = services.copy_template(t, t.year + 1)
            except ValidationError as exc:
                self.message_user(request, f"{t}: {' '.join(exc.messages)}", messages.ERROR)
            else:
                self.message_user(request, _("%(t)s disalin ke %(y)s.") % {"t": t, "y": copy.year})


class SubComponentInline(TabularInline):
    model = SubComponent
    extra = 0
    show_change_link = True


@admin.register(Component)
class ComponentAdmin(ScopedAdmin):
    regency_path = "template__regency"
    list_display = ["code", "name", "weight", "template"]
    list_filter = ["template"]
    inlines = [SubComponentInline]


class CriterionInline(TabularInline):
    model = Criterion
    extra = 0


@admin.register(SubComponent)
class SubComponentAdmin(ScopedAdmin):
    regency_path = "component__template__regency"
    list_display = ["code", "name", "kind", "weight", "component"]
    list_filter = ["component__template"]
    inlines = [CriterionInline]


class AnswerInline(TabularInline):
    model = Answer
    extra = 0
    fields = ["criterion", "self_value", "evaluator_value", "evaluator_note"]
    raw_id_fields = ["criterion"]


class RecommendationInline(StackedInline):
    model = Recommendation
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    extra = 0
    fk_name = "evaluation"
    raw_id_fields = ["carried_from", "subcomponent"]
    # who recorded and who confirmed: set by the pages (recommendations.py), never typed here
    readonly_fields = ["follow_up_by", "follow_up_at", "confirmed_by", "confirmed_at"]


@admin.register(Evaluation)
class EvaluationAdmin(GovernedAdmin):
    regency_path = "office__regency"
    list_display = ["office", "year", "template", "status", "final_score", "final_predicate"]
    list_filter = ["year", "status"]
    inlines = [AnswerInline, RecommendationInline]
