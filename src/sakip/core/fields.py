"""Model fields for exact numbers.

Amounts and indicator values are `DecimalField`s with 6 decimal places and up to
15 significant digits: SQLite keeps a decimal as a double, which is exact to 15
significant digits, so the same values round-trip on SQLite and PostgreSQL.
`check_exact` refuses a value that would not (import and forms call it).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

MAX_DIGITS = 21
DECIMAL_PLACES = 6
MAX_SIGNIFICANT = 15


def check_exact(value: Decimal) -> None:
    t = value.normalize().as_tuple()
    exponent = t.exponent if isinstance(t.exponent, int) else 0
    if exponent < -DECIMAL_PLACES:
        raise ValidationError(
            _("%(value)s has more than %(places)d decimal places"), params={"value": value, "places": DECIMAL_PLACES}
        )
    if len(t.digits) > MAX_SIGNIFICANT and value != 0:
        raise ValidationError(
            _("%(value)s has more than %(n)d significant digits"), params={"value": value, "n": MAX_SIGNIFICANT}
        )


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
