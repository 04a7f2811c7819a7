"""The 88/2021 scoring method (issue #15): grades from the share fulfilled, qualifiers, reasons, predicates.

Pure domain (no database): `sakip.domain.lke_grading` and its use in `domain.evaluation.score`,
on the preset file as shipped.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sakip.domain.evaluation import EvaluationError, NodeScore, Score, compare, score
from sakip.domain.lke_grading import (
    GradeError,
    GradeOverride,
    Method,
    computed_grade,
    decide_grade,
    grade_value,
    method_of,
)
from sakip.domain.scales import LKE_AKIP
from sakip.evaluation.preset_files import load_framework

FW = load_framework("permenpanrb-88-2021")
CODES = [crit.code for _c, _s, crit in FW.criteria()]
FW_KIND = {s.code: s.kind.value for c in FW.components for s in c.subcomponents}


def all_met(**changes: str) -> dict[str, str | None]:
    answers: dict[str, str | None] = dict.fromkeys(CODES, "Y")
    answers.update(changes)
    return answers


def sub(result: Score, code: str) -> NodeScore:
    for comp in result.components:
        for s in comp.children:
            if s.code == code:
                return s
    raise AssertionError(code)


# ----------------------------------------------------------------------------- the preset


def test_the_preset_is_the_reference_edition_a() -> None:
    assert FW.method == Method.GRADED_88_2021 and FW.graded
    assert len(CODES) == 80 and len(set(CODES)) == 80
    shape = [(s.code, s.kind.value, len(s.criteria), s.weight) for c in FW.components for s in c.subcomponents]
    assert shape == [
        ("1.a", "keberadaan", 6, Decimal(6)),
        ("1.b", "kualitas", 11, Decimal(9)),
        ("1.c", "pemanfaatan", 8, Decimal(15)),
        ("2.a", "keberadaan", 3, Decimal(6)),
        ("2.b", "kualitas", 7, Decimal(9)),
        ("2.c", "pemanfaatan", 10, Decimal(15)),
        ("3.a", "keberadaan", 6, Decimal(3)),
        ("3.b", "kualitas", 9, Decimal("4.5")),
        ("3.c", "pemanfaatan", 7, Decimal("7.5")),
        ("4.a", "keberadaan", 3, Decimal(5)),
        ("4.b", "kualitas", 5, Decimal("7.5")),
        ("4.c", "pemanfaatan", 5, Decimal("12.5")),
    ]
    assert [c.weight for c in FW.components] == [Decimal(30), Decimal(30), Decimal(15), Decimal(25)]
    # the official sub-component titles, every criterion a Y/T probe in its sub-component
    names = {s.code: s.name for c in FW.components for s in c.subcomponents}
    assert names["1.a"] == "Dokumen Perencanaan kinerja telah tersedia"
    assert names["4.a"] == "Evaluasi Akuntabilitas Kinerja Internal telah dilaksanakan"
    assert names["2.c"].startswith("Pengukuran Kinerja telah dijadikan dasar dalam pemberian Reward dan Punishment")
    for _c, s, crit in FW.criteria():
        assert crit.code.startswith(s.code + ".") and crit.answers.codes == ("Y", "T")
    assert FW.criterion("1.b.11") is not None and "Setiap pegawai" in FW.criterion("1.b.11").text  # type: ignore[union-attr]


def test_the_12_2015_preset_stays_as_the_labelled_legacy_method() -> None:
    legacy = load_framework("permenpanrb-12-2015")
    assert legacy.method == Method.AVERAGED_12_2015 and not legacy.graded
    assert "metode lama" in legacy.name
    # averaged as before: every criterion at its best option is 100
    best = {crit.code: crit.answers.options[0].code for _c, _s, crit in legacy.criteria()}
    assert score(legacy, best).total.value == 100


def test_a_framework_without_a_method_is_the_legacy_one_and_an_unknown_method_is_refused() -> None:
    assert method_of("") == Method.AVERAGED_12_2015
    with pytest.raises(GradeError, match="tidak dikenal"):
        method_of("rata-rata")


# ----------------------------------------------------------------------------- the worked examples


def test_all_criteria_met_is_bb_everywhere_and_80_in_total() -> None:
    result = score(FW, all_met())
    assert {s.grade for c in result.components for s in c.children} == {"BB"}
    assert result.total.value == Decimal(80) and result.predicate == "BB"
    assert [c.value for c in result.components] == [Decimal(24), Decimal(24), Decimal(12), Decimal(20)]


def test_7_of_8_on_a_15_point_sub_component_is_b_10_5() -> None:
    result = score(FW, all_met(**{"1.c.8": "T"}))
    node = sub(result, "1.c")
    assert (node.criteria_count, node.weight) == (8, Decimal(15))
    assert node.grade == "B" and node.value == Decimal("10.5") and node.fulfilled == 7
    assert node.share == Decimal("87.5")
    assert result.total.value == Decimal(80) - Decimal("1.5")


def test_1_of_6_is_d_30_percent_of_the_weight() -> None:
    result = score(FW, all_met(**{f"1.a.{i}": "T" for i in range(2, 7)}))
    node = sub(result, "1.a")
    assert node.grade == "D" and node.value == Decimal("1.8") == Decimal(6) * Decimal("0.3")


# ----------------------------------------------------------------------------- every boundary


@pytest.mark.parametrize(
    ("fulfilled", "possible", "grade"),
    [
        (0, 100, "E"),
        (1, 100, "D"),
        (25, 100, "D"),  # 25 % is still D
        (26, 100, "C"),
        (50, 100, "C"),  # 50 % is still C
        (51, 100, "CC"),
        (75, 100, "CC"),  # 75 % is still CC
        (76, 100, "B"),
        (99, 100, "B"),  # < 100 %
        (100, 100, "BB"),  # all
        (1, 4, "D"),
        (2, 4, "C"),
        (3, 4, "CC"),
        (1, 3, "C"),
        (2, 3, "CC"),
        (1, 1, "BB"),
        ("0.25", "1", "D"),
        ("0.2500001", "1", "C"),
        ("0.9999999", "1", "B"),
    ],
)
def test_every_grade_boundary(fulfilled: object, possible: object, grade: str) -> None:
    assert computed_grade(Decimal(str(fulfilled)), Decimal(str(possible))) == grade


def test_the_boundaries_through_the_score_4_criteria() -> None:
    """4.b has 5 criteria; 4.a has 3: 0, 1, 2, 3 of 3 give E, C (33 %), CC (67 %), BB."""
    expected = {0: "E", 1: "C", 2: "CC", 3: "BB"}
    for met, grade in expected.items():
        answers = all_met(**{f"4.a.{i}": ("Y" if i <= met else "T") for i in range(1, 4)})
        node = sub(score(FW, answers), "4.a")
        assert node.grade == grade and node.value == grade_value(grade, Decimal(5))


@pytest.mark.parametrize(
    ("grade", "percent"),
    [("AA", 100), ("A", 90), ("BB", 80), ("B", 70), ("CC", 60), ("C", 50), ("D", 30), ("E", 0)],
)
def test_grade_values(grade: str, percent: int) -> None:
    assert grade_value(grade, Decimal("12.5")) == Decimal("12.5") * percent / 100


def test_impossible_shares_are_refused() -> None:
    with pytest.raises(GradeError):
        computed_grade(Decimal(3), Decimal(2))
    with pytest.raises(GradeError):
        computed_grade(Decimal(0), Decimal(0))


# ----------------------------------------------------------------------------- qualifiers up, reasons down


@pytest.mark.parametrize(
    ("kind", "grade", "qualifier"),
    [
        ("keberadaan", "A", "kept-1y"),
        ("keberadaan", "AA", "kept-5y"),
        ("kualitas", "A", "recognised"),
        ("kualitas", "AA", "innovation"),
        ("pemanfaatan", "A", "recognised"),
        ("pemanfaatan", "AA", "innovation"),
    ],
)
def test_a_and_aa_only_with_the_kinds_qualifier_and_a_note(kind: str, grade: str, qualifier: str) -> None:
    d = decide_grade("x", kind, "BB", GradeOverride(grade, qualifier, "Dipertahankan sejak 2019."))
    assert (d.grade, d.qualifier, d.raised) == (grade, qualifier, True)
    with pytest.raises(GradeError, match="memerlukan catatan"):
        decide_grade("x", kind, "BB", GradeOverride(grade, qualifier, "  "))
    with pytest.raises(GradeError, match="memerlukan kualifikasi"):
        decide_grade("x", kind, "BB", GradeOverride(grade, "", "catatan"))
    wrong = {"kept-1y": "recognised", "kept-5y": "innovation", "recognised": "kept-1y", "innovation": "kept-5y"}
    with pytest.raises(GradeError, match="memerlukan kualifikasi"):
        decide_grade("x", kind, "BB", GradeOverride(grade, wrong[qualifier], "catatan"))
    other = {"A": "AA", "AA": "A"}[grade]  # the other grade's qualifier does not fit
    with pytest.raises(GradeError, match="memerlukan kualifikasi"):
        decide_grade("x", kind, "BB", GradeOverride(other, qualifier, "catatan"))


@pytest.mark.parametrize("computed", ["B", "CC", "C", "D", "E"])
def test_a_or_aa_needs_every_criterion_met(computed: str) -> None:
    with pytest.raises(GradeError, match="seluruh kriteria terpenuhi"):
        decide_grade("1.a", "keberadaan", computed, GradeOverride("A", "kept-1y", "catatan"))


@pytest.mark.parametrize(("computed", "grade"), [("B", "BB"), ("E", "D"), ("CC", "B")])
def test_no_other_grade_above_the_computed_one(computed: str, grade: str) -> None:
    with pytest.raises(GradeError, match="hanya dapat dinaikkan ke A atau AA"):
        decide_grade("1.a", "keberadaan", computed, GradeOverride(grade, "", "alasan apa pun"))


def test_below_the_computed_grade_only_with_a_reason() -> None:
    with pytest.raises(GradeError, match="memerlukan alasan"):
        decide_grade("2.b", "kualitas", "BB", GradeOverride("B", "", ""))
    d = decide_grade("2.b", "kualitas", "BB", GradeOverride("b", "", "Bukti IKU tidak sah."))
    assert (d.computed, d.grade, d.note, d.lowered) == ("BB", "B", "Bukti IKU tidak sah.", True)
    assert decide_grade("2.b", "kualitas", "E", GradeOverride("E", "", "")).grade == "E"  # the same: no reason
    with pytest.raises(GradeError, match="kualifikasi hanya"):
        decide_grade("2.b", "kualitas", "BB", GradeOverride("B", "innovation", "alasan"))
    with pytest.raises(GradeError, match="bukan nilai"):
        decide_grade("2.b", "kualitas", "BB", GradeOverride("Z", "", "alasan"))
    assert decide_grade("2.b", "kualitas", "CC", None).grade == "CC"


def test_the_decisions_in_the_score_and_the_side_by_side_rows() -> None:
    grades = {
        "4.c": GradeOverride("AA", "innovation", "Ditiru 12 pemda."),
        "1.a": GradeOverride("CC", "", "Dokumen jangka panjang kedaluwarsa."),
    }
    result = score(FW, all_met(), grades)
    assert (sub(result, "4.c").grade, sub(result, "4.c").value) == ("AA", Decimal("12.5"))
    assert (sub(result, "1.a").grade, sub(result, "1.a").computed_grade) == ("CC", "BB")
    assert sub(result, "1.a").grade_note == "Dokumen jangka panjang kedaluwarsa."
    assert result.total.value == Decimal(80) + Decimal("2.5") - Decimal("1.2")
    rows = {r.code: r for r in compare(FW, all_met(), all_met(), None, grades).by_level("subcomponent")}
    row = rows["4.c"]
    assert (row.self_answer, row.evaluator_answer, row.difference) == ("BB", "AA", Decimal("2.5"))
    # a decision that breaks the rules is refused with the sub-component named
    with pytest.raises(EvaluationError, match=r"4\.b"):
        score(FW, all_met(**{"4.b.1": "T"}), {"4.b": GradeOverride("A", "recognised", "catatan")})
    with pytest.raises(EvaluationError, match=r"9\.z"):
        score(FW, all_met(), {"9.z": GradeOverride("B", "", "x")})
    legacy = load_framework("permenpanrb-12-2015")
    with pytest.raises(EvaluationError, match="hanya untuk metode"):
        score(legacy, {}, {"A.1": GradeOverride("B", "", "x")})


def test_an_unfinished_sub_component_has_only_a_provisional_grade() -> None:
    answers = all_met(**{"3.a.6": None, "3.a.5": "T"})
    result = score(FW, answers, {"3.a": GradeOverride("E", "", "alasan")})  # not applied yet
    node = sub(result, "3.a")
    # 4 of 6 met so far (the unanswered one counts as not met): provisionally CC, no grade in force
    assert node.value is None and node.grade is None and node.computed_grade == "CC"
    assert node.provisional == grade_value("CC", Decimal(3)) == Decimal("1.8")
    assert result.total.value is None and result.predicate is None


# ----------------------------------------------------------------------------- predicates


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
    ],
)
def test_predicate_bands_at_their_boundaries(total: str, predicate: str) -> None:
    assert LKE_AKIP.classify(Decimal(total)) == predicate


# ----------------------------------------------------------------------------- properties


def _answers(flags: list[bool]) -> dict[str, str | None]:
    return {code: ("Y" if met else "T") for code, met in zip(CODES, flags, strict=True)}


@settings(max_examples=150, deadline=None)
@given(st.lists(st.booleans(), min_size=80, max_size=80), st.integers(min_value=0, max_value=79))
def test_total_within_0_100_and_monotonic_in_criteria_fulfilled(flags: list[bool], flip: int) -> None:
    before = score(FW, _answers(flags)).total.value
    assert before is not None and Decimal(0) <= before <= Decimal(80) <= Decimal(100)  # no qualifier: BB at most
    more = list(flags)
    more[flip] = True
    after = score(FW, _answers(more)).total.value
    assert after is not None and before <= after <= Decimal(100)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.booleans(), min_size=80, max_size=80), st.sampled_from(["A", "AA"]))
def test_with_every_qualifier_the_total_stays_within_100(flags: list[bool], grade: str) -> None:
    answers = _answers(flags)
    plain = score(FW, answers)
    grades = {}
    for comp in plain.components:
        for s in comp.children:
            if s.grade == "BB":
                if FW_KIND[s.code] == "keberadaan":
                    q = {"A": "kept-1y", "AA": "kept-5y"}
                else:
                    q = {"A": "recognised", "AA": "innovation"}
                grades[s.code] = GradeOverride(grade, q[grade], "catatan evaluator")
    lifted = score(FW, answers, grades).total.value
    assert lifted is not None and plain.total.value is not None
    assert plain.total.value <= lifted <= Decimal(100)
