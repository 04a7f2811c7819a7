"""Fixtures of the LKE page tests: the demo regency (tests/web/demo_support.py)."""

from tests.web.demo_support import demo, demo_once  # noqa: F401
