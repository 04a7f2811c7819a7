"""Community satisfaction survey (SKM) → satisfaction index (IKM) — SPEC §5.

Each respondent answers every element (*unsur*) on a 1–4 scale.

* NRR per element = sum of answers / respondents answering it;
* IKM = Σ NRR × (1 / number of elements), computed exactly as Σ NRR / k;
* converted IKM = IKM × 25 (25–100), graded on both official tables.

Three inputs give the same result: raw responses (`from_responses`, incomplete
questionnaires excluded and counted), per-element answer distributions
(`from_distributions`, shares of answers 1–4) and per-element NRR or converted
scores (`from_element_values`). A fourth keeps an index computed elsewhere
(`from_index`, with its respondent count): no element is scored, the index is
graded the same way. `SurveyResult.basis` says which of them the index came from.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from .errors import N_, SurveyError
from .numbers import ENGINE_CONTEXT, HUNDRED, ZERO, format_count, round_half_up
from .scales import PredicateScale, scale_from_cut_points

_25 = Decimal(25)
ANSWERS = (1, 2, 3, 4)

# Grade tables on the converted (25–100) value; each band starts at its printed
# lower bound and the value is rounded half up to two decimals first.
GRADES_2017 = scale_from_cut_points(
    "skm-2017",
    "Mutu pelayanan PermenPAN-RB 14/2017",
    "D (Tidak Baik)",
    [("C (Kurang Baik)", "65.00", True), ("B (Baik)", "76.61", True), ("A (Sangat Baik)", "88.31", True)],
    ("red", "yellow", "lime", "green"),
)
GRADES_2004 = scale_from_cut_points(
    "skm-2004",
    "Mutu pelayanan KepmenPAN 25/2004 dan PermenPAN-RB 16/2014",
    "D (Tidak Baik)",
    [("C (Kurang Baik)", "43.76", True), ("B (Baik)", "62.51", True), ("A (Sangat Baik)", "81.26", True)],
    ("red", "yellow", "lime", "green"),
)


class Basis(StrEnum):
    """Where a survey's index came from."""

    RESPONSES = "responses"  # raw questionnaires, scored here
    ELEMENTS = "elements"  # per-element values (NRR, scores or answer shares) entered, the index computed here
    INDEX = "index"  # an index computed elsewhere, entered with its respondent count


BASIS_TEXT: dict[Basis, str] = {
    Basis.RESPONSES: N_("dihitung dari kuesioner per responden"),
    Basis.ELEMENTS: N_("dihitung dari nilai per unsur yang diisi"),
    Basis.INDEX: N_("indeks yang dihitung di luar aplikasi dan diisi"),
}


class GradeTable(StrEnum):
    PERMENPAN_14_2017 = "permenpan-14-2017"
    KEPMENPAN_25_2004 = "kepmenpan-25-2004"

    @property
    def scale(self) -> PredicateScale:
        return GRADES_2017 if self is GradeTable.PERMENPAN_14_2017 else GRADES_2004


@dataclass(frozen=True)
class Instrument:
    code: str
    name: str
    elements: tuple[str, ...]
    grade_table: GradeTable

    def __post_init__(self) -> None:
        if not self.elements:
            raise SurveyError(N_("instrumen '%(code)s' tidak memiliki unsur"), code=self.code)
        if len(set(self.elements)) != len(self.elements):
            raise SurveyError(N_("instrumen '%(code)s' memuat unsur yang sama dua kali"), code=self.code)


