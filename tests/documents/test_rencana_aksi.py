"""The Rencana Aksi (.docx, .pdf, .xlsx): every figure read back and compared, headers whole, the channels.

The office is the example dataset (docs/examples/contoh-kecamatan.yaml), 2025, with quarter
targets added for T1.1 (TW IV not set) and S1.3 (grades). The PK in force is the amendment:
T1.1 82, S1.1 1,5, S1.2 1.100, S1.3 BB; S1.2's quarter targets are cumulative 250 / 550 /
850 / 1.100, S1.1's 1,5 each quarter. Program 7.01.02 (linked to S1) and its activity
7.01.02.2.01 have 240.000.000 in the 2025 budget; 7.01.01 is linked to no objective and has
no allocation that year.
"""

from __future__ import annotations

import io
import re
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import docx
import pytest
from matplotlib import font_manager
from openpyxl import load_workbook
from PIL import ImageFont
from typer.testing import CliRunner

from sakip.cli import app
from sakip.dataset import load_document
from sakip.dataset.loader import parse_text
from sakip.domain.scorecard import build_scorecard
from sakip.reports.batch import generate
from sakip.reports.documents import build_rencana_aksi
from sakip.reports.docx import render_docx
from sakip.reports.xlsx_rencana_aksi import rencana_aksi_xlsx

EXAMPLE = Path(__file__).parents[2] / "docs" / "examples" / "contoh-kecamatan.yaml"
D = Decimal

#: the indicator table as it must read: name, unit, year target, TW I … TW IV, kind (figures from the dataset)
EXPECTED = [
    ["Indeks Kepuasan Masyarakat (IKM) (IKU)", "indeks", "82", "20,5", "41", "61,5", "belum ditetapkan",
     "per triwulan"],
    ["Persentase pelanggaran disiplin perangkat desa (IKU)", "%", "1,5", "1,5", "1,5", "1,5", "1,5", "per triwulan"],
    ["Jumlah dokumen pelayanan yang diterbitkan", "dokumen", "1.100", "250", "550", "850", "1.100", "kumulatif"],
    ["Predikat AKIP kecamatan", "predikat", "BB", "B", "B", "BB", "BB", "kumulatif"],
]


def office_doc() -> dict[str, Any]:
    doc = parse_text(EXAMPLE.read_text("utf-8"))
    year = next(y for y in doc["years"] if y["year"] == 2025)
    year["indicators"]["T1.1"]["quarterly_targets"] = {"1": D("20.5"), "2": 41, "3": D("61.5")}
    year["indicators"]["S1.3"].update(
        {"quarterly_targets": {"1": "B", "2": "B", "3": "BB", "4": "BB"}, "cumulative_targets": True}
    )
    return doc  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def office() -> Any:
    return load_document(office_doc())


@pytest.fixture(scope="module")
def docx_bytes(office: Any) -> bytes:
    return render_docx(build_rencana_aksi(office, 2025))


def names(office: Any) -> dict[str, str]:
    return {i.id: i.name for i in office.plan.indicators()}


def test_the_names_of_the_expected_rows_are_the_datasets(office: Any) -> None:
    n = names(office)
    assert [r[0].removesuffix(" (IKU)") for r in EXPECTED] == [n["T1.1"], n["S1.1"], n["S1.2"], n["S1.3"]]


def test_docx_indicator_table(docx_bytes: bytes) -> None:
    document = docx.Document(io.BytesIO(docx_bytes))
    table = document.tables[0]
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0][:4] == ["No", "Indikator Kinerja", "Satuan", "Target 2025"]
    assert rows[0][4:8] == ["Target Triwulan"] * 4 and rows[0][8] == "Sifat Target"
    assert rows[1][4:8] == ["TW I", "TW II", "TW III", "TW IV"]
    body = [r for r in rows[2:] if not r[0].startswith(("Tujuan:", "Sasaran:"))]
    assert [r[1:] for r in body] == EXPECTED
    assert [r[0] for r in body] == ["1", "2", "3", "4"]
    groups = [r[0] for r in rows[2:] if r[0].startswith(("Tujuan:", "Sasaran:"))]
    assert groups == ["Tujuan: Meningkatnya kualitas pelayanan publik",
                      "Sasaran: Meningkatnya kapasitas pemerintahan desa"]
    text = "\n".join(p.text for p in document.paragraphs)
    assert "RENCANA AKSI TAHUN 2025" in text and "Perjanjian Kinerja Perubahan tahun 2025" in text
    assert "memuat 4 (empat) indikator kinerja; 3 (tiga) di antaranya telah memiliki target pada keempat " in text


