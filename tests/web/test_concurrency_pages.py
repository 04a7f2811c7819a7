"""No lost update on the other write pages: budget, evidence, program/objective/plan editors, deletes, the LKE
evaluator's scores and summary, the follow-up of recommendations, the dataset upload.

As in test_concurrency.py: a page is loaded by two people, one saves, the other submits the
stale page — refused (409, or for a delete button an error message) with what changed, who
changed it and when, and nothing of it stored. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sakip.accounts.models import Office, Regency, Role
from sakip.budgeting.models import BudgetLine
from sakip.core.concurrency import CHOSEN, REAPPLY
from sakip.monitoring.models import Evidence
from sakip.planning.models import Goal, Indicator, Objective, PlanPeriod, ProgramNode

from . import pages_support
from .concurrency_support import YEAR, entry_url, ind, load, quarter_value, token_of, two_clients
from .forms_support import form_fields, form_with

media = pages_support.media
regency = pages_support.regency
office = pages_support.office


def pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n% bukti uji\n", content_type="application/pdf")


# ----------------------------------------------------------------------------- the budget page


@pytest.mark.django_db
def test_budget_page_stale_save_is_refused_then_reapplied(regency: Regency, office: Office) -> None:
    ani, budi = two_clients(regency, office)
    line = BudgetLine.objects.get(budget__office=office, budget__year=YEAR, code="7.01.02.2.01")
    url = reverse("budget-entry", args=[office.code, YEAR])
    form_a, form_b = load(ani, url, "budget-form"), load(budi, url, "budget-form")
    assert form_a[f"ver-{line.pk}"] == token_of(line)
    q1 = f"q-{line.pk}-1"
    assert ani.post(url, {**form_a, q1: "41000000"}).status_code == 302
    stale = budi.post(url, {**form_b, q1: "42000000"})
    assert stale.status_code == 409
    html = stale.content.decode()
    assert 'data-testid="conflicts"' in html and "petugas-ani" in html
    line.refresh_from_db()
    assert line.quarters.get(quarter=1).realisation == Decimal(41000000)
    form_409 = form_fields(html, "budget-form")
    assert form_409[q1] == "41.000.000" and form_409[f"mine-{q1}"] == "42000000"
    assert budi.post(url, {**form_409, REAPPLY: "1"}).status_code == 302
    assert line.quarters.get(quarter=1).realisation == Decimal(42000000)


@pytest.mark.django_db
def test_budget_page_other_line_changed_is_no_conflict(regency: Regency, office: Office) -> None:
    """A change of a line the stale page does not change (its fields equal what is stored) is no conflict."""
    ani, budi = two_clients(regency, office)
    line = BudgetLine.objects.get(budget__office=office, budget__year=YEAR, code="7.01.02.2.01")
    url = reverse("budget-entry", args=[office.code, YEAR])
    form_a, form_b = load(ani, url, "budget-form"), load(budi, url, "budget-form")
    assert ani.post(url, {**form_a, f"q-{line.pk}-2": "61000000"}).status_code == 302
    # Budi types Ani's value too (they agreed on the phone): nothing to refuse
    assert budi.post(url, {**form_b, f"q-{line.pk}-2": "61000000"}).status_code == 302
    assert line.quarters.get(quarter=2).realisation == Decimal(61000000)


# ----------------------------------------------------------------------------- evidence (quarterly entry)


@pytest.mark.django_db
def test_evidence_from_two_stale_pages_is_all_kept(regency: Regency, office: Office) -> None:
    """Evidence is added, never replaced: two uploads from pages loaded at the same time are both kept."""
    ani, budi = two_clients(regency, office)
    s12 = ind("S1.2")
    url = entry_url(office, 1)
    form_a, form_b = load(ani, url, "entry-form"), load(budi, url, "entry-form")
    before = Evidence.objects.filter(indicator_year__indicator=s12).count()
    assert ani.post(url, {**form_a, f"f-{s12.pk}": pdf("bukti-ani.pdf")}).status_code == 302
    assert budi.post(url, {**form_b, f"f-{s12.pk}": pdf("bukti-budi.pdf")}).status_code == 302
    names = set(Evidence.objects.filter(indicator_year__indicator=s12).values_list("name", flat=True))
    assert {"bukti-ani.pdf", "bukti-budi.pdf"} <= names
    assert Evidence.objects.filter(indicator_year__indicator=s12).count() == before + 2


@pytest.mark.django_db
def test_evidence_of_a_refused_stale_page_is_not_stored(regency: Regency, office: Office, media: Path) -> None:
    ani, budi = two_clients(regency, office)
    s12 = ind("S1.2")
    url = entry_url(office, 1)
    form_a, form_b = load(ani, url, "entry-form"), load(budi, url, "entry-form")
    assert ani.post(url, {**form_a, f"v-{s12.pk}": "260"}).status_code == 302
    stale = budi.post(url, {**form_b, f"v-{s12.pk}": "250", f"f-{s12.pk}": pdf("bukti-budi.pdf")})
    assert stale.status_code == 409
    assert not Evidence.objects.filter(name="bukti-budi.pdf").exists()
    # no evidence file; the upload is kept aside for Budi's retry only (issue #11: never attached twice)
    assert [p.relative_to(media).parts[0] for p in media.rglob("*") if p.name.startswith("bukti-budi")] == ["pending"]
    assert "berkas sudah diunggah: bukti-budi.pdf (akan disimpan)" in stale.content.decode()
    assert quarter_value("S1.2", 1) == Decimal(260)


# ----------------------------------------------------------------------------- plan, objective, program editors


@pytest.mark.django_db
def test_plan_period_vision_of_a_stale_page_is_refused(regency: Regency, office: Office) -> None:
    ani, budi = two_clients(regency, office)
    url = reverse("plan-edit", args=[office.code])
    form_a = form_with(ani.get(url).content.decode(), op="plan")
    form_b = form_with(budi.get(url).content.decode(), op="plan")
    assert ani.post(url, {**form_a, "plan-vision": "Visi Ani"}).status_code == 302
    stale = budi.post(url, {**form_b, "plan-vision": "Visi Budi"})
    assert stale.status_code == 409
    assert "Visi Ani" in stale.content.decode() and "petugas-ani" in stale.content.decode()
    assert PlanPeriod.objects.get(office=office).vision == "Visi Ani"


@pytest.mark.django_db
def test_objective_edit_of_a_stale_page_is_refused(regency: Regency, office: Office) -> None:
    ani, budi = two_clients(regency, office)
    objective = Objective.objects.get(plan__office=office, code="S1")
    url = reverse("plan-edit", args=[office.code])
    form_a = form_with(ani.get(url).content.decode(), op="objective", id=str(objective.pk))
    form_b = form_with(budi.get(url).content.decode(), op="objective", id=str(objective.pk))
    prefix = f"o{objective.pk}"
    assert ani.post(url, {**form_a, f"{prefix}-text": "Sasaran versi Ani"}).status_code == 302
    stale = budi.post(url, {**form_b, f"{prefix}-weight": "2"})
    assert stale.status_code == 409  # Budi's page still shows the old text: storing it would undo Ani's
    objective.refresh_from_db()
    assert objective.text == "Sasaran versi Ani" and objective.weight == Decimal(1)
    form_409 = form_with(stale.content.decode(), op="objective", id=str(objective.pk))
    assert form_409[f"{prefix}-text"] == "Sasaran versi Ani" and form_409[f"{prefix}-weight"] == "1"
    assert sorted(form_409[CHOSEN]) == [f"{prefix}-text", f"{prefix}-weight"]
    form_409[CHOSEN] = [f"{prefix}-weight"]  # "use my values" for the weight only: Ani's text, Budi's weight
    assert budi.post(url, {**form_409, REAPPLY: "1"}).status_code == 302
    objective.refresh_from_db()
    assert (objective.text, objective.weight) == ("Sasaran versi Ani", Decimal(2))


@pytest.mark.django_db
def test_program_edit_of_a_stale_page_is_refused(regency: Regency, office: Office) -> None:
    ani, budi = two_clients(regency, office)
    node = ProgramNode.objects.get(plan__office=office, code="7.01.01")
    url = reverse("program-edit", args=[office.code])
    prefix = f"p{node.pk}"
    wanted = {"id": str(node.pk), f"{prefix}-ver": token_of(node)}
    form_a, form_b = (form_with(c.get(url).content.decode(), **wanted) for c in (ani, budi))
    assert ani.post(url, {**form_a, f"{prefix}-name": "Program versi Ani"}).status_code == 302
    stale = budi.post(url, {**form_b, f"{prefix}-name": "Program versi Budi"})
    assert stale.status_code == 409
    html = stale.content.decode()
    assert "Program versi Ani" in html and "Program versi Budi" in html and "petugas-ani" in html
    node.refresh_from_db()
    assert node.name == "Program versi Ani"
    node_409 = form_with(html, **{"id": str(node.pk), f"{prefix}-ver": token_of(node)})
    assert budi.post(url, {**node_409, REAPPLY: "1"}).status_code == 302
    node.refresh_from_db()
    assert node.name == "Program versi Budi"


# ----------------------------------------------------------------------------- delete buttons of a stale page


def _deletable(office: Office, kind: str) -> tuple[object, str, dict[str, str], str, dict[str, str]]:
    """A row of ``kind`` nothing depends on; the page with its delete button, the button's fields, the editor
    URL where the other person changes it and the change (with the fields that pick the editor's form)."""
    plan = PlanPeriod.objects.get(office=office)
    plan_url = reverse("plan-edit", args=[office.code])
    if kind == "goal":
        goal = Goal.objects.create(plan=plan, code="T9", text="Tujuan sementara", order=9)
        return goal, plan_url, {"op": "goal-delete", "id": str(goal.pk)}, plan_url, {
            "op": "goal", "id": str(goal.pk), f"g{goal.pk}-text": "Tujuan diubah"}
    if kind == "objective":
        goal = Goal.objects.get(plan=plan, code="T1")
        o = Objective.objects.create(plan=plan, goal=goal, code="S9", text="Sasaran sementara", order=9)
        return o, plan_url, {"op": "objective-delete", "id": str(o.pk)}, plan_url, {
            "op": "objective", "id": str(o.pk), f"o{o.pk}-text": "Sasaran diubah"}
    if kind == "program":
        node = ProgramNode.objects.get(plan=plan, code="7.01.01.2.01.0001")
        url = reverse("program-edit", args=[office.code])
        return node, url, {"op": "delete", "id": str(node.pk)}, url, {
            "id": str(node.pk), f"p{node.pk}-ver": token_of(node), f"p{node.pk}-name": "Sub kegiatan diubah"}
    goal = Goal.objects.get(plan=plan, code="T1")
    indicator = Indicator.objects.create(plan=plan, goal=goal, code="T1.9", name="Indikator sementara", unit="%",
                                         order=9)
    url = reverse("indicator-edit", args=[office.code, indicator.pk])
    return indicator, url, {"op": "delete"}, url, {"name": "Indikator diubah"}


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["goal", "objective", "program", "indicator"])
def test_delete_from_a_stale_page_is_refused(regency: Regency, office: Office, kind: str) -> None:
    ani, budi = two_clients(regency, office)
    row, page_url, button, edit_url, change = _deletable(office, kind)
    button_b = form_with(budi.get(page_url).content.decode(), **button)
    assert button_b["ver"] == token_of(row)
    # Ani changes the row on her page (the editor's form as loaded, with her change)
    fields = {k: v for k, v in change.items() if k in ("op", "id") or k.endswith("-ver")}
    edit_a = form_with(ani.get(edit_url).content.decode(), **fields) if fields else load(ani, edit_url,
                                                                                           "indicator-form")
    assert ani.post(edit_url, {**edit_a, **change}).status_code == 302
    # Budi's delete button was loaded before: refused, with who changed what
    refused = budi.post(page_url, button_b, follow=True)
    html = refused.content.decode()
    assert "tidak dihapus" in html and "petugas-ani" in html and "diubah" in html
    assert type(row).objects.filter(pk=row.pk).exists()  # type: ignore[attr-defined]
    # a fresh page deletes it
    fresh = form_with(budi.get(page_url).content.decode(), **button)
    assert budi.post(page_url, fresh).status_code == 302
    assert not type(row).objects.filter(pk=row.pk).exists()  # type: ignore[attr-defined]


