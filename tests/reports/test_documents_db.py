"""Documents from an office stored in the database (`sakip.core.interchange.domain_office`).

The bundled example office has what the seeds lack: quarterly values, a formula
indicator, a qualitative indicator, a national standard, a PK amendment and a survey.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from sakip.accounts.models import Office, Regency
from sakip.core.interchange import domain_office, import_office
from sakip.core.services import settings_for
from sakip.dataset import load
from sakip.dataset.loader import parse_text
from sakip.domain.office import Office as DomainOffice
from sakip.reports.documents import build_iku, build_lkjip, build_pk, build_triwulan
from sakip.reports.docx import render_docx
from sakip.reports.model import Document

from .doc_support import body_text, id_text, open_docx, table_texts

EXAMPLE = Path(__file__).parents[2] / "docs" / "examples" / "contoh-kecamatan.yaml"


@pytest.fixture()
def stored(db: None) -> tuple[Office, DomainOffice]:
    regency = Regency.objects.create(code="contoh", name="Kabupaten Contoh", province="Jawa Tengah")
    office = import_office(parse_text(EXAMPLE.read_text("utf-8")), regency)
    dom = domain_office(office)
    dom.settings = settings_for(office, 2025)
    return office, dom


def _row(tables: list[list[list[str]]], name: str, columns: int) -> list[str]:
    return next(r for t in tables for r in t if len(r) == columns and r[1] == name)


def test_lkjip_from_the_database_equals_the_one_from_the_file(stored: tuple[Office, DomainOffice]) -> None:
    _, dom = stored
    from_db = open_docx(render_docx(build_lkjip(dom, 2025, charts=False)))
    from_file = open_docx(render_docx(build_lkjip(load(EXAMPLE), 2025, charts=False)))
    assert table_texts(from_db) == table_texts(from_file)
    text = body_text(from_db)
    assert "Dua petugas pensiun; rekrutmen diusulkan." in text  # the operator's explanation
    assert "Dibandingkan standar nasional sebesar 76,61" in text
    matrix = _row(table_texts(from_db), "Predikat AKIP kecamatan", 12)  # with "before the cap" (cap 100)
    assert matrix[3] == "BB" and matrix[8] == "A"  # qualitative target and realisation as text


def _period_rows(model: Document, name: str) -> dict[str, list[str]]:
    """An indicator's TW I … TW IV / kondisi akhir table of the Laporan Triwulan, by period."""
    table = next(t for t in model.tables() if t.caption.startswith(f"{name}: Target, Realisasi"))
    return {row[0].text: [c.text for c in row[1:]] for row in table.rows}


def test_quarterly_report_with_quarters_formula_and_cumulative_targets(stored: tuple[Office, DomainOffice]) -> None:
    _, dom = stored
    q2 = build_triwulan(dom, 2025, quarter=2, charts=False)
    rendered = " | ".join(c for t in table_texts(open_docx(render_docx(q2))) for r in t for c in r)
    # S1.2: sum of quarters 240 + 310 against the cumulative target 550 → 100 %
    docs = _period_rows(q2, "Jumlah dokumen pelayanan yang diterbitkan")
    assert docs["Triwulan I"][:3] == ["250", "240", id_text(Decimal(240) / 250 * 100)]
    assert docs["Triwulan II"][:3] == ["550", "550", id_text(100)]
    assert docs["Triwulan III"][1:3] == ["-", "-"]  # after TW II: not reported yet, never 0
    # S1.1 formula on the inputs: TW I 1 / 150 × 100, lower is better against 1,5, capped at 100 (settings)
    r1 = Decimal(1) / 150 * 100
    s11 = _period_rows(q2, "Persentase pelanggaran disiplin perangkat desa")
    assert s11["Triwulan I"][1] == id_text(r1)
    assert s11["Triwulan I"][2] == id_text(min((3 - r1) / Decimal("1.5") * 100, Decimal(100)))
    assert id_text(r1) in rendered and id_text(Decimal(240) / 250 * 100) in rendered
    # TW IV of S1.2 was not measured: "belum diukur", never 0
    q4 = _period_rows(build_triwulan(dom, 2025, quarter=4, charts=False), "Jumlah dokumen pelayanan yang diterbitkan")
    assert q4["Triwulan IV"][1:3] == ["belum diukur", "belum diukur"]


def test_pk_and_its_amendment_from_the_database(stored: tuple[Office, DomainOffice]) -> None:
    _, dom = stored
    original = open_docx(render_docx(build_pk(dom, 2025)))
    amended = open_docx(render_docx(build_pk(dom, 2025, amendment=True)))
    o_cells = " | ".join(c for t in table_texts(original) for r in t for c in r)
    a_cells = " | ".join(c for t in table_texts(amended) for r in t for c in r)
    assert "250.000.000,00" in o_cells and "1.200" in o_cells
    assert "240.000.000,00" in a_cells and "1.100" in a_cells and "1.200" not in a_cells
    assert "Perubahan APBD 2025 (penyesuaian target pelayanan)" in body_text(amended)
    assert "PERJANJIAN KINERJA PERUBAHAN TAHUN 2025" in body_text(amended)
    assert "Budi Santoso, S.STP, M.Si" in o_cells and "Dr. Siti Aminah" in o_cells


def test_iku_decree_from_the_database(stored: tuple[Office, DomainOffice]) -> None:
    _, dom = stored
    annex = next(t for t in table_texts(open_docx(render_docx(build_iku(dom)))) if t[0][0] == "No")
    numbered = [r for r in annex if r[0].isdigit()]
    assert [r[1] for r in numbered] == [
        "Indeks Kepuasan Masyarakat (IKM) (indeks)",
        "Persentase pelanggaran disiplin perangkat desa (%)",
    ]
    assert numbered[0][3] == "Seksi Pelayanan Umum" and numbered[0][4] == "Hasil SKM"
    assert numbered[1][2] == "pelanggaran / perangkat_desa * 100"  # the formula when no definition is given
