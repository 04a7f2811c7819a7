"""Approval workflow and due dates of the cycle's steps (SPEC §1, §9) — pure rules.

Three kinds of period (*step*) go through the workflow: the performance agreement of a
year (``pk``), a quarter's data of a year (``quarter``, 1–4) and the annual report
(``annual``, LKjIP). Each moves

    draft → submitted → verified → approved (locked)
              │     ↘ returned (with a comment) → submitted …
              ↘ draft (withdrawn by the office head before verification, with a reason)
    approved → reopened (unlock, with a reason) → submitted …

Which states may be edited is decided here, in one place (:data:`EDITABLE_STATES`):
draft, returned and reopened. A submitted period is frozen while the verifier looks at
it, a verified one while it waits for the final approval, an approved one is locked;
the office edits again only after a return, a withdrawal or an unlock.

Who may press which button is named by an *action* of ``sakip.accounts.access``:
``approve`` (the office head submits), ``verify`` (verifier/planner verifies or
returns), ``lock`` (the admin's final approval, which locks) and ``unlock``; the
office head (``approve``) also withdraws a submission not yet verified. Who *approves*
a step's document is the regency's setting (:class:`Approver`, default the office head):
it decides which of these presses is the approval and whether the operator may submit
(:func:`required_action`, the one place).

A frozen period freezes more than itself: a submitted, verified or approved annual
report freezes the whole year (the quarters and the PK it reports on);
:func:`covering_periods` says which periods' states forbid an edit.

Due dates: each step has a rule set by the regency, either a number of days after the
period's anchor (a quarter's last day; 1 January for the PK; 31 December for the annual
report) or a fixed calendar date (month, day, years after the period's year; a day past
the month's end is its last day, so 31 February is the last day of February).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from .errors import N_, DomainError


class Step(StrEnum):
    PK = "pk"
    QUARTER = "quarter"
    ANNUAL = "annual"


class State(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    VERIFIED = "verified"
    APPROVED = "approved"
    REOPENED = "reopened"


class Transition(StrEnum):
    SUBMIT = "submit"
    VERIFY = "verify"
    RETURN = "return"
    APPROVE = "approve"
    UNLOCK = "unlock"
    WITHDRAW = "withdraw"


class WorkflowError(DomainError):
    """A transition that is not allowed from the current state, or lacks its comment."""


@dataclass(frozen=True)
class TransitionRule:
    transition: Transition
    sources: frozenset[State]
    target: State
    action: str  # the sakip.accounts.access action the user needs
    needs_comment: bool


TRANSITIONS: dict[Transition, TransitionRule] = {
    rule.transition: rule
    for rule in (
        TransitionRule(
            Transition.SUBMIT,
            frozenset({State.DRAFT, State.RETURNED, State.REOPENED}),
            State.SUBMITTED,
            "approve",
            False,
        ),
        TransitionRule(Transition.VERIFY, frozenset({State.SUBMITTED}), State.VERIFIED, "verify", False),
        TransitionRule(Transition.RETURN, frozenset({State.SUBMITTED, State.VERIFIED}), State.RETURNED, "verify", True),
        TransitionRule(Transition.APPROVE, frozenset({State.VERIFIED}), State.APPROVED, "lock", False),
        TransitionRule(Transition.UNLOCK, frozenset({State.APPROVED}), State.REOPENED, "unlock", True),
        # the office head takes a submission back before the verifier has verified it
        TransitionRule(Transition.WITHDRAW, frozenset({State.SUBMITTED}), State.DRAFT, "approve", True),
    )
}

# the one rule of which states the office may edit; every other state freezes the period's data
EDITABLE_STATES = frozenset({State.DRAFT, State.RETURNED, State.REOPENED})
FROZEN_STATES = frozenset(State) - EDITABLE_STATES
# approved: locked, reopened only by an unlock (a subset of the frozen states)
LOCKED_STATES = frozenset({State.APPROVED})
# who is waiting on a period in a state: the action that moves it on
WAITING_ACTION: dict[State, str] = {
    State.DRAFT: "approve",
    State.RETURNED: "approve",
    State.REOPENED: "approve",
    State.SUBMITTED: "verify",
    State.VERIFIED: "lock",
}


class Approver(StrEnum):
    """Who approves a step's document (a regency setting per step, ``workflow.ApprovalSetting``).

    * ``head`` — the office head (SAKIP's default: the head approves the office's documents
      and signs them): the head's submission *is* the approval ("Setujui dan ajukan"); the
      Inspektorat then verifies (reviews) and the regency locks ("Kunci");
    * ``verifier`` — the Inspektorat: the office (operator or head) submits, the verifier's
      verification is the approval ("Setujui"), the regency locks;
    * ``regency`` — the regency: the office submits, the verifier verifies, the regency's
      final approval locks ("Setujui dan kunci").

    Whoever approves, the period is *locked* only by the regency's final step, and reopened only by
    its unlock.
    """

    HEAD = "head"
    VERIFIER = "verifier"
    REGENCY = "regency"


DEFAULT_APPROVER = Approver.HEAD


def required_action(transition: Transition, approver: Approver = DEFAULT_APPROVER) -> str:
    """The ``sakip.accounts.access`` action a user needs for ``transition`` when ``approver`` approves the step.

    The one place where the regency's approver setting changes who may press which button: when the
    office head approves, only the head (``approve``) submits and withdraws; otherwise anyone who enters
    the office's data (``enter``: the operator, the head) does.
    """
    rule = TRANSITIONS[transition]
    if transition in (Transition.SUBMIT, Transition.WITHDRAW) and approver is not Approver.HEAD:
        return "enter"
    return rule.action


def approving_transition(approver: Approver) -> Transition:
    """The transition that is the step's approval: the head's submit, the verifier's verify, the regency's approve."""
    return {
        Approver.HEAD: Transition.SUBMIT,
        Approver.VERIFIER: Transition.VERIFY,
        Approver.REGENCY: Transition.APPROVE,
    }[approver]


# who acts next on a period in a state (the role whose button moves it on), for the panels and the inbox
class Actor(StrEnum):
    OFFICE = "office"  # the operator (who fixes or fills the data) and the head (who submits)
    HEAD = "head"
    VERIFIER = "verifier"
    REGENCY = "regency"
    NOBODY = "nobody"


def next_actor(state: State, approver: Approver = DEFAULT_APPROVER) -> Actor:
    """Who must act next on a period in ``state``: the one whose button moves it on (approved: nobody)."""
    if state in EDITABLE_STATES:
        return Actor.HEAD if required_action(Transition.SUBMIT, approver) == "approve" else Actor.OFFICE
    if state is State.SUBMITTED:
        return Actor.VERIFIER
    if state is State.VERIFIED:
        return Actor.REGENCY
    return Actor.NOBODY


# the transitions a user is asked to confirm on a second page (or dialog) before they happen: the ones that
# freeze, lock or reopen a period
CONFIRMED = frozenset({Transition.SUBMIT, Transition.VERIFY, Transition.APPROVE, Transition.UNLOCK})


def is_editable(state: State) -> bool:
    """Whether the data of a period in ``state`` may be changed (draft, returned, reopened)."""
    return state in EDITABLE_STATES


def is_frozen(state: State) -> bool:
    """Whether a period in ``state`` refuses edits: submitted, verified or approved."""
    return state not in EDITABLE_STATES


def is_locked(state: State) -> bool:
    """Whether ``state`` is the final lock (approved), reopened only by an unlock."""
    return state in LOCKED_STATES


def is_approved(state: State) -> bool:
    return state in LOCKED_STATES


def reopening(state: State) -> list[Transition]:
    """The transitions that make a frozen period editable again (empty for an editable state).

    Submitted: the verifier's return or the office head's withdrawal; verified: the
    verifier's return; approved: the admin's unlock.
    """
    if is_editable(state):
        return []
    return [t for t, rule in TRANSITIONS.items() if state in rule.sources and is_editable(rule.target)]


def available(
    state: State, actions: set[str] | frozenset[str], approver: Approver = DEFAULT_APPROVER
) -> list[Transition]:
    """The transitions from ``state`` that a user holding ``actions`` may make, in a stable order."""
    return [
        t for t, rule in TRANSITIONS.items() if state in rule.sources and required_action(t, approver) in actions
    ]


def apply(state: State, transition: Transition, comment: str = "") -> State:
    """The state after ``transition``; :class:`WorkflowError` if not allowed or its comment is missing."""
    rule = TRANSITIONS[transition]
    if state not in rule.sources:
        raise WorkflowError(
            N_("tindakan '%(transition)s' tidak diizinkan dari status '%(state)s'"),
            transition=transition.value,
            state=state.value,
        )
    if rule.needs_comment and not comment.strip():
        raise WorkflowError(N_("tindakan '%(transition)s' memerlukan catatan"), transition=transition.value)
    return rule.target


def check_period(step: Step, quarter: int | None) -> None:
    if step is Step.QUARTER:
        if quarter not in (1, 2, 3, 4):
            raise WorkflowError(N_("tahap triwulan memerlukan triwulan 1–4"))
    elif quarter is not None:
        raise WorkflowError(N_("tahap '%(step)s' tidak memiliki triwulan"), step=step.value)


Period = tuple[Step, int | None]


def covering_periods(step: Step, quarter: int | None = None) -> list[Period]:
    """The periods (of the same office and year) whose state can forbid an edit of this period.

    A quarter's data is frozen by its own state and by the annual report's; the PK by its
    own and by the annual report's; the annual report by its own.
    """
    check_period(step, quarter)
    if step is Step.QUARTER:
        return [(Step.QUARTER, quarter), (Step.ANNUAL, None)]
    if step is Step.PK:
        return [(Step.PK, None), (Step.ANNUAL, None)]
    return [(Step.ANNUAL, None)]


# every period an edit of a whole year's data touches (plan targets of the year, a dataset import)
YEAR_PERIODS: list[Period] = [(Step.PK, None), *((Step.QUARTER, q) for q in (1, 2, 3, 4)), (Step.ANNUAL, None)]


def periods_of_year() -> list[Period]:
    """The periods of one office-year, in the cycle's order."""
    return list(YEAR_PERIODS)