# ----------------------------------------------------------------------------- LKE: evaluator, follow-up


def _evaluation_in_scoring(regency: Regency, office: Office) -> object:
    from sakip.evaluation import services as lke
    from sakip.evaluation.models import Evaluation

    ev = lke.start_evaluation(office, YEAR, lke.install_preset(regency, YEAR, lke.DEFAULT_PRESET))
    Evaluation.objects.filter(pk=ev.pk).update(status=Evaluation.Status.EVALUATION)
    return ev


def _first_answer(ev: object) -> object:
    from sakip.evaluation.models import Answer

    return Answer.objects.filter(evaluation=ev).order_by(
        "criterion__subcomponent__component__order", "criterion__subcomponent__order", "criterion__order"
    )[0]


@pytest.mark.django_db
def test_lke_evaluator_score_of_a_stale_page_is_refused(regency: Regency, office: Office) -> None:
    ev = _evaluation_in_scoring(regency, office)
    ani, budi = two_clients(regency, None, Role.VERIFIER, ("evaluator-ani", "evaluator-budi"))
    url = reverse("evaluation-score", args=[office.code, YEAR])
    form_a, form_b = load(ani, url, "lke-score-form"), load(budi, url, "lke-score-form")
    a = _first_answer(ev)
    key = f"c{a.pk}"  # type: ignore[attr-defined]
    for form in (form_a, form_b):  # the evaluator fills every shown criterion the same, but for the first
        form[f"{key}-value"] = ""
    assert ani.post(url, {**form_a, f"{key}-value": "Y", f"{key}-note": "Evaluator Ani"}).status_code == 302
    stale = budi.post(url, {**form_b, f"{key}-value": "T", f"{key}-note": "Evaluator Budi"})
    assert stale.status_code == 409
    assert "evaluator-ani" in stale.content.decode()
    a.refresh_from_db()  # type: ignore[attr-defined]
    assert (a.evaluator_value, a.evaluator_note) == ("Y", "Evaluator Ani")  # type: ignore[attr-defined]
    again = budi.post(url, {**form_fields(stale.content.decode(), "lke-score-form"), REAPPLY: "1"})
    assert again.status_code == 302
    a.refresh_from_db()  # type: ignore[attr-defined]
    assert (a.evaluator_value, a.evaluator_note) == ("T", "Evaluator Budi")  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_lke_summary_of_a_stale_page_is_refused(regency: Regency, office: Office) -> None:
    from sakip.evaluation.models import Evaluation

    ev = _evaluation_in_scoring(regency, office)
    ani, budi = two_clients(regency, None, Role.VERIFIER, ("evaluator-ani", "evaluator-budi"))
    url = reverse("evaluation-score", args=[office.code, YEAR])
    form_a, form_b = load(ani, url, "lke-score-form"), load(budi, url, "lke-score-form")
    assert ani.post(url, {**form_a, "summary": "Simpulan Ani\r\nbaris kedua"}).status_code == 302
    stale = budi.post(url, {**form_b, "summary": "Simpulan Budi"})
    assert stale.status_code == 409
    html = stale.content.decode()
    assert "Simpulan Ani" in html and "Simpulan Budi" in html
    assert Evaluation.objects.get(pk=ev.pk).summary == "Simpulan Ani\r\nbaris kedua"  # type: ignore[attr-defined]
    form_409 = form_fields(html, "lke-score-form")
    assert form_409["summary"].replace("\r\n", "\n").strip() == "Simpulan Ani\nbaris kedua"
    # saving the 409 page as shown keeps Ani's summary; "use my values" stores Budi's
    assert budi.post(url, {**form_409, REAPPLY: "1"}).status_code == 302
    assert Evaluation.objects.get(pk=ev.pk).summary == "Simpulan Budi"  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_lke_follow_up_of_a_stale_page_is_refused(regency: Regency, office: Office) -> None:
    from sakip.evaluation.models import Recommendation

    ev = _evaluation_in_scoring(regency, office)
    rec = Recommendation.objects.create(evaluation=ev, text="Perbaiki cascading kinerja")
    ani, budi = two_clients(regency, office)
    url = reverse("evaluation-recommendations", args=[office.code, YEAR])
    form_a, form_b = load(ani, url, "lke-follow-up"), load(budi, url, "lke-follow-up")
    r = f"r{rec.pk}"
    assert ani.post(url, {**form_a, f"{r}-note": "Tindak lanjut Ani", f"{r}-status": "in_progress"}).status_code == 302
    stale = budi.post(url, {**form_b, f"{r}-note": "Tindak lanjut Budi", f"{r}-status": "done"})
    assert stale.status_code == 409
    html = stale.content.decode()
    assert "Tindak lanjut Ani" in html and "Tindak lanjut Budi" in html and "petugas-ani" in html
    rec.refresh_from_db()
    assert (rec.follow_up_note, rec.follow_up_status) == ("Tindak lanjut Ani", "in_progress")
    form_409 = form_fields(html, "lke-follow-up")
    assert form_409[f"{r}-note"] == "Tindak lanjut Ani"
    form_409[CHOSEN] = [f"{r}-status"]  # Budi keeps Ani's text and stores his status
    assert budi.post(url, {**form_409, REAPPLY: "1"}).status_code == 302
    rec.refresh_from_db()
    assert (rec.follow_up_note, rec.follow_up_status) == ("Tindak lanjut Ani", "done")


