"""LKE structure, weight validation, score rollup and predicates (SPEC §8).

Expected figures are computed here by hand (fractions of the weights written in the
regulation), never taken from the code's output.
"""

from __future__ import annotations

import copy
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
import yaml

from sakip.domain.evaluation import (
    EvaluationError,
    Framework,
    SubKind,
    compare,
    framework_from_dict,
    score,
    validation_errors,
)
from sakip.domain.scales import AKIP_GRADES, LKE_AKIP

PRESETS = Path(__file__).resolve().parents[2] / "src" / "sakip" / "evaluation" / "presets"

YT = {
    "name": "Ya/Tidak",
    "options": [{"code": "Y", "label": "Ya", "value": "1"}, {"code": "T", "label": "Tidak", "value": "0"}],
}
AE = {
    "name": "A-E",
    "options": [
        {"code": c, "label": c, "value": v} for c, v in zip("ABCDE", ["1", "0.75", "0.5", "0.25", "0"], strict=True)
    ],
}


def small(**over: Any) -> dict[str, Any]:
    """Two components 60 + 40; the first split 12/18/30 (20/30/50 %), the second one sub-component."""
    data: dict[str, Any] = {
        "code": "mini",
        "name": "Mini LKE",
        "answer_sets": {"yt": YT, "ae": AE},
        "components": [
            {
                "code": "1",
                "name": "Perencanaan",
                "weight": "60",
                "subcomponents": [
                    {
                        "code": "1.a",
                        "kind": "keberadaan",
                        "weight": "12",
                        "criteria": [
                            {"code": "1.a.1", "answers": "yt", "text": "Ada pedoman"},
                            {"code": "1.a.2", "answers": "yt", "text": "Ada Renstra"},
                            {"code": "1.a.3", "answers": "yt", "text": "Ada RKT"},
                        ],
                    },
                    {
                        "code": "1.b",
                        "kind": "kualitas",
                        "weight": "18",
                        "criteria": [
                            {"code": "1.b.1", "answers": "ae", "text": "SMART", "weight": "2"},
                            {"code": "1.b.2", "answers": "ae", "text": "Cascading"},
                        ],
                    },
                    {
                        "code": "1.c",
                        "kind": "pemanfaatan",
                        "weight": "30",
                        "criteria": [
                            {"code": "1.c.1", "answers": "ae", "text": "Anggaran mengacu kinerja"},
                        ],
                    },
                ],
            },
            {
                "code": "2",
                "name": "Pelaporan",
                "weight": "40",
                "subcomponents": [
                    {
                        "code": "2.a",
                        "kind": "lainnya",
                        "weight": "40",
                        "criteria": [
                            {"code": "2.a.1", "answers": "ae", "text": "Laporan tepat waktu"},
                            {"code": "2.a.2", "answers": "yt", "text": "Laporan direviu"},
                        ],
                    },
                ],
            },
        ],
    }
    data.update(over)
    return copy.deepcopy(data)


def load(name: str) -> Framework:
    return framework_from_dict(yaml.safe_load((PRESETS / f"{name}.yaml").read_text(encoding="utf-8")), name)


# ----------------------------------------------------------------------------- presets


def test_preset_88_2021_weights_as_the_regulation_sets_them() -> None:
    fw = load("permenpanrb-88-2021")
    assert [(c.name, int(c.weight)) for c in fw.components] == [
        ("Perencanaan Kinerja", 30),
        ("Pengukuran Kinerja", 30),
        ("Pelaporan Kinerja", 15),
        ("Evaluasi Akuntabilitas Kinerja Internal", 25),
    ]
    for comp in fw.components:
        kinds = [s.kind for s in comp.subcomponents]
        assert kinds == [SubKind.KEBERADAAN, SubKind.KUALITAS, SubKind.PEMANFAATAN]
        # 20 / 30 / 50 % of the component, computed here
        assert [s.weight for s in comp.subcomponents] == [comp.weight * Decimal(p) / 100 for p in (20, 30, 50)]
        assert all(s.criteria for s in comp.subcomponents)
    assert fw.scale is LKE_AKIP


def test_preset_12_2015_component_weights() -> None:
    fw = load("permenpanrb-12-2015")
    assert [(c.name, int(c.weight)) for c in fw.components] == [
        ("Perencanaan Kinerja", 30),
        ("Pengukuran Kinerja", 25),
        ("Pelaporan Kinerja", 15),
        ("Evaluasi Internal", 10),
        ("Capaian Kinerja", 20),
    ]
    assert sum(c.weight for c in fw.components) == 100


