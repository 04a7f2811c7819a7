"""One test per golden discrepancy that names its arithmetic checks.

For each, the engine computes the ``correct`` figure (where it is a number the
engine computes), and not the ``printed`` one. Where ``correct`` is a sentence,
the engine's figures must be the ones the sentence states, written the way the
product writes them (``format_number``). Each expectation below is keyed by
the discrepancy's ``where`` text; a discrepancy without one fails the suite.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from sakip.domain import budget
from sakip.domain.aggregation import YearPoint, compare_years
from sakip.domain.budget import Amounts, BudgetLine, Level
from sakip.domain.measurement import achievement
from sakip.domain.numbers import format_number
from sakip.domain.scales import KEMENPAN_5, LKJIP_4
from tests.domain.golden import (
    ANSWER_LABELS_002,
    GOLDEN,
    dec,
    find_check,
    printed_matches,
    recompute,
    same_at_golden_precision,
    survey_002_distributions,
    survey_002_printed,
)


def engine(seed: str, check_id: str) -> Decimal:
    return recompute(seed, find_check(seed, check_id))


def gives_correct_not_printed(value: Decimal, correct: Any, printed: Any = None) -> None:
    assert same_at_golden_precision(value, correct), f"engine {value}, correct {correct}"
    if isinstance(printed, int | Decimal) and not isinstance(printed, bool):
        assert printed_matches(printed, value) is False, f"engine {value} equals printed {printed}"


def shown(value: Decimal) -> str:
    """A figure as the product writes it, with the places it needs (``-12,4``, ``100``)."""
    exponent = value.normalize().as_tuple().exponent
    assert isinstance(exponent, int)
    return format_number(value, max(0, -exponent))


# ------------------------------------------------------------------ seed 000


def d000_sasaran_totals(d: dict[str, Any]) -> None:
    gives_correct_not_printed(
        engine("000", "tbl32_total_alloc"), d["correct"]["allocation"], d["printed"]["allocation"]
    )
    gives_correct_not_printed(
        engine("000", "tbl32_total_real"), d["correct"]["realization"], d["printed"]["realization"]
    )


def d000_sasaran_pct(d: dict[str, Any]) -> None:
    gives_correct_not_printed(engine("000", "tbl32_total_pct"), d["correct"]["deviation_pct"], d["printed"])
    real, alloc = (dec(v) for v in find_check("000", "tbl32_total_pct")["inputs"])
    absorption = budget.absorption(real, alloc)
    assert absorption is not None
    gives_correct_not_printed(absorption, d["correct"]["absorption_pct"], d["printed"])
    # the printed figure is reproduced only by adding up the percentage cells
    assert same_at_golden_precision(engine("000", "tbl32_total_pct_sum_of_cells"), d["printed"])


def scalar_from(check_id: str, seed: str) -> Callable[[dict[str, Any]], None]:
    def expectation(d: dict[str, Any]) -> None:
        gives_correct_not_printed(engine(seed, check_id), d["correct"], d["printed"])

    return expectation


def d000_bl_unitemized(d: dict[str, Any]) -> None:
    itemized = engine("000", "tbl32_total_alloc")
    assert format_number(itemized, 0) in d["correct"]  # "totalling 143.637.250"
    bl = dec(GOLDEN["000"]["budget"]["by_type"]["BL"]["allocation"])
    gap = Amounts(bl, itemized).remaining
    assert gap == engine("000", "bl_unitemized")
    assert format_number(gap, 0) in d["explanation"]


def d000_ikm_narrative(d: dict[str, Any]) -> None:
    value = engine("000", "ikm_capaian")
    assert value == engine("000", "ikm_capaian_narrative")
    assert f"capaian {format_number(value)}%" in d["correct"]
    assert f"capaian {shown(value)}%" not in d["printed"]


def d000_mean_narrative(d: dict[str, Any]) -> None:
    value = engine("000", "sasaran_mean_narrative")
    assert d["correct"].startswith(f"{format_number(value)}% = {KEMENPAN_5.classify(value)}")


def _facility(name: str) -> dict[str, Any]:
    return next(c for c in GOLDEN["000"]["organization"]["facilities"]["categories"] if c["name"] == name)


def d000_angkutan(d: dict[str, Any]) -> None:
    gives_correct_not_printed(engine("000", "sarpras_angkutan_total"), d["correct"]["qty"], d["printed"]["qty"])
    gives_correct_not_printed(engine("000", "sarpras_angkutan_baik"), d["correct"]["baik"])
    rusak = [i["qty"] for i in _facility("Alat-alat angkutan")["items"] if i["condition"] == "Rusak"]
    gives_correct_not_printed(recompute("000", {"id": "rusak", "kind": "sum", "inputs": rusak}), d["correct"]["rusak"])


def d000_kantor(d: dict[str, Any]) -> None:
    total = engine("000", "sarpras_kantor_total")
    gives_correct_not_printed(total, d["correct"]["qty"], d["printed"]["qty"])
    items = _facility("Alat-alat kantor dan rumah tangga")["items"]
    assert len(items) == _facility("Alat-alat kantor dan rumah tangga")["item_count"]
    gives_correct_not_printed(total, d["correct"]["baik"])  # every sub-item is Baik


# ------------------------------------------------------------------ seed 002


def pair_from(seed: str, ids: dict[str, str]) -> Callable[[dict[str, Any]], None]:
    def expectation(d: dict[str, Any]) -> None:
        for key, check_id in ids.items():
            gives_correct_not_printed(engine(seed, check_id), d["correct"][key], d["printed"][key])

    return expectation


def list_from(seed: str, ids: list[str]) -> Callable[[dict[str, Any]], None]:
    def expectation(d: dict[str, Any]) -> None:
        assert len(ids) == len(d["correct"]) == len(d["printed"])
        for check_id, correct, printed in zip(ids, d["correct"], d["printed"], strict=True):
            gives_correct_not_printed(engine(seed, check_id), correct, printed)

    return expectation


def d002_bl_realisation(d: dict[str, Any]) -> None:
    figures = [round(engine("002", c), 2) for c in d["checks"]]
    assert len(set(figures)) == 3, "three realisations, three different absorptions"


def d002_iii_2(d: dict[str, Any]) -> None:
    lines = {ln["code"]: ln for ln in GOLDEN["002"]["budget"]["lines"]}
    others = [
        BudgetLine(code, lines[code]["name"], Level(lines[code]["level"]), allocation=dec(lines[code]["allocation"]))
        for code in ("I", "II", "IV", "III.1", "III.3", "III.4")
    ]
    bl = dec(GOLDEN["002"]["budget"]["by_type"]["BL"]["allocation"])
    # the one allocation of III.2 that makes the table add up to BL
    implied = Amounts(bl, budget.total(others).allocation).remaining
    assert implied is not None
    gives_correct_not_printed(implied, d["correct"], d["printed"]["table"])
    assert implied == dec(d["printed"]["narrative"])
    assert engine("002", "pk_total") == bl
    assert engine("002", "table_programs_alloc_vs_BL") != bl
    assert engine("002", "prog_III_alloc") != engine("002", "prog_III_alloc_alt")


def d002_sasaran_ii(d: dict[str, Any]) -> None:
    assert format_number(engine("002", "prog_III_alloc_alt"), 0) in d["correct"]
    assert f"{format_number(engine('002', 'sasaran2_share_program_amount'))}%" in d["correct"]
    # the printed 27,15 % belongs to the printed 2.039.970.000, not to the program
    assert same_at_golden_precision(engine("002", "sasaran2_share_printed_amount"), Decimal("27.15"))


def d002_rows_1_2(d: dict[str, Any]) -> None:
    for check_id in d["checks"]:
        assert engine("002", check_id) == 0
    names = [e["name"] for e in GOLDEN["002"]["survey"]["elements"][:2]]
    assert survey_002_distributions().not_scored == tuple(names)


def d002_row_12(d: dict[str, Any]) -> None:
    row_sum = engine("002", "skm_dist_rowsum_12")
    assert row_sum != dec(d["correct"])
    row = GOLDEN["002"]["survey"]["elements"][11]
    assert sum(dec(row["distribution_pct"][k]) for k in ANSWER_LABELS_002) == row_sum
    assert any(f"jumlah proporsi {row_sum} %" in w for w in survey_002_distributions().warnings)


def d002_skor(d: dict[str, Any]) -> None:
    scored = {e.name: e.score for e in survey_002_distributions().elements}
    elements = GOLDEN["002"]["survey"]["elements"]
    for row, correct in d["correct"].items():
        value = engine("002", f"skm_score_from_dist_{row}")
        gives_correct_not_printed(value, correct, d["printed"][row])
        name = elements[int(row) - 1]["name"]
        gives_correct_not_printed(scored[name], correct, d["printed"][row])
    mixed = engine("002", "skm_rerata_from_distributions")
    assert same_at_golden_precision(mixed, GOLDEN["002"]["survey"]["recomputed_index_from_distributions"])


def d002_aspect_counts(d: dict[str, Any]) -> None:
    elements = survey_002_printed().elements
    engine_counts = {
        "KepmenPAN_25_2004": Counter(e.grade_2004[0] for e in elements),
        "PermenPANRB_14_2017": Counter(e.grade_2017[0] for e in elements),
    }
    for table, counts in d["correct"].items():
        assert {k: engine_counts[table].get(k, 0) for k in counts} == counts, table
    assert engine_counts["KepmenPAN_25_2004"]["B"] != d["printed"]["Baik"]


def d002_below_mean(d: dict[str, Any]) -> None:
    weakest = survey_002_printed().weakest
    count, _, listing = d["correct"].partition(" aspects: ")
    assert int(count) == len(weakest)
    entries = [entry.rsplit(" ", 1) for entry in listing.split("; ")]
    # the correct text abbreviates some names ("Penanganan pengaduan"): match by prefix and score
    matched = {
        e.name
        for name, score in entries
        for e in weakest
        if e.name.casefold().startswith(name.casefold()) and shown(e.score) == score
    }
    assert len(entries) == len(matched) == len(weakest)
    assert not d["printed"].startswith(f"{len(weakest)} ")


def d002_kemajuan(d: dict[str, Any]) -> None:
    skm = GOLDEN["002"]["measurement"]["results"][0]
    rek = GOLDEN["002"]["measurement"]["results"][1]
    diff_skm, diff_rek = engine("002", "skm_kemajuan"), engine("002", "rekomendasi_kemajuan_as_diff")
    assert f"difference gives {shown(diff_skm)} and {shown(diff_rek)}" in d["correct"]
    ratio_skm = achievement(dec(skm["end_of_plan_target"]), dec(skm["realization"])).raw
    ratio_rek = achievement(dec(rek["end_of_plan_target"]), dec(rek["realization"])).raw
    assert ratio_skm is not None and ratio_rek is not None
    assert f"ratio gives {shown(ratio_skm)} and {shown(ratio_rek)}" in d["correct"]
    assert dec(d["printed"]["tabel_3_3"]) == diff_skm  # Tabel 3.3 used the difference ...
    assert dec(d["printed"]["tabel_3_6"]) == ratio_rek != diff_rek  # ... Tabel 3.6 the ratio


# ------------------------------------------------------------------ seed 003


def d003_competing(d: dict[str, Any]) -> None:
    value = engine("003", "ikm_from_elements")
    assert f"element means give {format_number(value)}" in d["correct"]
    for printed in d["printed"].values():
        assert printed_matches(printed, value) is False


def d003_survey_vs_pk(d: dict[str, Any]) -> None:
    value = engine("003", "ikm_capaian_survey_vs_pk")
    real, target = (dec(v) for v in find_check("003", "ikm_capaian_survey_vs_pk")["inputs"])
    a = achievement(target, real)
    assert a.met is False
    assert d["correct"] == (
        f"Survey {format_number(real)} vs PK target {format_number(target)} = {format_number(value)}% "
        f"- target not met (category still {LKJIP_4.classify(value)})"
    )


def d003_capaian_increase(d: dict[str, Any]) -> None:
    correct, printed = d["correct"], d["printed"]
    gives_correct_not_printed(engine("003", "ikm_capaian_increase"), correct["increase_points"], printed["increase"])
    before, after = (dec(v) for v in find_check("003", "ikm_capaian_increase")["inputs"][::-1])
    change = compare_years(YearPoint(2019, None, before, None), YearPoint(2021, None, after, None))
    assert change.realisation_change_pct is not None
    gives_correct_not_printed(change.realisation_change_pct, correct["increase_relative_pct"], printed["increase"])
    gives_correct_not_printed(
        engine("003", "ikm_2019_capaian"), correct["2019_capaian_if_target_79_20"], printed["2019_capaian"]
    )


def d003_matrix_vs_bl(d: dict[str, Any]) -> None:
    assert d["correct"] == "equal"
    matrix_alloc = engine("003", "matrix_total_vs_bl_alloc")
    assert matrix_alloc == dec(d["printed"]["matrix_total"])
    assert matrix_alloc != dec(d["printed"]["bl_allocation"])
    bl = GOLDEN["003"]["budget"]["by_type"]["BL"]
    assert engine("003", "matrix_total_vs_bl_real") != dec(bl["realization"])


def d003_p1(d: dict[str, Any]) -> None:
    gives_correct_not_printed(engine("003", "matrix_p1_alloc"), d["correct"], d["printed"])
    # the printed figure leaves out the zero-realisation activities
    assert engine("003", "matrix_p1_alloc_excl_zero") == dec(d["printed"])


EXPECTATIONS: dict[tuple[str, str], Callable[[dict[str, Any]], None]] = {
    ("000", 'Tabel 3.2 Kinerja Anggaran, row "JUMLAH SASARAN 1" (Anggaran, Realisasi)'): d000_sasaran_totals,
    ("000", 'Tabel 3.2 Kinerja Anggaran, row "JUMLAH SASARAN 1" (%)'): d000_sasaran_pct,
    ("000", "Tabel 3.3 (2019-2020), TOTAL 2020 %"): scalar_from("budget_total_pct_table", "000"),
    ("000", "Tabel 3.3 (2019-2020), BL 2020 %"): scalar_from("budget_bl_pct_table", "000"),
    ("000", "Tabel 3.3 (2019-2020), BTL 2019 %"): scalar_from("budget_2019_btl_pct", "000"),
    ("000", "Tabel 3.3 (2019-2020), BL 2019 %"): scalar_from("budget_2019_bl_pct", "000"),
    ("000", "Tabel 3.3 (2019-2020), TOTAL 2019 %"): scalar_from("budget_2019_total_pct_table", "000"),
    ("000", 'Text below Tabel 3.3 ("tahun 2019 (94,62%)")'): scalar_from("budget_2019_total_pct_text", "000"),
    ("000", "Tabel 3.2 vs BL total"): d000_bl_unitemized,
    ("000", "BAB III A.1.a narrative under Tabel 3.2 (IKM)"): d000_ikm_narrative,
    ("000", "BAB III A.1.b narrative after Tabel 3.4"): d000_mean_narrative,
    ("000", "Tabel 1.2 row 3 Alat-alat angkutan"): d000_angkutan,
    ("000", "Tabel 1.2 row 4 Alat-alat kantor dan rumah tangga"): d000_kantor,
    ("000", "Tabel 1.2 row 6 Alat laboratorium"): scalar_from("sarpras_lab_total", "000"),
    ("002", "Tabel 3.1 / BAB III B.1 (Nilai SKM capaian)"): scalar_from("skm_capaian", "002"),
    ("002", "BAB III C.1 proportion of BL/BTL"): pair_from("002", {"BL": "bl_share_bab3", "BTL": "btl_share_bab3"}),
    ("002", "Ikhtisar Eksekutif BL/BTL shares"): pair_from(
        "002", {"BL": "bl_share_ikhtisar", "BTL": "btl_share_ikhtisar"}
    ),
    ("002", "BL realization (three different figures)"): d002_bl_realisation,
    ("002", "BAB IV total realization %"): scalar_from("total_real_bab4_pct", "002"),
    ("002", "BAB IV BTL realization %"): scalar_from("btl_real_bab4", "002"),
    ("002", "Budget table row III.2 vs activity narrative and PK"): d002_iii_2,
    ("002", "Budget table % column (rows II, II.2, III, III.2)"): list_from(
        "002", ["line_pct_II", "line_pct_II.2", "line_pct_III", "line_pct_III.2"]
    ),
    ("002", "BAB III C.3.b (Sasaran II allocation)"): d002_sasaran_ii,
    ("002", "Tabel 3.5 SKM RERATA"): scalar_from("skm_rerata", "002"),
    ("002", "Tabel 3.5 SKM distributions rows 1-2"): d002_rows_1_2,
    ("002", "Tabel 3.5 SKM distribution row 12 (Kenyamanan)"): d002_row_12,
    ("002", "Tabel 3.5 SKOR vs distributions (rows 8, 9, 10, 11, 12, 14)"): d002_skor,
    ("002", "Ikhtisar Eksekutif aspect counts"): d002_aspect_counts,
    ("002", "Ikhtisar Eksekutif aspect percentages"): list_from(
        "002", ["aspect_sangat_baik_share", "aspect_baik_share", "aspect_kurang_share"]
    ),
    ("002", "BAB III B.1 aspects below average"): d002_below_mean,
    ("002", 'Tabel 3.3 vs Tabel 3.6 "Tingkat Kemajuan"'): d002_kemajuan,
    ("003", "BAB III C capaian table vs survey narrative"): d003_competing,
    ("003", 'BAB III C ("realisasi ... mencapai target")'): d003_survey_vs_pk,
    ("003", 'BAB III 1.b ("Target Kinerja (IKM) dinaikan'): scalar_from("ikm_target_increase", "003"),
    ("003", 'BAB III 1.b ("capaian tahun lalu (2019)'): d003_capaian_increase,
    ("003", "Matrik Capaian TOTAL PAGU vs BL allocation"): d003_matrix_vs_bl,
    ("003", "Matrik Capaian PROGRAM PELAYANAN MASYARAKAT"): d003_p1,
    ("003", "BAB III section 3 serapan percentages"): list_from(
        "003", ["sec3_pct_I.1", "sec3_pct_I.3", "sec3_pct_I.5", "sec3_pct_I.6", "sec3_pct_III.2", "sec3_pct_III.3"]
    ),
}


def _expectation(seed: str, where: str) -> Callable[[dict[str, Any]], None] | None:
    """The expectation whose key is the discrepancy's ``where`` or a prefix of it."""
    found = [f for (s, prefix), f in EXPECTATIONS.items() if s == seed and where.startswith(prefix)]
    assert len(found) <= 1, f"{seed}: several expectations match {where!r}"
    return found[0] if found else None


DISCREPANCIES = [(seed, d) for seed, data in GOLDEN.items() for d in data["discrepancies"] if d.get("checks")]


@pytest.mark.parametrize(
    ("seed", "discrepancy"),
    DISCREPANCIES,
    ids=[f"{s}-{d['where'][:50]}" for s, d in DISCREPANCIES],
)
def test_engine_gives_correct_value(seed: str, discrepancy: dict[str, Any]) -> None:
    for check_id in discrepancy["checks"]:
        find_check(seed, check_id)  # every named check exists
    expectation = _expectation(seed, discrepancy["where"])
    if expectation is None:
        pytest.fail(f"no expectation written for discrepancy {seed} {discrepancy['where']!r}")
    expectation(discrepancy)


def test_every_expectation_is_used() -> None:
    used = {
        (s, prefix)
        for (s, prefix) in EXPECTATIONS
        for seed, d in DISCREPANCIES
        if seed == s and d["where"].startswith(prefix)
    }
    assert used == set(EXPECTATIONS)