def test_docx_program_table_and_signature(docx_bytes: bytes) -> None:
    document = docx.Document(io.BytesIO(docx_bytes))
    rows = [[c.text for c in row.cells] for row in document.tables[1].rows]
    assert rows[0] == ["Kode", "Program / Kegiatan / Sub Kegiatan", "Indikator Keluaran (Target)", "Tingkat",
                       "Pagu (Rp)"]
    assert rows[1][0] == "Sasaran: Meningkatnya kapasitas pemerintahan desa"
    assert [r[0] for r in rows[2:4]] == ["7.01.02", "7.01.02.2.01"]
    assert rows[2][1:] == ["Program Penyelenggaraan Pemerintahan dan Pelayanan Publik", "-", "Program",
                           "240.000.000,00"]
    assert rows[3][1].strip() == "Koordinasi Penyelenggaraan Pemerintahan"
    assert rows[3][2:] == ["Jumlah perangkat desa yang dibina (150 orang)", "Kegiatan", "240.000.000,00"]
    assert rows[4][0] == "Program/kegiatan tanpa tautan ke sasaran"
    assert [(r[0], r[3], r[4]) for r in rows[5:]] == [
        ("7.01.01", "Program", "-"), ("7.01.01.2.01", "Kegiatan", "-"), ("7.01.01.2.01.0001", "Sub Kegiatan", "-")
    ]
    signature = [c.text for row in document.tables[-1].rows for c in row.cells][-1]
    assert "Contoh, 30 September 2025" in signature  # the date of the PK in force
    assert "Camat Contoh" in signature and "Budi Santoso, S.STP, M.Si" in signature
    assert "NIP. 197501012000031001" in signature


def test_xlsx_every_figure(office: Any) -> None:
    ws = load_workbook(io.BytesIO(rencana_aksi_xlsx(build_scorecard(office, 2025)))).active
    assert ws is not None and ws.title == "Rencana Aksi"
    values = [[c.value for c in row] for row in ws.iter_rows()]
    header = next(i for i, r in enumerate(values) if r[0] == "No")
    assert values[header][4] == "TARGET TRIWULAN" and values[header + 1][4:8] == ["TW I", "TW II", "TW III", "TW IV"]
    rows = [r for r in values[header + 3:] if isinstance(r[0], int)]
    got = [[r[1], r[2], *r[3:8], r[8]] for r in rows]
    numbers = {"82": 82, "20,5": D("20.5"), "41": 41, "61,5": D("61.5"), "1,5": D("1.5"), "1.100": 1100,
               "250": 250, "550": 550, "850": 850}
    expected = [[e[0], e[1], *[numbers.get(v, v) for v in e[2:7]], e[7]] for e in EXPECTED]
    assert [[D(str(v)) if isinstance(v, int | float) else v for v in r] for r in got] == [
        [D(str(v)) if isinstance(v, int | Decimal) else v for v in r] for r in expected
    ]
    assert [r[0] for r in rows] == [1, 2, 3, 4]
    cells = {c.coordinate: c for row in ws.iter_rows() for c in row}
    # numbers are numbers, with the value's own decimals as the format; grades and "belum ditetapkan" are text
    t11 = next(i for i, r in enumerate(values) if r[1] == EXPECTED[0][0]) + 1
    assert cells[f"E{t11}"].number_format == "#,##0.0" and cells[f"F{t11}"].number_format == "#,##0"
    assert cells[f"H{t11}"].value == "belum ditetapkan" and cells[f"H{t11}"].data_type == "s"
    programs = {r[1].strip(): r for r in values if isinstance(r[1], str) and r[1].strip().startswith(
        ("Program ", "Kegiatan ", "Sub Kegiatan "))}
    program = programs["Program 7.01.02 Program Penyelenggaraan Pemerintahan dan Pelayanan Publik"]
    assert program[10] == 240000000 and program[9] == "-"
    activity = programs["Kegiatan 7.01.02.2.01 Koordinasi Penyelenggaraan Pemerintahan"]
    assert activity[9] == "Jumlah perangkat desa yang dibina (150 orang)" and activity[10] == 240000000
    assert programs["Sub Kegiatan 7.01.01.2.01.0001 Penyusunan Dokumen Perencanaan Perangkat Daerah"][10] == "-"
    assert "Budi Santoso, S.STP, M.Si" in [r[9] for r in values]
    assert ws.freeze_panes is not None and ws.print_title_rows


