"""The printed-report format: YAML/JSON and the .xlsx template, all-or-nothing with paths and cells."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from openpyxl import load_workbook

from sakip.dataset.loader import DatasetError, parse_text
from sakip.dataset.printed_report import (
    PRINTED_SEEDS,
    load,
    load_document,
    loads,
    printed_seed_path,
    schema,
    write_xlsx,
)
from sakip.domain.review_rules import review_printed

MINIMAL = """
format: sakip-printed-report/1
report: {office: Kecamatan Contoh, year: 2024}
indicators:
  - {where: Tabel 1 › A, name: Indikator A, target: 80, realisation: 60, achievement: 75.00, category: Baik}
scale:
  where: Tabel skala
  preset: lkjip-4
"""


def _seed_doc(name: str) -> dict[str, Any]:
    doc = parse_text(printed_seed_path(name).read_text("utf-8"))
    assert isinstance(doc, dict)
    return doc


def test_minimal_report_is_read_exactly() -> None:
    report = loads(MINIMAL)
    row = report.indicators[0]
    assert (row.target, row.realisation, row.achievement) == (Decimal(80), Decimal(60), Decimal("75.00"))
    assert report.scale is not None and report.scale.bands
    result = review_printed(report)
    assert result.findings == ()  # 60 / 80 = 75,00 and the category of the preset for 75 is Baik
    assert result.checked == 3  # the scale, the achievement and the category


def test_every_error_is_reported_with_its_path() -> None:
    text = (
        MINIMAL.replace("target: 80", 'target: "8O"')
        + """
groups:
  - {where: Sasaran, name: S, indicators: [Tabel 1 › B]}
budget:
  - {key: A, where: T › A, name: A, allocation: 10, parts: [B]}
  - {key: A, where: T › A2, name: A2, allocation: 10, share: 5}
"""
    )
    with pytest.raises(DatasetError) as info:
        loads(text)
    paths = [i.path for i in info.value.issues]
    assert paths == ["indicators[0].target"]  # schema errors first; nothing is built from a broken shape
    with pytest.raises(DatasetError) as info:
        loads(text.replace('"8O"', "80"))
    messages = {str(i) for i in info.value.issues}
    assert "groups[0].indicators[0]: tidak ada baris indikator dengan where atau nama 'Tabel 1 › B'" in messages
    assert "budget[0].parts[0]: tidak ada baris anggaran dengan key 'B'" in messages
    assert any(m.startswith("budget[1].key: 'A' muncul dua kali") for m in messages)
    assert "budget[1].share: persentase tercetak memerlukan share_of (key baris keseluruhan)" in messages


def test_unknown_format_and_fields_are_refused() -> None:
    with pytest.raises(DatasetError) as info:
        loads(MINIMAL.replace("sakip-printed-report/1", "sakip-office/1") + "extra: 1\n")
    assert {i.path for i in info.value.issues} == {"format", ""}


def _json(value: Any) -> str:
    """JSON with decimals written as JSON numbers of their exact text."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)}: {_json(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_json(v) for v in value) + "]"
    if isinstance(value, Decimal):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


@pytest.mark.parametrize("name", PRINTED_SEEDS)
def test_seed_reports_match_the_schema_and_read_the_same_as_json(name: str, tmp_path: Path) -> None:
    doc = _seed_doc(name)
    assert doc["format"] == schema()["properties"]["format"]["const"]
    as_json = tmp_path / f"{name}.json"
    as_json.write_text(_json(doc), "utf-8")
    # JSON numbers written from the exact decimals read back as the same decimals
    assert load(as_json) == load(printed_seed_path(name))


@pytest.mark.parametrize("name", PRINTED_SEEDS)
def test_xlsx_round_trip_gives_the_same_report_and_review(name: str, tmp_path: Path) -> None:
    path = write_xlsx(_seed_doc(name), tmp_path / f"{name}.xlsx")
    from_xlsx, from_yaml = load(path), load(printed_seed_path(name))
    assert from_xlsx == from_yaml
    assert repr(from_xlsx) == repr(from_yaml)  # printed places kept (96,50 is not 96,5)
    assert review_printed(from_xlsx).findings == review_printed(from_yaml).findings


def test_xlsx_errors_name_the_cell_and_nothing_is_loaded(tmp_path: Path) -> None:
    path = write_xlsx(yaml.safe_load(MINIMAL), tmp_path / "r.xlsx")
    wb = load_workbook(path)
    ws = wb["Indikator"]
    header = [c.value for c in ws[1]]
    ws.cell(row=2, column=header.index("target") + 1, value="delapan puluh")
    ws.cell(row=2, column=header.index("achievement") + 1, value="=B2/C2")
    ws.cell(row=2, column=header.index("polarity") + 1, value="naik")
    wb["Laporan"]["B3"] = "dua ribu"  # year
    wb.save(path)
    with pytest.raises(DatasetError) as info:
        load(path)
    messages = {str(i) for i in info.value.issues}
    assert any(m.startswith("Indikator!D2: harus angka, bukan 'delapan puluh'") for m in messages)
    assert "Indikator!F2: berisi rumus; isikan angka tercetaknya" in messages
    assert "Laporan!B3: harus tahun, bukan 'dua ribu'" in messages
    # the polarity error is a schema error, reported once the cells are readable — and at its cell
    ws2 = load_workbook(path)
    ws2["Indikator"]["D2"] = 80
    ws2["Indikator"]["F2"] = 75
    ws2["Laporan"]["B3"] = 2024
    ws2.save(path)
    with pytest.raises(DatasetError) as info:
        load(path)
    assert [str(i).split(":")[0] for i in info.value.issues] == ["Indikator!C2"]


def test_template_is_empty_and_text_cells_stay_text(tmp_path: Path) -> None:
    template = write_xlsx(None, tmp_path / "templat.xlsx")
    wb = load_workbook(template)
    assert wb.sheetnames == [
        "Laporan", "Skala", "Indikator", "Triwulan", "Sasaran", "Anggaran", "Survei", "Tanda tangan"
    ]
    with pytest.raises(DatasetError) as info:
        load(template)  # office and year are still to be filled in
    assert {i.path for i in info.value.issues} == {"Laporan"}
    doc = yaml.safe_load(MINIMAL)
    doc["indicators"][0]["name"] = '=HYPERLINK("http://x")'
    path = write_xlsx(doc, tmp_path / "teks.xlsx")
    cell = load_workbook(path)["Indikator"]["B2"]
    assert cell.data_type == "s" and cell.value == '=HYPERLINK("http://x")'


def test_document_with_wrong_shape_reports_paths() -> None:
    with pytest.raises(DatasetError) as info:
        load_document(
            {
                "format": "sakip-printed-report/1",
                "report": {"office": "X", "year": 2020},
                "surveys": [{"where": "S", "elements": [{"name": "U1", "nrr": 5, "score": 80}]}],
            }
        )
    messages = {str(i) for i in info.value.issues}
    assert messages == {
        "surveys[0].elements[0]: isi score (25–100) atau nrr (1–4), tidak keduanya",
        "surveys[0].elements[0].nrr: 5 di luar 1–4",
    }
