"""Fixtures of the web tests on the demo regency, its users, a live server and a browser.

They are defined in demo_support.py (see its docstring); the page tests keep their own
fixtures in pages_support.py.
"""

from .demo_support import (  # noqa: F401
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
