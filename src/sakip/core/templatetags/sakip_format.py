"""Template filters: Indonesian number display through the domain's formatter (one place for the format)."""

from __future__ import annotations

from decimal import Decimal

from django import template

from sakip.core.i18n import translate
from sakip.domain.errors import Message
from sakip.domain.numbers import format_count, format_number, format_percent

register = template.Library()


def _places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return max(2, -exponent) if isinstance(exponent, int) else 2


@register.filter
def angka(value: object) -> object:
    """``287274500`` → ``287.274.500,00``; text and None pass through."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        return "-" if value is None else value
    d = Decimal(value)
    return format_number(d, _places(d))


@register.filter
def bilangan(value: object) -> object:
    """A count or a whole number: ``12500`` → ``12.500`` (no decimals); text and None pass through."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        return "-" if value is None else value
    return format_count(int(value)) if value == int(value) else format_number(Decimal(value), _places(Decimal(value)))


@register.filter
def persen(value: object) -> object:
    if not isinstance(value, Decimal):
        return "-" if value is None else value
    return format_percent(value)


@register.filter
def pesan(value: object) -> object:
    """A finding's sentence (`domain.review.Text`, which keeps its `Message`) in the active language;
    any other value as it is."""
    message = getattr(value, "msg", None)
    if isinstance(value, str) and isinstance(message, Message):
        return translate(message)
    return value
