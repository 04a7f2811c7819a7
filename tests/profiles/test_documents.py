"""The documents use the profile and the narratives, from the dataset file and from the database alike."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from docx import Document as Docx
from PIL import Image

from sakip.accounts.models import Regency
from sakip.core.interchange import domain_office, import_office
from sakip.dataset.loader import load, parse_text
from sakip.reports.batch import generate
from sakip.reports.documents import build_lkjip, build_pk
from sakip.reports.model import Figure, Paragraph, ParagraphStyle, Table

EXAMPLE = Path(__file__).parents[2] / "docs" / "examples" / "contoh-kecamatan.yaml"


def _texts(doc: object) -> str:
    blocks = doc.blocks  # type: ignore[attr-defined]
    return "\n".join(b.text for b in blocks if isinstance(b, Paragraph))


def _docx_text(data: bytes) -> str:
    d = Docx(io.BytesIO(data))
    cells = [c.text for t in d.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in d.paragraphs] + cells)


def test_lkjip_bab_i_from_the_profile() -> None:
    office = load(EXAMPLE)
    doc = build_lkjip(office, 2025, charts=False)
    text = _texts(doc)
    assert "1. Undang-Undang Nomor 23 Tahun 2014 tentang Pemerintahan Daerah;" in text
    assert "b. Pengoordinasian kegiatan pemberdayaan masyarakat;" in text
    assert "Sekretariat (dipimpin oleh Sekretaris Camat, Ani Lestari, S.Sos)" in text
    assert "- Subbagian Umum dan Kepegawaian (dipimpin oleh Kepala Subbagian)" in text
    assert "• kepada Bupati;" in text  # a "- " list item of the operator's text
    assert "Kualitas pelayanan administrasi belum merata." in text  # a draft prints until edited
    captions = [b.caption for b in doc.blocks if isinstance(b, Table)]
    assert "Jumlah Pegawai Kecamatan Contoh menurut Golongan Tahun 2025" in captions
    assert "Desa/Kelurahan di Wilayah Kecamatan Contoh Tahun 2025" in captions
    villages = next(b for b in doc.blocks if isinstance(b, Table) and b.caption.startswith("Desa/Kelurahan"))
    assert villages.rows[-1][-1].text == "10.330"  # 4210 + 6120
    # what is given prints; what is not stays a placeholder (the example has no texts for these)
    placeholders = [b.text for b in doc.blocks if isinstance(b, Paragraph) and b.style is ParagraphStyle.PLACEHOLDER]
    assert "Uraian latar belakang khusus perangkat daerah belum diisi." not in placeholders
    assert "Uraian permasalahan utama belum diisi." in placeholders
    assert doc.contact[0] == "Jl. Raya Contoh No. 1, Contoh 50000"


def test_pk_signs_at_the_capital_with_the_head_of_region() -> None:
    office = load(EXAMPLE)
    office.years[2025].agreements[0].second_party = None
    doc = build_pk(office, 2025)
    from sakip.reports.model import SignatureBlock

    sig = next(b for b in doc.blocks if isinstance(b, SignatureBlock))
    assert sig.place_date is not None and sig.place_date.startswith("Contoh Kota, ")
    assert sig.left is not None and sig.left.name == "Dr. Siti Aminah" and sig.left.position == "Bupati Contoh"


def test_photos_and_logo_files_next_to_the_dataset(tmp_path: Path) -> None:
    shutil.copy(EXAMPLE, tmp_path / "contoh.yaml")
    (tmp_path / "foto").mkdir()
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buf, "JPEG")
    (tmp_path / "foto" / "prestasi-1.jpg").write_bytes(buf.getvalue())
    office = load(tmp_path / "contoh.yaml")
    assert set(office.files) == {"foto/prestasi-1.jpg"}
    doc = build_lkjip(office, 2025, charts=False)
    figures = [b for b in doc.blocks if isinstance(b, Figure)]
    assert [f.caption for f in figures] == ["Penghargaan pelayanan publik terbaik 2025"]
    data = generate(office, "lkjip", 2025, ["docx"])[0].data
    assert "Penghargaan pelayanan publik terbaik 2025" in _docx_text(data)


def test_the_laporan_triwulan_prints_the_years_achievements_where_the_office_has_them(tmp_path: Path) -> None:
    """Bab III C of the Laporan Triwulan: the year's prestasi text and photos with their captions (the LKjIP's
    helper); an office with neither gets no section C and no placeholder for it."""
    from sakip.reports.documents import build_triwulan
    from sakip.reports.model import Heading

    shutil.copy(EXAMPLE, tmp_path / "contoh.yaml")
    (tmp_path / "foto").mkdir()
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (30, 120, 30)).save(buf, "JPEG")
    (tmp_path / "foto" / "prestasi-1.jpg").write_bytes(buf.getvalue())
    office = load(tmp_path / "contoh.yaml")
    doc = build_triwulan(office, 2025, 2, charts=False, narrative={"prestasi": "Juara lomba inovasi pelayanan."})
    headings = [b.text for b in doc.blocks if isinstance(b, Heading)]
    c = headings.index("C. Prestasi Kinerja")
    assert headings[c - 1].startswith("B. Realisasi Anggaran") and headings[c + 1].startswith("BAB IV")
    assert "Juara lomba inovasi pelayanan." in _texts(doc)
    figures = [b for b in doc.blocks if isinstance(b, Figure)]
    assert [f.caption for f in figures] == ["Penghargaan pelayanan publik terbaik 2025"]
    assert figures[0].png == (tmp_path / "foto" / "prestasi-1.jpg").read_bytes()
    # the stored narratives: at the year's end (TW IV) the year's LKjIP text stands in when the quarter has
    # none of its own; a TW II report does not print a text written for the whole year, only the photos
    office.years[2025].narratives.setdefault("lkjip", {})
    from sakip.domain.profile import Narrative

    office.years[2025].narratives["lkjip"]["prestasi"] = Narrative("Penghargaan kecamatan terbaik tingkat kabupaten.")
    tw4 = _docx_text(generate(office, "triwulan", 2025, ["docx"], quarter=4)[0].data)
    assert "Penghargaan kecamatan terbaik tingkat kabupaten." in tw4
    assert "Penghargaan pelayanan publik terbaik 2025" in tw4
    tw2 = _docx_text(generate(office, "triwulan", 2025, ["docx"], quarter=2)[0].data)
    assert "Penghargaan kecamatan terbaik tingkat kabupaten." not in tw2
    assert "C. Prestasi Kinerja" in tw2 and "Penghargaan pelayanan publik terbaik 2025" in tw2
    # neither text nor photos: no section
    bare = load(EXAMPLE)
    bare.years[2025].narratives.get("lkjip", {}).pop("prestasi", None)
    plain = build_triwulan(bare, 2025, 2, charts=False)
    assert "C. Prestasi Kinerja" not in [b.text for b in plain.blocks if isinstance(b, Heading)]
    assert "prestasi" not in _texts(plain).lower()


@pytest.mark.django_db
def test_the_database_path_prints_the_stored_texts() -> None:
    regency = Regency.objects.create(code="demo", name="Kabupaten Contoh", province="Jawa Tengah")
    stored = import_office(parse_text(EXAMPLE.read_text("utf-8")), regency)
    office = domain_office(stored)
    text = _docx_text(generate(office, "lkjip", 2025, ["docx"])[0].data)
    assert "Kecamatan Contoh melaksanakan pelayanan kepada masyarakat di 2 desa dan kelurahan." in text
    assert "Peraturan Pemerintah Nomor 17 Tahun 2018 tentang Kecamatan;" in text
    assert "Contoh Wetan" in text


def test_the_command_line_prints_the_seed_profile_and_texts(tmp_path: Path) -> None:
    """`sakip report lkjip --dataset <seed>`: the Kaliwates LKjIP and PK carry the transcribed profile and texts."""
    from typer.testing import CliRunner

    from sakip.cli import app
    from sakip.dataset.loader import seed_path

    runner = CliRunner()
    for kind in ("lkjip", "pk"):
        result = runner.invoke(app, ["report", kind, "--dataset", str(seed_path("kaliwates-2020")), "-f", "docx",
                                     "-o", str(tmp_path)])
        assert result.exit_code == 0, result.stderr
    lkjip = _docx_text((tmp_path / "lkjip-kaliwates-2020.docx").read_bytes())
    assert "• pembuatan SOP penanganan pengaduan;" in lkjip  # Bab IV, langkah
    assert "Jember, Januari 2021" in lkjip  # signed at the capital
    assert "Peraturan Bupati Jember Nomor 61 Tahun 2016" in lkjip
    pk = _docx_text((tmp_path / "pk-kaliwates-2020.docx").read_bytes())
    assert "Jl. Hayam Wuruk No. 167, Jember 68136" in pk
