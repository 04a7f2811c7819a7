"""Build the default document template ``default.docx`` (run: ``python -m sakip.reports.templates.build_default``).

The template carries everything a regency may change without code:

* styles (fonts, sizes, spacing): ``Normal``, ``Heading 1``–``3``, ``Title``, the
  ``Sakip …`` paragraph styles, ``Caption``, ``TOC 1``–``3``, ``Table of Figures``;
  ``Table Grid`` for tables;
* page setup (A4, margins) and the footer with the page number;
* named blocks in the body, each starting with a paragraph ``[[name]]`` and running to
  the next such paragraph:

  - ``[[sampul]]`` — the cover page, with placeholders ``{judul}``, ``{subjudul}``, ``{instansi}``,
    ``{INSTANSI}``, ``{pemda}``, ``{PEMDA}``, ``{tahun}`` (a logo image may be added);
  - ``[[kop]]`` — the letterhead (kop surat) on the first page of a Perjanjian
    Kinerja and a Keputusan;
  - any fixed text key used by the builders (``[[kata_pengantar]]``, ``[[pendahuluan]]``,
    ``[[penutup]]``, ...) replaces the default wording; ``{instansi}``, ``{tahun}`` ...
    are filled in.

A block left out of the template falls back to the built-in layout or wording.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.styles.style import ParagraphStyle as DocxParagraphStyle

HERE = Path(__file__).resolve().parent
FONT = "Arial"


def _font(
    style: DocxParagraphStyle, size: float, *, bold: bool = False, italic: bool = False, color: RGBColor | None = None
) -> None:
    f = style.font
    f.name = FONT
    f.size = Pt(size)
    f.bold = bold
    f.italic = italic
    if color is not None:
        f.color.rgb = color
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    _arial(fonts)


def _arial(fonts: Any) -> None:
    """``w:rFonts`` naming Arial only: a theme font attribute (``w:asciiTheme`` …) wins over ``w:ascii``
    in Word and LibreOffice, so the python-docx template's headings would stay in the theme's Calibri."""
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)


def _para_style(doc: DocxDocument, name: str, base: str = "Normal") -> DocxParagraphStyle:
    styles = doc.styles
    try:
        style = styles[name]
    except KeyError:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = styles[base]
    style.quick_style = True
    return style  # type: ignore[no-any-return]


def _spacing(
    style: DocxParagraphStyle,
    before: float = 0,
    after: float = 6,
    line: float | None = None,
    align: WD_ALIGN_PARAGRAPH | None = None,
) -> None:
    pf = style.paragraph_format
    pf.space_before = Pt(before)
    pf.space_after = Pt(after)
    if line is not None:
        pf.line_spacing_rule = WD_LINE_SPACING.MULTIPLE
        pf.line_spacing = line
    if align is not None:
        pf.alignment = align


def _page_number_footer(doc: DocxDocument) -> None:
    section = doc.sections[0]
    section.different_first_page_header_footer = True  # no number on the cover
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run()
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, None), ("end", None)):
        if kind is not None:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
            run._r.append(el)
        elif text is not None:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            t = OxmlElement("w:t")
            t.text = "1"
            run._r.append(t)


def build(path: Path = HERE / "default.docx") -> Path:
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin, section.right_margin = Cm(3), Cm(2.5)
    section.top_margin, section.bottom_margin = Cm(2.5), Cm(2.5)
    section.header_distance = section.footer_distance = Cm(1.25)

    black = RGBColor(0, 0, 0)
    normal = doc.styles["Normal"]
    assert isinstance(normal, DocxParagraphStyle)
    _font(normal, 11)
    _spacing(normal, after=6, line=1.15)

    h1 = _para_style(doc, "Heading 1")
    _font(h1, 14, bold=True, color=black)
    _spacing(h1, before=0, after=18, align=WD_ALIGN_PARAGRAPH.CENTER)
    h1.paragraph_format.keep_with_next = True
    for name, size, before in (("Heading 2", 12, 12), ("Heading 3", 11, 10)):
        h = _para_style(doc, name)
        _font(h, size, bold=True, color=black)
        _spacing(h, before=before, after=6, align=WD_ALIGN_PARAGRAPH.LEFT)
        h.paragraph_format.keep_with_next = True

    body = _para_style(doc, "Sakip Body")
    _spacing(body, after=6, line=1.5, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    operator = _para_style(doc, "Sakip Operator", "Sakip Body")
    _spacing(operator, after=6, line=1.5, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    placeholder = _para_style(doc, "Sakip Placeholder", "Sakip Body")
    _font(placeholder, 11, italic=True, color=RGBColor(0x59, 0x59, 0x59))
    lst = _para_style(doc, "Sakip List", "Sakip Body")
    lst.paragraph_format.left_indent = Cm(0.75)
    lst.paragraph_format.first_line_indent = Cm(-0.75)
    _spacing(lst, after=3, line=1.5, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    center = _para_style(doc, "Sakip Center")
    _spacing(center, after=6, align=WD_ALIGN_PARAGRAPH.CENTER)
    note = _para_style(doc, "Sakip Note")
    _font(note, 9, italic=True)
    _spacing(note, before=2, after=10)
    title = _para_style(doc, "Sakip Title")
    _font(title, 12, bold=True)
    _spacing(title, before=0, after=12, align=WD_ALIGN_PARAGRAPH.CENTER)
    title.paragraph_format.keep_with_next = True

    for name, keep in (("Sakip Table Caption", True), ("Sakip Figure Caption", False)):
        cap = _para_style(doc, name)
        _font(cap, 10, bold=True)
        _spacing(cap, before=8, after=4, align=WD_ALIGN_PARAGRAPH.CENTER)
        cap.paragraph_format.keep_with_next = keep
    cell = _para_style(doc, "Sakip Table Text")
    _font(cell, 9.5)
    _spacing(cell, before=1, after=1, line=1.0)
    small = _para_style(doc, "Sakip Table Small", "Sakip Table Text")
    _font(small, 8)
    _spacing(small, before=0, after=0, line=1.0)
    head = _para_style(doc, "Sakip Table Header", "Sakip Table Text")
    _font(head, 8.5, bold=True)
    _spacing(head, before=1, after=1, line=1.0, align=WD_ALIGN_PARAGRAPH.CENTER)
    sig = _para_style(doc, "Sakip Signature")
    _spacing(sig, before=0, after=0, line=1.0, align=WD_ALIGN_PARAGRAPH.CENTER)

    cover_title = _para_style(doc, "Sakip Cover Title")
    _font(cover_title, 20, bold=True)
    _spacing(cover_title, before=0, after=12, align=WD_ALIGN_PARAGRAPH.CENTER)
    cover_text = _para_style(doc, "Sakip Cover Text")
    _font(cover_text, 14, bold=True)
    _spacing(cover_text, before=0, after=6, align=WD_ALIGN_PARAGRAPH.CENTER)
    kop = _para_style(doc, "Sakip Kop")
    _font(kop, 14, bold=True)
    _spacing(kop, before=0, after=0, line=1.0, align=WD_ALIGN_PARAGRAPH.CENTER)
    draft = _para_style(doc, "Sakip Draft")
    _font(draft, 10, bold=True, color=RGBColor(0xC0, 0, 0))
    _spacing(draft, before=0, after=0, align=WD_ALIGN_PARAGRAPH.RIGHT)

    for i in (1, 2, 3):
        toc = _para_style(doc, f"TOC {i}")
        _font(toc, 11, bold=(i == 1))
        _spacing(toc, before=(4 if i == 1 else 0), after=2, line=1.0)
        toc.paragraph_format.left_indent = Cm(0.6 * (i - 1))
        toc.paragraph_format.tab_stops.add_tab_stop(Cm(15.5), alignment=2, leader=1)  # right, dots
    tof = _para_style(doc, "Table of Figures")
    _spacing(tof, after=2, line=1.0)
    tof.paragraph_format.tab_stops.add_tab_stop(Cm(15.5), alignment=2, leader=1)

    _page_number_footer(doc)

    # named blocks: the cover and the letterhead, with placeholders
    doc.add_paragraph("[[sampul]]")
    for _ in range(6):  # the title a third of the way down the page
        doc.add_paragraph("", style="Sakip Cover Text")
    for text, style in (
        ("{judul}", "Sakip Cover Title"),
        ("{subjudul}", "Sakip Cover Text"),
        ("", "Sakip Cover Text"),
        ("{INSTANSI}", "Sakip Cover Text"),
        ("{PEMDA}", "Sakip Cover Text"),
        ("TAHUN {tahun}", "Sakip Cover Text"),
    ):
        doc.add_paragraph(text, style=style)
    doc.add_paragraph("[[kop]]")
    doc.add_paragraph("PEMERINTAH {PEMDA}", style="Sakip Kop")
    last = doc.add_paragraph("{INSTANSI}", style="Sakip Kop")
    ppr = last._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("w:val", "thickThinSmallGap"), ("w:sz", "18"), ("w:space", "4"), ("w:color", "000000")):
        bottom.set(qn(k), v)
    border.append(bottom)
    ppr.append(border)
    doc.add_paragraph("[[akhir]]")

    # every style still naming a theme font (the document defaults, the built-in styles the builders
    # use without restyling: Caption, TOC, List …) names Arial instead, so no text falls back to Calibri
    for fonts in doc.styles.element.iter(qn("w:rFonts")):
        if any(k.endswith("Theme") or k.endswith("theme") for k in fonts.attrib):
            _arial(fonts)

    props = doc.core_properties
    props.title = "Templat dokumen Sakip"
    props.author = "Sakip"
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


if __name__ == "__main__":
    print(build())
