from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest

from .models import ApiToken, hash_token


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "user", "hint", "created")
    search_fields = ("name", "user__username")
    readonly_fields = ("hint", "created")
    fields = ("user", "name", "hint", "created")

    def save_model(self, request: HttpRequest, obj: ApiToken, form: Any, change: bool) -> None:
        if not change:  # a new token: made here, its secret shown once to the admin
            import secrets

            from .models import PREFIX

            secret = PREFIX + secrets.token_urlsafe(32)
            obj.key_hash, obj.hint = hash_token(secret), secret[: len(PREFIX) + 4]
            messages.warning(request, f"Token baru (hanya ditampilkan sekali, simpan sekarang): {secret}")
        super().save_model(request, obj, form, change)
