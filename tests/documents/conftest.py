"""The demo fixtures of the web tests (tests/web/demo_support.py)."""

from tests.web.demo_support import chromium_browser, demo, live_demo, login_as, page  # noqa: F401
