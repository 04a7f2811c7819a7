"""The workflow in the pages: buttons per role, the panel, refusals of edits in locked periods, inbox, due dates."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sakip.accounts.access import allowed_actions
from sakip.agreements.models import PkTarget, PkVersion
from sakip.audit.models import AuditEntry
from sakip.budgeting.models import BudgetLine
from sakip.core.interchange import export_office, import_office
from sakip.dataset.loader import DatasetError
from sakip.monitoring.models import Quarter
from sakip.planning.forms import IndicatorForm
from sakip.planning.models import Target
from sakip.surveys.models import Survey
from sakip.workflow import services
from sakip.workflow.models import DueRuleSetting, PeriodState

pytestmark = pytest.mark.django_db

YEAR = 2020


def lock(demo: Any, step: str, quarter: int | None = None, office: Any = None) -> None:
    """Take the period through submit → verify → approve, as the demo's head, verifier and admin."""
    office = office or demo.office_a
    head = demo.user("head_a") if office == demo.office_a else demo.user("admin")
    for user, t in ((head, "submit"), (demo.user("verifier"), "verify"), (demo.user("admin"), "approve")):
        if services.state_of(office, YEAR, step, quarter) in ("verified",) and t != "approve":
            continue
        services.transition(
            office, YEAR, step, quarter, t, user=user, allowed_actions=allowed_actions(user.membership, office)
        )
    assert services.is_approved(office, YEAR, step, quarter)


def unlock(demo: Any, step: str, quarter: int | None = None) -> None:
    admin = demo.user("admin")
    services.transition(
        demo.office_a,
        YEAR,
        step,
        quarter,
        "unlock",
        user=admin,
        allowed_actions=allowed_actions(admin.membership, demo.office_a),
        comment="Koreksi data dari kecamatan",
    )


def refused(response: Any) -> str:
    assert response.status_code == 409, response.status_code
    html = response.content.decode()
    assert 'data-testid="locked-message"' in html
    return html


# ----------------------------------------------------------------------------- buttons


def post(client: Client, name: str, office: Any, **data: Any) -> Any:
    # confirmed: the confirmation step itself is tested in test_approvers.py
    data = {"step": "quarter", "quarter": "4", "confirm": "1", **data}
    return client.post(reverse(name, args=[office.code, YEAR]), data)


def test_submit_return_resubmit_verify_approve_through_the_buttons(demo: Any, login_as: Any) -> None:
    head, verifier, admin = login_as("head_a"), login_as("verifier"), login_as("admin")
    office = demo.office_a
    assert post(head, "workflow-submit", office).status_code == 302
    assert services.state_of(office, YEAR, "quarter", 4) == "submitted"
    r = verifier.post(
        reverse("workflow-return", args=[office.code, YEAR]), {"step": "quarter", "quarter": "4"}, follow=True
    )
    assert "memerlukan catatan" in r.content.decode()
    assert services.state_of(office, YEAR, "quarter", 4) == "submitted"
    post(verifier, "workflow-return", office, comment="Bukti dukung IKU 1 belum ada")
    assert services.state_of(office, YEAR, "quarter", 4) == "returned"
    page = head.get(reverse("quarter-entry", args=[office.code, YEAR, 4])).content.decode()
    assert "Bukti dukung IKU 1 belum ada" in page and 'data-transition="submit"' in page
    post(head, "workflow-submit", office)
    post(verifier, "workflow-verify", office)
    post(admin, "workflow-approve", office)
    assert services.is_locked(office, YEAR, "quarter", 4)
    page = admin.get(reverse("quarter-entry", args=[office.code, YEAR, 4])).content.decode()
    assert 'data-state="approved"' in page and 'data-transition="unlock"' in page
    rows = AuditEntry.objects.filter(model="workflow.PeriodState", office_id=office.pk).order_by("id")
    assert [(e.action, e.user_name, e.changes["state"][1]) for e in rows] == [
        ("transition", "kepala-kaloran", "submitted"),
        ("transition", "inspektorat", "returned"),
        ("transition", "kepala-kaloran", "submitted"),
        ("transition", "inspektorat", "verified"),
        ("transition", "admin", "approved"),
    ]
    assert rows[1].comment == "Bukti dukung IKU 1 belum ada" and rows[0].ip == "127.0.0.1"


