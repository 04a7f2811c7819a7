"""The pohon kinerja as a diagram: boxes and links goal → objective → indicator → program → activity.

Drawn server-side on the charts' `reports.drawing.Canvas` (inline SVG under the pages' Content-Security-
Policy: presentation attributes only, every text escaped). Five columns, one box per node; a box is tinted
with its predicate's colour — the scale's band colour (`domain.scales.Band.color`, the one predicate rule),
written with the charts' colour table (`reports.charts.COLORS`). The programs serving an objective are
linked from its indicators (the plan links programs to objectives, which its indicators measure).

Input: plain `Node`s, built by the tree page from the same figures as the text tree beside it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sakip.reports.charts import COLORS
from sakip.reports.drawing import Canvas

COLUMN_W = 2.0  # inches
GAP = 0.28
ROW_H = 0.62
BOX_H = 0.52
HEADER_H = 0.4
MARGIN = 0.1
GOAL_INDENT = 0.3  # a goal's indicators sit under the goal's box
TEXT_SIZE = 7.5
LABEL_SIZE = 6.5
CHARS_PER_LINE = 31  # at TEXT_SIZE in COLUMN_W (DejaVu Sans, average width)

#: a light tint of each predicate colour, for the box; the full colour is the box's left strip
TINTS = {
    "green": "#d3f9d8",
    "lime": "#e9fac8",
    "yellow": "#fff3bf",
    "orange": "#ffe8cc",
    "red": "#ffe3e3",
    "grey": "#f1f3f5",
}
NEUTRAL = "#ffffff"
LINE = "#868e96"
TEXT = "#1f2933"
MUTED = "#495057"


@dataclass
class Node:
    """One box: ``kind`` is the column's label, ``code`` and ``text`` its title, ``figures`` one short
    line (achievement and predicate), ``color`` the predicate's colour name (``None``: no predicate)."""

    kind: str
    code: str
    text: str
    figures: str = ""
    color: str | None = None
    children: list[Node] = field(default_factory=list)


@dataclass
class Objective:
    node: Node
    indicators: list[Node]
    programs: list[Node]  # each with its activities as children


@dataclass
class Goal:
    node: Node
    objectives: list[Objective]
    indicators: list[Node] = field(default_factory=list)  # the goal's own indicators, under its box


def _span_program(p: Node) -> int:
    return max(1, len(p.children))


def _span_objective(o: Objective) -> int:
    return max(1, len(o.indicators), sum(_span_program(p) for p in o.programs))


def _span_goal(g: Goal) -> int:
    return max(1 + len(g.indicators), sum(_span_objective(o) for o in g.objectives))


def _lines(text: str, width: int = CHARS_PER_LINE, count: int = 2) -> list[str]:
    """``text`` wrapped at word boundaries into at most ``count`` lines of ``width`` characters; "…" marks
    what was left out."""
    lines: list[str] = []
    line = ""
    words = text.split()
    for n, word in enumerate(words):
        candidate = f"{line} {word}".strip()
        if len(candidate) <= width:
            line = candidate
            continue
        lines.append(line or word[: width - 1] + "…")
        line = word if line else ""
        if len(lines) == count:
            rest = words[n:] if line else words[n + 1:]
            if rest or line:
                lines[-1] = lines[-1][: width - 1].rstrip() + "…"
            return lines
    if line:
        lines.append(line)
    return lines


