"""The web fixtures (demo regency, users by role) for the review page tests."""

from tests.web.demo_support import (  # noqa: F401
    demo,
    login_as,
)
