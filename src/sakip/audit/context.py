"""Who is acting: the request's user, address and browser, or the command line (a contextvar).

:class:`AuditMiddleware` sets the context for each request; outside a request (the
``sakip`` command, ``manage.py``, tests) the actor is “sistem” with the command line as
its agent. :func:`actor` names another actor for a block of code.
"""

from __future__ import annotations

import contextvars
import functools
import ipaddress
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse

SYSTEM = "sistem"
CACHE_LIMIT = 20_000


@dataclass
class AuditContext:
    request: HttpRequest | None = None
    name: str = SYSTEM
    ip: str | None = None
    user_agent: str = ""
    # (model label, pk) -> office id, so a batch of child rows finds its office without a query each;
    # only in a short-lived context (one request, one batch): a rolled-back id may come back for another row
    office_cache: dict[tuple[str, Any], Any] = field(default_factory=dict)
    caching: bool = True
    # entries waiting to be written together (inside :func:`sakip.audit.recorder.batch`)
    buffer: list[Any] | None = None

    def user(self) -> tuple[int | None, str]:
        """The acting user's id and name."""
        if self.request is not None:
            u = getattr(self.request, "user", None)
            if u is not None and u.is_authenticated:
                return u.pk, u.get_username()
            return None, "anonim"
        return None, self.name


def _command_line() -> str:
    prog = os.path.basename(sys.argv[0]) if sys.argv else ""
    return " ".join([prog, *sys.argv[1:3]]).strip()[:250]


_default = AuditContext(user_agent=_command_line(), caching=False)
_current: contextvars.ContextVar[AuditContext | None] = contextvars.ContextVar("sakip_audit", default=None)


def current() -> AuditContext:
    ctx = _current.get()
    if ctx is None:
        ctx = _default
    if not ctx.caching or len(ctx.office_cache) > CACHE_LIMIT:
        ctx.office_cache.clear()
    return ctx


@contextmanager
def actor(name: str, agent: str = "") -> Iterator[AuditContext]:
    """Record changes made in this block as done by ``name`` (e.g. a command)."""
    ctx = AuditContext(name=name, user_agent=agent or _command_line())
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)


@contextmanager
def own_context() -> Iterator[AuditContext]:
    """The current context, or outside any (a command, a test) a private copy of the default for this block."""
    ctx = _current.get()
    if ctx is not None:
        yield ctx
        return
    ctx = AuditContext(name=_default.name, user_agent=_default.user_agent)
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@functools.lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    out = []
    for entry in entries:
        try:
            out.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"SAKIP_TRUSTED_PROXIES: {entry!r} is not an IP address or network (CIDR)"
            ) from None
    return tuple(out)


def trusted_proxies() -> tuple[Network, ...]:
    """The networks of ``settings.SAKIP_TRUSTED_PROXIES`` (the reverse proxies in front of the application)."""
    entries = getattr(settings, "SAKIP_TRUSTED_PROXIES", ()) or ()
    if isinstance(entries, str):
        entries = entries.split(",")
    return _networks(tuple(e for e in entries if e.strip()))


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(addr: ipaddress.IPv4Address | ipaddress.IPv6Address, networks: tuple[Network, ...]) -> bool:
    return any(addr.version == net.version and addr in net for net in networks)


def client_ip(request: HttpRequest) -> str | None:
    """The address the request came from, as the audit trail records it.

    ``REMOTE_ADDR``, unless it is one of ``SAKIP_TRUSTED_PROXIES``: then the right-most
    address of ``X-Forwarded-For`` that is not a trusted proxy (each proxy appends the
    address it received from; everything left of the first untrusted hop may be forged
    by the client). ``X-Forwarded-For`` is never read from an untrusted address. A
    malformed hop ends the walk at the last proxy trusted.
    """
    remote = _address(str(request.META.get("REMOTE_ADDR") or ""))
    if remote is None:
        return None
    networks = trusted_proxies()
    if not networks or not _trusted(remote, networks):
        return str(remote)
    client = remote
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR") or "")
    for hop in reversed([h for h in forwarded.split(",") if h.strip()]):
        addr = _address(hop)
        if addr is None:
            break
        client = addr
        if not _trusted(addr, networks):
            break
    return str(client)


@contextmanager
def for_request(request: HttpRequest | None) -> Iterator[AuditContext]:
    """The current context when it is this request's (the middleware's), else one made from ``request``
    (a sign-in outside the middleware, e.g. the test client's ``login``); without a request, the current one."""
    ctx = _current.get()
    if request is None or (ctx is not None and ctx.request is request):
        yield current()
        return
    ctx = _for(request)
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)


def _for(request: HttpRequest) -> AuditContext:
    return AuditContext(
        request=request, ip=client_ip(request), user_agent=str(request.META.get("HTTP_USER_AGENT", ""))[:250]
    )


class AuditMiddleware:
    """Puts the request's user, address and browser into the audit context (after authentication)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _current.set(_for(request))
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)
