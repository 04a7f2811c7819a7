"""Migration api 0002 on tokens made before the limits existed (its own module: it migrates the schema back and
forth, which needs no transaction open around it, unlike the demo_once modules)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.utils import timezone

from sakip.api.models import ApiToken, Scope


@pytest.mark.django_db(transaction=True)
def test_tokens_made_before_the_limits_keep_working_as_before() -> None:
    """Migration api 0002: an existing token becomes read-write, for the user's whole reach, expiring 90 days
    after the upgrade."""
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate([("api", "0001_initial")])
    old = executor.loader.project_state([("api", "0001_initial")]).apps
    user = old.get_model("auth", "User").objects.create(username="lama", password="!")
    old.get_model("api", "ApiToken").objects.create(user_id=user.pk, name="lama", key_hash="a" * 64, hint="sakip_aaaa")
    executor = MigrationExecutor(connection)
    executor.migrate(latest)
    token = ApiToken.objects.get(name="lama")
    assert token.scope == Scope.WRITE and token.office_id is None and token.last_used is None
    assert (token.expires - timezone.now()).days in (89, 90)
    assert ApiToken._meta.get_field("scope").default == Scope.READ  # new ones: read only unless chosen
