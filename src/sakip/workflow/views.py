"""Workflow buttons, the inbox, the regency's overdue list and its due-date rules."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sakip.accounts.access import allowed_actions, membership_of, office_view, regency_view
from sakip.accounts.models import Membership, Office, Role
from sakip.core.concurrency import get_or_create_once
from sakip.core.params import int_param, next_path, valid_year
from sakip.domain import workflow as wf

from . import services
from .models import (
    APPROVER_CHOICES,
    STEP_CHOICES,
    ApprovalSetting,
    DueRuleSetting,
    PeriodState,
    RowComment,
    period_label,
)
from .web import CONSEQUENCES, TRANSITION_URLS

REGENCY_ROLES = (Role.ADMIN, Role.PLANNER, Role.VERIFIER)
MAX_COMMENT = 2000
INBOX_ROWS = 50  # per list; the rest behind the overdue list's link


def _back(request: HttpRequest, office: Office) -> str:
    """Where to go after the transition: the form's ``next`` when it is a path of this site, else the office."""
    return next_path(request, request.POST.get("next")) or reverse("office-dashboard", args=[office.code])


def _move(
    request: HttpRequest, year: int, office: Office, membership: Membership | None, t: wf.Transition
) -> HttpResponse:
    if not valid_year(year):  # 0, "the office's year" of the year pages, names no period
        raise Http404(_("Tahun tidak dikenal"))
    back = _back(request, office)
    step = request.POST.get("step", "")
    quarter_text = request.POST.get("quarter", "")
    quarter = int_param(quarter_text, 1, 4) if quarter_text else None
    if step not in {s.value for s in wf.Step} or (quarter_text and quarter is None):
        messages.error(request, _("Tahap atau triwulan tidak dikenal; tidak ada yang diubah."))
        return HttpResponseRedirect(back)
    try:
        wf.check_period(wf.Step(step), quarter)
    except wf.WorkflowError:
        messages.error(request, _("Tahap atau triwulan tidak dikenal; tidak ada yang diubah."))
        return HttpResponseRedirect(back)
    approver = services.approver_of(office.regency_id, wf.Step(step))
    if t in wf.CONFIRMED and request.POST.get("confirm") != "1":
        return _confirm_page(request, year, office, membership, wf.Step(step), quarter, t, approver, back)
    try:
        period = services.transition(
            office,
            year,
            step,
            quarter,
            t,
            user=request.user,
            allowed_actions=allowed_actions(membership, office),
            comment=request.POST.get("comment", ""),
        )
    except services.TransitionRefused as exc:
        if exc.code == "not_allowed":  # the role may not press this button for the step (the approver setting)
            raise PermissionDenied(exc.messages[0]) from None
        messages.error(request, exc.messages[0])
    else:
        messages.success(
            request,
            _("%(period)s: %(state)s.")
            % {
                "period": period_label(step, year, quarter),
                "state": services.state_label(wf.State(period.state), approver),
            },
        )
    return HttpResponseRedirect(back)


def _confirm_page(
    request: HttpRequest,
    year: int,
    office: Office,
    membership: Membership | None,
    step: wf.Step,
    quarter: int | None,
    t: wf.Transition,
    approver: wf.Approver,
    back: str,
) -> HttpResponse:
    """The confirmation step of a transition that freezes, locks or reopens a period: nothing changes until the
    user presses the page's button (a POST with ``confirm=1``); the panel's script shows the same question in a
    dialog and sends ``confirm=1`` itself."""
    state = services.state_of(office, year, step, quarter)
    acts = allowed_actions(membership, office)
    if wf.required_action(t, approver) not in acts:
        raise PermissionDenied(_("Anda tidak berwenang untuk tindakan “%(t)s” pada %(period)s.") % {
            "t": services.transition_label(t, approver), "period": period_label(step.value, year, quarter),
        })
    if t not in wf.available(state, acts, approver):
        messages.error(
            request,
            _("Tindakan “%(t)s” tidak dapat dilakukan dari status “%(s)s”.")
            % {"t": services.transition_label(t, approver), "s": services.state_label(state, approver)},
        )
        return HttpResponseRedirect(back)
    label = services.transition_label(t, approver)
    return render(
        request,
        "workflow/confirm.html",
        {
            "office": office,
            "year": year,
            "step": step.value,
            "quarter": quarter or "",
            "period": period_label(step.value, year, quarter),
            "state_label": services.state_label(state, approver),
            "action_label": label,
            "consequence": CONSEQUENCES[t],
            "url": reverse(TRANSITION_URLS[t], args=[office.code, year]),
            "comment": request.POST.get("comment", ""),
            "needs_comment": wf.TRANSITIONS[t].needs_comment,
            "next": back,
            "membership": membership,
        },
    )


