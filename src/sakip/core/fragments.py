"""Whole pages kept for the data generation and shared between requests of the same user.

An office or regency dashboard is a function of the stored data, the user (name,
membership), the language, the day and the address. Such a page is rendered once per
data generation (`sakip.regency.figures.kept`) and handed out again, so a page view
costs the access check and a copy. Two things are never kept:

* the CSRF token: the page is rendered with a placeholder where ``{% csrf_token %}``
  writes the token, and every response gets the request's own token put in;
* one-time messages: a request with messages waiting renders the page afresh.

Any change to the data the page depends on (its ``scopes``: an office's data, its
regency's settings, the user's membership) renews their generation, so a kept page never
shows older data than the database holds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.messages import get_messages
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.translation import get_language

from sakip.regency import figures
from sakip.regency.generations import user_scope

#: What ``{% csrf_token %}`` writes in a kept page; replaced by the request's token on every use.
CSRF_PLACEHOLDER = "sakip-csrf-placeholder-9d41c7"
_PLACEHOLDER = CSRF_PLACEHOLDER.encode()


@dataclass(frozen=True)
class _Kept:
    status: int
    content: bytes
    content_type: str

    @property
    def weight(self) -> int:  # counted against the memory the kept values may take
        return len(self.content)


def kept_page(
    request: HttpRequest,
    key: tuple[Any, ...],
    render: Callable[[str | None], HttpResponse],
    scopes: tuple[str, ...] = (),
) -> HttpResponse:
    """``render(csrf_token)`` kept for the data generation of ``scopes`` (`sakip.regency.generations`; none:
    of every write) and the user's membership, under ``key`` and what else the page shows.

    ``render`` builds the page; it receives the placeholder to put in its context as
    ``csrf_token`` when the page is to be kept, or ``None`` to render for this request only.
    """
    if request.method != "GET" or len(get_messages(request)):  # len() reads the messages without using them
        return render(None)
    user = request.user
    full_key = (
        "page",
        *key,
        request.get_full_path(),
        get_language(),
        timezone.localdate(),
        user.pk,
        user.get_username(),
        user.get_full_name() if hasattr(user, "get_full_name") else "",
    )

    def build() -> _Kept:
        response = render(CSRF_PLACEHOLDER)
        return _Kept(response.status_code, response.content, response["Content-Type"])

    if scopes and user.pk is not None:
        scopes = (*scopes, user_scope(user.pk))
    kept = figures.kept(full_key, build, scopes)
    content = kept.content
    if _PLACEHOLDER in content:
        content = content.replace(_PLACEHOLDER, get_token(request).encode())
    return HttpResponse(content, status=kept.status, content_type=kept.content_type)
