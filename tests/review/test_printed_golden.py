"""The review of the three seed reports' printed figures against the golden discrepancy lists.

For each seed, every finding of `review_printed` over the transcribed printed report
(``src/sakip/dataset/printed/*.yaml``) must be one of the golden file's discrepancies
(no false positives), each golden discrepancy about a figure the printed-report format
carries must be found, and the finding's printed and correct values must be the golden
``printed`` and ``correct`` values. Golden discrepancies outside the format (narrative,
formula texts, names, counts of facilities …) are listed below with the reason.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from sakip.dataset.printed_report import load, printed_seed_path
from sakip.domain.numbers import format_number, round_half_up
from sakip.domain.review import Finding
from sakip.domain.review_rules import ReviewResult, review_printed
from tests.domain.golden import GOLDEN

SEED_OF = {"kaloran-2020": "000", "kaliwates-2020": "002", "kandangserang-2021": "003"}

Check = Callable[[Finding, Any], None]


def scalars(f: Finding, d: dict[str, Any]) -> None:
    _same(f.printed, d["printed"])
    _same(f.correct, d["correct"])


def keyed(printed_key: Any, correct_key: Any) -> Check:
    """Printed and correct values at these keys (or list positions) of the discrepancy."""

    def check(f: Finding, d: dict[str, Any]) -> None:
        _same(f.printed, d["printed"][printed_key])
        _same(f.correct, d["correct"][correct_key] if correct_key is not None else d["correct"])

    return check


def printed_pair(found_key: str, expected_key: str) -> Check:
    """Two printed figures that disagree: found one, expected the other."""

    def check(f: Finding, d: dict[str, Any]) -> None:
        _same(f.printed, d["printed"][found_key])
        _same(f.correct, d["printed"][expected_key])

    return check


def texts(f: Finding, d: dict[str, Any]) -> None:
    """Categories: the printed one appears in the golden printed text, the correct one in the correct text."""
    assert isinstance(f.printed, str) and isinstance(f.correct, str)
    assert f.printed.casefold() in str(d["printed"]).casefold(), (f.printed, d["printed"])
    assert f.correct.casefold() in str(d["correct"]).casefold(), (f.correct, d["correct"])


def _same(value: Any, golden: Any) -> None:
    if isinstance(golden, str):
        assert isinstance(value, str) and value.casefold() == golden.casefold(), (value, golden)
        return
    assert isinstance(value, Decimal), (value, golden)
    g = Decimal(str(golden))
    places = max(0, -int(g.as_tuple().exponent)) if g != g.to_integral_value() else 0
    assert round_half_up(value, max(places, 2)) == round_half_up(g, max(places, 2)), (value, golden)


def element_row(rows: dict[str, str]) -> Check:
    def check(f: Finding, d: dict[str, Any]) -> None:
        row = rows[f.where.rsplit(" › ", 1)[1]]
        _same(f.printed, d["printed"][row])
        _same(f.correct, d["correct"][row])

    return check


def mentions(*parts: str) -> Check:
    """A finding whose figures the golden discrepancy states in its text."""

    def check(f: Finding, d: dict[str, Any]) -> None:
        text = f"{d['printed']} {d['correct']} {d.get('explanation', '')}"
        for part in parts:
            assert part in text or part in f.explanation, (part, text, f.explanation)

    return check


def deviation_total(f: Finding, d: dict[str, Any]) -> None:
    _same(f.printed, d["printed"])
    _same(f.correct, d["correct"]["deviation_pct"])


def zero_rows(f: Finding, d: dict[str, Any]) -> None:
    assert f.printed == 0 and f.correct == 100
    assert "0.0% in all four categories" in d["printed"]


def row_12(f: Finding, d: dict[str, Any]) -> None:
    assert f.printed == Decimal(90) and f.correct == 100
    assert d["printed"].endswith("= 90%, Total 100%") and d["correct"] == 100


def grade(f: Finding, d: dict[str, Any]) -> None:
    assert isinstance(f.printed, str) and isinstance(f.correct, str)
    assert d["printed"].startswith(f.printed) and d["correct"].startswith(f.correct)


def ikm_realisation(f: Finding, d: dict[str, Any]) -> None:
    assert f.printed in d["printed"].values()
    assert isinstance(f.correct, Decimal)
    assert f"element means give {format_number(f.correct)}" in d["correct"]


def survey_vs_pk(f: Finding, d: dict[str, Any]) -> None:
    # the narrative pairs the survey value with a lowered target; against the PK it is 99,55 %
    assert f.printed == Decimal("79.95") and f.correct == Decimal("80.31")
    assert "terhadap target PK capaiannya 99,55" in f.explanation
    assert d["correct"].startswith("Survey 79,95 vs PK target 80,31 = 99,55%")


def matrix_realisation(f: Finding, d: dict[str, Any]) -> None:
    assert isinstance(f.printed, Decimal) and isinstance(f.correct, Decimal)
    assert format_number(f.printed, 0) in d["explanation"] and format_number(f.correct, 0) in d["explanation"]


def nip(f: Finding, d: dict[str, Any]) -> None:
    """A NIP of 19 digits: the printed one, and the one valid NIP a digit away the golden file names."""
    assert isinstance(f.printed, str) and isinstance(f.correct, str)
    assert f"NIP. {f.printed}" in d["printed"]
    guess = f.correct.rsplit(" ", 4)[-4:]
    assert " ".join(guess) in d["correct"], (f.correct, d["correct"])


def signatory(f: Finding, d: dict[str, Any]) -> None:
    """Two signature blocks of one person printing different names or NIPs: both are in the golden list."""
    assert isinstance(f.printed, str) and isinstance(f.correct, str)
    printed = [str(p) for p in d["printed"]]
    assert any(f.printed.split(",")[0] in p for p in printed), (f.printed, printed)
    assert any(f.correct.split(",")[0] in p for p in printed), (f.correct, printed)


def camat_name(f: Finding, d: dict[str, Any]) -> None:
    """The Camat's name misprinted in a block; the name printed in the others is the correct one."""
    assert isinstance(f.printed, str) and isinstance(f.correct, str)
    assert any(f.printed.split(",")[0] in str(p) for p in d["printed"]), (f.printed, d["printed"])
    assert f.correct.split(",")[0] in d["correct"], (f.correct, d["correct"])


