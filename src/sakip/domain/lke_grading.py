"""The LKE scoring methods: the 88/2021 graded method and the legacy 12/2015 average (SPEC §8).

The method is data: a framework (an LKE template) names its method by id.

* ``graded-88-2021`` (PermenPAN-RB 88/2021, `../shared/reference/lke-88-2021.yaml`): the
  criteria are probes answered Ada / Tidak ada; each **sub-component** gets a grade from the
  share of its criteria fulfilled — E none, D > 0–25 %, C > 25–50 %, CC > 50–75 %,
  B > 75–< 100 %, BB all (the national mandate) — and A / AA only through the evaluator's
  qualifiers, recorded with a note. The sub-component's value is the grade's percentage
  (AA 100, A 90, BB 80, B 70, CC 60, C 50, D 30, E 0) of its weight.
* ``averaged-12-2015`` (PermenPAN-RB 12/2015, *legacy*): every criterion's answer value
  (Y/T, A–E) averaged into its sub-component's weight, as the older worksheet did.

An evaluator may set a sub-component's grade **below** the computed one only with a reason,
and **above** it only to A or AA, from BB (all criteria met), with the qualifier that grade
requires for the sub-component's kind and a note. `decide_grade` is the one place that rule
lives; the web, the API, the CLI and the import ask it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from .errors import N_, DomainError, Message, msg

ZERO = Decimal(0)
HUNDRED = Decimal(100)


class Method(StrEnum):
    GRADED_88_2021 = "graded-88-2021"
    AVERAGED_12_2015 = "averaged-12-2015"


#: The method of a framework that names none (the data of installations before the method was data).
LEGACY_METHOD = Method.AVERAGED_12_2015
DEFAULT_METHOD = Method.GRADED_88_2021

METHOD_LABELS: dict[Method, str] = {
    Method.GRADED_88_2021: N_("PermenPAN-RB 88/2021: nilai per subkomponen (AA–E) dari pemenuhan kriteria"),
    Method.AVERAGED_12_2015: N_("PermenPAN-RB 12/2015 (metode lama): rata-rata nilai kriteria"),
}


#: Grades from highest to lowest, with their percentage of the sub-component's weight.
GRADE_PERCENT: dict[str, Decimal] = {
    "AA": Decimal(100),
    "A": Decimal(90),
    "BB": Decimal(80),
    "B": Decimal(70),
    "CC": Decimal(60),
    "C": Decimal(50),
    "D": Decimal(30),
    "E": Decimal(0),
}
GRADES: tuple[str, ...] = tuple(GRADE_PERCENT)  # AA first


def grade_rank(grade: str) -> int:
    """0 for E … 7 for AA."""
    return len(GRADES) - 1 - GRADES.index(grade)


class Qualifier(StrEnum):
    """The evaluator's qualifier that lifts an all-met (BB) sub-component to A or AA."""

    KEPT_1_YEAR = "kept-1y"  # keberadaan: kept for at least the last year → A
    KEPT_5_YEARS = "kept-5y"  # keberadaan: kept for at least the last 5 years → AA
    RECOGNISED = "recognised"  # kualitas/pemanfaatan: efforts worth recognising → A
    INNOVATION = "innovation"  # kualitas/pemanfaatan: innovative, fit as a national example → AA


QUALIFIER_LABELS: dict[Qualifier, str] = {
    Qualifier.KEPT_1_YEAR: N_("dipertahankan setidaknya 1 tahun terakhir"),
    Qualifier.KEPT_5_YEARS: N_("dipertahankan setidaknya 5 tahun terakhir"),
    Qualifier.RECOGNISED: N_("terdapat beberapa upaya yang bisa dihargai"),
    Qualifier.INNOVATION: N_("terdapat upaya inovatif serta layak menjadi percontohan secara nasional"),
}

#: (sub-component kind, grade) → the qualifier that grade requires.
_QUALIFIER_FOR: dict[tuple[str, str], Qualifier] = {
    ("keberadaan", "A"): Qualifier.KEPT_1_YEAR,
    ("keberadaan", "AA"): Qualifier.KEPT_5_YEARS,
    ("kualitas", "A"): Qualifier.RECOGNISED,
    ("kualitas", "AA"): Qualifier.INNOVATION,
    ("pemanfaatan", "A"): Qualifier.RECOGNISED,
    ("pemanfaatan", "AA"): Qualifier.INNOVATION,
    # other kinds (a pemda's own sub-component) take either wording
    ("lainnya", "A"): Qualifier.RECOGNISED,
    ("lainnya", "AA"): Qualifier.INNOVATION,
}


def qualifier_for(kind: str, grade: str) -> Qualifier | None:
    return _QUALIFIER_FOR.get((kind, grade))


class GradeError(DomainError):
    """A grade decision the rules refuse; the message names the sub-component and why."""