class Scope(StrEnum):
    """What a piece of stored data belongs to, for the lock: the periods whose state can freeze it.

    * ``quarter`` — one quarter's measurements (realisations, formula inputs, quarterly
      budget realisation, evidence of the quarter): that quarter and the annual report;
    * ``from_quarter`` — what is in force from a quarter on (an allocation amendment, APBD
      Perubahan): that quarter, every later one and the annual report — never the
      quarters before it, whose figures it does not change;
    * ``pk`` — the performance agreement (PK targets, signatories, programs) and the
      quarter targets agreed with it: the PK and the annual report;
    * ``annual`` — what only the annual report shows (year-end budget figures, the survey,
      printed figures, the yearly explanation): the annual report;
    * ``year`` — what every period of the year is measured against (plan targets of the
      year, target overrides, allocations, the year's scale and cap): every period;
    * ``plan`` — the plan's structure and texts (vision, goals, objectives, indicators and
      their definitions, programs): every period of every year the plan covers.
    """

    QUARTER = "quarter"
    FROM_QUARTER = "from_quarter"
    PK = "pk"
    ANNUAL = "annual"
    YEAR = "year"
    PLAN = "plan"


def scope_periods(scope: Scope, quarter: int | None = None) -> list[Period]:
    """The periods of a year whose state can freeze data of ``scope`` (``quarter`` for the quarter scopes)."""
    if scope is Scope.QUARTER:
        return covering_periods(Step.QUARTER, quarter)
    if scope is Scope.FROM_QUARTER:
        first = quarter if quarter is not None else 1
        return [*((Step.QUARTER, q) for q in (1, 2, 3, 4) if q >= first), (Step.ANNUAL, None)]
    if scope is Scope.PK:
        return covering_periods(Step.PK)
    if scope is Scope.ANNUAL:
        return covering_periods(Step.ANNUAL)
    return list(YEAR_PERIODS)  # a year's basis, and each year of a plan


