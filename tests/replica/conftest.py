"""The demo fixture of the web tests (tests/web/demo_support.py) for the routing rules."""

from tests.web.demo_support import Demo, demo  # noqa: F401
