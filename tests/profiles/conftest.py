"""The demo fixtures of the web tests (tests/web/demo_support.py) for the profile pages."""

from tests.web.demo_support import (  # noqa: F401
    Demo,
    chromium_browser,
    demo,
    live_demo,
    login_as,
    page,
)