def first_open_quarter(states: dict[Period, State]) -> int | None:
    """The earliest quarter from which on no period is frozen: where something in force
    "from a quarter on" (an allocation amendment) can start; None when TW IV or the annual
    report is frozen."""
    for q in (1, 2, 3, 4):
        if first_frozen(scope_periods(Scope.FROM_QUARTER, q), states) is None:
            return q
    return None


def first_frozen(periods: list[Period], states: dict[Period, State]) -> tuple[Period, State] | None:
    """The first of ``periods`` whose state (missing: draft) forbids an edit, with that state."""
    for period in periods:
        state = states.get(period, State.DRAFT)
        if is_frozen(state):
            return period, state
    return None


# ---------------------------------------------------------------------------------------------
# due dates


@dataclass(frozen=True)
class DueRule:
    """Either ``days`` after the anchor, or a fixed ``month``/``day`` ``year_offset`` years after the year."""

    step: Step
    days: int | None = None
    month: int | None = None
    day: int | None = None
    year_offset: int = 0

    def __post_init__(self) -> None:
        fixed = self.month is not None or self.day is not None
        if (self.days is None) == (not fixed):
            raise WorkflowError(
                N_("tenggat diisi jumlah hari atau tanggal tetap, tidak keduanya dan tidak kosong keduanya")
            )
        if self.days is not None and self.days < 0:
            raise WorkflowError(N_("jumlah hari tenggat tidak boleh negatif"))
        if fixed:
            if self.month is None or self.day is None:
                raise WorkflowError(N_("tanggal tenggat tetap memerlukan bulan dan tanggal"))
            if not 1 <= self.month <= 12 or not 1 <= self.day <= 31:
                raise WorkflowError(N_("tanggal tenggat tetap memerlukan bulan 1–12 dan tanggal 1–31"))
        if not 0 <= self.year_offset <= 2:
            raise WorkflowError(N_("tahun berikutnya untuk tenggat hanya 0, 1 atau 2"))


