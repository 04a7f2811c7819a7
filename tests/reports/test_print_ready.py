"""Print-ready .docx (issue #13): sections and page numbering, tables that keep their numbers whole, the
complete Keputusan IKU, the PK with the profile's head of region, place of signing and logo."""

from __future__ import annotations

import copy
import io
from decimal import Decimal

import pytest
from docx.oxml.ns import qn
from PIL import Image

from sakip.dataset.loader import load_seeds
from sakip.domain.office import Office, Person
from sakip.domain.profile import Profile
from sakip.reports.documents import build_iku, build_lkjip, build_pk
from sakip.reports.documents.iku import legal_basis
from sakip.reports.docx import render_docx
from sakip.reports.docx_layout import WORD_JOINER, unbreakable
from sakip.reports.model import Align, Cell, Cover, Document, Heading, Orientation, Table, TableOfContents, para
from sakip.reports.pdf_toc import fix_roman_references, has_roman_references, roman

from .doc_support import body_text, open_docx, table_texts


@pytest.fixture(scope="module")
def seeds() -> dict[str, Office]:
    return {o.code: o for o in load_seeds()}


def _sections(data: bytes) -> list[dict[str, object]]:
    """Each section's orientation, page-number format and start, and whether its first page is a title page."""
    body = open_docx(data).element.body
    out = []
    for sect in body.iter(qn("w:sectPr")):
        pg = sect.find(qn("w:pgNumType"))
        size = sect.find(qn("w:pgSz"))
        out.append(
            {
                "landscape": int(size.get(qn("w:w"))) > int(size.get(qn("w:h"))),
                "fmt": pg.get(qn("w:fmt")) if pg is not None else None,
                "start": pg.get(qn("w:start")) if pg is not None else None,
                "title": sect.find(qn("w:titlePg")) is not None,
            }
        )
    return out


def _report(landscape_annex: bool = True) -> Document:
    d = Document("x", "Uji", "Kantor Uji", 2024)
    d.add(Cover(["LAPORAN UJI"], "Kantor Uji", "Kabupaten Uji", "2024"))
    d.add(Heading("KATA PENGANTAR", 1, new_page=False), para("Pengantar."))
    d.add(Heading("IKHTISAR EKSEKUTIF", 1), para("Ikhtisar."))
    d.add(TableOfContents("contents"))
    d.add(Heading("BAB I  PENDAHULUAN", 1, chapter="1"), para("Isi bab satu."))
    d.add(Heading("BAB II  PENUTUP", 1, chapter="2"), para("Isi bab dua."))
    if landscape_annex:
        d.add(Orientation(landscape=True), Heading("LAMPIRAN", 1, chapter="L", new_page=False), para("Lampiran."))
    d.number_items()
    return d


def test_a_report_is_paginated_cover_roman_front_matter_arabic_main_matter() -> None:
    sections = _sections(render_docx(_report()))
    assert sections == [
        {"landscape": False, "fmt": "decimal", "start": None, "title": True},  # the cover: no number
        {"landscape": False, "fmt": "lowerRoman", "start": "1", "title": False},  # kata pengantar … i, ii
        {"landscape": False, "fmt": "decimal", "start": "1", "title": False},  # Bab I: 1, 2 …
        {"landscape": True, "fmt": "decimal", "start": None, "title": False},  # the annex continues
    ]


def test_a_chapter_right_after_the_cover_makes_no_empty_front_matter_section() -> None:
    d = Document("x", "Uji", "Kantor Uji", 2024)
    d.add(Cover(["LAPORAN EVALUASI"], "Kantor Uji", "Kabupaten Uji", "2024"))
    d.add(Heading("RINGKASAN", 1, chapter="1"), para("Isi."))
    d.add(Orientation(landscape=True), Orientation(landscape=False), para("Sesudah."))
    sections = _sections(render_docx(d))
    assert sections == [
        {"landscape": False, "fmt": "decimal", "start": None, "title": True},
        {"landscape": False, "fmt": "decimal", "start": "1", "title": False},
        {"landscape": False, "fmt": "decimal", "start": None, "title": False},  # two switches, one new page
    ]


def test_a_document_without_cover_is_numbered_on_every_page(seeds: dict[str, Office]) -> None:
    for data in (render_docx(build_pk(seeds["kaloran"])), render_docx(build_iku(seeds["kaloran"]))):
        assert all(s["title"] is False and s["start"] is None for s in _sections(data))