@require_POST
@office_view("verify")
def row_comment(
    request: HttpRequest, year: int, quarter: int, office: Office, membership: Membership | None
) -> HttpResponse:
    """A verifier's or planner's note on one indicator's quarter (POST ``indicator``, ``text``, ``next``).

    Allowed whatever the period's state (a note is not period data); the office sees it next to the row.
    """
    from sakip.planning.models import Indicator

    if quarter not in (1, 2, 3, 4) or not valid_year(year):
        raise Http404(_("Triwulan atau tahun tidak dikenal"))
    pk = int_param(request.POST.get("indicator"))
    indicator = Indicator.objects.filter(pk=pk, plan__office=office).first() if pk is not None else None
    page = reverse("quarter-entry", args=[office.code, year, quarter])
    back = next_path(request, request.POST.get("next")) or (page + (f"#row-{indicator.pk}" if indicator else ""))
    text = (request.POST.get("text") or "").strip()
    if indicator is None:  # none given, or not this office's: the same answer either way
        messages.error(request, _("Indikator tidak dikenal; tidak ada yang dikirim."))
    elif not text:
        messages.error(request, _("Catatan kosong; tidak ada yang dikirim."))
    elif len(text) > MAX_COMMENT:
        messages.error(request, _("Catatan terlalu panjang (maksimum %(n)d karakter).") % {"n": MAX_COMMENT})
    else:
        user = request.user if request.user.is_authenticated else None  # office_view: always signed in
        RowComment.objects.create(
            office=office, year=year, quarter=quarter, indicator=indicator, text=text,
            author=user, author_name=request.user.get_username(),
        )
        messages.success(
            request,
            _("Catatan untuk %(code)s %(period)s terkirim.")
            % {"code": indicator.code, "period": period_label("quarter", year, quarter)},
        )
    return HttpResponseRedirect(back)


@require_POST
@office_view("enter")  # the head, or the operator when the head does not approve the step: services.transition decides
def submit(request: HttpRequest, year: int, office: Office, membership: Membership | None) -> HttpResponse:
    """The office head submits the period to the regency."""
    return _move(request, year, office, membership, wf.Transition.SUBMIT)


@require_POST
@office_view("verify")
def verify(request: HttpRequest, year: int, office: Office, membership: Membership | None) -> HttpResponse:
    return _move(request, year, office, membership, wf.Transition.VERIFY)


@require_POST
@office_view("verify")
def send_back(request: HttpRequest, year: int, office: Office, membership: Membership | None) -> HttpResponse:
    """Return to the office with a required comment."""
    return _move(request, year, office, membership, wf.Transition.RETURN)


@require_POST
@office_view("lock")
def approve(request: HttpRequest, year: int, office: Office, membership: Membership | None) -> HttpResponse:
    """Final approval: the period is locked."""
    return _move(request, year, office, membership, wf.Transition.APPROVE)


@require_POST
@office_view("unlock")
def unlock(request: HttpRequest, year: int, office: Office, membership: Membership | None) -> HttpResponse:
    """Reopen a locked period, with a required reason (audited)."""
    return _move(request, year, office, membership, wf.Transition.UNLOCK)


@require_POST
@office_view("enter")  # the head, or the operator when the head does not approve the step: services.transition decides
def withdraw(request: HttpRequest, year: int, office: Office, membership: Membership | None) -> HttpResponse:
    """The office head takes a submission back to draft before it is verified, with a required reason (audited)."""
    return _move(request, year, office, membership, wf.Transition.WITHDRAW)


# ----------------------------------------------------------------------------- inbox


def _entry(p: PeriodState, office: Office, why: str) -> dict[str, Any]:
    return {
        "office": office,
        "label": period_label(p.step, p.year, p.quarter),
        "state": p.get_state_display(),
        "comment": p.comment,
        "why": why,
        "url": _period_url(office, p.step, p.year, p.quarter),
        "updated_at": p.updated_at,
        "returned": p.state == wf.State.RETURNED.value,
    }


def _period_url(office: Office, step: str, year: int, quarter: int | None) -> str:
    if step == wf.Step.PK:
        return reverse("pk-detail", args=[office.code, year])
    if step == wf.Step.QUARTER and quarter:
        return reverse("quarter-entry", args=[office.code, year, quarter])
    return reverse("office-dashboard", args=[office.code]) + f"?tahun={year}"


