"""The regency's performance tree (``/pemda/pohon/``) on the demo regency: levels, filters, orphans."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from sakip.cascade.models import RpjmdObjective
from sakip.cascade.services import current_rpjmd
from tests.web.demo_support import Demo

pytestmark = pytest.mark.django_db


def test_the_tree_runs_from_the_rpjmd_down_to_the_offices(demo: Demo, login_as: Callable[[str], Client]) -> None:
    client = login_as("operator_a")
    response = client.get(reverse("regency-tree") + "?tahun=2020")
    assert response.status_code == 200
    text = response.content.decode()
    diagram = text[text.index('data-testid="regency-tree"'):text.index('data-testid="orphans"')]
    # RPJMD goal → objective → IKU Pemda, and the offices' objectives with their indicators
    for shown in ("Tujuan RPJMD", "IKU-P1", "IKU-P4", "Kecamatan Kaloran", "Kecamatan Karangsari",
                  "S1.2"):
        assert shown in diagram, shown
    orphans = text[text.index('data-testid="orphans"'):]
    assert "Kecamatan Kaliwates — S2" in orphans  # supports no RPJMD objective
    assert "IKU-P6" in orphans  # no office contributes


def test_the_tree_filters_to_one_office_or_one_objective(demo: Demo, login_as: Callable[[str], Client]) -> None:
    client = login_as("planner")
    text = client.get(reverse("regency-tree") + "?tahun=2020&opd=kaliwates").content.decode()
    diagram = text[text.index('data-testid="regency-tree"'):text.index('data-testid="orphans"')]
    assert "Kecamatan Kaliwates" in diagram and "Kecamatan Kaloran" not in diagram
    rpjmd = current_rpjmd(demo.office_a.regency_id)
    s2 = RpjmdObjective.objects.get(rpjmd=rpjmd, code="S2")
    text = client.get(reverse("regency-tree") + f"?tahun=2024&sasaran={s2.pk}").content.decode()
    diagram = text[text.index('data-testid="regency-tree"'):text.index('data-testid="orphans"')]
    assert "IKU-P3" in diagram and "IKU-P1" not in diagram
