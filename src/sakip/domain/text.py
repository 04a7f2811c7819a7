"""Text that every file format and database can hold.

XML 1.0 (every .xlsx and .docx part) cannot carry the C0 control characters other than
tab, line feed and carriage return, nor U+FFFE/U+FFFF; PostgreSQL refuses NUL in text;
a lone surrogate cannot be encoded as UTF-8. `CONTROL` matches every such character.

The boundary refuses them in what a person sends (`sakip.core.boundary`); writers of
files clean what is already stored with `clean_text` (a second line of defence: a text
stored before the boundary existed must not break a template or a document for everyone).
"""

from __future__ import annotations

import re

CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def has_control(text: str) -> bool:
    """Does ``text`` hold a character that XML, PostgreSQL or UTF-8 cannot carry?"""
    return CONTROL.search(text) is not None


def clean_text(text: str) -> str:
    """``text`` without those characters (vertical tab and form feed become a line break)."""
    if not CONTROL.search(text):
        return text
    return CONTROL.sub(lambda m: "\n" if m.group(0) in "\x0b\x0c" else "", text)
