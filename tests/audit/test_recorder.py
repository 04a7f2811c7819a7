"""Every kind of change leaves an audit row (who, from where, old → new); the trail is append-only."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.base import ContentFile

from sakip.accounts.access import allowed_actions
from sakip.agreements.models import PkTarget, PkVersion
from sakip.audit.context import actor
from sakip.audit.models import AuditEntry, AuditRefused
from sakip.audit.recorder import audited_models
from sakip.budgeting.models import BudgetLine, LineQuarter
from sakip.monitoring.models import Evidence, IndicatorYear, Quarter
from sakip.planning.models import Indicator, Target
from sakip.workflow import services

pytestmark = pytest.mark.django_db


def _entries(obj: Any) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(model=obj._meta.label, object_id=str(obj.pk)).order_by("id"))


def _office_iy(demo: Any) -> IndicatorYear:
    return IndicatorYear.objects.filter(indicator__plan__office=demo.office_a, year=2020).order_by("id").first()


def test_create_update_delete_of_a_realisation(demo: Any) -> None:
    iy = _office_iy(demo)
    Quarter.objects.filter(indicator_year=iy, quarter=4).delete()
    q = Quarter.objects.create(indicator_year=iy, quarter=4, target=Decimal("10"))
    (created,) = [e for e in _entries(q) if e.action == "create"]
    assert created.changes["target"] == [None, "10"] and created.changes["quarter"] == [None, 4]
    old = q.value
    q.value = Decimal("12.340")
    q.save()
    (update,) = [e for e in _entries(q) if e.action == "update"]
    expected_old = None if old is None else format(old.normalize(), "f")
    assert update.changes == {"value": [expected_old, "12.34"]}
    assert update.office_id == demo.office_a.pk and update.office_name == "Kecamatan Kaloran"
    assert update.user_name == "sistem" and update.user_id is None
    q.value = Decimal("12.34")  # the same number: no row
    q.save()
    assert len([e for e in _entries(q) if e.action == "update"]) == 1
    pk = q.pk
    q.delete()
    deleted = AuditEntry.objects.get(model="monitoring.Quarter", object_id=str(pk), action="delete")
    assert deleted.changes["value"] == ["12.34", None]
    assert deleted.office_id == demo.office_a.pk


def test_every_kind_of_change_is_recorded_with_the_office(demo: Any) -> None:
    office = demo.office_a
    ind = Indicator.objects.filter(plan__office=office).order_by("id").first()
    assert ind is not None
    before = AuditEntry.objects.count()
    with actor("uji"):
        ind.name = ind.name + " (revisi)"
        ind.save()
        target = Target.objects.create(indicator=ind, year=2031, value=Decimal("75.5"))
        version = PkVersion.objects.create(office=office, year=2031, number=1, kind="original")
        pk_target = PkTarget.objects.create(version=version, indicator=ind, value=Decimal("80"))
        line = BudgetLine.objects.filter(budget__office=office).order_by("id").first()
        assert line is not None
        line_quarter = LineQuarter.objects.create(line=line, quarter=1, realisation=Decimal("1000"))
        line_quarter.realisation = Decimal("2500.50")
        line_quarter.save()
        iy = _office_iy(demo)
        evidence = Evidence(indicator_year=iy, quarter=1, name="foto.png")
        evidence.file.save("foto.png", ContentFile(b"\x89PNG"), save=True)
        user = demo.user("head_a")
        services.transition(
            office, 2031, "pk", None, "submit", user=user, allowed_actions=allowed_actions(user.membership, office)
        )
    new = list(AuditEntry.objects.filter(id__gt=0).order_by("id"))[before:]
    kinds = {(e.model, e.action) for e in new}
    assert {
        ("planning.Indicator", "update"),
        ("planning.Target", "create"),
        ("agreements.PkVersion", "create"),
        ("agreements.PkTarget", "create"),
        ("budgeting.LineQuarter", "update"),
        ("monitoring.Evidence", "create"),
        ("workflow.PeriodState", "transition"),
    } <= kinds
    assert all(e.office_id == office.pk for e in new)
    by_model = {e.model: e for e in new}
    assert by_model["planning.Target"].changes["value"] == [None, "75.5"]
    assert by_model["budgeting.LineQuarter"].changes == {"realisation": ["1000", "2500.5"]}
    assert by_model["agreements.PkTarget"].changes["value"] == [None, "80"]
    assert by_model["planning.Indicator"].changes["name"][1].endswith("(revisi)")
    assert by_model["workflow.PeriodState"].changes["state"] == ["draft", "submitted"]
    # the transition names the person who pressed the button even outside a request
    assert by_model["workflow.PeriodState"].user_name == "kepala-kaloran"
    assert {e.user_name for e in new if e.model != "workflow.PeriodState"} == {"uji"}
    assert target.pk and pk_target.pk and evidence.pk


def test_the_trail_cannot_be_changed_or_deleted(demo: Any) -> None:
    entry = AuditEntry.objects.order_by("id").first()
    assert entry is not None
    with pytest.raises(AuditRefused):
        entry.delete()
    with pytest.raises(AuditRefused):
        AuditEntry.objects.all().delete()
    with pytest.raises(AuditRefused):
        AuditEntry.objects.filter(pk=entry.pk).update(user_name="x")
    entry.user_name = "x"
    with pytest.raises(AuditRefused):
        entry.save()
    assert AuditEntry.objects.get(pk=entry.pk).user_name != "x"


def test_deleting_an_office_keeps_its_trail(demo: Any) -> None:
    office = demo.office_b
    count = AuditEntry.objects.filter(office_id=office.pk).count()
    assert count > 0
    from sakip.core.interchange import _clear

    _clear(office)
    assert AuditEntry.objects.filter(office_id=office.pk, action="delete").count() > 0
    assert AuditEntry.objects.filter(office_id=office.pk).count() > count


def test_models_of_all_sakip_apps_are_audited() -> None:
    labels = {m._meta.label for m in audited_models()}
    assert {"planning.Indicator", "monitoring.Quarter", "agreements.PkTarget", "budgeting.LineQuarter"} <= labels
    assert {"monitoring.Evidence", "surveys.Survey", "accounts.Office", "workflow.DueRuleSetting"} <= labels
    assert "audit.AuditEntry" not in labels and "workflow.PeriodState" not in labels


def test_secrets_are_hidden_and_large_values_summarised(demo: Any) -> None:
    from sakip.api.models import ApiToken
    from sakip.imports.models import ImportBatch
    from sakip.surveys.models import Survey

    token, key = ApiToken.issue(demo.user("admin"), "uji")
    (created,) = _entries(token)
    assert created.changes["key_hash"] == [None, "[disembunyikan]"]
    assert key not in json.dumps(created.changes) and token.key_hash not in json.dumps(created.changes)

    batch = ImportBatch.objects.create(
        office=demo.office_a,
        kind="realisasi",
        year=2020,
        filename="r.xlsx",
        sha256="0" * 64,
        content=b"PK\x03\x04" * 10,
    )
    (row,) = _entries(batch)
    assert row.changes["content"][1].startswith("[40 bita, sha256 ")
    assert row.changes["filename"] == [None, "r.xlsx"] and row.office_id == demo.office_a.pk

    survey = Survey.objects.filter(office=demo.office_a).first() or Survey.objects.create(
        office=demo.office_a, year=2020
    )
    survey.responses = [[4] * 9 for _ in range(2000)]  # 2000 questionnaires: about 56,000 characters
    survey.save()
    update = [e for e in _entries(survey) if e.action == "update"][-1]
    new = update.changes["responses"][1]
    assert new.startswith("[") and "karakter, sha256" in new


def test_technical_rows_are_not_recorded(demo: Any) -> None:
    labels = {m._meta.label for m in audited_models()}
    assert not {"regency.DataGeneration", "documents.BatchJob", "workflow.TransitionLog"} & labels