class _Drawing:
    def __init__(self, rows: int, columns: list[str], title: str) -> None:
        self.height = HEADER_H + rows * ROW_H + 2 * MARGIN
        width = 2 * MARGIN + len(columns) * COLUMN_W + (len(columns) - 1) * GAP
        self.canvas = Canvas(width, self.height, title=title)
        for i, label in enumerate(columns):
            self.canvas.text(self._x(i) + COLUMN_W / 2, self.height - MARGIN - HEADER_H / 2, label, LABEL_SIZE + 1,
                             ha="center", color=MUTED)

    def _x(self, column: int) -> float:
        return MARGIN + column * (COLUMN_W + GAP)

    def _y(self, row: float) -> float:
        """The centre of row ``row`` (0 at the top; fractions for a span's middle)."""
        return self.height - MARGIN - HEADER_H - (row + 0.5) * ROW_H

    def box(self, column: int, row: float, node: Node, indent: float = 0.0) -> None:
        x, yc = self._x(column) + indent, self._y(row)
        y = yc - BOX_H / 2
        w = COLUMN_W - indent
        c = self.canvas
        c.box(x, y, w, BOX_H, TINTS.get(node.color or "", NEUTRAL))
        c.box(x, y, 0.06, BOX_H, COLORS.get(node.color or "", LINE) if node.color else LINE)
        c.line([x, x + w, x + w, x, x], [y, y, y + BOX_H, y + BOX_H, y], LINE, 0.6)
        title = f"{node.code} {node.text}".strip() if node.code else node.text
        lines = _lines(title, CHARS_PER_LINE - round(indent * 14))
        top = y + BOX_H - (0.1 if node.figures or len(lines) > 1 else BOX_H / 2)
        for i, line in enumerate(lines):
            c.text(x + 0.12, top - i * 0.14, line, TEXT_SIZE, va="center", color=TEXT)
        if node.figures:
            c.text(x + 0.12, y + 0.09, _lines(node.figures, count=1)[0], LABEL_SIZE, va="center", color=MUTED)

    def below(self, column: int, from_row: float, to_row: float, indent: float) -> None:
        """A link from a box down to a box of the same column, indented under it (a goal's indicator)."""
        x = self._x(column) + indent / 2
        y0, y1 = self._y(from_row) - BOX_H / 2, self._y(to_row)
        self.canvas.line([x, x, self._x(column) + indent], [y0, y1, y1], LINE, 0.8)

    def link(self, from_col: int, from_row: float, to_col: int, to_row: float) -> None:
        x0 = self._x(from_col) + COLUMN_W
        x1 = self._x(to_col)
        xm = x1 - GAP / 2
        y0, y1 = self._y(from_row), self._y(to_row)
        self.canvas.line([x0, xm, xm, x1], [y0, y0, y1, y1], LINE, 0.8)


def tree_svg(goals: list[Goal], columns: list[str], title: str) -> str:
    """The diagram as an inline ``<svg>`` (``columns``: the five column labels, translated by the caller)."""
    rows = sum(_span_goal(g) for g in goals)
    d = _Drawing(max(rows, 1), columns, title)
    row = 0
    for g in goals:
        g_span = _span_goal(g)
        g_mid = row if g.indicators else row + (g_span - 1) / 2
        d.box(0, g_mid, g.node)
        for i, ind in enumerate(g.indicators):
            d.box(0, row + 1 + i, ind, indent=GOAL_INDENT)
            d.below(0, g_mid, row + 1 + i, GOAL_INDENT)
        o_row = row
        for o in g.objectives:
            o_span = _span_objective(o)
            o_mid = o_row + (o_span - 1) / 2
            d.box(1, o_mid, o.node)
            d.link(0, g_mid, 1, o_mid)
            for i, ind in enumerate(o.indicators):
                d.box(2, o_row + i, ind)
                d.link(1, o_mid, 2, o_row + i)
            ind_mid = o_row + (len(o.indicators) - 1) / 2 if o.indicators else o_mid
            p_row = o_row
            for p in o.programs:
                p_span = _span_program(p)
                p_mid = p_row + (p_span - 1) / 2
                d.box(3, p_mid, p)
                d.link(2 if o.indicators else 1, ind_mid, 3, p_mid)
                for j, a in enumerate(p.children):
                    d.box(4, p_row + j, a)
                    d.link(3, p_mid, 4, p_row + j)
                p_row += p_span
            o_row += o_span
        row += g_span
    return d.canvas.svg()
