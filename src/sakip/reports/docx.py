"""Render a report `Document` to Word (.docx) onto the styles of a template.

``render_docx(document, template=None) -> bytes``

* ``template`` — a path to a regency's own .docx template; ``None`` uses the
  default template shipped in ``sakip/reports/templates/default.docx`` (rebuilt by
  ``python -m sakip.reports.templates.build_default``). A template changes fonts,
  styles, page setup, footer, the cover (``[[sampul]]`` block), the letterhead
  (``[[kop]]``) and fixed texts (``[[kata_pengantar]]`` ...) without code; see
  `sakip.reports.templates.build_default` for the names.
* Tables of contents, tables and figures are written as entries whose page numbers
  are ``PAGEREF`` fields to bookmarks on the headings and captions, so LibreOffice
  (PDF) computes them at layout and Word on opening (the file asks Word to update
  its fields).
* ``document.draft`` puts "DRAFT — belum disahkan" in the header of every page;
  ``document.header`` is a running header text (not on the cover page).

All text goes into Word runs as text (never interpreted), so user input cannot
inject fields or markup.
"""

from __future__ import annotations

import copy
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import docx
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Cm
from lxml import etree  # type: ignore[import-untyped]

from sakip.domain.text import CONTROL

from . import docx_sections as sections
from .docx_layout import fit_words, fits, keep_with_next, page_break_before, unbreakable
from .model import (
    Align,
    Cover,
    Document,
    Figure,
    FixedText,
    Heading,
    Letterhead,
    Orientation,
    PageBreak,
    Paragraph,
    ParagraphStyle,
    Signatory,
    SignatureBlock,
    Table,
    TableOfContents,
)

DEFAULT_TEMPLATE = Path(__file__).resolve().parent / "templates" / "default.docx"
DRAFT_TEXT = "DRAFT — belum disahkan"

PARAGRAPH_STYLES = {
    ParagraphStyle.BODY: "Sakip Body",
    ParagraphStyle.LIST: "Sakip List",
    ParagraphStyle.CENTER: "Sakip Center",
    ParagraphStyle.NOTE: "Sakip Note",
    ParagraphStyle.OPERATOR: "Sakip Operator",
    ParagraphStyle.PLACEHOLDER: "Sakip Placeholder",
    ParagraphStyle.TITLE: "Sakip Title",
}
_ALIGN = {
    Align.LEFT: WD_ALIGN_PARAGRAPH.LEFT,
    Align.CENTER: WD_ALIGN_PARAGRAPH.CENTER,
    Align.RIGHT: WD_ALIGN_PARAGRAPH.RIGHT,
}
_MARKER = re.compile(r"^\[\[([a-z_]+)\]\]$")
# characters XML 1.0 cannot carry (pasted text may hold them): vertical tab / form feed become a
# line break, the others are dropped
_XML_INVALID = CONTROL  # sakip.domain.text: the one definition


def clean_text(text: str) -> str:
    """Text safe for WordprocessingML: no characters XML cannot represent."""
    if not _XML_INVALID.search(text):
        return text
    return _XML_INVALID.sub(lambda m: "\n" if m.group(0) in "\x0b\x0c" else "", text)


_AFTER_UPDATE_FIELDS = frozenset(
    [
        "hdrShapeDefaults",
        "footnotePr",
        "endnotePr",
        "compat",
        "docVars",
        "rsids",
        "mathPr",
        "attachedSchema",
        "themeFontLang",
        "clrSchemeMapping",
        "doNotIncludeSubdocsInStats",
        "doNotAutoCompressPictures",
        "forceUpgrade",
        "captions",
        "readModeInkLockDown",
        "smartTagType",
        "schemaLibrary",
        "shapeDefaults",
        "doNotEmbedSmartTags",
        "decimalSymbol",
        "listSeparator",
    ]
)
_PLACEHOLDER = re.compile(r"\{([A-Za-z_]+)\}")


class TemplateError(ValueError):
    """The template cannot be used (not a .docx, missing styles)."""


@dataclass
class _Template:
    blocks: dict[str, list[Any]]  # name -> body elements (lxml)


