"""The demo regency that `sakip demo` prints logins for: every printed login works, one user per role."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.test import Client
from django.urls import reverse

from sakip.accounts.models import Role
from sakip.core.demo import setup_demo

from .demo_support import OFFICE_A, OFFICE_B, ROLE_USERS, Demo


def test_every_printed_login_logs_in(demo: Demo) -> None:
    usernames = {login.username for login in demo.logins}
    assert set(ROLE_USERS.values()) <= usernames
    assert {"operator-kandangserang", "kepala-kandangserang"} <= usernames
    for login in demo.logins:
        client = Client()
        assert client.login(username=login.username, password=demo.password), login.username


def test_one_user_per_role_with_the_right_office(
    admin_pemda: Any, planner: Any, verifier_user: Any, public_user: Any, operator_a: Any, head_a: Any,
    operator_b: Any,
) -> None:
    roles = {
        u.username: (u.membership.role, u.membership.office.code if u.membership.office else None)
        for u in (admin_pemda, planner, verifier_user, public_user, operator_a, head_a, operator_b)
    }
    assert roles == {
        "admin": (Role.ADMIN, None),
        "perencana": (Role.PLANNER, None),
        "inspektorat": (Role.VERIFIER, None),
        "publik": (Role.PUBLIC, None),
        f"operator-{OFFICE_A}": (Role.OPERATOR, OFFICE_A),
        f"kepala-{OFFICE_A}": (Role.HEAD, OFFICE_A),
        f"operator-{OFFICE_B}": (Role.OPERATOR, OFFICE_B),
    }
    assert admin_pemda.is_superuser and not planner.is_staff


def test_setting_up_the_demo_twice_changes_nothing(demo: Demo) -> None:
    from sakip.accounts.models import Membership, Office
    from sakip.planning.models import Indicator

    before = (Office.objects.count(), Indicator.objects.count(), Membership.objects.count())
    setup_demo()
    assert (Office.objects.count(), Indicator.objects.count(), Membership.objects.count()) == before


def test_home_sends_each_user_to_their_place(login_as: Callable[[str], Client]) -> None:
    assert login_as("operator_a").get("/")["Location"] == reverse("office-dashboard", args=[OFFICE_A])
    page = login_as("verifier").get("/")
    assert page.status_code == 200
    for code in ("kaloran", "kaliwates", "kandangserang", "karangsari"):
        assert reverse("office-dashboard", args=[code]) in page.content.decode()
