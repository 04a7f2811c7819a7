"""The API's figures, writes, locks, pagination, tokens and query counts (on generated offices)."""

from __future__ import annotations

import hashlib
import re
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from sakip.accounts.models import Membership, Office, Role
from sakip.api.models import ApiToken
from sakip.core.generate import Size, generate_regency, office_document
from sakip.monitoring.models import Quarter
from sakip.workflow.models import PeriodState

from .conftest import Api

SIZE = Size(offices=2, indicators=4, years=2, start=2024)
BASE = "/api/v1/offices/opd-001/years/2025"


@pytest.fixture
def uji(db: None) -> dict[str, Api]:
    """A generated regency; API clients of its admin and of an operator of each office."""
    regency = generate_regency("uji", SIZE, password="x")
    User = get_user_model()
    clients = {"admin": Api(ApiToken.issue(User.objects.get(username="uji-admin"), "t")[1])}
    for code in ("opd-001", "opd-002"):
        user = User.objects.create(username=f"operator-{code}")
        Membership.objects.create(
            user=user, regency=regency, office=Office.objects.get(regency=regency, code=code), role=Role.OPERATOR
        )
        clients[code] = Api(ApiToken.issue(user, "t")[1])
    return clients


def _year_doc() -> tuple[dict[str, Any], dict[str, Any]]:
    doc = office_document(1, SIZE)
    return doc, next(d for d in doc["years"] if d["year"] == 2025)


def _stored(indicator: str, quarter: int) -> Decimal | None:
    q = Quarter.objects.filter(
        indicator_year__indicator__plan__office__code="opd-001",
        indicator_year__year=2025,
        indicator_year__indicator__code=indicator,
        quarter=quarter,
    ).first()
    return q.value if q else None


def versioned(api: Api, quarter: int, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The rows with each one's version for the quarter, as read from GET …/realisations (a write requires it)."""
    items = {i["indicator"]: i for i in api.get(f"{BASE}/realisations").json()["items"]}
    return {"rows": [{**r, "version": items.get(r["indicator"], {}).get("versions", {}).get(str(quarter), "-/-")}
                     for r in rows]}


def versioned_lines(api: Api, lines: list[dict[str, Any]]) -> dict[str, Any]:
    """The budget lines with each one's version, as read from GET …/budget."""
    items = {i["code"]: i for i in api.get(f"{BASE}/budget").json()["items"]}
    return {"lines": [{**li, "version": items.get(li["code"], {}).get("version", "-")} for li in lines]}


def test_achievements_are_exact_decimal_strings_computed_independently(uji: dict[str, Api]) -> None:
    body = uji["admin"].get(f"{BASE}/achievements").json()
    doc, y = _year_doc()
    polarity = {i["id"]: i["polarity"] for o in doc["plan"]["objectives"] for i in o["indicators"]}
    values = []
    for item in body["items"]:
        target = y["performance_agreement"][0]["targets"][item["id"]]
        real = y["indicators"][item["id"]]["quarters"]["4"]
        expected = (
            real / target * 100 if polarity[item["id"]] == "higher_is_better" else (2 * target - real) / target * 100
        )
        expected = max(expected, Decimal(0))
        assert isinstance(item["achievement"]["value"], str)
        assert round(Decimal(item["achievement"]["value"]), 20) == round(expected, 20), item["id"]
        assert item["realisation"] == str(real)
        values.append(expected)
    office = Decimal(body["office_achievement"]["achievement"])
    assert round(office, 20) == round(sum(values, Decimal(0)) / len(values), 20)


def test_write_realisations_then_read_them_back(uji: dict[str, Api]) -> None:
    response = uji["opd-001"].post(
        f"{BASE}/quarters/2/realisations",
        versioned(uji["opd-001"], 2, [{"indicator": "S1.1", "value": "77.25", "explanation": "uji"}]),
    )
    assert response.status_code == 200, response.content
    assert response.json()["saved"] == 1
    assert _stored("S1.1", 2) == Decimal("77.25")
    items = uji["admin"].get(f"{BASE}/realisations").json()["items"]
    s11 = next(i for i in items if i["indicator"] == "S1.1")
    assert next(q for q in s11["quarters"] if q["quarter"] == 2)["value"] == "77.25"
    # the explanation is TW II's own: TW I carries none, and the scorecard as of TW II shows it
    assert next(q for q in s11["quarters"] if q["quarter"] == 2)["explanation"] == "uji"
    assert next(q for q in s11["quarters"] if q["quarter"] == 1)["explanation"] == ""
    as_of = uji["admin"].get(f"{BASE}/realisations?quarter=2").json()["items"]
    assert next(i for i in as_of if i["indicator"] == "S1.1")["explanation"] == "uji"
    as_of_1 = uji["admin"].get(f"{BASE}/realisations?quarter=1").json()["items"]
    assert next(i for i in as_of_1 if i["indicator"] == "S1.1")["explanation"] is None


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"indicator": "S1.1", "value": "77,25"}, "format internasional"),
        ({"indicator": "S1.1", "value": "NaN"}, "bukan bilangan terhingga"),
        ({"indicator": "S1.1", "value": "1e309"}, "eksponen"),
        ({"indicator": "S1.1", "value": "9" * 400}, "terlalu banyak digit"),
        ({"indicator": "S1.1", "value": True}, "harus angka JSON"),
        ({"indicator": "S1.1", "value": [1]}, "harus angka JSON"),
        ({"indicator": "X9.9", "value": "1"}, "tidak ada dalam PK"),
        ({"indicator": "S1.1", "value": "1"}, "jelaskan penyebab"),  # TW IV far below target, no explanation
    ],
)
def test_bad_rows_store_nothing(row: dict[str, Any], message: str, uji: dict[str, Api]) -> None:
    before = (_stored("S1.1", 4), _stored("S1.2", 4))
    rows = [{"indicator": "S1.2", "value": "99", "explanation": "baris yang sah"}, row]
    response = uji["opd-001"].post(f"{BASE}/quarters/4/realisations", versioned(uji["opd-001"], 4, rows))
    assert response.status_code == 422, response.content
    assert message in str(response.json())
    assert (_stored("S1.1", 4), _stored("S1.2", 4)) == before