def scale_note(seed: str) -> Check:
    """A scale gap the golden file states under ``measurement.scale_note`` (not in ``discrepancies``)."""

    def check(f: Finding, d: dict[str, Any]) -> None:
        assert d is SCALE_NOTE
        note = GOLDEN[seed]["measurement"]["scale_note"]
        assert "74 and 75 fall in no band" in note
        assert "antara 74,00 dan 75,00" in f.explanation

    return check


SCALE_NOTE: dict[str, Any] = {"where": "measurement.scale_note"}
SKOR = "Tabel 3.5 Hasil Survei Kepuasan Masyarakat"
SKM_ROWS = {
    "Kesesuaian pelaksanaan pelayanan dengan standart pelayanan": "8",
    "Penanganan pengaduan dan saran": "9",
    "Kejelasan alur pembagian petugas pelayanan": "10",
    "Waktu pelaksanaan pelayanan": "11",
    "Kenyamanan": "12",
    "Keamanan": "14",
}

# (finding place, finding figure) → (golden discrepancy ``where`` prefix, check)
EXPECTED: dict[str, dict[tuple[str, str], tuple[str, Check]]] = {
    "000": {
        ("Tabel 3.1 Skala Pengukuran Kinerja", "skala predikat"): (
            "Tabel 3.1 Skala Pengukuran Kinerja",
            mentions("99,99", "55,00"),
        ),
        ("Tabel 3.4 row 3 (RTLH)", "kategori"): ("Tabel 3.4 row 3 (RTLH) category", scalars),
        ("Tabel 3.2 Pencapaian Kinerja Tujuan › Indeks Kepuasan Masyarakat (IKM)", "target"): (
            "Tabel 2.3 Perjanjian Kinerja (IKM target) vs Tabel 3.2",
            printed_pair("measurement_target", "pk_target"),
        ),
        ("Tabel 3.4 row 1 (pelanggaran disiplin)", "realisasi"): (
            "Negative-polarity indicators",
            mentions("pelanggaran disiplin", "100"),
        ),
        ("Tabel 3.4 row 3 (RTLH)", "realisasi"): ("Negative-polarity indicators", mentions("RTLH", "79,24")),
        ("Tabel 3.3 Predikat Kinerja Sasaran", "kategori"): ("Tabel 3.3 Predikat Kinerja Sasaran", texts),
        ("BAB III A.1.b (narasi setelah Tabel 3.4)", "kategori"): ("BAB III A.1.b narrative after Tabel 3.4", texts),
        ("BAB IV A (Tinjauan Umum)", "kategori"): ("BAB IV A (Tinjauan Umum)", texts),
        ("Tabel 3.2 Kinerja Anggaran › JUMLAH SASARAN 1", "pagu"): (
            'Tabel 3.2 Kinerja Anggaran, row "JUMLAH SASARAN 1" (Anggaran',
            keyed("allocation", "allocation"),
        ),
        ("Tabel 3.2 Kinerja Anggaran › JUMLAH SASARAN 1", "realisasi"): (
            'Tabel 3.2 Kinerja Anggaran, row "JUMLAH SASARAN 1" (Anggaran',
            keyed("realization", "realization"),
        ),
        ("Tabel 3.2 Kinerja Anggaran › JUMLAH SASARAN 1", "deviasi %"): (
            'Tabel 3.2 Kinerja Anggaran, row "JUMLAH SASARAN 1" (%)',
            deviation_total,
        ),
        ("Tabel 3.3 (2019-2020) › BTL 2019", "penyerapan %"): ("Tabel 3.3 (2019-2020), BTL 2019 %", scalars),
        ("Tabel 3.3 (2019-2020) › BL 2019", "penyerapan %"): ("Tabel 3.3 (2019-2020), BL 2019 %", scalars),
        ("Tabel 3.3 (2019-2020) › TOTAL 2019", "penyerapan %"): ("Tabel 3.3 (2019-2020), TOTAL 2019 %", scalars),
        ("Teks di bawah Tabel 3.3 (tahun 2019)", "penyerapan %"): ("Text below Tabel 3.3", scalars),
        ("Tabel 3.3 (2019-2020) › BL 2020", "penyerapan %"): ("Tabel 3.3 (2019-2020), BL 2020 %", scalars),
        ("Tabel 3.3 (2019-2020) › TOTAL 2020", "penyerapan %"): ("Tabel 3.3 (2019-2020), TOTAL 2020 %", scalars),
        ("Kata Pengantar › tanda tangan", "NIP"): ("Signature block", nip),
    },
    "002": {
        ("Skala pengukuran kinerja (BAB III A)", "skala predikat"): ("Measurement scale", mentions("75", "76")),
        ("Tabel 3.1 / BAB III B.1 › Nilai SKM", "capaian %"): ("Tabel 3.1 / BAB III B.1 (Nilai SKM capaian)", scalars),
        ("BAB III B.2 / BAB IV › Persentase rekomendasi", "kategori"): (
            "BAB III B.2 / BAB IV (rekomendasi koordinasi category)",
            scalars,
        ),
        ("BAB IV › total belanja", "penyerapan %"): ("BAB IV total realization %", scalars),
        ("BAB IV › BTL", "penyerapan %"): ("BAB IV BTL realization %", scalars),
        ("Tabel anggaran › II", "penyerapan %"): ("Budget table % column", keyed(0, 0)),
        ("Tabel anggaran › II.2", "penyerapan %"): ("Budget table % column", keyed(1, 1)),
        ("Tabel anggaran › III", "penyerapan %"): ("Budget table % column", keyed(2, 2)),
        ("Tabel anggaran › III.2", "penyerapan %"): ("Budget table % column", keyed(3, 3)),
        ("Ikhtisar Eksekutif › BL", "porsi %"): ("Ikhtisar Eksekutif BL/BTL shares", keyed("BL", "BL")),
        ("Ikhtisar Eksekutif › BTL", "porsi %"): ("Ikhtisar Eksekutif BL/BTL shares", keyed("BTL", "BTL")),
        ("BAB III C.1 › porsi BL", "porsi %"): ("BAB III C.1 proportion of BL/BTL", keyed("BL", "BL")),
        ("BAB III C.1 › porsi BTL", "porsi %"): ("BAB III C.1 proportion of BL/BTL", keyed("BTL", "BTL")),
        ("BAB IV › BL", "realisasi"): ("BL realization (three different figures)", printed_pair("bab_iv", "ikhtisar")),
        ("Tabel anggaran › III.2", "pagu"): (
            "Budget table row III.2 vs activity narrative and PK",
            keyed("table", None),
        ),
        ("BAB III B.1.a (Input/Masukan) › Koordinasi Pelayanan Umum", "realisasi"): (
            "Koordinasi Pelayanan Umum realization",
            printed_pair("narrative", "table"),
        ),
        ("Tabel anggaran › III", "pagu"): (
            "PK program 3 budget vs budget table program III",
            keyed("budget_table", None),
        ),
        (f"{SKOR} › Persyaratan", "jumlah distribusi %"): ("Tabel 3.5 SKM distributions rows 1-2", zero_rows),
        (f"{SKOR} › Kemudahan prosedur", "jumlah distribusi %"): ("Tabel 3.5 SKM distributions rows 1-2", zero_rows),
        (f"{SKOR} › Kenyamanan", "jumlah distribusi %"): ("Tabel 3.5 SKM distribution row 12", row_12),
        **{
            (f"{SKOR} › {name}", "skor"): ("Tabel 3.5 SKOR vs distributions", element_row(SKM_ROWS))
            for name in SKM_ROWS
        },
        (SKOR, "indeks (IKM)"): ("Tabel 3.5 SKM RERATA", scalars),
        (SKOR, "kategori"): ("SKM grade", grade),
        ("Perjanjian Kinerja 2020 (lampiran) › Pihak Pertama", "nama"): ("PK signatory", signatory),
        ("Perjanjian Kinerja 2020 (lampiran) › Pihak Pertama", "NIP"): ("PK signatory", signatory),
        ("BAB IV Penutup › tanda tangan", "nama"): ("Signature blocks of the Camat", camat_name),
        ("Lampiran IKU › tanda tangan", "nama"): ("Signature blocks of the Camat", camat_name),
    },
    "003": {
        ("Skala pengukuran capaian kinerja (BAB III)", "skala predikat"): ("measurement.scale_note", scale_note("003")),
        ("Matrik Capaian Kinerja OPD 2021 › IKM", "target"): (
            "IKM 2021 target",
            printed_pair("matrik", "pk_perubahan"),
        ),
        ('BAB III C / 1.a ("Dari target IKM 79,95 tercapai 79,95")', "target"): (
            'BAB III C ("realisasi ... mencapai target")',
            survey_vs_pk,
        ),
        ("BAB III C tabel capaian › IKM 2021", "realisasi"): (
            "BAB III C capaian table vs survey narrative",
            ikm_realisation,
        ),
        ("Matrik Capaian Kinerja OPD 2021 › IKM", "realisasi"): (
            "BAB III C capaian table vs survey narrative",
            ikm_realisation,
        ),
        ('BAB III C / 1.a ("Dari target IKM 79,95 tercapai 79,95")', "realisasi"): (
            "BAB III C capaian table vs survey narrative",
            ikm_realisation,
        ),
        ("BAB III C Survei Kepuasan Masyarakat 2021", "indeks (IKM)"): (
            "BAB III C capaian table vs survey narrative",
            ikm_realisation,
        ),
        ("Matrik Capaian › PROGRAM PELAYANAN MASYARAKAT TINGKAT KECAMATAN", "pagu"): (
            "Matrik Capaian PROGRAM PELAYANAN MASYARAKAT",
            scalars,
        ),
        ("Matrik Capaian › TOTAL PAGU ANGGARAN TA 2021", "pagu"): (
            "Matrik Capaian TOTAL PAGU vs BL allocation",
            printed_pair("matrix_total", "bl_allocation"),
        ),
        ("Matrik Capaian › TOTAL PAGU ANGGARAN TA 2021", "realisasi"): (
            "Matrik Capaian TOTAL PAGU vs BL allocation",
            matrix_realisation,
        ),
        **{
            (f"BAB III 3 › {row}", "penyerapan %"): ("BAB III section 3 serapan percentages", keyed(i, i))
            for i, row in enumerate(
                (
                    "I.1 Jasa Komunikasi",
                    "I.3 Peralatan Rumah Tangga",
                    "I.5 Jasa Kebersihan",
                    "I.6 Perbaikan Peralatan Kantor",
                    "III.2 Pembinaan dan Pengawasan Desa",
                    "III.3 Peran Perempuan dan Anak",
                )
            )
        },
    },
}