# ----------------------------------------------------------------------------- the dataset upload


@pytest.mark.django_db
def test_dataset_upload_over_changes_made_since_the_page_was_loaded_is_refused(
    regency: Regency, office: Office
) -> None:
    ani, budi = two_clients(regency, office)
    data_url = reverse("office-data", args=[office.code])
    exported = ani.get(reverse("office-export", args=[office.code])).content
    form_a = load(ani, data_url, "import-form")
    # Budi enters a realisation after Ani opened the upload page
    s12 = ind("S1.2")
    assert budi.post(entry_url(office, 1), {**load(budi, entry_url(office, 1), "entry-form"),
                                            f"v-{s12.pk}": "270"}).status_code == 302

    def upload() -> SimpleUploadedFile:
        return SimpleUploadedFile("contoh.yaml", exported, content_type="application/yaml")

    refused = ani.post(data_url, {**form_a, "file": upload()})
    assert refused.status_code == 409
    html = refused.content.decode()
    assert "petugas-budi" in html and "240 → 270" in html
    assert quarter_value("S1.2", 1) == Decimal(270)  # Budi's entry was not replaced
    # the 409 page's form carries the new version: uploading again replaces it, as Ani now knowingly asks
    again = ani.post(data_url, {**form_fields(html, "import-form"), "file": upload()})
    assert again.status_code == 302
    assert quarter_value("S1.2", 1) == Decimal(240)


