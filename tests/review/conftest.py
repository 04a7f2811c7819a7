"""The web fixtures (demo regency, users by role, live server, browser) for the review page tests."""

from tests.web.demo_support import (  # noqa: F401
    chromium_browser,
    demo,
    live_demo,
    login_as,
    page,
)