# golden discrepancies about things a printed-report file does not carry, by ``where`` prefix
OUT_OF_SCOPE: dict[str, dict[str, str]] = {
    "000": {
        "Tabel 3.2 Kinerja Anggaran, % column": "a labelling convention; every printed deviation is right",
        "Tabel 3.3 (2019-2020), BL 2019 Realisasi": "suspect, not provably wrong",
        "BAB III B.1 (": "narrative naming the realisation as the allocation",
        "Tabel 3.2 vs BL total": "share of BL not itemised (no printed figure is wrong)",
        "BAB III A.1.a narrative": "narrative text contradicting the table (the table is right)",
        "Tabel 2.3 Perjanjian Kinerja, RUMUS": "formula text",
        "Tabel 2.3, RUMUS": "formula text",
        "Tabel 3.1 cap rule": "truncated sentence",
        "BAB I B.1": "program counts in the text",
        "BAB III B.1 text": "objective count in the text",
        "Tabel 2.4": "plan budget table of another year",
        "Tabel 1.2": "facility counts",
        "BAB I A.4": "narrative on facilities",
        "Tabel 2.1 source line": "plan period text",
        "BAB IV A and BAB III B": "boilerplate narrative",
        "Table numbering": "document layout",
    },
    "002": {
        "IKU formula": "formula text",
        "BAB III C.3.b": "narrative amount matching no line of the report",
        "Budget table activity III.4": "a right figure that should be explained (no printed figure is wrong)",
        "Ikhtisar Eksekutif aspect counts": "counts of graded aspects (not in the format)",
        "Ikhtisar Eksekutif aspect percentages": "shares of graded aspects (not in the format)",
        "BAB III B.1 aspects below average": "narrative list",
        "BAB III B.1 text on Renstra progress": "narrative years",
        "Ikhtisar Eksekutif, Sasaran 2": "narrative year",
        "Kata Pengantar": "year in the text",
        "Tabel 3.3 vs Tabel 3.6": "progress method (not in the format)",
        "Tabel 3.7": "national comparison (not in the format)",
        "BAB III B.2.b Musrenbang": "narrative",
        "BAB II B.3": "activity count",
        "BAB III C.3 reference": "annex reference",
        "Table numbering": "document layout",
        "IKU decree": "legal citation",
    },
    "003": {
        'BAB III 1.b ("Target Kinerja': "narrative arithmetic on targets of other years",
        'BAB III 1.b ("capaian tahun lalu': "narrative comparison with another year",
        "BAB III 1.c": "narrative end-of-plan target",
        "Survey grading table": "printed grade intervals (the printed grade itself is right)",
        "Survey elements": "element names of another regulation",
        "PK / capaian table unit": "unit text",
        "Matrik Capaian program nomenclature": "program names",
        "Tabel 4.2 title": "office name",
        "Renstra period": "plan period text",
        "BAB III C capaian table$": "missing columns for 2020",
        "Strategy/policy table": "goal and objective sets",
        "PK program 3 name": "program name",
        "BAB I A coordinates": "geography",
        "BAB I A temperature": "geography",
        "BAB III A legal citation": "legal citation",
        "Unit names": "unit names",
    },
}