def test_buttons_refused_per_role(demo: Any, login_as: Any) -> None:
    refusals = [
        ("operator_a", "workflow-submit"),
        ("verifier", "workflow-submit"),
        ("planner", "workflow-approve"),
        ("verifier", "workflow-approve"),
        ("head_a", "workflow-verify"),
        ("head_a", "workflow-return"),
        ("head_a", "workflow-unlock"),
        ("verifier", "workflow-unlock"),
        ("operator_b", "workflow-submit"),
        ("public", "workflow-submit"),
    ]
    for role, name in refusals:
        assert post(login_as(role), name, demo.office_a, comment="x").status_code == 403, (role, name)
    assert services.state_of(demo.office_a, YEAR, "quarter", 4) == "draft"
    assert post(login_as("head_a"), "workflow-submit", demo.office_a).status_code == 302
    assert services.state_of(demo.office_a, YEAR, "quarter", 4) == "submitted"


def test_wrong_step_or_quarter_changes_nothing(demo: Any, login_as: Any) -> None:
    head = login_as("head_a")
    for data in (
        {"step": "bogus"},
        {"step": "quarter", "quarter": "7"},
        {"step": "pk", "quarter": "2"},
        {"step": "quarter", "quarter": "x"},
    ):
        r = head.post(reverse("workflow-submit", args=[demo.office_a.code, YEAR]), data, follow=True)
        assert "tidak dikenal" in r.content.decode()
    assert not PeriodState.objects.filter(office=demo.office_a, state="submitted").exists()


def test_next_never_leaves_the_site(demo: Any, login_as: Any) -> None:
    r = post(login_as("head_a"), "workflow-submit", demo.office_a, next="https://evil.example/")
    assert r["Location"] == reverse("office-dashboard", args=[demo.office_a.code])


# ----------------------------------------------------------------------------- locks in every edit path


def pk_indicator(demo: Any) -> Any:
    return (
        PkTarget.objects.filter(version__office=demo.office_a, version__year=YEAR).order_by("order", "id")[0].indicator
    )


def test_quarter_entry_and_preview_refused_while_locked_then_allowed_after_unlock(demo: Any, login_as: Any) -> None:
    lock(demo, "quarter", 4)
    ind = pk_indicator(demo)
    operator = login_as("operator_a")
    url = reverse("quarter-entry", args=[demo.office_a.code, YEAR, 4])
    before = list(Quarter.objects.filter(indicator_year__indicator=ind).values_list("quarter", "value"))
    html = refused(operator.post(url, {f"v-{ind.pk}": "99", f"e-{ind.pk}": "uji"}))
    assert "Data triwulan TW IV 2020 Kecamatan Kaloran sudah disetujui dan dikunci" in html
    assert "membuka kunci" in html
    assert list(Quarter.objects.filter(indicator_year__indicator=ind).values_list("quarter", "value")) == before
    page = operator.get(url).content.decode()
    assert 'data-testid="entry-form"' not in page  # shown read-only
    preview = operator.post(
        reverse("quarter-preview", args=[demo.office_a.code, YEAR, 4]) + f"?row={ind.pk}",
        {f"v-{ind.pk}": "99"},
        HTTP_HX_REQUEST="true",
    )
    assert preview.status_code == 200 and "dikunci" in preview.content.decode()
    # another quarter of the same year is not locked
    assert operator.post(reverse("quarter-entry", args=[demo.office_a.code, YEAR, 3]), {}).status_code != 409
    unlock(demo, "quarter", 4)
    r = operator.post(url, {f"v-{ind.pk}": "99", f"e-{ind.pk}": "uji"})
    assert r.status_code in (200, 302)
    assert 'data-testid="entry-form"' in operator.get(url).content.decode()
    unlock_row = AuditEntry.objects.get(action="unlock", office_id=demo.office_a.pk)
    assert unlock_row.comment == "Koreksi data dari kecamatan" and unlock_row.user_name == "admin"


def test_an_approved_annual_report_freezes_every_quarter(demo: Any, login_as: Any) -> None:
    lock(demo, "annual")
    operator = login_as("operator_a")
    for q in (1, 2, 3, 4):
        html = refused(operator.post(reverse("quarter-entry", args=[demo.office_a.code, YEAR, q]), {}))
        assert "LKjIP" in html


