"""The web tests' demo fixtures, and an API token for each demo role."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from sakip.api.models import ApiToken
from tests.web.demo_support import Demo, demo, demo_once, login_as  # noqa: F401


class Api:
    """A test client that sends ``Authorization: Bearer <token>``."""

    def __init__(self, token: str | None) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, url: str, **params: Any) -> Any:
        return self.client.get(url, params, headers=self.headers)

    def post(self, url: str, body: Any) -> Any:
        return self.client.post(url, body, content_type="application/json", headers=self.headers)


@pytest.fixture(scope="module")
def api_tokens(
    demo_once: Demo,  # noqa: F811
    django_db_blocker: Any,
) -> dict[str, str]:
    """A token of each demo user, made once per module (rolled back with the module's demo)."""
    with django_db_blocker.unblock():
        return {role: ApiToken.issue(user, f"test {role}")[1] for role, user in demo_once.users.items()}


@pytest.fixture
def api_as(api_tokens: dict[str, str], db: None) -> Callable[[str], Api]:
    """``api_as("operator_a")``: an API client with that demo user's token; "anonymous": no token."""

    def make(role: str) -> Api:
        return Api(api_tokens.get(role) if role != "anonymous" else None)

    return make
