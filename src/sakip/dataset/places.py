"""Where a dataset issue is, in words: budget issues name the line and the field, never a path.

An issue of the loader carries its path in the document (``years[1].budget.lines[0].
children[2].quarters.3``): right for a person editing a dataset file, meaningless on a page.
:func:`place` reads the document at that path and says the same in words — "anggaran 2025,
baris 7.01.01.2.01 Koordinasi …, realisasi TW III" — with the line's code, so a page can
show the message on the line's row. `loader.load_document` places every issue it raises
(schema and meaning alike), so every channel (pages, API, imports) gets the words from
one place.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sakip.domain.errors import N_, Message
from sakip.domain.periods import QUARTER_LABELS

_TOKEN = re.compile(r"\[(\d+)\]|([^.\[\]]+)")

#: a budget line's fields in words
FIELDS: dict[str, str] = {
    "code": N_("kode"),
    "name": N_("uraian"),
    "level": N_("tingkat"),
    "class": N_("kelompok belanja"),
    "objectives": N_("sasaran"),
    "objective_shares": N_("bagian per sasaran"),
    "allocation": N_("pagu"),
    "allocation_original": N_("pagu murni"),
    "realisation": N_("realisasi setahun"),
    "quarters": N_("realisasi triwulan"),
    "basis": N_("cara pengisian realisasi"),
    "amendments": N_("perubahan pagu"),
    "explanation": N_("penjelasan"),
    "printed": N_("angka tercetak"),
}


@dataclass(frozen=True)
class Place:
    """An issue's place in words: the whole place, the budget line's code, and the field of that line."""

    where: Message
    year: int | None = None
    line: str | None = None
    field: Message | None = None


def tokens(path: str) -> list[str | int]:
    """``years[1].budget.lines[0]`` → ``["years", 1, "budget", "lines", 0]``."""
    return [int(i) if i else str(k) for i, k in _TOKEN.findall(path)]


def _get(node: Any, key: str | int) -> Any:
    if isinstance(key, int):
        return node[key] if isinstance(node, Sequence) and not isinstance(node, str) and key < len(node) else None
    return node.get(key) if isinstance(node, Mapping) else None


def _field(name: str, rest: list[str | int], item: Mapping[str, Any]) -> Message | None:
    if name not in FIELDS:
        return None
    if name == "quarters" and rest and str(rest[0]).isdigit() and int(rest[0]) in QUARTER_LABELS:
        return Message(N_("realisasi %(quarter)s"), {"quarter": QUARTER_LABELS[int(rest[0])]})
    if name == "amendments" and rest and isinstance(rest[0], int):
        amendments = item.get("amendments") or []
        a = amendments[rest[0]] if rest[0] < len(amendments) else {}
        q = a.get("from_quarter") if isinstance(a, Mapping) else None
        if isinstance(q, int) and q in QUARTER_LABELS:
            return Message(N_("perubahan pagu mulai %(quarter)s"), {"quarter": QUARTER_LABELS[q]})
    return Message(FIELDS[name])


def place(doc: Any, path: str) -> Place | None:
    """The place of ``path`` in words when it is in a year's budget; None elsewhere."""
    parts = tokens(path)
    if len(parts) < 3 or parts[0] != "years" or not isinstance(parts[1], int) or parts[2] != "budget":
        return None
    year_block = _get(_get(doc, "years"), parts[1])
    year = _get(year_block, "year") or ""
    number = int(year) if str(year).isdigit() else None
    budget = _get(year_block, "budget")
    rest = parts[3:]
    if not rest or rest[0] != "lines" or len(rest) < 2 or not isinstance(rest[1], int):
        head = rest[0] if rest else ""
        if head == "classes" and len(rest) > 1:
            return Place(
                Message(N_("anggaran %(year)s, kelompok belanja %(class)s"), {"year": year, "class": rest[1]}), number
            )
        if head in ("total", "printed_lines_total"):
            return Place(Message(N_("anggaran %(year)s, jumlah"), {"year": year}), number)
        return Place(Message(N_("anggaran %(year)s"), {"year": year}), number)
    line: Any = None
    siblings = _get(budget, "lines")
    i = 1
    while i < len(rest) and isinstance(rest[i], int):
        line = _get(siblings, rest[i])
        if i + 2 < len(rest) and rest[i + 1] == "children" and isinstance(rest[i + 2], int):
            siblings = _get(line, "children")
            i += 2
            continue
        break
    if not isinstance(line, Mapping):
        return Place(Message(N_("anggaran %(year)s"), {"year": year}), number)
    code, name = str(line.get("code", "")), str(line.get("name", ""))
    the_line = Message(N_("anggaran %(year)s, baris %(code)s %(name)s"), {"year": year, "code": code, "name": name})
    after = rest[i + 1 :]
    field = _field(str(after[0]), after[1:], line) if after else None
    if field is None:
        return Place(the_line, number, code)
    return Place(Message(N_("%(line)s, %(field)s"), {"line": the_line, "field": field}), number, code, field)