def test_xlsx_text_is_never_a_formula() -> None:
    doc = office_doc()
    doc["plan"]["objectives"][0]["indicators"][2]["name"] = '=HYPERLINK("http://x","klik")'
    doc["plan"]["objectives"][0]["indicators"][2]["unit"] = "-1+1"
    doc["plan"]["programs"][1]["activities"][0]["indicators"][0]["name"] = "@SUM(A1)"
    ws = load_workbook(io.BytesIO(rencana_aksi_xlsx(build_scorecard(load_document(doc), 2025)))).active
    assert ws is not None
    risky = {c.value: c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value[:1] in "=+-@"}
    assert set(risky) >= {'=HYPERLINK("http://x","klik")', "-1+1", "@SUM(A1) (150 orang)"}
    for c in risky.values():
        assert c.data_type == "s" and c.quotePrefix, c.coordinate


def test_a_year_without_a_pk_is_a_draft_from_the_renstra() -> None:
    doc = office_doc()
    for y in doc["years"]:
        if y["year"] == 2025:
            y.pop("performance_agreement")
    dom = load_document(doc)
    built = build_rencana_aksi(dom, 2025)
    text = "\n".join(p.text for p in built.paragraphs())
    assert "Rancangan: Perjanjian Kinerja tahun ini belum dicatat" in text
    table = built.tables()[0]
    planned = [i["id"] for g in doc["plan"]["goals"] for i in g["indicators"] if "2025" in i.get("targets", {})]
    planned += [i["id"] for o in doc["plan"]["objectives"] for i in o["indicators"] if "2025" in i.get("targets", {})]
    assert len(planned) == 6  # T1.1, S1.1 … S1.5
    assert sum(1 for r in table.rows if r[0].text.isdigit()) == len(planned)  # every indicator with a 2025 target


# ----------------------------------------------------------------------------- table headers are never broken


HEADER_PT = 8.5  # «Sakip Table Header» of the default template (reports/templates/build_default.py)
CELL_MARGIN_TWIPS = 2 * 57  # left and right cell margins of every table (reports/docx.py)


def header_rows(table: Any) -> list[Any]:
    """The rows Word repeats as the table's header (``w:tblHeader``)."""
    return [row for row in table.rows if row._tr.trPr is not None
            and row._tr.trPr.find(docx.oxml.ns.qn("w:tblHeader")) is not None]


def _bold_font() -> Any:
    path = font_manager.findfont(font_manager.FontProperties(family="DejaVu Sans", weight="bold"))
    return ImageFont.truetype(path, 1000)


