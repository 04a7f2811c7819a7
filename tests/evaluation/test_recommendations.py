"""Recommendations per sub-component carried to the next year with one follow-up history (issue #15):
carried once while unfinished, not once finished (done and confirmed), the history on the original;
who may record and confirm; the audit trail; the sub-component pages and the LKE .docx."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse
from docx import Document as DocxDocument

from sakip.audit.models import AuditEntry
from sakip.evaluation import recommendations, services
from sakip.evaluation.models import Evaluation, Recommendation
from sakip.evaluation.report import evaluation_report_docx
from tests.web.demo_support import Demo

from .regency_support import scored_evaluation

YEAR = 2022


@pytest.fixture()
def client_as(demo_once: Demo, db: None) -> Callable[[str], Client]:
    def make(role: str) -> Client:
        c = Client()
        c.force_login(demo_once.user(role))
        return c

    return make


def url(name: str, office: Any, year: int = YEAR, *args: Any) -> str:
    return reverse(name, args=[office.code, year, *args])


@pytest.fixture()
def first(demo_once: Demo, db: None) -> Evaluation:
    """Office A's evaluation of YEAR, at the evaluator, with three recommendations."""
    ev = scored_evaluation(demo_once.office_a, YEAR, 0.6)
    recommendations.add(ev, "Tetapkan pohon kinerja.", "1.a", "", None)
    recommendations.add(ev, "Publikasikan Renstra.", "1.b", "", None)
    recommendations.add(ev, "Susun SOP pengumpulan data.", "", "2", None)
    return ev


def follow(c: Client, office: Any, year: int, rec: Recommendation, status: str, note: str = "", **extra: str) -> Any:
    page = c.get(url("evaluation-recommendations", office, year)).content.decode()
    assert f'name="r{rec.pk}-status"' in page
    data = {f"r{rec.pk}-status": status, f"r{rec.pk}-note": note, **{f"r{rec.pk}-{k}": v for k, v in extra.items()}}
    return c.post(url("evaluation-recommendations", office, year), data)


def test_unfinished_carried_once_finished_not_one_history(
    demo_once: Demo, first: Evaluation, client_as: Callable[[str], Client]
) -> None:
    office = demo_once.office_a
    op, insp = client_as("operator_a"), client_as("verifier")
    tree, renstra, sop = list(first.recommendations.order_by("order"))
    assert (tree.subcomponent.code, renstra.subcomponent.code, sop.subcomponent) == ("1.a", "1.b", None)
    assert follow(op, office, YEAR, tree, "in_progress", "Rancangan pohon kinerja.").status_code == 302
    assert follow(op, office, YEAR, renstra, "done", "Renstra di laman web.", date="2022-11-03").status_code == 302
    assert (
        insp.post(url("evaluation-recommendation-confirm", office, YEAR, renstra.pk), {"confirm": "1"}).status_code
        == 302
    )
    assert follow(op, office, YEAR, sop, "done", "SOP ditetapkan.").status_code == 302  # done, not yet confirmed

    nxt = scored_evaluation(office, YEAR + 1, 0.6)
    carried = list(nxt.recommendations.order_by("order"))
    # unfinished carried (the one done but not confirmed too); the confirmed one is not
    assert [r.carried_from for r in carried] == [tree, sop]
    assert carried[0].subcomponent.code == "1.a" and carried[0].subcomponent.component.template == nxt.template
    assert all(r.follow_up_status == "open" and not r.follow_up_note for r in carried)  # nothing copied
    # carried once: starting again or submitting does not carry twice
    assert recommendations.carry(nxt) == []
    assert nxt.recommendations.count() == 2

    # the follow-up recorded in the next year lands on the original: one history
    assert follow(op, office, YEAR + 1, tree, "done", "Pohon kinerja ditetapkan.").status_code == 302
    tree.refresh_from_db()
    assert tree.follow_up_status == "done" and tree.follow_up_note == "Pohon kinerja ditetapkan."
    assert tree.follow_up_by == demo_once.user("operator_a") and tree.follow_up_date is not None
    both = [op.get(url("evaluation-recommendations", office, y)).content.decode() for y in (YEAR, YEAR + 1)]
    assert all("Pohon kinerja ditetapkan." in p for p in both)
    # confirmed in the later year: no longer carried into the year after; the SOP (still unconfirmed) is,
    # linked to its original (not to the carried row)
    assert (
        insp.post(url("evaluation-recommendation-confirm", office, YEAR + 1, tree.pk), {"confirm": "1"}).status_code
        == 302
    )
    third = scored_evaluation(office, YEAR + 2, 0.6)
    assert [r.carried_from for r in third.recommendations.all()] == [sop]
    assert sop.carried_to.count() == 2
    # the history of the original is the audit trail of its row
    changes = AuditEntry.objects.filter(model__iexact="evaluation.recommendation", object_id=str(tree.pk))
    statuses = [e.changes.get("follow_up_status") for e in changes.order_by("id") if "follow_up_status" in e.changes]
    assert statuses == [[None, "open"], ["open", "in_progress"], ["in_progress", "done"]]  # created, then changed
    assert any("confirmed_by" in e.changes for e in changes)


