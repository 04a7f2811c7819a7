"""The shortcut for plain Indonesian number text reads exactly what Babel's strict reading gives."""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import parse_decimal
from hypothesis import given
from hypothesis import strategies as st

from sakip.domain.numbers import NumberFormat, parse_number

digits = st.text(alphabet="0123456789", min_size=1, max_size=18)


@given(sign=st.sampled_from(["", "-"]), whole=digits, fraction=st.none() | digits)
def test_plain_text_reads_as_babel_reads_it(sign: str, whole: str, fraction: str | None) -> None:
    text = sign + whole + ("," + fraction if fraction is not None else "")
    expected = parse_decimal(text, locale="id", strict=True)
    got = parse_number(text, NumberFormat.INDONESIAN)
    assert got == expected
    assert str(got) == str(expected)  # the same exponent too (100,50 stays 100.50)


def test_examples() -> None:
    assert str(parse_number("79,95", NumberFormat.INDONESIAN)) == "79.95"
    assert parse_number("1.234,5", NumberFormat.INDONESIAN) == Decimal("1234.5")  # grouped: Babel's reading
