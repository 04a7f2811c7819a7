"""The workflow's public API: state of a period, locks, transitions, due dates.

Other apps call :func:`ensure_editable` (or :func:`ensure_year_editable`) before they
store anything for an office's period; it raises :class:`PeriodLocked`, a
``ValidationError`` with an Indonesian message naming the office, the period and how
to unlock it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sakip.accounts.models import Office, Regency
from sakip.audit.recorder import record
from sakip.domain import workflow as wf

from .models import DueRuleSetting, PeriodState, TransitionLog, period_label

Step = wf.Step
State = wf.State
Transition = wf.Transition


class PeriodLocked(ValidationError):
    """An edit of a period that is frozen: submitted, verified, or approved and locked.

    The message names the period, the office, its state and who can make it editable again.
    """

    def __init__(
        self, office: Office, step: wf.Step, year: int, quarter: int | None, state: wf.State = wf.State.APPROVED
    ) -> None:
        self.office = office
        self.step = step
        self.year = year
        self.quarter = quarter
        self.state = state
        params = {"period": period_label(step.value, year, quarter), "office": office.name}
        if state is wf.State.SUBMITTED:
            text = _(
                "%(period)s %(office)s sedang diajukan dan menunggu verifikasi (status “Diajukan”); perubahan "
                "ditolak dan tidak ada yang disimpan. Data dapat diubah lagi setelah verifikator "
                "mengembalikannya dengan catatan, atau setelah kepala perangkat daerah menarik kembali "
                "pengajuan sebelum diverifikasi (panel alur persetujuan)."
            )
        elif state is wf.State.VERIFIED:
            text = _(
                "%(period)s %(office)s sudah diverifikasi dan menunggu persetujuan akhir (status "
                "“Terverifikasi”); perubahan ditolak dan tidak ada yang disimpan. Data dapat diubah lagi "
                "setelah verifikator mengembalikannya dengan catatan (panel alur persetujuan)."
            )
        else:
            text = _(
                "%(period)s %(office)s sudah disetujui dan dikunci; perubahan ditolak dan tidak ada yang disimpan. "
                "Untuk mengubahnya, administrator pemda harus membuka kunci periode ini dengan alasan "
                "(panel alur persetujuan)."
            )
        super().__init__(text % params, code="period_locked" if wf.is_locked(state) else "period_frozen")


def _step(step: str | wf.Step) -> wf.Step:
    return step if isinstance(step, wf.Step) else wf.Step(step)


def states_of_year(office: Office, year: int) -> dict[wf.Period, wf.State]:
    """Every stored period state of an office-year (one query); missing periods are drafts."""
    return {
        (wf.Step(p.step), p.quarter): wf.State(p.state)
        for p in PeriodState.objects.filter(office=office, year=year).only("step", "quarter", "state")
    }


@dataclass(frozen=True)
class OfficeStates:
    """Every stored period state of one office, all years, as read at one moment (one query).

    The office pages' panels (due dates, the workflow panel, the documents' draft mark)
    share one read per request instead of a query each; it is never kept longer, so a
    submitted or returned period shows on the next page.
    """

    office: Office
    rows: dict[int, dict[wf.Period, tuple[int, wf.State]]]  # year -> period -> (PeriodState pk, state)

    @classmethod
    def read(cls, office: Office) -> OfficeStates:
        rows: dict[int, dict[wf.Period, tuple[int, wf.State]]] = {}
        for pk, year, step, quarter, state in (
            PeriodState.objects.filter(office=office).order_by().values_list("pk", "year", "step", "quarter", "state")
        ):
            rows.setdefault(year, {})[(wf.Step(step), quarter)] = (pk, wf.State(state))
        return cls(office, rows)

    def of_year(self, year: int) -> dict[wf.Period, wf.State]:
        """As :func:`states_of_year`: the stored states of the year; missing periods are drafts."""
        return {period: state for period, (_pk, state) in self.rows.get(year, {}).items()}

    def state(self, year: int, step: wf.Step, quarter: int | None = None) -> wf.State:
        row = self.rows.get(year, {}).get((step, quarter))
        return row[1] if row else wf.State.DRAFT

    def period_id(self, year: int, step: wf.Step, quarter: int | None = None) -> int | None:
        row = self.rows.get(year, {}).get((step, quarter))
        return row[0] if row else None

    def key(self) -> tuple[tuple[int, str, int, str], ...]:
        """The states as a hashable value (for caching what is computed from them)."""
        return tuple(
            sorted(
                (year, step.value, quarter or 0, state.value)
                for year, periods in self.rows.items()
                for (step, quarter), (_pk, state) in periods.items()
            )
        )

    def tracked_years(self, today: dt.date, span: wf.OfficeSpan | None = None) -> set[int]:
        """As :func:`tracked_years` for this office (``span``: its plans and the year it joined, read by
        :func:`office_span` when not given)."""
        span = span if span is not None else office_span(self.office)
        return wf.followed_years({today.year - 1, today.year, *self.rows}, span)


def state_of(office: Office, year: int, step: str | wf.Step, quarter: int | None = None) -> wf.State:
    s = _step(step)
    wf.check_period(s, quarter)
    row = PeriodState.objects.filter(office=office, year=year, step=s.value, quarter=quarter).only("state").first()
    return wf.State(row.state) if row else wf.State.DRAFT


def is_locked(office: Office, year: int, step: str | wf.Step, quarter: int | None = None) -> bool:
    """Whether an edit of this period is refused: its own state or a covering one (the annual report's)
    is frozen (submitted, verified or approved; ``domain.workflow.EDITABLE_STATES``)."""
    return _freezing_period(office, year, _step(step), quarter) is not None


def is_approved(office: Office, year: int, step: str | wf.Step, quarter: int | None = None) -> bool:
    """Whether this period itself has its final approval (approved and locked)."""
    return wf.is_approved(state_of(office, year, step, quarter))


def _freezing_period(
    office: Office, year: int, step: wf.Step, quarter: int | None, periods: Iterable[wf.Period] | None = None
) -> tuple[wf.Period, wf.State] | None:
    """The first of the covering periods whose state forbids an edit, with that state."""
    covering = list(periods) if periods is not None else wf.covering_periods(step, quarter)
    states = states_of_year(office, year)
    for period in covering:
        state = states.get(period, wf.State.DRAFT)
        if wf.is_frozen(state):
            return period, state
    return None


def _refuse(office: Office, year: int, found: tuple[wf.Period, wf.State] | None) -> None:
    if found is not None:
        (step, quarter), state = found
        raise PeriodLocked(office, step, year, quarter, state)


def ensure_editable(office: Office, year: int, step: str | wf.Step, quarter: int | None = None) -> None:
    """Raise :class:`PeriodLocked` when the period (or the annual report covering it) is frozen:
    submitted, verified or approved."""
    _refuse(office, year, _freezing_period(office, year, _step(step), quarter))


def ensure_year_editable(office: Office, year: int) -> None:
    """For edits of a whole year's data (plan targets, a dataset import): refused if any period is frozen."""
    _refuse(office, year, _freezing_period(office, year, wf.Step.ANNUAL, None, wf.YEAR_PERIODS))


FROZEN_VALUES = sorted(s.value for s in wf.FROZEN_STATES)


def locked_years(office: Office, years: Iterable[int]) -> dict[int, tuple[wf.Period, wf.State]]:
    """For each of ``years`` with a frozen period: the first such period and its state (one query)."""
    wanted = set(years)
    found: dict[int, tuple[wf.Period, wf.State]] = {}
    rows = PeriodState.objects.filter(office=office, year__in=wanted, state__in=FROZEN_VALUES).order_by(
        "year", "step", "quarter"
    )
    for p in rows:
        found.setdefault(p.year, ((wf.Step(p.step), p.quarter), wf.State(p.state)))
    return found


def ensure_years_editable(office: Office, years: Iterable[int]) -> None:
    locked = locked_years(office, years)
    if locked:
        year = min(locked)
        _refuse(office, year, locked[year])


def has_frozen_periods(office: Office) -> bool:
    """Whether any period of any year of the office is frozen (submitted, verified or approved)."""
    return PeriodState.objects.filter(office=office, state__in=FROZEN_VALUES).exists()


def ensure_office_unlocked(office: Office) -> None:
    """For a replacement of all the office's data (a dataset import): refused if any period of any year is frozen."""
    row = PeriodState.objects.filter(office=office, state__in=FROZEN_VALUES).order_by("year", "step", "quarter").first()
    if row is not None:
        raise PeriodLocked(office, wf.Step(row.step), row.year, row.quarter, wf.State(row.state))


class TransitionRefused(ValidationError):
    pass


@transaction.atomic
def transition(
    office: Office,
    year: int,
    step: str | wf.Step,
    quarter: int | None,
    action: str | wf.Transition,
    *,
    user: AbstractBaseUser | AnonymousUser | None,
    allowed_actions: set[str] | frozenset[str],
    comment: str = "",
) -> PeriodState:
    """Move a period on. ``allowed_actions`` are the user's actions on the office (``access.allowed_actions``)."""
    s = _step(step)
    wf.check_period(s, quarter)
    t = action if isinstance(action, wf.Transition) else wf.Transition(action)
    period, _created = PeriodState.objects.select_for_update().get_or_create(
        office=office, year=year, step=s.value, quarter=quarter
    )
    current = wf.State(period.state)
    rule = wf.TRANSITIONS[t]
    approver = approver_of(office.regency_id, s)
    if wf.required_action(t, approver) not in allowed_actions:
        raise TransitionRefused(
            _("Anda tidak berwenang untuk tindakan “%(t)s” pada %(period)s.")
            % {"t": transition_label(t, approver), "period": period_label(s.value, year, quarter)},
            code="not_allowed",
        )
    try:
        new = wf.apply(current, t, comment)
    except wf.WorkflowError:
        if rule.needs_comment and current in rule.sources:
            msg = _("Tindakan “%(t)s” memerlukan catatan/alasan.") % {"t": _label(t)}
        else:
            msg = _("Tindakan “%(t)s” tidak dapat dilakukan dari status “%(s)s”.") % {
                "t": _label(t),
                "s": _state_label(current),
            }
        raise TransitionRefused(msg, code="bad_transition") from None
    period.state = new.value
    period.comment = comment.strip()
    period.save()
    user_obj = user if isinstance(user, User) else None
    TransitionLog.objects.create(
        period=period,
        transition=t.value,
        from_state=current.value,
        to_state=new.value,
        comment=comment.strip(),
        user=user_obj,
        user_name=user_obj.get_username() if user_obj is not None else _("sistem"),
    )
    record(
        action="unlock" if t is wf.Transition.UNLOCK else "transition",
        model=PeriodState._meta.label,
        object_id=period.pk,
        object_repr=f"{office.name} — {period_label(s.value, year, quarter)}",
        office_id=office.pk,
        office_name=office.name,
        changes={"state": [current.value, new.value], "transition": [None, t.value]},
        comment=comment.strip(),
        user=user_obj,
    )
    return period


def _label(t: wf.Transition) -> str:
    from .models import TRANSITION_CHOICES

    return str(dict(TRANSITION_CHOICES)[t.value])


def transition_label(t: wf.Transition, approver: wf.Approver = wf.DEFAULT_APPROVER) -> str:
    """A button's name for the regency's approver of the step: the approving press says "Setujui"."""
    if t is wf.Transition.SUBMIT and approver is wf.Approver.HEAD:
        return _("Setujui dan ajukan")
    if t is wf.Transition.VERIFY and approver is wf.Approver.VERIFIER:
        return _("Setujui (verifikasi)")
    if t is wf.Transition.APPROVE and approver is not wf.Approver.REGENCY:
        return _("Kunci")
    return _label(t)


# ---------------------------------------------------------------------------------------------
# who approves (the regency's setting per step)


def approvers_for_regency_id(regency_id: int) -> dict[wf.Step, wf.Approver]:
    """The regency's approver of every step (one query; a step without a row: the office head)."""
    from .models import ApprovalSetting

    out = {step: wf.DEFAULT_APPROVER for step in wf.Step}
    for step, approver in ApprovalSetting.objects.filter(regency_id=regency_id).values_list("step", "approver"):
        out[wf.Step(step)] = wf.Approver(approver)
    return out


def approvers_of(regency_id: int) -> dict[wf.Step, wf.Approver]:
    """`approvers_for_regency_id` kept for the regency's data generation (every change of a setting renews it)."""
    from sakip.regency import figures, generations

    return figures.kept(
        ("approvers", regency_id),
        lambda: approvers_for_regency_id(regency_id),
        (generations.regency_scope(regency_id),),
    )


def approver_of(regency_id: int, step: wf.Step) -> wf.Approver:
    return approvers_of(regency_id)[step]


def _state_label(s: wf.State) -> str:
    from .models import STATE_CHOICES

    return str(dict(STATE_CHOICES)[s.value])


def state_label(s: wf.State, approver: wf.Approver = wf.DEFAULT_APPROVER) -> str:
    """A state's name for the regency's approver of the step (the head's submission is the head's approval)."""
    if s is wf.State.SUBMITTED and approver is wf.Approver.HEAD:
        return _("Disetujui kepala, diajukan")
    if s is wf.State.VERIFIED and approver is wf.Approver.VERIFIER:
        return _("Disetujui verifikator")
    if s is wf.State.APPROVED and approver is not wf.Approver.REGENCY:
        return _("Terkunci")
    return _state_label(s)


# ---------------------------------------------------------------------------------------------
# due dates


def rules_for(regency: Regency) -> dict[wf.Step, wf.DueRule]:
    return rules_for_regency_id(regency.pk)


@dataclass
class OfficeDue:
    office: Office
    item: wf.DueItem
    url: str = ""  # the page of the period, set by the views

    @property
    def label(self) -> str:
        return period_label(self.item.step.value, self.item.year, self.item.quarter)

    @property
    def state_label(self) -> str:
        from .models import STATE_CHOICES

        return str(dict(STATE_CHOICES)[self.item.state.value])

    @property
    def days_late(self) -> int:
        return max(0, -self.item.days_left)


def due_for_offices(
    offices: Iterable[Office], years: Iterable[int], today: dt.date | None = None, *, horizon_days: int = 45
) -> list[OfficeDue]:
    """Due and overdue periods of the offices in the years (two queries), overdue first."""
    offices = list(offices)
    if not offices:
        return []
    years = sorted(set(years))
    today = today or timezone.localdate()
    regency_rules: dict[int, dict[wf.Step, wf.DueRule]] = {}
    for r in DueRuleSetting.objects.filter(regency_id__in={o.regency_id for o in offices}):
        regency_rules.setdefault(r.regency_id, dict(wf.DEFAULT_RULES))[wf.Step(r.step)] = r.rule()
    states: dict[tuple[int, int], dict[wf.Period, wf.State]] = {}
    for p in PeriodState.objects.filter(office__in=offices, year__in=years).only(
        "office_id", "year", "step", "quarter", "state"
    ):
        states.setdefault((p.office_id, p.year), {})[(wf.Step(p.step), p.quarter)] = wf.State(p.state)
    out: list[OfficeDue] = []
    for office in offices:
        rules = regency_rules.get(office.regency_id, wf.DEFAULT_RULES)
        for year in years:
            for item in wf.due_items(year, rules, states.get((office.pk, year), {}), today, horizon_days):
                out.append(OfficeDue(office, item))
    out.sort(key=lambda d: (not d.item.overdue, d.item.due, d.office.name))
    return out


def tracked_years(office_ids: Iterable[int], today: dt.date | None = None) -> dict[int, set[int]]:
    """The years whose periods are followed for each office: this year, last year, and years with a workflow row,
    of those the years within the office's plan periods and not before it joined (``domain.workflow.followed_years``).

    Earlier years that only carry imported data (the history a report compares with) are
    not followed until someone starts their workflow.
    """
    ids = list(office_ids)
    this_year = (today or timezone.localdate()).year
    years: dict[int, set[int]] = {i: {this_year - 1, this_year} for i in ids}
    stored = PeriodState.objects.filter(office_id__in=ids).order_by().values_list("office_id", "year").distinct()
    for oid, year in stored:
        years[oid].add(year)
    spans = office_spans(ids)
    return {i: wf.followed_years(ys, spans[i]) for i, ys in years.items()}


def office_spans(office_ids: Iterable[int]) -> dict[int, wf.OfficeSpan]:
    """Each office's plan periods and the year it joined: the earliest of its creation (the audit trail's
    record of it), its first indicator-year and its first workflow row (four queries for any number)."""
    from django.db.models import Min

    from sakip.audit.models import AuditEntry
    from sakip.monitoring.models import IndicatorYear
    from sakip.planning.models import PlanPeriod

    ids = list(office_ids)
    plans: dict[int, list[tuple[int, int]]] = {i: [] for i in ids}
    for oid, start, end in PlanPeriod.objects.filter(office_id__in=ids).order_by().values_list(
        "office_id", "start_year", "end_year"
    ):
        plans[oid].append((start, end))
    firsts: dict[int, list[int]] = {i: [] for i in ids}
    for oid, first in (
        IndicatorYear.objects.filter(indicator__plan__office_id__in=ids)
        .order_by()
        .values_list("indicator__plan__office_id")
        .annotate(first=Min("year"))
    ):
        firsts[oid].append(first)
    for oid, first in (
        PeriodState.objects.filter(office_id__in=ids).order_by().values_list("office_id").annotate(first=Min("year"))
    ):
        firsts[oid].append(first)
    for object_id, created in (
        AuditEntry.objects.filter(model=Office._meta.label, action="create", object_id__in=[str(i) for i in ids])
        .order_by()
        .values_list("object_id")
        .annotate(first=Min("at"))
    ):
        firsts[int(object_id)].append(timezone.localtime(created).year)
    return {i: wf.OfficeSpan(tuple(sorted(plans[i])), min(firsts[i]) if firsts[i] else None) for i in ids}


def office_span(office: Office) -> wf.OfficeSpan:
    """:func:`office_spans` of one office, kept per generation of the office's data (its plans and
    indicator-years renew it)."""
    from sakip.regency import figures, generations

    return figures.kept(
        ("office-span", office.pk),
        lambda: office_spans([office.pk])[office.pk],
        (generations.office_scope(office.pk),),
    )


def due_of_office(
    states: OfficeStates,
    today: dt.date | None = None,
    *,
    horizon_days: int = 45,
    rules: dict[wf.Step, wf.DueRule] | None = None,
) -> list[OfficeDue]:
    """:func:`due_report` of one office from its states already read (one query: the regency's due rules,
    unless given)."""
    office = states.office
    today = today or timezone.localdate()
    rules = rules if rules is not None else rules_for_regency_id(office.regency_id)
    out = [
        OfficeDue(office, item)
        for year in sorted(states.tracked_years(today))
        for item in wf.due_items(year, rules, states.of_year(year), today, horizon_days)
    ]
    out.sort(key=lambda d: (not d.item.overdue, d.item.due, d.office.name))
    return out


def rules_for_regency_id(regency_id: int) -> dict[wf.Step, wf.DueRule]:
    """The regency's due-date rules: the defaults, overridden by its settings (one query)."""
    rules = dict(wf.DEFAULT_RULES)
    for row in DueRuleSetting.objects.filter(regency_id=regency_id).order_by():
        rules[wf.Step(row.step)] = row.rule()
    return rules


def due_report(offices: Iterable[Office], today: dt.date | None = None, *, horizon_days: int = 45) -> list[OfficeDue]:
    """Due and overdue periods of the offices over their tracked years (a constant number of queries)."""
    offices = list(offices)
    if not offices:
        return []
    today = today or timezone.localdate()
    years = tracked_years([o.pk for o in offices], today)
    all_years = set().union(*years.values())
    report = due_for_offices(offices, all_years, today, horizon_days=horizon_days)
    return [d for d in report if d.item.year in years[d.office.pk]]


# ---------------------------------------------------------------------------------------------
# who acts next


def actor_names(office: Office) -> dict[wf.Actor, list[str]]:
    """The people behind each actor of an office's workflow, for "who acts next" (kept for the structure
    generation, which every change of an office or a membership renews: no query on most pages).

    The head: the office's head as its profile names them, else its users with the head role; the office:
    its operators and head; the verifier: the regency's verifiers; the regency: its administrators.
    """
    from sakip.accounts.models import Membership, Role
    from sakip.regency import figures, generations

    def read() -> dict[wf.Actor, list[str]]:
        rows = (
            Membership.objects.filter(regency_id=office.regency_id)
            .filter(
                models.Q(office_id=office.pk, role__in=[Role.HEAD, Role.OPERATOR])
                | models.Q(office__isnull=True, role__in=[Role.VERIFIER, Role.ADMIN])
            )
            .select_related("user")
            .order_by("user__username")
        )
        names: dict[wf.Actor, list[str]] = {a: [] for a in wf.Actor}
        for m in rows:
            name = m.user.get_full_name() or m.user.get_username()
            if m.role == Role.HEAD:
                names[wf.Actor.HEAD].append(name)
                names[wf.Actor.OFFICE].append(name)
            elif m.role == Role.OPERATOR:
                names[wf.Actor.OFFICE].append(name)
            elif m.role == Role.VERIFIER:
                names[wf.Actor.VERIFIER].append(name)
            else:
                names[wf.Actor.REGENCY].append(name)
        if office.head_name:
            names[wf.Actor.HEAD] = [office.head_name]
        return names

    return figures.kept(("workflow-actors", office.pk, office.head_name), read, (generations.STRUCTURE,))


def actor_role(actor: wf.Actor) -> str:
    return {
        wf.Actor.OFFICE: _("Operator atau kepala perangkat daerah"),
        wf.Actor.HEAD: _("Kepala perangkat daerah"),
        wf.Actor.VERIFIER: _("Verifikator / Inspektorat"),
        wf.Actor.REGENCY: _("Administrator pemda"),
        wf.Actor.NOBODY: "",
    }[actor]


def next_step_text(office: Office, state: wf.State, approver: wf.Approver) -> str:
    """"Who acts next" for a period: the role, what they do, and the names where known."""
    actor = wf.next_actor(state, approver)
    if actor is wf.Actor.NOBODY:
        return _("Selesai: periode terkunci. Hanya administrator pemda yang dapat membuka kuncinya, dengan alasan.")
    what = {
        wf.Actor.OFFICE: _("melengkapi data lalu mengajukan"),
        wf.Actor.HEAD: _("memeriksa, menyetujui dan mengajukan"),
        wf.Actor.VERIFIER: (
            _("memverifikasi dan menyetujui, atau mengembalikan dengan catatan")
            if approver is wf.Approver.VERIFIER
            else _("memverifikasi (reviu), atau mengembalikan dengan catatan")
        ),
        wf.Actor.REGENCY: (
            _("menyetujui dan mengunci") if approver is wf.Approver.REGENCY else _("mengunci periode")
        ),
    }[actor]
    names = actor_names(office).get(actor, [])
    if names:
        shown = ", ".join(names[:3]) + (", …" if len(names) > 3 else "")
        return _("Berikutnya: %(role)s (%(names)s) %(what)s.") % {
            "role": actor_role(actor), "names": shown, "what": what,
        }
    return _("Berikutnya: %(role)s %(what)s.") % {"role": actor_role(actor), "what": what}