PERMENPAN_14_2017 = Instrument(
    "permenpan-14-2017",
    "PermenPAN-RB 14/2017 (9 unsur)",
    (
        "Persyaratan",
        "Sistem, mekanisme dan prosedur",
        "Waktu penyelesaian",
        "Biaya/tarif",
        "Produk spesifikasi jenis pelayanan",
        "Kompetensi pelaksana",
        "Perilaku pelaksana",
        "Penanganan pengaduan, saran dan masukan",
        "Sarana dan prasarana",
    ),
    GradeTable.PERMENPAN_14_2017,
)
PERMENPAN_16_2014 = Instrument(
    "permenpan-16-2014",
    "PermenPAN-RB 16/2014 (9 unsur)",
    (
        "Persyaratan",
        "Prosedur",
        "Waktu pelayanan",
        "Biaya/tarif",
        "Produk spesifikasi jenis pelayanan",
        "Kompetensi pelaksana",
        "Perilaku pelaksana",
        "Maklumat pelayanan",
        "Penanganan pengaduan, saran dan masukan",
    ),
    GradeTable.KEPMENPAN_25_2004,
)
KEPMENPAN_25_2004 = Instrument(
    "kepmenpan-25-2004",
    "KepmenPAN 25/2004 (14 unsur)",
    (
        "Prosedur pelayanan",
        "Persyaratan pelayanan",
        "Kejelasan petugas pelayanan",
        "Kedisiplinan petugas pelayanan",
        "Tanggung jawab petugas pelayanan",
        "Kemampuan petugas pelayanan",
        "Kecepatan pelayanan",
        "Keadilan mendapatkan pelayanan",
        "Kesopanan dan keramahan petugas",
        "Kewajaran biaya pelayanan",
        "Kepastian biaya pelayanan",
        "Kepastian jadwal pelayanan",
        "Kenyamanan lingkungan",
        "Keamanan pelayanan",
    ),
    GradeTable.KEPMENPAN_25_2004,
)
INSTRUMENTS: dict[str, Instrument] = {
    i.code: i for i in (PERMENPAN_14_2017, PERMENPAN_16_2014, KEPMENPAN_25_2004)
}


def get_instrument(code: str) -> Instrument:
    try:
        return INSTRUMENTS[code]
    except KeyError:
        raise SurveyError(
            N_("instrumen '%(code)s' tidak dikenal; pilih %(known)s atau daftar unsur sendiri"),
            code=code,
            known=", ".join(sorted(INSTRUMENTS)),
        ) from None


def custom_instrument(
    elements: Sequence[str], grade_table: GradeTable = GradeTable.PERMENPAN_14_2017, name: str = "Kustom"
) -> Instrument:
    return Instrument("custom", name, tuple(elements), grade_table)


@dataclass(frozen=True, slots=True)
class ElementResult:
    name: str
    nrr: Decimal  # 1–4
    score: Decimal  # NRR × 25 (25–100)
    respondents: int | None
    grade_2017: str
    grade_2004: str


@dataclass(frozen=True)
class SurveyResult:
    instrument: Instrument
    elements: tuple[ElementResult, ...]
    ikm: Decimal  # 1–4
    index: Decimal  # converted, 25–100
    respondents: int | None  # complete questionnaires used
    excluded: int  # incomplete questionnaires left out
    warnings: tuple[str, ...] = ()
    not_scored: tuple[str, ...] = field(default=())  # elements without data
    basis: Basis = Basis.RESPONSES

    @property
    def grade(self) -> str:
        return self.instrument.grade_table.scale.classify(self.index)

    @property
    def grade_2017(self) -> str:
        return GRADES_2017.classify(self.index)

    @property
    def grade_2004(self) -> str:
        return GRADES_2004.classify(self.index)

    @property
    def weakest(self) -> tuple[ElementResult, ...]:
        """Elements scoring below the survey's mean, weakest first."""
        below = [e for e in self.elements if e.score < self.index]
        return tuple(sorted(below, key=lambda e: e.score))


def _element(name: str, nrr: Decimal, respondents: int | None) -> ElementResult:
    if nrr < 1 or nrr > 4:
        raise SurveyError(N_("unsur '%(element)s': NRR %(nrr)s di luar 1–4"), element=name, nrr=nrr)
    score = nrr * _25
    return ElementResult(name, nrr, score, respondents, GRADES_2017.classify(score), GRADES_2004.classify(score))


