"""The budget page: allocation amendments (APBD Perubahan) with the lock, audited, shown with the original;
objectives and shares of a line, and the budget per objective adding up."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from sakip.accounts.models import Office
from sakip.audit.models import AuditEntry
from sakip.budgeting.models import AllocationAmendment, BudgetLine, BudgetYear
from sakip.core.interchange import domain_office, export_office
from sakip.domain import budget as rules
from sakip.domain.scorecard import build_scorecard
from sakip.planning.models import Objective
from sakip.workflow.models import PeriodState
from sakip.workflow.services import PeriodLocked

from . import pages_support

media = pages_support.media
regency = pages_support.regency
office = pages_support.office
operator = pages_support.operator

YEAR = 2025
NEW = "7.01.02.2.01.0009"  # a sub-activity added for the test: pagu 100 million, no "pagu murni" of its own


def url(office: Office) -> str:
    return reverse("budget-entry", args=[office.code, YEAR])


def freeze(office: Office, step: str, quarter: int | None = None, state: str = "approved") -> None:
    PeriodState.objects.update_or_create(office=office, year=YEAR, step=step, quarter=quarter,
                                         defaults={"state": state})


def freeze_all(office: Office) -> None:
    freeze(office, "pk")
    for q in (1, 2, 3, 4):
        freeze(office, "quarter", q)
    freeze(office, "annual")


def add_leaf(operator: Client, office: Office) -> BudgetLine:
    parent = BudgetLine.objects.get(code="7.01.02.2.01", budget__office=office)
    r = operator.post(url(office), {"op": "add", "code": NEW, "name": "Fasilitasi Musrenbang", "level": "sub_activity",
                                    "parent": parent.pk, "budget_class": "operasi", "allocation": "100.000.000"})
    assert r.status_code == 302, r.content.decode()[-2000:]
    line = BudgetLine.objects.get(code=NEW)
    r = operator.post(url(office), {"op": "save", f"a-{line.pk}": "100000000", f"q-{line.pk}-1": "20000000",
                                    f"q-{line.pk}-2": "25000000", f"q-{line.pk}-3": "30000000"})
    assert r.status_code == 302
    return line


def amend(operator: Client, office: Office, line: BudgetLine, quarter: int, amount: str = "130.000.000") -> object:
    return operator.post(url(office), {"op": "amend", "line": line.pk, "allocation": amount, "from_quarter": quarter,
                                       "date": "2025-09-30", "reason": "APBD Perubahan 2025: tambahan Musrenbang"})


def line_figures(office: Office, through: int) -> rules.Amounts:
    sc = build_scorecard(domain_office(office), YEAR)
    assert sc.budget is not None
    return rules.amounts(next(ls.line for ls in sc.budget.lines if ls.line.code == NEW), through)


@pytest.mark.django_db
def test_an_amendment_applies_from_the_next_open_quarter_and_keeps_the_original(
    operator: Client, office: Office
) -> None:
    line = add_leaf(operator, office)
    freeze(office, "pk")
    freeze(office, "quarter", 1)
    freeze(office, "quarter", 2, "verified")
    page = operator.get(url(office)).content.decode()
    form = re.search(r'<form[^>]*data-testid="budget-amend".*?</form>', page, re.S)
    assert form is not None
    assert re.findall(r'name="from_quarter">(.*?)</select>', form.group(0), re.S)[0].count("<option") == 2
    assert ">TW III<" in form.group(0) and ">TW II<" not in form.group(0)
    # from TW II (verified): refused by the lock, nothing stored
    r = amend(operator, office, line, 2)
    assert r.status_code == 409 and "sudah diverifikasi" in r.content.decode()
    assert not AllocationAmendment.objects.exists()
    # from TW III: recorded, with date and reason, audited with the office
    r = amend(operator, office, line, 3)
    assert r.status_code == 302
    a = AllocationAmendment.objects.get()
    assert (a.line_id, a.from_quarter, a.allocation, str(a.date)) == (line.pk, 3, Decimal(130_000_000), "2025-09-30")
    entry = AuditEntry.objects.filter(model="budgeting.AllocationAmendment", action="create").get()
    assert entry.office_id == office.pk and entry.changes["allocation"][1] == "130000000"
    line.refresh_from_db()
    assert line.allocation == Decimal(100_000_000)  # the original stays as it was
    # what the approved quarters showed does not change; from TW III on the amended allocation counts
    assert line_figures(office, 1) == rules.Amounts(Decimal(100_000_000), Decimal(20_000_000))
    assert line_figures(office, 2) == rules.Amounts(Decimal(100_000_000), Decimal(45_000_000))
    assert line_figures(office, 3) == rules.Amounts(Decimal(130_000_000), Decimal(75_000_000))
    assert line_figures(office, 4).allocation == Decimal(130_000_000)
    page = operator.get(url(office)).content.decode()
    table = re.search(r'data-testid="amendments".*?</table>', page, re.S)
    assert table is not None
    assert "100.000.000,00" in table.group(0) and "130.000.000,00" in table.group(0)
    assert "TW III" in table.group(0) and "30 September 2025" in table.group(0)
    assert "APBD Perubahan 2025: tambahan Musrenbang" in table.group(0)
    row = re.search(rf'<tr id="baris-{line.pk}".*?</tr>', page, re.S)
    assert row is not None and "murni 100.000.000,00" in row.group(0) and "130.000.000,00" in row.group(0)
    # the dataset says the same: year's allocation, the original, the amendment with its quarter
    doc = export_office(office)
    year = next(y for y in doc["years"] if y["year"] == YEAR)
    exported = year["budget"]["lines"][0]["children"][0]["children"][0]
    assert (exported["allocation"], exported["allocation_original"]) == (Decimal(130_000_000), Decimal(100_000_000))
    assert exported["amendments"] == [{"from_quarter": 3, "allocation": Decimal(130_000_000), "date": "2025-09-30",
                                       "reason": "APBD Perubahan 2025: tambahan Musrenbang"}]
    # a second amendment for the same quarter is refused in words; TW IV is possible
    r = amend(operator, office, line, 3, "140.000.000")
    assert r.status_code == 200 and "Sudah ada perubahan pagu baris ini yang berlaku mulai TW III" in r.content.decode()
    assert amend(operator, office, line, 4, "125.000.000").status_code == 302
    assert line_figures(office, 4).allocation == Decimal(125_000_000)


@pytest.mark.django_db
def test_the_guard_refuses_an_amendment_into_a_frozen_quarter_on_any_path(operator: Client, office: Office) -> None:
    line = add_leaf(operator, office)
    freeze(office, "quarter", 3, "submitted")
    with pytest.raises(PeriodLocked):
        AllocationAmendment.objects.create(line=line, from_quarter=2, allocation=Decimal(1))  # TW III shows it
    AllocationAmendment.objects.create(line=line, from_quarter=4, allocation=Decimal(1), reason="x")  # TW IV open


@pytest.mark.django_db
def test_an_approved_year_refuses_allocation_changes_with_409(operator: Client, office: Office) -> None:
    line = add_leaf(operator, office)
    assert amend(operator, office, line, 4).status_code == 302
    amendment = AllocationAmendment.objects.get()
    freeze_all(office)
    page = operator.get(url(office)).content.decode()
    assert 'data-testid="budget-amend"' not in page and 'data-testid="budget-form"' not in page
    for data in (
        {"op": "amend", "line": line.pk, "allocation": "1", "from_quarter": 4, "date": "2025-12-01", "reason": "x"},
        {"op": "amend-delete", "id": amendment.pk},
        {"op": "save", f"a-{line.pk}": "1"},
    ):
        r = operator.post(url(office), data)
        assert r.status_code == 409, data
        assert "sudah disetujui dan dikunci; perubahan ditolak dan tidak ada yang disimpan" in r.content.decode()
    assert AllocationAmendment.objects.get().allocation == Decimal(130_000_000)
    assert BudgetLine.objects.get(pk=line.pk).allocation == Decimal(100_000_000)


@pytest.mark.django_db
def test_amendment_form_errors_are_in_words(operator: Client, office: Office) -> None:
    legacy = BudgetLine.objects.get(code="7.01.02.2.01")  # imported with a "pagu murni" but no quarter for it
    r = operator.post(url(office), {"op": "amend", "line": legacy.pk, "allocation": "1", "from_quarter": "1",
                                    "date": "2025-01-02", "reason": "x"})
    assert "sudah memuat pagu murni" in r.content.decode()
    line = add_leaf(operator, office)
    r = operator.post(url(office), {"op": "amend", "line": line.pk, "allocation": "1,2,3", "from_quarter": "1",
                                    "date": "", "reason": ""})
    html = r.content.decode()
    assert r.status_code == 200
    assert "bukan angka yang sah" in html and "Isi tanggal perubahan" in html and "Alasan perubahan wajib diisi" in html
    assert not AllocationAmendment.objects.exists()


@pytest.mark.django_db
def test_deleting_an_amendment_of_an_open_quarter(operator: Client, office: Office) -> None:
    line = add_leaf(operator, office)
    amend(operator, office, line, 2)
    amendment = AllocationAmendment.objects.get()
    # nothing frozen: the original stays editable, the amended allocation is shown beside it
    row = re.search(rf'<tr id="baris-{line.pk}".*?</tr>', operator.get(url(office)).content.decode(), re.S)
    assert row is not None
    assert f'name="a-{line.pk}" value="100.000.000"' in row.group(0) and "berlaku 130.000.000,00" in row.group(0)
    r = operator.post(url(office), {"op": "amend-delete", "id": amendment.pk})
    assert r.status_code == 302 and not AllocationAmendment.objects.exists()
    assert AuditEntry.objects.filter(model="budgeting.AllocationAmendment", action="delete").exists()


# ----------------------------------------------------------------------------- objectives and shares


def second_objective(office: Office) -> Objective:
    s1 = Objective.objects.get(plan__office=office, code="S1")
    return Objective.objects.create(plan=s1.plan, goal=s1.goal, code="S2", text="Meningkatnya partisipasi warga",
                                    order=2)


@pytest.mark.django_db
def test_shares_split_a_line_and_the_objectives_add_up(operator: Client, office: Office) -> None:
    second_objective(office)
    program = BudgetLine.objects.get(code="7.01.02", budget__office=office)
    r = operator.post(url(office), {"op": "objectives", "line": program.pk, "objectives": ["S1", "S2"],
                                    "share-S1": "50", "share-S2": "40"})
    assert r.status_code == 200 and "berjumlah 90, harus 100" in r.content.decode()
    r = operator.post(url(office), {"op": "objectives", "line": program.pk, "objectives": ["S1", "S2"],
                                    "share-S1": "62,5", "share-S2": "37,5"})
    assert r.status_code == 302
    program.refresh_from_db()
    assert program.objectives == ["S1", "S2"] and program.objective_shares == {"S1": "62.5", "S2": "37.5"}
    sc = build_scorecard(domain_office(office), YEAR)
    assert sc.budget is not None
    # 240 M / 225 M: S1 62,5 % = 150 M / 140,625 M; S2 the rest = 90 M / 84,375 M
    assert sc.budget.by_objective == {
        "S1": rules.Amounts(Decimal(150_000_000), Decimal("140625000")),
        "S2": rules.Amounts(Decimal(90_000_000), Decimal("84375000")),
    }
    table = re.search(r'data-testid="per-objective".*?</table>', operator.get(url(office)).content.decode(), re.S)
    assert table is not None
    text = table.group(0)
    assert "150.000.000,00" in text and "90.000.000,00" in text and "240.000.000,00" in text
    # without shares: counted once, under "several objectives"
    operator.post(url(office), {"op": "objectives", "line": program.pk, "objectives": ["S1", "S2"]})
    sc = build_scorecard(domain_office(office), YEAR)
    assert sc.budget is not None
    assert sc.budget.by_objective == {rules.SEVERAL: rules.Amounts(Decimal(240_000_000), Decimal(225_000_000))}
    assert "Beberapa sasaran" in operator.get(url(office)).content.decode()


@pytest.mark.django_db
def test_the_lowest_attached_level_decides(operator: Client, office: Office) -> None:
    second_objective(office)
    activity = BudgetLine.objects.get(code="7.01.02.2.01", budget__office=office)
    r = operator.post(url(office), {"op": "objectives", "line": activity.pk, "objectives": ["S2"]})
    assert r.status_code == 302
    sc = build_scorecard(domain_office(office), YEAR)
    assert sc.budget is not None
    assert sc.budget.by_objective == {"S2": rules.Amounts(Decimal(240_000_000), Decimal(225_000_000))}
    assert BudgetYear.objects.get(office=office, year=YEAR).lines.get(code="7.01.02").objectives == ["S1"]


@pytest.mark.django_db
def test_the_api_shows_original_and_amended_allocation(operator: Client, office: Office) -> None:
    from django.contrib.auth import get_user_model

    from sakip.api.models import ApiToken

    line = add_leaf(operator, office)
    assert amend(operator, office, line, 3).status_code == 302
    _token, secret = ApiToken.issue(get_user_model().objects.get(username="operator-contoh"), "uji")
    r = Client().get(f"/api/v1/offices/{office.code}/years/{YEAR}/budget", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert r.status_code == 200
    item = next(i for i in r.json()["items"] if i["code"] == NEW)
    assert (item["allocation"], item["allocation_original"], item["basis"]) == ("130000000", "100000000", "quarter")
    assert item["amendments"] == [{"from_quarter": 3, "allocation": "130000000", "date": "2025-09-30",
                                   "reason": "APBD Perubahan 2025: tambahan Musrenbang"}]
