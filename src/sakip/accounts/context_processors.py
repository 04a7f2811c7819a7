from typing import Any

from django.http import HttpRequest


def membership(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    m = getattr(user, "membership", None) if user is not None and user.is_authenticated else None
    return {"membership": m}
