"""Signing in: the lockout of repeated failures (django-axes), the sign-in page, and their audit rows.

* A username that failed ``SAKIP_LOCKOUT_FAILURES`` times (from any address), or an address
  that failed that often (for any username), is locked out for ``SAKIP_LOCKOUT_MINUTES``
  (``AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]``). The address is the audit
  trail's (:func:`sakip.audit.context.client_ip`: ``X-Forwarded-For`` only from a trusted
  proxy). A successful sign-in clears the username's failures. While locked out the
  password is not even checked.
* The person sees the sign-in page again with a clear message (status 429), :func:`locked_out`.
* Every failed sign-in is an audit row ("gagal masuk", :mod:`sakip.audit.users`); a lockout
  adds one saying so (:func:`_audit_lockout`).
"""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

LOCKOUT_COMMENT = "dikunci: terlalu banyak percobaan masuk yang gagal (nama pengguna atau alamat)"


class LockoutBackend(AxesStandaloneBackend):  # type: ignore[misc]
    """django-axes' check, first in ``AUTHENTICATION_BACKENDS``: refuses a locked-out username or address.

    Without a request (the test client's ``login()``, a shell) there is no remote sign-in to count:
    the check is skipped rather than refusing (django-axes would raise)."""

    def authenticate(self, request: HttpRequest | None, username: str | None = None, password: str | None = None,
                     **kwargs: Any) -> None:
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)  # type: ignore[no-any-return]


def lockout_text() -> str:
    return _(
        "Terlalu banyak percobaan masuk yang gagal. Demi keamanan, nama pengguna ini atau alamat Anda "
        "dikunci sementara selama %(minutes)d menit. Coba lagi setelah itu, atau hubungi administrator pemda."
    ) % {"minutes": settings.SAKIP_LOCKOUT_MINUTES}


def locked_out(request: HttpRequest, original_response: HttpResponse | None = None,
               credentials: dict[str, Any] | None = None) -> HttpResponse:
    """``AXES_LOCKOUT_CALLABLE``: the sign-in page again, with the lockout message (429 Too Many Requests)."""
    form = AuthenticationForm(request)
    context = {**sign_in_context(), "form": form, "lockout": lockout_text(), "next": request.POST.get("next", "")}
    return render(request, "accounts/login.html", context, status=429)


def sign_in_context() -> dict[str, Any]:
    """What the sign-in page says besides the form: the lockout rule, and whether two-factor is optional here."""
    return {
        "lockout_rule": _(
            "Setelah %(failures)d kali gagal, nama pengguna atau alamat dikunci sementara selama %(minutes)d menit."
        )
        % {"failures": settings.SAKIP_LOCKOUT_FAILURES, "minutes": settings.SAKIP_LOCKOUT_MINUTES},
        "twofactor_optional": not settings.PRODUCTION and not settings.SAKIP_2FA_REQUIRED_ROLES,
    }


class SignInView(auth_views.LoginView):
    """Django's sign-in page (template ``accounts/login.html``) with the notes of :func:`sign_in_context`."""

    template_name = "accounts/login.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), **sign_in_context()}


def _audit_lockout(sender: Any, request: HttpRequest | None = None, username: str | None = None,
                   ip_address: str | None = None, **kwargs: Any) -> None:
    from sakip.audit.users import record_failed_sign_in

    record_failed_sign_in(request, str(username or "")[:150], LOCKOUT_COMMENT)


def connect() -> None:
    user_locked_out.connect(_audit_lockout, dispatch_uid="sakip_audit_lockout")