DEFAULT_RULES: dict[Step, DueRule] = {
    # the PK within a month of the budget (DPA) — by the end of February
    Step.PK: DueRule(Step.PK, month=2, day=31),
    # quarterly data within 10 days after the quarter (SPEC §1)
    Step.QUARTER: DueRule(Step.QUARTER, days=10),
    # the LKjIP by the end of January of the next year (SPEC §1)
    Step.ANNUAL: DueRule(Step.ANNUAL, month=1, day=31, year_offset=1),
}


def quarter_end(year: int, quarter: int) -> dt.date:
    month = quarter * 3
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def anchor(step: Step, year: int, quarter: int | None = None) -> dt.date:
    """The day a step's 'days after' rule counts from."""
    check_period(step, quarter)
    if step is Step.QUARTER:
        assert quarter is not None
        return quarter_end(year, quarter)
    if step is Step.PK:
        return dt.date(year, 1, 1)
    return dt.date(year, 12, 31)


def due_date(rule: DueRule, year: int, quarter: int | None = None) -> dt.date:
    if rule.days is not None:
        return anchor(rule.step, year, quarter) + dt.timedelta(days=rule.days)
    assert rule.month is not None and rule.day is not None
    check_period(rule.step, quarter)
    if rule.step is Step.QUARTER:  # a fixed day for quarters: that day of the month after the quarter
        assert quarter is not None
        nxt = quarter_end(year, quarter) + dt.timedelta(days=1)
        return _clamped(nxt.year, nxt.month, rule.day)
    return _clamped(year + rule.year_offset, rule.month, rule.day)


def _clamped(year: int, month: int, day: int) -> dt.date:
    return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class OfficeSpan:
    """When an office's periods can be due: the years of its plans (Renstra periods) and the year it
    joined Sakip (the earlier of its creation and its first data), None when nothing says."""

    plans: tuple[tuple[int, int], ...]  # (start year, end year) of each plan period
    joined: int | None = None

    def covers(self, year: int) -> bool:
        """Whether the office's periods of ``year`` are followed: the year lies within a plan period
        and not before the office joined."""
        if self.joined is not None and year < self.joined:
            return False
        return any(start <= year <= end for start, end in self.plans)


def followed_years(candidates: Iterable[int], span: OfficeSpan) -> set[int]:
    """The one overdue rule: of the years an office could be asked about (this year and last year, years
    with a workflow row), those its plan covers and that are not before it joined. A year outside every
    plan has no PK, quarter or report to deliver; a year before the office was in Sakip is history."""
    return {y for y in candidates if span.covers(y)}


#: A period counts as delivered once submitted (the office's part is over); returned or reopened is due again.
DELIVERED_STATES = frozenset({State.SUBMITTED, State.VERIFIED, State.APPROVED})


@dataclass(frozen=True)
class DueItem:
    step: Step
    year: int
    quarter: int | None
    due: dt.date
    state: State
    overdue: bool
    days_left: int  # negative when overdue


def due_items(
    year: int, rules: dict[Step, DueRule], states: dict[Period, State], today: dt.date, horizon_days: int = 45
) -> list[DueItem]:
    """The periods of ``year`` not yet submitted that are overdue or due within ``horizon_days``.

    A period counts as done once submitted (the office's part is over); a returned or
    reopened period is due again.
    """
    items: list[DueItem] = []
    for step, quarter in YEAR_PERIODS:
        rule = rules.get(step, DEFAULT_RULES[step])
        state = states.get((step, quarter), State.DRAFT)
        if state in DELIVERED_STATES:
            continue
        due = due_date(rule, year, quarter)
        left = (due - today).days
        if left > horizon_days:
            continue
        items.append(DueItem(step, year, quarter, due, state, left < 0, left))
    return items
