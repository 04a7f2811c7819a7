"""Users, groups, memberships, API tokens and signing in are in the trail; the client address behind a proxy."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Max
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from sakip.accounts.models import Membership, Role
from sakip.api.models import ApiToken
from sakip.audit.context import client_ip
from sakip.audit.models import AuditEntry

pytestmark = pytest.mark.django_db

PASSWORD = "Rahasia-Uji-2026!"


def rows(**filters: Any) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(**filters).order_by("id"))


def last_id() -> int:
    """The id of the newest row (not the count: ids of rolled-back rows are not reused on PostgreSQL)."""
    return int(AuditEntry.objects.aggregate(m=Max("id"))["m"] or 0)


def user_rows(user: Any) -> list[AuditEntry]:
    return rows(model="auth.User", object_id=str(user.pk))


def no_secret(entries: list[AuditEntry], *secrets: str) -> None:
    for e in entries:
        text = json.dumps(e.changes) + e.comment + e.object_repr
        for secret in secrets:
            assert secret not in text


def test_a_user_created_and_changed_is_recorded_without_the_password_hash(demo: Any) -> None:
    User = get_user_model()
    user = User.objects.create_user("petugas-baru", email="p@contoh.go.id", password=PASSWORD)
    (created,) = user_rows(user)
    assert created.action == "create" and created.office_id is None and created.object_repr == "petugas-baru"
    assert created.changes["username"] == [None, "petugas-baru"]
    assert created.changes["is_active"] == [None, True]
    assert created.changes["password"] == [None, "kata sandi ditetapkan"]
    user.is_staff = True
    user.is_active = False
    user.save()
    user.set_password("Sandi-Lain-2026!")
    user.save()
    user.first_name = "Budi"
    user.save(update_fields=["first_name"])
    entries = user_rows(user)
    assert [e.changes for e in entries[1:]] == [
        {"is_active": [True, False], "is_staff": [False, True]},
        {"password": [None, "kata sandi diubah"]},
        {"first_name": ["", "Budi"]},
    ]
    no_secret(entries, PASSWORD, "Sandi-Lain-2026!", user.password, user.password.split("$")[-1])
    pk = user.pk
    user.delete()
    deleted = rows(model="auth.User", object_id=str(pk), action="delete")
    assert len(deleted) == 1 and deleted[0].changes["username"] == ["petugas-baru", None]


def test_a_hasher_upgrade_of_an_unchanged_password_is_not_a_change(demo: Any) -> None:
    from django.contrib.auth.hashers import get_hasher

    user = get_user_model().objects.create_user("pengguna-lama")
    hasher = get_hasher("default")
    old_hash = hasher.encode(PASSWORD, "pendek")  # a salt too short for the hasher: re-hashed on sign-in
    user.password = old_hash
    user.save()  # a hash written directly (a full save): a change
    assert user.check_password(PASSWORD)  # re-hashed with a new salt and saved
    user.refresh_from_db()
    assert user.password != old_hash
    changes = [e.changes for e in user_rows(user) if e.action == "update"]
    assert changes == [{"password": [None, "kata sandi diubah"]}]


def test_groups_changes_are_recorded_from_either_side(demo: Any) -> None:
    user = get_user_model().objects.create_user("anggota-grup")
    verifiers, planners = Group.objects.create(name="Verifikator"), Group.objects.create(name="Perencana")
    user.groups.add(verifiers, planners)
    user.groups.remove(planners)
    planners.user_set.add(user)
    user.groups.clear()
    changes = [e.changes for e in user_rows(user) if e.action == "update"]
    assert changes == [
        {"groups": [[], ["Perencana", "Verifikator"]]},
        {"groups": [["Perencana", "Verifikator"], ["Verifikator"]]},
        {"groups": [["Verifikator"], ["Perencana", "Verifikator"]]},
        {"groups": [["Perencana", "Verifikator"], []]},
    ]
    user.groups.add(verifiers)
    user.groups.add(verifiers)  # already a member: no row
    assert len([e for e in user_rows(user) if e.action == "update"]) == 5


def test_group_changes_are_shown_by_name_in_the_regency_view(demo: Any, login_as: Any) -> None:
    user = get_user_model().objects.create_user("anggota-baru")
    Membership.objects.create(user=user, regency=demo.office_a.regency, role=Role.PLANNER)
    user.groups.add(Group.objects.create(name="Tim SAKIP"))
    page = login_as("admin").get(reverse("audit-regency"), {"jenis": "auth.User", "id": user.pk}).content.decode()
    assert "<strong>grup</strong>: ∅ → Tim SAKIP" in page


def test_memberships_are_recorded_by_the_general_hook(demo: Any) -> None:
    user = get_user_model().objects.create_user("operator-baru")
    m = Membership.objects.create(user=user, regency=demo.office_a.regency, office=demo.office_a, role=Role.OPERATOR)
    m.role = Role.HEAD
    m.save()
    entries = rows(model="accounts.Membership", object_id=str(m.pk))
    assert [e.action for e in entries] == ["create", "update"]
    assert entries[0].office_id == demo.office_a.pk and entries[0].changes["role"] == [None, "operator"]
    assert entries[1].changes == {"role": ["operator", "head"]}
    pk = m.pk
    m.delete()
    assert rows(model="accounts.Membership", object_id=str(pk), action="delete")


def test_api_tokens_made_and_revoked_on_the_page_are_recorded_without_the_secret(demo: Any, login_as: Any) -> None:
    client = login_as("operator_a")
    page = client.post(reverse("api-tokens"), {"op": "create", "name": "Aplikasi kecamatan"}).content.decode()
    token = ApiToken.objects.get(user=demo.user("operator_a"), name="Aplikasi kecamatan")
    secret = page.split(token.hint, 1)[1].split("<", 1)[0]
    secret = token.hint + secret  # the secret shown once on the page, starting with its hint
    (created,) = rows(model="api.ApiToken", object_id=str(token.pk))
    assert created.action == "create" and created.user_name == "operator-kaloran"
    assert created.changes["name"] == [None, "Aplikasi kecamatan"]
    assert created.changes["key_hash"] == [None, "[disembunyikan]"]
    no_secret([created], token.key_hash, secret)
    client.post(reverse("api-tokens"), {"op": "revoke", "id": token.pk})
    assert not ApiToken.objects.filter(pk=token.pk).exists()
    revoked = rows(model="api.ApiToken", object_id=str(token.pk), action="delete")
    assert len(revoked) == 1 and revoked[0].user_name == "operator-kaloran"


def test_sign_in_sign_out_and_a_failed_sign_in(demo: Any) -> None:
    user = demo.user("operator_a")
    client = Client(REMOTE_ADDR="203.0.113.7", HTTP_USER_AGENT="Peramban Uji")
    before = last_id()
    r = client.post(reverse("login"), {"username": "operator-kaloran", "password": demo.password})
    assert r.status_code == 302
    (signed_in,) = rows(id__gt=before)  # last_login changed: no row for it
    assert (signed_in.action, signed_in.user_name, signed_in.ip) == ("login", "operator-kaloran", "203.0.113.7")
    assert signed_in.object_id == str(user.pk) and signed_in.user_agent == "Peramban Uji"
    client.post(reverse("logout"))
    (signed_out,) = rows(id__gt=signed_in.id)
    assert (signed_out.action, signed_out.user_name, signed_out.ip) == ("logout", "operator-kaloran", "203.0.113.7")
    wrong = "Salah-Sandi-123"
    r = Client(REMOTE_ADDR="198.51.100.9").post(reverse("login"), {"username": "kepala-kaloran", "password": wrong})
    assert r.status_code == 200
    (failed,) = rows(id__gt=signed_out.id)
    assert (failed.action, failed.object_repr, failed.ip) == ("login_failed", "kepala-kaloran", "198.51.100.9")
    assert failed.user_id is None and failed.changes == {"username": [None, "kepala-kaloran"]}
    no_secret([failed], wrong, "*****")


def test_user_rows_are_in_the_regency_view_and_export(demo: Any, login_as: Any) -> None:
    Client(REMOTE_ADDR="198.51.100.9").post(reverse("login"), {"username": "kepala-kaloran", "password": "x"})
    Client(REMOTE_ADDR="198.51.100.9").post(reverse("login"), {"username": "tidak-ada", "password": "x"})
    user = get_user_model().objects.create_user("pengguna-baru", password=PASSWORD)
    Membership.objects.create(user=user, regency=demo.office_a.regency, office=demo.office_a, role=Role.OPERATOR)
    user.first_name = "Baru"
    user.save()
    admin = login_as("admin")
    page = admin.get(reverse("audit-regency"), {"jenis": "auth.User"}).content.decode()
    assert "pengguna-baru" in page and "kepala-kaloran" in page and "gagal masuk" in page
    # an unknown username belongs to no regency: only superusers see the attempt, in the admin
    assert "tidak-ada" not in page
    csv = b"".join(admin.get(reverse("audit-regency-export"), {"tindakan": "login_failed"}).streaming_content)
    text = csv.decode("utf-8-sig")
    assert "kepala-kaloran" in text and "198.51.100.9" in text and "pengguna-baru" not in text
    assert "tidak-ada" not in text
    unknown = AuditEntry.objects.get(action="login_failed", object_repr="tidak-ada")
    assert unknown.regency_id is None
    admin_page = admin.get(reverse("admin:audit_auditentry_changelist"), {"q": "tidak-ada"}).content.decode()
    assert "tidak-ada" in admin_page  # the demo's admin is a superuser
    # an office's operator does not see users' rows in the office trail
    office_page = login_as("operator_a").get(reverse("audit-office", args=[demo.office_a.code])).content.decode()
    assert "tidak-ada" not in office_page


# ----------------------------------------------------------------------------- the client address


def _ip(remote: str, forwarded: str | None = None) -> str | None:
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(RequestFactory().get("/", **meta))  # type: ignore[arg-type]


def test_forwarded_for_is_ignored_without_trusted_proxies() -> None:
    assert _ip("203.0.113.7", "1.2.3.4") == "203.0.113.7"


@override_settings(SAKIP_TRUSTED_PROXIES=["10.0.0.0/8", "192.0.2.1", "2001:db8::/32"])
def test_forwarded_for_only_from_a_trusted_proxy() -> None:
    # a client sending its own header straight to the application is not believed
    assert _ip("203.0.113.7", "1.2.3.4") == "203.0.113.7"
    # through the proxy: the right-most address that is not a proxy, whatever the client put before it
    assert _ip("10.1.2.3", "1.2.3.4") == "1.2.3.4"
    assert _ip("10.1.2.3", "6.6.6.6, 1.2.3.4") == "1.2.3.4"
    assert _ip("10.1.2.3", "6.6.6.6, 1.2.3.4, 192.0.2.1, 10.9.9.9") == "1.2.3.4"
    assert _ip("2001:db8::1", "2001:db8::5, 2a00:1450::1") == "2a00:1450::1"
    # only proxies in the chain: the left-most of them; no header: the proxy itself
    assert _ip("10.1.2.3", "10.0.0.5, 192.0.2.1") == "10.0.0.5"
    assert _ip("10.1.2.3") == "10.1.2.3"
    # a malformed hop ends the walk at the last trusted proxy
    assert _ip("10.1.2.3", "1.2.3.4, bukan-alamat") == "10.1.2.3"


@override_settings(SAKIP_TRUSTED_PROXIES=["10.0.0.1"])
def test_a_spoofed_header_does_not_reach_the_trail(demo: Any) -> None:
    before = last_id()
    Client(REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="10.0.0.1").post(
        reverse("login"), {"username": "siapa", "password": "x"}
    )
    Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="9.9.9.9, 198.51.100.20").post(
        reverse("login"), {"username": "siapa", "password": "x"}
    )
    assert [e.ip for e in rows(id__gt=before)] == ["203.0.113.7", "198.51.100.20"]


@override_settings(SAKIP_TRUSTED_PROXIES=["10.0.0.0/33"])
def test_a_bad_proxy_setting_is_refused() -> None:
    with pytest.raises(ImproperlyConfigured, match="SAKIP_TRUSTED_PROXIES"):
        _ip("10.1.2.3", "1.2.3.4")


def test_the_regency_trail_leaves_out_the_users_of_another_regency(demo: Any, login_as: Any) -> None:
    from sakip.accounts.models import Regency

    other = Regency.objects.create(code="lain", name="Pemda Lain")
    stranger = get_user_model().objects.create_user("admin-lain", password=PASSWORD)
    Membership.objects.create(user=stranger, regency=other, role=Role.ADMIN)
    Client().post(reverse("login"), {"username": "admin-lain", "password": PASSWORD})
    Client().post(reverse("login"), {"username": "admin-lain", "password": "salah"})
    Client().post(reverse("login"), {"username": "tak-dikenal", "password": "salah"})
    Client().post(reverse("login"), {"username": "kepala-kaloran", "password": "salah"})
    stranger_rows = rows(model="auth.User", object_id=str(stranger.pk))
    assert {e.action for e in stranger_rows} == {"create", "login"}
    page = login_as("admin").get(reverse("audit-regency"), {"jenis": "auth.User"}).content.decode()
    assert "admin-lain" not in page
    assert "tak-dikenal" not in page and "kepala-kaloran" in page  # an unknown username: no regency's
    theirs = Client()
    theirs.force_login(stranger)
    page = theirs.get(reverse("audit-regency"), {"jenis": "auth.User"}).content.decode()
    assert "admin-lain" in page and "kepala-kaloran" not in page
