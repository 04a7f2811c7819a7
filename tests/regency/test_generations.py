"""Data generations per office (issue #12): a write renews exactly the scopes it changed.

A save in one office never makes another office's figures recompute; the regency page
recomputes its aggregate from the kept figures of the unchanged offices; a regency
setting renews every office of that regency (and of no other); a membership only its user.
Every write path counts: ``save``, ``delete``, ``QuerySet.update``, ``bulk_create``,
``bulk_update``, an m2m link.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client

from sakip.accounts.models import Membership, Office, Regency, Role, YearSetting
from sakip.core.generate import Size, generate_regency
from sakip.monitoring.models import Quarter
from sakip.planning.models import Objective, ProgramNode
from sakip.regency import figures, generations
from sakip.regency.models import DataGeneration

pytestmark = pytest.mark.django_db

YEAR = 2025


@pytest.fixture
def regency() -> Regency:
    figures.clear()
    return generate_regency("uji", Size(offices=2, indicators=2, years=1, start=YEAR), password="x")


def _office(code: str) -> Office:
    return Office.objects.select_related("regency").get(code=code, regency__code="uji")


def _quarter(office: Office, quarter: int = 4) -> Quarter:
    q = Quarter.objects.filter(
        indicator_year__indicator__plan__office=office, indicator_year__year=YEAR, quarter=quarter
    ).exclude(value=None).first()
    assert q is not None and q.value is not None
    return q


def _gens(*offices: Office) -> list[str]:
    return [figures.office_generation(o) for o in offices]


def test_a_save_in_one_office_renews_that_office_and_the_regency_aggregate_only(regency: Regency) -> None:
    a, b = _office("opd-001"), _office("opd-002")
    before_a, before_b = _gens(a, b)
    aggregate = generations.generation(generations.aggregate_scope(regency.pk))
    q = _quarter(a)
    q.value = (q.value or Decimal(0)) + 5
    q.save()
    after_a, after_b = _gens(a, b)
    assert after_a != before_a
    assert after_b == before_b
    assert generations.generation(generations.aggregate_scope(regency.pk)) != aggregate


def test_another_office_keeps_its_computed_scorecard(regency: Regency) -> None:
    a, b = _office("opd-001"), _office("opd-002")
    card_a, card_b = figures.scorecard(a, YEAR), figures.scorecard(b, YEAR)
    q = _quarter(a)
    q.value = (q.value or Decimal(0)) + 5
    q.save()
    assert figures.scorecard(b, YEAR) is card_b  # not computed again
    new_a = figures.scorecard(a, YEAR)
    assert new_a is not card_a
    assert new_a is not None and card_a is not None
    assert new_a.office_score.aggregate.value != card_a.office_score.aggregate.value


def test_the_regency_page_recomputes_only_the_office_that_changed(regency: Regency, monkeypatch) -> None:
    client = Client()
    client.force_login(Membership.objects.get(regency=regency, role=Role.ADMIN).user)
    assert client.get(f"/pemda/?tahun={YEAR}").status_code == 200
    computed: list[int] = []
    real = figures.scorecard_for

    def counting(office, year, quarter=None, domain=None):  # the real computation, counted
        computed.append(office.pk)
        return real(office, year, quarter, domain)

    monkeypatch.setattr(figures, "scorecard_for", counting)
    a = _office("opd-001")
    q = _quarter(a)
    q.value = (q.value or Decimal(0)) + 5
    q.save()
    html = client.get(f"/pemda/?tahun={YEAR}").content.decode()
    assert set(computed) == {a.pk}  # its four quarters; no other office
    assert 'data-office="opd-002"' in html


@pytest.mark.parametrize("path", ["update", "bulk_update", "bulk_create", "delete"])
def test_bulk_writes_renew_the_office_they_write(regency: Regency, path: str) -> None:
    a, b = _office("opd-001"), _office("opd-002")
    before_a, before_b = _gens(a, b)
    q = _quarter(a)
    if path == "update":
        Quarter.objects.filter(pk=q.pk).update(value=(q.value or Decimal(0)) + 1)
    elif path == "bulk_update":
        q.value = (q.value or Decimal(0)) + 1
        Quarter.objects.bulk_update([q], ["value"])
    elif path == "bulk_create":
        iy = q.indicator_year
        Quarter.objects.filter(indicator_year=iy, quarter=3).delete()
        before_a = figures.office_generation(a)
        Quarter.objects.bulk_create([Quarter(indicator_year=iy, quarter=3, value=Decimal("1"))])
    else:
        Quarter.objects.filter(pk=q.pk).delete()
    after_a, after_b = _gens(a, b)
    assert after_a != before_a
    assert after_b == before_b


def test_an_m2m_link_renews_its_office(regency: Regency) -> None:
    a, b = _office("opd-001"), _office("opd-002")
    before_a, before_b = _gens(a, b)
    program = ProgramNode.objects.filter(plan__office=a).first()
    objective = Objective.objects.filter(plan__office=a).exclude(programs=program).first()
    if program is None or objective is None:
        pytest.skip("the generated office has no program to link")
    program.objectives.add(objective)
    assert _gens(a, b) == [_gens(a, b)[0], before_b]
    assert _gens(a)[0] != before_a


def test_a_regency_setting_renews_every_office_of_that_regency_only(regency: Regency) -> None:
    other = generate_regency("lain", Size(offices=1, indicators=2, years=1, start=YEAR), password="x")
    a, b = _office("opd-001"), _office("opd-002")
    elsewhere = Office.objects.select_related("regency").get(regency=other)
    before = _gens(a, b, elsewhere)
    YearSetting.objects.update_or_create(regency=regency, office=None, year=YEAR, defaults={"cap": "120"})
    after = _gens(a, b, elsewhere)
    assert after[0] != before[0] and after[1] != before[1]
    assert after[2] == before[2]


def test_a_membership_renews_its_user_only(regency: Regency) -> None:
    a = _office("opd-001")
    before = figures.office_generation(a)
    user = get_user_model().objects.create_user("baru", password="rahasia-panjang-2026")
    m = Membership.objects.create(user=user, regency=regency, role=Role.OPERATOR, office=a)
    mine = generations.generation(generations.user_scope(user.pk))
    m.role = Role.HEAD
    m.save()
    assert generations.generation(generations.user_scope(user.pk)) != mine
    assert figures.office_generation(a) == before


def test_a_renamed_office_renews_every_page(regency: Regency) -> None:
    a, b = _office("opd-001"), _office("opd-002")
    before = _gens(a, b)
    a.name = "Dinas Baru"
    a.save()
    after = _gens(a, b)
    assert after[0] != before[0] and after[1] != before[1]


def test_a_write_from_another_process_is_seen(regency: Regency) -> None:
    """The tokens live in the database: another worker's write (its token row) is read by this one."""
    a = _office("opd-001")
    card = figures.scorecard(a, YEAR)
    with connection.cursor() as cursor:  # what another process's bump leaves in the table
        cursor.execute(
            f"UPDATE {DataGeneration._meta.db_table} SET token = %s WHERE scope = %s",
            ["0123456789abcdef0123456789abcdef", generations.office_scope(a.pk)],
        )
    assert figures.scorecard(a, YEAR) is not card