def test_every_header_word_fits_its_column(docx_bytes: bytes) -> None:
    """DejaVu Sans Bold (wider than the template's Arial, and what LibreOffice draws here) at the header size."""
    font = _bold_font()
    document = docx.Document(io.BytesIO(docx_bytes))
    checked = 0
    for table in document.tables[:2]:
        grid = [int(c.get(docx.oxml.ns.qn("w:w"))) for c in table._tbl.tblGrid.findall(docx.oxml.ns.qn("w:gridCol"))]
        for row in header_rows(table):
            col = 0
            for tc in row._tr.tc_lst:
                span = tc.grid_span
                width_pt = (sum(grid[col:col + span]) - CELL_MARGIN_TWIPS) / 20
                text = "".join(t.text or "" for t in tc.iter(docx.oxml.ns.qn("w:t")))
                for word in text.split():
                    needed = font.getlength(word) * HEADER_PT / 1000
                    assert needed <= width_pt, (word, needed, width_pt)
                    checked += 1
                col += span
    assert checked >= 20


@pytest.mark.pdf
def test_the_pdf_shows_every_header_word_whole(docx_bytes: bytes, tmp_path: Path) -> None:
    from sakip.reports.pdf import render_pdf

    pdf = tmp_path / "ra.pdf"
    pdf.write_bytes(render_pdf(docx_bytes))
    text = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, check=True, text=True).stdout
    words = set(re.findall(r"[\w()/]+", text))
    document = docx.Document(io.BytesIO(docx_bytes))
    for table in document.tables[:2]:
        assert header_rows(table)
        for row in header_rows(table):
            for cell in row.cells:
                for word in cell.text.split():
                    assert word in words or word in ("/",), word


# ----------------------------------------------------------------------------- the channels


def test_generate_gives_docx_and_xlsx(office: Any) -> None:
    files = generate(office, "rencana-aksi", 2025, ("docx", "xlsx"), draft=True)
    assert sorted(f.name for f in files) == ["rencana-aksi-contoh-2025.docx", "rencana-aksi-contoh-2025.xlsx"]
    by_ext = {f.name.rsplit(".", 1)[1]: f for f in files}
    document = docx.Document(io.BytesIO(by_ext["docx"].data))
    header_xml = "".join(s.header._element.xml for s in document.sections)
    assert "DRAFT" in header_xml
    ws = load_workbook(io.BytesIO(by_ext["xlsx"].data)).active
    assert ws is not None and "DRAFT" in str(ws["A1"].value)


def test_the_command_line_writes_both(tmp_path: Path) -> None:
    import yaml

    class Dumper(yaml.SafeDumper):
        pass

    Dumper.add_representer(Decimal, lambda d, v: d.represent_scalar("tag:yaml.org,2002:float", str(v)))
    dataset = tmp_path / "kantor.yaml"
    dataset.write_text(yaml.dump(office_doc(), Dumper=Dumper, allow_unicode=True, sort_keys=False), "utf-8")
    result = CliRunner().invoke(
        app, ["report", "rencana-aksi", "--dataset", str(dataset), "--year", "2025", "-f", "docx,xlsx", "-o",
              str(tmp_path / "out")]
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "rencana-aksi-contoh-2025.docx", "rencana-aksi-contoh-2025.xlsx"
    ]


def test_the_printed_pk_in_force_shows_the_quarter_targets(office: Any) -> None:
    from sakip.reports.documents import build_pk

    amended = docx.Document(io.BytesIO(render_docx(build_pk(office, 2025, amendment=True))))
    (table,) = [t for t in amended.tables if t.rows[0].cells[-1].text == "Target Triwulan"]  # the annex's targets
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[1][4:] == ["TW I", "TW II", "TW III", "TW IV"]
    body = {r[1]: r[3:] for r in rows[2:] if r[0].isdigit()}
    n = names(office)
    assert body[n["S1.2"]] == ["1.100", "250", "550", "850", "1.100"]
    assert body[n["S1.3"]] == ["BB", "B", "B", "BB", "BB"]
    assert body[n["T1.1"]] == ["82", "20,5", "41", "61,5", "belum ditetapkan"]
    # the original is no longer in force: its annex has the year targets only
    original = docx.Document(io.BytesIO(render_docx(build_pk(office, 2025))))
    assert all("TW I" not in c.text for t in original.tables for row in t.rows for c in row.cells)