def test_peringatan_stores_the_row_and_answers_the_warning(uji: dict[str, Api]) -> None:
    from sakip.accounts.models import YearSetting

    YearSetting.objects.filter(regency__code="uji").update(explanation_rule="peringatan")
    if not YearSetting.objects.filter(regency__code="uji").exists():
        YearSetting.objects.create(regency=Office.objects.get(code="opd-001").regency, year=2025,
                                   explanation_rule="peringatan")
    rows = [{"indicator": "S1.1", "value": "1"}]  # TW IV far below target, no explanation
    response = uji["opd-001"].post(f"{BASE}/quarters/4/realisations", versioned(uji["opd-001"], 4, rows))
    assert response.status_code == 200, response.content
    assert response.json()["warnings"] == {"S1.1": [
        "Capaian di bawah target dan penyebab serta solusinya belum dijelaskan. Data tetap disimpan; lengkapi "
        "penjelasannya."
    ]}
    assert _stored("S1.1", 4) == Decimal(1)


def test_a_json_number_is_read_exactly(uji: dict[str, Api]) -> None:
    body = versioned(uji["opd-001"], 2, [{"indicator": "S1.1", "value": 77.123456, "explanation": "uji"}])
    response = uji["opd-001"].post(f"{BASE}/quarters/2/realisations", body)
    assert response.status_code == 200, response.content
    assert _stored("S1.1", 2) == Decimal("77.123456")  # not the binary float's 77.12345599999999...


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ('{"rows": [{"indicator": "S1.1", "version": "-/-", "value": NaN}]}', "bukan bilangan terhingga"),
        ('{"rows": [{"indicator": "S1.1", "version": "-/-", "value": -Infinity}]}', "bukan bilangan terhingga"),
        ('{"rows": [{"indicator": "S1.1", "version": "-/-", "value": 1e309}]}', "terlalu banyak digit"),
        ('{"rows": [{"indicator": "S1.1", "version": "-/-", "value": ' + "9" * 5000 + "}]}", "terlalu banyak digit"),
        ('{"rows": [{"indicator": "S1.1", "version": "-/-", "value": 0.1234567}]}', "desimal"),
    ],
)
def test_hostile_json_numbers_are_refused_with_the_number_rule(raw: str, message: str, uji: dict[str, Api]) -> None:
    before = _stored("S1.1", 2)
    response = uji["opd-001"].client.post(
        f"{BASE}/quarters/2/realisations", raw, content_type="application/json", headers=uji["opd-001"].headers
    )
    assert response.status_code == 422, response.content
    body = response.json()
    assert set(body) == {"detail", "errors"} and message in str(body["errors"])
    assert _stored("S1.1", 2) == before


