"""The number grammar reads what Babel's strict locale-aware reading reads, where both accept the text.

`parse_number` reads text with its own grammar (ASCII digits, one sign, groups of three, one decimal
separator): Babel's parser also reads ``NaN``, exponents and ``1_000``, which Sakip refuses. On the texts
both accept the values must be the same, exponent included (``100,50`` stays ``100.50``).
"""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import parse_decimal
from hypothesis import given
from hypothesis import strategies as st

from sakip.domain.numbers import NumberFormat, parse_number

digits = st.text(alphabet="0123456789", min_size=1, max_size=9)


def _grouped(whole: str, sep: str) -> str:
    whole = whole.lstrip("0") or "0"
    head = len(whole) % 3 or 3
    groups = [whole[:head]] + [whole[i : i + 3] for i in range(head, len(whole), 3)]
    return sep.join(groups)


@given(
    sign=st.sampled_from(["", "-"]),
    whole=digits,
    fraction=st.none() | st.text(alphabet="0123456789", min_size=1, max_size=6),
    grouped=st.booleans(),
    fmt=st.sampled_from(list(NumberFormat)),
)
def test_grammar_reads_as_babel_reads(
    sign: str, whole: str, fraction: str | None, grouped: bool, fmt: NumberFormat
) -> None:
    group, point = (".", ",") if fmt is NumberFormat.INDONESIAN else (",", ".")
    text = sign + (_grouped(whole, group) if grouped else whole) + (point + fraction if fraction is not None else "")
    expected = parse_decimal(text, locale=fmt.value, strict=True)
    got = parse_number(text, fmt)
    assert got == expected
    if expected:
        assert str(got) == str(expected)


def test_examples() -> None:
    assert str(parse_number("79,95", NumberFormat.INDONESIAN)) == "79.95"
    assert parse_number("1.234,5", NumberFormat.INDONESIAN) == Decimal("1234.5")
    assert str(parse_number("100,50", NumberFormat.INDONESIAN)) == "100.50"
