"""LKE pages on the demo regency: self-assessment, evaluator, summary, recommendations, report, AKIP link.

Office A is Kecamatan Kaloran (2020), office B Kecamatan Kaliwates. Expected scores are
computed in the tests from the regulation's weights, not read from the code.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from sakip.evaluation import recommendations, services
from sakip.evaluation.models import Answer, Evaluation, Recommendation, Template
from sakip.monitoring.models import IndicatorYear
from sakip.planning.models import Indicator, Objective
from sakip.workflow.models import PeriodState
from tests.web.demo_support import Demo

from .support import PDF, make_evaluation

YEAR = 2020


@pytest.fixture()
def client_as(demo_once: Demo, db: None) -> Callable[[str], Client]:
    def make(role: str) -> Client:
        c = Client()
        c.force_login(demo_once.user(role))
        return c

    return make


def url(name: str, office: Any, year: int = YEAR, *args: Any) -> str:
    return reverse(name, args=[office.code, year, *args])


def answers(ev: Evaluation) -> list[Answer]:
    return list(
        ev.answers.select_related("criterion__answer_set", "criterion__subcomponent__component").order_by(
            "criterion__subcomponent__component__order", "criterion__subcomponent__order", "criterion__order"
        )
    )


def best(a: Answer) -> str:
    return str(max(a.criterion.answer_set.options, key=lambda o: Decimal(str(o["value"])))["code"])


def start(c: Client, office: Any, year: int = YEAR, preset: str = "permenpanrb-88-2021") -> Evaluation:
    r = c.post(url("evaluation-office", office, year), {"template": f"preset:{preset}"})
    assert r.status_code == 302, r.content[:500]
    return Evaluation.objects.get(office=office, year=year)


def fill_self(c: Client, ev: Evaluation, office: Any, pick: Callable[[Answer], str] = best) -> None:
    c.get(url("evaluation-office", office, ev.year))  # creates the answer rows
    data = {f"c{a.pk}-value": pick(a) for a in answers(ev)}
    r = c.post(url("evaluation-office", office, ev.year), data)
    assert r.status_code == 302, r.content[:2000]


# ----------------------------------------------------------------------------- the whole flow


def test_self_assessment_evaluator_summary_and_report(demo_once: Demo, client_as: Callable[[str], Client]) -> None:
    office = demo_once.office_a
    op, insp = client_as("operator_a"), client_as("verifier")
    r = op.get(url("evaluation-office", office))
    assert r.status_code == 200 and b'data-testid="lke-start"' in r.content
    ev = start(op, office)
    assert ev.status == Evaluation.Status.SELF and ev.template.preset == "permenpanrb-88-2021"

    # the office answers everything at the best option, with a link and a file on the first criterion
    op.get(url("evaluation-office", office))
    rows = answers(ev)
    assert len(rows) == 80
    first = rows[0]
    data: dict[str, Any] = {f"c{a.pk}-value": best(a) for a in rows}
    data[f"c{first.pk}-link"] = "https://jdih.example.go.id/pedoman.pdf"
    data[f"c{first.pk}-note"] = "Perbup <b>pedoman</b> kinerja"
    data[f"c{first.pk}-file"] = SimpleUploadedFile("pedoman.pdf", PDF, content_type="application/pdf")
    r = op.post(url("evaluation-office", office), data)
    assert r.status_code == 302
    first.refresh_from_db()
    assert first.self_value == "Y" and first.evidence_link.endswith("pedoman.pdf") and first.evidence_file
    page = op.get(url("evaluation-office", office)).content.decode()
    assert "Perbup &lt;b&gt;pedoman&lt;/b&gt; kinerja" in page  # escaped, never rendered
    assert 'data-testid="lke-own-total">80,00<' in page  # all met: BB on every sub-component

    # the evaluator cannot score before the office submits
    r = insp.post(url("evaluation-score", office), {f"c{first.pk}-value": "T"})
    assert r.status_code == 302
    first.refresh_from_db()
    assert first.evaluator_value == ""
    assert op.post(url("evaluation-submit", office)).status_code == 302
    ev.refresh_from_db()
    assert ev.status == Evaluation.Status.EVALUATION
    # once submitted, the office's answers are frozen
    op.post(url("evaluation-office", office), {f"c{first.pk}-value": "T"})
    first.refresh_from_db()
    assert first.self_value == "Y"

    # evaluator: everything best except two criteria
    rows = answers(ev)
    ev_data = {f"c{a.pk}-value": best(a) for a in rows}
    by_code = {a.criterion.code: a for a in rows}
    ev_data[f"c{by_code['1.a.1'].pk}-value"] = "T"  # 5 of 6 keberadaan criteria of Perencanaan: B, 70 % of 6
    ev_data[f"c{by_code['3.c.7'].pk}-value"] = "T"  # 6 of 7 pemanfaatan criteria of Pelaporan: B, 70 % of 7.5
    ev_data[f"c{by_code['1.a.1'].pk}-note"] = "Pedoman belum ditetapkan dengan peraturan kepala daerah."
    ev_data["summary"] = "Implementasi SAKIP sudah sangat baik."
    r = insp.post(url("evaluation-score", office), ev_data)
    assert r.status_code == 302
    s = services.scores(ev)
    assert s.evaluator.total.value == Decimal("78.65")  # 80 − 0.6 − 0.75
    assert s.own.total.value == 80
    # the evaluator lifts 4.c (all met) to AA: an innovation fit as a national example, with a note
    sub_4c = ev.template.components.get(code="4").subcomponents.get(code="4.c")
    services.set_grade(ev, sub_4c, "AA", "innovation", "Aplikasi evaluasi internal ditiru 12 pemda.", None)
    s = services.scores(ev)
    assert s.evaluator.total.value == Decimal("81.15")  # + 12.5 × (100 − 80) %

    assert insp.post(url("evaluation-finish", office)).status_code == 302
    ev.refresh_from_db()
    assert ev.status == Evaluation.Status.FINISHED
    assert ev.final_score == Decimal("81.15") and ev.final_predicate == "A"

    page = op.get(url("evaluation-summary", office)).content.decode()
    assert 'data-testid="lke-own-total">80,00<' in page  # all met: BB on every sub-component
    assert 'data-testid="lke-evaluator-total">81,15<' in page
    assert 'data-testid="lke-evaluator-predicate">A<' in page
    # differences: Perencanaan Kinerja −0,6 (its keberadaan row too); Pelaporan −0,75 (and 3.c); 4.c +2,5
    assert page.count(">-0,60<") == 2 and page.count(">-0,75<") == 2 and page.count(">2,50<") == 2

    r = op.get(url("evaluation-report", office))
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    d = docx.Document(io.BytesIO(r.content))
    text = "\n".join(p.text for p in d.paragraphs)
    cells = [c.text for t in d.tables for row in t.rows for c in row.cells]
    assert "nilai 81,15 dari 100 dengan predikat A" in text
    assert "Tabel 1.1" in text and "Tabel 2.8" in text  # numbered: the summary, then 2 tables per component
    assert any("Inspektur" in c for c in cells) or "Inspektur" in text  # the signature block
    assert "Pedoman belum ditetapkan dengan peraturan kepala daerah." in cells
    assert "Implementasi SAKIP sudah sangat baik." in text


def test_a_wrong_answer_or_link_stores_nothing(demo_once: Demo, client_as: Callable[[str], Client]) -> None:
    office = demo_once.office_a
    op = client_as("operator_a")
    ev = start(op, office)
    op.get(url("evaluation-office", office))
    a, b = answers(ev)[:2]
    r = op.post(
        url("evaluation-office", office),
        {
            f"c{a.pk}-value": "Y",
            f"c{b.pk}-value": "A",
            f"c{b.pk}-link": "javascript:alert(1)",
        },
    )
    assert r.status_code == 200
    page = r.content.decode()
    assert "1.a.2" in page and "bukan pilihan" in page and "http(s)" in page
    a.refresh_from_db()
    assert a.self_value == ""  # the valid row was not stored either
    r = op.post(
        url("evaluation-office", office),
        {f"c{a.pk}-value": "Y", f"c{a.pk}-file": SimpleUploadedFile("x.exe", b"MZ...", content_type="x")},
    )
    assert r.status_code == 200 and "tidak diizinkan" in r.content.decode()
    a.refresh_from_db()
    assert a.self_value == "" and not a.evidence_file


def test_finish_needs_every_criterion_scored(demo_once: Demo, client_as: Callable[[str], Client]) -> None:
    office = demo_once.office_a
    op, insp = client_as("operator_a"), client_as("verifier")
    ev = start(op, office)
    op.get(url("evaluation-office", office))
    first = answers(ev)[0]
    op.post(url("evaluation-office", office), {f"c{first.pk}-value": "Y"})
    op.post(url("evaluation-submit", office))
    ev.refresh_from_db()
    assert ev.status == Evaluation.Status.SELF  # incomplete self-assessment is not sent
    fill_self(op, ev, office)
    op.post(url("evaluation-submit", office))
    insp.post(url("evaluation-score", office), {f"c{first.pk}-value": "Y"})
    r = insp.post(url("evaluation-finish", office), follow=True)
    assert "79 kriteria belum dinilai" in r.content.decode()
    ev.refresh_from_db()
    assert ev.status == Evaluation.Status.EVALUATION and ev.final_score is None


# ----------------------------------------------------------------------------- roles


def test_roles_on_the_lke_pages(demo_once: Demo, client_as: Callable[[str], Client]) -> None:
    office = demo_once.office_a
    ev = make_evaluation(office, YEAR)
    first = ev.answers.exclude(evidence_file="")[0]
    # another office's operator reaches nothing of office A
    other = client_as("operator_b")
    for name in ("evaluation-office", "evaluation-summary", "evaluation-recommendations", "evaluation-report"):
        assert other.get(url(name, office)).status_code == 403, name
    assert other.get(url("evaluation-evidence", office, YEAR, first.pk)).status_code == 403
    # the verifier reads the self-assessment but cannot answer for the office
    insp = client_as("verifier")
    assert insp.get(url("evaluation-office", office)).status_code == 200
    assert insp.post(url("evaluation-office", office), {f"c{first.pk}-value": "T"}).status_code == 403
    assert insp.post(url("evaluation-submit", office)).status_code == 403
    # the office cannot score, finish or add recommendations
    op = client_as("operator_a")
    assert op.get(url("evaluation-score", office)).status_code == 403
    assert op.post(url("evaluation-finish", office)).status_code == 403
    assert op.post(url("evaluation-recommendation-add", office), {"text": "x"}).status_code == 403
    # the planner reads, the public role sees nothing
    assert client_as("planner").get(url("evaluation-summary", office)).status_code == 200
    assert client_as("planner").get(url("evaluation-score", office)).status_code == 403
    assert client_as("public").get(url("evaluation-summary", office)).status_code == 403
    # the evidence file, to those who may view the office
    r = insp.get(url("evaluation-evidence", office, YEAR, first.pk))
    assert r.status_code == 200 and r.content == PDF and "attachment" in r["Content-Disposition"]
    # office B's answer through office A's URL: not found
    ev_b = make_evaluation(demo_once.office_b, YEAR)
    b_answer = ev_b.answers.exclude(evidence_file="")[0]
    assert insp.get(url("evaluation-evidence", office, YEAR, b_answer.pk)).status_code == 404


def test_regency_list(demo_once: Demo, client_as: Callable[[str], Client]) -> None:
    make_evaluation(demo_once.office_a, YEAR)
    r = client_as("verifier").get(reverse("evaluation-regency") + f"?tahun={YEAR}")
    assert r.status_code == 200
    page = r.content.decode()
    assert demo_once.office_a.name in page and demo_once.office_b.name in page
    assert "Penilaian mandiri" in page and "belum dimulai" in page
    assert client_as("admin").get(reverse("evaluation-regency")).status_code == 200
    assert client_as("operator_a").get(reverse("evaluation-regency")).status_code == 403
    assert client_as("planner").get(reverse("evaluation-regency")).status_code == 403


# ----------------------------------------------------------------------------- recommendations


def test_recommendations_and_follow_up_carried_to_next_year(
    demo_once: Demo, client_as: Callable[[str], Client]
) -> None:
    office = demo_once.office_a
    op, insp = client_as("operator_a"), client_as("verifier")
    ev = start(op, office)
    fill_self(op, ev, office)
    op.post(url("evaluation-submit", office))
    add = url("evaluation-recommendation-add", office)
    insp.post(add, {"text": "Tetapkan pedoman teknis perencanaan kinerja.", "component": "1"})
    insp.post(add, {"text": "Publikasikan laporan kinerja tepat waktu.", "component": "3"})
    insp.post(add, {"text": "Rekomendasi tanpa komponen yang dikenal.", "component": "9"})  # refused
    insp.post(add, {"text": "  "})  # refused
    recs = list(ev.recommendations.order_by("order"))
    assert [r.component_code for r in recs] == ["1", "3"]
    done, pending = recs
    r = op.post(
        url("evaluation-recommendations", office),
        {
            f"r{done.pk}-status": "done",
            f"r{done.pk}-note": "Perbup 12/2020 ditetapkan.",
            f"r{done.pk}-file": SimpleUploadedFile("perbup.pdf", PDF),
            f"r{pending.pk}-status": "in_progress",
            f"r{pending.pk}-note": "Sedang disusun.",
        },
    )
    assert r.status_code == 302
    done.refresh_from_db()
    assert done.follow_up_status == "done" and done.follow_up_file
    r = op.get(url("evaluation-followup-evidence", office, YEAR, done.pk))
    assert r.status_code == 200 and r.content == PDF
    # a bad status stores nothing
    r = op.post(
        url("evaluation-recommendations", office), {f"r{pending.pk}-status": "selesai", f"r{done.pk}-status": "open"}
    )
    assert r.status_code == 200
    done.refresh_from_db()
    assert done.follow_up_status == "done"
    # finished once the evaluator confirms it (tests/evaluation/test_recommendations.py: the rules)
    confirmed = insp.post(url("evaluation-recommendation-confirm", office, YEAR, done.pk), {"confirm": "1"})
    assert confirmed.status_code == 302

    nxt = start(op, office, YEAR + 1)
    carried = list(nxt.recommendations.all())
    assert [r.text for r in carried] == ["Publikasikan laporan kinerja tepat waktu."]
    assert carried[0].carried_from == pending and carried[0].origin.follow_up_status == "in_progress"
    page = op.get(url("evaluation-recommendations", office, YEAR + 1)).content.decode()
    assert f"rekomendasi evaluasi {YEAR}" in page and "Tindak lanjut rekomendasi tahun lalu" in page


# ----------------------------------------------------------------------------- the AKIP indicator


def _akip_indicators(office: Any) -> tuple[Indicator, Indicator]:
    obj = Objective.objects.filter(plan__office=office).order_by("id")[0]
    grade = Indicator.objects.create(
        plan=obj.plan,
        objective=obj,
        code="AKIP-P",
        name="Predikat AKIP kecamatan",
        unit="predikat",
        polarity="qualitative",
        ordinal_scale="akip",
        order=90,
    )
    value = Indicator.objects.create(
        plan=obj.plan, objective=obj, code="AKIP-N", name="Nilai SAKIP kecamatan", unit="nilai", order=91
    )
    return grade, value


def _finished(demo_once: Demo, client_as: Callable[[str], Client]) -> Evaluation:
    office = demo_once.office_a
    op, insp = client_as("operator_a"), client_as("verifier")
    ev = start(op, office)
    fill_self(op, ev, office)
    op.post(url("evaluation-submit", office))
    rows = answers(ev)
    data = {f"c{a.pk}-value": best(a) for a in rows}
    # Evaluasi Akuntabilitas Kinerja Internal (25): only 4.a.1 met
    for a in rows:
        if a.criterion.subcomponent.component.code == "4" and a.criterion.code != "4.a.1":
            data[f"c{a.pk}-value"] = "T"
    insp.post(url("evaluation-score", office), data)
    insp.post(url("evaluation-finish", office))
    ev.refresh_from_db()
    return ev


def test_take_the_akip_realisation_from_the_finished_evaluation(
    demo_once: Demo, client_as: Callable[[str], Client]
) -> None:
    office = demo_once.office_a
    grade, value = _akip_indicators(office)
    op = client_as("operator_a")
    # not before the evaluation is finished
    ev = start(op, office)
    r = op.post(url("evaluation-akip", office), {"indicator": grade.pk}, follow=True)
    assert "belum selesai" in r.content.decode()
    assert not IndicatorYear.objects.filter(indicator=grade, year=YEAR).exists()
    ev.delete()
    ev = _finished(demo_once, client_as)
    # components 1–3 all met: BB, 80 % of 75 = 60; 4.a 1 of 3 (33 %): C, 50 % of 5 = 2,5; 4.b and 4.c none: E
    assert ev.final_score == Decimal("62.5") and ev.final_predicate == "B"
    page = op.get(url("evaluation-summary", office)).content.decode()
    assert 'data-testid="lke-akip"' in page and "AKIP-P" in page and "AKIP-N" in page
    assert op.post(url("evaluation-akip", office), {"indicator": grade.pk}).status_code == 302
    assert op.post(url("evaluation-akip", office), {"indicator": value.pk}).status_code == 302
    assert IndicatorYear.objects.get(indicator=grade, year=YEAR).annual_grade == "B"
    assert IndicatorYear.objects.get(indicator=value, year=YEAR).annual_value == Decimal("62.5")
    # an indicator that is not an AKIP indicator is refused
    plain = Indicator.objects.filter(plan__office=office).exclude(pk__in=[grade.pk, value.pk]).order_by("id")[0]
    r = op.post(url("evaluation-akip", office), {"indicator": plain.pk}, follow=True)
    assert "bukan indikator nilai/predikat AKIP" in r.content.decode()
    # the verifier may not write an office's realisation
    assert client_as("verifier").post(url("evaluation-akip", office), {"indicator": grade.pk}).status_code == 403


def test_the_akip_link_refuses_a_locked_period(demo_once: Demo, client_as: Callable[[str], Client]) -> None:
    office = demo_once.office_a
    grade, _value = _akip_indicators(office)
    _finished(demo_once, client_as)
    PeriodState.objects.create(office=office, year=YEAR, step="annual", state="approved")
    r = client_as("operator_a").post(url("evaluation-akip", office), {"indicator": grade.pk}, follow=True)
    assert "dikunci" in r.content.decode()
    assert not IndicatorYear.objects.filter(indicator=grade, year=YEAR).exists()


# ----------------------------------------------------------------------------- templates


def test_a_template_with_broken_weights_cannot_start_an_evaluation(
    demo_once: Demo, client_as: Callable[[str], Client]
) -> None:
    office = demo_once.office_a
    t = services.install_preset(office.regency, YEAR, "permenpanrb-12-2015")
    comp = t.components.get(code="B")
    comp.weight = Decimal(30)
    comp.save()
    r = client_as("operator_a").post(url("evaluation-office", office), {"template": str(t.pk)})
    assert r.status_code == 200
    page = r.content.decode()
    assert "Pengukuran Kinerja: jumlah bobot subkomponen 25, tidak sama dengan bobot komponen 30" in page
    assert "jumlah bobot komponen 105, tidak sama dengan total 100" in page
    assert not Evaluation.objects.filter(office=office, year=YEAR).exists()


def test_copy_template_to_next_year_keeps_the_structure(demo_once: Demo, db: None) -> None:
    t = services.install_preset(demo_once.office_a.regency, YEAR, "permenpanrb-12-2015")
    t.components.filter(code="A").update(name="Perencanaan Kinerja (disesuaikan)")
    copy = services.copy_template(t, YEAR + 1)
    assert copy.year == YEAR + 1 and copy.copied_from == t
    assert copy.as_data()["components"] == t.as_data()["components"]
    assert copy.framework().components[0].name == "Perencanaan Kinerja (disesuaikan)"
    with pytest.raises(Exception, match="sudah ada"):
        services.copy_template(t, YEAR + 1)
    assert Template.objects.filter(regency=t.regency, code=t.code).count() == 2


def test_recommendation_model_default_is_open(demo_once: Demo, db: None) -> None:
    ev = make_evaluation(demo_once.office_a, YEAR)
    assert ev.recommendations.get().follow_up_status == Recommendation.FollowUp.OPEN


def test_recommendations_added_after_next_year_started_are_carried_on_submit(
    demo_once: Demo, client_as: Callable[[str], Client]
) -> None:
    office = demo_once.office_a
    op, insp = client_as("operator_a"), client_as("verifier")
    this = start(op, office)
    nxt = start(op, office, YEAR + 1)
    assert not nxt.recommendations.exists()
    fill_self(op, this, office)
    op.post(url("evaluation-submit", office))
    insp.post(url("evaluation-recommendation-add", office), {"text": "Susun pedoman evaluasi internal."})
    fill_self(op, nxt, office)
    op.post(url("evaluation-submit", office, YEAR + 1))
    nxt.refresh_from_db()
    assert nxt.status == Evaluation.Status.EVALUATION
    assert [r.text for r in nxt.recommendations.all()] == ["Susun pedoman evaluasi internal."]
    # carried once only
    recommendations.carry(nxt)
    assert nxt.recommendations.count() == 1


def test_a_template_broken_after_the_start_is_reported_and_nothing_is_stored(
    demo_once: Demo, client_as: Callable[[str], Client]
) -> None:
    office = demo_once.office_a
    op = client_as("operator_a")
    ev = start(op, office)
    op.get(url("evaluation-office", office))
    first = answers(ev)[0]
    ev.template.components.filter(code="3").update(weight=Decimal(20))
    page = op.get(url("evaluation-office", office)).content.decode()
    assert "LKE ini tidak dapat dihitung" in page and "jumlah bobot komponen 105, tidak sama dengan total 100" in page
    r = op.post(url("evaluation-office", office), {f"c{first.pk}-value": "Y"}, follow=True)
    assert "tidak ada yang disimpan" in r.content.decode()
    first.refresh_from_db()
    assert first.self_value == ""


def test_only_the_administrator_reopens_a_finished_evaluation(
    demo_once: Demo, client_as: Callable[[str], Client]
) -> None:
    ev = _finished(demo_once, client_as)
    office = demo_once.office_a
    assert client_as("verifier").post(url("evaluation-reopen", office)).status_code == 403
    # the finished evaluation shows the evaluator's answers to the office
    page = client_as("operator_a").get(url("evaluation-office", office)).content.decode()
    assert "<th>Evaluator</th>" in page
    assert client_as("admin").post(url("evaluation-reopen", office)).status_code == 302
    ev.refresh_from_db()
    assert ev.status == Evaluation.Status.EVALUATION and ev.final_score is None and ev.final_predicate == ""


def test_admin_copies_a_template_to_the_next_year_and_checks_criteria(
    demo_once: Demo, client_as: Callable[[str], Client]
) -> None:
    from django.core.exceptions import ValidationError

    t88 = services.install_preset(demo_once.office_a.regency, YEAR, "permenpanrb-88-2021")
    t12 = services.install_preset(demo_once.office_a.regency, YEAR, "permenpanrb-12-2015")
    admin = client_as("admin")
    r = admin.post(
        reverse("admin:evaluation_template_changelist"),
        {"action": "copy_to_next_year", "_selected_action": [t88.pk]},
        follow=True,
    )
    assert r.status_code == 200
    copy = Template.objects.get(regency=t88.regency, code=t88.code, year=YEAR + 1)
    assert copy.framework().components == t88.framework().components
    page = admin.get(reverse("admin:evaluation_template_change", args=[copy.pk])).content.decode()
    assert "Struktur valid" in page
    # a criterion may not take the answer set of another template
    crit = t88.components.get(code="1").subcomponents.get(code="1.a").criteria.get(code="1.a.1")
    crit.answer_set = t12.answer_sets.get(code="yt")
    with pytest.raises(ValidationError, match="LKE yang sama"):
        crit.full_clean()


def test_year_selector_and_year_zero(demo_once: Demo, client_as: Callable[[str], Client]) -> None:
    office = demo_once.office_a
    op = client_as("operator_a")
    r = op.get(url("evaluation-office", office, 0))
    assert r.status_code == 302 and r["Location"] == url("evaluation-office", office, YEAR)
    r = op.get(url("evaluation-summary", office) + "?tahun=2021")
    assert r.status_code == 302 and r["Location"] == url("evaluation-summary", office, 2021)
    assert op.get(url("evaluation-summary", office, 1850)).status_code == 404
