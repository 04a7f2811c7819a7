"""The budget page: a line per quarter or per year (switching both ways, nothing lost), errors on the row
in words (never a dataset path), the lock on allocations and quarters, the API on a yearly line."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from sakip.accounts.models import Office, Regency
from sakip.api.models import ApiToken
from sakip.budgeting.models import BudgetLine, LineQuarter
from sakip.core.concurrency import REAPPLY, token
from sakip.core.interchange import domain_office
from sakip.domain import budget as rules
from sakip.domain.scorecard import build_scorecard
from sakip.workflow.models import PeriodState

from . import pages_support
from .forms_support import form_fields

media = pages_support.media
regency = pages_support.regency
office = pages_support.office
operator = pages_support.operator

YEAR = 2025
CODE = "7.01.02.2.01"  # TW I–IV: 40 + 60 + 70 + 55 = 225 million
PATH = re.compile(r"years\[\d+\]|lines\[\d+\]|children\[\d+\]")


def url(office: Office) -> str:
    return reverse("budget-entry", args=[office.code, YEAR])


def leaf() -> BudgetLine:
    return BudgetLine.objects.get(code=CODE, budget__office__code="contoh", budget__year=YEAR)


def figures(office: Office, through: int = 4) -> rules.Amounts:
    sc = build_scorecard(domain_office(office), YEAR)
    assert sc.budget is not None
    line = next(ls.line for ls in sc.budget.lines if ls.line.code == CODE)
    return rules.amounts(line, through)


def row_of(html: str, code: str = CODE) -> str:
    found = re.search(rf'<tr id="baris-\d+" data-code="{re.escape(code)}".*?</tr>', html, re.S)
    assert found, code
    return found.group(0)


def freeze(office: Office, step: str, quarter: int | None = None, state: str = "approved") -> None:
    PeriodState.objects.update_or_create(office=office, year=YEAR, step=step, quarter=quarter,
                                         defaults={"state": state})


@pytest.mark.django_db
def test_switch_to_yearly_shows_the_sum_and_asks_first(operator: Client, office: Office) -> None:
    line = leaf()
    assert "murni 250.000.000,00" in row_of(operator.get(url(office)).content.decode())  # stated in the dataset
    r = operator.post(url(office), {"op": "basis", "line": line.pk, "to": "year"})
    assert r.status_code == 200
    html = r.content.decode()
    assert 'data-testid="basis-confirm"' in html
    assert 'data-testid="confirm-sum">225.000.000,00<' in html
    assert "tetap tersimpan" in html  # it says what happens to the quarter figures
    line.refresh_from_db()
    assert line.basis == "" and line.realisation is None  # nothing changed before the operator's word
    r = operator.post(url(office), {"op": "basis", "line": line.pk, "to": "year", "choice": "sum"})
    assert r.status_code == 302 and r["Location"].endswith(f"#baris-{line.pk}")
    line.refresh_from_db()
    assert (line.basis, line.realisation) == ("year", Decimal(225_000_000))
    assert LineQuarter.objects.filter(line=line).count() == 4  # kept
    assert figures(office) == rules.Amounts(Decimal(240_000_000), Decimal(225_000_000))
    assert figures(office, through=3).realisation is None  # a yearly figure has no TW III to date
    row = row_of(operator.get(url(office)).content.decode())
    assert 'data-basis="year"' in row and f'name="r-{line.pk}" value="225.000.000"' in row
    assert f'name="q-{line.pk}-1"' not in row
    assert "TW I 40.000.000,00" in row  # the kept quarter figures are shown, marked as not counted


@pytest.mark.django_db
def test_switch_back_to_quarterly_keeps_both_figures(operator: Client, office: Office) -> None:
    line = leaf()
    operator.post(url(office), {"op": "basis", "line": line.pk, "to": "year", "choice": "sum"})
    r = operator.post(url(office), {"op": "save", f"a-{line.pk}": "240000000", f"r-{line.pk}": "230.000.000"})
    assert r.status_code == 302
    assert figures(office).realisation == Decimal(230_000_000)
    r = operator.post(url(office), {"op": "basis", "line": line.pk, "to": "quarter"})
    assert r.status_code == 302
    line.refresh_from_db()
    assert (line.basis, line.realisation) == ("quarter", Decimal(230_000_000))  # the yearly figure kept
    assert figures(office).realisation == Decimal(225_000_000)  # the quarters count again
    assert figures(office, through=2).realisation == Decimal(100_000_000)
    page = operator.get(url(office)).content.decode()
    row = row_of(page)
    assert f'name="q-{line.pk}-3" value="70.000.000"' in row
    assert 'data-testid="kept-yearly"' in row and "230.000.000,00" in row
    assert "230.000.000" in page  # the message said the yearly figure is kept … and so it is
    # and to yearly again: the kept yearly figure differs from the sum, so both are offered
    r = operator.post(url(office), {"op": "basis", "line": line.pk, "to": "year"})
    html = r.content.decode()
    assert 'value="stored"' in html and "230.000.000,00" in html and "225.000.000,00" in html
    operator.post(url(office), {"op": "basis", "line": line.pk, "to": "year", "choice": "stored"})
    line.refresh_from_db()
    assert (line.basis, line.realisation) == ("year", Decimal(230_000_000))


@pytest.mark.django_db
def test_a_yearly_line_refuses_quarter_figures_on_its_row(operator: Client, office: Office) -> None:
    line = leaf()
    operator.post(url(office), {"op": "basis", "line": line.pk, "to": "year", "choice": "sum"})
    r = operator.post(url(office), {"op": "save", f"a-{line.pk}": "240000000", f"r-{line.pk}": "225000000",
                                    f"q-{line.pk}-1": "1"})
    assert r.status_code == 200
    row = row_of(r.content.decode())
    assert "diisi setahun, bukan per triwulan" in row
    assert LineQuarter.objects.get(line=line, quarter=1).realisation == Decimal(40_000_000)


@pytest.mark.django_db
def test_errors_are_on_the_row_in_words_never_a_dataset_path(operator: Client, office: Office) -> None:
    line = leaf()
    BudgetLine.objects.filter(pk=line.pk).update(objectives=["S9"])  # an objective the plan no longer has
    page = operator.get(url(office)).content.decode()
    row = row_of(page)
    assert "sasaran: sasaran S9 tidak ada dalam rencana strategis" in row
    assert not PATH.search(page)
    # a save is refused as a whole and says why on the same row
    r = operator.post(url(office), {"op": "save", f"a-{line.pk}": "240000000", f"q-{line.pk}-1": "41000000",
                                    f"q-{line.pk}-2": "60000000", f"q-{line.pk}-3": "70000000",
                                    f"q-{line.pk}-4": "55000000"})
    assert r.status_code == 200
    html = r.content.decode()
    assert "sasaran S9 tidak ada dalam rencana strategis" in row_of(html)
    assert not PATH.search(html)
    assert LineQuarter.objects.get(line=line, quarter=1).realisation == Decimal(40_000_000)
    # bad numbers: on their field, in words
    BudgetLine.objects.filter(pk=line.pk).update(objectives=["S1"])
    r = operator.post(url(office), {"op": "save", f"a-{line.pk}": "-5", f"q-{line.pk}-1": "4O"})
    row = row_of(r.content.decode())
    assert "Tidak boleh negatif." in row and "bukan angka yang sah" in row


@pytest.mark.django_db
def test_an_approved_pk_freezes_allocations_but_not_the_open_quarters(operator: Client, office: Office) -> None:
    freeze(office, "pk")
    line = leaf()
    page = operator.get(url(office)).content.decode()
    assert 'data-testid="allocation-frozen"' in page and "APBD Perubahan" in page
    assert f'name="a-{line.pk}"' not in page  # read-only
    assert f'name="q-{line.pk}-1"' in page
    r = operator.post(url(office), {"op": "save", f"a-{line.pk}": "250000000"})
    assert r.status_code == 409
    assert "sudah disetujui dan dikunci" in r.content.decode() and "Perjanjian Kinerja" in r.content.decode()
    assert leaf().allocation == Decimal(240_000_000)
    r = operator.post(url(office), {"op": "save", f"q-{line.pk}-4": "56000000", f"a-{line.pk}": "240000000"})
    assert r.status_code == 302
    assert LineQuarter.objects.get(line=line, quarter=4).realisation == Decimal(56_000_000)
    # a submitted quarter is read-only, and a change of it refused
    freeze(office, "quarter", 1, "submitted")
    page = operator.get(url(office)).content.decode()
    assert f'name="q-{line.pk}-1"' not in page and f'name="q-{line.pk}-2"' in page
    r = operator.post(url(office), {"op": "save", f"q-{line.pk}-1": "1"})
    assert r.status_code == 409 and "sedang diajukan" in r.content.decode()


@pytest.mark.django_db
def test_the_basis_cannot_change_while_a_quarter_is_frozen(operator: Client, office: Office) -> None:
    freeze(office, "quarter", 2)
    line = leaf()
    assert 'data-testid="to-year"' not in operator.get(url(office)).content.decode()
    r = operator.post(url(office), {"op": "basis", "line": line.pk, "to": "year", "choice": "sum"})
    assert r.status_code == 409 and "TW II" in r.content.decode()
    assert leaf().basis == ""


@pytest.mark.django_db
def test_the_api_refuses_a_quarter_figure_on_a_yearly_line_in_words(operator: Client, office: Office) -> None:
    line = leaf()
    operator.post(url(office), {"op": "basis", "line": line.pk, "to": "year", "choice": "sum"})
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="operator-contoh")
    _token, secret = ApiToken.issue(user, "uji")
    api = Client()
    line.refresh_from_db()
    sent = {"lines": [{"code": CODE, "realisation": "41000000", "version": token(line)}]}  # the version read
    r = api.post(f"/api/v1/offices/{office.code}/years/{YEAR}/quarters/1/budget",
                 sent, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert r.status_code == 422
    body = r.json()
    assert "diisi setahun" in " ".join(body["errors"][CODE])
    assert not PATH.search(r.content.decode())
    freeze(office, "quarter", 1)
    r = api.post(f"/api/v1/offices/{office.code}/years/{YEAR}/quarters/1/budget",
                 sent, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert r.status_code == 409 and "dikunci" in r.json()["detail"]


# ----------------------------------------------------------------------------- with the version check (main's rule)


@pytest.mark.django_db
def test_a_stale_yearly_figure_is_a_conflict_then_reapplied(regency: Regency, office: Office) -> None:
    """The yearly realisation of a line is checked against the line's version like its quarters."""
    from .concurrency_support import load, two_clients

    ani, budi = two_clients(regency, office)
    line = leaf()
    ani.post(url(office), {"op": "basis", "line": line.pk, "to": "year", "choice": "sum"})
    form_a, form_b = load(ani, url(office), "budget-form"), load(budi, url(office), "budget-form")
    name = f"r-{line.pk}"
    assert form_a[name] == "225.000.000"
    assert ani.post(url(office), {**form_a, name: "230000000"}).status_code == 302
    stale = budi.post(url(office), {**form_b, name: "228000000"})
    assert stale.status_code == 409
    html = stale.content.decode()
    assert 'data-testid="conflicts"' in html and "Realisasi setahun" in html and "petugas-ani" in html
    line.refresh_from_db()
    assert line.realisation == Decimal(230000000)
    again = form_fields(html, "budget-form")
    assert again[name] == "230.000.000" and again[f"mine-{name}"] == "228000000"
    assert budi.post(url(office), {**again, REAPPLY: "1"}).status_code == 302
    line.refresh_from_db()
    assert line.realisation == Decimal(228000000) and line.basis == "year"


@pytest.mark.django_db
def test_an_amendment_meanwhile_makes_the_page_stale(regency: Regency, office: Office) -> None:
    """An APBD-P amendment changes the line's version (its allocation in force changed): a page loaded
    before that saves a different figure is refused with the conflict; the figures as stored are no conflict."""
    from .concurrency_support import load, two_clients
    from .test_pages_budget_amend import add_leaf, amend

    ani, budi = two_clients(regency, office)
    line = add_leaf(ani, office)
    line.refresh_from_db()
    before = line.version
    form_b = load(budi, url(office), "budget-form")
    assert amend(ani, office, line, 3).status_code == 302
    line.refresh_from_db()
    assert line.version > before
    q2 = f"q-{line.pk}-2"
    stale = budi.post(url(office), {**form_b, q2: "26000000"})
    assert stale.status_code == 409 and 'data-testid="conflict"' in stale.content.decode()
    assert LineQuarter.objects.get(line=line, quarter=2).realisation == Decimal(25000000)
    assert budi.post(url(office), form_b).status_code == 302  # the figures as stored: nothing to refuse
