"""The scoring method as data in the database (issue #15): stored grades, refreshed presets, upgraded installations.

Real database (SQLite and PostgreSQL), the demo regency; expected values from the regulation's weights.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from sakip.domain.evaluation import EvaluationError
from sakip.domain.lke_grading import Method
from sakip.evaluation import services
from sakip.evaluation.models import Answer, Criterion, Evaluation, GradeDecision, SubComponent, Template
from tests.web.demo_support import Demo

YEAR = 2020


def answer_all(ev: Evaluation, value: str = "Y", *, own: bool = True, evaluator: bool = True) -> None:
    for crit in Criterion.objects.filter(subcomponent__component__template=ev.template):
        a, _ = Answer.objects.get_or_create(evaluation=ev, criterion=crit)
        if own:
            a.self_value = value
        if evaluator:
            a.evaluator_value = value
        a.save()


def subcomponent(ev: Evaluation, code: str) -> SubComponent:
    return SubComponent.objects.get(component__template=ev.template, code=code)


def in_evaluation(demo: Demo, year: int = YEAR) -> Evaluation:
    office = demo.office_a
    template = services.install_preset(office.regency, year)
    ev = services.start_evaluation(office, year, template)
    answer_all(ev)
    ev.status = Evaluation.Status.EVALUATION
    ev.save()
    return ev


def test_a_new_template_is_graded_and_scored_by_sub_component(demo_once: Demo, db: None) -> None:
    ev = in_evaluation(demo_once)
    assert ev.template.method == Method.GRADED_88_2021
    assert Answer.objects.filter(evaluation=ev).count() == 80
    s = services.scores(ev)
    assert s.evaluator.total.value == 80 and s.evaluator.predicate == "BB"
    legacy = services.install_preset(demo_once.office_a.regency, YEAR, "permenpanrb-12-2015")
    assert legacy.method == Method.AVERAGED_12_2015 and "metode lama" in legacy.name


def test_the_evaluators_grades_are_checked_before_they_are_stored(demo_once: Demo, db: None) -> None:
    ev = in_evaluation(demo_once)
    keberadaan = subcomponent(ev, "1.a")
    # up: only A/AA with the kind's qualifier and a note
    with pytest.raises(ValidationError, match="memerlukan kualifikasi"):
        services.set_grade(ev, keberadaan, "AA", "innovation", "catatan", None)
    with pytest.raises(ValidationError, match="memerlukan catatan"):
        services.set_grade(ev, keberadaan, "AA", "kept-5y", "", None)
    assert not GradeDecision.objects.filter(evaluation=ev).exists()
    services.set_grade(ev, keberadaan, "AA", "kept-5y", "Renstra dan pedoman dipertahankan sejak 2015.", None)
    d = GradeDecision.objects.get(evaluation=ev, subcomponent=keberadaan)
    assert (d.grade, d.qualifier) == ("AA", "kept-5y")
    assert services.scores(ev).evaluator.total.value == Decimal(80) + Decimal("1.2")  # 6 × (100 − 80) %
    assert services.scores(ev).own.total.value == 80  # the self-assessment is the criteria's grade
    # down: only with a reason
    kualitas = subcomponent(ev, "2.b")
    with pytest.raises(ValidationError, match="memerlukan alasan"):
        services.set_grade(ev, kualitas, "C", "", "", None)
    services.set_grade(ev, kualitas, "C", "", "Data kinerja tidak relevan dengan IKU.", None)
    assert services.scores(ev).evaluator.total.value == Decimal("81.2") - Decimal("2.7")  # 9 × (80 − 50) %
    # cleared: back to the computed grade
    services.set_grade(ev, kualitas, "", "", "", None)
    assert services.scores(ev).evaluator.total.value == Decimal("81.2")
    # A/AA needs every criterion met: a criterion later answered T makes the stored AA invalid, and finishing refuses
    a = Answer.objects.get(evaluation=ev, criterion__code="1.a.1")
    a.evaluator_value = "T"
    a.save()
    with pytest.raises(ValidationError, match="seluruh kriteria terpenuhi"):
        services.set_grade(ev, keberadaan, "A", "kept-1y", "catatan", None)
    with pytest.raises(EvaluationError, match="seluruh kriteria terpenuhi"):
        services.finish(ev, None)
    ev.refresh_from_db()
    assert ev.status == Evaluation.Status.EVALUATION and ev.final_score is None


def test_grades_only_while_evaluating_with_every_criterion_answered(demo_once: Demo, db: None) -> None:
    office = demo_once.office_a
    template = services.install_preset(office.regency, YEAR)
    ev = services.start_evaluation(office, YEAR, template)
    with pytest.raises(ValidationError, match="selama evaluasi"):
        services.set_grade(ev, subcomponent(ev, "1.a"), "B", "", "alasan", None)
    answer_all(ev, evaluator=False)
    ev.status = Evaluation.Status.EVALUATION
    ev.save()
    with pytest.raises(ValidationError, match="6 belum dinilai"):
        services.set_grade(ev, subcomponent(ev, "1.a"), "B", "", "alasan", None)
    other = services.install_preset(office.regency, YEAR, "permenpanrb-12-2015")
    foreign = SubComponent.objects.filter(component__template=other).first()
    assert foreign is not None
    with pytest.raises(ValidationError, match="bukan bagian"):
        services.set_grade(ev, foreign, "B", "", "alasan", None)


def test_refresh_rebuilds_unused_old_templates_and_keeps_the_used_ones(demo_once: Demo, db: None) -> None:
    """An installation upgraded from the old 88/2021 preset (averaged, 75 criteria): evaluations keep their method."""
    regency = demo_once.office_a.regency
    used = services.install_preset(regency, YEAR)
    unused = services.install_preset(regency, YEAR + 1)
    # both as the migration leaves an old installation: the legacy method, an old criterion text
    for t in (used, unused):
        Template.objects.filter(pk=t.pk).update(method=Method.AVERAGED_12_2015.value)
        crit = SubComponent.objects.get(component__template=t, code="1.b").criteria.get(code="1.b.10")
        crit.text = "Setiap pegawai memahami, peduli, dan berkomitmen mencapai kinerja yang direncanakan (SKP)."
        crit.save()
    ev = services.start_evaluation(demo_once.office_a, YEAR, Template.objects.get(pk=used.pk))
    answer_all(ev)
    Answer.objects.filter(evaluation=ev, criterion__code="1.c.8").update(evaluator_value="T")
    before = services.scores(ev).evaluator.total.value
    assert before == Decimal(100) - Decimal(15) / 8  # averaged: 1 of 8 criteria of 15 points lost

    result = services.refresh_presets(regency)
    assert [t.pk for t in result.kept] == [used.pk]
    assert [(t.year, t.method) for t in result.rebuilt] == [(YEAR + 1, Method.GRADED_88_2021.value)]
    assert not Template.objects.filter(pk=unused.pk).exists()
    rebuilt = Template.objects.get(regency=regency, code="permenpanrb-88-2021", year=YEAR + 1)
    assert SubComponent.objects.get(component__template=rebuilt, code="1.b").criteria.get(code="1.b.10").text == (
        "Setiap unit/satuan kerja merumuskan dan menetapkan Perencanaan Kinerja."
    )
    # the evaluation made on the old template: same template, same method, same score
    ev.refresh_from_db()
    assert ev.template_id == used.pk and ev.template.method == Method.AVERAGED_12_2015
    assert services.scores(ev).evaluator.total.value == before
    # a second run changes nothing; the command reports the kept one
    again = services.refresh_presets(regency)
    assert again.rebuilt == [] and [t.pk for t in again.kept] == [used.pk]
    from io import StringIO

    out = StringIO()
    call_command("lke_refresh_presets", regency=regency.code, stdout=out)
    assert "dipertahankan" in out.getvalue() and str(YEAR) in out.getvalue()


def test_the_method_is_fixed_in_the_admin_once_an_evaluation_uses_the_template(demo_once: Demo, db: None) -> None:
    from django.contrib import admin
    from django.test import RequestFactory

    regency = demo_once.office_a.regency
    used = services.install_preset(regency, YEAR)
    free = services.install_preset(regency, YEAR + 1)
    services.start_evaluation(demo_once.office_a, YEAR, used)
    model_admin = admin.site._registry[Template]
    request = RequestFactory().get("/")
    request.user = demo_once.user("admin")
    assert "method" in model_admin.get_readonly_fields(request, used)
    assert "method" not in model_admin.get_readonly_fields(request, free)


def test_a_copy_keeps_its_method_and_the_start_page_names_it(demo_once: Demo, db: None) -> None:
    from django.test import Client
    from django.urls import reverse

    regency = demo_once.office_a.regency
    old = services.install_preset(regency, YEAR)
    Template.objects.filter(pk=old.pk).update(method=Method.AVERAGED_12_2015.value)
    old.refresh_from_db()
    copy = services.copy_template(old, YEAR + 1)
    assert copy.method == Method.AVERAGED_12_2015  # last year's method, comparable
    graded = services.copy_template(services.install_preset(regency, YEAR - 1, "permenpanrb-88-2021"), YEAR + 2)
    assert graded.method == Method.GRADED_88_2021
    c = Client()
    c.force_login(demo_once.user("operator_a"))
    page = c.get(reverse("evaluation-office", args=[demo_once.office_a.code, YEAR + 1])).content.decode()
    assert "metode: PermenPAN-RB 12/2015 (metode lama): rata-rata nilai kriteria" in page