def _split_blocks(doc: DocxDocument) -> _Template:
    body = doc.element.body
    blocks: dict[str, list[Any]] = {}
    current: list[Any] | None = None
    for el in list(body.iterchildren()):
        if el.tag == qn("w:sectPr"):
            continue
        if el.tag == qn("w:p"):
            text = "".join(t.text or "" for t in el.iter(qn("w:t"))).strip()
            m = _MARKER.match(text)
            if m:
                name = m.group(1)
                current = None if name == "akhir" else blocks.setdefault(name, [])
                body.remove(el)
                continue
        if current is not None:
            current.append(el)
        body.remove(el)
    return _Template(blocks)


@lru_cache(maxsize=8)
def _template_bytes(path: str, mtime: float) -> bytes:
    return Path(path).read_bytes()


def _open_template(template: str | Path | None) -> DocxDocument:
    path = Path(template) if template is not None else DEFAULT_TEMPLATE
    try:
        data = _template_bytes(str(path), path.stat().st_mtime)
    except OSError as exc:
        raise TemplateError(f"Templat dokumen {path} tidak dapat dibaca: {exc}") from exc
    try:
        return docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises several kinds for a broken package
        raise TemplateError(f"Templat dokumen {path} bukan berkas .docx yang sah: {exc}") from exc


def _text_of(el: Any) -> str:
    return "".join(t.text or "" for t in el.iter(qn("w:t")))


def _fill(elements: Iterable[Any], values: Mapping[str, str]) -> list[Any]:
    """Deep copies of template elements with ``{name}`` placeholders filled in."""
    out = []
    for el in elements:
        el = copy.deepcopy(el)
        for p in el.iter(qn("w:p")):
            texts = list(p.iter(qn("w:t")))
            joined = "".join(t.text or "" for t in texts)
            if "{" not in joined:
                continue
            filled = clean_text(_PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), joined))
            texts[0].text = filled
            texts[0].set(qn("xml:space"), "preserve")
            for t in texts[1:]:
                t.text = ""
        out.append(el)
    return out


_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


@lru_cache(maxsize=256)
def _qn(name: str) -> str:
    return str(qn(name))


def _el(tag: str, **attrs: str) -> Any:
    el = OxmlElement(tag)
    for k, val in attrs.items():
        el.set(_qn(f"w:{k}"), val)
    return el


def _sub(parent: Any, tag: str, **attrs: str) -> Any:
    el = etree.SubElement(parent, _qn(tag))
    for k, val in attrs.items():
        el.set(_qn(f"w:{k}"), val)
    return el


def _paragraph_el(style_id: str, jc: str | None = None) -> Any:
    p = _el("w:p")
    ppr = _sub(p, "w:pPr")
    _sub(ppr, "w:pStyle", val=style_id)
    if jc is not None:
        _sub(ppr, "w:jc", val={"start": "left", "center": "center", "right": "right"}.get(jc, jc))
    return p


def _run_el(p: Any, text: str, *, bold: bool = False, italic: bool = False) -> None:
    """A run with its text; tabs and line breaks become Word's tab and break elements."""
    r = _sub(p, "w:r")
    text = clean_text(text)
    if bold or italic:
        rpr = _sub(r, "w:rPr")
        if bold:
            _sub(rpr, "w:b")
        if italic:
            _sub(rpr, "w:i")
    for i, line in enumerate(text.split("\n")):
        if i:
            _sub(r, "w:br")
        for j, piece in enumerate(line.split("\t")):
            if j:
                _sub(r, "w:tab")
            if piece:
                tt = _sub(r, "w:t")
                tt.text = piece
                tt.set(_XML_SPACE, "preserve")


def _field(p: Any, instruction: str, cached: str = "") -> None:
    """A complex field (``PAGEREF``) at the end of paragraph ``p``; Word and LibreOffice compute it."""
    _sub(_sub(p, "w:r"), "w:fldChar", fldCharType="begin", dirty="true")
    instr = _sub(_sub(p, "w:r"), "w:instrText")
    instr.set(_XML_SPACE, "preserve")
    instr.text = f" {instruction} "
    _sub(_sub(p, "w:r"), "w:fldChar", fldCharType="separate")
    t = _sub(_sub(p, "w:r"), "w:t")
    t.text = cached
    _sub(_sub(p, "w:r"), "w:fldChar", fldCharType="end")


