"""API tokens' own limits (sakip.api.models, sakip.api.api): scope (read only / read-write) × reach (one office or
everything the role may see) × every endpoint and every demo role; expiry (401 with a JSON message); last use
written at most once a minute; the token page; the migration of tokens made before."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sakip.accounts.access import can, membership_of
from sakip.api.models import MAX_DAYS, ApiToken, Scope
from tests.web.demo_support import Demo
from tests.web.test_authorisation_matrix import RIGHTS_ON_OFFICE_A, ROLES

from .conftest import Api
from .test_api_matrix import BODIES, ENDPOINTS, _url

OFFICE_ENDPOINTS = sorted(n for n, (_m, a) in ENDPOINTS.items() if a not in (None, "public"))
KINDS = [(scope, reach) for scope in (Scope.READ, Scope.WRITE) for reach in (None, "a", "b")]


def _call(api: Api, name: str, url: str) -> Any:
    with transaction.atomic():
        response = api.post(url, BODIES[name]) if ENDPOINTS[name][0] == "POST" else api.get(url)
        transaction.set_rollback(True)
    return response


def _may_view(user: Any, office: Any) -> bool:
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = user
    return can(membership_of(request), office, "view")


@pytest.mark.parametrize("name", OFFICE_ENDPOINTS)
def test_every_scope_and_reach_on_every_endpoint_for_every_role(name: str, demo_once: Demo, db: None) -> None:
    """The answer is the role's (RIGHTS_ON_OFFICE_A) narrowed by the token: a read-only token never writes,
    a token for one office never reaches another."""
    action = ENDPOINTS[name][1]
    url = _url(name, demo_once.office_a.code)
    failures = []
    for role in ROLES:
        if role == "anonymous":
            continue
        user = demo_once.user(role)
        for scope, reach in KINDS:
            office = {"a": demo_once.office_a, "b": demo_once.office_b}.get(reach or "")
            if office is not None and not _may_view(user, office):
                continue  # such a token cannot be made (the page and the model refuse it)
            _t, secret = ApiToken.issue(user, "matriks", scope=scope, office=office)
            response = _call(Api(secret), name, url)
            if action == "regency":  # the regency's ranking: regency roles, a token for every office, read
                allowed = role in ("admin", "planner", "verifier") and office is None
            else:
                allowed = action in RIGHTS_ON_OFFICE_A[role]
                allowed = allowed and (office is None or office == demo_once.office_a)
                allowed = allowed and (action == "view" or scope == Scope.WRITE)
            expected = 200 if allowed else 403
            if response.status_code != expected:
                failures.append(f"{role} {scope}/{reach or 'all'}: expected {expected}, got {response.status_code}")
            elif expected == 403:
                assert "detail" in response.json()
    assert not failures, f"{ENDPOINTS[name][0]} {url}\n" + "\n".join(failures)


def test_a_token_for_one_office_lists_only_that_office(demo_once: Demo, db: None) -> None:
    admin = demo_once.user("admin")
    for office in (demo_once.office_a, demo_once.office_b):
        _t, secret = ApiToken.issue(admin, "satu", scope=Scope.READ, office=office)
        body = Api(secret).get("/api/v1/offices").json()
        assert [o["code"] for o in body["items"]] == [office.code] and body["count"] == 1
    _t, secret = ApiToken.issue(admin, "semua", scope=Scope.READ)
    assert Api(secret).get("/api/v1/offices").json()["count"] > 2


def test_the_messages_say_why(demo_once: Demo, db: None) -> None:
    admin = demo_once.user("admin")
    _t, read = ApiToken.issue(admin, "baca", scope=Scope.READ)
    url = _url("api:api-realisations-write", demo_once.office_a.code)
    response = Api(read).post(url, {"rows": []})
    assert response.status_code == 403 and "hanya untuk membaca" in response.json()["detail"]
    _t, only_b = ApiToken.issue(admin, "b", scope=Scope.WRITE, office=demo_once.office_b)
    response = Api(only_b).get(f"/api/v1/offices/{demo_once.office_a.code}")
    assert response.status_code == 403 and "perangkat daerah lain" in response.json()["detail"]


def test_an_expired_token_is_refused_with_a_json_message(demo_once: Demo, db: None) -> None:
    token, secret = ApiToken.issue(demo_once.user("admin"), "lama", scope=Scope.READ, days=1)
    assert Api(secret).get("/api/v1/offices").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires=timezone.now() - dt.timedelta(seconds=1))
    for url in ("/api/v1/offices", f"/api/v1/offices/{demo_once.office_a.code}/years/2020/achievements"):
        response = Api(secret).get(url)
        assert response.status_code == 401 and response["Content-Type"].startswith("application/json")
        assert "kedaluwarsa" in response.json()["detail"]
    assert "kedaluwarsa" not in Api("sakip_tidak-ada").get("/api/v1/offices").json()["detail"]  # unknown: plain 401


def test_the_lifetime_is_chosen_and_at_most_a_year(demo_once: Demo, db: None) -> None:
    admin = demo_once.user("admin")
    token, _s = ApiToken.issue(admin, "setahun", days=MAX_DAYS)
    assert (token.expires - timezone.now()).days in (MAX_DAYS - 1, MAX_DAYS)
    with pytest.raises(ValueError):
        ApiToken.issue(admin, "terlalu lama", days=MAX_DAYS + 1)
    token.expires = timezone.now() + dt.timedelta(days=MAX_DAYS + 2)
    with pytest.raises(ValidationError) as refused:
        token.full_clean()
    assert "expires" in refused.value.message_dict
    default, _s = ApiToken.issue(admin, "biasa")
    assert (default.expires - timezone.now()).days in (89, 90)


def test_a_token_cannot_reach_an_office_the_role_may_not_see(demo_once: Demo, db: None) -> None:
    token = ApiToken(user=demo_once.user("operator_b"), name="x", key_hash="0" * 64, hint="x",
                     office=demo_once.office_a, expires=timezone.now() + dt.timedelta(days=1))
    with pytest.raises(ValidationError) as refused:
        token.full_clean()
    assert "office" in refused.value.message_dict


def test_last_use_is_written_at_most_once_a_minute(demo_once: Demo, db: None) -> None:
    token, secret = ApiToken.issue(demo_once.user("admin"), "pakai", scope=Scope.READ)
    api = Api(secret)
    assert token.last_used is None
    api.get("/api/v1/offices")
    first = ApiToken.objects.get(pk=token.pk).last_used
    assert first is not None
    with CaptureQueriesContext(connection) as ctx:
        api.get("/api/v1/offices")
    assert not [q for q in ctx.captured_queries if q["sql"].startswith("UPDATE")]
    assert ApiToken.objects.get(pk=token.pk).last_used == first
    ApiToken.objects.filter(pk=token.pk).update(last_used=first - dt.timedelta(seconds=61))
    api.get("/api/v1/offices")
    assert ApiToken.objects.get(pk=token.pk).last_used > first
    # no audit row and no new data generation for a use
    from sakip.audit.models import AuditEntry

    assert not AuditEntry.objects.filter(model="api.ApiToken", object_id=str(token.pk), action="update").exists()


def test_the_token_page_makes_a_limited_token_and_shows_its_limits_and_last_use(
    demo_once: Demo, db: None, login_as: Callable[[str], Client]
) -> None:
    client = login_as("admin")
    page = client.get(reverse("api-tokens")).content.decode()
    assert 'name="scope"' in page and 'name="office"' in page and 'name="days"' in page
    form = {"op": "create", "name": "dasbor", "scope": "read", "office": demo_once.office_a.code, "days": "30"}
    assert "<pre>sakip_" in client.post(reverse("api-tokens"), form).content.decode()
    token = ApiToken.objects.get(user=demo_once.user("admin"), name="dasbor")
    assert token.scope == Scope.READ and token.office == demo_once.office_a
    assert (token.expires - timezone.now()).days in (29, 30)
    listing = client.get(reverse("api-tokens")).content.decode()
    assert demo_once.office_a.name in listing and "hanya baca" in listing and "belum pernah" in listing
    ApiToken.objects.filter(pk=token.pk).update(last_used=timezone.now())
    assert "belum pernah" not in client.get(reverse("api-tokens")).content.decode()
    for bad in ({"days": "400"}, {"scope": "admin"}, {"office": "no-such-office"}):
        html = client.post(reverse("api-tokens"), {**form, "name": "buruk", **bad}).content.decode()
        assert "<pre>sakip_" not in html and 'role="alert"' in html, bad
    assert not ApiToken.objects.filter(name="buruk").exists()


def test_an_office_user_can_only_choose_the_own_office(demo_once: Demo, db: None,
                                                       login_as: Callable[[str], Client]) -> None:
    client = login_as("operator_b")
    page = client.get(reverse("api-tokens")).content.decode()
    assert f'value="{demo_once.office_b.code}"' in page and f'value="{demo_once.office_a.code}"' not in page
    form = {"op": "create", "name": "x", "scope": "write", "office": demo_once.office_a.code, "days": "90"}
    assert "<pre>sakip_" not in client.post(reverse("api-tokens"), form).content.decode()