def test_no_empty_page_break_before_a_section_break() -> None:
    # the page break before Bab I and the one after the table of contents give way to the section break
    doc = open_docx(render_docx(_report(landscape_annex=False)))
    breaks = [br for br in doc.element.body.iter(qn("w:br")) if br.get(qn("w:type")) == "page"]
    assert breaks == []  # new pages come from "page break before" and section breaks only
    before = [p for p in doc.paragraphs if p._p.find(f"{qn('w:pPr')}/{qn('w:pageBreakBefore')}") is not None]
    assert [p.text for p in before] == ["IKHTISAR EKSEKUTIF", "DAFTAR ISI", "BAB II  PENUTUP"]


def test_a_table_right_after_a_page_break_starts_the_new_page() -> None:
    from sakip.reports.model import PageBreak

    plain = Table("Identitas", [], [[Cell("Nama"), Cell(":"), Cell("Uji")]], plain=True)
    for table, before in ((_amounts_table(2), "Tabel"), (plain, "")):  # its caption, or an empty line
        d = Document("x", "Uji", "Kantor Uji", 2024)
        d.add(para("Halaman satu."), PageBreak(), table)
        body = open_docx(render_docx(d)).element.body
        children = list(body)
        table_at = next(i for i, el in enumerate(children) if el.tag == qn("w:tbl"))
        starts = [el for el in children[:table_at] if el.find(f"{qn('w:pPr')}/{qn('w:pageBreakBefore')}") is not None]
        assert len(starts) == 1 and "".join(t.text or "" for t in starts[0].iter(qn("w:t"))).startswith(before)
        assert children.index(starts[0]) >= table_at - 1 - (before != "")
        assert not [br for br in body.iter(qn("w:br")) if br.get(qn("w:type")) == "page"]


def test_front_matter_entries_of_the_contents_ask_for_roman_numbers() -> None:
    data = render_docx(_report())
    assert has_roman_references(data)
    doc = open_docx(data)
    instr = [t.text for t in doc.element.body.iter(qn("w:instrText"))]
    roman_refs = [i for i in instr if "\\* roman" in i]
    assert len(roman_refs) == 2 and len(instr) == 5  # kata pengantar, ikhtisar; Bab I, Bab II, Lampiran
    # the PDF step: a bookmark's page (from the first conversion) becomes a roman number as text
    names = [b.get(qn("w:name")) for b in doc.element.body.iter(qn("w:bookmarkStart"))]
    fixed = open_docx(fix_roman_references(data, {names[0]: 1, names[1]: 3}))
    toc = [p.text for p in fixed.paragraphs if p.style.name.startswith("TOC")]
    assert toc[:2] == ["KATA PENGANTAR\ti", "IKHTISAR EKSEKUTIF\tiii"]
    assert not has_roman_references(fix_roman_references(data, {names[0]: 1, names[1]: 3}))


def test_roman_numerals() -> None:
    assert [roman(n) for n in (1, 2, 4, 9, 14, 40, 90, 2024)] == ["i", "ii", "iv", "ix", "xiv", "xl", "xc", "mmxxiv"]


def test_a_range_of_numbers_does_not_break_at_its_dash() -> None:
    assert unbreakable("(25–100)") == f"(25{WORD_JOINER}–{WORD_JOINER}100)"
    assert unbreakable("2019-2021") == f"2019{WORD_JOINER}-{WORD_JOINER}2021"
    assert unbreakable("Tujuan - sasaran 2") == "Tujuan - sasaran 2"


def _amounts_table(columns: int) -> Table:
    amount = "1.528.779.562,00"
    header = [[Cell("Uraian")] + [Cell(f"Pagu {i}") for i in range(columns)]]
    rows = [[Cell("Belanja")] + [Cell(amount, Decimal("1528779562"), Align.RIGHT) for _ in range(columns)]]
    return Table("Anggaran", header, rows)


def _table_styles_and_orientation(t: Table) -> tuple[set[str], list[bool]]:
    d = Document("x", "Uji", "Kantor Uji", 2024)
    d.add(Heading("Anggaran", 2), t, para("Sesudah tabel."))
    d.number_items()
    data = render_docx(d)
    doc = open_docx(data)
    styles = {p.style.name for tbl in doc.tables for row in tbl.rows for c in row.cells for p in c.paragraphs}
    return styles, [bool(s["landscape"]) for s in _sections(data)]


def test_a_table_too_wide_for_its_numbers_gets_smaller_type_then_a_landscape_page() -> None:
    styles, pages = _table_styles_and_orientation(_amounts_table(3))
    assert "Sakip Table Text" in styles and pages == [False]  # fits as it is
    styles, pages = _table_styles_and_orientation(_amounts_table(5))
    assert "Sakip Table Small" in styles and pages == [False]  # fits in the smaller type
    styles, pages = _table_styles_and_orientation(_amounts_table(8))
    assert pages == [False, True, False]  # a landscape page for the table, then back to portrait
    doc = open_docx(render_docx(Document("x", "Uji", "Kantor Uji", 2024, blocks=[Heading("Anggaran", 2),
                                                                                   _amounts_table(8)])))
    # the heading went with its table onto the landscape page
    marks = ["section" if p._p.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None else p.text for p in doc.paragraphs]
    assert marks.index("section") < marks.index("Anggaran")


