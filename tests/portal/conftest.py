"""The web tests' demo fixtures, for the portal tests."""

from tests.web.demo_support import demo, demo_once  # noqa: F401
