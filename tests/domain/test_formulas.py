"""formulas: indicator formulas evaluated safely on exact decimals (SPEC §3)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sakip.domain.errors import FormulaError
from sakip.domain.formulas import MAX_EXPRESSION_LENGTH, Formula

D = Decimal
RATIO = Formula("S1.1", "pelanggaran / perangkat_desa * 100", {"pelanggaran", "perangkat_desa"})


def test_valid_evaluation() -> None:
    assert RATIO.evaluate({"pelanggaran": D(3), "perangkat_desa": D(120)}) == D("2.5")
    value = RATIO.evaluate({"pelanggaran": D(1), "perangkat_desa": D(3)})
    assert isinstance(value, Decimal)
    assert value == D(1) / D(3) * 100


def test_literals_are_exact_decimals() -> None:
    f = Formula("X", "a * 0.1 + 0.2", {"a"})
    assert f.evaluate({"a": D(1)}) == D("0.3")  # never 0.30000000000000004


def test_allowed_functions_and_unary() -> None:
    f = Formula("X", "min(a, b) + max(a, b, 10) - abs(-a) + -b + +a", {"a", "b"})
    assert f.evaluate({"a": D(2), "b": D(5)}) == D(2) + D(10) - D(2) - D(5) + D(2)


def test_division_by_zero_names_the_input() -> None:
    with pytest.raises(FormulaError) as info:
        RATIO.evaluate({"pelanggaran": D(3), "perangkat_desa": D(0)})
    error = info.value
    assert error.input_name == "perangkat_desa"
    assert error.indicator == "S1.1"
    assert "pembagian dengan nol" in str(error)
    assert "'perangkat_desa'" in str(error)


def test_zero_over_zero_is_an_error_too() -> None:
    with pytest.raises(FormulaError, match="pembagian dengan nol"):
        RATIO.evaluate({"pelanggaran": D(0), "perangkat_desa": D(0)})


def test_division_by_zero_expression() -> None:
    f = Formula("X", "a / (b - c)", {"a", "b", "c"})
    with pytest.raises(FormulaError, match="pembagian dengan nol"):
        f.evaluate({"a": D(1), "b": D(2), "c": D(2)})


def test_unknown_name_is_named() -> None:
    with pytest.raises(FormulaError) as info:
        Formula("S1.2", "ditangani / laporan * 100", {"ditangani"})
    assert info.value.input_name == "laporan"
    assert "'laporan'" in str(info.value) and "S1.2" in str(info.value)


def test_declared_input_must_be_used() -> None:
    with pytest.raises(FormulaError, match="tidak dipakai") as info:
        Formula("X", "a * 100", {"a", "b"})
    assert info.value.input_name == "b"


@pytest.mark.parametrize(
    "expression",
    [
        "a.real",  # attribute access
        "(a).__class__",
        "a.__class__.__bases__",
        "round(a)",  # calls other than min/max/abs
        "__import__('os')",
        "open('x')",
        "min(a, key=a)",
        "a ** 2",  # power
        "'text'",  # strings
        "a + 'x'",
        "lambda: a",  # lambda
        "[a for a in b]",  # comprehensions
        "{a: 1 for a in b}",
        "(a for a in b)",
        "a if b else 0",
        "a < b",
        "a // b",
        "a % b",
        "a[0]",
        "f'{a}'",
        "True + a",
        "min(*a)",
        "a; b",
        "a +",
        "",
        "   ",
        "min",  # a function is not a value
        "a + max",
        "max(a)",  # min/max need two values
        "abs(a, b)",
        "1e400 * a",  # not a finite number
    ],
)
def test_forbidden_or_invalid_syntax_refused(expression: str) -> None:
    with pytest.raises(FormulaError):
        Formula("X", expression, {"a", "b"} if "b" in expression else {"a"} if "a" in expression else set())


def test_overlong_formula_refused() -> None:
    with pytest.raises(FormulaError, match="lebih panjang dari 500 karakter"):
        Formula("X", "a + " * MAX_EXPRESSION_LENGTH + "a", {"a"})


def test_missing_input_value_is_none() -> None:
    assert RATIO.evaluate({"pelanggaran": None, "perangkat_desa": D(120)}) is None
    assert RATIO.evaluate({"pelanggaran": D(3), "perangkat_desa": None}) is None


def test_absent_input_is_an_error() -> None:
    with pytest.raises(FormulaError, match="nilainya tidak diberikan") as info:
        RATIO.evaluate({"pelanggaran": D(3)})
    assert info.value.input_name == "perangkat_desa"


def test_float_input_refused() -> None:
    with pytest.raises(FormulaError, match="Decimal") as info:
        RATIO.evaluate({"pelanggaran": 3.0, "perangkat_desa": D(10)})  # type: ignore[dict-item]
    assert info.value.input_name == "pelanggaran"


def test_formula_is_a_value() -> None:
    again = Formula("S1.1", "pelanggaran / perangkat_desa * 100", {"perangkat_desa", "pelanggaran"})
    assert again == RATIO
    assert RATIO.inputs == frozenset({"pelanggaran", "perangkat_desa"})


@pytest.mark.parametrize(
    ("expression", "inputs", "message"),
    [
        ("a.real", {"a"}, "Attribute tidak diperbolehkan"),
        ("round(a)", {"a"}, r"hanya min\(\), max\(\) dan abs\(\) yang boleh dipanggil"),
        ("__import__('os').system('x')", set(), "tidak diperbolehkan|boleh dipanggil"),
        ("a ** 2", {"a"}, "Pow tidak diperbolehkan"),
        ("'text'", set(), "hanya angka yang boleh dipakai"),
        ("lambda: a", {"a"}, "Lambda tidak diperbolehkan"),
        ("[a for a in b]", {"a", "b"}, "ListComp tidak diperbolehkan"),
        ("max(a)", {"a"}, "dua nilai atau lebih"),
        ("a + min", {"a"}, "min adalah fungsi"),
        ("1e400 * a", {"a"}, "terlalu besar"),
    ],
)
def test_refusal_says_why(expression: str, inputs: set[str], message: str) -> None:
    with pytest.raises(FormulaError, match=message) as info:
        Formula("X", expression, inputs)
    assert info.value.indicator == "X"
