"""The demo fixtures of the web tests (tests/web/demo_support.py)."""

from tests.web.demo_support import demo, login_as  # noqa: F401
