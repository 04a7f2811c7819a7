"""The office dashboard as of a quarter (issue #11): once kept, a view costs one query, as the year's does.

The benchmark target (one office's quarter page p95 ≤ 100 ms at 20 clients,
`benchmarks/web_load.py`) rests on this: a warm quarter page reads the session, its user
and the data generation in one statement (`sakip.accounts.fast`) and hands out the page
kept for the generation — no template is rendered again, whatever the size of the data.
The user read along with the session is the current row (deactivated, deleted, new
password: signed out at the next page) and is never used by another request.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from sakip.accounts.models import Membership, Office, Role
from sakip.core.generate import Size, generate_regency
from sakip.monitoring.models import Quarter

#: the session with its user in one statement, the generations of the page's scopes in another (the
#: membership, the office and the page are kept for them)
WARM_QUERIES = 2
URL = "/opd/opd-001/"


def _operator_client(regency_code: str) -> Client:
    """An operator of opd-001 (the office role, checked by the office's own access rule)."""
    user = get_user_model().objects.create_user(f"{regency_code}-operator", password="x")
    office = Office.objects.get(regency__code=regency_code, code="opd-001")
    Membership.objects.create(user=user, regency=office.regency, office=office, role=Role.OPERATOR)
    client = Client()
    client.force_login(user)
    return client


def _admin_client(regency_code: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=f"{regency_code}-admin"))
    return client


def test_a_kept_quarter_page_costs_three_queries_at_every_data_size(
    db: None, django_assert_num_queries: Any
) -> None:
    for code, size in (
        ("kecil", Size(offices=2, indicators=3, years=2, start=2024)),
        ("besar", Size(offices=6, indicators=10, years=5, start=2021)),
    ):
        generate_regency(code, size, password="x")
        for client in (_admin_client(code), _operator_client(code)):
            for quarter in (1, 2, 3, None):
                params: dict[str, Any] = {"tahun": 2025} | ({"triwulan": quarter} if quarter else {})
                first = client.get(URL, params)  # computes the figures and keeps the page
                assert first.status_code == 200
                assert (b"TW " in first.content) if quarter else True
                with django_assert_num_queries(WARM_QUERIES):
                    warm = client.get(URL, params)
                assert warm.status_code == 200
                assert not warm.templates, "a kept page is handed out, not rendered again"
                # the same page apart from the request's own CSRF token
                assert _without_csrf(warm.content) == _without_csrf(first.content), (code, quarter)


def test_the_kept_quarter_page_follows_a_change(db: None) -> None:
    """A write renews the generation: the next quarter page is computed afresh (and costs more queries)."""
    generate_regency("uji", Size(offices=1, indicators=2, years=1, start=2025), password="x")
    client = _admin_client("uji")
    params = {"tahun": 2025, "triwulan": 2}
    before = client.get(URL, params).content
    q = Quarter.objects.filter(indicator_year__indicator__plan__office__code="opd-001", quarter=2).first()
    assert q is not None and q.value is not None
    q.value = q.value + 7
    q.save()
    with CaptureQueriesContext(connection) as cold:
        after = client.get(URL, params)
    assert after.status_code == 200 and after.templates  # rendered again
    assert len(cold.captured_queries) > WARM_QUERIES
    assert _without_csrf(after.content) != _without_csrf(before)


def _without_csrf(content: bytes) -> bytes:
    import re

    content = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", content)
    return re.sub(rb'"X-CSRFToken": "[^"]+"', b"", content)


def _signed_in_operator(code: str = "uji") -> tuple[Client, Any]:
    generate_regency(code, Size(offices=1, indicators=2, years=1, start=2025), password="x")
    client = _operator_client(code)
    assert client.get(URL, {"tahun": 2025, "triwulan": 2}).status_code == 200  # the session's user is known
    return client, get_user_model().objects.get(username=f"{code}-operator")


def test_the_user_read_with_the_session_is_the_current_row(db: None) -> None:
    params = {"tahun": 2025, "triwulan": 2}
    client, user = _signed_in_operator()
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(URL, params).status_code == 200
    # the session with its user in one statement, the page's generations in the other
    assert len(ctx.captured_queries) == 2 and "auth_user" in ctx.captured_queries[0]["sql"]
    user.is_active = False
    user.save()
    refused = client.get(URL, params)
    assert refused.status_code == 302 and "/login/" in refused["Location"]


def test_a_new_password_signs_the_session_out_at_the_next_page(db: None) -> None:
    client, user = _signed_in_operator()
    user.set_password("kata-sandi-baru-2026")
    user.save()
    refused = client.get(URL, {"tahun": 2025, "triwulan": 2})
    assert refused.status_code == 302 and "/login/" in refused["Location"]


def test_a_deleted_user_is_signed_out_at_the_next_page(db: None) -> None:
    client, user = _signed_in_operator()
    Membership.objects.filter(user=user).delete()
    user.delete()
    refused = client.get(URL, {"tahun": 2025, "triwulan": 2})
    assert refused.status_code == 302 and "/login/" in refused["Location"]


def test_a_user_read_for_one_request_is_not_used_by_another(db: None) -> None:
    """A user read along with a session is tied to its request: outside it (a later request of the same
    thread, an API token's user) the database is asked."""
    from sakip.accounts import fast

    _client, user = _signed_in_operator()
    stale = get_user_model()(pk=user.pk, username="stale", is_active=True)
    fast._read_along.set((object(), user.pk, stale))
    with CaptureQueriesContext(connection) as ctx:
        found = fast.UserBackend().get_user(user.pk)
    assert found is not None and found.username == user.username
    assert len(ctx.captured_queries) == 1