def test_who_records_and_who_confirms(demo_once: Demo, first: Evaluation, client_as: Callable[[str], Client]) -> None:
    office = demo_once.office_a
    tree = first.recommendations.get(subcomponent__code="1.a")
    confirm = url("evaluation-recommendation-confirm", office, YEAR, tree.pk)
    # the evaluator does not record the office's follow-up; another office's operator cannot either
    for role in ("verifier", "planner"):
        r = client_as(role).post(url("evaluation-recommendations", office), {f"r{tree.pk}-status": "done"})
        assert r.status_code == 403, role
    assert client_as("operator_b").post(url("evaluation-recommendations", office), {}).status_code == 403
    # the office does not confirm
    for role in ("operator_a", "head_a", "operator_b", "planner"):
        assert client_as(role).post(confirm, {"confirm": "1"}).status_code == 403, role
    tree.refresh_from_db()
    assert tree.follow_up_status == "open" and tree.confirmed_at is None
    insp = client_as("verifier")
    # nothing to confirm before the office says done
    insp.post(confirm, {"confirm": "1"})
    tree.refresh_from_db()
    assert tree.confirmed_at is None
    op = client_as("operator_a")
    follow(op, office, YEAR, tree, "done", "Selesai.")
    # returned only with a reason
    insp.post(confirm, {"confirm": "0", "note": ""})
    tree.refresh_from_db()
    assert tree.follow_up_status == "done"
    insp.post(confirm, {"confirm": "0", "note": "Bukti penetapan belum diunggah."})
    tree.refresh_from_db()
    assert tree.follow_up_status == "in_progress" and tree.confirmation_note == "Bukti penetapan belum diunggah."
    follow(op, office, YEAR, tree, "done", "Selesai, SK diunggah.", link="https://contoh.go.id/sk.pdf")
    insp.post(confirm, {"confirm": "1", "note": "Sesuai."})
    tree.refresh_from_db()
    assert recommendations.is_finished(tree) and tree.confirmed_by == demo_once.user("verifier")
    # the office changes it after the confirmation: the confirmation is cleared
    follow(op, office, YEAR, tree, "done", "Selesai, SK diunggah ulang.", link="https://contoh.go.id/sk.pdf")
    tree.refresh_from_db()
    assert not recommendations.is_finished(tree) and tree.confirmed_at is None
    # a bad date stores nothing
    r = follow(op, office, YEAR, tree, "in_progress", "x", date="03-11-2022")
    assert r.status_code == 200
    tree.refresh_from_db()
    assert tree.follow_up_status == "done"


def test_shown_on_the_sub_component_pages_and_in_the_docx(
    demo_once: Demo, first: Evaluation, client_as: Callable[[str], Client]
) -> None:
    office = demo_once.office_a
    op = client_as("operator_a")
    tree = first.recommendations.get(subcomponent__code="1.a")
    follow(op, office, YEAR, tree, "in_progress", "Rancangan pohon kinerja.", date="2022-10-01")
    score = client_as("verifier").get(url("evaluation-score", office)).content.decode()
    assert 'data-testid="lke-sub-recommendations-1.a"' in score and "Tetapkan pohon kinerja." in score
    assert "Dalam proses" in score and "Rancangan pohon kinerja." in score
    own = op.get(url("evaluation-office", office)).content.decode()
    assert 'data-testid="lke-sub-recommendations-1.b"' in own

    nxt = scored_evaluation(office, YEAR + 1, 0.6)
    recommendations.add(nxt, "Integrasikan data kinerja.", "2.a", "", None)
    doc = DocxDocument(io.BytesIO(evaluation_report_docx(nxt)))
    texts = [p.text for p in doc.paragraphs]
    assert any("Tindak lanjut rekomendasi tahun lalu" in t for t in texts)
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables]
    carried = next(t for t in tables if t[0][-1] == "Konfirmasi evaluator")
    assert [row[1] for row in carried[1:]] == [
        f"Tetapkan pohon kinerja. (rekomendasi {YEAR})",
        f"Publikasikan Renstra. (rekomendasi {YEAR})",
        f"Susun SOP pengumpulan data. (rekomendasi {YEAR})",
    ]
    assert carried[1][2] == "1.a" and carried[1][3] == "Dalam proses"
    assert "Rancangan pohon kinerja." in carried[1][4] and "1 Oktober 2022" in carried[1][4]
    own_table = next(t for t in tables if t[0][1] == "Rekomendasi" and t[0][-1] == "Tindak lanjut")
    assert [row[1] for row in own_table[1:]] == ["Integrasikan data kinerja."]