def test_a_rolled_back_write_keeps_the_old_generation(regency: Regency) -> None:
    from django.db import transaction

    a = _office("opd-001")
    before = figures.office_generation(a)
    with pytest.raises(RuntimeError), transaction.atomic():
        q = _quarter(a)
        q.value = (q.value or Decimal(0)) + 5
        q.save()
        raise RuntimeError
    assert figures.office_generation(a) == before


def test_an_explanation_renews_the_office_pages_but_no_figure(regency: Regency) -> None:
    """The quarter's explanation is text: the office's pages show it (renewed); the regency's aggregate pages
    and the kept figures hold no text (neither renewed nor recomputed). A value in the same save does both."""
    from sakip.regency.models import KeptOfficeYear

    a = _office("opd-001")
    KeptOfficeYear.objects.update_or_create(office=a, year=YEAR, defaults={"changes": 3, "included": 3})
    aggregate = generations.generation(generations.aggregate_scope(regency.pk), fresh=True)
    (before,) = _gens(a)
    q = _quarter(a)
    q.explanation = "hujan deras pada bulan Desember"
    q.save()
    assert generations.generation(generations.aggregate_scope(regency.pk), fresh=True) == aggregate
    assert figures.office_generation(a) != before
    assert KeptOfficeYear.objects.get(office=a, year=YEAR).changes == 3  # not dirty
    q.explanation = "hujan deras"
    q.value = (q.value or Decimal(0)) + 1
    q.save()
    assert generations.generation(generations.aggregate_scope(regency.pk), fresh=True) != aggregate
    assert KeptOfficeYear.objects.get(office=a, year=YEAR).changes == 4
