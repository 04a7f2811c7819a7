"""Two-factor authentication: a TOTP authenticator app and single-use recovery codes (django-otp).

Who must use it: the roles of ``settings.SAKIP_2FA_REQUIRED_ROLES`` (in production
``admin``, ``verifier`` — the Inspektorat — and Django superusers, ``superuser``); anybody
else may turn it on from the account page. Whoever has a device must use it.

The steps, after the password (:func:`on_sign_in` notes in the session which one is due):

* ``verify`` — the user has a device: a code from the app, or one recovery code, before
  any other page (:func:`verify`);
* ``enrol`` — the role requires it and the user has no device yet: the QR code (an SVG
  drawn here, nothing fetched from elsewhere) and the secret as text, a first code to
  confirm, then ten recovery codes shown once (:func:`enrol`);
* ``ok`` — nothing is due.

:class:`sakip.accounts.sessions.SessionGuardMiddleware` keeps a user whose step is due on
these pages; it reads only the session, never the devices (no query per page). A device
removed by the admin ends the user's sessions (:func:`_device_removed`). Everything is
audited on the user: enrolment, new recovery codes, turning it off, a wrong code.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.decorators import login_required
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models.signals import post_delete
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_otp import DEVICE_ID_SESSION_KEY, devices_for_user, match_token, user_has_device
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

STATE_KEY = "sakip_2fa"
VERIFY, ENROL, OK = "verify", "enrol", "ok"
RECOVERY_CODES = 10
DEVICE_NAME = "Aplikasi autentikator"
RECOVERY_NAME = "Kode pemulihan"


# ----------------------------------------------------------------------------- who, and which step


def role_of(user: Any) -> str | None:
    from .models import Membership

    return Membership.objects.filter(user_id=user.pk).values_list("role", flat=True).first()


def required_for(user: Any, role: str | None) -> bool:
    roles = settings.SAKIP_2FA_REQUIRED_ROLES
    return (role is not None and role in roles) or (bool(user.is_superuser) and "superuser" in roles)


def state_for(user: Any) -> str:
    """The step due for ``user`` right after the password (two or three queries, once per sign-in)."""
    if user_has_device(user):
        return VERIFY
    if required_for(user, role_of(user)):
        return ENROL
    return OK


def on_sign_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """``user_logged_in``: note the step due in the new session."""
    session = getattr(request, "session", None)
    if session is not None:
        session[STATE_KEY] = state_for(user)


def due(request: HttpRequest) -> str | None:
    """The step still due in this signed-in session (``verify`` or ``enrol``), else None. Reads the session;
    a session signed in before this existed gets its step once."""
    session = request.session
    state = session.get(STATE_KEY)
    if state is None:
        state = session[STATE_KEY] = state_for(request.user)
    return state if state in (VERIFY, ENROL) else None


def is_verified(request: HttpRequest) -> bool:
    """Whether this session passed the second step (read from the session, as the middleware does)."""
    return bool(request.session.get(DEVICE_ID_SESSION_KEY))


def _done(request: HttpRequest, device: Any) -> None:
    otp_login(request, device)
    request.session[STATE_KEY] = OK


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return str(settings.LOGIN_REDIRECT_URL)


# ----------------------------------------------------------------------------- devices


def qr_svg(text: str) -> SafeString:
    """A QR code of ``text`` as inline SVG (drawn here: no image service, no script)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    svg = str(image.to_string(encoding="unicode"))
    return mark_safe(svg)


