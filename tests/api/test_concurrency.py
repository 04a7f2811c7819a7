"""No lost update through the API: a write carries the version it read; a stale one is refused (409, 428)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from sakip.accounts.models import Membership, Office, Role
from sakip.api.models import ApiToken
from sakip.budgeting.models import LineQuarter
from sakip.core.generate import Size, generate_regency
from sakip.monitoring.models import Quarter

from .conftest import Api

SIZE = Size(offices=1, indicators=4, years=2, start=2024)
BASE = "/api/v1/offices/opd-001/years/2025"


@pytest.fixture
def two(db: None) -> tuple[Api, Api]:
    """Two operators of the same office, each with an API token."""
    regency = generate_regency("uji", SIZE, password="x")
    office = Office.objects.get(regency=regency, code="opd-001")
    out = []
    for name in ("ani", "budi"):
        user = get_user_model().objects.create(username=name)
        Membership.objects.create(user=user, regency=regency, office=office, role=Role.OPERATOR)
        out.append(Api(ApiToken.issue(user, "t")[1]))
    return out[0], out[1]


def stored(indicator: str, quarter: int) -> Decimal | None:
    q = Quarter.objects.filter(
        indicator_year__indicator__code=indicator, indicator_year__year=2025, quarter=quarter
    ).first()
    return q.value if q else None


def version(api: Api, indicator: str, quarter: int) -> str:
    items = api.get(f"{BASE}/realisations").json()["items"]
    return str(next(i for i in items if i["indicator"] == indicator)["versions"][str(quarter)])


def write(api: Api, quarter: int, **row: Any) -> Any:
    return api.post(f"{BASE}/quarters/{quarter}/realisations", {"rows": [row]})


def test_a_write_without_the_version_is_refused_with_428(two: tuple[Api, Api]) -> None:
    ani, _budi = two
    before = stored("S1.1", 2)
    response = write(ani, 2, indicator="S1.1", value="77", explanation="x")
    assert response.status_code == 428
    assert "version" in response.json()["detail"]
    assert stored("S1.1", 2) == before


def test_the_second_write_of_a_stale_version_is_refused_with_the_current_values(two: tuple[Api, Api]) -> None:
    ani, budi = two
    seen_a, seen_b = version(ani, "S1.1", 2), version(budi, "S1.1", 2)
    assert seen_a == seen_b and seen_a != "-/-"
    ok = write(ani, 2, indicator="S1.1", value="77.25", explanation="Ani", version=seen_a)
    assert ok.status_code == 200, ok.content
    stale = write(budi, 2, indicator="S1.1", value="70", explanation="Budi", version=seen_b)
    assert stale.status_code == 409, stale.content
    body = stale.json()
    assert "diubah orang lain" in body["detail"]
    fields = {c["field"]: c for c in body["conflicts"]}
    value = fields["Realisasi TW II"]
    assert (value["stored"], value["yours"], value["by"]) == ("77,25", "70", "ani") and value["at"]
    assert fields["Penjelasan"]["stored"] == "Ani"
    (current,) = body["current"]
    assert current["indicator"] == "S1.1" and current["value"] == "77.25" and current["version"] != seen_b
    assert stored("S1.1", 2) == Decimal("77.25")  # nothing of Budi's
    # the version of the answer (or of a new GET) makes the write go through
    again = write(budi, 2, indicator="S1.1", value="70", explanation="Budi", version=current["version"])
    assert again.status_code == 200, again.content
    assert stored("S1.1", 2) == Decimal(70)
    assert version(ani, "S1.1", 2) != current["version"]


def test_writing_what_is_stored_already_is_no_conflict(two: tuple[Api, Api]) -> None:
    ani, budi = two
    seen = version(ani, "S1.1", 2)
    assert write(ani, 2, indicator="S1.1", value="77", explanation="x", version=seen).status_code == 200
    same = write(budi, 2, indicator="S1.1", value="77", explanation="x", version=seen)
    assert same.status_code == 200, same.content


def test_a_stale_budget_line_is_refused(two: tuple[Api, Api]) -> None:
    ani, budi = two

    def line_version(api: Api) -> str:
        return str(next(li for li in api.get(f"{BASE}/budget").json()["items"] if li["code"] == "2")["version"])

    seen_a, seen_b = line_version(ani), line_version(budi)
    url = f"{BASE}/quarters/3/budget"
    ok = ani.post(url, {"lines": [{"code": "2", "realisation": "12345.5", "version": seen_a}]})
    assert ok.status_code == 200, ok.content
    stale = budi.post(url, {"lines": [{"code": "2", "realisation": "999", "version": seen_b}]})
    assert stale.status_code == 409, stale.content
    body = stale.json()
    (conflict,) = body["conflicts"]
    assert (conflict["stored"], conflict["yours"], conflict["by"]) == ("12.345,5", "999", "ani")
    assert body["current"][0]["quarters"]["3"] == "12345.5"
    assert LineQuarter.objects.get(line__code="2", line__budget__year=2025, quarter=3).realisation == Decimal("12345.5")
    again = budi.post(url, {"lines": [{"code": "2", "realisation": "999", "version": body["current"][0]["version"]}]})
    assert again.status_code == 200, again.content
    assert LineQuarter.objects.get(line__code="2", line__budget__year=2025, quarter=3).realisation == Decimal(999)


def test_the_openapi_document_explains_the_version(two: tuple[Api, Api]) -> None:
    ani, _budi = two
    schema = ani.get("/api/openapi.json").json()
    text = str(schema)
    assert "428" in text and "version" in schema["components"]["schemas"]["RealisationIn"]["properties"]
    assert "GET …/realisations" in schema["components"]["schemas"]["RealisationIn"]["properties"]["version"][
        "description"
    ]
