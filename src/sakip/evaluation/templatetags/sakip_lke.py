"""``{% sub_recommendations recommendations_by_sub code office year %}``: a sub-component's recommendations
and their follow-up on the LKE pages (issue #15; the rows come from `evaluation.recommendations`)."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.inclusion_tag("evaluation/_sub_recommendations.html")
def sub_recommendations(by_sub: dict[str, list[Any]] | None, code: str, office: Any, year: int) -> dict[str, Any]:
    return {"items": (by_sub or {}).get(code, []), "code": code, "office": office, "year": year}
