"""The office dashboard as of a quarter (issue #11): once kept, a view costs the same few queries as the year's.

The benchmark target (one office's quarter page p95 ≤ 100 ms at 20 clients,
`benchmarks/web_load.py`) rests on this: a warm quarter page reads the session, the user
and the data generation, and hands out the page kept for the generation — no template is
rendered again, whatever the size of the data.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.test import Client
from django.test.utils import CaptureQueriesContext

from sakip.accounts.models import Membership, Office, Role
from sakip.core.generate import Size, generate_regency
from sakip.monitoring.models import Quarter

#: session, user, data generation (the membership, the office and the page are kept for the generation)
WARM_QUERIES = 3
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
    from django.db import connection

    with CaptureQueriesContext(connection) as cold:
        after = client.get(URL, params)
    assert after.status_code == 200 and after.templates  # rendered again
    assert len(cold.captured_queries) > WARM_QUERIES
    assert _without_csrf(after.content) != _without_csrf(before)


def _without_csrf(content: bytes) -> bytes:
    import re

    content = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", content)
    return re.sub(rb'"X-CSRFToken": "[^"]+"', b"", content)