def test_all_best_answers_give_100_and_all_worst_give_0() -> None:
    # the 88/2021 method: all criteria met is BB (80 %) everywhere; A/AA only by the evaluator's qualifiers
    for name, top, top_predicate in (("permenpanrb-88-2021", 80, "BB"), ("permenpanrb-12-2015", 100, "AA")):
        fw = load(name)
        best = {c.code: max(c.answers.options, key=lambda o: o.value).code for _a, _b, c in fw.criteria()}
        worst = {c.code: min(c.answers.options, key=lambda o: o.value).code for _a, _b, c in fw.criteria()}
        assert score(fw, best).total.value == top and score(fw, best).predicate == top_predicate
        assert score(fw, worst).total.value == 0 and score(fw, worst).predicate == "D"


# ----------------------------------------------------------------------------- rollup


def test_rollup_by_hand() -> None:
    fw = framework_from_dict(small())
    answers = {
        "1.a.1": "Y",
        "1.a.2": "T",
        "1.a.3": "Y",
        "1.b.1": "B",
        "1.b.2": "c",
        "1.c.1": "D",
        "2.a.1": "A",
        "2.a.2": "T",
    }
    s = score(fw, answers)
    # by hand, with exact fractions
    k = Fraction(12) * Fraction(2, 3)  # 2 of 3 yes
    q = Fraction(18) * (2 * Fraction(3, 4) + 1 * Fraction(1, 2)) / 3  # weights 2 and 1
    p = Fraction(30) * Fraction(1, 4)
    c1 = k + q + p
    c2 = Fraction(40) * (1 + 0) / 2
    total = c1 + c2
    assert [n.value for n in s.components[0].children] == [Decimal(8), Decimal(12), Decimal("7.5")]
    assert Fraction(s.components[0].value) == c1  # type: ignore[arg-type]
    assert Fraction(s.components[1].value) == c2  # type: ignore[arg-type]
    assert Fraction(s.total.value) == total == Fraction(95, 2)  # type: ignore[arg-type]
    assert s.predicate == "C"  # 47.5: 30 < x ≤ 50
    assert s.criterion("1.b.2") is not None and s.criterion("1.b.2").answer == "C"  # type: ignore[union-attr]


def test_unanswered_is_not_zero() -> None:
    fw = framework_from_dict(small())
    s = score(fw, {"1.a.1": "Y", "1.a.2": "Y", "1.a.3": "Y", "2.a.1": "A"})
    assert s.total.value is None and s.predicate is None
    assert s.components[0].children[0].value == 12  # that sub-component is complete
    assert s.components[0].children[1].value is None
    assert s.components[0].value is None
    # provisional: missing answers counted as 0 — 12 + 40 × 1/2
    assert s.total.provisional == 32
    assert (s.total.answered, s.total.criteria_count) == (4, 8)


def test_a_wrong_answer_code_is_refused_with_the_criterion() -> None:
    fw = framework_from_dict(small())
    with pytest.raises(EvaluationError) as info:
        score(fw, {"1.a.1": "A", "1.b.1": "Z"})
    text = str(info.value)
    assert "1.a.1" in text and "'A'" in text and "Y, T" in text
    assert "1.b.1" in text and "A, B, C, D, E" in text


def test_answers_for_unknown_criteria_are_refused() -> None:
    fw = framework_from_dict(small())
    with pytest.raises(EvaluationError, match=r"9\.9\.9"):
        score(fw, {"9.9.9": "Y"})


# ----------------------------------------------------------------------------- weights validation


def test_component_weights_must_add_up_to_100() -> None:
    data = small()
    data["components"][1]["weight"] = "30"
    data["components"][1]["subcomponents"][0]["weight"] = "30"
    with pytest.raises(EvaluationError) as info:
        framework_from_dict(data)
    assert "jumlah bobot komponen 90, tidak sama dengan total 100" in str(info.value)


def test_sub_component_weights_must_add_up_to_the_component_with_its_path() -> None:
    data = small()
    data["components"][0]["subcomponents"][1]["weight"] = "17.5"
    with pytest.raises(EvaluationError) as info:
        framework_from_dict(data)
    assert "mini › 1 Perencanaan: jumlah bobot subkomponen 59.5, tidak sama dengan bobot komponen 60" in str(info.value)


