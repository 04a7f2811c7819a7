"""A chain of headings the first LibreOffice conversion left at the foot of a page starts a new page in the
second (`sakip.reports.pdf_keep`). The pages are given here as the first conversion's named destinations
would give them (bookmark → page); the .docx is the renderer's own."""

from __future__ import annotations

import io
import zipfile

from docx.oxml.ns import qn
from lxml import etree  # type: ignore[import-untyped]

from sakip.reports.docx import render_docx
from sakip.reports.model import Cell, Document, Heading, Table, para
from sakip.reports.pdf_keep import break_before_stranded, stranded


def _document() -> tuple[bytes, dict[str, str]]:
    d = Document("x", "Uji", "Kantor Uji", 2024)
    d.add(Heading("BAB III", 1, new_page=False), para("Isi."))
    d.add(Heading("Capaian per Sasaran", 3), Heading("2. Tujuan: Koordinasi", 3))
    d.add(Heading("Indikator: Persentase rekomendasi", 3, in_toc=False))
    d.add(Table("Target dan realisasi", [[Cell("No"), Cell("Isi")]], [[Cell("1"), Cell("isi")]]))
    d.add(para("Kalimat sesudah tabel."), Heading("3. Sasaran", 3), para("Uraian."))
    d.number_items()
    data = render_docx(d)
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"))
    names = {}
    for p in root.iter(qn("w:p")):
        mark = p.find(qn("w:bookmarkStart"))
        if mark is not None:
            text = "".join(t.text or "" for t in p.iter(qn("w:t")))
            names["caption" if text.startswith("Tabel") else text] = mark.get(qn("w:name"))
    return data, names


def _breaks(data: bytes) -> list[str]:
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"))
    return [
        "".join(t.text or "" for t in p.iter(qn("w:t")))
        for p in root.iter(qn("w:p"))
        if p.find(f"{qn('w:pPr')}/{qn('w:pageBreakBefore')}") is not None
    ]


def test_the_chain_left_at_the_foot_starts_the_next_page() -> None:
    data, n = _document()
    # the first conversion: «Capaian per Sasaran» and «2. Tujuan» end page 3, «Indikator» and the table start page 4
    pages = {n["BAB III"]: 2, n["Capaian per Sasaran"]: 3, n["2. Tujuan: Koordinasi"]: 3,
             n["Indikator: Persentase rekomendasi"]: 4, n["caption"]: 4, n["3. Sasaran"]: 4}
    assert stranded(data, pages) == [n["Capaian per Sasaran"]]
    fixed = break_before_stranded(data, pages)
    assert _breaks(fixed) == ["Capaian per Sasaran"]  # the chain's first heading, nothing else


def test_a_document_laid_out_well_is_left_as_it_was() -> None:
    data, n = _document()
    pages = {name: 3 for name in n.values()}
    assert stranded(data, pages) == []
    assert break_before_stranded(data, pages) == data


def test_a_paragraph_that_is_not_kept_with_the_next_is_not_moved() -> None:
    data, n = _document()
    # the table's caption is on page 3 and the heading after the table on page 4: the caption is kept with its
    # table, not with the heading two paragraphs on; the figures are never read as a chain
    pages = {name: 3 for name in n.values()}
    pages[n["3. Sasaran"]] = 4
    assert stranded(data, pages) == []
