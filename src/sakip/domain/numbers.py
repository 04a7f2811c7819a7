"""Exact numbers: rounding for display, and Indonesian / international number text.

Rules (SPEC §4, §9):

* every computation is done in `Decimal`; `round_half_up` is applied only when a
  value is shown;
* number text is parsed in a *named* format. `NumberFormat.INDONESIAN` reads
  ``1.234.567,89``, `NumberFormat.INTERNATIONAL` reads ``1,234,567.89``. When no
  format is named, text that both formats read (with different values) is
  refused as ambiguous: ``1.234`` is 1234 in Indonesian and 1.234 in English.
  Parsing uses Babel's strict locale-aware parser, so grouping is checked too.
"""

from __future__ import annotations

import decimal
import re
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from babel.numbers import NumberFormatError, format_decimal, parse_decimal

from .errors import N_, NumberParseError

HUNDRED = Decimal(100)
ZERO = Decimal(0)

# A context for the engine: 28 significant digits is more than any rupiah
# amount or percentage needs, and every trap that would hide an error is on.
ENGINE_CONTEXT = decimal.Context(
    prec=28,
    rounding=ROUND_HALF_UP,
    traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow],
)


class NumberFormat(StrEnum):
    """How number text is written. The value is the Babel locale that reads it."""

    INDONESIAN = "id"
    INTERNATIONAL = "en"


_QUANTA: dict[int, Decimal] = {}


def quantum(places: int) -> Decimal:
    q = _QUANTA.get(places)
    if q is None:
        q = _QUANTA[places] = Decimal(1).scaleb(-places)
    return q


def round_half_up(value: Decimal, places: int = 2) -> Decimal:
    """Round for display: half up (``0.005`` → ``0.01``), as Indonesian reports do."""
    return value.quantize(quantum(places), rounding=ROUND_HALF_UP)


def as_decimal(value: Decimal | int | str, field: str | None = None) -> Decimal:
    """Accept a Decimal or an int as is; read a str with `parse_number`.

    Floats are refused: a binary float cannot carry an exact rupiah amount, and
    converting one silently would hide where the inexact value came from.
    """
    if isinstance(value, bool):
        raise TypeError(f"{field or 'value'}: expected a number, got a boolean")
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise NumberParseError(str(value), N_("bukan bilangan terhingga"), field)
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        return parse_number(value, field=field)
    raise TypeError(f"{field or 'value'}: expected Decimal, int or str, got {type(value).__name__}")


def _clean(text: str) -> str:
    t = text.strip().replace("\u00a0", " ")
    if t.lower().startswith("rp"):
        t = t[2:].lstrip(". ").strip()
    if t.endswith("%"):
        t = t[:-1].strip()
    if t.startswith("+"):
        t = t[1:]
    # the seeds print "0,-" for a zero amount
    if t.endswith(",-") or t.endswith(".-"):
        t = t[:-2]
    return t


# digits with an optional decimal comma and no grouping: what Babel's strict Indonesian reading returns is
# exactly Decimal of the text with a point (checked on 20,000 such texts), without its cost (an import
# reads tens of thousands of numbers)
_PLAIN_INDONESIAN = re.compile(r"-?[0-9]+(?:,[0-9]+)?")


def _parse_in(text: str, fmt: NumberFormat) -> Decimal:
    if fmt is NumberFormat.INDONESIAN and _PLAIN_INDONESIAN.fullmatch(text):
        return Decimal(text.replace(",", "."))
    return parse_decimal(text, locale=fmt.value, strict=True)


def parse_number(text: str, fmt: NumberFormat | None = None, field: str | None = None) -> Decimal:
    """Read number text such as ``79,95``, ``1.234.567,89``, ``1,234,567.89``, ``80%``, ``Rp 5.000``.

    With ``fmt`` the text must be valid in that format. Without it the format is
    inferred, and text that reads differently in the two formats is refused.
    A leading ``Rp`` and a trailing ``%`` are allowed; the caller knows the unit.
    """
    if fmt is None:
        # "5.000,-" / "5,000.-": the dash stands for the decimals, so the separator
        # before it is the decimal separator and names the format.
        tail = text.strip()
        if tail.endswith(",-"):
            fmt = NumberFormat.INDONESIAN
        elif tail.endswith(".-"):
            fmt = NumberFormat.INTERNATIONAL
    cleaned = _clean(text)
    if not cleaned:
        raise NumberParseError(text, N_("isian kosong"), field)
    if " " in cleaned:
        raise NumberParseError(text, N_("spasi di dalam angka tidak diperbolehkan"), field)
    if fmt is not None:
        try:
            return _parse_in(cleaned, fmt)
        except NumberFormatError:
            raise NumberParseError(
                text,
                N_("bukan angka yang sah dalam format Indonesia (mis. 1.234,5)")
                if fmt is NumberFormat.INDONESIAN
                else N_("bukan angka yang sah dalam format internasional (mis. 1,234.5)"),
                field,
            ) from None
    readings: dict[NumberFormat, Decimal] = {}
    for candidate in NumberFormat:
        try:
            readings[candidate] = _parse_in(cleaned, candidate)
        except NumberFormatError:
            continue
    if not readings:
        raise NumberParseError(
            text, N_("bukan angka dalam format Indonesia (1.234,5) maupun internasional (1,234.5)"), field
        )
    values = set(readings.values())
    if len(values) > 1:
        idv = readings[NumberFormat.INDONESIAN]
        env = readings[NumberFormat.INTERNATIONAL]
        raise NumberParseError(
            text,
            N_(
                "bermakna ganda: %(id_value)s dalam format Indonesia, %(en_value)s dalam format "
                "internasional; sebutkan formatnya"
            ),
            field,
            id_value=idv,
            en_value=env,
        )
    return values.pop()


def format_number(value: Decimal, places: int = 2, fmt: NumberFormat = NumberFormat.INDONESIAN) -> str:
    """Show a number: rounded half up, grouped (``1.816.490.281,00`` in Indonesian)."""
    rounded = round_half_up(value, places)
    pattern = "#,##0" + ("." + "0" * places if places > 0 else "")
    return str(format_decimal(rounded, format=pattern, locale=fmt.value, decimal_quantization=True))


def format_percent(value: Decimal, places: int = 2, fmt: NumberFormat = NumberFormat.INDONESIAN) -> str:
    """``96,47 %`` — the value is already a percentage (achievement, absorption)."""
    return f"{format_number(value, places, fmt)} %"


def format_rupiah(value: Decimal, fmt: NumberFormat = NumberFormat.INDONESIAN) -> str:
    """``Rp 1.816.490.281,00``."""
    return f"Rp {format_number(value, 2, fmt)}"


def percentage(part: Decimal, whole: Decimal) -> Decimal:
    """``part / whole × 100`` exactly; the caller handles ``whole == 0`` first."""
    return ENGINE_CONTEXT.multiply(ENGINE_CONTEXT.divide(part, whole), HUNDRED)
