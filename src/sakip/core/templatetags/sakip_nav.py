"""``{% regency_nav as groups %}``: the steps of the regency pages for the user's role (`sakip.core.nav`)."""

from __future__ import annotations

from typing import Any

from django import template

from sakip.core.nav import NavGroup, regency_groups
from sakip.domain.periods import QUARTER_LABELS

register = template.Library()

REGENCY_ROLES = frozenset({"admin", "planner", "verifier"})


@register.simple_tag(takes_context=True)
def regency_nav(context: Any) -> tuple[NavGroup, ...]:
    membership = context.get("membership")
    request = context.get("request")
    role = getattr(membership, "role", None)
    if role not in REGENCY_ROLES or request is None:
        return ()
    return regency_groups(str(role), request.path)


@register.filter
def quarter_name(quarter: object) -> str:
    """``4`` → ``TW IV``; anything else → ``""``."""
    return QUARTER_LABELS.get(quarter, "") if isinstance(quarter, int) else ""
