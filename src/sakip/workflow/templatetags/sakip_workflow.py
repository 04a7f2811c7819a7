"""``{% workflow_panel office year "pk" %}`` and ``{% due_panel office %}`` for the office pages."""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from typing import Any

from django import template
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from sakip.accounts.models import Office
from sakip.domain import workflow as wf

from .. import services
from ..web import panel, request_states

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
    states = request_states(request, office)
    data = panel(office, membership, int(year), step, int(quarter) if quarter else None, states)
    data.update(
        show=True, next=request.get_full_path() if request is not None else "", csrf_token=context.get("csrf_token")
    )
    return data


_due_lock = threading.Lock()
_due_html: OrderedDict[tuple[Any, ...], str] = OrderedDict()
DUE_CACHE = 1024


@register.simple_tag(takes_context=True)
def due_panel(context: Any, office: Office) -> str:
    """What is due and overdue for the office (its tracked years), rendered from ``workflow/_due.html``.

    Two queries, the office's states (shared with the other panels of the page) and the
    regency's due rules, both read for every page; the HTML is kept for the same states,
    rules, day, language and office, which are all it depends on.
    """
    states = request_states(context.get("request"), office)
    from sakip.regency import figures, generations  # every change of a rule renews its regency's generation

    rules = figures.kept(
        ("due-rules", office.regency_id),
        lambda: services.rules_for_regency_id(office.regency_id),
        (generations.regency_scope(office.regency_id),),
    )
    today = timezone.localdate()
    key = (
        office.pk,
        office.code,
        today,
        states.key(),
        tuple(sorted((step.value, rule) for step, rule in rules.items())),
        get_language(),
        get_script_prefix(),
    )
    with _due_lock:
        html = _due_html.get(key)
    if html is None:
        html = render_to_string("workflow/_due.html", due_context(states, rules, today))
        with _due_lock:
            _due_html[key] = html
            while len(_due_html) > DUE_CACHE:
                _due_html.popitem(last=False)
    return mark_safe(html)  # rendered from our own template, which escapes its values


def due_context(states: services.OfficeStates, rules: dict[wf.Step, wf.DueRule], today: dt.date) -> dict[str, Any]:
    """The due panel's rows: overdue first, the oldest first, at most ``DUE_ROWS``."""
    from ..views import _period_url

    report = services.due_of_office(states, today, rules=rules)
    shown = report[:DUE_ROWS]
    for d in shown:  # links only for the rows shown
        d.url = _period_url(d.office, d.item.step.value, d.item.year, d.item.quarter)
    return {
        "overdue": [d for d in shown if d.item.overdue],
        "due_soon": [d for d in shown if not d.item.overdue],
        "overdue_total": sum(1 for d in report if d.item.overdue),
        "more": len(report) - len(shown),
    }