def _discrepancy(seed: str, prefix: str) -> dict[str, Any]:
    if prefix == "measurement.scale_note":
        return SCALE_NOTE
    found = [d for d in GOLDEN[seed]["discrepancies"] if d["where"].startswith(prefix)]
    assert len(found) == 1, f"{seed}: {len(found)} golden discrepancies start with {prefix!r}"
    result: dict[str, Any] = found[0]
    return result


@pytest.fixture(scope="module")
def results() -> dict[str, ReviewResult]:
    return {seed: review_printed(load(printed_seed_path(name))) for name, seed in SEED_OF.items()}


@pytest.mark.parametrize("seed", ["000", "002", "003"])
def test_findings_are_exactly_the_golden_discrepancies(seed: str, results: dict[str, ReviewResult]) -> None:
    result = results[seed]
    keys = [(f.where, f.what) for f in result.findings]
    assert len(keys) == len(set(keys)), "one finding per place and figure"
    unexpected = set(keys) - set(EXPECTED[seed])
    missing = set(EXPECTED[seed]) - set(keys)
    assert not unexpected, f"findings that are not golden discrepancies (false positives): {sorted(unexpected)}"
    assert not missing, f"golden discrepancies not found: {sorted(missing)}"
    for f in result.findings:
        prefix, check = EXPECTED[seed][(f.where, f.what)]
        check(f, _discrepancy(seed, prefix))
        assert f.rule.startswith("PR-")


@pytest.mark.parametrize("seed", ["000", "002", "003"])
def test_every_golden_discrepancy_is_found_or_outside_the_format(seed: str) -> None:
    covered = {prefix for prefix, _ in EXPECTED[seed].values()}
    for d in GOLDEN[seed]["discrepancies"]:
        in_scope = [p for p in covered if d["where"].startswith(p)]
        outside = [
            p for p in OUT_OF_SCOPE[seed] if (d["where"] == p[:-1] if p.endswith("$") else d["where"].startswith(p))
        ]
        assert len(in_scope) + len(outside) == 1, f"{seed}: {d['where']!r} is neither found nor listed as outside"


def test_checked_and_right_figures_are_counted(results: dict[str, ReviewResult]) -> None:
    for seed, result in results.items():
        wrong = sum(1 for f in result.findings if f.severity.value != "warning")
        assert result.checked > wrong > 0
        assert result.right == result.checked - wrong
        print(f"{seed}: {result.checked} printed figures checked, {result.right} right, {wrong} wrong")
    # the printed IKM achievement of Kaloran (82 / 85 = 96,47) is checked and right
    assert not [f for f in results["000"].findings if f.what == "capaian %"]
