"""Page fragments kept for the data generation and shared between requests, CSRF tokens included.

A fragment that holds forms (the workflow panel's buttons) carries the request's CSRF
token, which must never be handed to another request. The fragment is therefore
rendered once with a placeholder where ``{% csrf_token %}`` puts the token, kept for
the data generation (`sakip.regency.figures.kept`), and every request gets the kept
HTML with its own token put in. The key must name everything else the fragment
depends on besides the stored data (the user's membership, the language, the path...).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from sakip.regency import figures

#: What ``{% csrf_token %}`` writes in a kept fragment; replaced by the request's token on every use.
CSRF_PLACEHOLDER = "sakip-csrf-placeholder-9d41c7"


def shared_fragment(
    request: HttpRequest, key: tuple[Any, ...], template_name: str, context: dict[str, Any]
) -> SafeString:
    """``template_name`` rendered with ``context`` (and ``request``), kept for the generation under ``key``."""

    def render() -> str:
        return render_to_string(template_name, {**context, "request": request, "csrf_token": CSRF_PLACEHOLDER})

    html = figures.kept(("fragment", template_name, *key), render)
    if CSRF_PLACEHOLDER not in html:
        return mark_safe(html)  # our own template escapes its values
    return mark_safe(html.replace(CSRF_PLACEHOLDER, get_token(request)))
