"""The web tests' demo fixtures (demo, users, live server, browser), for the RPJMD tests."""

from tests.web.demo_support import chromium_browser, demo, demo_once, live_demo, login_as, page  # noqa: F401