def _result(
    instrument: Instrument,
    elements: list[ElementResult],
    respondents: int | None,
    excluded: int,
    warnings: list[str],
    not_scored: Sequence[str] = (),
    basis: Basis = Basis.RESPONSES,
) -> SurveyResult:
    if not elements:
        raise SurveyError(N_("tidak ada unsur yang dapat dihitung"))
    ikm = ENGINE_CONTEXT.divide(sum((e.nrr for e in elements), ZERO), Decimal(len(elements)))
    if excluded:
        warnings.append(f"{format_count(excluded)} kuesioner tidak lengkap dikeluarkan dari perhitungan")
    return SurveyResult(
        instrument, tuple(elements), ikm, ikm * _25, respondents, excluded, tuple(warnings), tuple(not_scored), basis
    )


def from_responses(
    instrument: Instrument,
    responses: Sequence[Sequence[int | None]],
    population: int | None = None,
) -> SurveyResult:
    """Score raw questionnaires: one row per respondent, one answer (1–4 or None) per element.

    A questionnaire with any element unanswered is excluded and counted. An
    answer outside 1–4 is an error naming the respondent (1-based) and element.
    """
    k = len(instrument.elements)
    sums = [0] * k
    complete = excluded = 0
    for i, row in enumerate(responses, start=1):
        if len(row) != k:
            raise SurveyError(
                N_("responden %(respondent)s: %(answers)s jawaban untuk %(elements)s unsur"),
                respondent=i,
                answers=len(row),
                elements=k,
            )
        if any(a is None for a in row):
            excluded += 1
            continue
        for j, answer in enumerate(row):
            if answer not in ANSWERS or isinstance(answer, bool):
                raise SurveyError(
                    N_("responden %(respondent)s, unsur '%(element)s': jawaban %(answer)s bukan 1–4"),
                    respondent=i,
                    element=instrument.elements[j],
                    answer=repr(answer),
                )
            sums[j] += answer
        complete += 1
    if complete == 0:
        raise SurveyError(
            N_("tidak ada kuesioner yang lengkap (%(excluded)s tidak lengkap)"), excluded=excluded
        )
    n = Decimal(complete)
    elements = [
        _element(name, ENGINE_CONTEXT.divide(Decimal(s), n), complete)
        for name, s in zip(instrument.elements, sums, strict=True)
    ]
    warnings: list[str] = []
    if population is not None:
        need = minimum_sample(population)
        if complete < need:
            warnings.append(
                f"sampel {format_count(complete)} responden kurang dari minimum {format_count(need)} untuk "
                f"populasi {format_count(population)} (Krejcie–Morgan)"
            )
    return _result(instrument, elements, complete, excluded, warnings)


def answer_columns(raw: Sequence[Sequence[int | None]]) -> list[tuple[int, ...]]:
    """Per-element answer counts (1..4) — used for the answer-distribution table."""
    if not raw:
        return []
    k = len(raw[0])
    counts = [[0, 0, 0, 0] for _ in range(k)]
    for row in raw:
        if any(a is None for a in row):
            continue
        for j, a in enumerate(row):
            counts[j][int(a) - 1] += 1  # type: ignore[arg-type]
    return [tuple(c) for c in counts]


