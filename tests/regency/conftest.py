"""The web tests' demo fixtures, for the regency dashboard tests."""

from tests.web.demo_support import demo, demo_once, login_as  # noqa: F401
