"""Who approves each step (issue #14): the regency's setting, its SAKIP default, its enforcement on every path
(the buttons, the service), the confirmation step, who acts next, and the inbox of the office's users."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from sakip.accounts.access import allowed_actions
from sakip.audit.models import AuditEntry
from sakip.domain import workflow as wf
from sakip.workflow import services
from sakip.workflow.models import ApprovalSetting, PeriodState, TransitionLog

pytestmark = pytest.mark.django_db

YEAR = 2020


def post(client: Client, name: str, office: Any, **data: Any) -> Any:
    return client.post(reverse(name, args=[office.code, YEAR]), {"step": "quarter", "quarter": "4", **data})


def set_approver(demo: Any, step: str, approver: str) -> None:
    admin = Client()
    admin.force_login(demo.user("admin"))
    data = {f"{s}-approver": "head" for s in ("pk", "quarter", "annual")}
    data[f"{step}-approver"] = approver
    response = admin.post(reverse("workflow-approvers"), data)
    assert response.status_code == 302, response.content.decode()[-800:]


def state(demo: Any) -> str:
    return str(services.state_of(demo.office_a, YEAR, "quarter", 4))


def test_the_sakip_default_the_head_approves_by_submitting_the_verifier_verifies_the_regency_locks(
    demo: Any, login_as: Any
) -> None:
    assert not ApprovalSetting.objects.exists()
    assert services.approvers_for_regency_id(demo.office_a.regency_id) == {s: wf.Approver.HEAD for s in wf.Step}
    head, verifier, admin, operator = (login_as(r) for r in ("head_a", "verifier", "admin", "operator_a"))
    page = head.get(reverse("quarter-entry", args=[demo.office_a.code, YEAR, 4])).content.decode()
    assert "Setujui dan ajukan" in page and 'data-testid="workflow-next"' in page
    assert "Kepala perangkat daerah" in page  # who acts next: the head …
    assert demo.office_a.head_name in page  # … by name (the office's head as its profile names them)
    # the operator may not submit (the head approves), on the button and in the service
    assert post(operator, "workflow-submit", demo.office_a, confirm="1").status_code == 403
    assert post(operator, "workflow-submit", demo.office_a).status_code == 403  # nor reach the confirmation
    with pytest.raises(services.TransitionRefused):
        services.transition(
            demo.office_a, YEAR, "quarter", 4, "submit", user=demo.user("operator_a"),
            allowed_actions=allowed_actions(demo.user("operator_a").membership, demo.office_a),
        )
    assert state(demo) == "draft"
    assert post(head, "workflow-submit", demo.office_a, confirm="1").status_code == 302
    assert state(demo) == "submitted"
    page = head.get(reverse("quarter-entry", args=[demo.office_a.code, YEAR, 4])).content.decode()
    assert "Disetujui kepala, diajukan" in page and "Verifikator / Inspektorat" in page
    assert post(admin, "workflow-approve", demo.office_a, confirm="1").status_code == 302  # not from submitted
    assert state(demo) == "submitted"
    assert post(head, "workflow-verify", demo.office_a, confirm="1").status_code == 403  # the head never verifies
    assert post(verifier, "workflow-verify", demo.office_a, confirm="1").status_code == 302
    assert post(verifier, "workflow-approve", demo.office_a, confirm="1").status_code == 403  # nor locks
    page = admin.get(reverse("quarter-entry", args=[demo.office_a.code, YEAR, 4])).content.decode()
    assert ">Kunci</button>" in page and "Administrator pemda" in page
    assert post(admin, "workflow-approve", demo.office_a, confirm="1").status_code == 302
    assert state(demo) == "approved"
    log = list(TransitionLog.objects.filter(period__office=demo.office_a, period__step="quarter", period__quarter=4))
    assert [(x.transition, x.user_name) for x in log] == [
        ("submit", "kepala-kaloran"), ("verify", "inspektorat"), ("approve", "admin")
    ]
    page = head.get(reverse("quarter-entry", args=[demo.office_a.code, YEAR, 4])).content.decode()
    assert "Selesai: periode terkunci" in page


def test_when_the_verifier_approves_the_operator_submits_and_the_verification_is_the_approval(
    demo: Any, login_as: Any
) -> None:
    set_approver(demo, "quarter", "verifier")
    assert ApprovalSetting.objects.get(step="quarter").approver == "verifier"
    operator, verifier, admin = login_as("operator_a"), login_as("verifier"), login_as("admin")
    page = operator.get(reverse("quarter-entry", args=[demo.office_a.code, YEAR, 4])).content.decode()
    assert 'data-transition="submit"' in page and ">Ajukan</button>" in page
    assert post(operator, "workflow-submit", demo.office_a, confirm="1").status_code == 302
    assert state(demo) == "submitted"
    page = verifier.get(reverse("quarter-entry", args=[demo.office_a.code, YEAR, 4])).content.decode()
    assert "Setujui (verifikasi)" in page
    assert post(verifier, "workflow-verify", demo.office_a, confirm="1").status_code == 302
    assert state(demo) == "verified"
    # the PK keeps the default: the operator may not submit it
    assert post(operator, "workflow-submit", demo.office_a, step="pk", quarter="", confirm="1").status_code == 403
    assert post(admin, "workflow-approve", demo.office_a, confirm="1").status_code == 302
    assert state(demo) == "approved"


def test_when_the_regency_approves_its_button_approves_and_locks(demo: Any, login_as: Any) -> None:
    set_approver(demo, "quarter", "regency")
    operator, verifier, admin = login_as("operator_a"), login_as("verifier"), login_as("admin")
    assert post(operator, "workflow-submit", demo.office_a, confirm="1").status_code == 302
    assert post(verifier, "workflow-verify", demo.office_a, confirm="1").status_code == 302
    page = admin.get(reverse("quarter-entry", args=[demo.office_a.code, YEAR, 4])).content.decode()
    assert "Setujui dan kunci" in page and "menyetujui dan mengunci" in page
    inbox = admin.get(reverse("inbox")).content.decode()
    assert "Menunggu persetujuan akhir" in inbox


def test_the_setting_page_is_the_admins_and_refuses_an_unknown_approver(demo: Any, login_as: Any) -> None:
    for role in ("planner", "verifier", "operator_a", "head_a"):
        assert login_as(role).get(reverse("workflow-approvers")).status_code == 403
        assert login_as(role).post(reverse("workflow-approvers"), {"quarter-approver": "verifier"}).status_code == 403
    admin = login_as("admin")
    page = admin.get(reverse("workflow-approvers")).content.decode()
    assert "bawaan SAKIP" in page
    response = admin.post(
        reverse("workflow-approvers"), {"pk-approver": "head", "quarter-approver": "bupati", "annual-approver": "head"}
    )
    assert response.status_code == 200 and "tidak ada yang disimpan" in response.content.decode()
    assert not ApprovalSetting.objects.exists()
    set_approver(demo, "annual", "regency")
    assert services.approvers_for_regency_id(demo.office_a.regency_id)[wf.Step.ANNUAL] is wf.Approver.REGENCY
    # audited like every setting
    assert AuditEntry.objects.filter(model="workflow.ApprovalSetting").exists()
    # another regency's setting is its own (the demo's second regency, if any, keeps the default)
    assert services.approvers_for_regency_id(demo.office_a.regency_id + 1000)[wf.Step.ANNUAL] is wf.Approver.HEAD


def test_submit_approve_and_unlock_ask_for_confirmation_first(demo: Any, login_as: Any) -> None:
    head, verifier, admin = login_as("head_a"), login_as("verifier"), login_as("admin")
    response = post(head, "workflow-submit", demo.office_a)
    html = response.content.decode()
    assert response.status_code == 200 and 'data-testid="workflow-confirm"' in html
    assert 'name="confirm" value="1"' in html and "Ya, Setujui dan ajukan" in html
    assert state(demo) == "draft"
    assert not PeriodState.objects.filter(office=demo.office_a, step="quarter", quarter=4).exists()
    assert post(head, "workflow-submit", demo.office_a, confirm="1").status_code == 302
    assert post(verifier, "workflow-verify", demo.office_a).status_code == 200
    assert state(demo) == "submitted"
    assert post(verifier, "workflow-verify", demo.office_a, confirm="1").status_code == 302
    html = post(admin, "workflow-approve", demo.office_a).content.decode()
    assert "Ya, Kunci" in html and state(demo) == "verified"
    assert post(admin, "workflow-approve", demo.office_a, confirm="1").status_code == 302
    html = post(admin, "workflow-unlock", demo.office_a, comment="Salah ketik").content.decode()
    assert "Ya, Buka kunci" in html and "Salah ketik" in html and state(demo) == "approved"
    assert post(admin, "workflow-unlock", demo.office_a, comment="Salah ketik", confirm="1").status_code == 302
    assert state(demo) == "reopened"
    # a confirmation of a transition not possible from the state: no page, the message
    response = post(admin, "workflow-approve", demo.office_a)
    assert response.status_code == 302 and state(demo) == "reopened"


def test_the_operators_inbox_lists_the_returned_quarter_with_the_note_and_what_the_head_must_submit(
    demo: Any, login_as: Any
) -> None:
    head, verifier, operator = login_as("head_a"), login_as("verifier"), login_as("operator_a")
    assert post(head, "workflow-submit", demo.office_a, confirm="1").status_code == 302
    assert post(verifier, "workflow-return", demo.office_a, comment="Bukti TW IV belum diunggah").status_code == 302
    page = operator.get(reverse("inbox")).content.decode()
    assert "Bukti TW IV belum diunggah" in page and "Data triwulan TW IV 2020" in page
    assert "perbaiki; kepala perangkat daerah lalu menyetujui dan mengajukannya lagi" in page
    page = head.get(reverse("inbox")).content.decode()
    assert "Bukti TW IV belum diunggah" in page and "perbaiki lalu ajukan lagi" in page
    # another office's operator sees only their own office (its periods still to submit, by the head)
    other = login_as("operator_b").get(reverse("inbox")).content.decode()
    assert "Bukti TW IV belum diunggah" not in other and "Kecamatan Kaloran" not in other
    assert "Belum diajukan: lengkapi datanya; kepala perangkat daerah menyetujui dan mengajukan" in other
