"""The RPJMD pages on the demo regency: who reads, who edits, the figures from the offices, the offices' links."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client
from django.urls import reverse

from sakip.accounts.models import Membership, Office, Regency, Role
from sakip.cascade.models import (
    IndicatorContribution,
    OfficeObjectiveLink,
    RegencyIndicator,
    Rpjmd,
    RpjmdGoal,
    RpjmdObjective,
)
from sakip.cascade.services import current_rpjmd, figures_of
from sakip.domain.cascade import YEAR
from sakip.monitoring.models import IndicatorYear, InputValue, Quarter
from sakip.planning.models import FormulaInput
from tests.web.demo_support import Demo

pytestmark = pytest.mark.django_db

Login = Callable[[str], Client]


def _rpjmd(demo: Demo) -> Rpjmd:
    found = current_rpjmd(demo.office_a.regency_id)
    assert found is not None
    return found


def test_the_demo_has_an_illustrative_rpjmd_with_the_seed_offices_linked(demo: Demo) -> None:
    rpjmd = _rpjmd(demo)
    assert "Ilustrasi" in rpjmd.note and (rpjmd.start_year, rpjmd.end_year) == (2019, 2024)
    linked = {
        (link.office_objective or link.office_goal).plan.office.code  # type: ignore[union-attr]
        for link in OfficeObjectiveLink.objects.filter(rpjmd_objective__rpjmd=rpjmd)
    }
    assert {"kaloran", "kaliwates", "kandangserang", "karangsari"} <= linked
    assert IndicatorContribution.objects.filter(regency_indicator__rpjmd=rpjmd).count() == 8


def test_the_demo_is_idempotent_on_restart(demo: Demo) -> None:
    from sakip.core.demo import setup_demo

    counts = (Rpjmd.objects.count(), OfficeObjectiveLink.objects.count(), IndicatorContribution.objects.count())
    ri = RegencyIndicator.objects.get(rpjmd=_rpjmd(demo), code="IKU-P1")
    ri.name = "Diubah perencana"
    ri.save()
    setup_demo()
    assert (Rpjmd.objects.count(), OfficeObjectiveLink.objects.count(), IndicatorContribution.objects.count()) == counts
    assert RegencyIndicator.objects.get(pk=ri.pk).name == "Diubah perencana"


@pytest.mark.parametrize("role", ["admin", "planner", "verifier", "operator_a", "head_a", "operator_b"])
def test_every_role_of_the_regency_reads_the_rpjmd(demo: Demo, login_as: Login, role: str) -> None:
    response = login_as(role).get(reverse("rpjmd"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "IKU-P1" in text and "Kecamatan Kaloran (T1)" in text
    editable = 'data-testid="rpjmd-form"' in text
    assert editable == (role in ("admin", "planner"))


def test_the_public_role_and_anonymous_do_not_read_it(demo: Demo, login_as: Login) -> None:
    assert login_as("public").get(reverse("rpjmd")).status_code == 403
    response = login_as("anonymous").get(reverse("rpjmd"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_office_operator_cannot_edit_it(demo: Demo, login_as: Login) -> None:
    rpjmd = _rpjmd(demo)
    client = login_as("operator_a")
    before = rpjmd.vision
    response = client.post(reverse("rpjmd"), {"op": "rpjmd", "revisi": rpjmd.pk, "rpjmd-start_year": "2019",
                                              "rpjmd-end_year": "2024", "rpjmd-vision": "Diubah operator"})
    assert response.status_code == 403
    assert Rpjmd.objects.get(pk=rpjmd.pk).vision == before
    ri = RegencyIndicator.objects.filter(rpjmd=rpjmd).first()
    assert ri is not None
    assert client.get(reverse("rpjmd-indicator-edit", args=[ri.pk])).status_code == 403
    assert client.post(reverse("rpjmd-indicator-edit", args=[ri.pk]), {}).status_code == 403
    assert client.get(reverse("rpjmd-indicator-add")).status_code == 403
    goal = rpjmd.goals.first()
    assert goal is not None
    assert client.post(reverse("rpjmd"), {"op": "goal-delete", "id": goal.pk}).status_code == 403
    assert RpjmdGoal.objects.filter(rpjmd=rpjmd).exists()


def test_the_planner_edits_it(demo: Demo, login_as: Login) -> None:
    rpjmd = _rpjmd(demo)
    client = login_as("planner")
    response = client.post(reverse("rpjmd"), {
        "op": "rpjmd", "revisi": rpjmd.pk, "rpjmd-start_year": "2019", "rpjmd-end_year": "2024",
        "rpjmd-vision": "Visi baru", "rpjmd-missions": "Misi satu\nMisi dua", "rpjmd-legal_basis": "",
        "rpjmd-note": "catatan",
    })
    assert response.status_code == 302
    stored = Rpjmd.objects.get(pk=rpjmd.pk)
    assert stored.vision == "Visi baru" and stored.missions == ["Misi satu", "Misi dua"]
    # audited: who changed what, in the regency's trail
    from sakip.audit.models import AuditEntry

    entry = AuditEntry.objects.filter(model="cascade.Rpjmd", object_id=str(rpjmd.pk)).order_by("-pk").first()
    assert entry is not None and entry.regency_id == rpjmd.regency_id and entry.user_name == "perencana"
    assert entry.changes["vision"][1] == "Visi baru"
    goal = RpjmdGoal.objects.get(rpjmd=rpjmd, code="T1")
    assert client.post(reverse("rpjmd"), {"op": "objective", "revisi": rpjmd.pk, "o-new-goal": goal.pk,
                                          "o-new-code": "S3", "o-new-text": "Sasaran baru"}).status_code == 302
    objective = RpjmdObjective.objects.get(rpjmd=rpjmd, code="S3")
    data = {
        "revisi": rpjmd.pk, "ind-objective": objective.pk, "ind-code": "IKU-P9", "ind-name": "Rasio uji",
        "ind-unit": "%", "ind-polarity": "higher_is_better", "ind-rollup": "sum", "ind-method": "ratio",
        "ind-computation": "formula", "ind-formula": "a / b * 100", "ind-input_lines": "a: pembilang\nb: penyebut",
        "ind-target_2023": "75,5", "ind-responsible_offices": [demo.office_a.pk],
    }
    response = client.post(reverse("rpjmd-indicator-add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    ri = RegencyIndicator.objects.get(rpjmd=rpjmd, code="IKU-P9")
    assert ri.targets == {"2023": "75.5"} and ri.input_names() == ["a", "b"]
    assert list(ri.responsible_offices.all()) == [demo.office_a]
    # a formula naming an undeclared input is refused with the domain's message
    bad = {**data, "ind-code": "IKU-P10", "ind-formula": "a / c * 100"}
    response = client.post(reverse("rpjmd-indicator-add"), bad)
    assert response.status_code == 400 and not RegencyIndicator.objects.filter(code="IKU-P10").exists()


def test_an_approved_rpjmd_is_frozen_until_reopened(demo: Demo, login_as: Login) -> None:
    rpjmd = _rpjmd(demo)
    admin = login_as("admin")
    assert admin.post(reverse("rpjmd"), {"op": "approve", "revisi": rpjmd.pk}).status_code == 302
    assert Rpjmd.objects.get(pk=rpjmd.pk).approved
    planner = login_as("planner")
    # the planner cannot approve or reopen
    assert planner.post(reverse("rpjmd"), {"op": "reopen", "revisi": rpjmd.pk}).status_code == 403
    response = planner.post(reverse("rpjmd"), {"op": "goal", "revisi": rpjmd.pk, "g-new-code": "T9",
                                               "g-new-text": "Tujuan baru"})
    assert response.status_code == 409
    assert not RpjmdGoal.objects.filter(rpjmd=rpjmd, code="T9").exists()
    # every write path into the frozen revision is refused: the model itself
    from sakip.cascade.locks import RpjmdLocked

    ri = RegencyIndicator.objects.filter(rpjmd=rpjmd).first()
    assert ri is not None
    ri.name = "diubah"
    with pytest.raises(RpjmdLocked), transaction.atomic():
        ri.save()
    with pytest.raises(RpjmdLocked), transaction.atomic():
        ri.responsible_offices.clear()
    with pytest.raises(RpjmdLocked), transaction.atomic():
        RegencyIndicator.objects.filter(rpjmd=rpjmd).last().delete()  # type: ignore[union-attr]
    stored = Rpjmd.objects.get(pk=rpjmd.pk)
    stored.vision = "diubah"
    with pytest.raises(RpjmdLocked), transaction.atomic():
        stored.save()
    # a new revision is a draft copy the planner edits
    response = planner.post(reverse("rpjmd"), {"op": "revision", "revisi": rpjmd.pk})
    assert response.status_code == 302
    copy = Rpjmd.objects.get(regency=rpjmd.regency, start_year=rpjmd.start_year, revision=rpjmd.revision + 1)
    assert not copy.approved and copy.indicators.count() == rpjmd.indicators.count()
    assert current_rpjmd(rpjmd.regency_id) == rpjmd  # the approved revision stays in force
    assert admin.post(reverse("rpjmd"), {"op": "reopen", "revisi": rpjmd.pk}).status_code == 302
    ri.name = "diubah"
    ri.save()


def test_another_regencys_user_sees_nothing(demo: Demo) -> None:
    other = Regency.objects.create(code="lain", name="Pemda Lain")
    office = Office.objects.create(regency=other, code="lain-opd", name="OPD Lain")
    user = get_user_model().objects.create_user("perencana-lain", password="x")
    Membership.objects.create(user=user, regency=other, role=Role.PLANNER)
    client = Client()
    client.force_login(user)
    rpjmd = _rpjmd(demo)
    ri = RegencyIndicator.objects.filter(rpjmd=rpjmd).first()
    assert ri is not None
    response = client.get(reverse("rpjmd"))
    assert response.status_code == 200 and "IKU-P1" not in response.content.decode()
    assert client.get(reverse("rpjmd") + f"?revisi={rpjmd.pk}").status_code == 404
    assert client.get(reverse("rpjmd-indicator", args=[ri.pk])).status_code == 404
    assert client.get(reverse("rpjmd-indicator-edit", args=[ri.pk])).status_code == 404
    goal = rpjmd.goals.first()
    assert goal is not None
    response = client.post(reverse("rpjmd"), {"op": "goal-delete", "revisi": rpjmd.pk, "id": goal.pk})
    assert response.status_code == 404
    assert office.pk  # their own regency has no RPJMD: the page says so


def _enter_inputs(office_code: str, indicator: str, year: int, quarter: int, values: dict[str, str]) -> None:
    iy, _ = IndicatorYear.objects.get_or_create(indicator__plan__office__code=office_code, indicator__code=indicator,
                                                year=year, defaults={})
    q, _ = Quarter.objects.get_or_create(indicator_year=iy, quarter=quarter)
    for name, value in values.items():
        fi = FormulaInput.objects.get(indicator=iy.indicator, name=name)
        InputValue.objects.update_or_create(quarter=q, input=fi, defaults={"value": Decimal(value)})


def test_a_ratio_of_sums_indicator_page_shows_the_figures_from_the_offices(demo: Demo, login_as: Login) -> None:
    rpjmd = _rpjmd(demo)
    ri = RegencyIndicator.objects.get(rpjmd=rpjmd, code="IKU-P2")
    result = figures_of(ri, 2024)
    year = result.rows[-1]
    assert year.period == YEAR
    karangsari = next(o for o in year.offices if o.office == "Kecamatan Karangsari")
    # one office: the ratio of sums is that office's own ratio, computed by the same formula rule
    assert year.value == karangsari.value and year.value is not None
    s = year.inputs
    assert year.value == s["selesai_tepat"] / s["layanan"] * 100
    response = login_as("operator_b").get(reverse("rpjmd-indicator", args=[ri.pk]) + "?tahun=2024")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Kecamatan Karangsari" in text and "Σ layanan" in text


def test_an_office_links_its_plan_from_its_own_page(demo: Demo, login_as: Login) -> None:
    rpjmd = _rpjmd(demo)
    office = demo.office_b  # Kaliwates: its S2 supports nothing yet
    url = reverse("office-rpjmd-links", args=[office.code])
    from sakip.planning.models import Indicator, Objective

    s2 = Objective.objects.get(plan__office=office, code="S2")
    target = RpjmdObjective.objects.get(rpjmd=rpjmd, code="S2")
    ind = Indicator.objects.get(plan__office=office, code="S2.1")
    ri = RegencyIndicator.objects.get(rpjmd=rpjmd, code="IKU-P4")
    assert login_as("operator_a").get(url).status_code == 403
    assert login_as("verifier").get(url).status_code == 200
    assert login_as("verifier").post(url, {}).status_code == 403
    client = login_as("operator_b")
    page = client.get(url).content.decode()
    assert "Mendukung sasaran RPJMD" in page
    data = {f"o-{s2.pk}": [str(target.pk)], f"i-{ind.pk}": str(ri.pk), f"t-{ind.pk}": "2020=95"}
    # keep the links it already has
    for link in OfficeObjectiveLink.objects.filter(office_objective__plan__office=office):
        data.setdefault(f"o-{link.office_objective_id}", []).append(str(link.rpjmd_objective_id))  # type: ignore[union-attr]
    for link in OfficeObjectiveLink.objects.filter(office_goal__plan__office=office):
        data.setdefault(f"g-{link.office_goal_id}", []).append(str(link.rpjmd_objective_id))  # type: ignore[union-attr]
    for c in IndicatorContribution.objects.filter(indicator__plan__office=office):
        data[f"i-{c.indicator_id}"] = str(c.regency_indicator_id)
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert OfficeObjectiveLink.objects.filter(office_objective=s2, rpjmd_objective=target).exists()
    c = IndicatorContribution.objects.get(indicator=ind, regency_indicator=ri)
    assert c.targets == {"2020": "95"}
    # a year outside the RPJMD is refused and nothing is stored
    response = client.post(url, {**data, f"t-{ind.pk}": "2031=90"})
    assert response.status_code == 400
    assert IndicatorContribution.objects.get(pk=c.pk).targets == {"2020": "95"}
    # the plan editor links to the page
    assert url in client.get(reverse("plan-edit", args=[office.code])).content.decode()


def test_a_stale_page_stores_nothing(demo: Demo, login_as: Login) -> None:
    """Two planners open the same IKU Pemda; the second save, made on the page opened before the first, is 409."""
    ri = RegencyIndicator.objects.get(rpjmd=_rpjmd(demo), code="IKU-P4")
    url = reverse("rpjmd-indicator-edit", args=[ri.pk])
    first, second = login_as("planner"), login_as("admin")
    page = first.get(url).content.decode()
    assert f'value="{ri.pk}.{ri.version}"' in page
    data = {
        "ind-ver": f"{ri.pk}.{ri.version}", "ind-objective": ri.objective_id, "ind-code": ri.code,
        "ind-name": "Nama dari perencana", "ind-unit": ri.unit, "ind-polarity": ri.polarity, "ind-rollup": ri.rollup,
        "ind-method": ri.method, "ind-computation": ri.computation, "ind-aggregation": ri.aggregation,
        "ind-target_2020": "100",
    }
    assert second.post(url, {**data, "ind-name": "Nama dari admin"}).status_code == 302
    response = first.post(url, data)
    assert response.status_code == 409
    assert RegencyIndicator.objects.get(pk=ri.pk).name == "Nama dari admin"
    # the RPJMD's own form likewise
    rpjmd = _rpjmd(demo)
    old = f"{rpjmd.pk}.{rpjmd.version}"
    base = {"op": "rpjmd", "revisi": rpjmd.pk, "rpjmd-start_year": "2019", "rpjmd-end_year": "2024"}
    assert second.post(reverse("rpjmd"), {**base, "rpjmd-ver": old, "rpjmd-vision": "A"}).status_code == 302
    assert first.post(reverse("rpjmd"), {**base, "rpjmd-ver": old, "rpjmd-vision": "B"}).status_code == 409
    assert Rpjmd.objects.get(pk=rpjmd.pk).vision == "A"
