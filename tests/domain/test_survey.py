"""survey: SKM → IKM from responses, distributions or element values (SPEC §5)."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest

from sakip.domain.errors import SurveyError
from sakip.domain.survey import (
    GRADES_2004,
    GRADES_2017,
    INSTRUMENTS,
    KEPMENPAN_25_2004,
    PERMENPAN_14_2017,
    PERMENPAN_16_2014,
    GradeTable,
    Instrument,
    answer_columns,
    custom_instrument,
    from_distributions,
    from_element_values,
    from_responses,
    get_instrument,
    index_display,
    minimum_sample,
)

D = Decimal
THREE = custom_instrument(["Persyaratan", "Prosedur", "Waktu"])


def test_instruments() -> None:
    assert len(PERMENPAN_14_2017.elements) == 9
    assert "Sarana dan prasarana" in PERMENPAN_14_2017.elements
    assert len(PERMENPAN_16_2014.elements) == 9
    assert "Maklumat pelayanan" in PERMENPAN_16_2014.elements
    assert "Sarana dan prasarana" not in PERMENPAN_16_2014.elements
    assert len(KEPMENPAN_25_2004.elements) == 14
    assert set(INSTRUMENTS) == {"permenpan-14-2017", "permenpan-16-2014", "kepmenpan-25-2004"}
    assert get_instrument("kepmenpan-25-2004") is KEPMENPAN_25_2004
    with pytest.raises(SurveyError, match="instrumen 'x' tidak dikenal"):
        get_instrument("x")
    with pytest.raises(SurveyError, match="tidak memiliki unsur"):
        Instrument("x", "x", (), GradeTable.PERMENPAN_14_2017)
    with pytest.raises(SurveyError, match="sama dua kali"):
        custom_instrument(["a", "a"])


def test_from_responses() -> None:
    responses = [[4, 3, 3], [3, 3, 2], [4, 4, 3], [3, 2, 4]]
    result = from_responses(THREE, responses)
    nrr = [e.nrr for e in result.elements]
    assert nrr == [D("3.5"), D(3), D(3)]
    assert result.ikm == D("9.5") / 3
    assert index_display(result) == D("79.17")
    assert result.respondents == 4 and result.excluded == 0
    assert [e.score for e in result.elements] == [D("87.5"), D(75), D(75)]
    assert result.elements[0].respondents == 4


def test_incomplete_rows_excluded_and_counted() -> None:
    responses: list[list[int | None]] = [[4, 4, 4], [1, None, 1], [2, 2, 2], [None, None, None]]
    result = from_responses(THREE, responses)
    assert result.respondents == 2 and result.excluded == 2
    assert result.index == D(75)  # (4 + 2) / 2 = 3 on every element
    assert any("2 kuesioner tidak lengkap" in w for w in result.warnings)


@pytest.mark.parametrize("bad", [5, 0, -1, True])
def test_out_of_range_answer_names_respondent_and_element(bad: int) -> None:
    responses = [[4, 4, 4], [3, bad, 3]]
    with pytest.raises(SurveyError) as info:
        from_responses(THREE, responses)
    message = str(info.value)
    assert "responden 2" in message
    assert "'Prosedur'" in message
    assert repr(bad) in message


def test_row_of_wrong_length_refused() -> None:
    with pytest.raises(SurveyError, match="responden 1: 2 jawaban untuk 3 unsur"):
        from_responses(THREE, [[4, 4]])


def test_no_complete_questionnaire() -> None:
    with pytest.raises(SurveyError, match="tidak ada kuesioner yang lengkap"):
        from_responses(THREE, [[None, 1, 1]])


def krejcie_morgan(population: int) -> int:
    """S = χ²NP(1−P) / (d²(N−1) + χ²P(1−P)), χ² = 3.841, P = 0.5, d = 0.05, rounded up."""
    chi2, p, d = D("3.841"), D("0.5"), D("0.05")
    n = D(population)
    return math.ceil(chi2 * n * p * (1 - p) / (d * d * (n - 1) + chi2 * p * (1 - p)))


@pytest.mark.parametrize(
    ("population", "expected"),
    [(1, 1), (10, 10), (100, 80), (500, 218), (1000, 278), (10000, 370), (100000, 383)],
)
def test_minimum_sample(population: int, expected: int) -> None:
    # 100: 3.841·100·0.25 / (0.0025·99 + 3.841·0.25) = 96.025 / 1.20775 = 79.507… → 80
    assert krejcie_morgan(population) == expected
    assert minimum_sample(population) == expected


def test_minimum_sample_refuses_empty_population() -> None:
    with pytest.raises(SurveyError, match="paling sedikit 1"):
        minimum_sample(0)


def test_warning_when_sample_too_small() -> None:
    rows = [[4, 3, 3]] * 79
    small = from_responses(THREE, rows, population=100)
    assert any("kurang dari minimum 80" in w for w in small.warnings)
    enough = from_responses(THREE, [[4, 3, 3]] * 80, population=100)
    assert enough.warnings == ()
    assert from_responses(THREE, rows).warnings == ()  # no population given, no check


def test_from_distributions() -> None:
    # 10 / 20 / 70 / 0 % → (1·10 + 2·20 + 3·70) / 100 = 2.60 → 65
    result = from_distributions(THREE, {"Persyaratan": [D(10), D(20), D(70), D(0)]})
    assert result.elements[0].score == D(65)
    assert result.not_scored == ("Prosedur", "Waktu")
    assert result.index == D(65)


def test_distributions_not_adding_to_100_are_normalised_and_reported() -> None:
    result = from_distributions(THREE, {"Persyaratan": [D(20), D(60), D(10), D(0)]})
    assert round(result.elements[0].score, 2) == D("47.22")
    assert any("90" in w and "dinormalkan" in w for w in result.warnings)


def test_zero_distribution_cannot_be_scored() -> None:
    result = from_distributions(
        THREE, {"Persyaratan": [D(0)] * 4, "Prosedur": [D(0), D(0), D(100), D(0)], "Waktu": None}
    )
    assert result.not_scored == ("Persyaratan", "Waktu")
    assert [e.name for e in result.elements] == ["Prosedur"]
    with pytest.raises(SurveyError, match="tidak ada unsur yang dapat dihitung"):
        from_distributions(THREE, {"Persyaratan": [D(0)] * 4})


def test_bad_distributions() -> None:
    with pytest.raises(SurveyError, match="diperlukan 4 proporsi"):
        from_distributions(THREE, {"Persyaratan": [D(50), D(50)]})
    with pytest.raises(SurveyError, match="negatif"):
        from_distributions(THREE, {"Persyaratan": [D(-10), D(50), D(60), D(0)]})
    with pytest.raises(SurveyError, match="'Unknown' bukan unsur"):
        from_distributions(THREE, {"Unknown": [D(0), D(0), D(100), D(0)]})


def test_from_element_values_nrr_and_converted() -> None:
    nrr = from_element_values(THREE, {"Persyaratan": D("3.19"), "Prosedur": D("3.37"), "Waktu": D("3.14")})
    converted = from_element_values(
        THREE, {"Persyaratan": D("79.75"), "Prosedur": D("84.25"), "Waktu": D("78.5")}, converted=True
    )
    assert nrr.index == converted.index
    assert index_display(nrr) == D("80.83")
    with pytest.raises(SurveyError, match="di luar 1–4"):
        from_element_values(THREE, {"Persyaratan": D("4.5")})
    with pytest.raises(SurveyError, match="di luar 1–4"):
        from_element_values(THREE, {"Persyaratan": D(10)}, converted=True)


def test_weakest_elements() -> None:
    result = from_element_values(THREE, {"Persyaratan": D(3), "Prosedur": D(2), "Waktu": D(4)})
    assert [e.name for e in result.weakest] == ["Prosedur"]


@pytest.mark.parametrize(
    ("value", "g2017", "g2004"),
    [
        ("25", "D (Tidak Baik)", "D (Tidak Baik)"),
        ("43.75", "D (Tidak Baik)", "D (Tidak Baik)"),
        ("43.76", "D (Tidak Baik)", "C (Kurang Baik)"),
        ("62.50", "D (Tidak Baik)", "C (Kurang Baik)"),
        ("62.51", "D (Tidak Baik)", "B (Baik)"),
        ("64.99", "D (Tidak Baik)", "B (Baik)"),
        ("64.994", "D (Tidak Baik)", "B (Baik)"),
        ("64.995", "C (Kurang Baik)", "B (Baik)"),  # shown as 65,00
        ("65.00", "C (Kurang Baik)", "B (Baik)"),
        ("76.60", "C (Kurang Baik)", "B (Baik)"),
        ("76.605", "B (Baik)", "B (Baik)"),  # shown as 76,61: the printed gap is closed
        ("81.25", "B (Baik)", "B (Baik)"),
        ("81.26", "B (Baik)", "A (Sangat Baik)"),
        ("88.30", "B (Baik)", "A (Sangat Baik)"),
        ("88.31", "A (Sangat Baik)", "A (Sangat Baik)"),
        ("100", "A (Sangat Baik)", "A (Sangat Baik)"),
    ],
)
def test_grade_tables(value: str, g2017: str, g2004: str) -> None:
    assert GRADES_2017.classify(D(value)) == g2017
    assert GRADES_2004.classify(D(value)) == g2004


def test_result_grade_follows_instrument_table() -> None:
    values = {e: D("3.2") for e in PERMENPAN_16_2014.elements}  # 80,00
    result = from_element_values(PERMENPAN_16_2014, values)
    assert result.grade == result.grade_2004 == "B (Baik)"
    assert result.grade_2017 == "B (Baik)"
    r2017 = from_element_values(PERMENPAN_14_2017, {e: D("2.6") for e in PERMENPAN_14_2017.elements})
    assert r2017.grade == r2017.grade_2017 == "C (Kurang Baik)"  # 65,00
    assert r2017.grade_2004 == "B (Baik)"


def test_answer_columns() -> None:
    assert answer_columns([[4, 1], [4, 2], [None, 3]]) == [(0, 0, 0, 2), (1, 1, 0, 0)]
    assert answer_columns([]) == []


# ----------------------------------------------------------------------------- where the index came from


def test_each_input_says_where_its_index_came_from() -> None:
    from sakip.domain.survey import Basis, from_distributions, from_element_values

    i = PERMENPAN_14_2017
    raw = from_responses(i, [[3] * 9, [4] * 9])
    assert raw.basis == Basis.RESPONSES
    nrr = from_element_values(i, dict.fromkeys(i.elements, Decimal("3.5")), respondents=2)
    assert nrr.basis == Basis.ELEMENTS and nrr.index == raw.index
    shares = from_distributions(i, {e: [Decimal(0), Decimal(0), Decimal(50), Decimal(50)] for e in i.elements})
    assert shares.basis == Basis.ELEMENTS and shares.index == raw.index


@pytest.mark.parametrize("converted", [True, False])
def test_an_index_entered_is_graded_like_a_computed_one(converted: bool) -> None:
    from sakip.domain.survey import Basis, from_index

    computed = from_responses(PERMENPAN_14_2017, [[3] * 9, [4] * 9, [4] * 9])
    given = computed.index if converted else computed.ikm
    kept = from_index(PERMENPAN_14_2017, given, 3, converted=converted)
    assert (kept.index, kept.ikm, kept.grade, kept.grade_2004) == (
        computed.index, computed.ikm, computed.grade, computed.grade_2004)
    assert (kept.basis, kept.elements, kept.respondents, kept.weakest, kept.not_scored) == (Basis.INDEX, (), 3, (), ())


@pytest.mark.parametrize(
    ("index", "respondents", "converted"),
    [(Decimal("24.99"), 10, True), (Decimal("100.01"), 10, True), (Decimal("4.5"), 10, False),
     (Decimal("80"), 0, True), (Decimal("80"), True, True)],
)
def test_an_index_entered_out_of_range_or_without_respondents_is_refused(
    index: Decimal, respondents: int, converted: bool
) -> None:
    from sakip.domain.survey import from_index

    with pytest.raises(SurveyError):
        from_index(PERMENPAN_14_2017, index, respondents, converted=converted)


def test_the_sample_warning_shows_its_counts_in_the_indonesian_format() -> None:
    small = from_responses(THREE, [[4, 3, 3]] * 300, population=12500)
    assert small.warnings == ("sampel 300 responden kurang dari minimum 373 untuk populasi 12.500 (Krejcie–Morgan)",)
