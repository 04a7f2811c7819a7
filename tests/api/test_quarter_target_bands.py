"""An in-range indicator's quarter bands through the API: ``{"low", "high"}`` read and written, the checks."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sakip.accounts.models import Office, Role
from sakip.agreements.models import PkTarget, PkVersion
from sakip.domain import workflow as wf
from sakip.monitoring.models import Quarter
from sakip.planning.models import Indicator
from sakip.workflow.models import PeriodState

from .test_quarter_targets import READ, WRITE, client, office, rows

__all__ = ["office"]  # the fixture, imported
pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def in_pk(office: Office) -> Office:
    """S1.4 (in range, year band 2 – 4) in the PK in force."""
    version = PkVersion.objects.filter(office=office, year=2025).order_by("-number").first()
    assert version is not None
    s14 = Indicator.objects.get(plan__office=office, code="S1.4")
    PkTarget.objects.create(version=version, indicator=s14, low=D(2), high=D(4), order=99)
    return office


def bands() -> dict[int, tuple[Decimal, Decimal]]:
    return {
        q.quarter: (q.target_low, q.target_high)
        for q in Quarter.objects.filter(indicator_year__indicator__code="S1.4", indicator_year__year=2025)
        if q.target_low is not None
    }


def test_bands_are_written_and_read_back_as_low_and_high(in_pk: Office) -> None:
    api = client(in_pk, Role.OPERATOR)
    item = rows(api)["S1.4"]
    assert item["target"] == {"low": "2", "high": "4"} and item["quarters"] == dict.fromkeys("1234")
    body = {"rows": [{"indicator": "S1.4", "version": item["version"], "quarters": {
        "1": {"low": "1", "high": "2"}, "2": {"low": 1.5, "high": "3"}, "4": {"low": "2", "high": "4"},
    }}]}
    r = api.post(WRITE, body)
    assert r.status_code == 200, r.content
    assert bands() == {1: (D(1), D(2)), 2: (D("1.5"), D(3)), 4: (D(2), D(4))}
    again = rows(api)["S1.4"]
    assert again["quarters"] == {"1": {"low": "1", "high": "2"}, "2": {"low": "1.5", "high": "3"}, "3": None,
                                 "4": {"low": "2", "high": "4"}}
    assert again["version"] != item["version"] and again["warnings"] == []
    # the targets to date (the one rule): TW II's own band, TW III the year's
    targets = api.get("/api/v1/offices/contoh/years/2025/targets").json()["items"]
    s14 = next(t for t in targets if t["indicator"] == "S1.4")
    to_date = {q["quarter"]: q["target_to_date"] for q in s14["quarters"]}
    assert to_date[2] == {"low": "1.5", "high": "3"} and to_date[3] == {"low": "2", "high": "4"}


@pytest.mark.parametrize(
    ("given", "words"),
    [
        ("2", "target indikator rentang berupa"),
        ({"low": "3"}, "target indikator rentang berupa"),
        ({"low": "4", "high": "2"}, "batas bawah lebih besar dari batas atas"),
        ({"low": "1,5", "high": "2"}, "rows[0].quarters.1.low"),
    ],
)
def test_a_bad_band_is_422_and_nothing_is_stored(in_pk: Office, given: object, words: str) -> None:
    api = client(in_pk, Role.OPERATOR)
    version = rows(api)["S1.4"]["version"]
    r = api.post(WRITE, {"rows": [{"indicator": "S1.4", "version": version, "quarters": {"1": given}}]})
    assert r.status_code == 422, r.content
    assert words in str(r.json()["errors"]["S1.4"])
    assert bands() == {}


def test_a_band_for_a_numeric_indicator_is_422(in_pk: Office) -> None:
    api = client(in_pk, Role.OPERATOR)
    version = rows(api)["T1.1"]["version"]
    r = api.post(WRITE, {"rows": [{"indicator": "T1.1", "version": version, "quarters": {"1": {"low": 1, "high": 2}}}]})
    assert r.status_code == 422 and "hanya untuk indikator rentang" in str(r.json()["errors"]["T1.1"])


def test_a_frozen_quarters_band_is_409(in_pk: Office) -> None:
    api = client(in_pk, Role.OPERATOR)
    version = rows(api)["S1.4"]["version"]
    r = api.post(WRITE, {"rows": [{"indicator": "S1.4", "version": version, "quarters": {"1": {"low": 1, "high": 2}}}]})
    assert r.status_code == 200
    PeriodState.objects.create(office=in_pk, year=2025, step="quarter", quarter=1, state=wf.State.SUBMITTED.value)
    version = rows(api)["S1.4"]["version"]
    r = api.post(WRITE, {"rows": [{"indicator": "S1.4", "version": version, "quarters": {"1": {"low": 1, "high": 3}}}]})
    assert r.status_code == 409 and bands() == {1: (D(1), D(2))}
    assert api.get(READ).status_code == 200
