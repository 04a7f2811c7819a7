"""Quiet logs (issue #14): an expected 403, 404 or 409 is one line — status, method, path, user, reason —
and no traceback; a 500 keeps its traceback. Real requests through the whole middleware stack."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from sakip.accounts.models import Office

from . import pages_support
from .demo_support import demo_once  # noqa: F401 — a fixture

media = pages_support.media
regency = pages_support.regency
office = pages_support.office
other_office = pages_support.other_office
other_operator = pages_support.other_operator


def _request_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "django.request"]


def _printed(record: logging.LogRecord) -> str:
    """The text the console handler prints for the record."""
    return logging.Formatter("%(levelname)s %(name)s %(message)s").format(record)


@pytest.mark.django_db
def test_a_403_is_one_line_with_user_and_reason(
    other_operator: Client, office: Office, caplog: pytest.LogCaptureFixture
) -> None:
    url = reverse("office-dashboard", args=[office.code])
    with caplog.at_level(logging.WARNING):
        assert other_operator.get(url).status_code == 403
    (record,) = _request_records(caplog)
    text = _printed(record)
    assert "\n" not in text and "Traceback" not in text and record.exc_info is None
    assert text.startswith(f"WARNING django.request 403 GET {url} user=operator-lain reason=")
    assert "Anda tidak berwenang untuk perangkat daerah ini" in text


@pytest.mark.django_db
def test_a_404_is_one_line(other_operator: Client, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        assert other_operator.get("/opd/tidak-ada/").status_code == 404
    (record,) = _request_records(caplog)
    text = _printed(record)
    assert "\n" not in text and record.exc_info is None
    assert " 404 GET /opd/tidak-ada/ user=operator-lain reason=" in text


@pytest.mark.django_db
def test_an_anonymous_404_names_no_user(client: Client, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        assert client.get("/tidak-ada-sama-sekali/").status_code == 404
    (record,) = _request_records(caplog)
    assert "404 GET /tidak-ada-sama-sekali/ user=- reason=" in _printed(record)


def test_a_409_of_a_locked_period_is_one_line_with_the_lock_message(
    demo_once: Any, db: None, caplog: pytest.LogCaptureFixture  # noqa: F811
) -> None:
    from tests.workflow.lock_support import YEAR, freeze_year

    freeze_year(demo_once.office_a)
    client = Client()
    client.force_login(demo_once.users["operator_a"])
    url = reverse("quarter-entry", args=[demo_once.office_a.code, YEAR, 1])
    with caplog.at_level(logging.WARNING):
        assert client.post(url, {}).status_code == 409
    (record,) = _request_records(caplog)
    text = _printed(record)
    assert "\n" not in text and record.exc_info is None
    assert f" 409 POST {url} user=operator-kaloran reason=" in text
    assert "dikunci" in text  # the lock message the page shows


def test_an_api_409_is_one_line_with_its_detail(
    demo_once: Any, db: None, caplog: pytest.LogCaptureFixture  # noqa: F811
) -> None:
    from sakip.api.models import ApiToken
    from tests.workflow.lock_support import YEAR, freeze_year

    freeze_year(demo_once.office_a)
    _token, secret = ApiToken.issue(demo_once.users["operator_a"], "uji")
    url = f"/api/v1/offices/{demo_once.office_a.code}/years/{YEAR}/quarters/1/realisations"
    with caplog.at_level(logging.WARNING):
        auth = {"Authorization": f"Bearer {secret}"}
        r = Client().post(url, {"rows": []}, content_type="application/json", headers=auth)
    assert r.status_code == 409, r.content
    (record,) = _request_records(caplog)
    text = _printed(record)
    assert "\n" not in text and f" 409 POST {url} user=operator-kaloran reason=" in text
    assert r.json()["detail"][:40] in text


@pytest.mark.django_db
@pytest.mark.urls("tests.web.quiet_logs_urls")
def test_a_500_keeps_its_traceback(caplog: pytest.LogCaptureFixture) -> None:
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.WARNING):
        assert client.get("/rusak/").status_code == 500
    (record,) = _request_records(caplog)
    assert record.levelno == logging.ERROR and record.exc_info is not None
    text = logging.Formatter().format(record)
    assert "Traceback" in text and "a bug, not a refusal" in text
