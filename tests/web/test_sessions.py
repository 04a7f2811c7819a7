"""Sessions end after inactivity (SAKIP_SESSION_IDLE_MINUTES): a stamp in the session renewed at most every few
minutes, so a busy user's session is not written on every page (sakip.accounts.sessions)."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sakip.accounts import sessions

from .demo_support import Demo

pytestmark = pytest.mark.django_db

PAGE = "/opd/kaloran/"


class Clock:
    """``time.time`` as the session guard reads it, moved on by the test."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        import types

        self.skew = 0.0
        monkeypatch.setattr(sessions, "time", types.SimpleNamespace(time=lambda: time.time() + self.skew))

    def later(self, seconds: float) -> None:
        self.skew += seconds


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return Clock(monkeypatch)


def signed_in(demo: Demo) -> Client:
    client = Client()
    assert client.post("/login/", {"username": "operator-kaloran", "password": demo.password}).status_code == 302
    return client


def session_writes(client: Client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(PAGE).status_code == 200
    return len([q for q in ctx.captured_queries if q["sql"].startswith("UPDATE") and "django_session" in q["sql"]])


def test_a_session_ends_after_the_idle_time_and_the_sign_in_page_says_why(demo: Demo, clock: Clock) -> None:
    client = signed_in(demo)
    assert client.get(PAGE).status_code == 200
    clock.later(settings.SAKIP_SESSION_IDLE_MINUTES * 60 + 1)
    response = client.get(PAGE)
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    page = client.get(response["Location"]).content.decode()
    assert "Sesi Anda telah berakhir" in page
    assert client.get(PAGE).status_code == 302  # the session row is gone: signing in again is needed
    assert not Session.objects.exists()


def test_activity_keeps_the_session_and_renews_it_at_most_every_few_minutes(demo: Demo, clock: Clock) -> None:
    client = signed_in(demo)
    client.get(PAGE)
    assert session_writes(client) == 0  # the stamp was set at sign-in
    step = sessions.refresh_seconds()
    clock.later(step - 5)
    assert session_writes(client) == 0
    clock.later(10)
    assert session_writes(client) == 1  # renewed: the stamp and the row's expiry move on
    assert session_writes(client) == 0
    # steady activity for twice the idle time never signs the user out
    for _i in range(2 * settings.SAKIP_SESSION_IDLE_MINUTES * 60 // step):
        clock.later(step)
        assert client.get(PAGE).status_code == 200


def test_the_database_expiry_follows_the_idle_time(demo: Demo) -> None:
    client = signed_in(demo)
    row = Session.objects.get()
    left = (row.expire_date.timestamp() - time.time()) / 60
    assert settings.SAKIP_SESSION_IDLE_MINUTES - 1 < left <= settings.SAKIP_SESSION_IDLE_MINUTES
    assert client.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == settings.SAKIP_SESSION_IDLE_MINUTES * 60


def test_a_session_expired_in_the_database_says_so_on_the_sign_in_page(demo: Demo) -> None:
    client = signed_in(demo)
    Session.objects.all().delete()  # as the database's expiry does
    response = client.get(PAGE)
    assert response.status_code == 302
    assert "Sesi Anda telah berakhir" in client.get(response["Location"]).content.decode()
    assert "Sesi Anda telah berakhir" not in Client().get("/login/").content.decode()  # not for a new visitor


def test_signing_out_is_not_reported_as_an_ended_session(demo: Demo) -> None:
    client = signed_in(demo)
    response = client.post(reverse("logout"))
    assert "Sesi Anda telah berakhir" not in client.get(response["Location"]).content.decode()


def test_the_idle_time_is_a_setting(demo: Demo, clock: Clock, settings: Any) -> None:
    settings.SAKIP_SESSION_IDLE_MINUTES = 10
    client = signed_in(demo)
    clock.later(9 * 60)
    assert client.get(PAGE).status_code == 200
    clock.later(10 * 60)
    assert client.get(PAGE).status_code == 302
