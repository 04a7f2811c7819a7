"""Two-factor authentication (sakip.accounts.twofactor, SessionGuardMiddleware): required roles enrol right
after the password and reach no other page until verified; others may turn it on; recovery codes work once;
everything is audited; and the check reads the session, not the database."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from sakip.accounts import twofactor
from sakip.audit.models import AuditEntry

from .demo_support import Demo

pytestmark = pytest.mark.django_db

REQUIRED = override_settings(SAKIP_2FA_REQUIRED_ROLES=frozenset({"admin", "verifier", "superuser"}))
OFFICE_PAGE = "/opd/kaloran/"


_SKEW = [0.0]  # seconds the tests' clock is ahead (the app's and the server's alike)


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """The TOTP check's clock, which a test moves on with :func:`later` (a code is good once per period)."""
    import types

    import django_otp.plugins.otp_totp.models as totp_models

    _SKEW[0] = 0.0
    monkeypatch.setattr(totp_models, "time", types.SimpleNamespace(time=lambda: time.time() + _SKEW[0]))


def later(periods: int = 1) -> None:
    _SKEW[0] += periods * 30


def code(device: TOTPDevice, steps: int = 0) -> str:
    """The code the authenticator app shows now (or ``steps`` periods later)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + _SKEW[0] + steps * device.step
    return str(totp.token()).zfill(device.digits)


def unthrottle() -> None:
    """As after django-otp's wait following a wrong code (1, 2, 4, … seconds)."""
    TOTPDevice.objects.update(throttling_failure_count=0)
    StaticDevice.objects.update(throttling_failure_count=0)


def sign_in(username: str, password: str) -> Client:
    client = Client()
    response = client.post("/login/", {"username": username, "password": password, "next": OFFICE_PAGE})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def enrol(client: Client) -> tuple[TOTPDevice, list[str]]:
    page = client.get(reverse("twofactor-enrol")).content.decode()
    assert 'data-testid="twofactor-qr"><svg' in page
    device = TOTPDevice.objects.get(user_id=client.session["_auth_user_id"], confirmed=False)
    secret = re.search(r'data-testid="twofactor-secret">([A-Z2-7 ]+)<', page)
    assert secret is not None and secret.group(1) == twofactor.secret_text(device)
    done = client.post(reverse("twofactor-enrol"), {"code": code(device), "next": OFFICE_PAGE})
    assert done.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", done.content.decode())
    device.refresh_from_db()
    assert device.confirmed and len(codes) == twofactor.RECOVERY_CODES
    return device, codes


@REQUIRED
@pytest.mark.parametrize("role", ["admin", "verifier"])
def test_a_required_role_enrols_before_any_other_page(role: str, demo: Demo) -> None:
    client = sign_in(demo.user(role).username, demo.password)
    for path in (OFFICE_PAGE, reverse("home"), "/pemda/", "/admin/", reverse("api-tokens"), reverse("twofactor")):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(reverse("twofactor-enrol")), path
    page = client.get(reverse("twofactor-enrol"))
    assert 'data-testid="twofactor-required"' in page.content.decode()
    wrong = client.post(reverse("twofactor-enrol"), {"code": "000000"}).content.decode()
    assert "Kode tidak cocok" in wrong and "tunggu 1 detik" in wrong  # django-otp's throttle, said
    assert client.get(OFFICE_PAGE).status_code == 302  # a wrong code changes nothing
    unthrottle()
    _device, codes = enrol(client)
    assert client.get(OFFICE_PAGE).status_code == 200  # verified in this session
    assert StaticToken.objects.filter(device__user=demo.user(role)).count() == len(codes)
    updates = AuditEntry.objects.filter(model="auth.User", object_id=str(demo.user(role).pk), action="update")
    entry = updates.order_by("id").last()
    assert entry is not None and entry.changes == {"verifikasi_dua_langkah": [None, "diaktifkan"]}
    # the language switch and the sign-out stay open during the second step
    other = sign_in(demo.user(role).username, demo.password)
    assert other.get(OFFICE_PAGE)["Location"].startswith(reverse("twofactor-verify"))
    assert other.post(reverse("set_language"), {"language": "id", "next": "/"}).status_code == 302
    assert other.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in other.session


@REQUIRED
def test_after_enrolment_each_sign_in_asks_for_a_code_or_a_recovery_code_once(demo: Demo) -> None:
    client = sign_in("admin", demo.password)
    device, codes = enrol(client)
    again = sign_in("admin", demo.password)
    response = again.get(OFFICE_PAGE)
    assert response.status_code == 302 and response["Location"].startswith(reverse("twofactor-verify"))
    assert again.post(reverse("twofactor-verify"), {"code": code(device)}).status_code == 200  # used already
    unthrottle()
    failed = AuditEntry.objects.filter(action="login_failed", object_repr="admin").order_by("id").last()
    assert failed is not None and "kode verifikasi dua langkah salah" in failed.comment
    ok = again.post(reverse("twofactor-verify"), {"code": code(device, steps=1), "next": OFFICE_PAGE})
    assert ok.status_code == 302 and ok["Location"] == OFFICE_PAGE
    assert again.get(OFFICE_PAGE).status_code == 200
    # a recovery code, once
    third = sign_in("admin", demo.password)
    assert third.post(reverse("twofactor-verify"), {"code": codes[0].upper()}).status_code == 302
    assert third.get(OFFICE_PAGE).status_code == 200
    fourth = sign_in("admin", demo.password)
    assert fourth.post(reverse("twofactor-verify"), {"code": codes[0]}).status_code == 200
    assert fourth.get(OFFICE_PAGE).status_code == 302


