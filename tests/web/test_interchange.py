"""Dataset import/export through the database: all-or-nothing, and a round trip is equal."""

from __future__ import annotations

from pathlib import Path

import pytest

from sakip.accounts.models import Office, Regency
from sakip.core.interchange import canonical, domain_office, export_office, import_office
from sakip.dataset.loader import DatasetError, parse_text
from sakip.domain.scorecard import build_scorecard
from sakip.planning.models import Indicator

EXAMPLE = Path(__file__).parents[2] / "docs" / "examples" / "contoh-kecamatan.yaml"


@pytest.fixture()
def regency(db: None) -> Regency:
    return Regency.objects.create(code="demo", name="Kabupaten Contoh", province="Jawa Tengah")


def test_example_round_trip_is_equal(regency: Regency) -> None:
    doc = parse_text(EXAMPLE.read_text("utf-8"))
    office = import_office(doc, regency)
    exported = export_office(office)
    assert canonical(exported) == canonical(doc)


def test_scorecard_from_database_equals_scorecard_from_file(regency: Regency) -> None:
    from sakip.dataset import load

    doc = parse_text(EXAMPLE.read_text("utf-8"))
    office = import_office(doc, regency)
    a = build_scorecard(domain_office(office), 2025)
    b = build_scorecard(load(EXAMPLE), 2025)
    assert [(s.indicator.id, s.achievement.value, s.category) for s in a.indicators] == [
        (s.indicator.id, s.achievement.value, s.category) for s in b.indicators
    ]


def test_import_is_all_or_nothing(regency: Regency) -> None:
    doc = parse_text(EXAMPLE.read_text("utf-8"))
    doc["plan"]["objectives"][0]["indicators"][1]["targets"]["2025"] = "8O"
    with pytest.raises(DatasetError):
        import_office(doc, regency)
    assert Office.objects.count() == 0 and Indicator.objects.count() == 0


def test_reimport_replaces_and_a_failed_reimport_keeps_the_old(regency: Regency) -> None:
    doc = parse_text(EXAMPLE.read_text("utf-8"))
    import_office(doc, regency)
    import_office(doc, regency)
    assert Office.objects.count() == 1 and Indicator.objects.count() == 6
    from decimal import Decimal

    doc["years"][1]["budget"]["classes"]["operasi"]["allocation"] = Decimal("1.1234567")  # 7 places
    with pytest.raises(DatasetError) as info:
        import_office(doc, regency)
    assert "years[1].budget.classes.operasi.allocation" in str(info.value)
    assert Indicator.objects.count() == 6


@pytest.mark.parametrize("name", ["kaloran-2020", "kaliwates-2020", "kandangserang-2021", "karangsari-2024"])
def test_seed_offices_round_trip_equal(regency: Regency, name: str) -> None:
    from sakip.dataset import seed_path

    doc = parse_text(seed_path(name).read_text("utf-8"))
    office = import_office(doc, regency)
    assert canonical(export_office(office)) == canonical(doc)
    # and the scorecard from the database is the scorecard from the file
    from sakip.dataset import load

    a = build_scorecard(domain_office(office))
    b = build_scorecard(load(seed_path(name)))
    assert [(s.indicator.id, s.achievement.value, s.category) for s in a.indicators] == [
        (s.indicator.id, s.achievement.value, s.category) for s in b.indicators
    ]
    assert [(f.where, f.what, f.printed, f.correct) for f in a.findings] == [
        (f.where, f.what, f.printed, f.correct) for f in b.findings
    ]


def test_quarter_target_grades_round_trip(regency: Regency) -> None:
    """Quarter targets that are grades (a qualitative indicator) and numbers come back exactly as imported."""
    from decimal import Decimal

    from sakip.monitoring.models import Quarter

    doc = parse_text(EXAMPLE.read_text("utf-8"))
    year = next(y for y in doc["years"] if y["year"] == 2025)
    year["indicators"]["S1.3"].update(
        {"quarterly_targets": {"1": "B", "2": "B", "3": "BB", "4": "BB"}, "cumulative_targets": True}
    )
    year["indicators"]["S1.2"]["quarterly_targets"] = {"1": 250.5, "2": 550, "3": None, "4": 1100}
    office = import_office(doc, regency)
    rows = {
        (q.indicator_year.indicator.code, q.quarter): (q.target, q.target_grade)
        for q in Quarter.objects.filter(indicator_year__year=2025).select_related("indicator_year__indicator")
    }
    assert rows[("S1.3", 2)] == (None, "B") and rows[("S1.3", 4)] == (None, "BB")
    assert rows[("S1.2", 1)] == (Decimal("250.5"), "")
    exported = export_office(office)
    year["indicators"]["S1.2"]["quarterly_targets"] = {"1": 250.5, "2": 550, "4": 1100}  # null: not set, not written
    assert canonical(exported) == canonical(doc)
    again = import_office(exported, regency)  # the same code: the office is replaced
    assert canonical(export_office(again)) == canonical(exported)
