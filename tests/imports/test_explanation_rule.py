"""The regency's rule for a missing explanation below target, in the Excel import of realisations.

Under "wajib" a row below target without its explanation is a row error and nothing of
the file is stored; under "peringatan" the file is stored and every such row is listed
as a warning (sheet, row, column, quarter, indicator) on the preview, on the result page
after the confirmation, and in the output of ``sakip import realisasi``.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from typer.testing import CliRunner

from sakip.accounts.models import Office, YearSetting
from sakip.cli import app
from sakip.imports import services
from sakip.imports.models import ImportBatch
from sakip.monitoring.models import Quarter

from .test_services import realisasi, row, snapshot

pytestmark = pytest.mark.django_db
runner = CliRunner()
YEAR = 2020
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WARNED = (
    "Capaian di bawah target dan penyebab serta solusinya belum dijelaskan. Data tetap disimpan; lengkapi "
    "penjelasannya."
)


def kaloran() -> Office:
    return Office.objects.get(code="kaloran")


def rule(value: str) -> None:
    o = kaloran()
    changed = YearSetting.objects.filter(office=o, year=YEAR).update(explanation_rule=value)
    if not changed:
        YearSetting.objects.create(regency=o.regency, office=o, year=YEAR, explanation_rule=value)


def two_below_one_fine() -> bytes:
    """Row 2: S1.2 TW IV below target, no explanation; row 3: S1.4 likewise (its TW I has no quarter target:
    no achievement, nothing asked); row 4: fine."""
    return realisasi(
        row("S1.2", {4: 50}),
        row("S1.4", {1: 10, 4: 60}),
        row("S1.1", {1: 1}),
    )


def stored(code: str) -> dict[int, Decimal | None]:
    return {
        q.quarter: q.value
        for q in Quarter.objects.filter(
            indicator_year__indicator__plan__office__code="kaloran",
            indicator_year__indicator__code=code,
            indicator_year__year=YEAR,
        )
    }


def test_wajib_makes_each_row_below_target_an_error_and_stores_nothing(demo_once, db) -> None:
    rule("wajib")
    before = snapshot()
    outcome = services.run(kaloran(), "realisasi", YEAR, two_below_one_fine())
    assert not outcome.ok and not outcome.applied and outcome.warnings == []
    places = sorted((p.row, p.column) for p in outcome.problems)
    assert places[0] == (2, "J") and {r for r, _ in places} == {2, 3}  # the fine row 4 is no error
    assert all(p.column == "J" and "jelaskan" in p.message for p in outcome.problems)
    assert snapshot() == before  # all or nothing: the fine row is not stored either


def test_peringatan_stores_the_file_and_lists_each_warning_per_row_and_quarter(demo_once, db) -> None:
    rule("peringatan")
    outcome = services.run(kaloran(), "realisasi", YEAR, two_below_one_fine())
    assert outcome.ok and outcome.applied
    assert stored("S1.2")[4] == Decimal(50) and stored("S1.4")[4] == Decimal(60) and stored("S1.1")[1] == 1
    listed = [(w.sheet, w.row, w.column, w.message) for w in outcome.warnings]
    assert [x[:3] for x in listed] == [("Realisasi", 2, "J"), ("Realisasi", 3, "J")]
    assert listed[0][3] == f"TW IV, indikator S1.2: {WARNED}"
    assert listed[1][3] == f"TW IV, indikator S1.4: {WARNED}"
    assert outcome.as_dict()["warnings"][0] == {"sheet": "Realisasi", "row": 2, "column": "J", "message": listed[0][3]}
    # with the explanation given there is nothing to warn about
    again = services.run(kaloran(), "realisasi", YEAR, realisasi(row("S1.2", {4: 40}, explanation="Dana dipotong")))
    assert again.applied and again.warnings == []


def _upload(client, data: bytes):
    return client.post(
        reverse("import-excel", args=["kaloran", YEAR]),
        {"kind": "realisasi", "file": SimpleUploadedFile("tw.xlsx", data, content_type=XLSX)},
    )


def test_web_upload_under_peringatan_shows_the_warnings_on_the_preview_and_after_saving(
    demo_once, db, login_as
) -> None:
    rule("peringatan")
    client = login_as("operator_a")
    preview = _upload(client, two_below_one_fine())
    text = preview.content.decode()
    assert preview.status_code == 200 and 'data-testid="import-preview"' in text
    assert "2 peringatan — data tetap disimpan; lengkapi penjelasannya" in text
    assert text.count('data-testid="import-warning"') == 2
    assert f"TW IV, indikator S1.2: {WARNED}" in text
    assert stored("S1.2") == {}  # a preview stores nothing
    batch = ImportBatch.objects.get()
    done = client.post(reverse("import-excel-confirm", args=["kaloran", YEAR]), {"batch": batch.pk}, follow=True)
    page = done.content.decode()
    assert done.redirect_chain and "Impor tersimpan" in page
    assert f"Peringatan, lembar «Realisasi», baris 2, kolom J: TW IV, indikator S1.2: {WARNED}" in page
    assert "Peringatan, lembar «Realisasi», baris 3, kolom J: TW IV, indikator S1.4" in page
    assert stored("S1.2")[4] == Decimal(50)


def test_web_upload_under_wajib_lists_the_errors_and_stores_nothing(demo_once, db, login_as) -> None:
    rule("wajib")
    before = snapshot()
    r = _upload(login_as("operator_a"), two_below_one_fine())
    text = r.content.decode()
    assert 'data-testid="import-errors"' in text and 'data-testid="import-preview"' not in text
    assert 'data-testid="import-warnings"' not in text and "jelaskan penyebab dan solusinya (wajib)" in text
    assert not ImportBatch.objects.exists() and snapshot() == before


def test_cli_under_peringatan_prints_each_warning(demo_once, db, tmp_path: Path) -> None:
    rule("peringatan")
    f = tmp_path / "tw.xlsx"
    f.write_bytes(two_below_one_fine())
    args = ["import", "realisasi", str(f), "--office", "kaloran", "--year", str(YEAR)]
    dry = runner.invoke(app, [*args, "--dry-run"])
    assert dry.exit_code == 0, dry.stderr
    lines = [ln for ln in dry.stdout.splitlines() if ln.startswith("peringatan: ")]
    assert lines[0] == f"peringatan: lembar «Realisasi», baris 2, kolom J: TW IV, indikator S1.2: {WARNED}"
    assert len(lines) == 2 and "2 peringatan" in dry.stdout.splitlines()[-1]
    assert stored("S1.2") == {}
    done = runner.invoke(app, [*args, "--json"])
    assert done.exit_code == 0
    report = json.loads(done.stdout)
    assert report["applied"] and len(report["warnings"]) == 2 and report["warnings"][0]["row"] == 2
    assert stored("S1.2")[4] == Decimal(50)


def test_cli_under_wajib_exits_2_with_the_rows(demo_once, db, tmp_path: Path) -> None:
    rule("wajib")
    f = tmp_path / "tw.xlsx"
    f.write_bytes(two_below_one_fine())
    result = runner.invoke(app, ["import", "realisasi", str(f), "--office", "kaloran", "--year", str(YEAR)])
    assert result.exit_code == 2
    assert "tidak ada yang disimpan" in result.stderr and "baris 2, kolom J" in result.stderr
    assert "baris 3, kolom J" in result.stderr and "peringatan:" not in result.stdout
    assert stored("S1.2") == {}