@REQUIRED
def test_a_superuser_without_a_role_must_enrol_too(demo: Demo) -> None:
    get_user_model().objects.create_superuser("root", password="Rahasia-Uji-2026!")
    client = sign_in("root", "Rahasia-Uji-2026!")
    assert client.get("/admin/")["Location"].startswith(reverse("twofactor-enrol"))


@REQUIRED
def test_other_roles_may_turn_it_on_and_off(demo: Demo) -> None:
    client = sign_in("operator-kaloran", demo.password)
    assert client.get(OFFICE_PAGE).status_code == 200  # not required
    assert 'data-testid="twofactor-off"' in client.get(reverse("twofactor")).content.decode()
    device, _codes = enrol(client)
    page = client.get(reverse("twofactor")).content.decode()
    assert 'data-testid="twofactor-on"' in page and "Nonaktifkan" in page
    # new recovery codes need a code; the old ones stop working
    later()
    new = client.post(reverse("twofactor"), {"op": "codes", "code": code(device)})
    fresh = re.findall(r"<li><code>([a-z2-7]+)</code></li>", new.content.decode())
    assert len(fresh) == twofactor.RECOVERY_CODES
    assert set(StaticToken.objects.filter(device__user__username="operator-kaloran").values_list("token", flat=True)) \
        == set(fresh)
    # turning it off needs a code too, and keeps this session signed in
    refused = client.post(reverse("twofactor"), {"op": "off", "code": "123456"})
    assert refused.status_code == 200 and TOTPDevice.objects.filter(user__username="operator-kaloran").exists()
    unthrottle()
    later()
    off = client.post(reverse("twofactor"), {"op": "off", "code": code(device)})
    assert off.status_code == 302
    assert not TOTPDevice.objects.filter(user__username="operator-kaloran").exists()
    assert not StaticDevice.objects.filter(user__username="operator-kaloran").exists()
    assert client.get(OFFICE_PAGE).status_code == 200
    actions = AuditEntry.objects.filter(model="auth.User", object_repr="operator-kaloran", action="update",
                                        changes__has_key="verifikasi_dua_langkah")
    assert [e.changes["verifikasi_dua_langkah"][1] for e in actions.order_by("id")] == [
        "diaktifkan", "kode pemulihan dibuat ulang", "dinonaktifkan"]


@REQUIRED
def test_a_required_role_cannot_turn_it_off(demo: Demo) -> None:
    client = sign_in("inspektorat", demo.password)
    device, _codes = enrol(client)
    assert "Nonaktifkan" not in client.get(reverse("twofactor")).content.decode()
    client.post(reverse("twofactor"), {"op": "off", "code": code(device, steps=1)})
    assert TOTPDevice.objects.filter(user__username="inspektorat", confirmed=True).exists()


@REQUIRED
def test_a_device_reset_by_the_admin_ends_the_users_sessions(demo: Demo, django_capture_on_commit_callbacks: Any
                                                            ) -> None:
    client = sign_in("inspektorat", demo.password)
    enrol(client)
    assert client.get(OFFICE_PAGE).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        TOTPDevice.objects.get(user__username="inspektorat").delete()  # the admin's reset
    assert not StaticDevice.objects.filter(user__username="inspektorat").exists()
    assert client.get(OFFICE_PAGE)["Location"].startswith("/login/")
    again = sign_in("inspektorat", demo.password)
    assert again.get(OFFICE_PAGE)["Location"].startswith(reverse("twofactor-enrol"))


@REQUIRED
def test_a_session_signed_in_before_the_rule_gets_its_step_once(demo: Demo) -> None:
    client = Client()
    client.force_login(demo.user("admin"))
    session = client.session
    del session[twofactor.STATE_KEY]  # as a session from before this feature
    session.save()
    assert client.get(OFFICE_PAGE)["Location"].startswith(reverse("twofactor-enrol"))
    assert client.session[twofactor.STATE_KEY] == twofactor.ENROL


def test_not_required_outside_production_and_the_sign_in_page_says_so(demo: Demo) -> None:
    assert not settings.SAKIP_2FA_REQUIRED_ROLES  # the tests' (and the demo's) environment
    page = Client().get("/login/").content.decode()
    assert 'data-testid="twofactor-optional"' in page
    client = sign_in("admin", demo.password)
    assert client.get(OFFICE_PAGE).status_code == 200
    with REQUIRED:
        assert 'data-testid="twofactor-optional"' not in Client().get("/login/").content.decode()


def test_the_production_default_requires_admins_verifiers_and_superusers() -> None:
    import subprocess
    import sys

    env = {"SAKIP_ENV": "production", "SAKIP_SECRET_KEY": "x" * 60, "SAKIP_ALLOWED_HOSTS": "sakip.example.go.id",
           "PATH": "/usr/bin:/bin"}
    script = "import sakip.web.settings as s; print(','.join(sorted(s.SAKIP_2FA_REQUIRED_ROLES)))"
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "admin,superuser,verifier"
    env["SAKIP_2FA_REQUIRED_ROLES"] = "admin,planner"
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "admin,planner"


@REQUIRED
def test_the_second_step_adds_no_query_to_a_page(demo: Demo) -> None:
    client = sign_in("admin", demo.password)
    enrol(client)
    client.get(OFFICE_PAGE)
    client.get(OFFICE_PAGE)
    with CaptureQueriesContext(connection) as verified:
        assert client.get(OFFICE_PAGE).status_code == 200
    plain = Client()
    plain.force_login(demo.user("planner"))  # no device: nothing due
    plain.get(OFFICE_PAGE)
    plain.get(OFFICE_PAGE)
    with CaptureQueriesContext(connection) as unverified:
        assert plain.get(OFFICE_PAGE).status_code == 200
    assert not [q for q in verified.captured_queries if "otp_" in q["sql"]]
    assert len(verified.captured_queries) == len(unverified.captured_queries)

