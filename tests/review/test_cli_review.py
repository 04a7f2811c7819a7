"""`sakip review FILE [--json]` as a user runs it."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from sakip.cli import app
from sakip.dataset.loader import seed_path
from sakip.dataset.printed_report import printed_seed_path
from tests.domain.golden import GOLDEN

runner = CliRunner()


def test_printed_report_json_lists_wrong_figures_with_exact_values() -> None:
    result = runner.invoke(app, ["review", str(printed_seed_path("kaliwates-2020")), "--json"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    capaian = GOLDEN["002"]["discrepancies"][0]  # Nilai SKM capaian 83,5 → 84,5
    row = next(f for f in data["findings"] if f["figure"] == "capaian %")
    assert (row["found"], row["expected"]) == (str(capaian["printed"]), "84.50")
    assert (row["found_display"], row["expected_display"]) == ("83,5", "84,50")
    assert row["rule"] == "PR-IND-01" and row["severity"] == "major"
    assert data["checked"] == data["right"] + data["wrong"]
    assert [f["severity"] for f in data["findings"]] == sorted(
        (f["severity"] for f in data["findings"]), key=["major", "minor", "warning"].index
    )


def test_printed_report_table() -> None:
    result = runner.invoke(app, ["review", str(printed_seed_path("kaloran-2020"))])
    assert result.exit_code == 0
    assert "287.274.500" in result.stdout and "143.637.250" in result.stdout
    assert "Sangat Baik" in result.stdout


def test_office_dataset_runs_the_office_rules() -> None:
    result = runner.invoke(app, ["review", str(seed_path("kandangserang-2021")), "--json"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["year"] == 2021
    assert "OPD-PK-01" in data["rules"] and "PR-IND-01" not in data["rules"]
    # the printed-figure checks of the stored report come through the scorecard (one implementation)
    assert any(f["rule"] == "OPD-CETAK" and f["expected_display"] == "83,89" for f in data["findings"])


def test_bad_files_exit_2_with_the_place(tmp_path: Path) -> None:
    bad = tmp_path / "r.yaml"
    bad.write_text("format: sakip-printed-report/1\nreport: {office: X, year: dua}\n", "utf-8")
    result = runner.invoke(app, ["review", str(bad)])
    assert result.exit_code == 2
    assert "report.year: harus bilangan bulat" in result.stderr
    other = tmp_path / "o.yaml"
    other.write_text("format: sesuatu/1\n", "utf-8")
    result = runner.invoke(app, ["review", str(other)])
    assert result.exit_code == 2 and "tidak dikenal" in result.stderr
    result = runner.invoke(app, ["review", str(tmp_path / "missing.yaml")])
    assert result.exit_code == 2 and "berkas tidak ditemukan" in result.stderr


def test_xlsx_printed_report_gives_the_same_findings(tmp_path: Path) -> None:
    from sakip.dataset.loader import parse_text
    from sakip.dataset.printed_report import write_xlsx

    source = printed_seed_path("kandangserang-2021")
    book = write_xlsx(parse_text(source.read_text("utf-8")), tmp_path / "laporan.xlsx")
    from_xlsx = runner.invoke(app, ["review", str(book), "--json"])
    from_yaml = runner.invoke(app, ["review", str(source), "--json"])
    assert from_xlsx.exit_code == from_yaml.exit_code == 0
    assert json.loads(from_xlsx.stdout)["findings"] == json.loads(from_yaml.stdout)["findings"]


def test_quarterly_report_against_the_office_dataset() -> None:
    """`--dataset`: the printed TW II report is also compared with the office's figures as of TW II."""
    printed = str(printed_seed_path("karangsari-2024-tw2"))
    office = str(seed_path("karangsari-2024"))
    alone = json.loads(runner.invoke(app, ["review", printed, "--json"]).stdout)
    result = runner.invoke(app, ["review", printed, "--dataset", office, "--json"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    rules = {f["rule"] for f in data["findings"]}
    assert {"PR-TW-02", "PR-TW-03", "PR-TW-05"} <= rules and "PR-TW-02" not in {f["rule"] for f in alone["findings"]}
    earlier = next(f for f in data["findings"] if f["rule"] == "PR-TW-03" and f["figure"] == "realisasi"
                   and "gaji" in f["place"])
    assert (earlier["found"], earlier["expected"]) == ("531842600", "1078960950")
    assert (earlier["found_display"], earlier["expected_display"]) == ("531.842.600", "1.078.960.950")
    late = [f for f in data["findings"] if f["rule"] == "PR-TW-04"]
    assert len(late) == 4 and all(f["severity"] == "warning" for f in late)
    wider = json.loads(
        runner.invoke(app, ["review", printed, "--dataset", office, "--ambang-serapan", "10", "--json"]).stdout
    )
    assert len([f for f in wider["findings"] if f["rule"] == "PR-TW-04"]) == 8


def test_quarterly_review_refuses_a_missing_dataset_and_a_wrong_threshold(tmp_path: Path) -> None:
    printed = str(printed_seed_path("karangsari-2024-tw2"))
    missing = runner.invoke(app, ["review", printed, "--dataset", str(tmp_path / "tidak-ada.yaml")])
    assert missing.exit_code == 2 and "berkas tidak ditemukan" in missing.stderr
    wrong = runner.invoke(app, ["review", printed, "--ambang-serapan", "150"])
    assert wrong.exit_code == 2 and "harus 0–100 poin" in wrong.stderr
