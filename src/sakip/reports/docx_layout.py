"""Layout rules of the .docx renderer that need measuring: column widths from content, keep-with-next.

* `fit_words(table, widths)` — widen a column so that no word of a one-column cell (a header word
  above all) has to break inside itself, taking the room from columns with room to spare; words
  are measured in the template's table fonts (Arial; Liberation Sans has its metrics and is what
  LibreOffice prints with; matplotlib's DejaVu Sans, wider, as an upper bound).
* `fits(table, width, small)` — whether every word of the table fits in ``width`` twips at the body size
  (the renderer then tries the smaller type, then a landscape section: numbers never break in a table);
* `keep_with_next(p)` — keep a paragraph on the page of what follows it (the signature block);
* `page_break_before(p)` — start a paragraph on a new page;
* `unbreakable(text)` — a range of numbers ("2019–2021", "(25–100)") held together with word joiners:
  LibreOffice and Word may otherwise break a line after the dash.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from .model import Table


def _el(tag: str) -> Any:
    return OxmlElement(tag)


def page_break_before(p: Any) -> None:
    """Start a ``w:p`` on a new page ("page break before", in the schema's place after pStyle, keepNext,
    keepLines): unlike a paragraph holding a break, it never spills onto a blank page of its own."""
    ppr = p.find(qn("w:pPr"))
    if ppr is None:
        ppr = _el("w:pPr")
        p.insert(0, ppr)
    if ppr.find(qn("w:pageBreakBefore")) is not None:
        return
    after = [c for c in ppr if c.tag in (qn("w:pStyle"), qn("w:keepNext"), qn("w:keepLines"))]
    ppr.insert(ppr.index(after[-1]) + 1 if after else 0, _el("w:pageBreakBefore"))


def keep_with_next(p: Any) -> None:
    """Set keep-with-next on a ``w:p`` element (in the schema's place: right after the paragraph style)."""
    ppr = p.find(qn("w:pPr"))
    if ppr is None:
        ppr = _el("w:pPr")
        p.insert(0, ppr)
    if ppr.find(qn("w:keepNext")) is not None:
        return
    style = ppr.find(qn("w:pStyle"))
    ppr.insert(1 if style is not None else 0, _el("w:keepNext"))


# --------------------------------------------------------------------------- column widths from content

HEADER_PT, TEXT_PT, SMALL_PT = 8.5, 9.5, 8.0  # the default template's table styles (Sakip Table …)
CELL_MARGINS_TWIPS = 2 * 57 + 40  # left and right cell margins, and a little room for rounding


KNOWN_FONT_DIRS = tuple(
    Path("/usr/share/fonts/truetype") / d for d in ("liberation2", "liberation", "msttcorefonts")
)
FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".fonts")


@lru_cache(maxsize=2)
def _font(bold: bool) -> Any:
    """The table font for measuring: Arial, or Liberation Sans (Arial's metrics, what LibreOffice prints
    with), else matplotlib's DejaVu Sans (wider: an upper bound); ``None`` when none can be read."""
    from PIL import ImageFont

    names = (
        ("Arial Bold.ttf", "arialbd.ttf", "LiberationSans-Bold.ttf")
        if bold
        else ("Arial.ttf", "arial.ttf", "LiberationSans-Regular.ttf")
    )
    for d in KNOWN_FONT_DIRS:  # the usual places first: a walk over every font directory is slower
        for name in names:
            if (d / name).is_file():
                return ImageFont.truetype(str(d / name), 100)
    for name in names:
        for d in FONT_DIRS:
            found = next(iter(d.rglob(name)), None) if d.is_dir() else None
            if found is not None:
                return ImageFont.truetype(str(found), 100)
    try:
        import matplotlib

        fallback = (
            Path(matplotlib.get_data_path()) / "fonts" / "ttf" / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")
        )
        return ImageFont.truetype(str(fallback), 100)
    except Exception:  # pragma: no cover - no font at all: the estimate in word_twips
        return None


@lru_cache(maxsize=8192)
def word_twips(word: str, pt: float, bold: bool) -> int:
    """The printed width of ``word`` at ``pt`` points, in twips (1/20 pt)."""
    font = _font(bold)
    units = font.getlength(word) / 100 if font is not None else 0.62 * len(word)
    return int(units * pt * 20) + 1


_RANGE_DASH = re.compile(r"(?<=\d)([–—-])(?=\d)")
WORD_JOINER = "\u2060"


def unbreakable(text: str) -> str:
    """``text`` with a word joiner on each side of a dash between two digits (no line break there)."""
    return _RANGE_DASH.sub(lambda m: f"{WORD_JOINER}{m.group(1)}{WORD_JOINER}", text)


def _needs(t: Table, columns: int, small: bool) -> list[int]:
    """The narrowest width (twips) of each column in which its longest word does not break."""
    body_pt = SMALL_PT if small else TEXT_PT
    need = [0] * columns
    for is_header, rows in ((True, t.header), (False, t.rows)):
        pt = HEADER_PT if is_header else body_pt
        for cells in rows:
            col = 0
            for c in cells:
                if c.span == 1 and c.text:
                    longest = max((word_twips(w, pt, c.bold or is_header) for w in c.text.split()), default=0)
                    need[col] = max(need[col], longest + CELL_MARGINS_TWIPS)
                col += c.span
    return need


def fits(t: Table, width: int, small: bool) -> bool:
    """Whether the words of the table can all fit, unbroken, in ``width`` twips at the body size."""
    return sum(_needs(t, t.columns, small)) <= width


def fit_words(t: Table, widths: list[int], small: bool | None = None) -> list[int]:
    """Column widths (twips) widened so that no word of a one-column cell — a header word above all —
    has to break inside itself; the room comes from the columns with room to spare, in proportion to it.
    When the words cannot all fit in the table's width, the widths are left as they were."""
    need = _needs(t, len(widths), t.small if small is None else small)
    short = sum(max(n - w, 0) for n, w in zip(need, widths, strict=True))
    if short == 0 or sum(need) > sum(widths):
        return widths
    slack = [max(w - n, 0) for n, w in zip(need, widths, strict=True)]
    total_slack = sum(slack)
    out = []
    for n, w, room in zip(need, widths, slack, strict=True):
        out.append(n if w < n else w - (short * room) // total_slack)
    out[out.index(max(out))] += sum(widths) - sum(out)  # the rounding, to the widest column
    return out