def test_other_structure_errors_name_their_path() -> None:
    data = small()
    data["components"][0]["subcomponents"][0]["criteria"][1]["code"] = "1.a.1"  # duplicate
    data["components"][0]["subcomponents"][2]["criteria"][0]["answers"] = "abc"  # unknown set
    data["components"][0]["subcomponents"][1]["kind"] = "hasil"  # unknown kind
    data["answer_sets"]["ae"]["options"][0]["value"] = "1.5"  # outside 0..1
    data["components"][1]["subcomponents"][0]["criteria"][0]["weight"] = "0"
    with pytest.raises(EvaluationError) as info:
        framework_from_dict(data)
    errors = info.value.errors
    unknown_set = "components[0].subcomponents[2].criteria[0].answers: jenis jawaban 'abc' tidak dikenal"
    assert any(unknown_set in e for e in errors)
    assert any("components[0].subcomponents[1].kind: 'hasil' bukan salah satu dari" in e for e in errors)
    assert any("answer_sets.ae" in e and "nilai 1.5 di luar 0…1" in e for e in errors)
    data["components"][0]["subcomponents"][2]["criteria"][0]["answers"] = "ae"
    data["components"][0]["subcomponents"][1]["kind"] = "kualitas"
    data["answer_sets"]["ae"]["options"][0]["value"] = "1"
    with pytest.raises(EvaluationError) as info:
        framework_from_dict(data)
    assert any("kode '1.a.1' dipakai dua kali" in e for e in info.value.errors)
    assert any("2.a.1: bobot kriteria harus positif" in e for e in info.value.errors)


def test_a_weight_that_is_not_a_number_is_refused() -> None:
    data = small()
    data["components"][0]["weight"] = "enam puluh"
    with pytest.raises(EvaluationError, match=r"components\[0\]\.weight: 'enam puluh' bukan angka"):
        framework_from_dict(data)


def test_a_valid_framework_has_no_errors() -> None:
    assert validation_errors(framework_from_dict(small())) == []


# ----------------------------------------------------------------------------- predicates at band edges


@pytest.mark.parametrize(
    ("total", "predicate"),
    [
        ("0", "D"),
        ("30", "D"),
        ("30.01", "C"),
        ("50", "C"),
        ("50.01", "CC"),
        ("60", "CC"),
        ("60.01", "B"),
        ("70", "B"),
        ("70.01", "BB"),
        ("80", "BB"),
        ("80.01", "A"),
        ("90", "A"),
        ("90.01", "AA"),
        ("100", "AA"),
        ("90.004", "A"),  # displayed 90,00: not above 90
        ("90.005", "AA"),  # displayed 90,01
    ],
)
def test_predicate_bands_exclude_their_lower_bound(total: str, predicate: str) -> None:
    assert LKE_AKIP.classify(Decimal(total)) == predicate
    assert predicate in AKIP_GRADES.grades


def test_total_exactly_on_a_band_edge_from_answers() -> None:
    """Totals of exactly 50 and 60 stay in the lower band (C, CC): each band excludes its lower bound."""
    fw = framework_from_dict(small())
    base = {"1.a.1": "Y", "1.a.2": "Y", "1.a.3": "Y", "1.b.1": "A", "1.b.2": "A", "1.c.1": "E"}  # 12 + 18 + 0
    fifty = score(fw, {**base, "2.a.1": "A", "2.a.2": "T"})  # + 40 × (1 + 0) / 2 = 20
    assert fifty.total.value == 50 and fifty.predicate == "C"
    sixty = score(fw, {**base, "2.a.1": "C", "2.a.2": "Y"})  # + 40 × (0.5 + 1) / 2 = 30
    assert sixty.total.value == 60 and sixty.predicate == "CC"
    above = score(fw, {**base, "1.c.1": "D", "2.a.1": "C", "2.a.2": "Y"})  # + 30 × 0.25 = 67.5
    assert above.total.value == Decimal("67.5") and above.predicate == "B"


# ----------------------------------------------------------------------------- self vs evaluator


def test_comparison_side_by_side() -> None:
    fw = framework_from_dict(small())
    own = {
        "1.a.1": "Y",
        "1.a.2": "Y",
        "1.a.3": "Y",
        "1.b.1": "A",
        "1.b.2": "A",
        "1.c.1": "A",
        "2.a.1": "A",
        "2.a.2": "Y",
    }
    evaluator = {**own, "1.a.3": "T", "1.c.1": "C"}
    c = compare(fw, own, evaluator)
    total = c.by_level("total")[0]
    assert total.self_value == 100
    assert total.evaluator_value == 100 - 4 - 15  # one of three yes lost (12/3), half of 30 lost
    assert total.difference == -19
    assert [r.code for r in c.disagreements] == ["1.a.3", "1.c.1"]
    rows = {r.code: r for r in c.rows}
    assert rows["1.a"].difference == -4 and rows["1.c"].difference == -15 and rows["2"].difference == 0
    assert rows["1.c.1"].self_answer == "A" and rows["1.c.1"].evaluator_answer == "C"
    assert c.own.predicate == "AA" and c.evaluator.predicate == "A"  # 81: 80 < x ≤ 90


def test_comparison_with_missing_evaluator_answers_has_no_difference() -> None:
    fw = framework_from_dict(small())
    c = compare(fw, {"1.a.1": "Y"}, {})
    assert c.by_level("total")[0].difference is None
    assert c.disagreements == []
