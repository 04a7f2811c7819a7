"""The 88/2021 method on the LKE pages and in the .docx report: shares, grades, the evaluator's grade form.

Demo regency, office A (Kecamatan Kaloran), 2020; expected values from the regulation's weights.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from decimal import Decimal

import docx
import pytest
from django.test import Client

from sakip.evaluation import services
from sakip.evaluation.models import Evaluation, GradeDecision
from tests.web.demo_support import Demo

from .test_pages import answers, best, fill_self, start, url


@pytest.fixture()
def client_as(demo_once: Demo, db: None) -> Callable[[str], Client]:
    def make(role: str) -> Client:
        c = Client()
        c.force_login(demo_once.user(role))
        return c

    return make


def test_the_evaluator_grades_sub_components_on_the_score_page_and_the_report_shows_them(
    demo_once: Demo, client_as: Callable[[str], Client]
) -> None:
    office = demo_once.office_a
    op, insp = client_as("operator_a"), client_as("verifier")
    ev = start(op, office)
    fill_self(op, ev, office)
    assert op.post(url("evaluation-submit", office)).status_code == 302
    page = op.get(url("evaluation-office", office)).content.decode()
    assert 'data-testid="lke-own-grade-1.a">BB<' in page  # the office sees its own grade per sub-component

    rows = answers(ev)
    data = {f"c{a.pk}-value": best(a) for a in rows}
    by_code = {a.criterion.code: a for a in rows}
    data[f"c{by_code['1.c.8'].pk}-value"] = "T"  # 7 of 8 on 1.c (15 points): B, 10.5
    data["g4_c-grade"] = "AA"
    data["g4_c-qualifier"] = "innovation"
    data["g4_c-note"] = "Aplikasi evaluasi internal ditiru pemda lain."
    data["g2_b-grade"] = "C"  # lower without a reason: refused, and with it the 4.c decision (all or none)
    r = insp.post(url("evaluation-score", office), data, follow=True)
    text = r.content.decode()
    assert "Nilai subkomponen tidak disimpan" in text and "memerlukan alasan" in text
    assert not GradeDecision.objects.filter(evaluation=ev).exists()
    assert services.scores(ev).evaluator.total.value == Decimal("78.5")  # the criteria were stored

    data["g2_b-note"] = "Data kinerja belum relevan dengan IKU."
    r = insp.post(url("evaluation-score", office), data, follow=True)
    assert "tidak disimpan" not in r.content.decode()
    assert {(d.subcomponent.code, d.grade) for d in GradeDecision.objects.filter(evaluation=ev)} == {
        ("4.c", "AA"),
        ("2.b", "C"),
    }
    # 80 − 1.5 (1.c) + 2.5 (4.c AA) − 2.7 (2.b C: 9 × 30 %)
    assert services.scores(ev).evaluator.total.value == Decimal("78.3")
    page = insp.get(url("evaluation-score", office)).content.decode()
    assert 'data-testid="lke-evaluator-grade-1.c">B<' in page and "7/8 (87,5 %)" in page
    assert 'data-testid="lke-evaluator-grade-4.c">AA<' in page and 'data-testid="lke-grade-form-4.c"' in page
    assert '<option value="AA" selected>' in page

    assert insp.post(url("evaluation-finish", office)).status_code == 302
    ev.refresh_from_db()
    assert ev.status == Evaluation.Status.FINISHED and ev.final_score == Decimal("78.3") and ev.final_predicate == "BB"
    summary = op.get(url("evaluation-summary", office)).content.decode()
    assert 'data-testid="lke-summary-evaluator-grade-4.c">AA<' in summary
    assert 'data-testid="lke-summary-own-grade-4.c">BB<' in summary
    assert 'data-testid="lke-summary-evaluator-grade-2.b">C<' in summary

    d = docx.Document(io.BytesIO(op.get(url("evaluation-report", office)).content))
    cells = [c.text for t in d.tables for row in t.rows for c in row.cells]
    body = "\n".join(p.text for p in d.paragraphs)
    assert "7 dari 8 (87,5 %)" in cells and "B · 10,50" in cells and "8 dari 8 (100,0 %)" in cells
    assert "AA · 12,50" in cells and "BB · 10,00" in cells  # 4.c: evaluator AA, self BB
    assert "Subkomponen 4.c: nilai dinaikkan oleh evaluator dari BB menjadi AA" in body
    assert "Subkomponen 2.b: nilai diturunkan oleh evaluator dari BB menjadi C: Data kinerja belum relevan" in body
    assert "nilai 78,30 dari 100 dengan predikat BB" in body
