"""A chart drawn once as shapes in inches, written as SVG text (the pages) or as a matplotlib figure (PNG
for the documents).

The bar and trend charts (`sakip.reports.charts`) are plain shapes — rectangles, lines, markers and
text at positions computed in inches — so they are recorded on a `Canvas` and written by either
writer. The SVG writer is a few string joins (about a millisecond for a chart of 40 bars, where
matplotlib's SVG backend took 0.3–0.6 s: most of the first request of an office dashboard after a
change, issue #12); the PNG keeps matplotlib's text rendering and anti-aliasing, so a page and a
document show the same chart.

The SVG is written for the pages' Content-Security-Policy (no ``style`` attribute, no ``<style>``:
presentation attributes only); every text is escaped, so user text (an indicator name) is drawn
literally.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field
from typing import Literal

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

HAlign = Literal["left", "center", "right"]
VAlign = Literal["top", "center", "bottom"]

PT = 72.0  # SVG units per inch (points, as matplotlib writes them)
FONT_FAMILY = "DejaVu Sans, Liberation Sans, Arial, sans-serif"  # matplotlib's default font first


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    width: float
    height: float
    color: str
    alpha: float = 1.0


@dataclass(frozen=True)
class Line:
    xs: tuple[float, ...]
    ys: tuple[float, ...]  # NaN: a gap (a value not measured), as matplotlib leaves it
    color: str
    width: float = 1.5  # points
    dashed: bool = False
    markers: bool = False


@dataclass(frozen=True)
class Text:
    x: float
    y: float
    text: str
    size: float = 9.0  # points
    ha: HAlign = "left"
    va: VAlign = "center"
    color: str = "#000000"
    italic: bool = False


@dataclass
class Canvas:
    """Shapes on a ``width`` × ``height`` inch area; y grows upwards from the bottom (as matplotlib's)."""

    width: float
    height: float
    title: str = ""
    shapes: list[Box | Line | Text] = field(default_factory=list)

    def box(self, x: float, y: float, width: float, height: float, color: str, alpha: float = 1.0) -> None:
        self.shapes.append(Box(x, y, width, height, color, alpha))

    def line(self, xs: list[float], ys: list[float], color: str, width: float = 1.5, *, dashed: bool = False,
             markers: bool = False) -> None:
        self.shapes.append(Line(tuple(xs), tuple(ys), color, width, dashed, markers))

    def text(self, x: float, y: float, text: str, size: float = 9.0, *, ha: HAlign = "left", va: VAlign = "center",
             color: str = "#000000", italic: bool = False) -> None:
        self.shapes.append(Text(x, y, text, size, ha, va, color, italic))

    # ----------------------------------------------------------------------------------------- SVG

    def svg(self) -> str:
        """The chart as an inline ``<svg>`` element (scales with its container: width 100 %, viewBox)."""
        w, h = self.width * PT, self.height * PT
        label = html.escape(self.title)
        out = [
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_n(w)} {_n(h)}" width="{_n(w)}pt" '
            f'height="{_n(h)}pt" role="img" aria-label="{label}" font-family="{FONT_FAMILY}">',
            f"<title>{label}</title>" if label else "",
        ]
        for shape in self.shapes:
            if isinstance(shape, Box):
                out.append(
                    f'<rect x="{_n(shape.x * PT)}" y="{_n((self.height - shape.y - shape.height) * PT)}" '
                    f'width="{_n(shape.width * PT)}" height="{_n(shape.height * PT)}" fill="{shape.color}"'
                    + (f' fill-opacity="{_n(shape.alpha)}"' if shape.alpha != 1 else "")
                    + "/>"
                )
            elif isinstance(shape, Line):
                out.extend(self._line_svg(shape))
            else:
                out.append(self._text_svg(shape))
        out.append("</svg>")
        return "".join(out)

    def _point(self, x: float, y: float) -> str:
        return f"{_n(x * PT)},{_n((self.height - y) * PT)}"

    def _line_svg(self, line: Line) -> list[str]:
        stroke = f'stroke="{line.color}" stroke-width="{_n(line.width)}"'
        if line.dashed:
            stroke += f' stroke-dasharray="{_n(3.7 * line.width)},{_n(1.6 * line.width)}"'
        out = []
        segment: list[str] = []
        for x, y in [*zip(line.xs, line.ys, strict=True), (math.nan, math.nan)]:
            if math.isnan(y):  # a gap ends the segment
                if len(segment) > 1:
                    out.append(f'<polyline points="{" ".join(segment)}" fill="none" {stroke}/>')
                segment = []
                continue
            segment.append(self._point(x, y))
        if line.markers:
            for x, y in zip(line.xs, line.ys, strict=True):
                if not math.isnan(y):
                    cx, cy = self._point(x, y).split(",")
                    out.append(f'<circle cx="{cx}" cy="{cy}" r="3" fill="{line.color}"/>')
        return out

    def _text_svg(self, t: Text) -> str:
        anchor = {"left": "start", "center": "middle", "right": "end"}[t.ha]
        baseline = {"top": "hanging", "center": "central", "bottom": "auto"}[t.va]
        cx, cy = self._point(t.x, t.y).split(",")
        return (
            f'<text x="{cx}" y="{cy}" font-size="{_n(t.size)}" text-anchor="{anchor}" dominant-baseline="{baseline}"'
            + (f' fill="{t.color}"' if t.color != "#000000" else "")
            + (' font-style="italic"' if t.italic else "")
            + f">{html.escape(t.text, quote=False)}</text>"
        )

    # ----------------------------------------------------------------------------------------- matplotlib

    def figure(self) -> Figure:
        """The same shapes on a matplotlib figure (one axes in inches, axis off), for PNG."""
        fig = Figure(figsize=(self.width, self.height))
        FigureCanvasAgg(fig)
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_axis_off()
        ax.set_xlim(0, self.width)
        ax.set_ylim(0, self.height)
        for shape in self.shapes:
            if isinstance(shape, Box):
                ax.add_patch(Rectangle((shape.x, shape.y), shape.width, shape.height, color=shape.color,
                                       alpha=shape.alpha, lw=0))
            elif isinstance(shape, Line):
                ax.plot(list(shape.xs), list(shape.ys), color=shape.color, lw=shape.width,
                        ls="--" if shape.dashed else "-", marker="o" if shape.markers else None)
            else:
                ax.text(shape.x, shape.y, shape.text, ha=shape.ha, va=shape.va, fontsize=shape.size,
                        color=shape.color, style="italic" if shape.italic else "normal")
        return fig


def _n(value: float) -> str:
    """A coordinate with two decimals at most, without trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text