class _Renderer:
    def __init__(self, document: Document, template: str | Path | None) -> None:
        self.model = document
        self.doc = _open_template(template)
        self.tpl = _split_blocks(self.doc)
        self.body = self.doc.element.body
        self.bookmark_id = 0
        self.anchors: dict[int, str] = {}  # id(block) -> bookmark name
        self.page_started = True  # nothing on the current page yet
        # a new page asked for and not yet made: the next paragraph gets "page break before" (a paragraph
        # holding a break, at the foot of a full page, would spill onto a page of its own: a blank page)
        self.break_pending = False
        # a cover: the front matter numbered i, ii …, the first chapter starts arabic numbering (docx_sections)
        self.front_matter = bool(document.blocks) and isinstance(document.blocks[0], Cover)
        self.main_started = False
        self.style_ids: dict[str, str] = {}
        name_upper = document.office.upper()
        office = self._office_values()
        self.values = {
            "judul": document.title,
            "instansi": document.office,
            "INSTANSI": name_upper,
            "tahun": str(document.year or ""),
            **office,
        }
        styles = {s.name for s in self.doc.styles}
        missing = [s for s in (*PARAGRAPH_STYLES.values(), "Heading 1", "Heading 2", "Heading 3") if s not in styles]
        if missing:
            raise TemplateError(f"Templat dokumen tidak memiliki gaya: {', '.join(missing)}")

    def _office_values(self) -> dict[str, str]:
        pemda = self.model.regency or ""
        contact = self.model.contact
        return {"pemda": pemda, "PEMDA": pemda.upper(), "alamat": contact[0] if contact else "",
                "kontak": contact[1] if len(contact) > 1 else ""}

    # ------------------------------------------------------------------ helpers

    def _append(self, el: Any) -> None:
        if self.break_pending:
            self.break_pending = False
            if el.tag != qn("w:p"):  # a table: an empty line starts the new page
                filler = _paragraph_el(self._sid("Sakip Body"))
                page_break_before(filler)
                self._append(filler)
            else:
                page_break_before(el)
        sect = self.body.find(qn("w:sectPr"))
        if sect is not None:
            sect.addprevious(el)
        else:
            self.body.append(el)
        self.page_started = False

    def _sid(self, name: str) -> str:
        """The style id of a style name, looked up once (python-docx's lookup is slow)."""
        sid = self.style_ids.get(name)
        if sid is None:
            sid = self.style_ids[name] = self.doc.styles[name].style_id
        return sid

    def _paragraph(self, style: str, *runs: str | tuple[str, bool]) -> Any:
        """Append a paragraph (raw WordprocessingML) with text runs; ``(text, True)`` is bold."""
        p = _paragraph_el(self._sid(style))
        for r in runs:
            text, bold = (r, False) if isinstance(r, str) else r
            _run_el(p, text, bold=bold)
        self._append(p)
        return p

    def _bookmark(self, p: Any, name: str) -> None:
        self.bookmark_id += 1
        start = _el("w:bookmarkStart", id=str(self.bookmark_id), name=name)
        p.insert(1, start)  # after pPr
        _sub(p, "w:bookmarkEnd", id=str(self.bookmark_id))

    def _paragraph_xml(self, b: Paragraph) -> Any:
        p = _paragraph_el(self._sid(PARAGRAPH_STYLES[b.style]))
        for r in b.runs:
            _run_el(p, r.text, bold=r.bold, italic=r.italic)
        return p

    # ------------------------------------------------------------------ blocks

    def render(self) -> bytes:
        self._setup()
        self._assign_anchors()
        for block in self.model.blocks:
            self._block(block)
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()

    def _setup(self) -> None:
        section = self.doc.sections[0]
        if self.model.landscape:
            self._orient(section, landscape=True)
        # no cover: every page numbered from 1; a cover: the cover unnumbered (its section keeps titlePg)
        sections.set_title_page(section._sectPr, self.front_matter)
        sections.set_numbering(section._sectPr, sections.ARABIC, None)
        settings = self.doc.settings.element
        upd = settings.find(qn("w:updateFields"))
        if upd is None:
            upd = OxmlElement("w:updateFields")
            # the schema fixes the order of settings: updateFields precedes these
            following = next((el for el in settings if etree.QName(el).localname in _AFTER_UPDATE_FIELDS), None)
            if following is not None:
                following.addprevious(upd)
            else:
                settings.append(upd)
        upd.set(qn("w:val"), "true")
        props = self.doc.core_properties
        props.title = self.model.title
        props.subject = self.model.office
        props.author = "Sakip"
        if self.model.draft or self.model.header:
            text = " — ".join(t for t in (self.model.header, DRAFT_TEXT if self.model.draft else None) if t)
            headers = [section.header] + ([section.first_page_header] if self.model.draft else [])
            for hdr in headers:  # the running header skips the cover; DRAFT marks every page
                hdr.is_linked_to_previous = False
                p = hdr.paragraphs[0] if hdr.paragraphs else hdr.add_paragraph()
                p._p.style = self._sid("Sakip Draft" if self.model.draft else "Sakip Note")
                p.add_run(clean_text(text))

    @staticmethod
    def _orient(section: Any, *, landscape: bool) -> None:
        w, h = section.page_width, section.page_height
        if landscape != (w > h):
            section.page_width, section.page_height = h, w
        section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT

    def _assign_anchors(self) -> None:
        n = 0
        for b in self.model.blocks:
            if isinstance(b, (Heading, Table, Figure)):
                n += 1
                self.anchors[id(b)] = f"_Sakip{n}"

    def _block(self, b: object) -> None:
        if isinstance(b, Paragraph):
            self._append(self._paragraph_xml(b))
        elif isinstance(b, Heading):
            self._heading(b)
        elif isinstance(b, Table):
            self._table(b)
        elif isinstance(b, Figure):
            self._figure(b)
        elif isinstance(b, SignatureBlock):
            self._signature(b)
        elif isinstance(b, TableOfContents):
            self._toc(b)
        elif isinstance(b, FixedText):
            self._fixed(b)
        elif isinstance(b, Cover):
            self._cover(b)
        elif isinstance(b, PageBreak):
            self._page_break()
        elif isinstance(b, Orientation):
            self._orientation(b)
        elif isinstance(b, Letterhead):
            self._letterhead()
        else:  # pragma: no cover - the Block union is closed
            raise TypeError(f"unknown block {type(b).__name__}")

    def _page_break(self) -> None:
        if self.page_started:
            return
        self.page_started = True
        self.break_pending = True

    def _flush_break(self) -> None:
        """Before content added through python-docx: make the pending new page with an empty paragraph."""
        if self.break_pending:
            self._append(_paragraph_el(self._sid("Sakip Body")))

    def _orientation(self, b: Orientation) -> None:
        self._new_section(landscape=b.landscape)

    def _new_section(
        self, *, landscape: bool | None = None, numbering: tuple[str, int] | None = None, keep_headings: bool = False
    ) -> None:
        """End the current section and start a new one on a new page (`docx_sections`): another orientation,
        a restart of the page numbers in another format, or the same numbering continued. A page break just
        made is taken back (the section break starts the page). ``keep_headings``: headings just written move
        to the new section with what follows them."""
        sect = self.body.find(qn("w:sectPr"))
        at = sect
        if keep_headings:
            heading_ids = {self._sid(f"Heading {i}") for i in (1, 2, 3)} | {self._sid("Sakip Table Caption")}
            while (prev := at.getprevious()) is not None and prev.tag == qn("w:p"):
                style = prev.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
                if style is None or style.get(qn("w:val")) not in heading_ids:
                    break
                at = prev
        if at is not sect and at.find(f"{qn('w:pPr')}/{qn('w:pageBreakBefore')}") is not None:
            at.find(qn("w:pPr")).remove(at.find(f"{qn('w:pPr')}/{qn('w:pageBreakBefore')}"))
        prev = at.getprevious()
        empty = at is sect and (prev is None or prev.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None)
        if not empty:  # a section with nothing in it yet takes the new properties itself: no blank page
            at.addprevious(sections.section_break(sect))
        self.break_pending = False  # the section break starts the new page
        sections.set_title_page(sect, False)
        if numbering is not None:
            sections.set_numbering(sect, numbering[0], numbering[1])
        else:
            sections.set_numbering(sect, None, None)  # continue the previous section's numbers
        if landscape is not None:
            self._orient(self._current_section(), landscape=landscape)
        if at is sect:
            self.page_started = True

    def _heading(self, h: Heading) -> None:
        if self.front_matter and not self.main_started and h.level == 1 and h.chapter is not None:
            self.main_started = True  # the first chapter: arabic page numbers from 1 on a new page
            self._new_section(numbering=(sections.ARABIC, 1))
        elif h.level == 1 and h.new_page:
            self._page_break()
        p = self._paragraph(f"Heading {min(max(h.level, 1), 3)}", h.text)
        if not h.in_toc:
            _sub(p[0], "w:outlineLvl", val="9")  # body text: Word's own TOC update skips it
        self._bookmark(p, self.anchors[id(h)])

    def _caption(self, style: str, label: str, caption: str, anchor: str) -> None:
        p = self._paragraph(style, f"{label}\n{caption}")
        self._bookmark(p, anchor)

    def _usable_width_cm(self) -> float:
        s = self._current_section()
        return float(((s.page_width or 0) - (s.left_margin or 0) - (s.right_margin or 0)) / 360000)

    def _current_section(self) -> Section:
        """The section being written: the body's last ``w:sectPr`` (python-docx's ``sections[-1]`` searches the
        whole body with XPath on every call)."""
        return Section(self.body.find(qn("w:sectPr")), self.doc.part)

    def _landscape_now(self) -> bool:
        s = self._current_section()
        return (s.page_width or 0) > (s.page_height or 0)

    def _table(self, t: Table) -> None:
        ncols = t.columns
        rel = t.widths or tuple(1.0 for _ in range(ncols))
        if len(rel) != ncols:
            raise ValueError(f"{t.label} {t.caption}: {len(rel)} column widths for {ncols} columns")
        small, turned = t.small, False
        if not t.plain:
            # numbers never break: the smaller type where the words do not fit, then a landscape page
            room = int(Cm(self._usable_width_cm()).twips)
            if not fits(t, room, small) and not small and fits(t, room, True):
                small = True
            elif not fits(t, room, small) and not self._landscape_now():
                self._new_section(landscape=True, keep_headings=True)
                turned = True
                small = small or not fits(t, int(Cm(self._usable_width_cm()).twips), False)
            self._caption("Sakip Table Caption", t.label, t.caption, self.anchors[id(t)])
        width = self._usable_width_cm()
        total = sum(rel)
        widths = [int(Cm(width * w / total).twips) for w in rel]
        if not t.plain:
            widths = fit_words(t, widths, small)
        tbl = _el("w:tbl")
        tblpr = _sub(tbl, "w:tblPr")
        if not t.plain:
            _sub(tblpr, "w:tblStyle", val=self._sid("Table Grid"))
        _sub(tblpr, "w:tblW", w=str(sum(widths)), type="dxa")
        _sub(tblpr, "w:jc", val="center")
        if t.plain:
            borders = _sub(tblpr, "w:tblBorders")
            for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
                _sub(borders, f"w:{side}", val="nil")
        _sub(tblpr, "w:tblLayout", type="fixed")
        margins = _sub(tblpr, "w:tblCellMar")  # narrow cell margins: more room for numbers
        _sub(margins, "w:left", w="57", type="dxa")
        _sub(margins, "w:right", w="57", type="dxa")
        _sub(
            tblpr,
            "w:tblLook",
            val="04A0",
            firstRow="1",
            lastRow="0",
            firstColumn="1",
            lastColumn="0",
            noHBand="0",
            noVBand="1",
        )
        grid = _sub(tbl, "w:tblGrid")
        for w in widths:
            _sub(grid, "w:gridCol", w=str(w))
        text_sid = self._sid("Sakip Body" if t.plain else "Sakip Table Small" if small else "Sakip Table Text")
        header_sid = self._sid("Sakip Table Header")
        for is_header, rows in ((True, t.header), (False, t.rows)):
            for cells in rows:
                if sum(c.span for c in cells) != ncols:
                    raise ValueError(
                        f"{t.label} {t.caption}: a row covers {sum(c.span for c in cells)} of {ncols} columns"
                    )
                tr = _sub(tbl, "w:tr")
                trpr = _sub(tr, "w:trPr")
                _sub(trpr, "w:cantSplit")
                if is_header:
                    _sub(trpr, "w:tblHeader")
                col = 0
                for c in cells:
                    tc = _sub(tr, "w:tc")
                    tcpr = _sub(tc, "w:tcPr")
                    _sub(tcpr, "w:tcW", w=str(sum(widths[col : col + c.span])), type="dxa")
                    if c.span > 1:
                        _sub(tcpr, "w:gridSpan", val=str(c.span))
                    if c.shade:
                        _sub(tcpr, "w:shd", val="clear", color="auto", fill=c.shade)
                    p = _paragraph_el(
                        header_sid if is_header else text_sid,
                        None if c.align is Align.LEFT else c.align.value.replace("left", "start"),
                    )
                    if c.text:
                        _run_el(p, unbreakable(c.text), bold=c.bold)
                    tc.append(p)
                    col += c.span
        self._append(tbl)
        if not t.plain:
            self._paragraph("Sakip Note", t.source or "")
        if turned:  # back to portrait for what follows
            self._new_section(landscape=False)

    def _figure(self, f: Figure) -> None:
        self._flush_break()
        p = self.doc.add_paragraph()
        p._p.style = self._sid("Sakip Center")
        p.paragraph_format.keep_with_next = True
        width = min(f.width_cm, self._usable_width_cm())
        p.add_run().add_picture(io.BytesIO(f.png), width=Cm(width))
        self._caption("Sakip Figure Caption", f.label, f.caption, self.anchors[id(f)])

    def _signatory_lines(self, s: Signatory, place_date: str | None) -> list[tuple[str, bool]]:
        lines: list[tuple[str, bool]] = []
        if place_date:
            lines.append((place_date, False))
        if s.role:
            lines.append((s.role, True))
        lines.append((s.position, True))
        lines += [("", False)] * 4
        lines.append((s.printed_name, True))
        if s.rank:
            lines.append((s.rank, False))
        if s.nip:
            lines.append((f"NIP. {s.nip}", False))
        return lines

    def _keep_last_with_next(self) -> None:
        """Keep the element before the insertion point with what follows: a paragraph by its keep-with-next,
        a table by keep-with-next on the paragraphs of its last row (Word and LibreOffice honour both)."""
        sect = self.body.find(qn("w:sectPr"))
        last = sect.getprevious() if sect is not None else (self.body[-1] if len(self.body) else None)
        if last is None:
            return
        if last.tag == qn("w:p"):
            keep_with_next(last)
        elif last.tag == qn("w:tbl"):
            rows = last.findall(qn("w:tr"))
            if rows:
                for p in rows[-1].iter(qn("w:p")):
                    keep_with_next(p)

    def _signature(self, b: SignatureBlock) -> None:
        # never alone on a page: the text before it, the space above and the block stay together
        self._keep_last_with_next()
        keep_with_next(self._paragraph("Sakip Body"))  # space above
        self._flush_break()
        table = self.doc.add_table(rows=1, cols=2)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        width = self._usable_width_cm()
        tr = table.rows[0]._tr
        trpr = tr.get_or_add_trPr()
        trpr.append(OxmlElement("w:cantSplit"))
        for cell, s, pd in ((table.rows[0].cells[0], b.left, None), (table.rows[0].cells[1], b.right, b.place_date)):
            cell.width = Cm(width / 2)
            if s is None:
                continue
            first = True
            for text, bold in self._signatory_lines(s, pd if b.left is None else None):
                p = cell.paragraphs[0] if first else cell.add_paragraph()
                first = False
                p._p.style = self._sid("Sakip Signature")
                keep_with_next(p._p)
                run = p.add_run(clean_text(text))
                if bold:
                    run.bold = True
                if s.name and text == s.name:
                    run.underline = True
        if b.left is not None and b.place_date:
            # two parties: the place and date once, centred above both
            p = self._paragraph("Sakip Center", b.place_date)
            keep_with_next(p)
            table._tbl.addprevious(p)
        self.page_started = False

    def _toc(self, b: TableOfContents) -> None:
        self._page_break()
        self._paragraph("Sakip Title", b.title)
        entries: list[tuple[str, str, str, bool]] = []  # style, text, anchor, on a roman-numbered page
        front = self.front_matter
        for blk in self.model.blocks:
            anchor = self.anchors.get(id(blk))
            if isinstance(blk, Heading) and blk.level == 1 and blk.chapter is not None:
                front = False
            if b.kind == "contents" and isinstance(blk, Heading) and blk.in_toc:
                entries.append((f"TOC {min(blk.level, 3)}", blk.text, anchor or "", front))
            elif (b.kind == "tables" and isinstance(blk, Table) and not blk.plain) or (
                b.kind == "figures" and isinstance(blk, Figure)
            ):
                entries.append(("Table of Figures", f"{blk.label} {blk.caption}", anchor or "", front))
        if not entries:
            self._paragraph(
                "Sakip Placeholder",
                {"tables": "Tidak ada tabel.", "figures": "Tidak ada gambar."}.get(b.kind, "Tidak ada isi."),
            )
        for style, text, anchor, roman in entries:
            q = self._paragraph(style, text + "\t")
            # a page reference prints as a plain number: the front matter's pages ask for roman (i, ii …)
            _field(q, f"PAGEREF {anchor} \\h" + (" \\* roman" if roman else ""), "")
        self._page_break()

    def _fixed(self, b: FixedText) -> None:
        custom = self.tpl.blocks.get(b.key)
        if custom:
            for el in _fill(custom, {**self.values, **b.values}):
                self._append(el)
            return
        for para_ in b.paragraphs:
            self._append(self._paragraph_xml(para_))

    def _cover(self, b: Cover) -> None:
        custom = self.tpl.blocks.get("sampul")
        if custom:
            values = {**self.values, "judul": " ".join(b.title), "subjudul": " ".join(b.subtitle)}
            els = _fill(custom, values)
            # the office's logo above the office's name, unless the template has an image of its own
            has_image = any(True for el in els for _ in el.iter(qn("w:drawing")))
            at = next((i for i, el in enumerate(els) if _text_of(el) == self.values["INSTANSI"]), len(els))
            for i, el in enumerate(els):
                if i == at and self.model.logo and not has_image:
                    self._logo(4.0)
                self._append(el)
            if at == len(els) and self.model.logo and not has_image:
                self._logo(4.0)
        else:
            for line in b.title:
                self._paragraph("Sakip Cover Title", line)
            if self.model.logo:
                self._logo(4.0)
            for line in (*b.subtitle, b.office.upper(), (b.regency or "").upper(), f"TAHUN {b.year}"):
                if line:
                    self._paragraph("Sakip Cover Text", line)
        if self.front_matter:  # the cover's own section; the front matter numbered i, ii …
            self._new_section(numbering=(sections.ROMAN, 1))
        else:
            self._page_break()

    def _letterhead(self) -> None:
        custom = self.tpl.blocks.get("kop")
        if custom:
            els = _fill(custom, self.values)
            own = any("{alamat}" in _text_of(el) or "{kontak}" in _text_of(el) for el in custom)
            if self.model.logo and not any(True for el in els for _ in el.iter(qn("w:drawing"))):
                self._logo(2.0)
            for el in els:
                self._append(el)
            if not own and self.model.contact:  # the address under the names; the kop's rule moves below it
                border = els[-1].find(f"{qn('w:pPr')}/{qn('w:pBdr')}") if els else None
                last = None
                for line in self.model.contact:
                    last = self._paragraph("Sakip Center", line)
                if border is not None and last is not None:
                    border.getparent().remove(border)
                    ppr = last.find(qn("w:pPr"))
                    if ppr is not None:
                        ppr.append(border)
            return
        if self.model.logo:
            self._logo(2.0)
        for line in (f"PEMERINTAH {self.values['PEMDA']}", self.values["INSTANSI"]):
            self._paragraph("Sakip Title", line)
        for line in self.model.contact:
            self._paragraph("Sakip Center", line)

    def _logo(self, width_cm: float) -> None:
        """The office's logo, centred (an image the renderer cannot read is left out)."""
        assert self.model.logo is not None
        self._flush_break()
        p = self.doc.add_paragraph()
        p._p.style = self._sid("Sakip Center")
        try:
            p.add_run().add_picture(io.BytesIO(self.model.logo), width=Cm(width_cm))
        except Exception:  # not an image python-docx reads: the document goes without the logo
            p._p.getparent().remove(p._p)
        self.page_started = False


def render_docx(document: Document, template: str | Path | None = None) -> bytes:
    """The document as .docx bytes, on the template's styles (the default template when ``None``)."""
    r = _Renderer(document, template)
    return r.render()