def test_pk_edit_and_amendment_refused_while_the_pk_is_locked(demo: Any, login_as: Any) -> None:
    lock(demo, "pk")
    operator = login_as("operator_a")
    versions = PkVersion.objects.filter(office=demo.office_a, year=YEAR).count()
    for name in ("pk-edit", "pk-amend"):
        html = refused(
            operator.post(
                reverse(name, args=[demo.office_a.code, YEAR]), {"first_party_name": "X", "reason": "perubahan"}
            )
        )
        assert "Perjanjian Kinerja 2020 Kecamatan Kaloran" in html
    assert PkVersion.objects.filter(office=demo.office_a, year=YEAR).count() == versions
    detail = operator.get(reverse("pk-detail", args=[demo.office_a.code, YEAR])).content.decode()
    assert 'data-state="approved"' in detail and "terkunci" in detail
    assert "Riwayat perubahan PK ini" in detail


def budget_of_first_quarter_refused(demo: Any, login_as: Any, freeze: Any) -> tuple[str, Any, dict[str, str], int]:
    """Freeze TW I with ``freeze()``, post a TW I budget realisation: refused (409) and nothing stored.

    Returns the refusal's page, the operator's client, the form without the TW I value and the line's id.
    """
    line = BudgetLine.objects.filter(budget__office=demo.office_a, budget__year=YEAR, children__isnull=True)[0]
    operator = login_as("operator_a")
    url = reverse("budget-entry", args=[demo.office_a.code, YEAR])
    freeze()
    allocation = "" if line.allocation is None else format(line.allocation.normalize(), "f").replace(".", ",")
    html = refused(operator.post(url, {"op": "save", f"a-{line.pk}": allocation, f"q-{line.pk}-1": "123"}))
    assert "TW I 2020" in html
    assert not line.quarters.filter(quarter=1, realisation=Decimal("123")).exists()
    return html, operator, {"op": "save", f"a-{line.pk}": allocation}, line.pk


def test_budget_refused_for_a_locked_quarter_and_after_the_annual_lock(demo: Any, login_as: Any) -> None:
    html, operator, form, line = budget_of_first_quarter_refused(demo, login_as, lambda: lock(demo, "quarter", 1))
    assert "dikunci" in html
    url = reverse("budget-entry", args=[demo.office_a.code, YEAR])
    # the locked quarter sent unchanged does not block a change in an open quarter
    r = operator.post(url, {**form, f"q-{line}-2": "5"})
    assert r.status_code != 409
    lock(demo, "annual")
    refused(operator.post(url, {"op": "save"}))


def test_survey_upload_refused_after_the_annual_lock(demo: Any, login_as: Any) -> None:
    lock(demo, "annual")
    before = Survey.objects.filter(office=demo.office_a).count()
    html = refused(login_as("operator_a").post(reverse("survey-detail", args=[demo.office_a.code, YEAR]), {}))
    assert "LKjIP" in html
    assert Survey.objects.filter(office=demo.office_a).count() == before


def _indicator_post(ind: Any) -> dict[str, Any]:
    form = IndicatorForm(instance=ind, plan=ind.plan, locked=True)
    data: dict[str, Any] = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        data[name] = "on" if value is True else value
    return data


def test_a_locked_year_freezes_its_targets_only(demo: Any, login_as: Any) -> None:
    ind = pk_indicator(demo)  # T1.1 of Kaloran: a plan target for 2020, target fields 2019–2023
    data = _indicator_post(ind)
    assert (
        data[f"target_{YEAR}"]
        and f"target_{YEAR + 1}" in IndicatorForm(instance=ind, plan=ind.plan, locked=True).fields
    )
    lock(demo, "pk")
    url = reverse("indicator-edit", args=[demo.office_a.code, ind.pk])
    operator = login_as("operator_a")
    before = {t.year: t.value for t in Target.objects.filter(indicator=ind)}
    assert YEAR in before
    html = refused(operator.post(url, {**data, f"target_{YEAR}": "12345"}))
    assert "Perjanjian Kinerja 2020" in html
    refused(operator.post(url, {**data, f"target_{YEAR}": ""}))  # removing it is a change too
    refused(operator.post(url, {"op": "delete"}))
    assert {t.year: t.value for t in Target.objects.filter(indicator=ind)} == before
    # the same form with the locked year unchanged may change another year's target
    r = operator.post(url, {**data, f"target_{YEAR + 1}": "77"})
    assert r.status_code == 302, r.content.decode()[:1500]
    assert Target.objects.get(indicator=ind, year=YEAR + 1).value == Decimal("77")
    assert Target.objects.get(indicator=ind, year=YEAR).value == before[YEAR]


