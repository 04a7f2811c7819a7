"""The LKjIP's budget tables with an allocation amendment (APBD Perubahan): original and amended allocation side
by side, the amendment said in words with its quarter, date and reason; the objectives' table adds up."""

from __future__ import annotations

import copy
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from sakip.dataset.loader import load_document, parse_text
from sakip.domain import budget as rules
from sakip.domain.scorecard import build_scorecard
from sakip.reports.documents import build_lkjip
from sakip.reports.docx import render_docx
from sakip.reports.model import Document, Table

from .doc_support import open_docx, table_texts

EXAMPLE = Path(__file__).parents[2] / "docs" / "examples" / "contoh-kecamatan.yaml"
YEAR = 2025


def amended_doc() -> dict[str, Any]:
    doc = parse_text(EXAMPLE.read_text("utf-8"))
    year = next(y for y in doc["years"] if y["year"] == YEAR)
    program = year["budget"]["lines"][0]
    program["allocation"] = Decimal(340_000_000)
    program["children"].append({
        "code": "7.01.02.2.02", "name": "Fasilitasi Musrenbang", "class": "operasi",
        "allocation_original": 80_000_000,
        "amendments": [{"from_quarter": 3, "allocation": 100_000_000, "date": "2025-09-30",
                        "reason": "APBD Perubahan 2025"}],
        "quarters": {"1": 10_000_000, "2": 20_000_000, "3": 30_000_000, "4": 35_000_000},
    })
    program["children"].append({
        "code": "7.01.02.2.03", "name": "Administrasi umum", "allocation": 5_000_000, "objectives": [],
        "realisation": 5_000_000,
    })
    program["allocation"] = Decimal(345_000_000)
    year["budget"].pop("classes", None)
    return doc


def table(model: Document, caption: str) -> Table:
    return next(t for t in model.tables() if t.caption.startswith(caption))


def texts(t: Table) -> list[list[str]]:
    return [[c.text for c in row] for row in (*t.header, *t.rows)]


@pytest.fixture(scope="module")
def lkjip() -> Document:
    return build_lkjip(load_document(amended_doc()), charts=False)


def test_the_domain_figures_of_the_amended_line() -> None:
    office = load_document(amended_doc())
    sc = build_scorecard(office, YEAR)
    assert sc.budget is not None
    line = next(ls.line for ls in sc.budget.lines if ls.line.code == "7.01.02.2.02")
    # TW II: 30 M of the original 80 M; TW III: 60 M of the amended 100 M; the year: 95 M of 100 M
    assert rules.amounts(line, 2) == rules.Amounts(Decimal(80_000_000), Decimal(30_000_000))
    assert rules.amounts(line, 3) == rules.Amounts(Decimal(100_000_000), Decimal(60_000_000))
    assert rules.amounts(line) == rules.Amounts(Decimal(100_000_000), Decimal(95_000_000))
    # the program: 240 + 100 + 5 = 345 M (after), 250 + 80 + 5 = 335 M before (the first line's own murni 250 M)
    program = next(ls for ls in sc.budget.lines if ls.line.code == "7.01.02")
    assert program.amounts.allocation == Decimal(345_000_000)
    assert rules.original_allocation(program.line) == Decimal(335_000_000)
    assert not [c for c in sc.budget.sum_checks if not c.ok]


def test_the_budget_tables_show_original_and_amended(lkjip: Document) -> None:
    lines = texts(table(lkjip, "Realisasi Anggaran per Program"))
    assert lines[0][2:4] == ["Pagu murni (Rp)", "Pagu perubahan (Rp)"]
    row = next(r for r in lines if r[0] == "7.01.02.2.02")
    assert row[2:4] == ["80.000.000,00", "100.000.000,00"]
    program = next(r for r in lines if r[0] == "7.01.02")
    assert program[2:4] == ["335.000.000,00", "345.000.000,00"]
    plan = texts(table(lkjip, "Rencana Anggaran Program"))
    assert plan[0] == ["Kode", "Program", "Pagu murni (Rp)", "Pagu perubahan (Rp)"]
    assert plan[1][2:] == ["335.000.000,00", "345.000.000,00"]
    said = " ".join(r.text for p in lkjip.paragraphs() for r in p.runs)
    assert ("7.01.02.2.02 Fasilitasi Musrenbang: pagu Rp 80.000.000,00 menjadi Rp 100.000.000,00, berlaku mulai "
            "TW III (30 September 2025; alasan: APBD Perubahan 2025).") in said
    # the line imported with a stated "pagu murni" (no quarter for the change) says only from and to
    assert "7.01.02.2.01 Koordinasi Penyelenggaraan Pemerintahan: pagu murni Rp 250.000.000,00 menjadi Rp " \
           "240.000.000,00." in said


