"""Migration evaluation 0003 on templates made before the method was data (its own module: it migrates the
schema back and forth, which needs no transaction open around it, unlike the demo_once modules)."""

from __future__ import annotations

import pytest

from sakip.domain.lke_grading import Method
from sakip.evaluation.models import Template


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_existing_templates_on_the_legacy_method() -> None:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate([("evaluation", "0001_initial")])
    old = executor.loader.project_state([("evaluation", "0001_initial")]).apps
    regency = old.get_model("accounts", "Regency").objects.create(code="lama", name="Kabupaten Lama")
    old.get_model("evaluation", "Template").objects.create(
        regency_id=regency.pk, code="permenpanrb-88-2021", year=2022, name="LKE lama", total=100
    )
    executor = MigrationExecutor(connection)
    executor.migrate(latest)
    t = Template.objects.get(code="permenpanrb-88-2021", year=2022)
    assert t.method == Method.AVERAGED_12_2015
    assert Template._meta.get_field("method").default == Method.GRADED_88_2021.value