def secret_text(device: TOTPDevice) -> str:
    """The secret in base32 as an authenticator app asks for it, in groups of four."""
    from base64 import b32encode

    text = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def _confirmed_totp(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def new_recovery_codes(user: Any) -> list[str]:
    """Ten fresh single-use recovery codes (the old ones stop working); shown once by the caller."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _i in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


def _remaining_codes(user: Any) -> int:
    return int(StaticToken.objects.filter(device__user=user).count())


def _wait_text(devices: list[Any]) -> str:
    """After wrong codes django-otp makes the user wait (1, 2, 4, … seconds): say how long."""
    now = timezone.now()
    waits = []
    for device in devices:
        device.refresh_from_db()
        allowed, data = device.verify_is_allowed()
        if not allowed and data and data.get("locked_until"):
            waits.append((data["locked_until"] - now).total_seconds())
    if not waits or max(waits) <= 0:
        return ""
    return " " + _("Terlalu banyak kode salah: tunggu %(s)d detik sebelum mencoba lagi.") % {"s": int(max(waits)) + 1}


def _code(request: HttpRequest) -> str:
    return "".join(str(request.POST.get("code") or "").split()).lower()[:16]


def _audit(user: Any, what: str, comment: str = "", *, failed: bool = False, by_owner: bool = True) -> None:
    """An audit row on ``user``; done by the user, or (``by_owner=False``) by the request's user."""
    from sakip.audit.models import Action
    from sakip.audit.recorder import record
    from sakip.audit.users import _label

    record(
        action=Action.LOGIN_FAILED if failed else Action.UPDATE,
        model=_label(),
        object_id=user.pk,
        object_repr=str(user.get_username())[:300],
        office_id=None,
        office_name="",
        changes={} if failed else {"verifikasi_dua_langkah": [None, what]},
        comment=comment or what,
        user=user if by_owner else None,
    )


# ----------------------------------------------------------------------------- pages


@login_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """The second step: a code from the authenticator app, or a recovery code."""
    if due(request) != VERIFY:
        return redirect(_next(request))
    error = None
    if request.method == "POST":
        code = _code(request)
        device = match_token(request.user, code) if code else None
        if device is not None:
            _done(request, device)
            if isinstance(device, StaticDevice):
                left = _remaining_codes(request.user)
                messages.warning(
                    request,
                    _("Anda masuk dengan kode pemulihan; kode itu tidak berlaku lagi. Sisa kode pemulihan: %(n)d.")
                    % {"n": left},
                )
            return redirect(_next(request))
        _audit(request.user, "", "kode verifikasi dua langkah salah", failed=True)
        error = _(
            "Kode tidak cocok atau sudah dipakai. Masukkan kode 6 angka yang sedang tampil di aplikasi autentikator, "
            "atau salah satu kode pemulihan."
        ) + _wait_text(list(devices_for_user(request.user)))
    return render(request, "accounts/twofactor_verify.html", {"error": error, "next": _next(request)})


@login_required
@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    """Turn two-factor authentication on: scan the QR code (or type the secret), confirm with a first code."""
    user = request.user
    if due(request) == VERIFY:  # a device exists and this session has not used it yet
        return redirect("twofactor-verify")
    if _confirmed_totp(user) is not None:
        return redirect("twofactor")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    error = None
    if request.method == "POST":
        code = _code(request)
        if code.isdigit() and device.verify_token(code):
            with transaction.atomic():
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
                codes = new_recovery_codes(user)
            _done(request, device)
            _audit(user, "diaktifkan")
            return render(request, "accounts/twofactor_codes.html", {"codes": codes, "next": _next(request)})
        error = _(
            "Kode tidak cocok. Periksa jam di ponsel Anda, lalu masukkan kode 6 angka yang sedang tampil."
        ) + _wait_text([device])
    context = {
        "qr": qr_svg(device.config_url),
        "secret": secret_text(device),
        "error": error,
        "required": due(request) == ENROL,
        "next": _next(request),
    }
    return render(request, "accounts/twofactor_enrol.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def manage(request: HttpRequest) -> HttpResponse:
    """The user's own two-factor page: status, new recovery codes, turning it off (when not required)."""
    user = request.user
    device = _confirmed_totp(user)
    required = required_for(user, role_of(user))
    error = None
    if request.method == "POST" and device is not None:
        op = request.POST.get("op", "")
        code = _code(request)
        if not (code.isdigit() and device.verify_token(code)):
            _audit(user, "", "kode verifikasi dua langkah salah", failed=True)
            error = _("Kode dari aplikasi autentikator tidak cocok; tidak ada yang diubah.") + _wait_text([device])
        elif op == "codes":
            codes = new_recovery_codes(user)
            _audit(user, "kode pemulihan dibuat ulang")
            return render(request, "accounts/twofactor_codes.html", {"codes": codes, "next": "/akun/2fa/"})
        elif op == "off" and not required:
            with _own_change():  # this session stays signed in
                for d in list(devices_for_user(user, confirmed=None)):
                    d.delete()
            request.session.pop(DEVICE_ID_SESSION_KEY, None)
            request.session[STATE_KEY] = OK
            _audit(user, "dinonaktifkan")
            messages.success(request, _("Verifikasi dua langkah dinonaktifkan."))
            return redirect("twofactor")
        else:
            error = _("Permintaan tidak dikenal; tidak ada yang diubah.")
    context = {
        "device": device,
        "required": required,
        "remaining": _remaining_codes(user) if device is not None else 0,
        "error": error,
    }
    return render(request, "accounts/twofactor.html", context)


# ----------------------------------------------------------------------------- a device removed by the admin


def end_sessions_of(user_id: Any) -> int:
    """Deletes every unexpired session of the user (sessions are not indexed by user: each is decoded)."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get(SESSION_KEY)) == str(user_id):
            session.delete()
            ended += 1
    return ended


_OWN: ContextVar[bool] = ContextVar("sakip_2fa_own_change", default=False)


@contextmanager
def _own_change() -> Iterator[None]:
    token = _OWN.set(True)
    try:
        yield
    finally:
        _OWN.reset(token)


def _device_removed(sender: Any, instance: Any, **kwargs: Any) -> None:
    """An authenticator removed by somebody else (the admin's reset): the recovery codes go with it and
    the user's sessions end, so the next sign-in asks for a new enrolment where the role requires one."""
    if _OWN.get() or not getattr(instance, "confirmed", False):
        return
    user_id = instance.user_id
    StaticDevice.objects.filter(user_id=user_id).delete()
    _audit(instance.user, "direset", "verifikasi dua langkah direset (perangkat dihapus)", by_owner=False)
    transaction.on_commit(lambda: end_sessions_of(user_id))


def connect() -> None:
    from django.contrib.auth.signals import user_logged_in

    user_logged_in.connect(on_sign_in, dispatch_uid="sakip_2fa_sign_in")
    post_delete.connect(_device_removed, sender=TOTPDevice, dispatch_uid="sakip_2fa_device_removed")
