"""The realisation import's bulk SQL writes: the same rows, audit entries and cache bump as the ORM would make."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from sakip.accounts.models import Office
from sakip.audit.models import AuditEntry
from sakip.audit.recorder import batch, record
from sakip.audit.views import csv_lines
from sakip.importers.kinds import REALISASI
from sakip.imports import services
from sakip.monitoring.models import IndicatorYear, Quarter
from sakip.regency.figures import generation
from tests.importers.xlsx_support import workbook

pytestmark = pytest.mark.django_db

HEADER = [c.header for c in REALISASI.columns]


def realisasi(*rows: list[object]) -> bytes:
    return workbook({"Realisasi": [HEADER, *rows]})


def quarters(o: Office, code: str) -> dict[int, Quarter]:
    return {
        q.quarter: q
        for q in Quarter.objects.filter(
            indicator_year__indicator__plan__office=o, indicator_year__indicator__code=code, indicator_year__year=2020
        )
    }


def entries(o: Office, code: str) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(office_id=o.pk, comment="Impor Excel", object_repr=f"{code} 2020").order_by("id")
    )


def test_written_rows_carry_who_and_when_and_each_row_is_audited_as_record_would(demo_once, db) -> None:
    o = Office.objects.get(code="kaloran")
    operator = get_user_model().objects.get(username="operator-kaloran")
    before_generation = generation()
    many_digits = Decimal("12345678.123456")
    data = realisasi(
        ["S1.2", None, None, None, 79.95, "12.345.678,123456", None, None, None, "Uji impor"],
        ["S1.4", None, None, None, 100, None, None, None, None, None],
    )
    started = timezone.now()
    outcome = services.run(o, "realisasi", 2020, data, user=operator)
    assert outcome.applied, outcome.problems
    stored = quarters(o, "S1.2")
    assert {q: r.value for q, r in stored.items() if r.value is not None} == {1: Decimal("79.95"), 2: many_digits}
    for q in (1, 2):
        assert stored[q].entered_by_id == operator.pk
        assert stored[q].entered_at is not None and started <= stored[q].entered_at <= timezone.now()
    iy = IndicatorYear.objects.get(indicator__plan__office=o, indicator__code="S1.2", year=2020)
    assert iy.explanation == "Uji impor" and started <= iy.updated_at
    assert generation() != before_generation  # the regency's cached figures are not used again
    # the entry as `record` writes it for the same actor (a reference entry made here, in the same context)
    change = next(c for c in outcome.changes if c.code == "S1.2")
    with batch():
        reference = record(
            action="update", model="monitoring.IndicatorYear", object_id=iy.pk, object_repr="S1.2 2020",
            office_id=o.pk, changes={"x": [None, "1"]}, comment="Referensi", user=operator,
        )  # fmt: skip
    (entry,) = entries(o, "S1.2")
    assert (entry.model, entry.object_id, entry.office_id, entry.office_name) == (
        "monitoring.IndicatorYear", str(iy.pk), o.pk, o.name,
    )  # fmt: skip
    assert entry.action == ("create" if change.action == services.CREATED else "update")
    assert (entry.user_id, entry.user_name, entry.ip, entry.user_agent) == (
        reference.user_id, reference.user_name, reference.ip, reference.user_agent,
    )  # fmt: skip
    assert entry.user_id == operator.pk and started <= entry.at <= timezone.now()
    assert entry.regency_id == reference.regency_id == o.regency_id  # in the regency's trail
    assert entry.changes == {
        "Realisasi TW I": [None, "79,95"],
        "Realisasi TW II": [None, "12.345.678,123456"],  # input text: grouped, every decimal kept (format_exact)
        "Penjelasan": [None, "Uji impor"],
    }
    # the audit CSV export shows it like any other entry
    csv = "".join(csv_lines([entry]))
    assert "S1.2 2020" in csv and "operator-kaloran" in csv and "12.345.678,123456" in csv


def test_a_second_import_writes_only_what_changed(demo_once, db) -> None:
    o = Office.objects.get(code="kaloran")
    first = realisasi(["S1.2", None, None, None, 80, 85, None, None, None, "Awal"])
    assert services.run(o, "realisasi", 2020, first).applied
    was = quarters(o, "S1.2")
    was_year = IndicatorYear.objects.get(indicator__plan__office=o, indicator__code="S1.2", year=2020)
    audited = len(entries(o, "S1.2"))
    Quarter.objects.filter(pk=was[1].pk).update(entered_at=timezone.now() - dt.timedelta(days=3))
    second = realisasi(
        ["S1.2", None, None, None, 80, 86, None, None, None, "Diperbarui"],
        ["S1.4", None, None, None, None, None, None, None, None, None],  # nothing in it: unchanged
    )
    outcome = services.run(o, "realisasi", 2020, second)
    assert outcome.applied and outcome.counts[services.UPDATED] == 1
    now = quarters(o, "S1.2")
    assert now[1].entered_at == Quarter.objects.get(pk=was[1].pk).entered_at < was[1].entered_at  # kept
    assert now[2].pk == was[2].pk and now[2].value == Decimal(86) and now[2].entered_at >= was[2].entered_at
    year = IndicatorYear.objects.get(pk=was_year.pk)
    assert year.explanation == "Diperbarui" and year.updated_at >= was_year.updated_at
    new_entries = entries(o, "S1.2")[audited:]
    assert [(e.action, e.changes) for e in new_entries] == [
        ("update", {"Realisasi TW II": ["85", "86"], "Penjelasan": ["Awal", "Diperbarui"]})
    ]
    assert entries(o, "S1.4") == []  # an unchanged row is not audited
