"""Quarter targets in the dataset format: grades for qualitative indicators, the checks, old datasets.

The round trip through the database (import, export, equal) is in
tests/web/test_interchange.py::test_quarter_target_grades_round_trip.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from sakip.dataset import DatasetError, load, load_document, schema
from sakip.dataset.loader import parse_text

EXAMPLE = Path(__file__).parents[2] / "docs" / "examples" / "contoh-kecamatan.yaml"
D = Decimal


@pytest.fixture()
def doc() -> dict[str, Any]:
    return parse_text(EXAMPLE.read_text("utf-8"))  # type: ignore[no-any-return]


def year_2025(doc: dict[str, Any]) -> dict[str, Any]:
    return next(y for y in doc["years"] if y["year"] == 2025)["indicators"]  # type: ignore[no-any-return]


def errors_of(doc: dict[str, Any]) -> list[str]:
    with pytest.raises(DatasetError) as info:
        load_document(doc)
    return [str(i) for i in info.value.issues]


def test_a_qualitative_indicator_takes_grade_targets(doc: dict[str, Any]) -> None:
    year_2025(doc)["S1.3"].update({"quarterly_targets": {"1": "b", "2": "B", "3": "BB", "4": "BB"},
                                   "cumulative_targets": True})
    office = load_document(doc)
    m = office.years[2025].measurements["S1.3"]
    assert m.quarterly_target_grades == {1: "b", 2: "B", 3: "BB", 4: "BB"}  # as written; the scale reads any case
    assert m.quarterly_targets == {}
    assert m.cumulative_targets
    s12 = office.years[2025].measurements["S1.2"]
    assert s12.quarterly_targets == {1: D(250), 2: D(550), 3: D(850), 4: D(1100)}
    assert s12.quarterly_target_grades == {}


def test_the_schema_takes_numbers_grades_and_null(doc: dict[str, Any]) -> None:
    year_2025(doc)["S1.3"]["quarterly_targets"] = {"1": "B", "2": None, "3": "BB", "4": "BB"}
    jsonschema.Draft202012Validator(schema()).validate(doc)
    year_2025(doc)["S1.3"]["quarterly_targets"] = {"1": True}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema()).validate(doc)


def test_grades_numbers_and_the_cumulative_direction_are_checked(doc: dict[str, Any]) -> None:
    inds = year_2025(doc)
    inds["S1.3"]["quarterly_targets"] = {"1": "B", "2": "XX", "3": 3}
    inds["S1.2"]["quarterly_targets"] = {"1": 250, "2": 240, "3": "BB"}
    inds["S1.4"] = {"quarterly_targets": {"1": 3}}
    inds["S1.5"] = {"quarterly_targets": {"1": 11, "2": 12}, "cumulative_targets": True}
    msgs = errors_of(doc)
    base = "years[1].indicators"
    assert any(m.startswith(f"{base}.S1.3.quarterly_targets.2: TW II: 'XX' bukan predikat") for m in msgs), msgs
    assert f"{base}.S1.3.quarterly_targets.3: TW III: target harus predikat, bukan angka" in msgs
    assert f"{base}.S1.2.quarterly_targets.3: TW III: target harus angka, bukan «BB»" in msgs
    assert (
        f"{base}.S1.4.quarterly_targets.1: TW I: target indikator rentang harus rentang «batas bawah – batas atas», "
        "bukan «3»" in msgs
    )
    assert (
        f"{base}.S1.5.quarterly_targets.2: target kumulatif TW II (12) lebih tinggi dari TW I (11): target kumulatif "
        "indikator «semakin rendah semakin baik» tidak boleh naik" in msgs
    )
    inds["S1.2"]["quarterly_targets"] = {"1": 250, "2": 240}
    inds["S1.3"].update({"quarterly_targets": {"1": "BB", "2": "B"}, "cumulative_targets": True})
    del inds["S1.4"], inds["S1.5"]
    msgs = errors_of(doc)
    assert msgs == [
        f"{base}.S1.2.quarterly_targets.2: target kumulatif TW II (240) lebih rendah dari TW I (250): target "
        "kumulatif tidak boleh turun",
        f"{base}.S1.3.quarterly_targets.2: target kumulatif TW II (B) lebih rendah dari TW I (BB): target "
        "kumulatif tidak boleh turun",
    ]


def test_a_sum_may_rise_when_lower_is_better_and_per_quarter_targets_may_fall(doc: dict[str, Any]) -> None:
    inds = year_2025(doc)
    # S1.5 lower is better: per quarter (not cumulative) its targets may go either way
    inds["S1.5"] = {"quarterly_targets": {"1": 11, "2": 12, "3": 10}}
    office = load_document(doc)
    assert office.years[2025].measurements["S1.5"].quarterly_targets == {1: D(11), 2: D(12), 3: D(10)}


def test_an_old_dataset_without_grades_loads_as_before() -> None:
    office = load(EXAMPLE)
    assert office.years[2025].measurements["S1.3"].quarterly_target_grades == {}
    assert office.years[2025].measurements["S1.2"].quarterly_targets[4] == D(1100)
