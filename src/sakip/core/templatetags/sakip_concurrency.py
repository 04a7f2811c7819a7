"""``{% form_conflicts form %}``: inside a form, the conflicts a stale save of it met (`core.versioned_forms`)."""

from __future__ import annotations

from typing import Any

from django import template

from sakip.core.concurrency import conflict_context

register = template.Library()


@register.inclusion_tag("core/_conflicts.html")
def form_conflicts(form: Any) -> dict[str, Any]:
    return {**conflict_context(list(getattr(form, "conflicts", []))), "conflict_form": True}
