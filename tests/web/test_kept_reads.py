"""What the pages keep between requests never outlives a change: sessions, users, memberships,
API tokens, and the CSRF token inside the kept dashboard panels (sakip.accounts.fast,
sakip.regency.figures.kept, sakip.core.fragments)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sakip.accounts.models import Membership, Office, Regency, Role
from sakip.api.models import ApiToken
from sakip.core.fragments import CSRF_PLACEHOLDER
from sakip.core.generate import Size, generate_regency

pytestmark = pytest.mark.django_db

URL = "/opd/opd-001/?tahun=2025"


@pytest.fixture
def regency() -> Regency:
    return generate_regency("uji", Size(offices=2, indicators=2, years=2, start=2024), password="x")


def _user(regency: Regency, role: str, office: str | None = None, name: str = "") -> Membership:
    user = get_user_model().objects.create_user(f"{role}-{office or 'pemda'}{name}", password="rahasia-panjang-2026")
    return Membership.objects.create(
        user=user,
        regency=regency,
        role=role,
        office=Office.objects.get(regency=regency, code=office) if office else None,
    )


def _signed_in(m: Membership, enforce_csrf_checks: bool = False) -> Client:
    client = Client(enforce_csrf_checks=enforce_csrf_checks)
    client.force_login(m.user)
    return client


def test_a_signed_out_session_cookie_no_longer_opens_pages(regency: Regency) -> None:
    client = _signed_in(_user(regency, Role.ADMIN))
    assert client.get(URL).status_code == 200
    cookie = client.cookies["sessionid"].value
    client.logout()
    replay = Client()
    replay.cookies["sessionid"] = cookie
    response = replay.get(URL)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_an_expired_session_no_longer_opens_pages(regency: Regency) -> None:
    client = _signed_in(_user(regency, Role.ADMIN))
    assert client.get(URL).status_code == 200
    Session.objects.filter(session_key=client.cookies["sessionid"].value).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    assert client.get(URL).status_code == 302


def test_a_deactivated_user_is_signed_out_at_the_next_page(regency: Regency) -> None:
    m = _user(regency, Role.ADMIN)
    client = _signed_in(m)
    assert client.get(URL).status_code == 200
    m.user.is_active = False
    m.user.save()
    assert client.get(URL).status_code == 302


def test_a_changed_membership_applies_at_the_next_page(regency: Regency) -> None:
    m = _user(regency, Role.OPERATOR, "opd-001")
    client = _signed_in(m)
    assert client.get(URL).status_code == 200
    assert client.get(URL).status_code == 200  # kept for the data generation now
    m.office = Office.objects.get(regency=regency, code="opd-002")
    m.save()
    assert client.get(URL).status_code == 403
    assert client.get("/opd/opd-002/?tahun=2025").status_code == 200
    m.delete()  # signed in without a role: no office is theirs to see
    assert client.get("/opd/opd-002/?tahun=2025").status_code == 404


def test_the_user_on_the_page_is_read_as_the_orm_reads_it(regency: Regency) -> None:
    m = _user(regency, Role.ADMIN)
    m.user.first_name, m.user.last_name = "Siti", "Aminah"
    m.user.save()
    html = _signed_in(m).get(URL).content.decode()
    assert "Siti Aminah" in html


def test_an_api_token_of_a_deactivated_user_is_refused(regency: Regency) -> None:
    m = _user(regency, Role.ADMIN)
    _token, secret = ApiToken.issue(m.user, "uji")
    client = Client()
    url = "/api/v1/offices/opd-001/years/2025/achievements"
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get(url, headers=headers).status_code == 200
    assert client.get(url, headers={"Authorization": f"Bearer {secret}x"}).status_code == 401
    m.user.is_active = False
    m.user.save()
    assert client.get(url, headers=headers).status_code == 401


def _panel_tokens(html: str) -> list[str]:
    return re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html.split('data-testid="workflow-panel"', 1)[1])


def test_the_kept_panels_carry_each_requests_own_csrf_token(regency: Regency) -> None:
    head = _signed_in(_user(regency, Role.HEAD, "opd-001"), enforce_csrf_checks=True)
    other = _signed_in(_user(regency, Role.HEAD, "opd-001", "-2"), enforce_csrf_checks=True)
    first = head.get(URL).content.decode()
    head.get(URL)  # the panels are kept now
    html = head.get(URL).content.decode()
    theirs = other.get(URL).content.decode()
    for page in (first, html, theirs):
        assert CSRF_PLACEHOLDER not in page
        assert 'data-transition="submit"' in page
    mine, not_mine = _panel_tokens(html)[0], _panel_tokens(theirs)[0]
    action = re.search(r'<form method="post" action="([^"]+)" class="workflow-action" data-transition="submit"', html)
    assert action is not None
    form = {"step": "annual", "quarter": "", "next": URL, "confirm": "1"}
    # another user's token (from the same kept panels) is refused; the page's own token is accepted
    assert head.post(action.group(1), {**form, "csrfmiddlewaretoken": not_mine}).status_code == 403
    response = head.post(action.group(1), {**form, "csrfmiddlewaretoken": mine})
    assert response.status_code == 302
    assert 'data-state="submitted"' in head.get(URL).content.decode()


def test_a_page_reads_the_data_generation_once(regency: Regency) -> None:
    client = _signed_in(_user(regency, Role.ADMIN))
    client.get(URL)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(URL).status_code == 200
    reads = [q["sql"] for q in ctx.captured_queries if "regency_datageneration" in q["sql"]]
    assert len(reads) == 1


def test_a_kept_page_or_api_answer_is_never_handed_to_a_user_without_the_right(regency: Regency) -> None:
    admin = _user(regency, Role.ADMIN)
    other = _user(regency, Role.OPERATOR, "opd-002")
    api_url = "/api/v1/offices/opd-001/years/2025/achievements"
    _t, admin_secret = ApiToken.issue(admin.user, "uji")
    _t, other_secret = ApiToken.issue(other.user, "uji")
    client = _signed_in(admin)
    for _ in range(2):  # kept after the first
        assert client.get(URL).status_code == 200
        assert client.get("/pemda/?tahun=2025").status_code == 200
        assert Client().get(api_url, headers={"Authorization": f"Bearer {admin_secret}"}).status_code == 200
    theirs = _signed_in(other)
    assert theirs.get(URL).status_code == 403
    assert theirs.get("/pemda/?tahun=2025").status_code == 403
    assert Client().get(api_url, headers={"Authorization": f"Bearer {other_secret}"}).status_code == 403


def test_a_kept_api_answer_follows_a_write(regency: Regency) -> None:
    from sakip.monitoring.models import Quarter

    admin = _user(regency, Role.ADMIN)
    _t, secret = ApiToken.issue(admin.user, "uji")
    client = Client(headers={"Authorization": f"Bearer {secret}"})
    url = "/api/v1/offices/opd-001/years/2025/realisations"
    before = client.get(url).json()
    assert client.get(url).json() == before  # kept: the same answer
    quarter = (
        Quarter.objects.filter(
            indicator_year__indicator__plan__office__code="opd-001", indicator_year__year=2025, quarter=1
        )
        .exclude(value=None)
        .first()
    )
    assert quarter is not None
    quarter.value = (quarter.value or 0) + 7
    quarter.save()
    after = client.get(url).json()
    indicator = quarter.indicator_year.indicator.code
    old = next(i for i in before["items"] if i["indicator"] == indicator)["quarters"][0]["value"]
    new = next(i for i in after["items"] if i["indicator"] == indicator)["quarters"][0]["value"]
    assert new != old


def test_kept_pages_stay_within_their_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    from sakip.regency import figures

    figures.clear()
    monkeypatch.setattr(figures, "MAX_BYTES", 250)
    for i in range(10):
        page = bytes(100) + bytes([i])
        assert figures.memo("gen-a", ("page", i), lambda page=page: page) == page  # type: ignore[misc]
    assert figures._total[0] <= 250  # the oldest pages went first
    assert [k[1] for k in figures._memory] == [8, 9]
    # one value per key: a newer generation of a key replaces its older value (and its weight)
    assert figures.memo("gen-b", ("page", 9), lambda: b"x") == b"x"
    assert figures._total[0] == 101 + 1 and [k[1] for k in figures._memory] == [8, 9]
    assert figures.memo("gen-b", ("page", 9), lambda: b"y") == b"x"  # kept for gen-b
    figures.clear()
