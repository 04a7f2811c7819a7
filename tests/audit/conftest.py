"""The demo fixtures of the web tests (tests/web/demo_support.py)."""

from tests.web.demo_support import (  # noqa: F401
    admin_pemda,
    chromium_browser,
    demo,
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
