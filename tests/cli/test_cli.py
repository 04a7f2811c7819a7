"""The command line as a user runs it: output, --json, exit code 2 on bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from sakip.cli import app

EXAMPLE = Path(__file__).parents[2] / "docs" / "examples" / "contoh-kecamatan.yaml"
runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_achievement_indonesian_number_and_category() -> None:
    code, out, _ = run("achievement", "--target", "85", "--realization", "82", "--scale", "kemenpan-5")
    assert code == 0
    assert "96,47 %" in out
    assert "Sangat Baik" in out


def test_achievement_json_keeps_exact_values() -> None:
    code, out, _ = run(
        "achievement",
        "--target",
        "9,5",
        "--realization",
        "11,47",
        "--polarity",
        "lower_is_better",
        "--scale",
        "kemenpan-5",
        "--json",
    )
    assert code == 0
    data = json.loads(out)
    assert round(Decimal(data["value"]), 2) == Decimal("79.26")
    assert data["category"] == "Baik"
    assert data["met"] is False


def test_achievement_cap_keeps_raw() -> None:
    code, out, _ = run(
        "achievement", "--target", "BB", "--realization", "A", "--polarity", "qualitative", "--cap", "100", "--json"
    )
    data = json.loads(out)
    assert (code, data["value"], data["raw"], data["capped"]) == (0, "100", "120", True)


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--target", "1.234", "--realization", "1"], "bermakna ganda"),
        (["--target", "8O", "--realization", "1"], "tidak dapat membaca '8O' sebagai angka"),
        (["--target", "A", "--realization", "ZZ", "--polarity", "qualitative"], "bukan predikat"),
        (["--target", "85", "--realization", "80", "--scale", "nope"], "tidak dikenal"),
    ],
)
def test_achievement_bad_input_exits_2_with_one_line(args: list[str], needle: str) -> None:
    code, out, err = run("achievement", *args)
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert err.startswith("sakip: error:") and needle in err


def test_target_zero_is_undefined_not_a_crash() -> None:
    code, out, _ = run("achievement", "--target", "0", "--realization", "5", "--json")
    data = json.loads(out)
    assert code == 0 and data["status"] == "undefined" and data["value"] is None and "target is 0" in data["reason"]


def test_number_format_option_resolves_ambiguity() -> None:
    code, out, _ = run("achievement", "--target", "1.234", "--realization", "1.234", "--number-format", "id", "--json")
    assert code == 0 and json.loads(out)["value"] == "100"


def test_scorecard_of_the_example(tmp_path: Path) -> None:
    code, out, _ = run("scorecard", str(EXAMPLE), "--year", "2025", "--json")
    assert code == 0
    data = json.loads(out)
    by_id = {i["id"]: i for i in data["indicators"]}
    # formula indicator: inputs rolled up first (2 violations over 148 staff), not quarterly percentages averaged
    assert Decimal(by_id["S1.1"]["realisation"]).quantize(Decimal("0.0001")) == Decimal("1.3514")
    assert by_id["S1.1"]["realisation_source"] == "formula"
    assert by_id["S1.3"]["achievement"]["raw"] == "120"
    assert by_id["T1.1"]["realisation_source"] == "survey"
    assert data["survey"]["excluded"] == 1
    assert any(f["what"] == "indeks (IKM)" for f in data["findings"])


def test_scorecard_text_output() -> None:
    code, out, _ = run("scorecard", str(EXAMPLE))
    assert code == 0
    assert "Kecamatan Contoh, Kabupaten Contoh — tahun 2025" in out
    assert "100,00 % (mentah 120,00 %)" in out  # qualitative BB → A, capped at 100
    assert "IKM 81,48 — B (Baik)" in out
    assert "Efisiensi sasaran S1" in out


def test_scorecard_bad_dataset_lists_every_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    text = EXAMPLE.read_text("utf-8").replace('targets: {"2025": 1200}', 'targets: {"2025": "8O"}')
    text = text.replace("goal: T1\n", "goal: T9\n", 1)
    bad.write_text(text, "utf-8")
    code, out, err = run("scorecard", str(bad))
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert lines[0].startswith("sakip: error:") and "kesalahan dalam dataset" in lines[0]
    assert any("plan.objectives[0].indicators[1].targets.2025" in line for line in lines)


def test_missing_file_exits_2() -> None:
    code, _, err = run("scorecard", "/nonexistent/office.yaml")
    assert code == 2 and "berkas tidak ditemukan" in err


def _write_csv(path: Path, rows: list[list[str]]) -> None:
    path.write_text("\n".join(",".join(r) for r in rows) + "\n", "utf-8")


def test_survey_from_csv_with_incomplete_and_population(tmp_path: Path) -> None:
    f = tmp_path / "skm.csv"
    header = ["No"] + [f"U{i}" for i in range(1, 10)]
    rows = [header, ["1"] + ["4"] * 9, ["2"] + ["3"] * 9, ["3"] + ["3"] * 8 + [""], [""] * 10]
    _write_csv(f, rows)
    code, out, _ = run("survey", str(f), "--instrument", "permenpan-14-2017", "--population", "100", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["respondents"] == 2 and data["excluded"] == 1
    assert Decimal(data["index"]) == Decimal("87.5")
    assert data["grade_2017"] == "B (Baik)"
    assert any("minimum 80" in w for w in data["warnings"])


def test_survey_from_xlsx_with_element_names(tmp_path: Path) -> None:
    from sakip.domain.survey import PERMENPAN_14_2017

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Responden", *PERMENPAN_14_2017.elements])
    for i in range(20):
        ws.append([i + 1, *[(i + j) % 4 + 1 for j in range(9)]])
    f = tmp_path / "skm.xlsx"
    wb.save(f)
    code, out, _ = run("survey", str(f), "--json")
    assert code == 0
    assert json.loads(out)["respondents"] == 20


def test_survey_bad_answers_are_all_listed(tmp_path: Path) -> None:
    f = tmp_path / "skm.csv"
    header = [f"U{i}" for i in range(1, 10)]
    _write_csv(f, [header, ["5"] + ["3"] * 8, ["3"] * 8 + ["x"]])
    code, out, err = run("survey", str(f))
    assert code == 2 and out == ""
    assert "2 kesalahan" in err.splitlines()[0]
    assert "A2" in err and "I3" in err


def test_survey_formula_cell_refused(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append([f"U{i}" for i in range(1, 10)])
    ws.append(["=1+3"] + [3] * 8)
    f = tmp_path / "skm.xlsx"
    wb.save(f)
    code, _, err = run("survey", str(f))
    assert code == 2 and "formula" in err


def test_survey_wrong_file_type(tmp_path: Path) -> None:
    f = tmp_path / "skm.pdf"
    f.write_bytes(b"%PDF-1.4")
    code, _, err = run("survey", str(f))
    assert code == 2 and "berkas harus .csv atau .xlsx" in err


def test_schema_command_prints_the_schema() -> None:
    code, out, _ = run("schema")
    assert code == 0 and json.loads(out)["title"].startswith("Sakip office dataset")


def test_console_script_is_installed() -> None:
    exe = Path(sys.executable).parent / "sakip"
    proc = subprocess.run(
        [str(exe), "achievement", "--target", "80", "--realization", "67,6", "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["value"] == "84.5"


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_survey_template_is_read_back_by_survey(tmp_path: Path, suffix: str) -> None:
    """`sakip survey-template` writes the sheet `sakip survey` reads: filled in, it gives the IKM of the answers."""
    from openpyxl import load_workbook

    target = tmp_path / f"skm.{suffix}"
    code, out, _ = run("survey-template", "permenpan-16-2014", "--output", str(target))
    assert code == 0 and "PermenPAN-RB 16/2014" in out
    answers = [[4, 3, 3, 4, 3, 3, 4, 3, 3], [3, 3, 2, 4, 3, 4, 4, 3, 3]]
    if suffix == "xlsx":
        wb = load_workbook(target)
        for row in answers:
            wb.worksheets[0].append(["", *row])
        wb.save(target)
    else:
        target.write_bytes(target.read_bytes() + b"".join(
            b"," + ",".join(map(str, row)).encode() + b"\r\n" for row in answers))
    code, out, _ = run("survey", str(target), "--instrument", "permenpan-16-2014", "--json")
    assert code == 0, out
    data = json.loads(out)
    assert data["respondents"] == 2 and Decimal(data["index"]) == Decimal(sum(map(sum, answers))) / 18 * 25


def test_survey_template_refuses_unknown_instruments_and_formats(tmp_path: Path) -> None:
    code, _, err = run("survey-template", "nope", "--output", str(tmp_path / "a.xlsx"))
    assert code == 2 and "tidak dikenal" in err
    code, _, err = run("survey-template", "permenpan-14-2017", "--output", str(tmp_path / "a.pdf"))
    assert code == 2 and ".xlsx atau .csv" in err and not (tmp_path / "a.pdf").exists()
