"""Headings LibreOffice left at the foot of a page, moved to the next page (used by `sakip.reports.pdf`).

The .docx keeps every heading and table caption with what follows (keep-with-next), and Word honours it.
LibreOffice (7.4) mostly does too, but in a long document its layout can stop short of moving a whole chain
of kept paragraphs: its loop control (``SwLooping``) freezes the layout after many passes, and a heading then
stays alone at the foot of a page while the heading, caption and table it is kept with start the next one.
Seen in the Kaliwates Laporan Triwulan TW II: the chain «2. Tujuan …» → «Indikator: …» → «Tabel 3.6» → table;
no attribute of the chain changed it, while taking any large part of the document away (the budget table two
pages on, the front matter) did — the mark of the layout's loop control, not of the chain.

A document with a cover is converted twice anyway (`sakip.reports.pdf_toc`: the first conversion exports every
bookmark as a named destination, i.e. the page of every heading and caption). So before the second conversion:

* `stranded(docx, pages)` — the bookmarks of the kept paragraphs that the first conversion printed on an earlier
  page than the kept paragraph right after them (a heading or caption with a bookmark);
* `break_before_stranded(docx, pages)` — the .docx with "page break before" on the first paragraph of each such
  chain, so that the second conversion starts the chain on a new page. Nothing else changes; a document
  without a stranded heading is returned as it was.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from docx.oxml.ns import qn
from lxml import etree  # type: ignore[import-untyped]

from .docx_layout import page_break_before

_DOCUMENT = "word/document.xml"
_STYLES = "word/styles.xml"
_PREFIX = "_Sakip"  # the renderer's bookmarks on headings and captions


def _off(el: Any) -> bool:
    return el.get(qn("w:val")) in ("0", "false", "off")


def _keep_styles(styles: Any) -> set[str]:
    """The paragraph styles that keep with the next paragraph (their own setting, else their base style's)."""
    own: dict[str, bool | None] = {}
    base: dict[str, str] = {}
    for st in styles.iter(qn("w:style")):
        sid = st.get(qn("w:styleId"))
        if sid is None or st.get(qn("w:type")) != "paragraph":
            continue
        keep = st.find(f"{qn('w:pPr')}/{qn('w:keepNext')}")
        own[sid] = None if keep is None else not _off(keep)
        based = st.find(qn("w:basedOn"))
        if based is not None and based.get(qn("w:val")):
            base[sid] = based.get(qn("w:val"))

    def keeps(sid: str, depth: int = 0) -> bool:
        value = own.get(sid)
        if value is not None or depth > 20:
            return bool(value)
        return sid in base and keeps(base[sid], depth + 1)

    return {sid for sid in own if keeps(sid)}


def _anchor(el: Any) -> str | None:
    if el.tag != qn("w:p"):
        return None
    mark = el.find(qn("w:bookmarkStart"))
    name = mark.get(qn("w:name")) if mark is not None else None
    return name if name and name.startswith(_PREFIX) else None


def _kept(el: Any, keep_styles: set[str]) -> bool:
    ppr = el.find(qn("w:pPr"))
    if ppr is None:
        return False
    direct = ppr.find(qn("w:keepNext"))
    if direct is not None:
        return not _off(direct)
    style = ppr.find(qn("w:pStyle"))
    return style is not None and style.get(qn("w:val")) in keep_styles


def _chains(root: Any, styles: Any, pages: dict[str, int]) -> list[Any]:
    """The first paragraph of each chain of kept paragraphs that ends a page before the paragraph it is kept with."""
    body = root.find(qn("w:body"))
    elements = list(body) if body is not None else []
    keep_styles = _keep_styles(styles) if styles is not None else set()
    starts = []
    for i in range(len(elements) - 1):
        here, after = _anchor(elements[i]), _anchor(elements[i + 1])
        if here is None or after is None or here not in pages or after not in pages:
            continue
        if not _kept(elements[i], keep_styles) or pages[after] <= pages[here]:
            continue
        j = i  # back to the chain's first paragraph on the same page
        while j > 0:
            prev = _anchor(elements[j - 1])
            if prev is None or pages.get(prev) != pages[here] or not _kept(elements[j - 1], keep_styles):
                break
            j -= 1
        if elements[j] not in starts:
            starts.append(elements[j])
    return starts


def _read(docx_bytes: bytes) -> tuple[zipfile.ZipFile, Any, Any]:
    src = zipfile.ZipFile(io.BytesIO(docx_bytes))
    root = etree.fromstring(src.read(_DOCUMENT))
    styles = etree.fromstring(src.read(_STYLES)) if _STYLES in src.namelist() else None
    return src, root, styles


def stranded(docx_bytes: bytes, pages: dict[str, int]) -> list[str]:
    """The bookmark names of the chains' first paragraphs (see `break_before_stranded`)."""
    _, root, styles = _read(docx_bytes)
    return [name for el in _chains(root, styles, pages) if (name := _anchor(el)) is not None]


def break_before_stranded(docx_bytes: bytes, pages: dict[str, int]) -> bytes:
    """The .docx with each stranded chain (`stranded`) starting on a new page."""
    src, root, styles = _read(docx_bytes)
    starts = _chains(root, styles, pages)
    if not starts:
        return docx_bytes
    for el in starts:
        page_break_before(el)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = (
                etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
                if item.filename == _DOCUMENT
                else src.read(item.filename)
            )
            dst.writestr(item, data)
    return out.getvalue()
