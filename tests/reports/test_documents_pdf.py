"""PDF output: LibreOffice converts the same .docx; text extracted with pypdf, pages rendered with pdftoppm."""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

import pypdf
import pytest

from sakip.dataset.loader import load_seeds
from sakip.reports.documents import build_lkjip
from sakip.reports.docx import render_docx
from sakip.reports.pdf import PdfError, render_pdf

from .doc_support import id_text
from .test_documents import _large_office


def _pages(pdf: bytes) -> list[str]:
    return [p.extract_text() or "" for p in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def _png(pdf: bytes, tmp_path: Path, page: int) -> Path:
    src = tmp_path / "doc.pdf"
    src.write_bytes(pdf)
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "40",
            "-png",
            "-f",
            str(page),
            "-l",
            str(page),
            "-singlefile",
            str(src),
            str(tmp_path / f"p{page}"),
        ],
        check=True,
        timeout=60,
    )
    out = tmp_path / f"p{page}.png"
    assert out.read_bytes().startswith(b"\x89PNG")
    return out


@pytest.mark.pdf
def test_lkjip_pdf_has_the_figures_and_a_working_table_of_contents(tmp_path: Path) -> None:
    office = next(o for o in load_seeds() if o.code == "kaloran")
    pdf = render_pdf(render_docx(build_lkjip(office)))
    pages = _pages(pdf)
    assert len(pages) >= 12
    text = "\n".join(pages)
    for expected in (
        "IKHTISAR EKSEKUTIF",
        "Tabel 3.2",
        "Gambar 3.1",
        id_text("96.47"),
        "143.637.250,00",
        "belum diukur",
        "Lampiran 4. Matriks Capaian Kinerja",
    ):
        assert expected in text, expected
    toc = next(p for p in pages if "DAFTAR ISI" in p)
    m = re.search(r"BAB III\s+AKUNTABILITAS KINERJA\s*\.+\s*(\d+)", toc)
    assert m, toc
    # arabic page numbers start at Bab I (the cover and the front matter before it: no number, i, ii …)
    bab1 = next(i for i, p in enumerate(pages) if p.lstrip().startswith("BAB I "))
    page_no = int(m.group(1))
    assert "BAB III" in pages[bab1 + page_no - 1] and "AKUNTABILITAS KINERJA" in pages[bab1 + page_no - 1]
    tables = next(p for p in pages if "DAFTAR TABEL" in p)
    m2 = re.search(r"Tabel 3\.2 [^\n]*?\.{3,}\s*(\d+)", tables)
    assert m2, tables
    assert "Tabel 3.2" in pages[bab1 + int(m2.group(1)) - 1]
    first = _png(pdf, tmp_path, 1)
    assert first.stat().st_size > 1000


@pytest.mark.pdf
def test_sixty_indicators_do_not_break_the_pdf_layout(tmp_path: Path) -> None:
    office = _large_office(next(o for o in load_seeds() if o.code == "kaloran"))
    model = build_lkjip(office, charts=False, narrative={"kesimpulan": "Kesimpulan panjang. " * 400})
    pdf = render_pdf(render_docx(model))
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert 30 <= len(reader.pages) <= 220  # about two pages of analysis per indicator
    text = "\n".join(p.extract_text() or "" for p in reader.pages)
    assert "(60)" in text and "Kesimpulan panjang." in text
    last = reader.pages[-1]
    assert float(last.mediabox.width) > float(last.mediabox.height)  # annexes in landscape
    first = reader.pages[0]
    assert float(first.mediabox.width) < float(first.mediabox.height)
    _png(pdf, tmp_path, len(reader.pages))


def test_missing_libreoffice_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SAKIP_SOFFICE", str(tmp_path / "tidak-ada" / "soffice"))
    with pytest.raises(PdfError, match="LibreOffice \\(soffice\\) tidak terpasang"):
        render_pdf(b"PK")


@pytest.mark.pdf
def test_a_conversion_that_takes_too_long_is_stopped_with_a_clear_error() -> None:
    office = next(o for o in load_seeds() if o.code == "kaloran")
    with pytest.raises(PdfError, match=r"tidak selesai mengubah dokumen ke PDF dalam 0\.3 detik"):
        render_pdf(render_docx(build_lkjip(office, charts=False)), timeout=0.3)


@pytest.mark.pdf
def test_the_signature_block_never_stands_alone_on_a_page() -> None:
    """A closing sentence and a signature block pushed down line by line across the page end: when the
    block no longer fits, the sentence goes to the next page with it (keep-with-next, LibreOffice's PDF)."""
    from sakip.reports.model import Document, Heading, Signatory, SignatureBlock, para

    moved = False
    for n in (19, 20, 21, 22, 23):
        d = Document("x", "Uji", "Kantor Uji", 2024)
        d.add(Heading("BAB I", 1, new_page=False))
        d.add(*(para(f"Baris isi nomor {i} untuk mengisi halaman.") for i in range(n)))
        d.add(para("Demikian laporan ini disusun."))
        d.add(SignatureBlock(Signatory("Camat Uji", "Nama Camat Uji", None, "197001012000011001"),
                             place_date="Uji, Juli 2024"))
        pages = [p for p in _pages(render_pdf(render_docx(d))) if p.strip()]
        signed = next(p for p in pages if "Nama Camat Uji" in p)
        assert "Demikian laporan ini disusun." in signed, n
        moved = moved or len(pages) > 1
    assert moved  # the block did cross the page end in one of the cases


def _base_fonts(pdf: bytes) -> set[str]:
    fonts: set[str] = set()
    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        resources = page.get("/Resources")
        font_dict = resources.get_object().get("/Font") if resources is not None else None
        for ref in (font_dict.get_object().values() if font_dict is not None else ()):
            name = str(ref.get_object().get("/BaseFont", ""))
            fonts.add(name.split("+", 1)[-1].lstrip("/"))  # "/ABCDEF+LiberationSans" -> "LiberationSans"
    return fonts


@pytest.mark.pdf
def test_the_pdf_uses_a_metric_compatible_arial_not_a_wider_substitute() -> None:
    # The documents are set in Arial. On a bare server LibreOffice substitutes it; with Debian's
    # fonts-liberation2 (installed by the test setup, named in the README) the substitute is Liberation
    # Sans, which has Arial's widths, so tables break lines where Word does.
    office = next(o for o in load_seeds() if o.code == "kaloran")
    fonts = _base_fonts(render_pdf(render_docx(build_lkjip(office, charts=False))))
    assert fonts, "the PDF names no font"
    assert any(f.startswith("LiberationSans") for f in fonts), fonts
    assert not any(f.startswith("DejaVuSans") for f in fonts), fonts


def test_no_style_of_the_default_template_names_a_theme_font() -> None:
    # A theme attribute (w:asciiTheme …) wins over w:ascii: headings would be set in the theme's Calibri
    # (and on a server without it, in DejaVu Sans), not in the document's Arial.
    import docx
    from docx.oxml.ns import qn

    from sakip.reports.templates.build_default import FONT, HERE

    styles = docx.Document(str(HERE / "default.docx")).styles.element
    fonts = list(styles.iter(qn("w:rFonts")))
    assert fonts
    themed = [f.attrib for f in fonts if any(k.lower().endswith("theme") for k in f.attrib)]
    assert themed == []
    heading = docx.Document(str(HERE / "default.docx")).styles["Heading 1"]
    assert heading.font.name == FONT
