"""Fixtures of the deployment tests: the page tests' example office and users (tests/web/pages_support.py)."""

from tests.web.pages_support import media, office, operator, other_office, other_operator, regency  # noqa: F401
