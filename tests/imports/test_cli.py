"""``sakip import …`` on the test database: templates, dry run, errors with exit code 2, JSON."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from sakip.cli import app
from sakip.importers.kinds import REALISASI
from sakip.monitoring.models import Quarter
from tests.importers.xlsx_support import workbook

pytestmark = pytest.mark.django_db
runner = CliRunner()
HEADER = [c.header for c in REALISASI.columns]


def stored() -> dict[int, Decimal | None]:
    return {
        q.quarter: q.value
        for q in Quarter.objects.filter(
            indicator_year__indicator__code="S1.2",
            indicator_year__year=2020,
            indicator_year__indicator__plan__office__code="kaloran",
        )
    }


def test_template_of_an_office(demo_once, db, tmp_path: Path) -> None:
    out = tmp_path / "anggaran.xlsx"
    result = runner.invoke(
        app, ["import", "template", "anggaran", "-o", str(out), "--office", "kaloran", "--year", "2020"]
    )
    assert result.exit_code == 0, result.stderr
    wb = load_workbook(out)
    assert wb.sheetnames == ["Petunjuk", "Anggaran"]
    assert [r[0] for r in wb["Anggaran"].iter_rows(min_row=2, max_row=3, values_only=True)] == ["1", "1.a"]


def test_blank_template_needs_no_database(tmp_path: Path) -> None:
    out = tmp_path / "pk.xlsx"
    result = runner.invoke(app, ["import", "template", "pk", "-o", str(out)])
    assert result.exit_code == 0
    assert load_workbook(out).sheetnames == ["Petunjuk", "PK"]


def test_dry_run_then_import(demo_once, db, tmp_path: Path) -> None:
    f = tmp_path / "tw1.xlsx"
    f.write_bytes(workbook({"Realisasi": [HEADER, ["S1.2", None, None, None, "79,95", None, None, None, None, "ok"]]}))
    args = ["import", "realisasi", str(f), "--office", "kaloran", "--year", "2020"]
    dry = runner.invoke(app, [*args, "--dry-run"])
    assert dry.exit_code == 0 and "S1.2" in dry.stdout and "→ 79,95" in dry.stdout
    assert "uji coba, belum disimpan" in dry.stdout
    assert stored() == {}
    done = runner.invoke(app, [*args, "--json"])
    assert done.exit_code == 0
    report = json.loads(done.stdout)
    assert report["applied"] and report["counts"]["updated"] + report["counts"]["created"] == 1
    assert stored() == {1: Decimal("79.95")}
    again = runner.invoke(app, args)
    assert again.exit_code == 0 and "tidak ada yang berubah" in again.stdout


def test_errors_exit_2_with_every_place(demo_once, db, tmp_path: Path) -> None:
    f = tmp_path / "salah.xlsx"
    f.write_bytes(workbook({"Realisasi": [HEADER, ["S1.2", None, None, None, "79.95"], ["Q7", None, None, None, 1]]}))
    result = runner.invoke(app, ["import", "realisasi", str(f), "--office", "kaloran", "--year", "2020"])
    assert result.exit_code == 2
    assert "2 kesalahan; tidak ada yang disimpan" in result.stderr
    assert "baris 2, kolom E" in result.stderr and "baris 3, kolom A" in result.stderr
    assert stored() == {}
    missing = runner.invoke(
        app, ["import", "realisasi", str(tmp_path / "tidak-ada.xlsx"), "--office", "kaloran", "--year", "2020"]
    )
    assert missing.exit_code == 2 and "berkas tidak ditemukan" in missing.stderr
