"""Helpers for the document tests: golden figures, independent Indonesian number text, reading .docx."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import docx
import yaml

GOLDEN_DIR = Path(__file__).resolve().parent.parent / "data" / "golden"
GOLDEN_FILES = {
    "kaloran": "000_09d92b3eb5f414a3.yaml",
    "kaliwates": "002_c924284602926141.yaml",
    "kandangserang": "003_c7cff2396b44b862.yaml",
}
NUMBER = re.compile(r"[−-]?\d{1,3}(?:\.\d{3})*,\d+")


def golden(code: str) -> Any:
    return yaml.safe_load((GOLDEN_DIR / GOLDEN_FILES[code]).read_text(encoding="utf-8"))


def walk(node: Any) -> Iterator[Any]:
    yield node
    if isinstance(node, dict):
        for v in node.values():
            yield from walk(v)
    elif isinstance(node, list):
        for v in node:
            yield from walk(v)


def id_text(value: Any, places: int = 2) -> str:
    """Independent Indonesian formatting for expected figures: 1234567.8 → ``1.234.567,80``."""
    d = Decimal(str(value)).quantize(Decimal(1).scaleb(-places))
    whole, _, frac = f"{abs(d):f}".partition(".")
    groups: list[str] = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    text = ".".join(groups) + ("," + frac if frac else "")
    return ("-" if d < 0 else "") + text


def open_docx(data: bytes) -> Any:
    return docx.Document(io.BytesIO(data))


def table_texts(document: Any) -> list[list[list[str]]]:
    return [[[c.text for c in row.cells] for row in t.rows] for t in document.tables]


def body_text(document: Any) -> str:
    return "\n".join(p.text for p in document.paragraphs)
