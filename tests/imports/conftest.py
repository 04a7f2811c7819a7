"""The web fixtures (demo regency, users by role, live server, browser) for the import tests."""

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
