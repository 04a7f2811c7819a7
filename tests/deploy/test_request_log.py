"""One JSON line per request (sakip.core.jsonlog): who, which office, what, how long, how many queries."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from django.test import Client

from sakip.accounts.models import Office

LOGGER = "sakip.log.request"


def _lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, Any]]:
    return [json.loads(r.getMessage()) for r in caplog.records if r.name == LOGGER]


def test_a_page_is_one_json_line(operator: Client, office: Office, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("INFO", logger=LOGGER)
    response = operator.get(f"/opd/{office.code}/")
    assert response.status_code == 200
    [entry] = _lines(caplog)
    assert entry["event"] == "request"
    assert entry["method"] == "GET" and entry["path"] == f"/opd/{office.code}/" and entry["status"] == 200
    assert entry["user"] == "operator-contoh"
    assert entry["office"] == office.code
    assert entry["ip"] == "127.0.0.1"
    assert entry["queries"] > 0  # the session, the user, the office's data
    assert 0 < entry["duration_ms"] < 60_000
    assert entry["ts"].endswith("Z")


def test_a_refusal_keeps_its_quiet_line_and_has_its_reason(
    other_operator: Client, office: Office, caplog: pytest.LogCaptureFixture
) -> None:
    """Another office's page: the JSON line says 403 and why; django.request still writes its one line."""
    caplog.set_level("WARNING", logger="django.request")
    caplog.set_level("INFO", logger=LOGGER)  # last: the capturing handler takes the level set last
    response = other_operator.get(f"/opd/{office.code}/")
    assert response.status_code == 403
    [entry] = _lines(caplog)
    assert entry["status"] == 403 and entry["user"] == "operator-lain" and entry["office"] == office.code
    assert entry["reason"]
    refusals = [r for r in caplog.records if r.name == "django.request"]
    assert len(refusals) == 1
    assert refusals[0].getMessage().startswith(f"403 GET /opd/{office.code}/ user=operator-lain reason=")
    assert refusals[0].exc_info is None


@pytest.mark.django_db
def test_anonymous_request_and_forwarded_address(settings: Any, caplog: pytest.LogCaptureFixture) -> None:
    """X-Forwarded-For is believed only from SAKIP_TRUSTED_PROXIES; no user is loaded just to log it."""
    settings.SAKIP_TRUSTED_PROXIES = ["127.0.0.1"]
    caplog.set_level("INFO", logger=LOGGER)
    Client(HTTP_X_FORWARDED_FOR="198.51.100.7").get("/login/")
    Client(REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="198.51.100.7").get("/login/")
    first, second = _lines(caplog)
    assert first["ip"] == "198.51.100.7" and first["user"] is None and first["status"] == 200
    assert second["ip"] == "203.0.113.5"


@pytest.mark.django_db
def test_off_costs_nothing(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("WARNING", logger=LOGGER)
    assert not logging.getLogger(LOGGER).isEnabledFor(logging.INFO)
    Client().get("/login/")
    assert _lines(caplog) == []


def test_probes_are_not_logged(db: None, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("INFO", logger=LOGGER)
    Client().get("/healthz")
    Client().get("/readyz")
    assert _lines(caplog) == []