# --------------------------------------------------------------------------- Keputusan IKU


def test_the_iku_decree_is_complete(seeds: dict[str, Office]) -> None:
    office = seeds["kaliwates"]
    model = build_iku(office, decree_number="050/123/35.09.01/2016", date="4 Januari 2016")
    data = render_docx(model)
    doc = open_docx(data)
    text = body_text(doc)
    cells = [c for t in table_texts(doc) for row in t for c in row]
    for part in ("KEPUTUSAN CAMAT KALIWATES", "NOMOR 050/123/35.09.01/2016", "TENTANG",
                 "DENGAN RAHMAT TUHAN YANG MAHA ESA", "MEMUTUSKAN:"):
        assert part in text, part
    for label in ("Menimbang", "Mengingat", "Menetapkan", "KESATU", "KEDUA", "KETIGA", "KEEMPAT", "KELIMA"):
        assert label in cells, label
    # the regional legal basis from the profile, after the national regulations
    basis = legal_basis(office)
    regional = [b for b in basis if b.startswith("Peraturan Bupati Jember")]
    assert regional and all(any(r.rstrip(";.") in c for c in cells) for r in regional)
    assert basis.index(regional[0]) > max(i for i, b in enumerate(basis) if b.startswith("Peraturan Presiden"))
    assert basis[-1].endswith(".") and all(b.endswith(";") for b in basis[:-1])
    assert "Ditetapkan di Jember" in "\n".join(cells)  # the profile's place of signing
    assert "mulai berlaku pada tanggal ditetapkan" in "\n".join(cells)
    # the annex: the responsible unit as the plan records it
    annex = table_texts(doc)[-2]
    units = {row[3] for row in annex[1:] if len(set(row)) > 1}
    recorded = {i.responsible_unit for i in office.plan.indicators() if i.iku}
    assert units == {u or "belum ditetapkan" for u in recorded}


def test_the_iku_decree_never_invents_a_responsible_unit_and_needs_only_the_plan(
    seeds: dict[str, Office],
) -> None:
    office = copy.deepcopy(seeds["kaloran"])
    office.years = {}  # the plan alone
    for ind in office.plan.indicators():
        ind.responsible_unit = None
    doc = open_docx(render_docx(build_iku(office)))
    annex = table_texts(doc)[-2]
    assert {row[3] for row in annex[1:] if len(set(row)) > 1} == {"belum ditetapkan"}
    assert office.name not in {row[3] for row in annex[1:]}


def test_a_regulation_the_profile_lists_is_cited_once(seeds: dict[str, Office]) -> None:
    office = copy.deepcopy(seeds["kaloran"])
    office.profile = Profile(legal_basis=[
        "Peraturan Daerah Kabupaten Temanggung Nomor 2 Tahun 2019 tentang RPJMD Tahun 2018–2023;",
        "Peraturan Presiden Nomor 29 Tahun 2014 tentang SAKIP;",
    ])
    basis = legal_basis(office)
    assert sum("Nomor 29 Tahun 2014" in b for b in basis) == 1
    assert basis[-1].startswith("Peraturan Daerah Kabupaten Temanggung")  # the regional basis after the national


# --------------------------------------------------------------------------- PK


def _logo_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (60, 60), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def test_the_pk_uses_the_head_of_region_the_place_of_signing_and_the_logo(seeds: dict[str, Office]) -> None:
    office = copy.deepcopy(seeds["kaloran"])
    office.profile = Profile(
        capital="Temanggung",
        region_head=Person("Drs. H. M. AL KHADZIQ", position="Bupati Temanggung"),
        logo="logo.png",
        address="Jl. Raya Kaloran No. 1",
    )
    office.files = {"logo.png": _logo_png()}
    for pk in office.years[office.latest_year or 0].agreements:  # the profile speaks when the PK did not record
        pk.second_party = None
    for model in (build_pk(office), build_lkjip(office, charts=False)):
        doc = open_docx(render_docx(model))
        cells = "\n".join(c for t in table_texts(doc) for row in t for c in row) + "\n" + body_text(doc)
        assert "Drs. H. M. AL KHADZIQ" in cells and "Bupati Temanggung" in cells, model.kind
        assert "Temanggung, " in cells, model.kind
        assert "Jl. Raya Kaloran No. 1" in cells, model.kind
        assert len(doc.inline_shapes) >= 1, model.kind  # the logo on the letterhead
