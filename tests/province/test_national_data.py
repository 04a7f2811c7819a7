"""The national synthetic data generator (`benchmarks/national_data.py`) at a tiny scale, on PostgreSQL.

It proves the script runs against the current schema (a column added by a migration takes its default),
that the base tables it writes are what the domain reads (one office recomputed through
`build_scorecard` gives the synthetic kept figures back), and that the oversight view reads them.
"""

from __future__ import annotations

import importlib.util
import sys
from decimal import Decimal
from pathlib import Path
from types import ModuleType

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import F
from django.test import Client

from sakip.accounts.models import Office, Oversight, OversightRole, Province, Regency
from sakip.core.services import scorecard_for
from sakip.monitoring.models import Quarter
from sakip.province import queries
from sakip.regency import kept_figures
from sakip.regency.models import KeptIndicator, KeptOffice, KeptOfficeYear

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def _module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("national_data", ROOT / "benchmarks" / "national_data.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["national_data"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def tiny() -> ModuleType:
    if connection.vendor != "postgresql":
        pytest.skip("the generator is PostgreSQL SQL (generate_series, hashtext)")
    nd = _module()
    nd.generate(connection, nd.TINY, say=lambda _m: None)
    return nd


def test_the_tiny_scale_has_every_row(tiny: ModuleType) -> None:
    s = tiny.TINY
    offices = s.regencies * s.offices
    assert Province.objects.filter(code__startswith="nat-p").count() == s.provinces
    assert Regency.objects.filter(code__startswith="nat-r", province_group__isnull=False).count() == s.regencies
    assert Office.objects.filter(regency__code__startswith="nat-r").count() == offices
    assert Quarter.objects.count() == offices * s.indicators * s.years * 4
    assert KeptOfficeYear.objects.filter(included=F("changes")).count() == offices * s.years
    assert KeptOffice.objects.count() == offices * s.years * 4
    assert KeptIndicator.objects.count() == offices * s.indicators * s.years * 4


@pytest.mark.parametrize("quarter", [2, 4])
def test_the_domain_reads_the_generated_tables_and_agrees_with_the_synthetic_figures(
    tiny: ModuleType, quarter: int
) -> None:
    s = tiny.TINY
    office = Office.objects.filter(regency__code="nat-r0002").order_by("code")[1]
    synthetic = {
        k.indicator: k.achievement_num
        for k in KeptIndicator.objects.filter(office=office, year=s.start + 1, quarter=quarter)
    }
    synthetic_office = KeptOffice.objects.get(office=office, year=s.start + 1, quarter=quarter)
    sc = scorecard_for(office, s.start + 1, quarter=quarter if quarter < 4 else None)
    assert sc is not None and len(sc.indicators) == s.indicators
    for score in sc.indicators:
        assert score.achievement.value is not None
        assert abs(score.achievement.value - synthetic[score.indicator.id]) <= Decimal("0.00001"), score.indicator.id
    assert sc.office_score.aggregate.value is not None
    assert abs(sc.office_score.aggregate.value - synthetic_office.achievement_num) <= Decimal("0.00001")
    assert sc.office_score.category == synthetic_office.category
    # recomputed for real (a regency setting changed): the domain's rows replace the synthetic ones
    KeptOfficeYear.objects.filter(office=office).update(changes=F("changes") + 1)
    assert kept_figures.recompute(office, s.start + 1) == 2
    real = KeptOffice.objects.get(office=office, year=s.start + 1, quarter=quarter, version=2)
    assert abs(real.achievement_num - synthetic_office.achievement_num) <= Decimal("0.00001")


def test_the_oversight_view_reads_the_generated_figures(tiny: ModuleType) -> None:
    s = tiny.TINY
    user = get_user_model().objects.create_user("pengawas", password="x")
    Oversight.objects.create(user=user, role=OversightRole.NATIONAL)
    client = Client()
    client.force_login(user)
    response = client.get(f"/pengawasan/?tahun={s.start}&triwulan=3")
    assert response.status_code == 200
    html = response.content.decode()
    best = queries.office_ranking(queries.Scope(None), s.start, 3)[0]
    ranking = html.split('data-testid="office-ranking"')[1]
    assert f'data-office="{best.office.regency.code}/{best.office.code}"' in ranking[:2000]
    assert html.count('data-regency="nat-r') == s.regencies