def test_the_objectives_table_adds_up_to_the_lines(lkjip: Document) -> None:
    rows = texts(table(lkjip, "Efisiensi Penggunaan Anggaran per Sasaran"))
    # the program (S1) covers 7.01.02.2.01 and .02; .03 states no objective but inherits S1 from the program
    assert [r[2] for r in rows[1:]] == ["345.000.000,00"]
    doc = amended_doc()
    year = next(y for y in doc["years"] if y["year"] == YEAR)
    year["budget"]["lines"].append({"code": "7.01.01", "name": "Program Penunjang", "allocation": 12_000_000,
                                    "realisation": 11_000_000})
    model = build_lkjip(load_document(doc), charts=False)
    rows = texts(table(model, "Efisiensi Penggunaan Anggaran per Sasaran"))
    labels = [r[1] for r in rows[1:]]
    assert "Program penunjang (tidak terkait sasaran)" in labels and rows[-1][0] == "Jumlah"
    # S1 345 M + supporting 12 M = 357 M; realised 225 + 95 + 5 + 11 = 336 M
    assert rows[-1][:3] == ["Jumlah", "357.000.000,00", "336.000.000,00"]


def test_the_rendered_file_has_both_columns() -> None:
    data = render_docx(build_lkjip(load_document(copy.deepcopy(amended_doc())), charts=False))
    found = [row for t in table_texts(open_docx(data)) for row in t if row and row[0] == "7.01.02.2.02"]
    assert found and "80.000.000,00" in found[0] and "100.000.000,00" in found[0]


@pytest.mark.parametrize(("quarter", "in_force"), [(2, 80_000_000), (3, 100_000_000)])
def test_the_quarterly_report_shows_the_allocation_in_force_and_the_amendment(quarter: int, in_force: int) -> None:
    """Laporan Triwulan: the allocation in force at TW N beside the original one, the amendment in words,
    and the objectives, the supporting line and the total adding up."""
    from sakip.reports.documents import build_triwulan

    model = build_triwulan(load_document(amended_doc()), YEAR, quarter, charts=False)
    t = table(model, f"Realisasi Anggaran s.d. Triwulan {('I', 'II', 'III', 'IV')[quarter - 1]}")
    header = [c.text for c in t.header[0]]
    assert header[2] == "Pagu murni (Rp)" and header[3].startswith("Pagu TW")
    row = next(r for r in t.rows if r[0].text == "7.01.02.2.02")
    assert (row[2].value, row[3].value) == (Decimal(80_000_000), Decimal(in_force))
    sentences = " ".join(p.text for p in model.paragraphs())
    assert "Fasilitasi Musrenbang: pagu Rp 80.000.000,00 menjadi Rp 100.000.000,00" in sentences
    assert "APBD Perubahan 2025" in sentences
    groups = [r for r in t.rows if r[0].text == "" and r[0].shade and r[3].value is not None]
    total = next(r for r in t.rows if r[0].text == "Jumlah")
    assert sum(r[3].value for r in groups) == total[2].value  # type: ignore[misc]
    sc = build_scorecard(load_document(amended_doc()), YEAR, quarter=quarter)
    # the lines hold more than the class total (a line without a class): the lines' total, nothing negative
    assert sc.budget is not None and sc.budget.lines_total is not None
    assert total[2].value == sc.budget.lines_total.allocation
    assert not any(r[1].text.startswith("Belanja di luar") for r in t.rows)