@pytest.mark.django_db
def test_dataset_upload_without_the_page_version_is_not_refused(regency: Regency, office: Office) -> None:
    """A client that does not send the version (a script) replaces the data as before."""
    ani, _budi = two_clients(regency, office)
    exported = ani.get(reverse("office-export", args=[office.code])).content
    upload = SimpleUploadedFile("contoh.yaml", exported, content_type="application/yaml")
    assert ani.post(reverse("office-data", args=[office.code]), {"file": upload}).status_code == 302


@pytest.mark.django_db
def test_two_new_indicators_with_the_same_code(regency: Regency, office: Office) -> None:
    """Two pages add indicator T1.9: the second is a form error ("sudah dipakai"), never a 500 or a second row."""
    ani, budi = two_clients(regency, office)
    goal = Goal.objects.get(plan__office=office, code="T1")
    url = reverse("indicator-add", args=[office.code]) + f"?tujuan={goal.pk}"
    form_a, form_b = load(ani, url, "indicator-form"), load(budi, url, "indicator-form")
    new = {"code": "T1.9", "unit": "%", "target_2025": "80"}
    assert ani.post(url, {**form_a, **new, "name": "Indikator Ani"}).status_code == 302
    second = budi.post(url, {**form_b, **new, "name": "Indikator Budi"})
    assert second.status_code == 200 and "sudah dipakai" in second.content.decode()
    assert list(Indicator.objects.filter(plan__office=office, code="T1.9").values_list("name", flat=True)) == [
        "Indikator Ani"
    ]
