"""Model fields for exact numbers.

Amounts and indicator values are `DecimalField`s with 6 decimal places and up to
15 digits: SQLite keeps a decimal as a double, which is exact to 15 significant
digits, so the same values round-trip on SQLite and PostgreSQL. The limits are the
domain's (`sakip.domain.numbers.check_number`, the one rule of every number read
from a person or a file); `check_exact` is that rule as a Django validator (the
model field runs it, the pages and the import call it).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from sakip.domain.errors import NumberParseError
from sakip.domain.numbers import MAX_DECIMAL_PLACES, MAX_SIGNIFICANT_DIGITS, check_number

from .i18n import error_text

DECIMAL_PLACES = MAX_DECIMAL_PLACES
MAX_SIGNIFICANT = MAX_SIGNIFICANT_DIGITS
MAX_DIGITS = MAX_SIGNIFICANT + DECIMAL_PLACES  # room for 15 whole digits or 6 decimals (the rule keeps both)


def check_exact(value: Decimal, field: str | None = None) -> None:
    """`check_number` as a validator: a ValidationError with the domain's one-line message."""
    try:
        check_number(value, field)
    except NumberParseError as exc:
        raise ValidationError(error_text(exc)) from None


class ExactDecimalField(models.DecimalField):  # type: ignore[type-arg]
    """A DecimalField that refuses values it could not store exactly."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", MAX_DIGITS)
        kwargs.setdefault("decimal_places", DECIMAL_PLACES)
        super().__init__(*args, **kwargs)
        self.validators.append(check_exact)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Decimal | None:
        if value is None:
            return None
        d = value if isinstance(value, Decimal) else Decimal(str(value))
        return normalize(d)


def normalize(d: Decimal) -> Decimal:
    """Drop trailing zeros a database adds (80.000000 → 80) without exponent notation."""
    n = d.normalize()
    return n.quantize(Decimal(1)) if n == n.to_integral_value() else n
