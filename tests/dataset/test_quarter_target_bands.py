"""Quarter bands of an in-range indicator in the dataset format: ``{"low", "high"}`` per quarter.

Schema, loader (`Measurement.quarterly_target_ranges`), checks, the figures as of TW N, and the
round trip through the database (import → export equal → YAML → import again equal).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from sakip.accounts.models import Regency
from sakip.core.interchange import canonical, export_office, import_office
from sakip.dataset import DatasetError, load_document, schema
from sakip.dataset.loader import parse_text
from sakip.dataset.writer import dump_yaml
from sakip.domain.measurement import Polarity, Range, achievement
from sakip.domain.scorecard import build_scorecard
from sakip.monitoring.models import Quarter

EXAMPLE = Path(__file__).parents[2] / "docs" / "examples" / "contoh-kecamatan.yaml"
D = Decimal
BANDS = {"1": {"low": 1, "high": 2}, "2": {"low": 1.5, "high": 3}, "4": {"low": 2, "high": 4}}


@pytest.fixture()
def doc() -> dict[str, Any]:
    d: dict[str, Any] = parse_text(EXAMPLE.read_text("utf-8"))
    s14 = next(y for y in d["years"] if y["year"] == 2025)["indicators"].setdefault("S1.4", {})
    s14["quarterly_targets"] = {q: dict(v) for q, v in BANDS.items()}
    s14["quarters"] = {"1": 1.5, "2": 3.5}
    return d


def s14(d: dict[str, Any]) -> dict[str, Any]:
    return next(y for y in d["years"] if y["year"] == 2025)["indicators"]["S1.4"]  # type: ignore[no-any-return]


def test_the_schema_takes_bands_and_refuses_half_a_band(doc: dict[str, Any]) -> None:
    jsonschema.Draft202012Validator(schema()).validate(doc)
    s14(doc)["quarterly_targets"]["3"] = {"low": 1}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema()).validate(doc)


def test_the_loader_reads_bands_and_the_figures_as_of_tw_n_use_them(doc: dict[str, Any]) -> None:
    office = load_document(doc)
    m = office.years[2025].measurements["S1.4"]
    assert m.quarterly_target_ranges == {1: Range(D(1), D(2)), 2: Range(D("1.5"), D(3)), 4: Range(D(2), D(4))}
    assert m.quarterly_targets == {} and m.quarterly_target_grades == {}
    by_q = {q: build_scorecard(office, 2025, quarter=q) for q in (1, 2)}
    tw1 = next(s for s in by_q[1].indicators if s.indicator.id == "S1.4").quarters[0]
    assert tw1.target_to_date == Range(D(1), D(2))
    assert tw1.achievement == achievement(Range(D(1), D(2)), D("1.5"), Polarity.IN_RANGE) and tw1.achievement.met
    tw2 = next(s for s in by_q[2].indicators if s.indicator.id == "S1.4").quarters[1]
    assert tw2.target_to_date == Range(D("1.5"), D(3)) and not tw2.achievement.met


def test_bands_are_checked(doc: dict[str, Any]) -> None:
    s14(doc)["quarterly_targets"] = {"1": {"low": 4, "high": 2}, "2": 3}
    ind = next(y for y in doc["years"] if y["year"] == 2025)["indicators"]
    ind["T1.1"] = {**ind.get("T1.1", {}), "quarterly_targets": {"1": {"low": 1, "high": 2}}}
    with pytest.raises(DatasetError) as info:
        load_document(doc)
    msgs = [str(i) for i in info.value.issues]
    base = "years[1].indicators"
    assert any(m.startswith(f"{base}.S1.4.quarterly_targets.1: rentang target: batas bawah 4") for m in msgs), msgs
    assert f"{base}.S1.4.quarterly_targets.2: TW II: target indikator rentang harus rentang «batas bawah – batas " \
        "atas», bukan «3»" in msgs
    assert f"{base}.T1.1.quarterly_targets.1: TW I: target harus angka, bukan rentang 1 – 2" in msgs


@pytest.mark.django_db
def test_round_trip_through_the_database_and_yaml(doc: dict[str, Any]) -> None:
    regency = Regency.objects.create(code="uji", name="Kabupaten Uji", province="Jawa Tengah")
    office = import_office(doc, regency)
    rows = {
        q.quarter: (q.target, q.target_grade, q.target_low, q.target_high)
        for q in Quarter.objects.filter(indicator_year__indicator__code="S1.4", indicator_year__year=2025)
    }
    assert rows[1] == (None, "", D(1), D(2)) and rows[2] == (None, "", D("1.5"), D(3))
    assert 3 not in rows  # a quarter without a band or a value: no row
    exported = export_office(office)
    assert canonical(exported) == canonical(doc)
    again = import_office(parse_text(dump_yaml(exported)), regency)  # through the YAML text
    assert canonical(export_office(again)) == canonical(exported)
