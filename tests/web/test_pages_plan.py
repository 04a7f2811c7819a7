"""The performance tree and the plan editor."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from sakip.accounts.models import Office
from sakip.core.interchange import domain_office
from sakip.domain.scorecard import build_scorecard
from sakip.planning.models import Goal, Indicator, Objective, PlanPeriod, ProgramNode, Target
from sakip.reports.scorecard import show_achievement

from . import pages_support

# the page fixtures (kept out of conftest.py, which the authorisation tests own)
media = pages_support.media
regency = pages_support.regency
office = pages_support.office
other_office = pages_support.other_office
operator = pages_support.operator
other_operator = pages_support.other_operator
verifier = pages_support.verifier


def plan_url(office: Office) -> str:
    return reverse("plan-edit", args=[office.code])


@pytest.mark.django_db
def test_tree_shows_the_whole_cascade_with_this_years_figures(operator: Client, office: Office) -> None:
    r = operator.get(reverse("plan-tree", args=[office.code]) + "?tahun=2025")
    assert r.status_code == 200
    html = r.content.decode()
    assert "Terwujudnya masyarakat yang sejahtera" in html  # vision
    codes = ("T1", "S1", "S1.1", "7.01.02", "7.01.02.2.01", "7.01.01.2.01.0001")
    for text in (*codes, "Jumlah perangkat desa yang dibina"):
        assert text in html
    assert html.count("<details") >= 5
    sc = build_scorecard(domain_office(office), 2025)
    s12 = next(s for s in sc.indicators if s.indicator.id == "S1.2")
    assert show_achievement(s12.achievement) in html


@pytest.mark.django_db
def test_tree_for_another_year(operator: Client, office: Office) -> None:
    r = operator.get(reverse("plan-tree", args=[office.code]) + "?tahun=2024")
    assert r.status_code == 200
    assert "angka tahun 2024" in r.content.decode()


@pytest.mark.django_db
def test_edit_vision_and_missions_script_stays_text(operator: Client, office: Office) -> None:
    plan = PlanPeriod.objects.get(office=office)
    evil = "<script>alert(1)</script>"
    r = operator.post(plan_url(office), {
        "op": "plan", "plan-kind": "renstra", "plan-start_year": "2024", "plan-end_year": "2026",
        "plan-vision": evil, "plan-missions": "Misi satu\n\nMisi dua\n",
    })
    assert r.status_code == 302
    plan.refresh_from_db()
    assert plan.vision == evil and plan.missions == ["Misi satu", "Misi dua"]
    for page in (plan_url(office), reverse("plan-tree", args=[office.code])):
        html = operator.get(page).content.decode()
        assert evil not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.django_db
def test_add_edit_delete_goal(operator: Client, office: Office) -> None:
    r = operator.post(plan_url(office), {"op": "goal", "g-new-code": "T2", "g-new-text": "Tujuan baru",
                                         "g-new-weight": "1,5"})
    assert r.status_code == 302
    goal = Goal.objects.get(code="T2")
    assert goal.weight == Decimal("1.5")
    r = operator.post(plan_url(office), {"op": "goal", "id": goal.pk, f"g{goal.pk}-code": "T2",
                                         f"g{goal.pk}-text": "Tujuan diubah", f"g{goal.pk}-weight": "1"})
    assert r.status_code == 302
    goal.refresh_from_db()
    assert goal.text == "Tujuan diubah"
    r = operator.post(plan_url(office), {"op": "goal-delete", "id": goal.pk})
    assert r.status_code == 302 and not Goal.objects.filter(code="T2").exists()


@pytest.mark.django_db
def test_goal_with_objectives_is_not_deleted(operator: Client, office: Office) -> None:
    t1 = Goal.objects.get(code="T1")
    r = operator.post(plan_url(office), {"op": "goal-delete", "id": t1.pk}, follow=True)
    assert "masih memiliki" in r.content.decode()
    assert Goal.objects.filter(code="T1").exists()


@pytest.mark.django_db
def test_duplicate_code_and_bad_weight_are_shown_on_the_field(operator: Client, office: Office) -> None:
    r = operator.post(plan_url(office), {"op": "goal", "g-new-code": "T1", "g-new-text": "x", "g-new-weight": "1.5"})
    assert r.status_code == 200
    html = r.content.decode()
    assert "sudah dipakai" in html and "koma" in html
    assert Goal.objects.count() == 1


@pytest.mark.django_db
def test_add_objective_and_indicator_with_targets(operator: Client, office: Office) -> None:
    t1 = Goal.objects.get(code="T1")
    r = operator.post(plan_url(office), {"op": "objective", "o-new-code": "S2", "o-new-goal": t1.pk,
                                         "o-new-text": "Sasaran dua", "o-new-strategies": "Strategi A\nStrategi B"})
    assert r.status_code == 302
    s2 = Objective.objects.get(code="S2")
    assert s2.strategies == ["Strategi A", "Strategi B"]
    add = reverse("indicator-add", args=[office.code]) + f"?sasaran={s2.pk}"
    assert operator.get(add).status_code == 200
    data = {"code": "S2.1", "name": "Persentase desa tertib", "unit": "%", "polarity": "higher_is_better",
            "rollup": "last", "method": "ratio", "weight": "1", "target_2025": "87,5", "target_2026": "90"}
    r = operator.post(add, data)
    assert r.status_code == 302, r.content.decode()[:2000]
    ind = Indicator.objects.get(code="S2.1")
    assert ind.objective == s2
    assert {t.year: t.value for t in Target.objects.filter(indicator=ind)} == {2025: Decimal("87.5"), 2026: 90}


@pytest.mark.django_db
def test_invalid_formula_is_shown_on_the_field(operator: Client, office: Office) -> None:
    s1 = Objective.objects.get(code="S1")
    add = reverse("indicator-add", args=[office.code]) + f"?sasaran={s1.pk}"
    data = {"code": "S1.9", "name": "Rasio", "unit": "%", "polarity": "higher_is_better", "rollup": "last",
            "method": "ratio", "weight": "1", "formula": "a / b * 100 + __import__('os')",
            "formula_inputs": "a | A | sum\nb | B | last"}
    r = operator.post(add, data)
    assert r.status_code == 200
    assert "Rumus tidak valid" in r.content.decode()
    assert not Indicator.objects.filter(code="S1.9").exists()
    data["formula"] = "a / c"
    assert "Rumus tidak valid" in operator.post(add, data).content.decode()
    data["formula"] = "a / b * 100"
    assert operator.post(add, data).status_code == 302
    assert [fi.name for fi in Indicator.objects.get(code="S1.9").inputs.all()] == ["a", "b"]


@pytest.mark.django_db
def test_edit_targets_of_an_indicator(operator: Client, office: Office) -> None:
    t11 = Indicator.objects.get(code="T1.1")
    edit = reverse("indicator-edit", args=[office.code, t11.pk])
    page = operator.get(edit).content.decode()
    assert 'value="82"' in page  # the 2025 target, prefilled
    data = {"code": "T1.1", "name": t11.name, "unit": t11.unit, "polarity": t11.polarity, "rollup": t11.rollup,
            "method": "ratio", "weight": "1", "iku": "on", "target_2024": "80", "target_2025": "82,5",
            "target_2026": "12.5"}
    r = operator.post(edit, data)
    assert r.status_code == 200 and "koma" in r.content.decode()
    assert Target.objects.get(indicator=t11, year=2025).value == 82
    data["target_2026"] = "85"
    assert operator.post(edit, data).status_code == 302
    assert Target.objects.get(indicator=t11, year=2025).value == Decimal("82.5")
    assert Target.objects.get(indicator=t11, year=2026).value == 85


@pytest.mark.django_db
def test_rollup_and_formula_cannot_change_once_measured(operator: Client, office: Office) -> None:
    s12 = Indicator.objects.get(code="S1.2")  # has quarterly values
    edit = reverse("indicator-edit", args=[office.code, s12.pk])
    data = {"code": "S1.2", "name": s12.name, "unit": s12.unit, "polarity": s12.polarity, "rollup": "last",
            "method": "ratio", "weight": "1", "target_2025": "1200"}
    r = operator.post(edit, data)
    assert r.status_code == 200
    assert "sudah memiliki data pengukuran" in r.content.decode()
    assert Indicator.objects.get(pk=s12.pk).rollup == "sum"
    s11 = Indicator.objects.get(code="S1.1")
    edit = reverse("indicator-edit", args=[office.code, s11.pk])
    data = {"code": "S1.1", "name": s11.name, "unit": s11.unit, "polarity": s11.polarity, "rollup": s11.rollup,
            "method": "ratio", "weight": "1", "formula": "pelanggaran / perangkat_desa * 1000",
            "formula_inputs": "pelanggaran | Jumlah pelanggaran disiplin | sum\n"
                              "perangkat_desa | Jumlah perangkat desa | last",
            "target_2024": "2", "target_2025": "1,5", "target_2026": "1"}
    r = operator.post(edit, data)
    assert r.status_code == 200 and "sudah memiliki data pengukuran" in r.content.decode()
    assert Indicator.objects.get(pk=s11.pk).formula == "pelanggaran / perangkat_desa * 100"
    # deleting a measured indicator is refused too
    r = operator.post(edit, {"op": "delete"}, follow=True)
    assert Indicator.objects.filter(pk=s11.pk).exists()


@pytest.mark.django_db
def test_delete_an_indicator_without_data(operator: Client, office: Office) -> None:
    s15 = Indicator.objects.get(code="S1.5")  # annual value in 2025 → measured
    s1 = Objective.objects.get(code="S1")
    Indicator.objects.create(plan=s15.plan, objective=s1, code="S1.8", name="Baru", unit="%")
    new = Indicator.objects.get(code="S1.8")
    r = operator.post(reverse("indicator-edit", args=[office.code, new.pk]), {"op": "delete"})
    assert r.status_code == 302 and not Indicator.objects.filter(code="S1.8").exists()


@pytest.mark.django_db
def test_program_editor(operator: Client, office: Office) -> None:
    url = reverse("program-edit", args=[office.code])
    assert operator.get(url).status_code == 200
    parent = ProgramNode.objects.get(code="7.01.02.2.01")
    r = operator.post(url, {"p-new-level": "sub_activity", "p-new-parent": parent.pk,
                            "p-new-code": "7.01.02.2.01.0005", "p-new-name": "Fasilitasi <b>desa</b>"})
    assert r.status_code == 302
    assert ProgramNode.objects.filter(code="7.01.02.2.01.0005", parent=parent).exists()
    tree = operator.get(reverse("plan-tree", args=[office.code])).content.decode()
    assert "Fasilitasi &lt;b&gt;desa&lt;/b&gt;" in tree


@pytest.mark.django_db
def test_verifier_reads_the_plan_without_forms(verifier: Client, office: Office) -> None:
    r = verifier.get(plan_url(office))
    assert r.status_code == 200
    assert 'data-testid="plan-form"' not in r.content.decode()
    t11 = Indicator.objects.get(code="T1.1")
    page = verifier.get(reverse("indicator-edit", args=[office.code, t11.pk]))
    assert page.status_code == 200 and 'data-testid="indicator-form"' not in page.content.decode()
    assert verifier.post(plan_url(office), {"op": "plan"}).status_code == 403


@pytest.mark.django_db
def test_another_offices_operator_gets_403(other_operator: Client, office: Office) -> None:
    for name in ("plan-tree", "plan-edit", "program-edit"):
        assert other_operator.get(reverse(name, args=[office.code])).status_code == 403
    r = other_operator.post(plan_url(office), {"op": "goal", "g-new-code": "T9", "g-new-text": "x"})
    assert r.status_code == 403
    assert not Goal.objects.filter(code="T9").exists()
