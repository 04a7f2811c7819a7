"""Charts rendered server-side with matplotlib as SVG, so pages and documents show the same charts.

Labels are Indonesian and numbers use the Indonesian format (``96,47``).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from sakip.domain.numbers import format_number
from sakip.domain.scales import PredicateScale

COLORS = {"green": "#2f9e44", "lime": "#94d82d", "yellow": "#fab005", "orange": "#fd7e14", "red": "#e03131",
          "grey": "#adb5bd"}
plt.rcParams.update({"svg.fonttype": "none", "font.size": 9, "axes.spines.top": False, "axes.spines.right": False})


def _id_fmt(places: int = 0) -> FuncFormatter:
    return FuncFormatter(lambda x, _pos: format_number(Decimal(str(x)), places))


def _svg(fig: Figure) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    plt.close(fig)
    text = buf.getvalue()
    return text[text.index("<svg"):]


def achievement_bars(labels: Sequence[str], values: Sequence[Decimal | None], colors: Sequence[str | None],
                     scale: PredicateScale, title: str = "Capaian indikator (%)") -> str:
    """Horizontal bars per indicator against the predicate bands; unmeasured shown as 'belum diukur'."""
    n = max(len(labels), 1)
    fig, ax = plt.subplots(figsize=(7.5, 0.45 * n + 1.2))
    top = max([float(v) for v in values if v is not None] + [110.0]) * 1.08
    for band in scale.bands:
        lo = float(band.min) if band.min is not None else 0.0
        hi = float(band.max) if band.max is not None else top
        ax.axvspan(max(lo, 0), min(hi, top), color=COLORS.get(band.color, "#eee"), alpha=0.12, lw=0)
    ys = list(range(len(labels)))[::-1]
    for y, v, c in zip(ys, values, colors, strict=True):
        if v is None:
            ax.text(1, y, "belum diukur", va="center", fontsize=8, color="#616e7c", style="italic")
            continue
        ax.barh(y, float(v), color=COLORS.get(c or "grey", "#adb5bd"), height=0.6)
        ax.text(float(v) + top * 0.01, y, format_number(v), va="center", fontsize=8)
    ax.set_yticks(ys, [label if len(label) <= 48 else label[:46] + "…" for label in labels])
    ax.set_xlim(0, top)
    ax.xaxis.set_major_formatter(_id_fmt())
    ax.axvline(100, color="#1f2933", lw=0.8, ls="--")
    ax.set_title(title, loc="left")
    return _svg(fig)


def trend(points: Sequence[tuple[str, Decimal | None]], target: Decimal | None = None,
          title: str = "Tren realisasi", unit: str = "") -> str:
    """A line across quarters or years; unmeasured points are gaps, never zeros."""
    fig, ax = plt.subplots(figsize=(6, 2.6))
    xs = list(range(len(points)))
    ys = [float(v) if v is not None else float("nan") for _, v in points]
    ax.plot(xs, ys, marker="o", color="#0b6e4f")
    for x, (_, v) in zip(xs, points, strict=True):
        ax.annotate(format_number(v, 2) if v is not None else "belum diukur", (x, 0 if v is None else float(v)),
                    textcoords="offset points", xytext=(0, 6), ha="center", fontsize=8,
                    color="#1f2933" if v is not None else "#616e7c")
    if target is not None:
        ax.axhline(float(target), color="#e03131", lw=0.8, ls="--", label=f"target {format_number(target)}")
        ax.legend(loc="lower right", fontsize=8, frameon=False)
    ax.set_xticks(xs, [label for label, _ in points])
    ax.yaxis.set_major_formatter(_id_fmt(1))
    ax.set_title(title + (f" ({unit})" if unit else ""), loc="left")
    return _svg(fig)


def absorption_bars(labels: Sequence[str], values: Sequence[Decimal | None],
                    title: str = "Penyerapan anggaran per program (%)") -> str:
    n = max(len(labels), 1)
    fig, ax = plt.subplots(figsize=(7.5, 0.45 * n + 1.2))
    ys = list(range(len(labels)))[::-1]
    for y, v in zip(ys, values, strict=True):
        if v is None:
            ax.text(1, y, "tanpa realisasi", va="center", fontsize=8, color="#616e7c", style="italic")
            continue
        color = COLORS["green"] if v >= 90 else COLORS["yellow"] if v >= 75 else COLORS["red"]
        ax.barh(y, float(v), color=color, height=0.6)
        ax.text(float(v) + 1, y, format_number(v), va="center", fontsize=8)
    ax.set_yticks(ys, [label if len(label) <= 48 else label[:46] + "…" for label in labels])
    ax.set_xlim(0, 115)
    ax.xaxis.set_major_formatter(_id_fmt())
    ax.set_title(title, loc="left")
    return _svg(fig)


def element_scores(names: Sequence[str], scores: Sequence[Decimal], mean: Decimal,
                   title: str = "Nilai unsur SKM terhadap rata-rata") -> str:
    n = max(len(names), 1)
    fig, ax = plt.subplots(figsize=(7.5, 0.4 * n + 1.2))
    ys = list(range(len(names)))[::-1]
    for y, s in zip(ys, scores, strict=True):
        ax.barh(y, float(s), color=COLORS["orange"] if s < mean else COLORS["green"], height=0.6)
        ax.text(float(s) + 0.8, y, format_number(s), va="center", fontsize=8)
    ax.axvline(float(mean), color="#1f2933", lw=0.8, ls="--")
    ax.set_yticks(ys, [x if len(x) <= 48 else x[:46] + "…" for x in names])
    ax.set_xlim(25, 105)
    ax.xaxis.set_major_formatter(_id_fmt())
    ax.set_title(f"{title} ({format_number(mean)})", loc="left")
    return _svg(fig)
