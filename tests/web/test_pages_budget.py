"""The budget page: tree, quarterly realisation, totals from the domain, sum checks."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from sakip.accounts.models import Office
from sakip.budgeting.models import BudgetLine, LineQuarter
from sakip.core.interchange import domain_office
from sakip.domain.scorecard import build_scorecard
from sakip.reports.scorecard import show_percent

from . import pages_support

# the page fixtures (kept out of conftest.py, which the authorisation tests own)
media = pages_support.media
regency = pages_support.regency
office = pages_support.office
other_office = pages_support.other_office
operator = pages_support.operator
other_operator = pages_support.other_operator
verifier = pages_support.verifier

YEAR = 2025


def url(office: Office, year: int = YEAR) -> str:
    return reverse("budget-entry", args=[office.code, year])


def leaf() -> BudgetLine:
    return BudgetLine.objects.get(code="7.01.02.2.01", budget__office__code="contoh")


@pytest.mark.django_db
def test_budget_page_shows_the_tree_and_the_domain_totals(operator: Client, office: Office) -> None:
    r = operator.get(url(office))
    assert r.status_code == 200
    html = r.content.decode()
    assert "7.01.02" in html and "Koordinasi Penyelenggaraan Pemerintahan" in html
    sc = build_scorecard(domain_office(office), YEAR)
    assert sc.budget is not None and sc.budget.total is not None
    assert show_percent(sc.budget.total.absorption) in html
    line = next(ls for ls in sc.budget.lines if ls.line.code == "7.01.02.2.01")
    assert show_percent(line.absorption) in html
    assert 'data-testid="budget-form"' in html


@pytest.mark.django_db
def test_quarterly_realisation_and_allocation_are_saved(operator: Client, office: Office) -> None:
    pk = leaf().pk
    r = operator.post(url(office), {"op": "save", f"a-{pk}": "240.000.000", f"q-{pk}-1": "40000000",
                                    f"q-{pk}-2": "60.000.000", f"q-{pk}-3": "70.000.000", f"q-{pk}-4": "65.000.000,50"})
    assert r.status_code == 302
    assert LineQuarter.objects.get(line_id=pk, quarter=4).realisation == Decimal("65000000.5")
    sc = build_scorecard(domain_office(office), YEAR)
    line = next(ls for ls in sc.budget.lines if ls.line.code == "7.01.02.2.01")  # type: ignore[union-attr]
    assert line.amounts.realisation == Decimal("235000000.5")
    assert show_percent(line.absorption) in operator.get(url(office)).content.decode()


@pytest.mark.django_db
def test_empty_quarter_removes_the_realisation(operator: Client, office: Office) -> None:
    pk = leaf().pk
    r = operator.post(url(office), {"op": "save", f"a-{pk}": "240000000", f"q-{pk}-1": "40000000",
                                    f"q-{pk}-2": "60000000", f"q-{pk}-3": "70000000", f"q-{pk}-4": ""})
    assert r.status_code == 302
    assert not LineQuarter.objects.filter(line_id=pk, quarter=4).exists()


@pytest.mark.django_db
def test_bad_numbers_store_nothing(operator: Client, office: Office) -> None:
    pk = leaf().pk
    r = operator.post(url(office), {"op": "save", f"a-{pk}": "12.5", f"q-{pk}-1": "1", f"q-{pk}-2": "-5",
                                    f"q-{pk}-3": "8O", f"q-{pk}-4": ""})
    assert r.status_code == 200
    html = r.content.decode()
    assert "koma" in html and "negatif" in html and "bukan angka yang sah" in html
    assert leaf().allocation == 240000000
    assert LineQuarter.objects.get(line_id=pk, quarter=1).realisation == 40000000
    assert LineQuarter.objects.filter(line_id=pk).count() == 4


@pytest.mark.django_db
def test_sum_check_failure_is_shown(operator: Client, office: Office) -> None:
    pk = leaf().pk
    r = operator.post(url(office), {"op": "save", f"a-{pk}": "250000000", f"q-{pk}-1": "40000000",
                                    f"q-{pk}-2": "60000000", f"q-{pk}-3": "70000000", f"q-{pk}-4": "55000000"})
    assert r.status_code == 302
    html = operator.get(url(office)).content.decode()
    assert 'data-testid="sum-checks"' in html
    assert "10.000.000,00" in html  # the stated 240 M against the lines' 250 M


@pytest.mark.django_db
def test_add_a_line_with_a_permendagri_code(operator: Client, office: Office) -> None:
    parent = leaf()
    r = operator.post(url(office), {"op": "add", "code": "7.01.02.2.01.0003", "name": "Fasilitasi <i>desa</i>",
                                    "level": "sub_activity", "parent": parent.pk, "budget_class": "operasi",
                                    "allocation": "15.000.000"})
    assert r.status_code == 302
    line = BudgetLine.objects.get(code="7.01.02.2.01.0003")
    assert line.parent == parent and line.allocation == 15000000
    assert "Fasilitasi &lt;i&gt;desa&lt;/i&gt;" in operator.get(url(office)).content.decode()


@pytest.mark.django_db
def test_add_a_line_refuses_bad_code_and_mixed_classes(operator: Client, office: Office) -> None:
    r = operator.post(url(office), {"op": "add", "code": "7..01 x", "name": "x", "level": "program",
                                    "budget_class": "bl", "allocation": "1"})
    assert r.status_code == 200
    html = r.content.decode()
    assert "Permendagri 90/2019" in html and "jangan dicampur" in html
    assert BudgetLine.objects.count() == 2


@pytest.mark.django_db
def test_year_without_budget_can_get_a_first_line(operator: Client, office: Office) -> None:
    assert "Belum ada rincian anggaran" in operator.get(url(office, 2026)).content.decode()
    r = operator.post(url(office, 2026), {"op": "add", "code": "7.01.02", "name": "Program", "level": "program",
                                          "allocation": "100.000.000"})
    assert r.status_code == 302
    assert BudgetLine.objects.filter(budget__year=2026).count() == 1


@pytest.mark.django_db
def test_verifier_reads_without_form(verifier: Client, office: Office) -> None:
    r = verifier.get(url(office))
    assert r.status_code == 200 and 'data-testid="budget-form"' not in r.content.decode()
    assert verifier.post(url(office), {"op": "save"}).status_code == 403


@pytest.mark.django_db
def test_another_offices_operator_gets_403(other_operator: Client, office: Office) -> None:
    pk = leaf().pk
    assert other_operator.get(url(office)).status_code == 403
    assert other_operator.post(url(office), {"op": "save", f"a-{pk}": "1"}).status_code == 403
    assert leaf().allocation == 240000000
