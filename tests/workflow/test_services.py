"""The workflow service API on the demo regency: states, transitions per role, locks."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from sakip.accounts.access import allowed_actions
from sakip.workflow import services
from sakip.workflow.models import PeriodState, TransitionLog
from sakip.workflow.services import PeriodLocked, TransitionRefused

pytestmark = pytest.mark.django_db


def _acts(user: Any, office: Any) -> set[str]:
    return allowed_actions(user.membership, office)


def _move(demo: Any, role: str, action: str, step: str = "pk", quarter: int | None = None, comment: str = "") -> Any:
    user = demo.user(role)
    return services.transition(
        demo.office_a,
        2021,
        step,
        quarter,
        action,
        user=user,
        allowed_actions=_acts(user, demo.office_a),
        comment=comment,
    )


def test_a_period_without_a_row_is_draft_and_editable(demo: Any) -> None:
    assert services.state_of(demo.office_a, 2021, "pk") == "draft"
    assert not services.is_locked(demo.office_a, 2021, "quarter", 2)
    assert not services.is_approved(demo.office_a, 2021, "annual")
    services.ensure_editable(demo.office_a, 2021, "quarter", 2)  # no exception


def test_full_cycle_with_return_and_lock(demo: Any) -> None:
    _move(demo, "head_a", "submit")
    _move(demo, "verifier", "return", comment="Target IKU 2 belum sesuai Renstra")
    assert services.state_of(demo.office_a, 2021, "pk") == "returned"
    assert (
        PeriodState.objects.get(office=demo.office_a, step="pk", year=2021).comment
        == "Target IKU 2 belum sesuai Renstra"
    )
    _move(demo, "head_a", "submit")
    _move(demo, "planner", "verify")
    _move(demo, "admin", "approve")
    assert services.is_approved(demo.office_a, 2021, "pk")
    assert services.is_locked(demo.office_a, 2021, "pk")
    assert not services.is_locked(demo.office_a, 2021, "quarter", 1)  # the PK's lock covers only the PK
    with pytest.raises(PeriodLocked) as err:
        services.ensure_editable(demo.office_a, 2021, "pk")
    message = err.value.messages[0]
    assert "Perjanjian Kinerja 2021" in message and "Kecamatan Kaloran" in message and "membuka kunci" in message
    assert isinstance(err.value, ValidationError)
    history = list(
        TransitionLog.objects.filter(period__office=demo.office_a, period__year=2021).values_list(
            "transition", "user_name"
        )
    )
    assert history == [
        ("submit", "kepala-kaloran"),
        ("return", "inspektorat"),
        ("submit", "kepala-kaloran"),
        ("verify", "perencana"),
        ("approve", "admin"),
    ]


def test_an_annual_lock_freezes_the_quarters_and_the_pk(demo: Any) -> None:
    for role, action in (("head_a", "submit"), ("verifier", "verify"), ("admin", "approve")):
        _move(demo, role, action, step="annual")
    assert services.is_locked(demo.office_a, 2021, "quarter", 3)
    assert services.is_locked(demo.office_a, 2021, "pk")
    assert not services.is_approved(demo.office_a, 2021, "pk")
    with pytest.raises(PeriodLocked, match="LKjIP"):
        services.ensure_editable(demo.office_a, 2021, "quarter", 3)
    with pytest.raises(PeriodLocked):
        services.ensure_year_editable(demo.office_a, 2021)
    services.ensure_year_editable(demo.office_a, 2022)
    services.ensure_editable(demo.office_b, 2021, "quarter", 3)  # another office is not affected
    _move(demo, "admin", "unlock", step="annual", comment="Koreksi realisasi TW IV dari BPS")
    assert services.state_of(demo.office_a, 2021, "annual") == "reopened"
    services.ensure_editable(demo.office_a, 2021, "quarter", 3)


@pytest.mark.parametrize(
    ("role", "action", "allowed"),
    [
        ("head_a", "submit", True),
        ("operator_a", "submit", False),
        ("verifier", "submit", False),
        ("planner", "submit", False),
        ("admin", "submit", True),
    ],
)
def test_who_may_submit(demo: Any, role: str, action: str, allowed: bool) -> None:
    if allowed:
        assert _move(demo, role, action).state == "submitted"
    else:
        with pytest.raises(TransitionRefused, match="tidak berwenang"):
            _move(demo, role, action)
        assert services.state_of(demo.office_a, 2021, "pk") == "draft"


@pytest.mark.parametrize(
    ("role", "action", "allowed"),
    [
        ("verifier", "verify", True),
        ("planner", "verify", True),
        ("admin", "verify", True),
        ("head_a", "verify", False),
        ("operator_a", "verify", False),
        ("head_a", "return", False),
        ("verifier", "approve", False),
        ("planner", "approve", False),
        ("head_a", "approve", False),
    ],
)
def test_who_may_verify_and_approve(demo: Any, role: str, action: str, allowed: bool) -> None:
    _move(demo, "head_a", "submit")
    if action == "approve":
        _move(demo, "verifier", "verify")
    before = services.state_of(demo.office_a, 2021, "pk")
    if allowed:
        _move(demo, role, action, comment="ok")
        assert services.state_of(demo.office_a, 2021, "pk") != before
    else:
        with pytest.raises(TransitionRefused):
            _move(demo, role, action, comment="ok")
        assert services.state_of(demo.office_a, 2021, "pk") == before


def test_only_admin_unlocks_and_needs_a_reason(demo: Any) -> None:
    for role, action in (("head_a", "submit"), ("verifier", "verify"), ("admin", "approve")):
        _move(demo, role, action, step="quarter", quarter=1)
    for role in ("head_a", "verifier", "planner"):
        with pytest.raises(TransitionRefused, match="tidak berwenang"):
            _move(demo, role, "unlock", step="quarter", quarter=1, comment="alasan")
    with pytest.raises(TransitionRefused, match="memerlukan catatan"):
        _move(demo, "admin", "unlock", step="quarter", quarter=1, comment="   ")
    assert services.is_locked(demo.office_a, 2021, "quarter", 1)


def test_wrong_state_and_missing_comment_are_refused(demo: Any) -> None:
    with pytest.raises(TransitionRefused, match="tidak dapat dilakukan dari status"):
        _move(demo, "admin", "approve")
    _move(demo, "head_a", "submit")
    with pytest.raises(TransitionRefused, match="tidak dapat dilakukan"):
        _move(demo, "head_a", "submit")
    with pytest.raises(TransitionRefused, match="memerlukan catatan"):
        _move(demo, "verifier", "return")
    assert services.state_of(demo.office_a, 2021, "pk") == "submitted"


def test_office_user_cannot_move_another_office(demo: Any) -> None:
    user = demo.user("head_a")
    with pytest.raises(TransitionRefused):
        services.transition(
            demo.office_b, 2021, "pk", None, "submit", user=user, allowed_actions=_acts(user, demo.office_b)
        )