def test_dataset_import_while_a_period_is_locked_changes_only_open_periods(demo: Any, login_as: Any) -> None:
    doc = export_office(demo.office_a)
    lock(demo, "quarter", 2)
    import_office(doc, demo.office_a.regency)  # identical: allowed
    # a target of 2021 (no period of 2021 is frozen) may change; the approved TW II 2020 keeps everything
    later = copy.deepcopy(doc)
    ind = later["plan"]["objectives"][0]["indicators"][0]
    ind.setdefault("targets", {})["2021"] = 91
    import_office(later, demo.office_a.regency)
    assert export_office(demo.office_a)["plan"]["objectives"][0]["indicators"][0]["targets"]["2021"] == 91
    # the plan's target of 2020 is what TW II 2020 is measured against: refused, and nothing of the file is kept
    frozen = copy.deepcopy(doc)
    frozen_targets = frozen["plan"]["objectives"][0]["indicators"][0].setdefault("targets", {})
    frozen_targets["2020"] = Decimal(str(frozen_targets.get("2020") or 0)) + 5
    with pytest.raises(DatasetError) as err:
        import_office(frozen, demo.office_a.regency)
    assert "TW II 2020" in str(err.value) and "dikunci" in str(err.value)
    assert export_office(demo.office_a)["plan"]["objectives"][0]["indicators"][0]["targets"]["2021"] == 91
    unlock(demo, "quarter", 2)
    import_office(frozen, demo.office_a.regency)  # allowed again


# ----------------------------------------------------------------------------- inbox and due dates


def test_inbox_per_role(demo: Any, login_as: Any) -> None:
    office = demo.office_a
    head = demo.user("head_a")
    acts = allowed_actions(head.membership, office)
    services.transition(office, YEAR, "quarter", 4, "submit", user=head, allowed_actions=acts)
    # the demo leaves the PK and TW I–III of each office's year returned; the PK goes on to verification
    verifier = demo.user("verifier")
    services.transition(office, YEAR, "pk", None, "submit", user=head, allowed_actions=acts)
    services.transition(
        office, YEAR, "pk", None, "verify", user=verifier, allowed_actions=allowed_actions(verifier.membership, office)
    )
    admin_page = login_as("admin").get(reverse("inbox")).content.decode()
    verifier_page = login_as("verifier").get(reverse("inbox")).content.decode()
    head_page = login_as("head_a").get(reverse("inbox")).content.decode()
    public_page = login_as("public").get(reverse("inbox")).content.decode()
    assert "Data triwulan TW IV 2020" in verifier_page and "Menunggu verifikasi" in verifier_page
    # the office head approved the PK by submitting it (SAKIP's default): the regency only locks it
    assert "Menunggu penguncian" in admin_page and "Perjanjian Kinerja 2020" in admin_page
    assert "Menunggu penguncian" not in verifier_page
    assert "Tidak ada yang menunggu tindakan Anda" in public_page
    services.transition(
        office,
        YEAR,
        "quarter",
        4,
        "return",
        user=demo.user("verifier"),
        allowed_actions=allowed_actions(demo.user("verifier").membership, office),
        comment="Lengkapi",
    )
    head_page = login_as("head_a").get(reverse("inbox")).content.decode()
    assert "Dikembalikan" in head_page and "Lengkapi" in head_page
    assert "Kecamatan Kaliwates" not in head_page  # only the own office
    # the operator sees the returned quarter with the note too, and that the head submits it again
    operator_page = login_as("operator_a").get(reverse("inbox")).content.decode()
    assert "Lengkapi" in operator_page
    assert "kepala perangkat daerah lalu menyetujui dan mengajukannya lagi" in operator_page
    assert "Tidak ada yang menunggu tindakan Anda" not in operator_page
    assert 'data-testid="inbox-link"' in head_page


