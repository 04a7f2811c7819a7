"""numbers: exact rounding for display and Indonesian / international number text (SPEC §4, §7, §9)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sakip.domain.errors import NumberParseError
from sakip.domain.numbers import (
    NumberFormat,
    as_decimal,
    check_number,
    format_number,
    format_percent,
    format_rupiah,
    parse_number,
    percentage,
    round_half_up,
)

ID = NumberFormat.INDONESIAN
EN = NumberFormat.INTERNATIONAL


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("79,95", "79.95"),
        ("1.234.567,89", "1234567.89"),
        ("1,234,567.89", "1234567.89"),
        ("80%", "80"),
        ("80 %", "80"),
        ("9.5 %", "9.5"),
        ("80,31%", "80.31"),
        ("Rp 1.816.490.281,00", "1816490281.00"),
        ("Rp. 306.532.861,00", "306532861.00"),
        ("0,-", "0"),
        ("5.000,-", "5000"),
        ("Rp 1.500.000,-", "1500000"),
        ("5,000.-", "5000"),
        ("-0,23", "-0.23"),
        ("+12", "12"),
        ("12", "12"),
        ("  96,47  ", "96.47"),
        ("1.234,5", "1234.5"),
        ("1,234.5", "1234.5"),
    ],
)
def test_parse_without_format(text: str, expected: str) -> None:
    value = parse_number(text, units=True)
    assert value == Decimal(expected)
    assert isinstance(value, Decimal)


@pytest.mark.parametrize("text", ["1.234", "1,234", "12.500", "100,000"])
def test_ambiguous_refused_without_format(text: str) -> None:
    with pytest.raises(NumberParseError, match="bermakna ganda") as info:
        parse_number(text, field="Tabel 3.2 R5")
    assert "Tabel 3.2 R5" in str(info.value)
    assert info.value.field == "Tabel 3.2 R5"
    assert info.value.text == text


@pytest.mark.parametrize(
    ("text", "fmt", "expected"),
    [
        ("1.234", ID, "1234"),
        ("1.234", EN, "1.234"),
        ("1,234", ID, "1.234"),
        ("1,234", EN, "1234"),
        ("1.234.567,89", ID, "1234567.89"),
        ("1,234,567.89", EN, "1234567.89"),
    ],
)
def test_ambiguous_accepted_with_format(text: str, fmt: NumberFormat, expected: str) -> None:
    assert parse_number(text, fmt) == Decimal(expected)


@pytest.mark.parametrize(("text", "fmt"), [("1.234.567,89", EN), ("1,234,567.89", ID)])
def test_wrong_named_format_refused(text: str, fmt: NumberFormat) -> None:
    with pytest.raises(NumberParseError, match="format Indonesia" if fmt is ID else "format internasional"):
        parse_number(text, fmt)


@pytest.mark.parametrize("text", ["8O", "", "   ", "abc", "94,81,04%", "1 234", "1.23.4", "Rp", "%"])
def test_not_numbers_refused(text: str) -> None:
    with pytest.raises(NumberParseError):
        parse_number(text, field="realisasi", units=True)
    with pytest.raises(NumberParseError):
        parse_number(text, field="realisasi")


@pytest.mark.parametrize("text", ["80%", "80 %", "Rp 5.000", "Rp. 5.000", "5.000,-", "rp5000"])
def test_units_only_where_asked(text: str) -> None:
    """A value field holds the bare number: a unit is read only for transcribed printed reports."""
    with pytest.raises(NumberParseError, match=r"tanpa satuan|spasi|bukan angka"):
        parse_number(text, ID)
    parse_number(text, ID, units=True)


# texts whose reason names the Indonesian format (the other formats give their own)
_INDONESIAN_ONLY = {"+-1", "--1", "1,", ",5", "0.234", "12.5", "1.000.000.000.000.000", "0,1234567"}


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("NaN", "bukan bilangan terhingga"),
        ("nan", "bukan bilangan terhingga"),
        ("sNaN", "bukan bilangan terhingga"),
        ("Infinity", "bukan bilangan terhingga"),
        ("-inf", "bukan bilangan terhingga"),
        ("∞", "bukan bilangan terhingga"),
        ("1e309", "eksponen"),
        ("1E5", "eksponen"),
        ("2,5e3", "eksponen"),
        ("9" * 400, "terlalu banyak digit"),
        ("9" * 16, "terlalu banyak digit"),
        ("1.000.000.000.000.000", "terlalu banyak digit"),
        ("0,1234567", "terlalu banyak angka desimal"),
        ("１２３", "angka 0–9"),
        ("١٢٣", "angka 0–9"),
        ("۱۲۳", "angka 0–9"),
        ("12²", "angka 0–9"),
        ("1_000", "garis bawah"),
        ("85%", "tanpa satuan"),
        ("Rp 5.000", "tanpa satuan"),
        ("+-1", "format Indonesia"),
        ("--1", "format Indonesia"),
        ("1,", "format Indonesia"),
        (",5", "format Indonesia"),
        ("0.234", "koma sebagai pemisah desimal"),
        ("12.5", "koma sebagai pemisah desimal"),
        ("1\u00a0000", "spasi"),
        ("1\t000", "spasi"),
        ("x" * 2000, "terlalu panjang"),
    ],
)
def test_hostile_text_refused_with_its_reason(text: str, reason: str) -> None:
    for fmt in (ID,) if text in _INDONESIAN_ONLY else (ID, EN, None):
        with pytest.raises(NumberParseError) as info:
            parse_number(text, fmt, field="realisasi")
        message = str(info.value)
        assert "\n" not in message, "one line"
        assert reason in message, (fmt, message)


@pytest.mark.parametrize(("text", "expected"), [("-0", "0"), ("-0,00", "0.00"), ("+0", "0"), ("-000", "0")])
def test_negative_zero_is_zero(text: str, expected: str) -> None:
    value = parse_number(text, ID)
    assert str(value) == expected and not value.is_signed()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("999999999999999", "999999999999999"),
        ("99999999999999,9", "99999999999999.9"),
        ("0,000001", "0.000001"),
        ("-123.456.789.012.345", "-123456789012345"),
        ("1.000", "1000"),
        ("007", "7"),
    ],
)
def test_the_limits_are_inclusive(text: str, expected: str) -> None:
    assert parse_number(text, ID) == Decimal(expected)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (Decimal("NaN"), "terhingga"),
        (Decimal("-Infinity"), "terhingga"),
        (Decimal("1E+309"), "terlalu banyak digit"),
        (Decimal("1E+15"), "terlalu banyak digit"),
        (10**400, "terlalu banyak digit"),
        (Decimal("1E-7"), "desimal"),
        (Decimal("1234567890.1234567"), "desimal"),
        (Decimal("12345678901234.56"), "terlalu banyak digit"),
    ],
)
def test_check_number_refuses_what_parse_number_refuses(value: Decimal | int, reason: str) -> None:
    with pytest.raises(NumberParseError, match=reason):
        check_number(value, "x")


def test_check_number_keeps_what_fits() -> None:
    assert check_number(Decimal("1E+14")) == Decimal("100000000000000")
    assert check_number(Decimal("80.000000")) == Decimal(80)  # trailing zeros are not digits that count
    assert str(check_number(Decimal("-0.00"))) == "0.00"
    assert check_number(12) == Decimal(12)
    with pytest.raises(NumberParseError):
        check_number(True)


def test_parse_error_names_field_and_text() -> None:
    with pytest.raises(NumberParseError) as info:
        parse_number("8O", field="IKM TW IV")
    message = str(info.value)
    assert "IKM TW IV" in message and "'8O'" in message


def test_format_number_indonesian() -> None:
    assert format_number(Decimal("1816490281")) == "1.816.490.281,00"
    assert format_number(Decimal("96.4705")) == "96,47"
    assert format_number(Decimal("-5.195")) == "-5,20"
    assert format_number(Decimal("143637250"), 0) == "143.637.250"
    assert format_number(Decimal("0.005")) == "0,01"


def test_format_number_international() -> None:
    assert format_number(Decimal("1816490281"), fmt=EN) == "1,816,490,281.00"


def test_format_percent_and_rupiah() -> None:
    assert format_percent(Decimal("96.4705")) == "96,47 %"
    assert format_percent(Decimal("100")) == "100,00 %"
    assert format_rupiah(Decimal("1816490281")) == "Rp 1.816.490.281,00"


def test_format_then_parse_round_trips() -> None:
    for value in (Decimal("1816490281.00"), Decimal("96.47"), Decimal("0.50"), Decimal("-23.74")):
        assert parse_number(format_number(value), ID) == value
        assert parse_number(format_rupiah(value), ID, units=True) == value


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        ("0.005", 2, "0.01"),
        ("2.675", 2, "2.68"),
        ("0.004999", 2, "0.00"),
        ("-0.005", 2, "-0.01"),
        ("67.678571", 2, "67.68"),
        ("67.678571", 1, "67.7"),
        ("84.925", 2, "84.93"),
        ("2.5", 0, "3"),
    ],
)
def test_round_half_up(value: str, places: int, expected: str) -> None:
    result = round_half_up(Decimal(value), places)
    assert result == Decimal(expected)
    assert str(result) == expected  # the quantum is the requested number of places


def test_as_decimal() -> None:
    assert as_decimal(Decimal("1.5")) == Decimal("1.5")
    assert as_decimal(7) == Decimal(7)
    assert as_decimal("79,95") == Decimal("79.95")
    with pytest.raises(TypeError):
        as_decimal(1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        as_decimal(True)
    with pytest.raises(NumberParseError):
        as_decimal(Decimal("NaN"), field="x")
    with pytest.raises(NumberParseError):
        as_decimal(Decimal("Infinity"))


def test_percentage_is_exact() -> None:
    assert percentage(Decimal(1778830385), Decimal(1816490281)).quantize(Decimal("0.0001")) == Decimal("97.9268")
    assert percentage(Decimal(1), Decimal(4)) == Decimal(25)


@given(
    st.decimals(allow_nan=False, allow_infinity=False, min_value=Decimal("-1E16"), max_value=Decimal("1E16"), places=8),
    st.integers(min_value=0, max_value=4),
    st.sampled_from(list(NumberFormat)),
)
def test_format_number_is_babels_grouped_pattern(value: Decimal, places: int, fmt: NumberFormat) -> None:
    """`format_number` formats without Babel (speed); it writes what Babel's ``#,##0.00`` writes."""
    from babel.numbers import format_decimal

    pattern = "#,##0" + ("." + "0" * places if places > 0 else "")
    expected = format_decimal(round_half_up(value, places), format=pattern, locale=fmt.value, decimal_quantization=True)
    assert format_number(value, places, fmt) == expected