def from_distributions(
    instrument: Instrument,
    distributions: Mapping[str, Sequence[Decimal] | None],
    respondents: int | None = None,
) -> SurveyResult:
    """Score per-element shares of answers 1–4 (percentages, as seed 002 prints them).

    Element NRR = Σ k·pₖ / Σ pₖ. A row whose shares do not add up to 100 is
    normalised by its own total and reported in `SurveyResult.warnings`; a row
    of zeros cannot be scored and is listed in `SurveyResult.not_scored`.
    """
    elements: list[ElementResult] = []
    warnings: list[str] = []
    not_scored: list[str] = []
    _check_names(instrument, distributions)
    for name in instrument.elements:
        shares = distributions.get(name)
        if shares is None:
            not_scored.append(name)
            continue
        if len(shares) != 4:
            raise SurveyError(
                N_("unsur '%(element)s': diperlukan 4 proporsi (jawaban 1–4), bukan %(count)s"),
                element=name,
                count=len(shares),
            )
        if any(s < 0 for s in shares):
            raise SurveyError(N_("unsur '%(element)s': ada proporsi yang negatif"), element=name)
        total = sum(shares, ZERO)
        if total == ZERO:
            not_scored.append(name)
            warnings.append(f"unsur {name!r}: semua proporsi 0 %, tidak dapat dihitung")
            continue
        if total != HUNDRED:
            warnings.append(f"unsur {name!r}: jumlah proporsi {total} %, bukan 100 % (dinormalkan)")
        weighted = sum((Decimal(k) * p for k, p in zip(ANSWERS, shares, strict=True)), ZERO)
        elements.append(_element(name, ENGINE_CONTEXT.divide(weighted, total), respondents))
    return _result(instrument, elements, respondents, 0, warnings, not_scored, Basis.ELEMENTS)


def from_element_values(
    instrument: Instrument,
    values: Mapping[str, Decimal | None],
    *,
    converted: bool = False,
    respondents: int | None = None,
) -> SurveyResult:
    """Score per-element NRR (1–4), or converted scores (25–100) with ``converted=True``."""
    _check_names(instrument, values)
    elements: list[ElementResult] = []
    not_scored: list[str] = []
    for name in instrument.elements:
        v = values.get(name)
        if v is None:
            not_scored.append(name)
            continue
        nrr = ENGINE_CONTEXT.divide(v, _25) if converted else v
        elements.append(_element(name, nrr, respondents))
    return _result(instrument, elements, respondents, 0, [], not_scored, Basis.ELEMENTS)


def from_index(
    instrument: Instrument, index: Decimal, respondents: int, *, converted: bool = True
) -> SurveyResult:
    """Keep an index computed elsewhere: the converted index (25–100), or the interval IKM (1–4) with
    ``converted=False``, and the number of respondents it was computed from. No element is scored; the
    index is graded on the instrument's table exactly as a computed one."""
    lo, hi = (_25, HUNDRED) if converted else (Decimal(1), Decimal(4))
    if not lo <= index <= hi:
        raise SurveyError(N_("indeks %(index)s di luar %(low)s–%(high)s"), index=index, low=lo, high=hi)
    if isinstance(respondents, bool) or not isinstance(respondents, int) or respondents < 1:
        raise SurveyError(
            N_("indeks yang diisi memerlukan jumlah responden (paling sedikit 1), bukan %(respondents)s"),
            respondents=respondents,
        )
    ikm = ENGINE_CONTEXT.divide(index, _25) if converted else index
    return SurveyResult(instrument, (), ikm, index if converted else ikm * _25, respondents, 0, (), (), Basis.INDEX)


def _check_names(instrument: Instrument, given: Mapping[str, object]) -> None:
    unknown = [n for n in given if n not in instrument.elements]
    if unknown:
        raise SurveyError(
            N_("%(names)s bukan unsur %(instrument)s"),
            names=", ".join(repr(u) for u in unknown),
            instrument=instrument.name,
        )


CHI_SQUARE = Decimal("3.841")
P = Decimal("0.5")
D = Decimal("0.05")


def minimum_sample(population: int) -> int:
    """Krejcie–Morgan: S = χ²NP(1−P) / (d²(N−1) + χ²P(1−P)), rounded up."""
    if population < 1:
        raise SurveyError(N_("jumlah populasi paling sedikit 1, bukan %(population)s"), population=population)
    n = Decimal(population)
    pq = P * (1 - P)
    s = ENGINE_CONTEXT.divide(CHI_SQUARE * n * pq, D * D * (n - 1) + CHI_SQUARE * pq)
    return math.ceil(s)


def index_display(result: SurveyResult) -> Decimal:
    """The converted index as printed (two decimals, half up)."""
    return round_half_up(result.index)
