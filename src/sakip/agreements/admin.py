from __future__ import annotations

from django.contrib import admin

from .models import PkProgram, PkTarget, PkVersion


class PkTargetInline(admin.TabularInline):  # type: ignore[type-arg]
    model = PkTarget
    extra = 0


class PkProgramInline(admin.TabularInline):  # type: ignore[type-arg]
    model = PkProgram
    extra = 0


@admin.register(PkVersion)
class PkVersionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["office", "year", "number", "kind", "date", "first_party_name"]
    list_filter = ["year", "kind"]
    search_fields = ["office__name", "office__code", "first_party_name", "reason"]
    inlines = [PkTargetInline, PkProgramInline]