def _why(state: wf.State, approver: wf.Approver, acts: set[str]) -> str | None:
    """Why a period in ``state`` waits for a user holding ``acts`` (None: it does not wait for them).

    The office's users see what they must fix or submit: a returned or reopened period waits for the operator
    (who fixes it) and for whoever submits; the head sees what only the head may approve and submit.
    """
    submits = wf.required_action(wf.Transition.SUBMIT, approver) in acts
    if state in (wf.State.RETURNED, wf.State.REOPENED):
        fix = (
            _("Dikembalikan dengan catatan: perbaiki")
            if state is wf.State.RETURNED
            else _("Dibuka kembali: perbaiki")
        )
        if submits:
            return fix + _(" lalu ajukan lagi")
        if "enter" in acts:
            return fix + _("; kepala perangkat daerah lalu menyetujui dan mengajukannya lagi")
        return None
    if state is wf.State.SUBMITTED and wf.required_action(wf.Transition.VERIFY, approver) in acts:
        if approver is wf.Approver.VERIFIER:
            return _("Menunggu verifikasi dan persetujuan Anda")
        return _("Menunggu verifikasi")
    if state is wf.State.VERIFIED and wf.required_action(wf.Transition.APPROVE, approver) in acts:
        return _("Menunggu persetujuan akhir") if approver is wf.Approver.REGENCY else _("Menunggu penguncian")
    return None


def _who_submits(approver: wf.Approver, acts: set[str]) -> str:
    if wf.required_action(wf.Transition.SUBMIT, approver) in acts:
        return _("Belum diajukan: periksa lalu setujui dan ajukan") if approver is wf.Approver.HEAD else _(
            "Belum diajukan: lengkapi lalu ajukan"
        )
    return _("Belum diajukan: lengkapi datanya; kepala perangkat daerah menyetujui dan mengajukan")


def inbox_items(membership: Membership | None) -> dict[str, Any]:
    """What waits for the user (constant queries): periods returned or reopened for the office to fix, periods
    still to submit (due or overdue), to verify and to lock; and the overdue periods.

    An office's users (operator, head) see their returned periods with the verifier's note and the periods
    the head must still approve and submit; the regency's users see what their role moves on.
    """
    waiting: list[dict[str, Any]] = []
    overdue: list[services.OfficeDue] = []
    due_soon: list[services.OfficeDue] = []
    if membership is None or membership.role == Role.PUBLIC:
        return {"waiting": waiting, "waiting_more": 0, "overdue": overdue, "overdue_more": 0, "due_soon": due_soon}
    if membership.office_id is not None:
        offices = [membership.office] if membership.office is not None else []
    else:
        offices = list(Office.objects.filter(regency_id=membership.regency_id).order_by("name"))
    by_id = {o.pk: o for o in offices}
    acts = allowed_actions(membership, offices[0]) if offices else set()
    approvers = services.approvers_of(membership.regency_id)
    states: set[str] = set()
    if "enter" in acts or "approve" in acts:
        states |= {wf.State.RETURNED.value, wf.State.REOPENED.value}
    if "verify" in acts:
        states.add(wf.State.SUBMITTED.value)
    if "lock" in acts:
        states.add(wf.State.VERIFIED.value)
    if states and by_id:
        rows = PeriodState.objects.filter(office_id__in=list(by_id), state__in=sorted(states)).order_by(
            "updated_at", "id"
        )
        for p in rows:
            why = _why(wf.State(p.state), approvers[wf.Step(p.step)], acts)
            if why is not None:
                waiting.append(_entry(p, by_id[p.office_id], why))
    report = services.due_report(offices)
    overdue = [d for d in report if d.item.overdue]
    if "approve" in acts or "enter" in acts:  # the office's own work still to do
        due_soon = [d for d in report if not d.item.overdue]
    if membership.office_id is not None and "enter" in acts:  # and who must submit it
        for d in report:
            if d.item.state is wf.State.DRAFT:  # returned and reopened ones are listed above, with their note
                url = _period_url(d.office, d.item.step.value, d.item.year, d.item.quarter)
                waiting.append({
                    "office": d.office, "label": d.label, "state": d.state_label, "comment": "",
                    "why": _who_submits(approvers[d.item.step], acts), "url": url, "updated_at": None,
                    "returned": False,
                })
    return {
        "waiting": waiting[:INBOX_ROWS],
        "waiting_more": max(0, len(waiting) - INBOX_ROWS),
        "overdue": overdue[:INBOX_ROWS],
        "overdue_more": max(0, len(overdue) - INBOX_ROWS),
        "due_soon": due_soon[:INBOX_ROWS],
    }


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    membership = membership_of(request)
    context = inbox_items(membership)
    for d in context["overdue"] + context["due_soon"]:
        d.url = _period_url(d.office, d.item.step.value, d.item.year, d.item.quarter)
    context.update(membership=membership, today=timezone.localdate())
    return render(request, "workflow/inbox.html", context)


# ----------------------------------------------------------------------------- regency pages


