"""The realisation import reads and writes in bulk: its number of queries does not grow with the rows (issue #6)."""

from __future__ import annotations

import copy
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sakip.accounts.models import Office, Regency
from sakip.core.interchange import import_office
from sakip.importers.kinds import KOMPONEN, REALISASI
from sakip.imports import services
from sakip.monitoring.models import InputValue, Quarter
from tests.importers.xlsx_support import workbook

pytestmark = pytest.mark.django_db

SEED = Path(__file__).resolve().parents[2] / "src/sakip/dataset/seeds/kaloran-2020.yaml"


def make_office(rows: int, code: str) -> Office:
    """The Kaloran seed with ``rows`` plain indicators and ``rows // 4`` formula indicators, no PK, no realisations."""
    doc: dict[str, Any] = copy.deepcopy(yaml.safe_load(SEED.read_text(encoding="utf-8")))
    doc["office"]["code"] = code
    template = doc["plan"]["objectives"][0]["indicators"][1]  # S1.2: higher is better
    formula = {
        "expression": "selesai / masuk * 100",
        "inputs": {"selesai": {"label": "Laporan selesai"}, "masuk": {"label": "Laporan masuk"}},
    }
    doc["plan"]["goals"][0]["indicators"] = []
    doc["plan"]["objectives"][0]["indicators"] = [
        {**template, "id": f"B{i:04d}", "name": f"Indikator uji {i}", "targets": {"2020": 100}} for i in range(rows)
    ] + [
        {**template, "id": f"F{i:04d}", "name": f"Indikator rumus {i}", "targets": {"2020": 100}, "formula": formula}
        for i in range(rows // 4)
    ]
    doc.pop("years", None)
    regency, _ = Regency.objects.get_or_create(code="uji", defaults={"name": "Kabupaten Uji"})
    return import_office(doc, regency)


def realisation_file(rows: int, bump: int = 0) -> bytes:
    main: list[list[object]] = [[c.header for c in REALISASI.columns]]
    comp: list[list[object]] = [[c.header for c in KOMPONEN.columns]]
    for i in range(rows):
        v = 100 + bump + (i % 7) * 0.25
        main.append([f"B{i:04d}", None, None, None, v, v, v, v, None, "Tercapai sesuai rencana."])
    for i in range(rows // 4):
        main.append([f"F{i:04d}", None, None, None, None, None, None, None, None, "Tercapai."])
        comp.append([f"F{i:04d}", "selesai", None, 9 + bump, 9 + bump, 10, 10])
        comp.append([f"F{i:04d}", "masuk", None, 9, 9, 10, 10])
    return workbook({"Realisasi": main, "Komponen": comp})


def queries_of_import(o: Office, data: bytes) -> tuple[int, services.Outcome]:
    with CaptureQueriesContext(connection) as ctx:
        outcome = services.run(o, "realisasi", 2020, data, filename="uji.xlsx")
    assert outcome.applied, outcome.problems
    return len(ctx.captured_queries), outcome


def test_query_count_is_constant_in_the_number_of_rows(django_assert_max_num_queries) -> None:
    # both sizes below one insert batch (bulk writes take one query per batch: 500 rows, or fewer on SQLite,
    # whose bound of 999 query parameters allows 99 quarters — ten columns — per INSERT); 16 + 4 indicators give
    # 80 quarters
    small, large = 8, 16
    o_small, o_large = make_office(small, "uji-kecil"), make_office(large, "uji-besar")
    # first import (every row created), then a change of every row, then a re-import with nothing to change
    counts = []
    for bump in (0, 1, 1):
        n, outcome = queries_of_import(o_small, realisation_file(small, bump))
        counts.append(n)
    for bump, limit in zip((0, 1, 1), counts, strict=True):
        with django_assert_max_num_queries(limit):
            outcome = services.run(o_large, "realisasi", 2020, realisation_file(large, bump), filename="uji.xlsx")
        assert outcome.applied, outcome.problems
    assert not outcome.has_changes
    assert outcome.counts[services.UNCHANGED] == large + large // 4
    # what the large import stored, computed from the file: four quarters per plain row, two inputs per formula row
    stored = Quarter.objects.filter(indicator_year__indicator__plan__office=o_large)
    assert stored.filter(value__isnull=False).count() == large * 4
    assert stored.get(indicator_year__indicator__code="B0003", quarter=2).value == Decimal("101.75")
    assert stored.filter(value__isnull=True).count() == (large // 4) * 4
    inputs = InputValue.objects.filter(quarter__indicator_year__indicator__plan__office=o_large)
    assert inputs.count() == (large // 4) * 4 * 2
    assert inputs.get(
        quarter__indicator_year__indicator__code="F0002", quarter__quarter=1, input__name="selesai"
    ).value == Decimal(10)