def computed_grade(fulfilled: Decimal, possible: Decimal) -> str:
    """The grade from the criteria fulfilled out of those possible (weighted counts), exactly.

    E none; D > 0–25 %; C > 25–50 %; CC > 50–75 %; B > 75–< 100 %; BB all.
    """
    if possible <= 0:
        raise GradeError(N_("subkomponen tanpa kriteria tidak dapat dinilai"))
    if fulfilled < 0 or fulfilled > possible:
        raise GradeError(
            N_("pemenuhan %(fulfilled)s di luar 0…%(possible)s"), fulfilled=str(fulfilled), possible=str(possible)
        )
    if fulfilled == 0:
        return "E"
    if fulfilled == possible:
        return "BB"
    # compare 4·fulfilled with k·possible: exact, no division
    quarter = fulfilled * 4
    if quarter <= possible:
        return "D"
    if quarter <= possible * 2:
        return "C"
    if quarter <= possible * 3:
        return "CC"
    return "B"


def grade_value(grade: str, weight: Decimal) -> Decimal:
    """The grade's percentage of the weight, exact."""
    return weight * GRADE_PERCENT[grade] / HUNDRED


@dataclass(frozen=True, slots=True)
class GradeOverride:
    """The evaluator's decision on a sub-component: a grade, a qualifier (for A/AA) and its note or reason."""

    grade: str
    qualifier: str = ""
    note: str = ""


@dataclass(frozen=True, slots=True)
class GradeDecision:
    computed: str
    grade: str  # the grade in force
    qualifier: str = ""
    note: str = ""

    @property
    def raised(self) -> bool:
        return grade_rank(self.grade) > grade_rank(self.computed)

    @property
    def lowered(self) -> bool:
        return grade_rank(self.grade) < grade_rank(self.computed)


def decide_grade(sub_code: str, kind: str, computed: str, override: GradeOverride | None) -> GradeDecision:
    """The grade in force for a sub-component; `GradeError` when the override breaks the rules.

    * no override, or the computed grade again: the computed grade;
    * lower than computed: only with a reason (``note``);
    * higher: only A or AA, from BB, with the qualifier that grade needs for the kind and a note.
    """
    if override is None or not override.grade.strip():
        return GradeDecision(computed, computed)
    grade = override.grade.strip().upper()
    note = override.note.strip()
    qualifier = override.qualifier.strip()
    if grade not in GRADE_PERCENT:
        raise GradeError(
            N_("subkomponen %(code)s: '%(grade)s' bukan nilai (pilihan: %(grades)s)"),
            code=sub_code,
            grade=override.grade,
            grades=", ".join(GRADES),
        )
    if grade == computed:
        if qualifier:
            raise GradeError(
                N_("subkomponen %(code)s: kualifikasi hanya untuk menaikkan nilai ke A atau AA"), code=sub_code
            )
        return GradeDecision(computed, grade, "", note)
    if grade_rank(grade) < grade_rank(computed):
        if not note:
            raise GradeError(
                N_(
                    "subkomponen %(code)s: nilai %(grade)s di bawah nilai hasil kriteria %(computed)s memerlukan alasan"
                ),
                code=sub_code,
                grade=grade,
                computed=computed,
            )
        if qualifier:
            raise GradeError(
                N_("subkomponen %(code)s: kualifikasi hanya untuk menaikkan nilai ke A atau AA"), code=sub_code
            )
        return GradeDecision(computed, grade, "", note)
    # higher than computed
    if grade not in ("A", "AA"):
        raise GradeError(
            N_(
                "subkomponen %(code)s: nilai hanya dapat dinaikkan ke A atau AA melalui kualifikasi evaluator, "
                "bukan ke %(grade)s (nilai hasil kriteria: %(computed)s)"
            ),
            code=sub_code,
            grade=grade,
            computed=computed,
        )
    if computed != "BB":
        raise GradeError(
            N_(
                "subkomponen %(code)s: nilai %(grade)s memerlukan seluruh kriteria terpenuhi (nilai hasil kriteria: "
                "%(computed)s)"
            ),
            code=sub_code,
            grade=grade,
            computed=computed,
        )
    needed = qualifier_for(kind, grade)
    if needed is None or qualifier != needed.value:
        raise GradeError(
            N_("subkomponen %(code)s: nilai %(grade)s memerlukan kualifikasi '%(qualifier)s'"),
            code=sub_code,
            grade=grade,
            qualifier=Message(QUALIFIER_LABELS[needed]) if needed else "",
        )
    if not note:
        raise GradeError(
            N_("subkomponen %(code)s: kualifikasi untuk nilai %(grade)s memerlukan catatan"),
            code=sub_code,
            grade=grade,
        )
    return GradeDecision(computed, grade, qualifier, note)


def method_of(value: str | None) -> Method:
    """The method named by ``value`` (the legacy one when empty); `GradeError` for an unknown id."""
    if not value:
        return LEGACY_METHOD
    try:
        return Method(value)
    except ValueError:
        raise GradeError(
            N_("metode penilaian LKE '%(method)s' tidak dikenal (pilihan: %(methods)s)"),
            method=value,
            methods=", ".join(m.value for m in Method),
        ) from None


__all__ = [
    "GRADES",
    "GRADE_PERCENT",
    "GradeDecision",
    "GradeError",
    "GradeOverride",
    "Method",
    "Qualifier",
    "computed_grade",
    "decide_grade",
    "grade_value",
    "method_of",
    "msg",
]
