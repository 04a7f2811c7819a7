"""``{% form_conflicts form %}``: inside a form, the conflicts a stale save of it met (`core.versioned_forms`);
``{{ row|version_token }}``: a row's version token for a button that changes it."""

from __future__ import annotations

from typing import Any

from django import template

from sakip.core.concurrency import conflict_context, token

register = template.Library()


@register.inclusion_tag("core/_conflicts.html")
def form_conflicts(form: Any) -> dict[str, Any]:
    return {**conflict_context(list(getattr(form, "conflicts", []))), "conflict_form": True}


@register.filter
def version_token(obj: Any) -> str:
    """``{{ row|version_token }}``: the row's version token, for a button that changes it (a delete)."""
    return token(obj)