@regency_view(*REGENCY_ROLES)
def overdue_list(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Every office's overdue periods (and what falls due in the next 45 days)."""
    offices = list(Office.objects.filter(regency_id=membership.regency_id).order_by("name"))
    report = services.due_report(offices)
    for d in report:
        d.url = _period_url(d.office, d.item.step.value, d.item.year, d.item.quarter)
    return render(
        request,
        "workflow/overdue.html",
        {
            "membership": membership,
            "overdue": [d for d in report if d.item.overdue],
            "due_soon": [d for d in report if not d.item.overdue],
            "today": timezone.localdate(),
        },
    )


@regency_view(Role.ADMIN)
def due_rules(request: HttpRequest, membership: Membership) -> HttpResponse:
    """The regency's due-date rule per step: N days after the period, or a fixed date."""
    regency = membership.regency
    rules = services.rules_for(regency)
    errors: dict[str, str] = {}
    typed: dict[str, dict[str, str]] = {}
    if request.method == "POST":
        parsed: dict[str, wf.DueRule] = {}
        for step, _label in STEP_CHOICES:
            kind = request.POST.get(f"{step}-kind", "")
            fields = {k: request.POST.get(f"{step}-{k}", "").strip() for k in ("days", "month", "day", "year_offset")}
            typed[step] = {"kind": kind, **fields}
            try:
                numbers = {k: int(v) if v else None for k, v in fields.items()}
            except ValueError:
                errors[step] = _("Isian harus berupa bilangan bulat.")
                continue
            try:
                if kind == "days":
                    parsed[step] = wf.DueRule(wf.Step(step), days=numbers["days"])
                elif kind == "date":
                    parsed[step] = wf.DueRule(
                        wf.Step(step),
                        month=numbers["month"],
                        day=numbers["day"],
                        year_offset=numbers["year_offset"] or 0,
                    )
                else:
                    errors[step] = _("Pilih jenis tenggat.")
            except wf.WorkflowError:
                errors[step] = _(
                    "Tenggat tidak sah: jumlah hari 0 atau lebih, atau tanggal (1–31) dan bulan (1–12) dengan "
                    "tahun berikutnya 0–2."
                )
        if not errors:
            with transaction.atomic():  # the whole table, or nothing; a parallel save stores its own whole
                for step, rule in parsed.items():
                    row = get_or_create_once(DueRuleSetting, regency=regency, step=step)[0]  # parallel first saves
                    row.days, row.month, row.day, row.year_offset = rule.days, rule.month, rule.day, rule.year_offset
                    row.save()
            messages.success(request, _("Tenggat tersimpan."))
            return redirect(reverse("workflow-due-rules"))
        messages.error(request, _("Tidak ada yang disimpan: perbaiki isian yang ditandai."))
    today = timezone.localdate()
    rows = []
    for step, label in STEP_CHOICES:
        rule = rules[wf.Step(step)]
        example_quarter = 1 if step == wf.Step.QUARTER else None
        rows.append(
            {
                "step": step,
                "label": label,
                "typed": typed.get(step)
                or {
                    "kind": "days" if rule.days is not None else "date",
                    "days": "" if rule.days is None else str(rule.days),
                    "month": "" if rule.month is None else str(rule.month),
                    "day": "" if rule.day is None else str(rule.day),
                    "year_offset": str(rule.year_offset),
                },
                "error": errors.get(step, ""),
                "example": wf.due_date(rule, today.year, example_quarter),
                "example_label": period_label(step, today.year, example_quarter),
            }
        )
    return render(request, "workflow/due_rules.html", {"membership": membership, "rows": rows})


@regency_view(Role.ADMIN)
def approvers(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Who approves each step's document (the office head, the Inspektorat or the regency): a regency setting,
    SAKIP's default the office head (``domain.workflow.Approver``)."""
    regency = membership.regency
    current = services.approvers_for_regency_id(regency.pk)
    valid = {a.value for a in wf.Approver}
    error = ""
    if request.method == "POST":
        chosen = {step: request.POST.get(f"{step}-approver", "") for step, _label in STEP_CHOICES}
        if any(v not in valid for v in chosen.values()):
            error = _("Pilih pihak yang menyetujui untuk setiap tahap; tidak ada yang disimpan.")
            messages.error(request, error)
        else:
            with transaction.atomic():
                for step, value in chosen.items():
                    row = get_or_create_once(ApprovalSetting, regency=regency, step=step)[0]
                    if row.approver != value:
                        row.approver = value
                        row.save()
            messages.success(request, _("Pengaturan persetujuan tersimpan."))
            return redirect(reverse("workflow-approvers"))
    rows = [
        {
            "step": step,
            "label": label,
            "approver": current[wf.Step(step)].value,
            "default": current[wf.Step(step)] is wf.DEFAULT_APPROVER,
        }
        for step, label in STEP_CHOICES
    ]
    return render(
        request,
        "workflow/approvers.html",
        {"membership": membership, "rows": rows, "choices": APPROVER_CHOICES, "error": error},
    )
