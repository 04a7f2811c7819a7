"""Sections of the .docx: page orientation and page numbering (used by `sakip.reports.docx`).

A document with a cover is cut into sections the way an Indonesian report is paginated:

* the cover: its own section, no page number (``w:titlePg``: the first page's empty footer);
* the front matter (kata pengantar, ikhtisar eksekutif, daftar isi …): lower-case roman numbers from i;
* the main matter, from the first chapter (``BAB I``): arabic numbers from 1;
* a switch to landscape or back (`Orientation`, a table too wide for a portrait page) is a new section
  that continues the numbering in the same style.

A document without a cover (PK, Keputusan IKU, Rencana Aksi) is one numbering from 1, every page
numbered. Word and LibreOffice both honour ``w:pgNumType`` (``fmt``, ``start``) and ``w:titlePg``; the
page number itself is the template footer's ``PAGE`` field, which prints in the section's format.

A section ends with a paragraph carrying the section's ``w:sectPr``; here that paragraph is one point
high, so that a full page never spills it onto an otherwise blank page.
"""

from __future__ import annotations

import copy
from typing import Any

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

ROMAN = "lowerRoman"
ARABIC = "decimal"

# w:sectPr children that follow w:pgNumType in the schema's order
_AFTER_PG_NUM = ("cols", "formProt", "vAlign", "noEndnote", "titlePg", "textDirection", "bidi", "rtlGutter",
                 "docGrid", "printerSettings", "sectPrChange")


def _sub(parent: Any, tag: str, **attrs: str) -> Any:
    el = OxmlElement(tag)
    for k, val in attrs.items():
        el.set(qn(f"w:{k}"), val)
    parent.append(el)
    return el


def section_break(sentinel: Any) -> Any:
    """A one-point paragraph ending the current section with a copy of its properties (``sentinel``: the
    body's last ``w:sectPr``, which then describes the new section). The new section inherits the
    headers and footers (its references are removed), as Word does for a section without its own."""
    p = OxmlElement("w:p")
    ppr = _sub(p, "w:pPr")
    _sub(ppr, "w:spacing", before="0", after="0", line="20", lineRule="exact")
    rpr = _sub(ppr, "w:rPr")
    _sub(rpr, "w:sz", val="2")
    _sub(rpr, "w:szCs", val="2")
    ppr.append(copy.deepcopy(sentinel))
    for ref in sentinel.findall(qn("w:headerReference")) + sentinel.findall(qn("w:footerReference")):
        sentinel.remove(ref)
    return p


def set_title_page(sect: Any, on: bool) -> None:
    """The section's first page with its own (the cover's empty) header and footer, or like the others."""
    el = sect.find(qn("w:titlePg"))
    if on and el is None:
        new = OxmlElement("w:titlePg")
        _insert_in_order(sect, new, _AFTER_PG_NUM[_AFTER_PG_NUM.index("titlePg") + 1 :])
    elif not on and el is not None:
        sect.remove(el)


def set_numbering(sect: Any, fmt: str | None, start: int | None) -> None:
    """The section's page-number format (``None``: keep) and restart (``None``: continue the previous)."""
    el = sect.find(qn("w:pgNumType"))
    if el is None:
        el = OxmlElement("w:pgNumType")
        _insert_in_order(sect, el, _AFTER_PG_NUM)
    if fmt is not None:
        el.set(qn("w:fmt"), fmt)
    if start is None:
        el.attrib.pop(qn("w:start"), None)
    else:
        el.set(qn("w:start"), str(start))


def numbering(sect: Any) -> tuple[str | None, int | None]:
    el = sect.find(qn("w:pgNumType"))
    if el is None:
        return None, None
    start = el.get(qn("w:start"))
    return el.get(qn("w:fmt")), int(start) if start is not None else None


def _insert_in_order(sect: Any, el: Any, followers: tuple[str, ...]) -> None:
    after = next((c for c in sect if c.tag in {qn(f"w:{n}") for n in followers}), None)
    if after is not None:
        after.addprevious(el)
    else:
        sect.append(el)
