"""Fixtures on the demo regency: its users by role, a live server, a browser (see conftest.py).

Office A is Kecamatan Kaloran (data for 2020), office B Kecamatan Kaliwates: both in
the demo regency that ``sakip.core.demo.setup_demo`` creates, with one user per role.

* ``demo`` — the demo loaded into this test's database (function scope, ``db``).
* ``demo_once`` — the demo loaded once for a whole test module, inside a transaction
  that is rolled back after the module; each test still runs in its own savepoint
  (request ``db`` as usual). Not for ``transactional_db``/``live_server`` tests.
* ``admin_pemda``, ``planner``, ``verifier_user``, ``public_user``, ``operator_a``,
  ``head_a``, ``operator_b`` — the demo users of each role (User objects).
* ``login_as`` — a Client logged in as a role (``login_as("operator_a")``).
* ``live_demo`` — pytest-django's ``live_server`` with the demo committed to the
  database it serves; gives the base URL and the password.
* ``chromium_browser`` — Debian's Chromium driven by Playwright (sync API), one per
  module; ``page`` — a fresh browser context and page per test.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client

from sakip.accounts.models import Office
from sakip.core.demo import DEMO_PASSWORD, DemoLogin, setup_demo
from tests.conftest import IN_CI, chromium_path

OFFICE_A = "kaloran"
OFFICE_B = "kaliwates"

#: role key -> demo username
ROLE_USERS: dict[str, str] = {
    "admin": "admin",
    "planner": "perencana",
    "verifier": "inspektorat",
    "public": "publik",
    "operator_a": f"operator-{OFFICE_A}",
    "head_a": f"kepala-{OFFICE_A}",
    "operator_b": f"operator-{OFFICE_B}",
}

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@dataclass
class Demo:
    logins: list[DemoLogin]
    password: str
    office_a: Office
    office_b: Office
    users: dict[str, Any] = field(default_factory=dict)  # role key -> User

    def user(self, role: str) -> Any:
        return self.users[role]


def load_demo() -> Demo:
    logins = setup_demo()
    User = get_user_model()
    users = {role: User.objects.get(username=name) for role, name in ROLE_USERS.items()}
    return Demo(
        logins=logins,
        password=DEMO_PASSWORD,
        office_a=Office.objects.get(code=OFFICE_A),
        office_b=Office.objects.get(code=OFFICE_B),
        users=users,
    )


@pytest.fixture()
def demo(db: None) -> Demo:
    """The demo regency in this test's database; ``demo.logins`` are setup_demo()'s logins."""
    return load_demo()


@pytest.fixture(scope="module")
def demo_once(django_db_setup: None, django_db_blocker: Any) -> Iterator[Demo]:
    """The demo loaded once per module, rolled back after it (tests still need ``db``)."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            data = load_demo()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    try:
        yield data
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _role_user(role: str) -> Callable[..., Any]:
    def user_of_role(demo: Demo) -> Any:
        return demo.user(role)

    user_of_role.__doc__ = f"The demo user {ROLE_USERS[role]!r} ({role})."
    return pytest.fixture(user_of_role, name={"admin": "admin_pemda", "verifier": "verifier_user",
                                              "public": "public_user"}.get(role, role))


admin_pemda = _role_user("admin")
planner = _role_user("planner")
verifier_user = _role_user("verifier")
public_user = _role_user("public")
operator_a = _role_user("operator_a")
head_a = _role_user("head_a")
operator_b = _role_user("operator_b")


@pytest.fixture()
def login_as(demo: Demo) -> Callable[[str], Client]:
    """A factory: ``login_as("operator_a")`` is a Client logged in as that demo user."""

    def make(role: str) -> Client:
        client = Client()
        if role != "anonymous":
            client.force_login(demo.user(role))
        return client

    return make


# ----------------------------------------------------------------------------- live server and browser


@dataclass
class LiveDemo:
    url: str
    password: str
    demo: Demo

    def at(self, path: str) -> str:
        return self.url.rstrip("/") + path


@pytest.fixture()
def live_demo(live_server: Any, transactional_db: None) -> LiveDemo:
    """The demo, committed, behind pytest-django's live server (the tables are flushed afterwards)."""
    return LiveDemo(url=live_server.url, password=DEMO_PASSWORD, demo=load_demo())


@pytest.fixture(scope="module")
def chromium_browser() -> Iterator[Any]:
    """Debian's Chromium, headless, driven by Playwright's sync API (no browser download)."""
    executable = chromium_path()
    if executable is None:
        message = "Chromium not found: apt-get install chromium (or set SAKIP_CHROMIUM)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio loop on this thread; Django's ORM refuses to run
    # while one is set unless told that this (test-only, single-threaded) use is fine.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
            try:
                yield browser
            finally:
                browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture()
def page(chromium_browser: Any) -> Iterator[Any]:
    """A fresh browser context (no cookies) and page."""
    context = chromium_browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    context.set_default_timeout(15_000)
    pg = context.new_page()
    try:
        yield pg
    finally:
        context.close()
