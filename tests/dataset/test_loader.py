"""The dataset loader: exact numbers, every error with its path, nothing half-loaded."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from sakip.dataset import DatasetError, load, load_document, loads, schema
from sakip.dataset.loader import parse_text
from sakip.domain.measurement import Polarity, Range
from sakip.domain.scorecard import build_scorecard

EXAMPLE = Path(__file__).parents[2] / "docs" / "examples" / "contoh-kecamatan.yaml"


@pytest.fixture()
def doc() -> dict[str, Any]:
    return parse_text(EXAMPLE.read_text("utf-8"))  # type: ignore[no-any-return]


def errors_of(doc: dict[str, Any]) -> list[str]:
    with pytest.raises(DatasetError) as info:
        load_document(doc)
    return [str(i) for i in info.value.issues]


def test_example_is_valid_against_the_published_schema(doc: dict[str, Any]) -> None:
    jsonschema.Draft202012Validator(schema()).validate(doc)
    office = load(EXAMPLE)
    assert office.code == "contoh"
    assert sorted(office.years) == [2024, 2025]


def test_numbers_are_exact_decimals() -> None:
    office = load(EXAMPLE)
    s11 = office.plan.indicator("S1.1")
    assert s11 is not None
    assert s11.targets[2025] == Decimal("1.5")
    assert type(s11.targets[2025]) is Decimal
    s14 = office.plan.indicator("S1.4")
    assert s14 is not None and s14.polarity is Polarity.IN_RANGE
    assert s14.targets[2025] == Range(Decimal(2), Decimal(4))


def test_json_and_yaml_give_the_same_office(doc: dict[str, Any], tmp_path: Path) -> None:
    p = tmp_path / "office.json"
    p.write_text(json.dumps(doc, default=str).replace('"1.5"', "1.5"), "utf-8")
    # Decimal values were dumped as strings; reload them through YAML's exact reading instead
    text = yaml.safe_dump(json.loads(json.dumps(doc, default=float)))
    a = build_scorecard(loads(text), 2025)
    b = build_scorecard(load(EXAMPLE), 2025)
    assert [s.achievement.value for s in a.indicators] == [s.achievement.value for s in b.indicators]


def test_the_issue_example_error_message(doc: dict[str, Any]) -> None:
    # a numeric indicator: "8O" (letter O) is not a number
    doc["plan"]["objectives"][0]["indicators"][1]["targets"]["2020"] = "8O"
    msgs = errors_of(doc)
    assert msgs == ['plan.objectives[0].indicators[1].targets.2020: harus angka, bukan "8O"']


def test_type_error_names_path_and_value(doc: dict[str, Any]) -> None:
    doc["plan"]["objectives"][0]["indicators"][1]["targets"]["2025"] = [80]
    doc["years"][1]["indicators"]["S1.2"]["quarters"]["1"] = [240]
    msgs = errors_of(doc)
    assert any(m.startswith("plan.objectives[0].indicators[1].targets.2025: harus") for m in msgs), msgs
    assert any(m.startswith("years[1].indicators.S1.2.quarters.1: harus angka") for m in msgs), msgs
    # both errors are reported, not only the first
    assert len(msgs) >= 2


def test_quarter_realisation_text_is_a_grade_only_for_a_qualitative_indicator(doc: dict[str, Any]) -> None:
    doc["years"][1]["indicators"]["S1.2"]["quarters"]["1"] = "240"
    assert errors_of(doc) == ['years[1].indicators.S1.2.quarters.1: harus angka, bukan "240"']


def test_every_error_is_collected_across_the_document(doc: dict[str, Any]) -> None:
    doc["plan"]["objectives"][0]["goal"] = "T9"
    doc["plan"]["objectives"][0]["indicators"][0]["formula"]["expression"] = "pelanggaran / staf * 100"
    doc["years"][1]["indicators"]["S9.9"] = {"annual": 1}
    doc["years"][1]["performance_agreement"][1]["reason"] = ""
    msgs = errors_of(doc)
    assert "plan.objectives[0].goal: tujuan 'T9' tidak dikenal" in msgs
    assert any(
        m.startswith("plan.objectives[0].indicators[0].formula.expression: indikator S1.1, komponen 'staf'")
        for m in msgs
    )
    assert "years[1].indicators.S9.9: indikator tidak dikenal" in msgs
    assert any(m.startswith("years[1].performance_agreement[1].reason") for m in msgs)


def test_unknown_field_and_missing_field(doc: dict[str, Any]) -> None:
    doc["office"]["nama"] = "x"
    del doc["office"]["name"]
    msgs = errors_of(doc)
    assert any(m.startswith("office: isian tidak dikenal") and "nama" in m for m in msgs)
    assert "office: isian wajib 'name' tidak ada" in msgs


def test_scale_with_a_gap_is_refused(doc: dict[str, Any]) -> None:
    doc["settings"]["scale"] = {
        "code": "printed",
        "bands": [
            {"label": "Kurang", "max": 55, "max_inclusive": False},
            {"label": "Cukup", "min": 55, "max": 74, "max_inclusive": True},
            {"label": "Baik", "min": 75, "max": 100, "max_inclusive": True},
            {"label": "Sangat Baik", "min": 100, "min_inclusive": False},
        ],
    }
    msgs = errors_of(doc)
    assert any(m.startswith("settings.scale: ada celah antara 'Cukup'") and "'Baik'" in m for m in msgs), msgs


def test_qualitative_and_range_targets_are_checked(doc: dict[str, Any]) -> None:
    doc["plan"]["objectives"][0]["indicators"][2]["targets"]["2025"] = "XX"
    doc["plan"]["objectives"][0]["indicators"][3]["targets"]["2025"] = 3
    msgs = errors_of(doc)
    assert any(m.startswith("plan.objectives[0].indicators[2].targets.2025: 'XX' bukan predikat") for m in msgs)
    assert "plan.objectives[0].indicators[3].targets.2025: harus rentang {low, high}, bukan 3" in msgs


def test_formula_indicator_refuses_typed_results(doc: dict[str, Any]) -> None:
    doc["years"][1]["indicators"]["S1.1"]["quarters"] = {"1": 0.6}
    msgs = errors_of(doc)
    assert "years[1].indicators.S1.1.quarters: indikator S1.1 memakai rumus: isi komponennya, bukan hasilnya" in msgs


def test_survey_answers_out_of_range(doc: dict[str, Any]) -> None:
    doc["years"][1]["survey"]["responses"][0][3] = 5
    msgs = errors_of(doc)
    assert any(m.startswith("years[1].survey.responses[0][3]") for m in msgs), msgs


def test_invalid_yaml_and_wrong_format() -> None:
    with pytest.raises(DatasetError) as info:
        loads("format: [unclosed")
    assert "bukan YAML yang sah" in str(info.value)
    with pytest.raises(DatasetError) as info2:
        loads(
            "format: sakip-office/9\noffice: {code: x, name: y}\n"
            "plan: {period: {start: 1, end: 2}, goals: [], objectives: []}"
        )
    assert 'format: harus "sakip-office/1", bukan "sakip-office/9"' in [str(i) for i in info2.value.issues]


def test_floats_are_never_used(doc: dict[str, Any]) -> None:
    def walk(v: Any) -> None:
        assert not isinstance(v, float)
        if isinstance(v, dict):
            for x in v.values():
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)

    walk(doc)
    assert doc["plan"]["objectives"][0]["indicators"][0]["targets"]["2025"] == Decimal("1.5")


def test_loading_does_not_mutate_the_document(doc: dict[str, Any]) -> None:
    before = copy.deepcopy(doc)
    load_document(doc)
    assert doc == before


def test_survey_index_entered_is_kept_and_graded(doc: dict[str, Any]) -> None:
    """``input: index``: an index computed elsewhere with its respondents; the scorecard keeps and grades it."""
    from sakip.domain.survey import Basis

    survey = doc["years"][1]["survey"]
    survey.pop("responses", None)
    survey.update({"input": "index", "index": Decimal("82.57"), "respondents": 312})
    office = load_document(doc)
    result = build_scorecard(office, doc["years"][1]["year"]).survey.result  # type: ignore[union-attr]
    assert (result.index, result.basis, result.respondents, result.elements) == (Decimal("82.57"), Basis.INDEX, 312, ())


def test_survey_index_needs_its_value_and_respondents(doc: dict[str, Any]) -> None:
    survey = doc["years"][1]["survey"]
    survey.pop("responses", None)
    survey.pop("respondents", None)
    survey.update({"input": "index"})
    msgs = errors_of(doc)
    assert "years[1].survey.index: input 'index' tetapi tidak ada nilai indeks" in msgs, msgs
    assert "years[1].survey.respondents: input 'index' memerlukan jumlah responden" in msgs, msgs
    survey.update({"index": 120, "respondents": 5})
    assert any(m.startswith("years[1].survey.index") for m in errors_of(doc)), errors_of(doc)