@pytest.mark.parametrize("raw", ["{not json", "[" * 100_000 + "]" * 100_000, b"\xff\xfe{", '{"rows": [}'])
def test_a_body_that_is_not_json_is_a_400_problems_answer(raw: str | bytes, uji: dict[str, Api]) -> None:
    response = uji["opd-001"].client.post(
        f"{BASE}/quarters/2/realisations", raw, content_type="application/json", headers=uji["opd-001"].headers
    )
    assert response.status_code == 400, response.content
    body = response.json()
    assert set(body) == {"detail", "errors"} and "JSON" in body["detail"] and body["errors"]["body"]


def test_a_body_that_does_not_fit_the_schema_is_a_problems_answer(uji: dict[str, Api]) -> None:
    response = uji["opd-001"].post(f"{BASE}/quarters/2/realisations", {"rows": [{"value": "1"}]})
    assert response.status_code == 422
    body = response.json()
    assert set(body) == {"detail", "errors"} and any("indicator" in k for k in body["errors"])


def test_negative_zero_is_stored_as_zero(uji: dict[str, Api]) -> None:
    response = uji["opd-001"].post(
        f"{BASE}/quarters/2/realisations",
        versioned(uji["opd-001"], 2, [{"indicator": "S1.1", "value": "-0", "explanation": "uji"}]),
    )
    assert response.status_code == 200, response.content
    stored = _stored("S1.1", 2)
    assert stored == 0 and stored is not None and not stored.is_signed()


def test_a_locked_quarter_refuses_writes(uji: dict[str, Api]) -> None:
    office = Office.objects.get(regency__code="uji", code="opd-001")
    PeriodState.objects.create(office=office, year=2025, step="quarter", quarter=2, state="approved")
    before = _stored("S1.1", 2)
    response = uji["opd-001"].post(f"{BASE}/quarters/2/realisations", {"rows": [{"indicator": "S1.1", "value": "1"}]})
    assert response.status_code == 409 and "dikunci" in response.json()["detail"]
    assert _stored("S1.1", 2) == before
    response = uji["opd-001"].post(f"{BASE}/quarters/2/budget", {"lines": [{"code": "1", "realisation": "5"}]})
    assert response.status_code == 409
    ok = uji["opd-001"].post(
        f"{BASE}/quarters/3/realisations",
        versioned(uji["opd-001"], 3, [{"indicator": "S1.1", "value": "80", "explanation": "x"}]),
    )
    assert ok.status_code == 200


