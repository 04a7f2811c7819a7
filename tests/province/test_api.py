"""The oversight rankings through the API (read only): who gets them, and that they are the page's figures."""

from __future__ import annotations

import pytest
from django.test import Client

from sakip.api.models import ApiToken
from sakip.province import queries

from .conftest import YEAR, World

pytestmark = pytest.mark.django_db


def _get(world: World, role: str | None, url: str, office: object = None) -> object:
    headers = {}
    if role is not None:
        headers["Authorization"] = f"Bearer {ApiToken.issue(world.users[role], 'uji', office=office)[1]}"
    return Client().get(url, headers=headers)


@pytest.mark.parametrize(
    ("role", "status"),
    [(None, 401), ("admin_a", 403), ("verifier_a", 403), ("operator_a", 403), ("nobody", 403),
     ("province_p1", 200), ("national", 200)],
)
def test_who_reads_the_rankings(world: World, role: str | None, status: int) -> None:
    for what in ("regencies", "offices"):
        assert _get(world, role, f"/api/v1/oversight/{YEAR}/{what}").status_code == status  # type: ignore[attr-defined]


def test_the_rankings_are_the_pages(world: World) -> None:
    body = _get(world, "province_p1", f"/api/v1/oversight/{YEAR}/offices?quarter=3&limit=3&offset=1").json()  # type: ignore[attr-defined]
    expected = list(queries.office_ranking(queries.Scope(world.p1.pk), YEAR, 3))
    assert body["count"] == len(expected) == 4
    assert [(i["regency"], i["office"], i["achievement"]) for i in body["items"]] == [
        (k.office.regency.code, k.office.code, str(k.achievement)) for k in expected[1:4]
    ]
    assert [i["rank"] for i in body["items"]] == [2, 3, 4]
    regencies = _get(world, "national", f"/api/v1/oversight/{YEAR}/regencies").json()  # type: ignore[attr-defined]
    assert regencies["count"] == 3 and {i["regency"] for i in regencies["items"]} == {"kab-a", "kab-b", "kab-c"}
    only_b = _get(world, "national", f"/api/v1/oversight/{YEAR}/offices?regency=kab-b").json()  # type: ignore[attr-defined]
    assert {i["regency"] for i in only_b["items"]} == {"kab-b"}


def test_bad_parameters_are_refused(world: World) -> None:
    for query in ("quarter=5", "limit=0", "limit=501", "offset=-1"):
        response = _get(world, "national", f"/api/v1/oversight/{YEAR}/offices?{query}")
        assert response.status_code == 422, query  # type: ignore[attr-defined]
