"""``{% workflow_panel office year "pk" %}`` and ``{% due_panel office %}`` for the office pages."""

from __future__ import annotations

from typing import Any

from django import template

from sakip.accounts.models import Office

from .. import services
from ..web import panel

register = template.Library()

DUE_ROWS = 6  # on the dashboard; the inbox lists more


@register.inclusion_tag("workflow/_panel.html", takes_context=True)
def workflow_panel(
    context: Any, office: Office, year: int | None, step: str, quarter: int | None = None
) -> dict[str, Any]:
    """The state of the period, its history with comments and the buttons this user may press."""
    if year is None or office is None:
        return {"show": False}
    request = context.get("request")
    membership = context.get("membership")
    if membership is None and request is not None:
        from sakip.accounts.access import membership_of

        membership = membership_of(request)
    data = panel(office, membership, int(year), step, int(quarter) if quarter else None)
    data.update(
        show=True, next=request.get_full_path() if request is not None else "", csrf_token=context.get("csrf_token")
    )
    return data


@register.inclusion_tag("workflow/_due.html")
def due_panel(office: Office) -> dict[str, Any]:
    """What is due and overdue for the office (its tracked years)."""
    report = services.due_report([office])
    for d in report:
        from ..views import _period_url

        d.url = _period_url(d.office, d.item.step.value, d.item.year, d.item.quarter)
    shown = report[:DUE_ROWS]  # overdue first, the oldest first
    return {
        "overdue": [d for d in shown if d.item.overdue],
        "due_soon": [d for d in shown if not d.item.overdue],
        "overdue_total": sum(1 for d in report if d.item.overdue),
        "more": len(report) - len(shown),
    }