def test_write_budget_realisation(uji: dict[str, Api]) -> None:
    api = uji["opd-001"]
    response = api.post(f"{BASE}/quarters/3/budget", versioned_lines(api, [{"code": "2", "realisation": "12345.5"}]))
    assert response.status_code == 200, response.content
    line = next(li for li in uji["admin"].get(f"{BASE}/budget").json()["items"] if li["code"] == "2")
    assert line["quarters"]["3"] == "12345.5"
    _doc, y = _year_doc()
    stated = next(li for li in y["budget"]["lines"] if li["code"] == "2")
    expected = sum((v for q, v in stated["quarters"].items() if q != "3"), Decimal("12345.5"))
    assert Decimal(line["realisation"]) == expected
    assert round(Decimal(line["absorption"]), 20) == round(expected / stated["allocation"] * 100, 20)
    bad = api.post(f"{BASE}/quarters/3/budget", versioned_lines(api, [{"code": "2", "realisation": "-1"}]))
    assert bad.status_code == 422 and "negatif" in str(bad.json())
    unknown = api.post(f"{BASE}/quarters/3/budget", versioned_lines(api, [{"code": "99", "realisation": "1"}]))
    assert unknown.status_code == 422


def test_another_offices_token_cannot_write(uji: dict[str, Api]) -> None:
    response = uji["opd-002"].post(f"{BASE}/quarters/2/realisations", {"rows": [{"indicator": "S1.1", "value": "1"}]})
    assert response.status_code == 403
    assert uji["opd-002"].get(f"{BASE}/achievements").status_code == 403


def test_pagination(uji: dict[str, Api]) -> None:
    everything = uji["admin"].get(f"{BASE}/targets").json()
    page = uji["admin"].get(f"{BASE}/targets", limit=2, offset=1).json()
    assert page["count"] == everything["count"] == SIZE.indicators
    assert [i["indicator"] for i in page["items"]] == [i["indicator"] for i in everything["items"]][1:3]
    assert uji["admin"].get(f"{BASE}/targets", limit=0).status_code == 422
    assert uji["admin"].get("/api/v1/offices", limit=1).json()["count"] == SIZE.offices


def test_token_page_shows_the_secret_once_and_stores_a_hash(db: None) -> None:
    regency = generate_regency("uji", Size(offices=1, indicators=2, years=1, start=2025), password="x")
    user = Membership.objects.get(regency=regency, role=Role.ADMIN).user
    client = Client()
    client.force_login(user)
    form = {"op": "create", "name": "aplikasi", "scope": "read", "office": "", "days": "90"}
    html = client.post("/akun/token/", form).content.decode()
    found = re.search(r"<pre>(sakip_[^<]+)</pre>", html)
    assert found is not None
    secret = found.group(1)
    token = ApiToken.objects.get(user=user)
    assert token.key_hash == hashlib.sha256(secret.encode()).hexdigest() and secret not in token.key_hash
    assert secret not in client.get("/akun/token/").content.decode()  # shown once
    assert Api(secret).get("/api/v1/offices").status_code == 200
    client.post("/akun/token/", {"op": "revoke", "id": token.pk})
    assert Api(secret).get("/api/v1/offices").status_code == 401


#: Queries of an API list once the figures are computed (token, membership, data generation, the list's own).
API_QUERIES = {"/api/v1/offices": 3, f"{BASE}/achievements": 3, f"{BASE}/budget": 3}  # token, user, generation


@pytest.mark.parametrize("url", list(API_QUERIES))
def test_api_queries_do_not_grow_with_the_data(url: str, db: None, django_assert_num_queries: Any) -> None:
    for offices in (2, 6):
        regency = generate_regency("uji", Size(offices=offices, indicators=4, years=2, start=2024), password="x")
        api = Api(ApiToken.issue(Membership.objects.get(regency=regency, role=Role.ADMIN).user, "q")[1])
        assert api.get(url).status_code == 200
        with django_assert_num_queries(API_QUERIES[url]):
            assert api.get(url).status_code == 200


def test_an_api_write_is_audited_under_the_tokens_user(uji: dict[str, Api]) -> None:
    from sakip.audit.models import AuditEntry

    response = uji["opd-001"].post(
        f"{BASE}/quarters/1/realisations",
        versioned(uji["opd-001"], 1, [{"indicator": "S1.1", "value": "70.5", "explanation": "uji audit"}]),
    )
    assert response.status_code == 200, response.content
    entry = AuditEntry.objects.filter(model="monitoring.Quarter").order_by("-id").first()
    assert entry is not None and entry.user_name == "operator-opd-001"
