"""Fixtures of the LKE tests: the demo regency, a live server and a browser (tests/web/demo_support.py)."""

from tests.web.demo_support import chromium_browser, demo, demo_once, live_demo, login_as, page  # noqa: F401
