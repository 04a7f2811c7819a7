"""The Rencana Aksi (.docx and .xlsx) prints an in-range indicator's quarter bands as «1 – 2»."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import docx
from openpyxl import load_workbook

from sakip.dataset import load_document
from sakip.dataset.loader import parse_text
from sakip.domain.scorecard import build_scorecard
from sakip.reports.documents import build_rencana_aksi
from sakip.reports.docx import render_docx
from sakip.reports.xlsx_rencana_aksi import rencana_aksi_xlsx

EXAMPLE = Path(__file__).parents[2] / "docs" / "examples" / "contoh-kecamatan.yaml"
NAME = "Rasio penduduk per petugas pelayanan"
EXPECTED = ["2 – 4", "1 – 2", "1,5 – 3", "belum ditetapkan", "2 – 4"]


def office() -> Any:
    doc = parse_text(EXAMPLE.read_text("utf-8"))
    year = next(y for y in doc["years"] if y["year"] == 2025)
    for version in year["performance_agreement"]:
        version["targets"]["S1.4"] = {"low": 2, "high": 4}
    year["indicators"]["S1.4"]["quarterly_targets"] = {
        "1": {"low": 1, "high": 2}, "2": {"low": 1.5, "high": 3}, "4": {"low": 2, "high": 4},
    }
    return load_document(doc)


def test_docx_and_xlsx_print_the_bands() -> None:
    o = office()
    table = docx.Document(io.BytesIO(render_docx(build_rencana_aksi(o, 2025)))).tables[0]
    row = next([c.text for c in r.cells] for r in table.rows if r.cells[1].text.startswith(NAME))
    assert row[3:8] == EXPECTED
    ws = load_workbook(io.BytesIO(rencana_aksi_xlsx(build_scorecard(o, 2025)))).active
    assert ws is not None
    found = next(r for r in ws.iter_rows(values_only=True) if any(str(v or "").startswith(NAME) for v in r))
    at = next(i for i, v in enumerate(found) if str(v or "").startswith(NAME))
    assert list(found[at + 2 : at + 7]) == EXPECTED
