"""Quarter targets through the API: read with versions, write all or nothing, 428 / 409 / 422, the lock.

The example office (docs/examples/contoh-kecamatan.yaml), 2025: S1.2 cumulative 250 / 550 /
850 / 1.100 (year target 1.100), S1.3 qualitative (BB), S1.1 per quarter 1,5 each.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from sakip.accounts.models import Membership, Office, Regency, Role
from sakip.api.models import ApiToken
from sakip.core.interchange import import_office
from sakip.domain import workflow as wf
from sakip.monitoring.models import Quarter
from sakip.workflow.models import PeriodState
from tests.web.pages_support import example_doc

from .conftest import Api

pytestmark = pytest.mark.django_db

D = Decimal
READ = "/api/v1/offices/contoh/years/2025/quarter-targets"
WRITE = "/api/v1/offices/contoh/years/2025/pk/quarter-targets"


@pytest.fixture
def office(db: None) -> Office:
    regency = Regency.objects.create(code="uji", name="Kabupaten Uji", province="Jawa Tengah")
    return import_office(example_doc(), regency)


def client(office: Office, role: Role) -> Api:
    user = get_user_model().objects.create(username=f"user-{role}")
    Membership.objects.create(user=user, regency=office.regency, office=office if role != Role.VERIFIER else None,
                              role=role)
    return Api(ApiToken.issue(user, "uji")[1])


def rows(api: Api) -> dict[str, dict[str, Any]]:
    r = api.get(READ)
    assert r.status_code == 200, r.content
    return {item["indicator"]: item for item in r.json()["items"]}


def stored(code: str) -> dict[int, Any]:
    out: dict[int, Any] = {}
    for q in Quarter.objects.filter(indicator_year__indicator__code=code, indicator_year__year=2025):
        if q.target_grade or q.target is not None:
            out[q.quarter] = q.target_grade or q.target
    return out


def test_read_gives_every_pk_indicator_with_exact_text_and_a_version(office: Office) -> None:
    items = rows(client(office, Role.OPERATOR))
    assert set(items) == {"T1.1", "S1.1", "S1.2", "S1.3"}  # the PK in force
    s12 = items["S1.2"]
    assert s12["quarters"] == {"1": "250", "2": "550", "3": "850", "4": "1100"}
    assert s12["cumulative"] is True and s12["target"] == "1100" and s12["warnings"] == []
    assert items["S1.1"]["quarters"] == {"1": "1.5", "2": "1.5", "3": "1.5", "4": "1.5"}
    assert items["S1.3"]["quarters"] == {"1": None, "2": None, "3": None, "4": None}
    assert len(s12["version"]) == 16 and s12["version"] != items["S1.1"]["version"]


def test_write_then_read_back(office: Office) -> None:
    api = client(office, Role.OPERATOR)
    items = rows(api)
    body = {"rows": [
        {"indicator": "S1.2", "version": items["S1.2"]["version"], "cumulative": True,
         "quarters": {"1": "275", "2": "550", "3": "825.5", "4": "1100"}},
        {"indicator": "S1.3", "version": items["S1.3"]["version"], "cumulative": True,
         "quarters": {"1": "b", "2": "B", "3": "BB", "4": "BB"}},
    ]}
    r = api.post(WRITE, body)
    assert r.status_code == 200, r.content
    saved = {i["indicator"]: i for i in r.json()["items"]}
    assert saved["S1.2"]["quarters"] == {"1": "275", "2": "550", "3": "825.5", "4": "1100"}
    assert saved["S1.3"]["quarters"] == {"1": "B", "2": "B", "3": "BB", "4": "BB"}
    assert stored("S1.2") == {1: D(275), 2: D(550), 3: D("825.5"), 4: D(1100)}
    assert stored("S1.3") == {1: "B", 2: "B", 3: "BB", 4: "BB"}
    assert saved["S1.2"]["version"] != items["S1.2"]["version"]
    assert rows(api)["S1.2"]["version"] == saved["S1.2"]["version"]
    # the same request again: its versions are stale now
    again = api.post(WRITE, body)
    assert again.status_code == 409
    conflict = again.json()
    assert {c["indicator"] for c in conflict["conflicts"]} == {"S1.2", "S1.3"}
    assert {c["indicator"]: c["version"] for c in conflict["current"]}["S1.2"] == saved["S1.2"]["version"]


def test_a_warning_is_returned_not_refused(office: Office) -> None:
    api = client(office, Role.OPERATOR)
    version = rows(api)["S1.2"]["version"]
    r = api.post(WRITE, {"rows": [{"indicator": "S1.2", "version": version,
                                   "quarters": {"1": "110", "2": "275", "3": "550", "4": "935"}}]})
    assert r.status_code == 200, r.content
    (item,) = r.json()["items"]
    assert item["cumulative"] is True  # kept: not sent
    assert item["warnings"] == ["target s.d. TW IV (935) tidak sama dengan target tahunan (1.100)"]


@pytest.mark.parametrize(
    ("row", "where", "message"),
    [
        ({"indicator": "S1.2", "quarters": {"1": "300", "2": "250"}}, "S1.2", "tidak boleh turun"),
        ({"indicator": "S1.2", "quarters": {"1": "12,5"}}, "S1.2", "quarters.1: tidak dapat membaca '12,5'"),
        ({"indicator": "S1.3", "quarters": {"1": "ZZ"}}, "S1.3", "bukan predikat yang sah"),
        ({"indicator": "S1.2", "quarters": {"5": "1"}}, "S1.2", "tidak dikenal"),
        ({"indicator": "S1.4", "quarters": {"1": "3"}}, "rows[0]", "tidak ada dalam PK"),
    ],
)
def test_bad_rows_store_nothing(office: Office, row: dict[str, Any], where: str, message: str) -> None:
    api = client(office, Role.OPERATOR)
    versions = {k: v["version"] for k, v in rows(api).items()}
    good = {"indicator": "S1.1", "version": versions["S1.1"], "quarters": {"1": "1", "2": "1", "3": "1", "4": "1"}}
    r = api.post(WRITE, {"rows": [{**row, "version": versions.get(row["indicator"], "x")}, good]})
    assert r.status_code == 422, r.content
    errors = r.json()["errors"]
    assert list(errors) == [where] and any(message in m for m in errors[where]), errors
    assert stored("S1.1") == dict.fromkeys((1, 2, 3, 4), D("1.5"))
    assert stored("S1.2") == {1: D(250), 2: D(550), 3: D(850), 4: D(1100)}


def test_no_version_is_428_and_a_json_number_is_refused(office: Office) -> None:
    api = client(office, Role.OPERATOR)
    r = api.post(WRITE, {"rows": [{"indicator": "S1.2", "quarters": {"1": "250"}}]})
    assert r.status_code == 428
    version = rows(api)["S1.2"]["version"]
    r = api.post(WRITE, {"rows": [{"indicator": "S1.2", "version": version, "quarters": {"1": 250}}]})
    assert r.status_code == 422


def test_the_lock(office: Office) -> None:
    api = client(office, Role.OPERATOR)
    versions = {k: v["version"] for k, v in rows(api).items()}
    PeriodState.objects.create(office=office, year=2025, step="quarter", quarter=1, state=wf.State.SUBMITTED.value)
    # a frozen quarter's target cannot change; the open quarters can
    r = api.post(WRITE, {"rows": [{"indicator": "S1.2", "version": versions["S1.2"],
                                   "quarters": {"1": "260", "2": "550", "3": "850", "4": "1100"}}]})
    assert r.status_code == 409 and "TW I" in r.json()["detail"]
    assert stored("S1.2")[1] == D(250)
    r = api.post(WRITE, {"rows": [{"indicator": "S1.2", "version": versions["S1.2"],
                                   "quarters": {"1": "250", "2": "560", "3": "850", "4": "1100"}}]})
    assert r.status_code == 200, r.content
    # a frozen PK refuses every write
    PeriodState.objects.create(office=office, year=2025, step="pk", state=wf.State.APPROVED.value)
    version = rows(api)["S1.2"]["version"]
    r = api.post(WRITE, {"rows": [{"indicator": "S1.2", "version": version,
                                   "quarters": {"1": "250", "2": "570", "3": "850", "4": "1100"}}]})
    assert r.status_code == 409 and "dikunci" in r.json()["detail"]
    assert stored("S1.2")[2] == D(560)


def test_who_may_write(office: Office) -> None:
    verifier = client(office, Role.VERIFIER)
    assert verifier.get(READ).status_code == 200
    assert verifier.post(WRITE, {"rows": []}).status_code == 403
