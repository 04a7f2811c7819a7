from __future__ import annotations

from django.contrib import admin

from .models import Survey


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["office", "year", "instrument", "input", "respondents", "population", "uploaded_at"]
    list_filter = ["year", "instrument", "input"]
    search_fields = ["office__name", "office__code", "period"]
