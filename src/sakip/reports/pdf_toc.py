"""Roman page numbers of the front matter in the PDF's table of contents (used by `sakip.reports.pdf`).

The .docx lists a front-matter heading (kata pengantar, ikhtisar eksekutif …) in the table of contents
with ``PAGEREF <bookmark> \\h \\* roman``: Word prints ``ii``. LibreOffice (7.4) computes the page but
ignores the format switch and prints ``2``. So for the PDF:

* `has_roman_references(docx)` — whether the .docx has such entries;
* `destination_pages(pdf)` — the page index of every bookmark of a first conversion that exported the
  bookmarks as named destinations;
* `fix_roman_references(docx, pages)` — the .docx with those entries as plain text: the front matter is
  numbered from i on the page of its first heading (the renderer starts the roman section there).
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

import pypdf
from docx.oxml.ns import qn
from lxml import etree  # type: ignore[import-untyped]

_ROMAN_REF = re.compile(r"PAGEREF\s+(\S+)\s+\\h\s+\\\* roman")
_DOCUMENT = "word/document.xml"
_NUMERALS = (
    (1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
    (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"),
)


def roman(n: int) -> str:
    """Lower-case roman numeral of a positive number (``4`` → ``iv``)."""
    out = []
    for value, letters in _NUMERALS:
        count, n = divmod(n, value)
        out.append(letters * count)
    return "".join(out)


def has_roman_references(docx_bytes: bytes) -> bool:
    """Whether the .docx has front-matter entries to fix (not a .docx: no; LibreOffice says what is wrong)."""
    try:
        with zipfile.ZipFile(io.BytesIO(docx_bytes)) as z:
            xml = z.read(_DOCUMENT).decode("utf-8", "replace")
    except (zipfile.BadZipFile, KeyError):
        return False
    return _ROMAN_REF.search(xml) is not None


def _name(dest: str) -> str:
    """A destination's bookmark name as the .docx spells it (the PDF escapes ``_`` as ``#5F``)."""
    name = dest.lstrip("/")
    return "_" + name[2:] if name.startswith(("5F", "#5F")) and not name.startswith("_") else name.replace("#5F", "_")


def destination_pages(pdf: bytes) -> dict[str, int]:
    """Bookmark name → 0-based page index, from the PDF's named destinations."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    out: dict[str, int] = {}
    for key, dest in reader.named_destinations.items():
        page = reader.get_destination_page_number(dest)
        if page is not None and page >= 0:
            out[_name(str(key))] = page
    return out


def _field_runs(begin_run: Any) -> list[Any]:
    """The runs of the complex field that starts at ``begin_run`` (begin … end)."""
    runs = [begin_run]
    el = begin_run.getnext()
    depth = 1
    while el is not None and depth:
        runs.append(el)
        for fc in el.iter(qn("w:fldChar")):
            kind = fc.get(qn("w:fldCharType"))
            depth += 1 if kind == "begin" else -1 if kind == "end" else 0
        el = el.getnext()
    return runs


def fix_roman_references(docx_bytes: bytes, pages: dict[str, int]) -> bytes:
    """The .docx with each ``PAGEREF … \\* roman`` replaced by its roman page number as text (a bookmark the
    PDF did not place keeps its field)."""
    src = zipfile.ZipFile(io.BytesIO(docx_bytes))
    root = etree.fromstring(src.read(_DOCUMENT))
    fields: list[tuple[Any, str]] = []
    for instr in root.iter(qn("w:instrText")):
        m = _ROMAN_REF.search(instr.text or "")
        if m is None:
            continue
        begin = instr.getparent().getprevious()
        if begin is not None and begin.find(qn("w:fldChar")) is not None:
            fields.append((begin, m.group(1)))
    placed = [pages[name] for _, name in fields if name in pages]
    first = min(placed, default=0)
    for begin, name in fields:
        if name not in pages:
            continue
        runs = _field_runs(begin)
        parent = begin.getparent()
        text_run = etree.SubElement(parent, qn("w:r"))
        t = etree.SubElement(text_run, qn("w:t"))
        t.text = roman(pages[name] - first + 1)
        begin.addprevious(text_run)
        for r in runs:
            parent.remove(r)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True) if (
                item.filename == _DOCUMENT
            ) else src.read(item.filename)
            dst.writestr(item, data)
    return out.getvalue()
