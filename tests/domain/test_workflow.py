"""The workflow's pure rules: transitions and who needs which action, lock coverage, due dates."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sakip.domain import workflow as wf
from sakip.domain.workflow import DueRule, State, Step, Transition

ALL = {"view", "enter", "plan", "approve", "verify", "lock", "unlock", "evaluate"}
HEAD = {"view", "enter", "plan", "approve"}
VERIFIER = {"view", "verify", "evaluate"}
OPERATOR = {"view", "enter", "plan"}


def test_the_happy_path_and_the_return_loop() -> None:
    s = State.DRAFT
    s = wf.apply(s, Transition.SUBMIT)
    assert s is State.SUBMITTED
    s = wf.apply(s, Transition.RETURN, "lengkapi bukti dukung TW II")
    assert s is State.RETURNED
    s = wf.apply(s, Transition.SUBMIT)
    s = wf.apply(s, Transition.VERIFY)
    s = wf.apply(s, Transition.APPROVE)
    assert s is State.APPROVED and wf.is_locked(s) and wf.is_approved(s)
    s = wf.apply(s, Transition.UNLOCK, "koreksi data BPS")
    assert s is State.REOPENED and not wf.is_locked(s)
    assert wf.apply(s, Transition.SUBMIT) is State.SUBMITTED


@pytest.mark.parametrize(
    ("state", "transition"),
    [
        (State.DRAFT, Transition.VERIFY),
        (State.DRAFT, Transition.APPROVE),
        (State.DRAFT, Transition.UNLOCK),
        (State.SUBMITTED, Transition.SUBMIT),
        (State.SUBMITTED, Transition.APPROVE),
        (State.VERIFIED, Transition.VERIFY),
        (State.APPROVED, Transition.SUBMIT),
        (State.APPROVED, Transition.RETURN),
        (State.RETURNED, Transition.VERIFY),
        (State.REOPENED, Transition.APPROVE),
    ],
)
def test_transitions_not_allowed_from_a_state(state: State, transition: Transition) -> None:
    with pytest.raises(wf.WorkflowError, match="tidak diizinkan"):
        wf.apply(state, transition, "catatan")


@pytest.mark.parametrize("transition", [Transition.RETURN, Transition.UNLOCK, Transition.WITHDRAW])
@pytest.mark.parametrize("comment", ["", "   ", "\n"])
def test_return_unlock_and_withdraw_need_a_comment(transition: Transition, comment: str) -> None:
    state = State.APPROVED if transition is Transition.UNLOCK else State.SUBMITTED
    with pytest.raises(wf.WorkflowError, match="memerlukan catatan"):
        wf.apply(state, transition, comment)


def test_the_action_each_transition_needs() -> None:
    assert {t: r.action for t, r in wf.TRANSITIONS.items()} == {
        Transition.SUBMIT: "approve",
        Transition.VERIFY: "verify",
        Transition.RETURN: "verify",
        Transition.APPROVE: "lock",
        Transition.UNLOCK: "unlock",
        Transition.WITHDRAW: "approve",
    }


@pytest.mark.parametrize(
    ("state", "actions", "expected"),
    [
        (State.DRAFT, HEAD, [Transition.SUBMIT]),
        (State.DRAFT, OPERATOR, []),
        (State.DRAFT, VERIFIER, []),
        (State.SUBMITTED, VERIFIER, [Transition.VERIFY, Transition.RETURN]),
        (State.SUBMITTED, HEAD, [Transition.WITHDRAW]),
        (State.VERIFIED, HEAD, []),
        (State.VERIFIED, VERIFIER, [Transition.RETURN]),
        (State.VERIFIED, ALL, [Transition.RETURN, Transition.APPROVE]),
        (State.APPROVED, ALL, [Transition.UNLOCK]),
        (State.APPROVED, VERIFIER, []),
        (State.RETURNED, HEAD, [Transition.SUBMIT]),
        (State.REOPENED, HEAD, [Transition.SUBMIT]),
    ],
)
def test_available_buttons(state: State, actions: set[str], expected: list[Transition]) -> None:
    assert wf.available(state, actions) == expected


def test_lock_coverage() -> None:
    assert wf.covering_periods(Step.QUARTER, 2) == [(Step.QUARTER, 2), (Step.ANNUAL, None)]
    assert wf.covering_periods(Step.PK) == [(Step.PK, None), (Step.ANNUAL, None)]
    assert wf.covering_periods(Step.ANNUAL) == [(Step.ANNUAL, None)]
    assert len(wf.periods_of_year()) == 6
    for bad in (0, 5, None):
        with pytest.raises(wf.WorkflowError):
            wf.covering_periods(Step.QUARTER, bad)
    with pytest.raises(wf.WorkflowError):
        wf.covering_periods(Step.PK, 1)


@pytest.mark.parametrize(
    ("rule", "year", "quarter", "expected"),
    [
        (DueRule(Step.QUARTER, days=10), 2020, 1, dt.date(2020, 4, 10)),  # 31 March + 10 days
        (DueRule(Step.QUARTER, days=10), 2020, 2, dt.date(2020, 7, 10)),  # 30 June + 10
        (DueRule(Step.QUARTER, days=10), 2020, 4, dt.date(2021, 1, 10)),  # over the year's end
        (DueRule(Step.QUARTER, days=0), 2021, 3, dt.date(2021, 9, 30)),
        (DueRule(Step.QUARTER, month=1, day=31), 2021, 1, dt.date(2021, 4, 30)),  # day 31 of April: its last day
        (DueRule(Step.PK, month=2, day=31), 2020, None, dt.date(2020, 2, 29)),  # leap year
        (DueRule(Step.PK, month=2, day=31), 2021, None, dt.date(2021, 2, 28)),
        (DueRule(Step.PK, days=45), 2021, None, dt.date(2021, 2, 15)),  # 1 January + 45 days
        (DueRule(Step.ANNUAL, month=1, day=31, year_offset=1), 2020, None, dt.date(2021, 1, 31)),
        (DueRule(Step.ANNUAL, days=31), 2020, None, dt.date(2021, 1, 31)),  # 31 December + 31 days
    ],
)
def test_due_dates(rule: DueRule, year: int, quarter: int | None, expected: dt.date) -> None:
    assert wf.due_date(rule, year, quarter) == expected


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"days": 3, "month": 1, "day": 1},
        {"days": -1},
        {"month": 13, "day": 1},
        {"month": 1},
        {"month": 2, "day": 0},
        {"month": 1, "day": 1, "year_offset": 3},
    ],
)
def test_bad_due_rules_are_refused(kwargs: dict[str, int]) -> None:
    with pytest.raises(wf.WorkflowError):
        DueRule(Step.PK, **kwargs)


@given(year=st.integers(2000, 2100), quarter=st.integers(1, 4), days=st.integers(0, 120))
def test_a_days_rule_falls_that_many_days_after_the_quarter(year: int, quarter: int, days: int) -> None:
    due = wf.due_date(DueRule(Step.QUARTER, days=days), year, quarter)
    end = wf.quarter_end(year, quarter)
    assert (due - end).days == days
    assert (end + dt.timedelta(days=1)).month == (quarter * 3) % 12 + 1  # the quarter's last day


def test_due_items_count_a_period_done_once_submitted() -> None:
    today = dt.date(2021, 1, 20)
    states = {(Step.QUARTER, 1): State.APPROVED, (Step.QUARTER, 2): State.SUBMITTED, (Step.QUARTER, 3): State.RETURNED}
    items = wf.due_items(2020, dict(wf.DEFAULT_RULES), states, today)
    got = {(i.step, i.quarter): (i.due, i.overdue, i.days_left, i.state) for i in items}
    assert got == {
        (Step.PK, None): (dt.date(2020, 2, 29), True, -326, State.DRAFT),
        (Step.QUARTER, 3): (dt.date(2020, 10, 10), True, -102, State.RETURNED),
        (Step.QUARTER, 4): (dt.date(2021, 1, 10), True, -10, State.DRAFT),
        (Step.ANNUAL, None): (dt.date(2021, 1, 31), False, 11, State.DRAFT),
    }


def test_due_items_leave_out_what_is_far_ahead() -> None:
    # on 5 January 2021 the PK (28 February) is 54 days ahead, TW I (10 April) 95 days
    assert wf.due_items(2021, dict(wf.DEFAULT_RULES), {}, dt.date(2021, 1, 5), horizon_days=45) == []
    items = wf.due_items(2021, dict(wf.DEFAULT_RULES), {}, dt.date(2021, 1, 5), horizon_days=60)
    assert [(i.step, i.quarter, i.days_left) for i in items] == [(Step.PK, None, 54)]


@given(
    st.lists(
        st.tuples(st.sampled_from(list(Transition)), st.sampled_from([HEAD, VERIFIER, OPERATOR, ALL]), st.booleans()),
        max_size=30,
    )
)
def test_only_the_lock_action_locks_and_only_unlock_reopens(steps: list[tuple[Transition, set[str], bool]]) -> None:
    """Pressing any button the user has, in any order: a period is locked only by an approval with ``lock``,
    leaves the lock only by an unlock with a reason, and a refused press changes nothing."""
    state = State.DRAFT
    for transition, actions, with_comment in steps:
        if transition not in wf.available(state, actions):
            continue  # the page shows no such button
        try:
            new = wf.apply(state, transition, "alasan" if with_comment else "")
        except wf.WorkflowError:
            assert wf.TRANSITIONS[transition].needs_comment and not with_comment
            continue
        if wf.is_locked(new) and not wf.is_locked(state):
            assert transition is Transition.APPROVE and "lock" in actions
        if wf.is_locked(state) and not wf.is_locked(new):
            assert transition is Transition.UNLOCK and "unlock" in actions and with_comment
        state = new


# ----------------------------------------------------------------------------- who approves (issue #14)


@pytest.mark.parametrize(
    ("approver", "submitter", "approving"),
    [
        (wf.Approver.HEAD, "approve", wf.Transition.SUBMIT),
        (wf.Approver.VERIFIER, "enter", wf.Transition.VERIFY),
        (wf.Approver.REGENCY, "enter", wf.Transition.APPROVE),
    ],
)
def test_the_approver_decides_who_submits_and_which_press_approves(
    approver: wf.Approver, submitter: str, approving: wf.Transition
) -> None:
    assert wf.required_action(wf.Transition.SUBMIT, approver) == submitter
    assert wf.required_action(wf.Transition.WITHDRAW, approver) == submitter
    # the rest never changes: the Inspektorat verifies and returns, the regency locks and unlocks
    assert wf.required_action(wf.Transition.VERIFY, approver) == "verify"
    assert wf.required_action(wf.Transition.RETURN, approver) == "verify"
    assert wf.required_action(wf.Transition.APPROVE, approver) == "lock"
    assert wf.required_action(wf.Transition.UNLOCK, approver) == "unlock"
    assert wf.approving_transition(approver) is approving
    operator = {"view", "enter", "plan"}
    assert (wf.Transition.SUBMIT in wf.available(wf.State.DRAFT, operator, approver)) == (submitter == "enter")


def test_the_default_is_the_office_head() -> None:
    assert wf.DEFAULT_APPROVER is wf.Approver.HEAD
    assert wf.available(wf.State.DRAFT, {"view", "enter", "plan"}) == []  # the operator never submits by default
    assert wf.available(wf.State.DRAFT, {"view", "enter", "plan", "approve"}) == [wf.Transition.SUBMIT]


@pytest.mark.parametrize("approver", list(wf.Approver))
def test_who_acts_next(approver: wf.Approver) -> None:
    office = wf.Actor.HEAD if approver is wf.Approver.HEAD else wf.Actor.OFFICE
    for state in (wf.State.DRAFT, wf.State.RETURNED, wf.State.REOPENED):
        assert wf.next_actor(state, approver) is office
    assert wf.next_actor(wf.State.SUBMITTED, approver) is wf.Actor.VERIFIER
    assert wf.next_actor(wf.State.VERIFIED, approver) is wf.Actor.REGENCY
    assert wf.next_actor(wf.State.APPROVED, approver) is wf.Actor.NOBODY


def test_freezing_locking_and_reopening_are_confirmed_first() -> None:
    assert {wf.Transition.SUBMIT, wf.Transition.VERIFY, wf.Transition.APPROVE, wf.Transition.UNLOCK} == wf.CONFIRMED
    # a return and a withdrawal need their comment instead
    assert all(wf.TRANSITIONS[t].needs_comment for t in set(wf.Transition) - wf.CONFIRMED)
