from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest

from .models import ApiToken, new_secret


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "user", "hint", "scope", "office", "created", "expires", "last_used")
    list_filter = ("scope",)
    search_fields = ("name", "user__username")
    readonly_fields = ("hint", "created", "last_used")
    fields = ("user", "name", "scope", "office", "expires", "hint", "created", "last_used")

    def save_model(self, request: HttpRequest, obj: ApiToken, form: Any, change: bool) -> None:
        if not change:  # a new token: made here, its secret shown once to the admin
            secret, obj.key_hash, obj.hint = new_secret()
            messages.warning(request, f"Token baru (hanya ditampilkan sekali, simpan sekarang): {secret}")
        super().save_model(request, obj, form, change)
