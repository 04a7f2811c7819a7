"""PNG charts for documents.

Uses `sakip.reports.charts` PNG functions when they exist (``achievement_bars_png``,
``absorption_bars_png``); otherwise draws a minimal matplotlib chart here. Unmeasured
values are labelled "belum diukur", never drawn as 0.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

import matplotlib

matplotlib.use("Agg")
from matplotlib.figure import Figure as MplFigure

from sakip.domain.numbers import format_number
from sakip.domain.scales import PredicateScale

from .. import charts

COLORS = {"green": "#2f9e44", "lime": "#94d82d", "yellow": "#fab005", "orange": "#fd7e14", "red": "#e03131",
          "grey": "#adb5bd"}
DPI = 110


def _external(name: str) -> Callable[..., Any] | None:
    fn = getattr(charts, name, None)
    return fn if callable(fn) else None


def _png(fig: MplFigure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, bbox_inches="tight")
    return buf.getvalue()


def _short(label: str, limit: int = 55) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def achievement_png(labels: Sequence[str], values: Sequence[Decimal | None], colors: Sequence[str | None],
                    scale: PredicateScale) -> bytes:
    ext = _external("achievement_bars_png")
    if ext is not None:
        return bytes(ext(labels, values, colors, scale))
    k = max(len(labels), 1)
    fig = MplFigure(figsize=(7.0, min(0.32 * k + 0.9, 9.5)))
    ax = fig.subplots()
    top = max([float(x) for x in values if x is not None] + [110.0]) * 1.1
    ys = list(range(len(labels)))[::-1]
    for y, val, col in zip(ys, values, colors, strict=True):
        if val is None:
            ax.text(1, y, "belum diukur", va="center", fontsize=7, color="#616e7c", style="italic")
            continue
        ax.barh(y, float(val), color=COLORS.get(col or "grey", "#adb5bd"), height=0.6)
        ax.text(float(val) + top * 0.01, y, format_number(val), va="center", fontsize=7)
    ax.set_yticks(ys, [_short(x) for x in labels], fontsize=7)
    ax.set_xlim(0, top)
    ax.axvline(100, color="#1f2933", lw=0.8, ls="--")
    ax.set_xlabel("Capaian (%)", fontsize=8)
    ax.tick_params(axis="x", labelsize=7)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return _png(fig)


def absorption_png(labels: Sequence[str], values: Sequence[Decimal | None]) -> bytes:
    ext = _external("absorption_bars_png")
    if ext is not None:
        return bytes(ext(labels, values))
    k = max(len(labels), 1)
    fig = MplFigure(figsize=(7.0, min(0.32 * k + 0.9, 9.5)))
    ax = fig.subplots()
    ys = list(range(len(labels)))[::-1]
    for y, val in zip(ys, values, strict=True):
        if val is None:
            ax.text(1, y, "tanpa realisasi", va="center", fontsize=7, color="#616e7c", style="italic")
            continue
        col = COLORS["green"] if val >= 90 else COLORS["yellow"] if val >= 75 else COLORS["red"]
        ax.barh(y, float(val), color=col, height=0.6)
        ax.text(float(val) + 1, y, format_number(val), va="center", fontsize=7)
    ax.set_yticks(ys, [_short(x) for x in labels], fontsize=7)
    ax.set_xlim(0, 118)
    ax.set_xlabel("Penyerapan (%)", fontsize=8)
    ax.tick_params(axis="x", labelsize=7)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return _png(fig)
