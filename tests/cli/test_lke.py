"""``sakip lke check|score``: an LKE file validated and scored from the command line."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import yaml
from typer.testing import CliRunner

from sakip.cli import app
from sakip.evaluation.preset_files import preset_data

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_check_a_preset() -> None:
    code, out, _ = run("lke", "check", "permenpanrb-88-2021")
    assert code == 0
    assert "80 kriteria" in out and "metode: nilai per subkomponen" in out
    assert "Evaluasi Akuntabilitas Kinerja Internal" in out and "100,00" in out


def test_check_refuses_weights_that_do_not_add_up(tmp_path: Path) -> None:
    data = preset_data("permenpanrb-88-2021")
    data["components"][2]["subcomponents"][1]["weight"] = "5"  # Pelaporan: 3 + 5 + 7,5 = 15,5
    path = tmp_path / "lke.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    code, _, err = run("lke", "check", str(path))
    assert code == 2
    assert "Pelaporan Kinerja: jumlah bobot subkomponen 15.5, tidak sama dengan bobot komponen 15" in err


def test_score_json_exact(tmp_path: Path) -> None:
    data = preset_data("permenpanrb-12-2015")
    answers: dict[str, str] = {}
    for comp in data["components"]:
        for sub in comp["subcomponents"]:
            for crit in sub["criteria"]:
                answers[crit["code"]] = "Y" if crit["answers"] == "yt" else "B"
    path = tmp_path / "jawaban.yaml"
    path.write_text(yaml.safe_dump(answers), encoding="utf-8")
    code, out, _ = run("lke", "score", "permenpanrb-12-2015", str(path), "--json")
    assert code == 0
    result = json.loads(out)
    # by hand: every keberadaan sub-component (all Y/T) full, every other at 75 %
    keberadaan = Decimal(6) + 5 + 3 + 2
    expected = keberadaan + (Decimal(100) - keberadaan) * Decimal("0.75")
    assert Decimal(result["total"]["value"]) == expected
    assert expected == 79 and result["predicate"] == "BB"  # 70 < 79 ≤ 80


def test_score_refuses_a_wrong_answer(tmp_path: Path) -> None:
    path = tmp_path / "jawaban.yaml"
    path.write_text("1.a.1: B\n", encoding="utf-8")
    code, _, err = run("lke", "score", "permenpanrb-88-2021", str(path))
    assert code == 2
    assert "kriteria 1.a.1: 'B' bukan jawaban Ada/Tidak ada (pilihan: Y, T)" in err


def test_score_incomplete_is_provisional(tmp_path: Path) -> None:
    path = tmp_path / "jawaban.yaml"
    path.write_text("1.a.1: Y\n", encoding="utf-8")
    code, out, _ = run("lke", "score", "permenpanrb-88-2021", str(path))
    assert code == 0
    # 1 of 6 criteria of 1.a (weight 6) met so far: D, 30 % of 6; the rest E
    assert "79 kriteria belum dijawab" in out and "nilai sementara 1,80" in out
