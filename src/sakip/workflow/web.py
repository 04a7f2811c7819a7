"""The workflow in the pages: refusing edits of frozen periods (submitted, verified, approved),
and the data of the workflow panel."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.html import format_html
from django.utils.translation import gettext_lazy

from sakip.accounts.access import allowed_actions
from sakip.accounts.models import Membership, Office
from sakip.domain import workflow as wf

from . import services
from .models import APPROVER_CHOICES, PeriodState, TransitionLog, period_label


def lock_message(office: Office, year: int, step: str, quarter: int | None = None) -> str | None:
    """The refusal's text when the period (or one covering it) is locked, else None."""
    try:
        services.ensure_editable(office, year, step, quarter)
    except services.PeriodLocked as exc:
        return str(exc.messages[0])
    return None


def locked_response(request: HttpRequest, message: str, back: str | None = None) -> HttpResponse:
    """The refusal of an edit: 409 with the message (for htmx, a fragment to swap in); nothing is stored."""
    request.refusal_reason = message  # type: ignore[attr-defined]  # its one log line (sakip.web.logs)
    if getattr(request, "htmx", False):
        return HttpResponse(format_html('<div class="locked-notice" role="alert">{}</div>', message))
    return render(
        request, "workflow/locked.html", {"message": message, "back": back or request.get_full_path()}, status=409
    )


def refuse_if_locked(
    request: HttpRequest, office: Office, year: int, step: str, quarter: int | None = None
) -> HttpResponse | None:
    """For a POST that stores data of the period: the refusal response when it is locked, else None."""
    if request.method != "POST":
        return None
    message = lock_message(office, year, step, quarter)
    return locked_response(request, message) if message else None


def refuse_year_if_locked(request: HttpRequest, office: Office, years: list[int]) -> HttpResponse | None:
    """For a POST that changes targets of ``years`` (plan edits): refused when the PK or annual report is locked."""
    if request.method != "POST":
        return None
    for year in sorted(set(years)):
        message = lock_message(office, year, "pk")
        if message:
            return locked_response(request, message)
    return None


class LockedMiddleware:
    """A write refused by the lock rule anywhere below a view (``workflow.guard``) is the 409 page, not a 500.

    The views check before they store and show the same message; this is the answer when a
    path did not (an admin form, a service called by a view), with nothing stored: the
    request's transaction, if any, is rolled back by the exception.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, services.PeriodLocked):
            return locked_response(request, str(exception.messages[0]), back=request.get_full_path())
        return None


TRANSITION_URLS = {
    wf.Transition.SUBMIT: "workflow-submit",
    wf.Transition.VERIFY: "workflow-verify",
    wf.Transition.RETURN: "workflow-return",
    wf.Transition.APPROVE: "workflow-approve",
    wf.Transition.UNLOCK: "workflow-unlock",
    wf.Transition.WITHDRAW: "workflow-withdraw",
}


#: what a confirmed transition does, for the confirmation page and the panel's dialog
CONSEQUENCES = {
    wf.Transition.SUBMIT: gettext_lazy(
        "Data periode ini akan dibekukan: tidak dapat diubah sampai verifikator mengembalikannya dengan catatan "
        "atau pengajuan ditarik kembali sebelum diverifikasi."
    ),
    wf.Transition.VERIFY: gettext_lazy(
        "Periode ditandai terverifikasi dan menunggu penguncian oleh pemda; perangkat daerah tidak dapat "
        "mengubahnya kecuali dikembalikan."
    ),
    wf.Transition.APPROVE: gettext_lazy(
        "Periode akan dikunci: dokumennya tidak lagi bertanda DRAF dan perubahan hanya mungkin setelah "
        "administrator pemda membuka kunci dengan alasan."
    ),
    wf.Transition.UNLOCK: gettext_lazy(
        "Periode akan dibuka kembali dan dapat diubah lagi oleh perangkat daerah; alasan Anda dicatat di jejak audit."
    ),
}


def request_states(request: HttpRequest | None, office: Office) -> services.OfficeStates:
    """The office's workflow states read once for the request (shared by the panels of one page).

    Read at the first panel, i.e. while the page is rendered, after anything the view
    stored; kept for the data generation, which every change of a state renews.
    """
    if request is None:
        return services.OfficeStates.read(office)
    cache: dict[int, services.OfficeStates] = request.__dict__.setdefault("_sakip_workflow_states", {})
    states = cache.get(office.pk)
    if states is None:
        from sakip.regency import figures, generations  # every workflow change renews its office's generation

        states = figures.kept(
            ("office-states", office.pk),
            lambda: services.OfficeStates.read(office),
            (generations.office_scope(office.pk),),
        )
        cache[office.pk] = states
    return states


def panel(
    office: Office,
    membership: Membership | None,
    year: int,
    step: str,
    quarter: int | None = None,
    office_states: services.OfficeStates | None = None,
) -> dict[str, Any]:
    """What the workflow panel shows: state, covering lock, history with comments, the buttons.

    Two queries (the office's states, unless given, and the period's history when the period has a row).
    """
    s = wf.Step(step)
    office_states = office_states or services.OfficeStates.read(office)
    states = office_states.of_year(year)
    state = states.get((s, quarter), wf.State.DRAFT)
    # the first period (own, then covering) whose state freezes the data; the panel says why and who reopens
    frozen_by = next(
        (p for p in wf.covering_periods(s, quarter) if wf.is_frozen(states.get(p, wf.State.DRAFT))),
        None,
    )
    covering = frozen_by if frozen_by is not None and frozen_by != (s, quarter) else None
    frozen_message = ""
    if frozen_by is not None:
        frozen_state = states.get(frozen_by, wf.State.DRAFT)
        frozen_message = str(services.PeriodLocked(office, frozen_by[0], year, frozen_by[1], frozen_state).messages[0])
    period_id = office_states.period_id(year, s, quarter)
    history = (  # a period without a row has no history
        list(TransitionLog.objects.filter(period_id=period_id).order_by("at", "id")) if period_id is not None else []
    )
    acts = allowed_actions(membership, office)
    approver = services.approver_of(office.regency_id, s)
    buttons = [
        {
            "transition": t.value,
            "label": services.transition_label(t, approver),
            "url": TRANSITION_URLS[t],
            "needs_comment": wf.TRANSITIONS[t].needs_comment,
            "confirm": t in wf.CONFIRMED,
            "consequence": CONSEQUENCES.get(t, ""),
        }
        for t in wf.available(state, acts, approver)
    ]
    last_comment = ""
    if state in (wf.State.RETURNED, wf.State.REOPENED) and history:
        last_comment = history[-1].comment
    return {
        "office": office,
        "year": year,
        "step": s.value,
        "quarter": quarter or "",
        "label": period_label(s.value, year, quarter),
        "state": state.value,
        "state_label": services.state_label(state, approver),
        "approver": approver.value,
        "approver_label": dict(APPROVER_CHOICES)[approver.value],
        "next_step": services.next_step_text(office, state, approver),
        "locked": wf.is_locked(state) or (covering is not None and wf.is_locked(states.get(covering, wf.State.DRAFT))),
        "frozen": frozen_by is not None,
        "frozen_message": frozen_message,
        "covering_label": period_label(covering[0].value, year, covering[1]) if covering else "",
        "history": history,
        "buttons": buttons,
        "last_comment": last_comment,
    }


__all__ = [
    "LockedMiddleware",
    "PeriodState",
    "lock_message",
    "locked_response",
    "panel",
    "refuse_if_locked",
    "refuse_year_if_locked",
    "request_states",
]
