"""The public portal: only what the workflow approved, the office pages' figures, safe open data."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from django.test import Client

from sakip.accounts.models import Office
from sakip.core.generate import Size, generate_regency, office_document
from sakip.domain.numbers import format_percent
from sakip.workflow.models import PeriodState
from tests.web.demo_support import Demo

GOLDEN = Path(__file__).parents[1] / "data" / "golden" / "000_09d92b3eb5f414a3.yaml"  # Kaloran 2020
SCHEMA = json.loads((Path(__file__).parents[2] / "src/sakip/portal/open-data.schema.json").read_text("utf-8"))


def approve(office: Office, year: int, step: str) -> None:
    PeriodState.objects.update_or_create(
        office=office, year=year, step=step, quarter=None, defaults={"state": "approved"}
    )


def data(kind: str, fmt: str, **params: str) -> Any:
    response = Client().get(f"/publik/data/{kind}.{fmt}", params)
    assert response.status_code == 200
    if fmt == "json":
        body = response.json()
        jsonschema.validate(body, SCHEMA)
        return body["rows"]
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_nothing_is_public_before_approval(demo: Demo) -> None:
    client = Client()
    index = client.get("/publik/").content.decode()
    assert demo.office_a.name in index  # the office is listed, without a link
    assert f'href="/publik/demo/{demo.office_a.code}/"' not in index
    page = client.get(f"/publik/demo/{demo.office_a.code}/").content.decode()
    assert 'data-testid="nothing-published"' in page
    assert "Indeks Kepuasan Masyarakat" not in page
    assert data("kinerja", "json") == [] and data("anggaran", "json") == []
    assert data("kinerja", "csv")[1:] == [] and data("anggaran", "csv")[1:] == []


def test_an_approved_pk_publishes_targets_and_plan_but_no_figures(demo: Demo) -> None:
    approve(demo.office_a, 2020, "pk")
    page = Client().get(f"/publik/demo/{demo.office_a.code}/").content.decode()
    assert 'data-testid="portal-plan"' in page and 'data-testid="portal-year-2020"' in page
    assert "belum disetujui" in page
    golden = yaml.safe_load(GOLDEN.read_text("utf-8"))
    ikm = golden["measurement"]["results"][0]
    assert format_percent(Decimal(str(ikm["computed_achievement"]))) not in page  # 96,47 % is not public yet
    rows = data("kinerja", "json")
    assert rows and all(r["office_code"] == demo.office_a.code and r["year"] == 2020 for r in rows)
    assert all(r["realisation"] is None and r["achievement"] is None and r["category"] is None for r in rows)
    assert any(r["pk_target"] == str(ikm["pk_target"]) for r in rows)
    assert data("anggaran", "json") == []


def test_an_approved_report_publishes_the_golden_figures(demo: Demo) -> None:
    approve(demo.office_a, 2020, "pk")
    approve(demo.office_a, 2020, "annual")
    golden = yaml.safe_load(GOLDEN.read_text("utf-8"))
    ikm = golden["measurement"]["results"][0]
    rows = data("kinerja", "json", opd=demo.office_a.code)
    ikm_row = next(r for r in rows if r["indicator_name"].startswith("Indeks Kepuasan Masyarakat"))
    assert Decimal(ikm_row["realisation"]) == Decimal(str(ikm["realization"]))
    assert round(Decimal(ikm_row["achievement"]), 2) == Decimal(str(ikm["computed_achievement"]))
    budget = data("anggaran", "json")
    assert len(budget) == 1
    total = golden["budget"]["total"]
    assert Decimal(budget[0]["allocation"]) == total["allocation"]
    assert Decimal(budget[0]["realisation"]) == total["realization"]
    assert round(Decimal(budget[0]["absorption"]), 2) == Decimal(str(total["computed_pct"]))
    page = Client().get(f"/publik/demo/{demo.office_a.code}/").content.decode()
    assert format_percent(Decimal(str(total["computed_pct"]))) in page
    # the other offices stay unpublished
    assert {r["office_code"] for r in data("kinerja", "json")} == {demo.office_a.code}
    csv_rows = data("kinerja", "csv")
    assert csv_rows[0][:3] == ["regency", "office_code", "office_name"]
    assert len(csv_rows) == len(rows) + 1


def test_only_the_approved_year_of_a_generated_office_is_published(db: None) -> None:
    size = Size(offices=2, indicators=3, years=2, start=2024)
    generate_regency("uji", size)
    office = Office.objects.get(regency__code="uji", code="opd-001")
    approve(office, 2025, "annual")
    rows = data("kinerja", "json", pemda="uji")
    assert {(r["office_code"], r["year"]) for r in rows} == {("opd-001", 2025)}
    doc = office_document(1, size)
    y = next(d for d in doc["years"] if d["year"] == 2025)
    allocation = sum((line["allocation"] for line in y["budget"]["lines"]), Decimal(0))
    spent = sum((v for line in y["budget"]["lines"] for v in line["quarters"].values()), Decimal(0))
    (b,) = data("anggaran", "json", pemda="uji")
    assert Decimal(b["absorption"]) == spent / allocation * 100
    for r in rows:
        target = y["performance_agreement"][0]["targets"][r["indicator_id"]]
        real = y["indicators"][r["indicator_id"]]["quarters"]["4"]
        assert Decimal(r["realisation"]) == real
        assert r["pk_target"] is None  # the PK itself was not approved
        assert round(Decimal(r["achievement"]), 10) == round(real / target * 100, 10)


def test_csv_cells_cannot_run_as_formulas(db: None) -> None:
    generate_regency("uji", Size(offices=1, indicators=2, years=1, start=2025))
    office = Office.objects.get(regency__code="uji", code="opd-001")
    office.name = '=HYPERLINK("http://contoh.invalid","klik")'
    office.save()
    approve(office, 2025, "annual")
    rows = data("kinerja", "csv")
    assert rows[1][2] == "'" + office.name
    assert all(not cell.startswith(("=", "+", "@")) for row in rows for cell in row)
    json_rows = data("kinerja", "json")
    assert json_rows[0]["office_name"] == office.name  # JSON carries the text as it is


def test_unknown_office_or_dataset_is_not_found(demo: Demo) -> None:
    client = Client()
    assert client.get("/publik/demo/tidak-ada/").status_code == 404
    assert client.get("/publik/data/rahasia.json").status_code == 404
    assert client.get("/publik/data/rahasia.csv").status_code == 404


def test_the_bulk_check_agrees_with_is_approved_for_every_state(db: None) -> None:
    from sakip.domain import workflow as wf
    from sakip.portal.published import published_many
    from sakip.regency.figures import generation
    from sakip.workflow.services import is_approved

    generate_regency("uji", Size(offices=1, indicators=2, years=2, start=2024))
    office = Office.objects.get(regency__code="uji", code="opd-001")
    for state in wf.State:
        for step, year in (("pk", 2024), ("annual", 2025)):
            PeriodState.objects.update_or_create(
                office=office, year=year, step=step, quarter=None, defaults={"state": state.value}
            )
        (pub,) = published_many([office], generation())
        assert (2024 in pub.pk_years) == is_approved(office, 2024, "pk"), state
        assert (2025 in pub.annual_years) == is_approved(office, 2025, "annual"), state
