"""The regency dashboard: the office pages' figures, ranked; constant queries; filters."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.test import Client

from sakip.accounts.models import Membership, Office, Regency, Role
from sakip.core.generate import Size, generate_regency, office_document
from sakip.domain.numbers import format_percent
from tests.web.demo_support import Demo


def _cells(html: str, testid: str) -> dict[str, list[str]]:
    """office code -> the text of each cell, in the table with ``data-testid``."""
    table = html.split(f'data-testid="{testid}"', 1)[1].split("</table>", 1)[0]
    rows = {}
    for code, body in re.findall(r'<tr data-office="([^"]+)">(.*?)</tr>', table, re.S):
        rows[code] = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", body, re.S)]
    return rows


def test_each_office_shows_the_figure_of_its_own_dashboard(demo: Demo, login_as: Any) -> None:
    client = login_as("planner")
    for year in (2020, 2021):
        html = client.get("/pemda/", {"tahun": year}).content.decode()
        rows = _cells(html, "ranking-achievement")
        assert set(rows) == {o.code for o in Office.objects.filter(regency__code="demo")}
        for code, cells in rows.items():
            office_html = client.get(f"/opd/{code}/", {"tahun": year}).content.decode()
            if f"— tahun {year}" not in office_html:  # the office has no data that year
                assert cells[2] == "belum diukur"
                continue
            shown = re.search(r'data-testid="office-achievement">(.*?)</div>', office_html, re.S)
            assert shown is not None
            assert cells[2] == re.sub(r"<[^>]+>", "", shown.group(1)).strip(), code


def test_ranking_and_absorption_of_generated_offices_computed_independently(db: None) -> None:
    size = Size(offices=3, indicators=4, years=2, start=2024)
    regency = generate_regency("uji", size, password="rahasia-uji")
    client = Client()
    client.force_login(get_user_model().objects.get(username="uji-admin"))
    html = client.get("/pemda/", {"tahun": 2025}).content.decode()
    expected_achievement: dict[str, Decimal] = {}
    expected_absorption: dict[str, Decimal] = {}
    for i in range(1, 4):
        doc = office_document(i, size)
        y = next(d for d in doc["years"] if d["year"] == 2025)
        values = []
        for ind_id, target in y["performance_agreement"][0]["targets"].items():
            ind = next(x for o in doc["plan"]["objectives"] for x in o["indicators"] if x["id"] == ind_id)
            real = y["indicators"][ind_id]["quarters"]["4"]  # rollup "last": the year's value is TW IV's
            if ind["polarity"] == "higher_is_better":
                values.append(real / target * 100)
            else:  # the "mirror" formula of lower-is-better: (2T − R) / T
                values.append(max((2 * target - real) / target * 100, Decimal(0)))
        expected_achievement[doc["office"]["code"]] = sum(values, Decimal(0)) / len(values)
        spent = sum((v for line in y["budget"]["lines"] for v in line["quarters"].values()), Decimal(0))
        allocation = sum((line["allocation"] for line in y["budget"]["lines"]), Decimal(0))
        expected_absorption[doc["office"]["code"]] = spent / allocation * 100
    ach = _cells(html, "ranking-achievement")
    assert list(ach) == sorted(expected_achievement, key=lambda c: -expected_achievement[c])
    for code, value in expected_achievement.items():
        assert ach[code][2] == format_percent(value), code
    absn = _cells(html, "ranking-absorption")
    assert list(absn) == sorted(expected_absorption, key=lambda c: -expected_absorption[c])
    for code, value in expected_absorption.items():
        assert absn[code][4] == format_percent(value), code
    # drill-down: the office's dashboard for the year, and its weakest indicator's row there
    office = Office.objects.get(regency=regency, code="opd-001")
    assert f'href="/opd/{office.code}/?tahun=2025"' in html
    anchor = re.search(rf'href="/opd/{office.code}/\?tahun=2025#ind-([^"]+)"', html)
    assert anchor is not None
    assert f'id="ind-{anchor.group(1)}"' in client.get(f"/opd/{office.code}/", {"tahun": 2025}).content.decode()


def test_quarter_filter_uses_the_quarters_to_date(db: None) -> None:
    size = Size(offices=1, indicators=2, years=1, start=2025)
    generate_regency("uji", size, password="rahasia-uji")
    client = Client()
    client.force_login(get_user_model().objects.get(username="uji-admin"))
    doc = office_document(1, size)
    y = doc["years"][0]
    html = client.get("/pemda/", {"tahun": 2025, "triwulan": 2}).content.decode()
    assert "sampai dengan akhir TW II 2025" in html
    spent = sum((line["quarters"]["1"] + line["quarters"]["2"] for line in y["budget"]["lines"]), Decimal(0))
    allocation = sum((line["allocation"] for line in y["budget"]["lines"]), Decimal(0))
    assert _cells(html, "ranking-absorption")["opd-001"][4] == format_percent(spent / allocation * 100)
    values = []
    for ind_id, target in y["performance_agreement"][0]["targets"].items():
        ind = next(x for o in doc["plan"]["objectives"] for x in o["indicators"] if x["id"] == ind_id)
        assert ind["polarity"] == "higher_is_better"
        values.append(y["indicators"][ind_id]["quarters"]["2"] / target * 100)
    assert _cells(html, "ranking-achievement")["opd-001"][2] == format_percent(sum(values, Decimal(0)) / len(values))


def _admin_client(regency: Regency) -> Client:
    client = Client()
    client.force_login(Membership.objects.get(regency=regency, role=Role.ADMIN).user)
    return client


#: Queries of the regency dashboard once its figures are computed: one statement reads the session and its
#: user (sakip.accounts.fast), one the generations of the page's scopes (the membership is kept for them) —
#: the same at every data size.
REGENCY_QUERIES = 2


def test_regency_dashboard_queries_do_not_grow_with_the_number_of_offices(
    db: None, django_assert_num_queries: Any
) -> None:
    for offices in (2, 6):
        regency = generate_regency("uji", Size(offices=offices, indicators=4, years=2, start=2024), password="x")
        client = _admin_client(regency)
        assert client.get("/pemda/?tahun=2025").status_code == 200  # computes and caches the figures
        with django_assert_num_queries(REGENCY_QUERIES):
            assert client.get("/pemda/?tahun=2025").status_code == 200


def test_office_dashboard_queries_do_not_grow_with_the_data(
    db: None, django_assert_num_queries: Any, django_assert_max_num_queries: Any
) -> None:
    """The office dashboard also shows other apps' panels (workflow, documents) with their own queries:
    the count at the small size is the expectation at the large one."""
    url = "/opd/opd-001/?tahun=2025"
    regency = generate_regency("uji", Size(offices=2, indicators=4, years=2, start=2024), password="x")
    client = _admin_client(regency)
    assert client.get(url).status_code == 200
    with django_assert_max_num_queries(100) as small:
        assert client.get(url).status_code == 200
    count = len(small.captured_queries)  # now: the next request clears the query log
    regency = generate_regency("uji", Size(offices=6, indicators=10, years=5, start=2021), password="x")
    client = _admin_client(regency)
    assert client.get(url).status_code == 200
    assert count == 2  # session and user in one statement, the generations in one: the rest is kept for them
    with django_assert_num_queries(count):
        assert client.get(url).status_code == 200


def test_figures_follow_a_change_of_the_data(db: None) -> None:
    from sakip.monitoring.models import Quarter

    regency = generate_regency("uji", Size(offices=1, indicators=2, years=1, start=2025), password="x")
    client = _admin_client(regency)
    before = _cells(client.get("/pemda/").content.decode(), "ranking-achievement")["opd-001"][2]
    q = Quarter.objects.filter(indicator_year__indicator__plan__office__code="opd-001", quarter=4).first()
    assert q is not None and q.value is not None
    q.value = q.value + 10
    q.save()
    after = _cells(client.get("/pemda/").content.decode(), "ranking-achievement")["opd-001"][2]
    assert before != after


def test_office_roles_are_refused(demo: Demo, login_as: Any) -> None:
    assert login_as("operator_a").get("/pemda/").status_code == 403
    assert login_as("public").get("/pemda/").status_code == 403
    assert login_as("verifier").get("/pemda/").status_code == 200


def test_home_links_the_dashboard_for_regency_roles_only(demo: Demo, login_as: Any) -> None:
    assert 'data-testid="regency-dashboard-link"' in login_as("planner").get("/").content.decode()
    assert 'data-testid="regency-dashboard-link"' not in login_as("public").get("/").content.decode()


def test_the_chart_is_its_own_request_and_shows_every_ranked_office(db: None) -> None:
    regency = generate_regency("uji", Size(offices=2, indicators=2, years=1, start=2025), password="x")
    client = _admin_client(regency)
    html = client.get("/pemda/?tahun=2025&triwulan=2").content.decode()
    src = re.search(r'<img src="([^"]+)"[^>]*data-testid="regency-chart"', html)
    assert src is not None and src.group(1) == "/pemda/grafik.svg?tahun=2025&amp;triwulan=2"
    response = client.get("/pemda/grafik.svg?tahun=2025&triwulan=2")
    assert response.status_code == 200 and response["Content-Type"].startswith("image/svg+xml")
    svg = response.content.decode()
    assert "<svg" in svg
    for office in Office.objects.filter(regency=regency):
        assert office.name in svg