def test_inbox_and_panels_take_a_constant_number_of_queries(demo: Any, login_as: Any) -> None:
    client = login_as("admin")

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    # the first page of a session in this process reads the session and its user apart; later pages read
    # them with the data generation in one statement (sakip.accounts.fast)
    count(reverse("inbox"))
    inbox = count(reverse("inbox"))
    overdue = count(reverse("workflow-overdue"))
    for q in (1, 2, 3):  # more waiting rows and more history
        lock(demo, "quarter", q)
        lock(demo, "quarter", q, office=demo.office_b)
    count(reverse("inbox"))  # the writes renewed the data generation: the membership is read again once
    assert count(reverse("inbox")) == inbox
    assert count(reverse("workflow-overdue")) == overdue


def test_panels_take_a_constant_number_of_queries(demo: Any, login_as: Any) -> None:
    client = login_as("admin")
    pages = [
        reverse("quarter-entry", args=[demo.office_a.code, YEAR, 4]),
        reverse("pk-detail", args=[demo.office_a.code, YEAR]),
        reverse("office-dashboard", args=[demo.office_a.code]),
    ]

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    def warm_counts() -> list[int]:  # the second visit: the dashboard's figures come from the regency's cache
        [count(u) for u in pages]
        return [count(u) for u in pages]

    def lengthen_history() -> None:
        lock(demo, "quarter", 4)
        unlock(demo, "quarter", 4)
        lock(demo, "annual")
        services.transition(
            demo.office_a,
            YEAR,
            "annual",
            None,
            "unlock",
            user=demo.user("admin"),
            allowed_actions=allowed_actions(demo.user("admin").membership, demo.office_a),
            comment="x",
        )

    # every panel's period started (a period without a row has no history to read: one query fewer)
    lengthen_history()
    before = warm_counts()
    for _ in range(3):  # a longer history on each panel
        lengthen_history()
    lock(demo, "pk")
    assert warm_counts() == before


def test_overdue_list_and_due_rules(demo: Any, login_as: Any) -> None:
    today = dt.date.today()
    admin = login_as("admin")
    page = admin.get(reverse("workflow-overdue")).content.decode()
    # the current year's PK is due at the end of February: overdue from March on, for every office whose
    # plan covers the year (the overdue rule, domain.workflow.followed_years; tests/workflow/test_overdue_scope.py)
    if today > dt.date(today.year, 2, 28) + dt.timedelta(days=1):
        from sakip.planning.models import PlanPeriod

        covering = PlanPeriod.objects.filter(start_year__lte=today.year, end_year__gte=today.year).count()
        assert page.count(f"Perjanjian Kinerja {today.year}") == covering
    r = admin.post(
        reverse("workflow-due-rules"),
        {
            "pk-kind": "date",
            "pk-day": "31",
            "pk-month": "12",
            "pk-year_offset": "0",
            "quarter-kind": "days",
            "quarter-days": "15",
            "annual-kind": "date",
            "annual-day": "31",
            "annual-month": "3",
            "annual-year_offset": "1",
        },
    )
    assert r.status_code == 302
    rule = DueRuleSetting.objects.get(regency=demo.office_a.regency, step="quarter")
    assert rule.days == 15 and rule.month is None
    assert AuditEntry.objects.filter(model="workflow.DueRuleSetting", action="create", user_name="admin").count() == 3
    rules = services.rules_for(demo.office_a.regency)
    from sakip.domain.workflow import due_date

    assert due_date(rules[services.Step.QUARTER], 2020, 1) == dt.date(2020, 4, 15)
    bad = admin.post(
        reverse("workflow-due-rules"),
        {
            "pk-kind": "date",
            "pk-day": "40",
            "pk-month": "2",
            "quarter-kind": "days",
            "quarter-days": "x",
            "annual-kind": "days",
            "annual-days": "5",
        },
    )
    assert bad.status_code == 200 and "tidak sah" in bad.content.decode()
    assert DueRuleSetting.objects.get(regency=demo.office_a.regency, step="annual").month == 3  # nothing stored
    assert login_as("verifier").get(reverse("workflow-due-rules")).status_code == 403


def test_dashboard_shows_due_items_and_the_annual_panel(demo: Any, login_as: Any) -> None:
    page = login_as("head_a").get(reverse("office-dashboard", args=[demo.office_a.code])).content.decode()
    assert 'data-testid="due-panel"' in page
    assert 'data-testid="workflow-panel"' in page and "Laporan kinerja tahunan (LKjIP) 2020" in page
    assert 'data-transition="submit"' in page
