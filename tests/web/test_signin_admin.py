"""The admin pages of sign-in security (sakip.accounts.admin_signin): two-factor devices without their secret,
reset only within the administrator's regency (audited, the user's sessions end), lockouts for superusers only;
the libraries' own admins (secret QR codes, recovery codes in clear, every regency's addresses) are gone."""

from __future__ import annotations

from typing import Any

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from sakip.accounts import twofactor
from sakip.accounts.models import Membership, Regency, Role
from sakip.audit.models import AuditEntry

from .demo_support import Demo

pytestmark = pytest.mark.django_db

PASSWORD = "Rahasia-Uji-2026!"
CHANGELIST = "admin:otp_totp_totpdevice_changelist"


def _user(username: str, regency: Regency, role: str = Role.VERIFIER, **flags: bool) -> Any:
    user = get_user_model().objects.create_user(username, password=PASSWORD, **flags)
    Membership.objects.create(user=user, regency=regency, role=role)
    return user


def _device(user: Any) -> TOTPDevice:
    device = TOTPDevice.objects.create(user=user, name=twofactor.DEVICE_NAME, confirmed=True)
    twofactor.new_recovery_codes(user)
    return device


@pytest.fixture
def people(demo: Demo) -> dict[str, Any]:
    """A regency administrator who is not a superuser, a user of its regency and one of another regency, each
    with an authenticator, and a superuser with one."""
    home = demo.office_a.regency
    other = Regency.objects.create(code="lain", name="Kabupaten Lain")
    people = {
        "admin": _user("admin-biasa", home, Role.ADMIN, is_staff=True),
        "own": _user("inspektur-sini", home),
        "foreign": _user("inspektur-lain", other),
        "root": get_user_model().objects.create_superuser("akar", password=PASSWORD),
    }
    for key in ("own", "foreign", "root"):
        _device(people[key])
    return people


def _admin_client(user: Any) -> Client:
    """Signed in, past the second step where the user has a device."""
    client = Client()
    client.force_login(user)
    session = client.session
    session[twofactor.STATE_KEY] = twofactor.OK
    session.save()
    return client


def test_the_libraries_admins_are_replaced() -> None:
    for model in (StaticDevice, AccessLog, AccessFailureLog):
        assert not admin.site.is_registered(model), model
    assert admin.site.is_registered(TOTPDevice) and admin.site.is_registered(AccessAttempt)
    for name in ("admin:otp_totp_totpdevice_add", "admin:otp_totp_totpdevice_config",
                 "admin:otp_totp_totpdevice_qrcode", "admin:axes_accessattempt_add"):
        with pytest.raises(NoReverseMatch):
            reverse(name, args=[1] if not name.endswith("_add") else [])


def test_a_regency_admin_sees_only_its_own_users_devices_and_never_their_secret(people: dict[str, Any]) -> None:
    client = _admin_client(people["admin"])
    page = client.get(reverse(CHANGELIST)).content.decode()
    assert "inspektur-sini" in page
    assert "inspektur-lain" not in page and "akar" not in page
    own = TOTPDevice.objects.get(user=people["own"])
    detail = client.get(reverse("admin:otp_totp_totpdevice_change", args=[own.pk]))
    assert detail.status_code == 200
    text = detail.content.decode()
    assert own.key not in text and "otpauth://" not in text and "qrcode" not in text.lower()
    for key in ("foreign", "root"):
        theirs = TOTPDevice.objects.get(user=people[key])
        assert client.get(reverse("admin:otp_totp_totpdevice_change", args=[theirs.pk])).status_code in (302, 404)
        assert client.post(reverse("admin:otp_totp_totpdevice_delete", args=[theirs.pk]),
                           {"post": "yes"}).status_code in (302, 404)
        assert TOTPDevice.objects.filter(pk=theirs.pk).exists()  # out of reach: nothing deleted
    # editing a device is not possible even within the regency (the user enrols on their own page)
    client.post(reverse("admin:otp_totp_totpdevice_change", args=[own.pk]), {"name": "x", "confirmed": ""})
    own.refresh_from_db()
    assert own.name == twofactor.DEVICE_NAME and own.confirmed


def test_the_reset_removes_the_recovery_codes_ends_the_sessions_and_is_audited(
    people: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    user = people["own"]
    signed_in = _admin_client(user)
    assert signed_in.get(reverse("twofactor")).status_code == 200
    device = TOTPDevice.objects.get(user=user)
    with django_capture_on_commit_callbacks(execute=True):
        response = _admin_client(people["admin"]).post(
            reverse("admin:otp_totp_totpdevice_delete", args=[device.pk]), {"post": "yes"}
        )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists() and not StaticDevice.objects.filter(user=user).exists()
    assert signed_in.get(reverse("twofactor"))["Location"].startswith("/login/")
    entry = AuditEntry.objects.filter(model="auth.User", object_id=str(user.pk)).order_by("id").last()
    assert entry is not None and entry.changes == {"verifikasi_dua_langkah": [None, "direset"]}
    assert entry.user_name == "admin-biasa"  # done by the administrator, on the user


def test_lockouts_are_for_superusers_only_and_deleting_one_lifts_it(people: dict[str, Any]) -> None:
    for _i in range(settings.SAKIP_LOCKOUT_FAILURES):
        Client().post("/login/", {"username": "inspektur-sini", "password": "salah"}, REMOTE_ADDR="198.51.100.9")
    assert Client().post("/login/", {"username": "inspektur-sini", "password": PASSWORD},
                         REMOTE_ADDR="203.0.113.5").status_code == 429
    changelist = reverse("admin:axes_accessattempt_changelist")
    regency_admin = _admin_client(people["admin"])
    assert regency_admin.get(changelist).status_code == 403
    assert "accessattempt" not in regency_admin.get(reverse("admin:index")).content.decode()
    root = _admin_client(people["root"])
    page = root.get(changelist).content.decode()
    assert "inspektur-sini" in page
    for attempt in AccessAttempt.objects.filter(username="inspektur-sini"):
        assert root.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]),
                         {"post": "yes"}).status_code == 302
    assert Client().post("/login/", {"username": "inspektur-sini", "password": PASSWORD},
                         REMOTE_ADDR="203.0.113.5").status_code == 302  # signed in
