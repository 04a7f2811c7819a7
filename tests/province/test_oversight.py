"""The province / national oversight view (issue #12): who sees what, and that its figures are the domain's.

Three generated regencies (A, B in province P1; C in P2), each office's figures kept
(`regency.kept_figures.recompute`). Every new view is requested by every kind of user.
"""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sakip.accounts.models import Membership, Office, Oversight, OversightRole, Role
from sakip.core.services import scorecard_for
from sakip.province import queries
from sakip.regency.models import KeptOfficeYear
from sakip.reports.scorecard import show_percent

from .conftest import SIZE, YEAR, World, build_world

pytestmark = pytest.mark.django_db

OVERVIEW = "/pengawasan/"


def _office_url(office: Office) -> str:
    return reverse("oversight-office", args=[office.regency.code, office.code])


# ----------------------------------------------------------------------------- roles and isolation


def test_the_roles_scope_is_a_database_constraint(world: World) -> None:
    with transaction.atomic(), pytest.raises(IntegrityError):
        Oversight.objects.create(user=world.users["nobody"], role=OversightRole.PROVINCE, province=None)
    with transaction.atomic(), pytest.raises(IntegrityError):
        Oversight.objects.create(user=world.users["nobody"], role=OversightRole.NATIONAL, province=world.p1)


def test_a_user_has_a_regency_role_or_an_oversight_role_not_both(world: World) -> None:
    with pytest.raises(ValidationError):
        Oversight(user=world.users["admin_a"], role=OversightRole.NATIONAL).clean()
    with pytest.raises(ValidationError):
        Membership(user=world.users["national"], regency=world.a, role=Role.VERIFIER).clean()
    Oversight(user=world.users["nobody"], role=OversightRole.NATIONAL).full_clean()  # a user without a role: fine


def test_the_overseen_regencies(world: World) -> None:
    national = Oversight.objects.get(user=world.users["national"])
    p1 = Oversight.objects.get(user=world.users["province_p1"])
    assert set(national.regencies()) == {world.a, world.b, world.c}
    assert set(p1.regencies()) == {world.a, world.b}


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 302), ("admin_a", 403), ("verifier_a", 403), ("operator_a", 403), ("nobody", 403),
     ("province_p1", 200), ("national", 200)],
)
def test_who_opens_the_overview(world: World, role: str, status: int) -> None:
    response = world.client(role).get(OVERVIEW)
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith(reverse("login"))


def test_a_province_sees_only_its_regencies_the_nation_sees_all(world: World) -> None:
    p1 = world.client("province_p1").get(OVERVIEW).content.decode()
    assert 'data-regency="kab-a"' in p1 and 'data-regency="kab-b"' in p1 and 'data-regency="kab-c"' not in p1
    assert 'data-office="kab-c/' not in p1
    assert len(re.findall(r'data-office="kab-[ab]/', p1)) == 2 * SIZE.offices
    p2 = world.client("province_p2").get(OVERVIEW).content.decode()
    assert 'data-regency="kab-c"' in p2 and 'data-regency="kab-a"' not in p2
    national = world.client("national").get(OVERVIEW).content.decode()
    assert all(f'data-regency="kab-{x}"' in national for x in "abc")


@pytest.mark.parametrize(
    ("role", "regency", "status"),
    [("anonymous", "a", 302), ("admin_a", "a", 403), ("verifier_a", "a", 403), ("operator_a", "a", 403),
     ("nobody", "a", 403), ("province_p1", "a", 200), ("province_p1", "b", 200), ("province_p1", "c", 404),
     ("province_p2", "a", 404), ("province_p2", "c", 200), ("national", "c", 200)],
)
def test_who_reads_an_office_page(world: World, role: str, regency: str, status: int) -> None:
    office = world.offices(getattr(world, regency))[0]
    response = world.client(role).get(_office_url(office))
    assert response.status_code == status


def test_oversight_pages_only_read(world: World) -> None:
    office = world.offices(world.a)[0]
    for url in (OVERVIEW, _office_url(office)):
        assert world.client("national").post(url).status_code == 405


