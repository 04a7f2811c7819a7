"""scales: predicate scales partition the number line; presets; ordinal grades (SPEC §4)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sakip.domain.errors import ScaleError
from sakip.domain.scales import (
    AKIP_GRADES,
    AUDIT_OPINION,
    KEMENPAN_5,
    LKE_AKIP,
    LKJIP_4,
    PERMENDAGRI_86,
    SCALE_PRESETS,
    Band,
    OrdinalScale,
    PredicateScale,
    get_ordinal_scale,
    get_scale,
    scale_from_cut_points,
)

D = Decimal


@pytest.mark.parametrize(
    ("value", "label"),
    [
        ("-5", "Kurang"),
        ("0", "Kurang"),
        ("54.99", "Kurang"),
        ("54.994", "Kurang"),
        ("54.995", "Cukup"),  # shown as 55,00
        ("55", "Cukup"),
        ("69.99", "Cukup"),
        ("70", "Baik"),
        ("84.99", "Baik"),
        ("85", "Sangat Baik"),
        ("94.81", "Sangat Baik"),
        ("99.99", "Sangat Baik"),
        ("99.994", "Sangat Baik"),
        ("99.995", "Memuaskan"),  # shown as 100,00
        ("100", "Memuaskan"),
        ("250", "Memuaskan"),
    ],
)
def test_kemenpan_5_edges(value: str, label: str) -> None:
    assert KEMENPAN_5.classify(D(value)) == label


@pytest.mark.parametrize(
    ("value", "label"),
    [
        ("54.99", "Kurang"),
        ("55", "Cukup"),
        ("74.99", "Cukup"),
        ("75", "Baik"),
        ("75.5", "Baik"),  # the seeds' 75/76 (002) and 74/75 (003) gaps are closed
        ("74.5", "Cukup"),
        ("100", "Baik"),
        ("100.004", "Baik"),  # shown as 100,00: not "more than 100 %"
        ("100.005", "Sangat Baik"),
        ("100.01", "Sangat Baik"),
    ],
)
def test_lkjip_4_edges(value: str, label: str) -> None:
    assert LKJIP_4.classify(D(value)) == label


@pytest.mark.parametrize(
    ("value", "label"),
    [
        ("50.99", "Sangat Rendah"),
        ("51", "Rendah"),
        ("65.99", "Rendah"),
        ("66", "Sedang"),
        ("75.99", "Sedang"),
        ("76", "Tinggi"),
        ("90.99", "Tinggi"),
        ("91", "Sangat Tinggi"),
    ],
)
def test_permendagri_86_edges(value: str, label: str) -> None:
    assert PERMENDAGRI_86.classify(D(value)) == label


@pytest.mark.parametrize(
    ("value", "label"),
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
def test_lke_akip_each_band_excludes_its_lower_bound(value: str, label: str) -> None:
    assert LKE_AKIP.classify(D(value)) == label


def test_presets_registry() -> None:
    assert set(SCALE_PRESETS) == {"kemenpan-5", "lkjip-4", "permendagri-86", "lke-akip"}
    assert get_scale("lkjip-4") is LKJIP_4
    with pytest.raises(ScaleError, match="skala 'nope' tidak dikenal"):
        get_scale("nope")
    assert KEMENPAN_5.labels == ("Kurang", "Cukup", "Baik", "Sangat Baik", "Memuaskan")
    assert KEMENPAN_5.band_for(D(100)).color == "green"
    assert KEMENPAN_5.band_for(D(10)).color == "red"


def test_bands_given_out_of_order_are_sorted() -> None:
    bands = (Band("high", D(50), None), Band("low", None, D(50)))
    scale = PredicateScale("s", "s", bands)
    assert scale.labels == ("low", "high")
    assert scale.classify(D(50)) == "high"


# ---------------------------------------------------------------- validation

# Seed 002 printed scale: CUKUP 55–75 and BAIK 76–100, both inclusive.
SEED_002_PRINTED = (
    Band("KURANG", None, D(55), max_inclusive=False),
    Band("CUKUP", D(55), D(75), True, True),
    Band("BAIK", D(76), D(100), True, True),
    Band("SANGAT BAIK", D(100), None, min_inclusive=False),
)


def test_seed_002_gap_refused_naming_both_bands() -> None:
    with pytest.raises(ScaleError) as info:
        PredicateScale("seed-002", "printed", SEED_002_PRINTED)
    message = str(info.value)
    assert "celah" in message
    assert "'CUKUP'" in message and "'BAIK'" in message
    assert "75" in message and "76" in message


def test_seed_000_printed_strict_bands_refused() -> None:
    """Tabel 3.1 of seed 000: strict inequalities leave 85,00 (and others) in no band."""
    bands = (
        Band("Kurang", None, D(55), max_inclusive=False),
        Band("Cukup", D(56), D(70), False, False),
        Band("Baik", D(70), D(85), False, False),
        Band("Sangat Baik", D(85), D("99.99"), False, False),
        Band("Memuaskan", D(100), None, True),
    )
    with pytest.raises(ScaleError, match=r"celah antara 'Kurang'.*'Cukup'"):
        PredicateScale("seed-000", "printed", bands)
    # even with the 55/56 gap closed, 70 itself belongs to no band
    fixed = (Band("Kurang", None, D(56), max_inclusive=True), *bands[1:])
    with pytest.raises(ScaleError) as info:
        PredicateScale("seed-000", "printed", fixed)
    assert "'Cukup'" in str(info.value) and "'Baik'" in str(info.value)
    assert "nilai 70 tidak masuk" in str(info.value)


def test_overlap_refused_naming_both_bands() -> None:
    bands = (
        Band("KURANG", None, D(55)),
        Band("CUKUP", D(55), D(76), True, True),
        Band("BAIK", D(75), D(100), True, True),
        Band("SANGAT BAIK", D(100), None, False),
    )
    with pytest.raises(ScaleError, match="'CUKUP' dan 'BAIK' bertumpang tindih"):
        PredicateScale("x", "x", bands)


def test_shared_bound_inclusive_on_both_sides_is_an_overlap() -> None:
    bands = (
        Band("KURANG", None, D(55)),
        Band("CUKUP", D(55), D(75), True, True),
        Band("BAIK", D(75), D(100), True, True),
        Band("SANGAT BAIK", D(100), None, False),
    )
    with pytest.raises(ScaleError, match="'CUKUP' dan 'BAIK' bertumpang tindih pada 75"):
        PredicateScale("x", "x", bands)


@pytest.mark.parametrize(
    ("bands", "message"),
    [
        ((), "paling sedikit satu rentang"),
        ((Band("a", D(0), None),), "rentang terendah 'a' mulai dari 0"),
        ((Band("a", None, D(10)),), "rentang tertinggi 'a' berakhir di 10"),
        ((Band("a", None, D(0)), Band("a", D(0), None)), "label rentang ganda: a"),
        (
            (Band("a", None, D(5)), Band("b", D(5), D(1)), Band("c", D(6), None)),
            "rentang 'b' kosong",
        ),
        (
            (Band("a", None, D(0)), Band("b", D(0), D(0)), Band("c", D(0), None)),
            "rentang 'b' kosong",
        ),
        ((Band("a", None, None), Band("b", None, None)), "bertumpang tindih"),
    ],
)
def test_invalid_scales_refused(bands: tuple[Band, ...], message: str) -> None:
    with pytest.raises(ScaleError, match=message):
        PredicateScale("x", "x", bands)


def test_single_band_scale_is_total() -> None:
    scale = PredicateScale("one", "one", (Band("all", None, None),))
    assert scale.classify(D("-1e9")) == scale.classify(D("1e9")) == "all"


def test_scale_from_cut_points() -> None:
    scale = scale_from_cut_points(
        "x", "x", "low", [("mid", "10", True), ("high", "20", False)], ["red", "yellow", "green"]
    )
    assert [(b.label, b.min, b.max, b.min_inclusive, b.max_inclusive) for b in scale.bands] == [
        ("low", None, D(10), True, False),
        ("mid", D(10), D(20), True, True),
        ("high", D(20), None, False, False),
    ]
    assert scale.classify(D(20)) == "mid"
    assert scale.classify(D("20.01")) == "high"
    assert [b.color for b in scale.bands] == ["red", "yellow", "green"]
    with pytest.raises(ScaleError, match="kosong"):
        scale_from_cut_points("x", "x", "a", [("b", "10", True), ("c", "10", True)])


def test_band_contains_and_describe() -> None:
    band = Band("Baik", D(75), D(100), True, True)
    assert band.contains(D(75)) and band.contains(D(100))
    assert not band.contains(D("74.99")) and not band.contains(D("100.01"))
    assert band.describe() == "Baik: 75 ≤ x ≤ 100"
    assert Band("Kurang", None, D(55)).describe() == "Kurang: x < 55"


# ---------------------------------------------------------------- ordinal scales


def test_akip_grades_rank_from_one() -> None:
    assert [AKIP_GRADES.rank(g) for g in ("D", "C", "CC", "B", "BB", "A", "AA")] == [1, 2, 3, 4, 5, 6, 7]
    assert AKIP_GRADES.rank(" bb ") == 5


def test_audit_opinion_ranks() -> None:
    assert [AUDIT_OPINION.rank(g) for g in ("TMP", "TW", "WDP", "WTP")] == [1, 2, 3, 4]
    assert get_ordinal_scale("audit-opinion") is AUDIT_OPINION


def test_unknown_grade_refused() -> None:
    with pytest.raises(ScaleError, match="'X' bukan predikat Predikat AKIP"):
        AKIP_GRADES.rank("X")
    with pytest.raises(ScaleError, match="skala predikat 'nope' tidak dikenal"):
        get_ordinal_scale("nope")


def test_invalid_ordinal_scales() -> None:
    with pytest.raises(ScaleError, match="paling sedikit dua predikat"):
        OrdinalScale("x", "x", ("A",))
    with pytest.raises(ScaleError, match="sama dua kali"):
        OrdinalScale("x", "x", ("A", "a"))
