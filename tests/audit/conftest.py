"""The demo fixtures of the web tests (tests/web/demo_support.py); ``demo`` is loaded once per module here."""

import pytest

from tests.web.demo_support import (  # noqa: F401
    Demo,
    admin_pemda,
    chromium_browser,
    demo_once,
    head_a,
    live_demo,
    login_as,
    operator_a,
    operator_b,
    page,
    planner,
    public_user,
    verifier_user,
)


@pytest.fixture()
def demo(demo_once: Demo, db: None) -> Demo:  # noqa: F811 — the imported fixture is this argument
    """The demo loaded once for the module; each test's changes are rolled back (its own savepoint)."""
    return demo_once
