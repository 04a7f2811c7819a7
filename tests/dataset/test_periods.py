"""dataset.periods: every difference between two office datasets placed in its year and scope (pure)."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

from sakip.dataset.periods import Touched, changed_scopes, classify, flatten
from sakip.domain.workflow import Scope


def _doc() -> dict[str, Any]:
    return {
        "format": "sakip-office/1",
        "office": {"code": "K1", "name": "Kec. Satu"},
        "settings": {"grade_scale": "permenpan"},
        "plan": {
            "period": {"start": 2019, "end": 2023},
            "vision": "Maju",
            "objectives": [
                {
                    "id": "S1",
                    "text": "A",
                    "indicators": [{"id": "S1.1", "name": "I", "targets": {"2020": Decimal("85")}}],
                }
            ],
        },
        "years": [
            {
                "year": 2020,
                "performance_agreement": {"signed": "2020-01-10"},
                "indicators": [
                    {
                        "id": "S1.1",
                        "target": Decimal("85"),
                        "quarters": {"1": Decimal("10"), "2": Decimal("20")},
                        "quarterly_targets": {"2": Decimal("40")},
                        "annual": Decimal("80"),
                        "explanation": "teks",
                    }
                ],
                "budget": {"programs": [{"code": "P1", "ceiling": 100, "quarters": {"3": 30}, "realisation": 90}]},
                "survey": {"respondents": 100},
            }
        ],
    }


def _change(path: list[Any], value: Any) -> list[Touched]:
    before = _doc()
    after = copy.deepcopy(before)
    node: Any = after
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return changed_scopes(before, after)


def test_identical_datasets_touch_nothing() -> None:
    assert changed_scopes(_doc(), copy.deepcopy(_doc())) == []


def test_one_number_written_by_different_tools_is_one_number() -> None:
    assert _change(["plan", "objectives", 0, "indicators", 0, "targets", "2020"], 85) == []
    assert _change(["plan", "objectives", 0, "indicators", 0, "targets", "2020"], "85.0") == []


def test_lists_are_compared_by_identity_not_position() -> None:
    before = _doc()
    before["plan"]["objectives"].append({"id": "S2", "text": "B", "indicators": []})
    after = copy.deepcopy(before)
    after["plan"]["objectives"].reverse()
    assert changed_scopes(before, after) == []
    paths = [p for p, _ in flatten(before)]
    assert ("plan", "objectives", "id=S2", "text") in paths


def test_each_kind_of_difference_has_its_period() -> None:
    cases: list[tuple[list[Any], Any, set[tuple[int | None, Scope, int | None]]]] = [
        (["plan", "vision"], "Lain", {(None, Scope.PLAN, None)}),
        (["plan", "objectives", 0, "text"], "Lain", {(None, Scope.PLAN, None)}),
        (["plan", "objectives", 0, "indicators", 0, "targets", "2020"], 90, {(2020, Scope.YEAR, None)}),
        (["settings", "grade_scale"], "lain", {(None, Scope.YEAR, None)}),
        (["years", 0, "performance_agreement", "signed"], "2020-02-01", {(2020, Scope.PK, None)}),
        (["years", 0, "indicators", 0, "quarters", "2"], 21, {(2020, Scope.QUARTER, 2)}),
        (
            ["years", 0, "indicators", 0, "quarterly_targets", "2"],
            41,
            {(2020, Scope.PK, None), (2020, Scope.QUARTER, 2)},
        ),
        (["years", 0, "indicators", 0, "annual"], 81, {(2020, Scope.QUARTER, 4)}),
        (["years", 0, "indicators", 0, "explanation"], "lain", {(2020, Scope.ANNUAL, None)}),
        (["years", 0, "indicators", 0, "target"], 86, {(2020, Scope.YEAR, None)}),
        (["years", 0, "budget", "programs", 0, "quarters", "3"], 31, {(2020, Scope.QUARTER, 3)}),
        (["years", 0, "budget", "programs", 0, "realisation"], 91, {(2020, Scope.QUARTER, 4)}),
        (["years", 0, "budget", "programs", 0, "ceiling"], 101, {(2020, Scope.YEAR, None)}),
        (["years", 0, "survey", "respondents"], 101, {(2020, Scope.QUARTER, 4)}),
    ]
    for path, value, expected in cases:
        got = {(t.year, t.scope, t.quarter) for t in _change(path, value)}
        assert got == expected, path


def test_the_office_block_is_not_period_data() -> None:
    assert _change(["office", "name"], "Kec. Dua") == []
    assert classify(("format",)) == []


def test_an_unknown_part_is_treated_as_strictly_as_the_plan() -> None:
    assert {t.scope for t in classify(("something", "new"))} == {Scope.PLAN}


def test_absent_and_empty_are_the_same() -> None:
    before = _doc()
    after = copy.deepcopy(before)
    after["plan"]["mission"] = ""
    assert changed_scopes(before, after) == []
    after["plan"]["mission"] = "Misi"
    assert [t.scope for t in changed_scopes(before, after)] == [Scope.PLAN]
