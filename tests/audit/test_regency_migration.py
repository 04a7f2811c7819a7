"""The migration that gives the audit trail's rows their regency fills in the rows written before it."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from sakip.accounts.models import Office
from sakip.audit.models import AuditEntry
from sakip.workflow.models import DueRuleSetting
from tests.web.admin_scope_support import UNKNOWN_USERNAME, build

BEFORE = ("audit", "0002_sign_in_actions")
AFTER = ("audit", "0003_regency")


def _migrate(target: tuple[str, str]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])


@pytest.mark.django_db(transaction=True)
def test_the_backfill_gives_old_rows_the_regency_the_recorder_gives_new_ones() -> None:
    two = build()
    gone = DueRuleSetting.objects.get(regency=two.b.regency)
    gone_id = gone.pk
    gone.delete()  # a deleted row: its regency is read from what the trail recorded
    recorded: dict[int, Any] = dict(AuditEntry.objects.values_list("pk", "regency_id"))
    assert sum(1 for r in recorded.values() if r is None) < len(recorded) // 10
    _migrate(BEFORE)  # the column goes (the rows stay) ...
    try:
        with connection.cursor() as cursor:
            columns = [c.name for c in connection.introspection.get_table_description(cursor, "audit_auditentry")]
        assert "regency_id" not in columns
    finally:
        _migrate(AFTER)  # ... and comes back, filled in by the migration
    filled: dict[int, Any] = dict(AuditEntry.objects.values_list("pk", "regency_id"))
    assert filled.keys() == recorded.keys()
    differ = {pk: (was, filled[pk]) for pk, was in recorded.items() if was is not None and was != filled[pk]}
    assert not differ, differ
    # rows the recorder could not place then (users made before their membership) now have their regency
    assert sum(1 for r in filled.values() if r is None) <= sum(1 for r in recorded.values() if r is None)
    deleted = AuditEntry.objects.get(model="workflow.DueRuleSetting", object_id=str(gone_id), action="delete")
    assert deleted.regency_id == two.b.regency.pk
    assert AuditEntry.objects.get(action="login_failed", object_repr=UNKNOWN_USERNAME).regency_id is None
    for office in Office.objects.all():
        assert set(AuditEntry.objects.filter(office=office).values_list("regency_id", flat=True)) == {office.regency_id}