def test_adding_needs_a_known_sub_component(
    demo_once: Demo, first: Evaluation, client_as: Callable[[str], Client]
) -> None:
    office = demo_once.office_a
    add = url("evaluation-recommendation-add", office)
    insp = client_as("verifier")
    before = first.recommendations.count()
    insp.post(add, {"text": "Tidak dikenal.", "subcomponent": "9.z"})
    insp.post(add, {"text": "  ", "subcomponent": "1.a"})
    assert first.recommendations.count() == before
    insp.post(add, {"text": "Perbaiki IKU.", "subcomponent": "1.c"})
    rec = first.recommendations.get(text="Perbaiki IKU.")
    assert rec.subcomponent.code == "1.c" and rec.component_code == "1"
    assert client_as("operator_a").post(add, {"text": "x", "subcomponent": "1.a"}).status_code == 403


def test_the_migration_flattens_old_carried_copies(demo_once: Demo, db: None) -> None:
    """Rows carried before (copies pointing at the previous year's row, each with its own follow-up) become
    one history: the chain points at the original, which takes the latest follow-up."""
    from importlib import import_module

    migration = import_module("sakip.evaluation.migrations.0005_recommendation_follow_up")
    office = demo_once.office_a
    evs = [services.start_evaluation(office, y, services.install_preset(office.regency, y)) for y in (2019, 2020, 2021)]
    root = Recommendation.objects.create(evaluation=evs[0], text="Rekomendasi lama.", follow_up_status="open")
    mid = Recommendation.objects.create(
        evaluation=evs[1],
        text="Rekomendasi lama.",
        carried_from=root,
        follow_up_status="in_progress",
        follow_up_note="Mulai.",
    )
    last = Recommendation.objects.create(
        evaluation=evs[2],
        text="Rekomendasi lama.",
        carried_from=mid,
        follow_up_status="in_progress",
        follow_up_note="Hampir selesai.",
    )
    migration.one_history(apps, None)
    root.refresh_from_db(), mid.refresh_from_db(), last.refresh_from_db()
    assert (mid.carried_from, last.carried_from) == (root, root)
    assert (root.follow_up_status, root.follow_up_note) == ("in_progress", "Hampir selesai.")
    assert (last.follow_up_note, mid.follow_up_note) == ("", "")


def test_a_confirmation_from_a_stale_page_is_refused(
    demo_once: Demo, first: Evaluation, client_as: Callable[[str], Client]
) -> None:
    """The evaluator confirms what the page showed: a follow-up the office changed since then is not confirmed."""
    import re

    office = demo_once.office_a
    op, insp = client_as("operator_a"), client_as("verifier")
    tree = first.recommendations.get(subcomponent__code="1.a")
    follow(op, office, YEAR, tree, "done", "SK ditetapkan.")
    page = insp.get(url("evaluation-recommendations", office)).content.decode()
    ver = re.search(rf'form="confirm-{tree.pk}" name="ver" value="([^"]+)"', page)
    assert ver is not None
    follow(op, office, YEAR, tree, "done", "SK ditetapkan; bukti belum ada.")  # the office changes it meanwhile
    confirm = url("evaluation-recommendation-confirm", office, YEAR, tree.pk)
    r = insp.post(confirm, {"confirm": "1", "ver": ver.group(1)}, follow=True)
    assert "diubah sejak halaman dibuka" in r.content.decode()
    tree.refresh_from_db()
    assert tree.confirmed_at is None
    page = insp.get(url("evaluation-recommendations", office)).content.decode()
    ver = re.search(rf'form="confirm-{tree.pk}" name="ver" value="([^"]+)"', page)
    assert ver is not None
    insp.post(confirm, {"confirm": "1", "ver": ver.group(1)})
    tree.refresh_from_db()
    assert recommendations.is_finished(tree)
