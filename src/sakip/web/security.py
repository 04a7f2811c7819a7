"""Response headers and the proxy headers believed (docs/security.md, "Headers").

* :class:`TrustedProxyMiddleware` — ``X-Forwarded-Proto`` is believed only from an address of
  ``SAKIP_TRUSTED_PROXIES`` (the same list the audit trail uses for ``X-Forwarded-For``,
  :func:`sakip.audit.context.trusted_proxies`); from any other address the header is dropped
  before Django reads it, so a client cannot make a plain-HTTP request look secure
  (``SECURE_PROXY_SSL_HEADER`` is set only when the list is set, see the settings).
* :class:`PermissionsPolicyMiddleware` — the ``Permissions-Policy`` header of
  ``settings.SAKIP_PERMISSIONS_POLICY`` on every response: no camera, microphone, location, ….

The Content-Security-Policy itself comes from django-csp (``CONTENT_SECURITY_POLICY``).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from sakip.audit.context import _address, _trusted, trusted_proxies

FORWARDED_PROTO = "HTTP_X_FORWARDED_PROTO"


def from_trusted_proxy(request: HttpRequest) -> bool:
    """Whether the request's immediate peer (``REMOTE_ADDR``) is one of ``SAKIP_TRUSTED_PROXIES``."""
    networks = trusted_proxies()
    if not networks:
        return False
    remote = _address(str(request.META.get("REMOTE_ADDR") or ""))
    return remote is not None and _trusted(remote, networks)


class TrustedProxyMiddleware:
    """Drops ``X-Forwarded-Proto`` unless the request comes from a trusted proxy (first in MIDDLEWARE)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if FORWARDED_PROTO in request.META and not from_trusted_proxy(request):
            del request.META[FORWARDED_PROTO]
        return self.get_response(request)


class PermissionsPolicyMiddleware:
    """Adds ``Permissions-Policy`` (``settings.SAKIP_PERMISSIONS_POLICY``) unless the response has one."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = str(getattr(settings, "SAKIP_PERMISSIONS_POLICY", "") or "")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.policy and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = self.policy
        return response