def test_an_oversight_user_has_no_regency_page(world: World) -> None:
    """No membership: every regency page refuses them, every office page is not found."""
    client = world.client("national")
    office = world.offices(world.a)[0]
    assert client.get(reverse("regency-dashboard")).status_code == 403
    assert client.get(reverse("office-dashboard", args=[office.code])).status_code == 404
    assert client.get(reverse("quarter-entry", args=[office.code, YEAR, 1])).status_code == 404
    assert client.get(reverse("home")).status_code == 302  # sent to the oversight view
    assert client.get(reverse("home"))["Location"] == reverse("oversight-overview")


def test_a_regency_admin_still_sees_only_the_regency(world: World) -> None:
    client = world.client("admin_a")
    other = world.offices(world.b)[0]  # same office code (opd-001) in another regency
    page = client.get(reverse("office-dashboard", args=[other.code])).content.decode()
    assert "Kabupaten B" not in page
    dashboard = client.get(reverse("regency-dashboard")).content.decode()
    assert "Kabupaten A" in dashboard and "Kabupaten B" not in dashboard


# ----------------------------------------------------------------------------- the figures are the domain's


@pytest.mark.parametrize("quarter", [None, 2])
def test_office_ranking_equals_the_scorecards(world: World, quarter: int | None) -> None:
    offices = world.offices(world.a, world.b, world.c)
    expected = []
    for office in offices:
        sc = scorecard_for(office, YEAR, quarter=quarter if quarter else None)
        assert sc is not None
        expected.append((sc.office_score.aggregate.value, office))
    expected.sort(key=lambda vo: (-vo[0], vo[1].name, vo[1].pk))
    query = f"?tahun={YEAR}" + (f"&triwulan={quarter}" if quarter else "")
    html = world.client("national").get(OVERVIEW + query).content.decode()
    table = html.split('data-testid="office-ranking"')[1].split("</table>")[0]
    cell = r'data-office="([^"]+)">.*?<td class="num" data-col="achievement">([^<]+)</td>'
    shown = re.findall(cell, table, flags=re.S)
    assert [s[0] for s in shown] == [f"{o.regency.code}/{o.code}" for _v, o in expected]
    assert [s[1] for s in shown] == [show_percent(v) for v, _o in expected]


def test_regency_ranking_is_the_mean_of_its_offices(world: World) -> None:
    scope = queries.Scope(None)
    rows = list(queries.regency_ranking(scope, YEAR, 4))
    assert [r["regency_code"] for r in rows] == sorted(
        [r["regency_code"] for r in rows], key=lambda c: -next(x["mean"] for x in rows if x["regency_code"] == c)
    )
    for r in rows:
        values = []
        for office in Office.objects.filter(regency_id=r["regency_id"]):
            sc = scorecard_for(office, YEAR)
            assert sc is not None
            values.append(sc.office_score.aggregate.value)
        exact = sum(values, Decimal(0)) / len(values)
        assert abs(r["mean"] - exact) < Decimal("0.000001")
        assert r["offices"] == r["measured_offices"] == SIZE.offices


def test_predicate_distributions_count_the_scorecards(world: World) -> None:
    scope = queries.Scope(world.p1.pk)
    offices_by, indicators_by = Counter(), Counter()
    for office in world.offices(world.a, world.b):
        sc = scorecard_for(office, YEAR)
        assert sc is not None
        offices_by[sc.office_score.category] += 1
        for s in sc.indicators:
            indicators_by[(s.category, s.achievement.status.value)] += 1
    assert {r["category"]: r["n"] for r in queries.office_predicates(scope, YEAR, 4)} == dict(offices_by)
    got = {(r["category"], r["status"]): r["n"] for r in queries.indicator_predicates(scope, YEAR, 4)}
    assert got == dict(indicators_by)


def test_office_page_shows_the_kept_indicators(world: World) -> None:
    office = world.offices(world.c)[1]
    sc = scorecard_for(office, YEAR, quarter=3)
    assert sc is not None
    html = world.client("province_p2").get(_office_url(office) + f"?tahun={YEAR}&triwulan=3").content.decode()
    assert show_percent(sc.office_score.aggregate.value) in html.split('data-testid="office-achievement"')[1][:300]
    for s in sc.indicators:
        row = html.split(f'data-indicator="{s.indicator.id}"')[1].split("</tr>")[0]
        assert show_percent(s.achievement.value) in row


