"""A submitted (or verified) period is frozen in every edit path until it is returned or withdrawn."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from sakip.accounts.access import allowed_actions
from sakip.accounts.models import Membership, Role
from sakip.agreements.models import PkVersion
from sakip.audit.models import AuditEntry
from sakip.core.interchange import export_office, import_office
from sakip.dataset.loader import DatasetError
from sakip.domain import workflow as wf
from sakip.monitoring.models import Quarter
from sakip.planning.models import Target
from sakip.surveys.models import Survey
from sakip.workflow import services
from sakip.workflow.models import TransitionLog

from .test_pages import _indicator_post, budget_of_first_quarter_refused, pk_indicator, refused

pytestmark = pytest.mark.django_db

YEAR = 2020
SUBMITTED = "sedang diajukan dan menunggu verifikasi"
VERIFIED = "sudah diverifikasi dan menunggu persetujuan akhir"


def move(demo: Any, role: str, t: str, step: str, quarter: int | None = None, comment: str = "") -> None:
    user = demo.user(role)
    services.transition(
        demo.office_a,
        YEAR,
        step,
        quarter,
        t,
        user=user,
        allowed_actions=allowed_actions(user.membership, demo.office_a),
        comment=comment,
    )


def submit(demo: Any, step: str, quarter: int | None = None) -> None:
    move(demo, "head_a", "submit", step, quarter)
    assert services.state_of(demo.office_a, YEAR, step, quarter) == "submitted"


def test_the_domain_names_the_editable_states_once() -> None:
    assert {wf.State.DRAFT, wf.State.RETURNED, wf.State.REOPENED} == wf.EDITABLE_STATES
    assert {wf.State.SUBMITTED, wf.State.VERIFIED, wf.State.APPROVED} == wf.FROZEN_STATES
    assert [s for s in wf.State if wf.is_frozen(s)] == [wf.State.SUBMITTED, wf.State.VERIFIED, wf.State.APPROVED]
    assert wf.reopening(wf.State.SUBMITTED) == [wf.Transition.RETURN, wf.Transition.WITHDRAW]
    assert wf.reopening(wf.State.VERIFIED) == [wf.Transition.RETURN]
    assert wf.reopening(wf.State.APPROVED) == [wf.Transition.UNLOCK]
    assert wf.reopening(wf.State.DRAFT) == []
    assert wf.apply(wf.State.SUBMITTED, wf.Transition.WITHDRAW, "salah unggah") == wf.State.DRAFT
    with pytest.raises(wf.WorkflowError):
        wf.apply(wf.State.SUBMITTED, wf.Transition.WITHDRAW, " ")
    with pytest.raises(wf.WorkflowError):
        wf.apply(wf.State.VERIFIED, wf.Transition.WITHDRAW, "terlambat")


# ----------------------------------------------------------------------------- every edit path


def test_quarter_entry_evidence_and_preview_frozen_while_submitted_then_open_after_return(
    demo: Any, login_as: Any
) -> None:
    submit(demo, "quarter", 4)
    ind = pk_indicator(demo)
    operator = login_as("operator_a")
    url = reverse("quarter-entry", args=[demo.office_a.code, YEAR, 4])
    before = list(Quarter.objects.filter(indicator_year__indicator=ind).values_list("quarter", "value"))
    html = refused(operator.post(url, {f"v-{ind.pk}": "99", f"e-{ind.pk}": "uji"}))
    assert f"Data triwulan TW IV 2020 Kecamatan Kaloran {SUBMITTED}" in html
    assert "verifikator" in html and "menarik kembali" in html  # who can reopen it
    # an evidence file sent with the row is refused with it
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("bukti.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    refused(operator.post(url, {f"v-{ind.pk}": "99", f"f-{ind.pk}": upload}))
    assert list(Quarter.objects.filter(indicator_year__indicator=ind).values_list("quarter", "value")) == before
    page = operator.get(url).content.decode()
    assert 'data-testid="entry-form"' not in page and 'data-testid="workflow-frozen"' in page
    preview = operator.post(
        reverse("quarter-preview", args=[demo.office_a.code, YEAR, 4]) + f"?row={ind.pk}",
        {f"v-{ind.pk}": "99"},
        HTTP_HX_REQUEST="true",
    )
    assert preview.status_code == 200 and SUBMITTED in preview.content.decode()
    # another quarter is open
    assert operator.post(reverse("quarter-entry", args=[demo.office_a.code, YEAR, 3]), {}).status_code != 409
    move(demo, "verifier", "return", "quarter", 4, comment="Lengkapi bukti")
    assert operator.post(url, {f"v-{ind.pk}": "99", f"e-{ind.pk}": "uji"}).status_code in (200, 302)
    assert 'data-testid="entry-form"' in operator.get(url).content.decode()


def test_a_verified_quarter_stays_frozen_until_returned(demo: Any, login_as: Any) -> None:
    submit(demo, "quarter", 4)
    move(demo, "verifier", "verify", "quarter", 4)
    operator = login_as("operator_a")
    url = reverse("quarter-entry", args=[demo.office_a.code, YEAR, 4])
    html = refused(operator.post(url, {}))
    assert VERIFIED in html and "mengembalikannya" in html
    move(demo, "verifier", "return", "quarter", 4, comment="Angka TW IV perlu dicek")
    assert operator.post(url, {}).status_code != 409


def test_a_submitted_annual_report_freezes_the_quarters_budget_and_survey(demo: Any, login_as: Any) -> None:
    submit(demo, "annual")
    operator = login_as("operator_a")
    for q in (1, 4):
        html = refused(operator.post(reverse("quarter-entry", args=[demo.office_a.code, YEAR, q]), {}))
        assert f"Laporan kinerja tahunan (LKjIP) 2020 Kecamatan Kaloran {SUBMITTED}" in html
    refused(operator.post(reverse("budget-entry", args=[demo.office_a.code, YEAR]), {"op": "save"}))
    surveys = Survey.objects.filter(office=demo.office_a).count()
    refused(operator.post(reverse("survey-detail", args=[demo.office_a.code, YEAR]), {}))
    assert Survey.objects.filter(office=demo.office_a).count() == surveys


def test_budget_refused_for_a_submitted_quarter(demo: Any, login_as: Any) -> None:
    html, *_rest = budget_of_first_quarter_refused(demo, login_as, lambda: submit(demo, "quarter", 1))
    assert SUBMITTED in html


def test_pk_edit_amendment_and_targets_frozen_while_the_pk_is_submitted(demo: Any, login_as: Any) -> None:
    ind = pk_indicator(demo)
    data = _indicator_post(ind)
    operator = login_as("operator_a")
    detail = reverse("pk-detail", args=[demo.office_a.code, YEAR])
    edit_links = [reverse(n, args=[demo.office_a.code, YEAR]) for n in ("pk-edit", "pk-amend")]
    assert any(link in operator.get(detail).content.decode() for link in edit_links)
    submit(demo, "pk")
    html = operator.get(detail).content.decode()  # no edit buttons on a frozen PK: the panel says why
    assert not any(f'href="{link}"' in html for link in edit_links) and SUBMITTED in html
    versions = PkVersion.objects.filter(office=demo.office_a, year=YEAR).count()
    for name in ("pk-edit", "pk-amend"):
        html = refused(
            operator.post(
                reverse(name, args=[demo.office_a.code, YEAR]), {"first_party_name": "X", "reason": "perubahan"}
            )
        )
        assert f"Perjanjian Kinerja 2020 Kecamatan Kaloran {SUBMITTED}" in html
    assert PkVersion.objects.filter(office=demo.office_a, year=YEAR).count() == versions
    before = {t.year: t.value for t in Target.objects.filter(indicator=ind)}
    url = reverse("indicator-edit", args=[demo.office_a.code, ind.pk])
    assert SUBMITTED in refused(operator.post(url, {**data, f"target_{YEAR}": "12345"}))
    assert {t.year: t.value for t in Target.objects.filter(indicator=ind)} == before


def test_dataset_import_while_a_period_is_submitted_may_not_change_it(demo: Any) -> None:
    doc = export_office(demo.office_a)
    submit(demo, "quarter", 2)
    import_office(doc, demo.office_a.regency)  # the same data again: nothing of TW II changes
    changed = copy.deepcopy(doc)
    changed["plan"]["vision"] = "Visi lain"  # the plan's texts belong to every year it covers
    with pytest.raises(DatasetError) as err:
        import_office(changed, demo.office_a.regency)
    assert "TW II 2020" in str(err.value) and SUBMITTED in str(err.value)
    assert export_office(demo.office_a)["plan"]["vision"] == doc["plan"]["vision"]  # all rolled back
    move(demo, "verifier", "return", "quarter", 2, comment="Perbaiki")
    import_office(changed, demo.office_a.regency)  # allowed again
    assert export_office(demo.office_a)["plan"]["vision"] == "Visi lain"


def test_excel_import_refused_while_a_quarter_is_submitted(demo: Any) -> None:
    from sakip.imports import services as imports
    from tests.imports.test_services import realisasi, row, snapshot

    submit(demo, "quarter", 1)
    before = snapshot()
    outcome = imports.run(demo.office_a, "realisasi", YEAR, realisasi(row("S1.2", {1: 90}, explanation="x")))
    (p,) = outcome.problems
    assert (p.sheet, p.row, p.column) == ("Realisasi", 2, "E") and SUBMITTED in p.message  # the cell (issue #14)
    assert snapshot() == before


def test_the_lke_akip_result_refused_while_the_fourth_quarter_is_submitted(demo: Any) -> None:
    from sakip.evaluation import services as lke
    from sakip.evaluation.models import Evaluation
    from sakip.monitoring.models import IndicatorYear
    from sakip.planning.models import Indicator, Objective

    office = demo.office_a
    obj = Objective.objects.filter(plan__office=office).order_by("id")[0]
    grade = Indicator.objects.create(
        plan=obj.plan, objective=obj, code="AKIP-P", name="Predikat AKIP", unit="predikat",
        polarity="qualitative", ordinal_scale="akip", order=90,
    )  # fmt: skip
    template = lke.install_preset(office.regency, YEAR, "permenpanrb-12-2015")
    ev = Evaluation.objects.create(
        office=office, year=YEAR, template=template, status=Evaluation.Status.FINISHED,
        final_score=Decimal("87.5"), final_predicate="A",
    )  # fmt: skip
    submit(demo, "quarter", 4)
    with pytest.raises(services.PeriodLocked, match=SUBMITTED):
        lke.take_akip_realisation(ev, grade)
    assert not IndicatorYear.objects.filter(indicator=grade, year=YEAR).exists()
    move(demo, "head_a", "withdraw", "quarter", 4, comment="Nilai AKIP belum diambil")
    assert lke.take_akip_realisation(ev, grade).changed


def test_api_writes_refused_while_the_quarter_is_submitted(demo: Any) -> None:
    from sakip.api.models import ApiToken

    _token, secret = ApiToken.issue(demo.user("operator_a"), "uji")
    headers = {"Authorization": f"Bearer {secret}"}
    base = f"/api/v1/offices/{demo.office_a.code}/years/{YEAR}/quarters/4"
    ind = pk_indicator(demo)
    submit(demo, "quarter", 4)
    before = list(Quarter.objects.filter(indicator_year__indicator=ind).values_list("quarter", "value"))
    rows = {"rows": [{"indicator": ind.code, "value": "99", "explanation": "uji"}]}
    client = Client()
    r = client.post(f"{base}/realisations", rows, content_type="application/json", headers=headers)
    assert r.status_code == 409 and SUBMITTED in r.json()["detail"]
    r = client.post(f"{base}/budget", {"lines": []}, content_type="application/json", headers=headers)
    assert r.status_code == 409
    assert list(Quarter.objects.filter(indicator_year__indicator=ind).values_list("quarter", "value")) == before
    move(demo, "verifier", "return", "quarter", 4, comment="Perbaiki")
    # once returned the write goes through, with the row's version as read (tests/api/test_concurrency.py)
    read = client.get(f"/api/v1/offices/{demo.office_a.code}/years/{YEAR}/realisations", headers=headers).json()
    rows["rows"][0]["version"] = next(i for i in read["items"] if i["indicator"] == ind.code)["versions"]["4"]
    r = client.post(f"{base}/realisations", rows, content_type="application/json", headers=headers)
    assert r.status_code == 200, r.content


# ----------------------------------------------------------------------------- withdraw


def _post(client: Client, name: str, office: Any, **data: Any) -> Any:
    return client.post(reverse(name, args=[office.code, YEAR]), {"step": "quarter", "quarter": "4", **data})


def test_the_office_head_withdraws_a_submission_with_a_reason(demo: Any, login_as: Any) -> None:
    office = demo.office_a
    submit(demo, "quarter", 4)
    head = login_as("head_a")
    page = head.get(reverse("quarter-entry", args=[office.code, YEAR, 4])).content.decode()
    assert 'data-transition="withdraw"' in page and "Alasan menarik kembali" in page
    r = _post(head, "workflow-withdraw", office)  # no reason: refused
    assert r.status_code == 302 and services.state_of(office, YEAR, "quarter", 4) == "submitted"
    r = _post(head, "workflow-withdraw", office, comment="Ada realisasi yang salah ketik")
    assert r.status_code == 302 and services.state_of(office, YEAR, "quarter", 4) == "draft"
    log = TransitionLog.objects.filter(period__office=office, period__quarter=4).order_by("id").last()
    assert log is not None and (log.transition, log.from_state, log.to_state) == ("withdraw", "submitted", "draft")
    assert log.comment == "Ada realisasi yang salah ketik" and log.user_name == "kepala-kaloran"
    entry = AuditEntry.objects.filter(model="workflow.PeriodState", office_id=office.pk).order_by("id").last()
    assert entry is not None and entry.changes["state"] == ["submitted", "draft"]
    assert entry.changes["transition"] == [None, "withdraw"] and entry.comment == "Ada realisasi yang salah ketik"
    # editable again
    operator = login_as("operator_a")
    assert operator.post(reverse("quarter-entry", args=[office.code, YEAR, 4]), {}).status_code != 409


def test_withdraw_refused_to_others_and_after_verification(demo: Any, login_as: Any) -> None:
    office = demo.office_a
    submit(demo, "quarter", 4)
    head_b = get_user_model().objects.create_user("kepala-lain", password="x")
    Membership.objects.create(user=head_b, regency=office.regency, office=demo.office_b, role=Role.HEAD)
    other_head = Client()
    other_head.force_login(head_b)
    for client in (login_as("operator_a"), login_as("verifier"), login_as("operator_b"), other_head):
        assert _post(client, "workflow-withdraw", office, comment="x").status_code == 403
    assert services.state_of(office, YEAR, "quarter", 4) == "submitted"
    move(demo, "verifier", "verify", "quarter", 4)
    r = _post(login_as("head_a"), "workflow-withdraw", office, comment="terlambat")
    assert r.status_code == 302 and services.state_of(office, YEAR, "quarter", 4) == "verified"
    with pytest.raises(services.TransitionRefused):
        move(demo, "head_a", "withdraw", "quarter", 4, comment="terlambat")
