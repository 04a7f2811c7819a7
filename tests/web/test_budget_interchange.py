"""A budget with a yearly line keeping its quarters, an amendment and objective shares: dataset → database →
dataset is exact, and the figures from the database equal those from the file."""

from __future__ import annotations

import copy
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from sakip.accounts.models import Regency
from sakip.budgeting.models import AllocationAmendment, BudgetLine
from sakip.core.interchange import canonical, domain_office, export_office, import_office
from sakip.dataset.loader import load_document, parse_text
from sakip.domain.scorecard import build_scorecard
from sakip.reports.scorecard import scorecard_dict

EXAMPLE = Path(__file__).parents[2] / "docs" / "examples" / "contoh-kecamatan.yaml"


def budget_doc() -> dict[str, Any]:
    doc = parse_text(EXAMPLE.read_text("utf-8"))
    doc["plan"]["objectives"].append(copy.deepcopy(doc["plan"]["objectives"][0]) | {"id": "S2", "indicators": []})
    program = doc["years"][1]["budget"]["lines"][0]
    program["objectives"] = ["S1", "S2"]
    program["objective_shares"] = {"S1": Decimal("62.5"), "S2": Decimal("37.5")}
    program["allocation"] = 340_000_000
    leaf = program["children"][0]
    leaf["basis"] = "year"
    leaf["realisation"] = 230_000_000  # counts; the quarters are kept
    program["children"].append({
        "code": "7.01.02.2.02", "name": "Fasilitasi Musrenbang", "allocation": 100_000_000,
        "allocation_original": 80_000_000,
        "amendments": [{"from_quarter": 3, "allocation": 100_000_000, "date": "2025-09-30", "reason": "APBD-P"}],
        "quarters": {"1": 10_000_000, "2": 20_000_000},
    })
    return doc


@pytest.fixture()
def regency(db: None) -> Regency:
    return Regency.objects.create(code="demo", name="Kabupaten Contoh", province="Jawa Tengah")


def test_round_trip_is_exact(regency: Regency) -> None:
    doc = budget_doc()
    office = import_office(doc, regency)
    line = BudgetLine.objects.get(code="7.01.02.2.02")
    assert (line.allocation, line.allocation_original) == (Decimal(80_000_000), None)  # stored: the original
    assert AllocationAmendment.objects.get(line=line).allocation == Decimal(100_000_000)
    assert BudgetLine.objects.get(code="7.01.02.2.01").basis == "year"
    assert canonical(export_office(office)) == canonical(doc)
    from_db = scorecard_dict(build_scorecard(domain_office(office), 2025))
    from_file = scorecard_dict(build_scorecard(load_document(doc), 2025))
    assert from_db == from_file
    budget = from_file["budget"]
    assert budget["by_objective"] == {
        "S1": {"allocation": "212500000", "realisation": "162500000", "absorption": "76.47058823529411764705882353"},
        "S2": {"allocation": "127500000", "realisation": "97500000", "absorption": "76.47058823529411764705882353"},
    }