def test_lke_results_are_read_where_they_exist(world: World) -> None:
    from tests.evaluation.support import make_evaluation

    office = world.offices(world.a)[0]
    ev = make_evaluation(office, YEAR)
    type(ev).objects.filter(pk=ev.pk).update(status="finished", final_score=Decimal("71.25"), final_predicate="BB")
    other = world.offices(world.c)[0]
    ev2 = make_evaluation(other, YEAR)
    type(ev2).objects.filter(pk=ev2.pk).update(status="finished", final_score=Decimal("55.50"), final_predicate="CC")
    p1 = queries.lke_results(queries.Scope(world.p1.pk), YEAR)
    assert p1["finished"] == 1 and p1["mean"] == Decimal("71.25")
    assert p1["predicates"] == [{"final_predicate": "BB", "n": 1}]
    html = world.client("national").get(OVERVIEW).content.decode()
    assert "2 evaluasi selesai" in html and "63,38" in html  # (71,25 + 55,50) / 2, half up


def test_a_pending_recomputation_is_said(world: World) -> None:
    office = world.offices(world.b)[0]
    KeptOfficeYear.objects.filter(office=office, year=YEAR).update(changes=10)
    assert queries.freshness(queries.Scope(world.p1.pk), YEAR).pending == 1
    html = world.client("province_p1").get(OVERVIEW).content.decode()
    assert "sedang dihitung ulang" in html
    assert "baru diubah" in world.client("province_p1").get(_office_url(office)).content.decode()


def test_long_lists_are_paginated(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from sakip.province import views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    client = world.client("national")
    first = client.get(OVERVIEW).content.decode()
    second = client.get(OVERVIEW + "?hal=2").content.decode()
    codes_1 = re.findall(r'data-office="([^"]+)"', first.split('data-testid="office-ranking"')[1].split("</table>")[0])
    codes_2 = re.findall(r'data-office="([^"]+)"', second.split('data-testid="office-ranking"')[1].split("</table>")[0])
    assert len(codes_1) == 2 and len(codes_2) == 2 and not set(codes_1) & set(codes_2)
    assert 'data-testid="office-pages"' in first
    only_b = client.get(OVERVIEW + "?pemda=kab-b").content.decode()
    table = only_b.split('data-testid="office-ranking"')[1].split("</table>")[0]
    assert set(re.findall(r'data-office="(kab-.)/', table)) == {"kab-b"}


# ----------------------------------------------------------------------------- a constant number of queries


def _count(client_get: object, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client_get(url)  # type: ignore[operator]
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_overview_reads_a_constant_number_of_queries(world: World) -> None:
    client = world.client("national")
    office = world.offices(world.a)[0]
    client.get(OVERVIEW)  # the first request of a session reads what later ones find kept
    few = _count(client.get, OVERVIEW)
    few_office = _count(client.get, _office_url(office))
    from sakip.core.generate import generate_regency
    from sakip.regency import kept_figures

    more = generate_regency("kab-d", type(SIZE)(offices=6, indicators=4, years=1, start=YEAR))
    for o in Office.objects.filter(regency=more):
        kept_figures.recompute(o, YEAR)
    assert _count(client.get, OVERVIEW) == few
    assert _count(client.get, _office_url(office)) == few_office
    assert few <= 16 and few_office <= 10, (few, few_office)


def test_build_world_twice_is_refused_by_the_unique_codes(db: None) -> None:
    build_world()
    with transaction.atomic(), pytest.raises(IntegrityError):
        build_world()


@pytest.mark.parametrize(
    ("text", "shown"),
    [(None, "-"), ("86.55", "86,55"), ("1100", "1.100"), ("2–4", "2–4"), ("2.5–4", "2,50–4"), ("BB", "BB")],
)
def test_kept_targets_are_shown_as_numbers_in_indonesian(text: str | None, shown: str) -> None:
    from sakip.province.views import shown_number

    assert shown_number(text) == shown
