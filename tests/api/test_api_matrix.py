"""Every API endpoint × every demo role: the same rights as the pages (sakip/accounts/access.py).

The routes are read from the URL configuration (everything under /api/), so a new
endpoint fails here until it is given an expectation in ``ENDPOINTS``. Each request
carries the role's own bearer token; ``operator_b``'s token is the token of another
office (403 on office A), an office outside the user's regency is 404, no token or a
wrong one is 401, and a signed-in browser session without a token is 401 too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import get_resolver, reverse

from tests.web.demo_support import Demo
from tests.web.test_authorisation_matrix import RIGHTS_ON_OFFICE_A, ROLES, walk

from .conftest import Api

YEAR, QUARTER = 2020, 4

#: URL name -> (method, action needed on office A; None = every signed-in user, "public" = no token needed)
ENDPOINTS: dict[str, tuple[str, str | None]] = {
    "api:api-offices": ("GET", None),
    "api:api-office": ("GET", "view"),
    "api:api-plan": ("GET", "view"),
    "api:api-targets": ("GET", "view"),
    "api:api-realisations": ("GET", "view"),
    "api:api-achievements": ("GET", "view"),
    "api:api-budget": ("GET", "view"),
    "api:api-realisations-write": ("POST", "enter"),
    "api:api-budget-write": ("POST", "enter"),
    "api:api-quarter-targets": ("GET", "view"),
    "api:api-profile": ("GET", "view"),
    "api:api-narratives": ("GET", "view"),
    # the oversight rankings: an `Oversight` role only, none of the demo's (tests/province/test_api.py)
    "api:api-oversight-regencies": ("GET", "oversight"),
    "api:api-oversight-offices": ("GET", "oversight"),
    "api:api-quarter-targets-write": ("POST", "plan"),
    # the regency's ranking: the regency roles (administrator, planner, verifier)
    "api:api-regency-offices": ("GET", "regency"),
    "api:openapi-json": ("GET", "public"),
    "api:openapi-view": ("GET", "public"),
}
#: POST bodies that change nothing: the answer shows whether the role got through
BODIES: dict[str, dict[str, list[Any]]] = {
    "api:api-realisations-write": {"rows": []},
    "api:api-budget-write": {"lines": []},
    "api:api-quarter-targets-write": {"rows": []},
}
API_ROUTES = [r for r in walk(get_resolver().url_patterns) if r.route.startswith("api/") and r.name != "api:api-root"]


def _url(name: str, office_code: str) -> str:
    kwargs: dict[str, Any] = {}
    route = next(r for r in API_ROUTES if r.name == name)
    values = {"office_code": office_code, "year": YEAR, "quarter": QUARTER}
    for kw in route.kwargs:
        kwargs[kw] = values[kw]
    return reverse(name, kwargs=kwargs)


def test_every_api_route_has_an_expectation() -> None:
    names = {r.name for r in API_ROUTES}
    assert names, "no API routes found"
    missing = sorted(str(n) for n in names - set(ENDPOINTS))
    assert not missing, f"API endpoints without an expectation in ENDPOINTS of {__file__}: {missing}"
    assert not set(ENDPOINTS) - names, "ENDPOINTS lists routes that no longer exist"


def _call(api: Api, name: str, url: str) -> Any:
    with transaction.atomic():
        method = ENDPOINTS[name][0]
        response = api.post(url, BODIES[name]) if method == "POST" else api.get(url)
        transaction.set_rollback(True)
    return response


@pytest.mark.parametrize("name", sorted(ENDPOINTS))
def test_endpoint_for_every_role(name: str, demo_once: Demo, api_as: Callable[[str], Api]) -> None:
    method, action = ENDPOINTS[name]
    url = _url(name, demo_once.office_a.code)
    failures = []
    for role in ROLES:
        response = _call(api_as(role), name, url)
        if action == "public":
            expected = 200
        elif role == "anonymous":
            expected = 401
        elif action == "regency":
            expected = 200 if role in ("admin", "planner", "verifier") else 403
        elif action is None or action in RIGHTS_ON_OFFICE_A[role]:
            expected = 200
        else:
            expected = 403
        if response.status_code != expected:
            failures.append(f"{method} {url} as {role}: expected {expected}, got {response.status_code}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize(
    "name", sorted(n for n, (_m, a) in ENDPOINTS.items() if a not in (None, "public", "oversight", "regency"))
)
def test_unknown_office_or_wrong_token_or_session(
    name: str,
    demo_once: Demo,
    api_as: Callable[[str], Api],
) -> None:
    admin = api_as("admin")
    assert _call(admin, name, _url(name, "no-such-office")).status_code == 404
    wrong = Api("sakip_not-a-token")
    assert _call(wrong, name, _url(name, demo_once.office_a.code)).status_code == 401
    session = Client()
    session.force_login(demo_once.user("admin"))  # a browser session is not an API credential
    url = _url(name, demo_once.office_a.code)
    response = session.post(url, BODIES[name], content_type="application/json") if name in BODIES else session.get(url)
    assert response.status_code == 401


def test_an_office_of_another_regency_is_not_found(demo_once: Demo, api_as: Callable[[str], Api]) -> None:
    from sakip.accounts.models import Office, Regency

    other = Regency.objects.create(code="lain", name="Kabupaten Lain")
    Office.objects.create(regency=other, code="opd-lain", name="Dinas Lain")
    assert api_as("admin").get("/api/v1/offices/opd-lain").status_code == 404


def test_the_office_list_is_what_each_role_may_read(demo_once: Demo, api_as: Callable[[str], Api]) -> None:
    from sakip.accounts.models import Office

    all_codes = set(Office.objects.filter(regency=demo_once.office_a.regency).values_list("code", flat=True))
    expected = {
        "admin": all_codes,
        "planner": all_codes,
        "verifier": all_codes,
        "public": set(),
        "operator_a": {demo_once.office_a.code},
        "head_a": {demo_once.office_a.code},
        "operator_b": {demo_once.office_b.code},
    }
    for role, codes in expected.items():
        body = api_as(role).get("/api/v1/offices").json()
        assert {o["code"] for o in body["items"]} == codes, role
        assert body["count"] == len(codes), role
