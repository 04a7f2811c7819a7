"""Signing in: the lockout of repeated failures per username and per address (django-axes), audited, with a
clear message; the address is the audit trail's (X-Forwarded-For only from a trusted proxy); the password
change (sakip.accounts.signin, accounts/urls.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client, override_settings
from django.urls import reverse

from sakip.accounts.signin import LOCKOUT_COMMENT
from sakip.audit.models import AuditEntry

pytestmark = pytest.mark.django_db

PASSWORD = "Rahasia-Uji-2026!"
LOGIN = "/login/"


@pytest.fixture
def user() -> Any:
    return get_user_model().objects.create_user("petugas", password=PASSWORD)


def attempt(client: Client, username: str, password: str, address: str = "198.51.100.7", **extra: str) -> Any:
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address, **extra)


def fail(times: int, username: str, address: str = "198.51.100.7") -> None:
    """``times`` failed sign-ins; the one that reaches the limit is already answered with the lockout."""
    for i in range(times):
        expected = 429 if i + 1 >= settings.SAKIP_LOCKOUT_FAILURES else 200
        assert attempt(Client(), username, "salah", address=address).status_code == expected


def test_a_username_is_locked_out_after_the_failures_from_any_address(user: Any) -> None:
    limit = settings.SAKIP_LOCKOUT_FAILURES
    for i in range(limit - 1):
        response = attempt(Client(), "petugas", "salah", address=f"198.51.100.{i + 1}")
        assert response.status_code == 200
        assert "Nama pengguna atau kata sandi salah" in response.content.decode()
        assert f"Setelah {limit} kali gagal" in response.content.decode()  # the rule is said on the page
    locked = attempt(Client(), "petugas", "salah", address="198.51.100.99")
    assert locked.status_code == 429
    html = locked.content.decode()
    assert 'data-testid="lockout"' in html and f"{settings.SAKIP_LOCKOUT_MINUTES} menit" in html
    # now even the right password from a fresh address is refused, and nobody is signed in
    client = Client()
    right = attempt(client, "petugas", PASSWORD, address="192.0.2.200")
    assert right.status_code == 429 and "_auth_user_id" not in client.session
    # another username from those addresses is not affected by the username's lockout
    get_user_model().objects.create_user("lain", password=PASSWORD)
    assert attempt(Client(), "lain", PASSWORD, address="192.0.2.201").status_code == 302


def test_an_address_is_locked_out_after_the_failures_for_any_usernames(user: Any) -> None:
    limit = settings.SAKIP_LOCKOUT_FAILURES
    for i in range(limit):
        attempt(Client(), f"tebakan-{i}", "salah", address="203.0.113.9")
    assert attempt(Client(), "petugas", PASSWORD, address="203.0.113.9").status_code == 429
    assert attempt(Client(), "petugas", PASSWORD, address="203.0.113.10").status_code == 302


def test_the_lockout_ends_after_the_cool_off_and_a_success_clears_the_failures(user: Any) -> None:
    fail(settings.SAKIP_LOCKOUT_FAILURES, "petugas")
    assert attempt(Client(), "petugas", PASSWORD).status_code == 429
    AccessAttempt.objects.update(
        attempt_time=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=settings.SAKIP_LOCKOUT_MINUTES, seconds=1)
    )
    assert attempt(Client(), "petugas", PASSWORD).status_code == 302
    fail(settings.SAKIP_LOCKOUT_FAILURES - 1, "petugas")
    assert attempt(Client(), "petugas", PASSWORD).status_code == 302  # success: the count starts again
    assert not AccessAttempt.objects.filter(username="petugas").exists()


def test_failures_and_the_lockout_are_audited_without_the_password(user: Any) -> None:
    limit = settings.SAKIP_LOCKOUT_FAILURES
    fail(limit, "petugas", address="198.51.100.7")
    attempt(Client(), "petugas", PASSWORD, address="198.51.100.7")
    failed = list(AuditEntry.objects.filter(action="login_failed", object_repr="petugas").order_by("id"))
    locked = [e for e in failed if e.comment == LOCKOUT_COMMENT]
    assert len(failed) - len(locked) == limit + 1  # every attempt, the refused right one included
    assert len(locked) == 2 and all(e.ip == "198.51.100.7" for e in failed)  # reached, and tried while locked
    for e in failed:
        assert "salah" not in str(e.changes) and PASSWORD not in str(e.changes) + e.comment
    assert not AuditEntry.objects.filter(action="login", object_repr="petugas").exists()
    stored = AccessAttempt.objects.get(username="petugas")
    assert PASSWORD not in stored.post_data and "salah" not in stored.post_data  # axes masks the password


def test_a_forged_forwarded_for_does_not_change_the_address_counted(user: Any) -> None:
    """Without trusted proxies, X-Forwarded-For is ignored: rotating it does not escape the address lockout."""
    limit = settings.SAKIP_LOCKOUT_FAILURES
    for i in range(limit):
        attempt(Client(), f"tebakan-{i}", "salah", address="203.0.113.20", HTTP_X_FORWARDED_FOR=f"10.9.9.{i}")
    assert attempt(Client(), "petugas", PASSWORD, address="203.0.113.20",
                   HTTP_X_FORWARDED_FOR="10.9.9.200").status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.20"}


@override_settings(SAKIP_TRUSTED_PROXIES=["127.0.0.1"])
def test_behind_a_trusted_proxy_the_forwarded_address_is_counted(user: Any) -> None:
    limit = settings.SAKIP_LOCKOUT_FAILURES
    for i in range(limit):
        attempt(Client(), f"tebakan-{i}", "salah", address="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.50")
    assert attempt(Client(), "petugas", PASSWORD, address="127.0.0.1",
                   HTTP_X_FORWARDED_FOR="198.51.100.50").status_code == 429
    # another client behind the same proxy is not locked out
    assert attempt(Client(), "petugas", PASSWORD, address="127.0.0.1",
                   HTTP_X_FORWARDED_FOR="198.51.100.51").status_code == 302


def test_the_admin_sign_in_is_locked_out_too(user: Any) -> None:
    user.is_staff = True
    user.save()
    for _i in range(settings.SAKIP_LOCKOUT_FAILURES):
        Client().post("/admin/login/", {"username": "petugas", "password": "salah"}, REMOTE_ADDR="198.51.100.70")
    client = Client()
    response = client.post("/admin/login/", {"username": "petugas", "password": PASSWORD}, REMOTE_ADDR="198.51.100.71")
    assert response.status_code == 429 and "_auth_user_id" not in client.session


# ----------------------------------------------------------------------------- password change


def test_every_user_changes_the_own_password_audited_and_other_sessions_end(user: Any) -> None:
    here, elsewhere = Client(), Client()
    here.force_login(user)
    elsewhere.force_login(user)
    page = here.get(reverse("password_change"))
    assert page.status_code == 200 and 'data-testid="password-change"' in page.content.decode()
    assert 'data-testid="password-change-link"' in here.get(reverse("twofactor")).content.decode()  # in the menu
    weak = here.post(reverse("password_change"), {"old_password": PASSWORD, "new_password1": "12345678",
                                                  "new_password2": "12345678"})
    assert weak.status_code == 200 and user.__class__.objects.get(pk=user.pk).check_password(PASSWORD)
    wrong_old = here.post(reverse("password_change"), {"old_password": "bukan", "new_password1": "Sandi-Baru-77!x",
                                                       "new_password2": "Sandi-Baru-77!x"})
    assert wrong_old.status_code == 200
    done = here.post(reverse("password_change"), {"old_password": PASSWORD, "new_password1": "Sandi-Baru-77!x",
                                                  "new_password2": "Sandi-Baru-77!x"})
    assert done.status_code == 302 and done["Location"] == reverse("password_change_done")
    assert here.get(reverse("password_change_done")).status_code == 200  # this session stays signed in
    assert elsewhere.get(reverse("home")).status_code == 302  # the other one ended
    changes = AuditEntry.objects.filter(model="auth.User", object_id=str(user.pk), action="update")
    changed = changes.order_by("id").last()
    assert changed is not None and changed.changes == {"password": [None, "kata sandi diubah"]}
    assert changed.user_name == "petugas"


def test_the_password_change_needs_a_signed_in_user() -> None:
    response = Client().get(reverse("password_change"))
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_the_admin_sign_in_page_opens_before_signing_in(db: None) -> None:
    """The admin's sign-in page asks every admin whether its app may be listed: not an error for a visitor."""
    response = Client().get("/admin/login/")
    assert response.status_code == 200 and 'name="username"' in response.content.decode()


def test_a_lockout_is_in_the_trail_of_the_users_regency(user: Any) -> None:
    """Failed sign-ins and the lockout of a regency's user are rows of that regency (its administrator sees them)."""
    from sakip.accounts.models import Membership, Regency, Role

    regency = Regency.objects.create(code="uji", name="Kabupaten Uji", province="Jawa Tengah")
    Membership.objects.create(user=user, regency=regency, role=Role.PLANNER)
    fail(settings.SAKIP_LOCKOUT_FAILURES, "petugas", address="198.51.100.9")
    rows = list(AuditEntry.objects.filter(action="login_failed", object_repr="petugas"))
    assert any(e.comment == LOCKOUT_COMMENT for e in rows)
    assert rows and all(e.regency_id == regency.pk for e in rows)
