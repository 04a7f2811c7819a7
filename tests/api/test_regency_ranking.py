"""The regency's ranking through the API is the regency dashboard's ranking: the same offices, order and
figures (one rule: `regency.kept_figures.ranking` and `regency.views.ranked`), per year and as of a quarter."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client

from sakip.domain.numbers import format_percent
from tests.web.demo_support import Demo

from .conftest import Api


def _dashboard_order(demo: Demo, year: int, quarter: int | None) -> list[tuple[str, str | None]]:
    client = Client()
    client.force_login(demo.user("planner"))
    params = {"tahun": year} | ({"triwulan": quarter} if quarter else {})
    html = client.get("/pemda/", params).content.decode()
    table = html[html.index('data-testid="ranking-achievement"') : html.index('data-testid="ranking-absorption"')]
    rows = re.findall(r'<tr data-office="([^"]+)"><td class="num">\d+</td><td><a [^>]*>[^<]*</a></td>\s*'
                      r'<td class="num">([^<]*)', table)
    return [(code, shown or None) for code, shown in rows]


@pytest.mark.parametrize(("year", "quarter"), [(2020, None), (2020, 2), (2024, 2)])
def test_the_api_ranks_as_the_dashboard(
    year: int, quarter: int | None, demo_once: Demo, api_as: Callable[[str], Api]
) -> None:
    query = f"?quarter={quarter}" if quarter else ""
    response = api_as("planner").get(f"/api/v1/regency/{year}/offices{query}")
    assert response.status_code == 200, response.content
    items = response.json()["items"]
    expected = _dashboard_order(demo_once, year, quarter)
    assert len(items) == 4
    assert quarter is not None or any(i["achievement"] for i in items)
    assert [i["office"] for i in items] == [code for code, _shown in expected]
    for item, (_code, shown) in zip(items, expected, strict=True):
        if item["achievement"] is None:
            assert shown is None
        else:
            assert shown == format_percent(Decimal(item["achievement"]))
    assert [i["rank"] for i in items] == list(range(1, len(items) + 1))


def test_an_office_role_is_refused(demo_once: Demo, api_as: Callable[[str], Api]) -> None:
    for role in ("operator_a", "head_a", "public"):
        assert api_as(role).get("/api/v1/regency/2020/offices").status_code == 403
    assert api_as("admin").get("/api/v1/regency/2020/offices?quarter=5").status_code in (400, 422)
