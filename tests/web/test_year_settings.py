"""The predicate scale and cap policy are chosen per regency and year (an office row overrides)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sakip.accounts.models import Regency, YearSetting
from sakip.core.interchange import import_office
from sakip.core.services import scorecard_for, settings_for
from sakip.dataset.loader import parse_text

EXAMPLE = Path(__file__).parents[2] / "docs" / "examples" / "contoh-kecamatan.yaml"


@pytest.mark.django_db
def test_office_row_then_regency_row_then_default() -> None:
    regency = Regency.objects.create(code="r", name="Kabupaten R")
    office = import_office(parse_text(EXAMPLE.read_text("utf-8")), regency)
    # the dataset's own settings were stored as office rows for its years
    assert settings_for(office, 2025).scale.code == "kemenpan-5"
    sc = scorecard_for(office, 2025)
    assert sc is not None and sc.scale.code == "kemenpan-5"
    qual = next(s for s in sc.indicators if s.indicator.id == "S1.3")
    assert qual.achievement.capped  # cap 100 from the dataset

    YearSetting.objects.filter(office=office).delete()
    YearSetting.objects.create(regency=regency, year=2025, scale="lkjip-4", cap="none")
    sc2 = scorecard_for(office, 2025)
    assert sc2 is not None and sc2.scale.code == "lkjip-4"
    qual2 = next(s for s in sc2.indicators if s.indicator.id == "S1.3")
    assert not qual2.achievement.capped and qual2.category == "Sangat Baik"  # 120 % > 100
    # a later year with no row of its own keeps the latest earlier row
    assert settings_for(office, 2026).scale.code == "lkjip-4"
    # before any row: the defaults
    assert settings_for(office, 2000).cap.value == "none"
