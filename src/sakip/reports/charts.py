"""Charts rendered server-side: SVG for the web pages, PNG bytes for the documents.

Each chart is drawn once as shapes in inches (``_*_figure`` → `sakip.reports.drawing.Canvas`) and
written either as SVG text by the canvas itself (``achievement_bars`` …, marked safe by the views:
our own output, every text escaped; a few milliseconds where matplotlib's SVG backend took up to
0.6 s for 40 bars) or as PNG bytes through matplotlib (``achievement_bars_png`` …) for python-docx,
so pages and documents show the same charts.

Labels are Indonesian and numbers use the Indonesian format (``96,47``). A value that was not
measured is never drawn as 0: it is written "belum diukur" (a gap in a trend line).
User text (indicator and program names) is drawn literally: mathtext parsing is switched off so a
``$`` in a name can neither fail the rendering nor be interpreted.

`quarter_charts_png` draws the Laporan Triwulan's chart per indicator (target and realisation to date per
quarter) with Pillow — the same look, at a fraction of matplotlib's cost per label.

`scorecard_charts_png` makes the four charts of an office-year for the LKjIP (SPEC §7.1):
achievement per indicator against the predicate bands, trend across years per indicator,
budget absorption per program, and survey element scores against their mean.
"""

from __future__ import annotations

import functools
import io
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from PIL import Image, ImageDraw, ImageFont

from sakip.domain.numbers import format_number
from sakip.domain.one_figure import distinct
from sakip.domain.scales import PredicateScale
from sakip.domain.scorecard import IndicatorScore, Scorecard
from sakip.reports.drawing import Canvas

COLORS = {
    "green": "#2f9e44",
    "lime": "#94d82d",
    "yellow": "#fab005",
    "orange": "#fd7e14",
    "red": "#e03131",
    "grey": "#adb5bd",
}
NOT_MEASURED = "belum diukur"


@dataclass(frozen=True)
class ChartWords:
    """The fixed words drawn inside a chart (titles are passed apart): Indonesian, as the documents print them;
    a page passes its language's (`sakip.core.i18n.chart_words`)."""

    not_measured: str = NOT_MEASURED
    no_realisation: str = "tanpa realisasi"
    target: str = "target"


INDONESIAN = ChartWords()
PNG_DPI = 110
plt.rcParams.update(
    {
        "svg.fonttype": "none",
        "font.size": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "text.parse_math": False,  # names are user text: never mathtext
    }
)


def _short(label: str, limit: int = 48) -> str:
    return label if len(label) <= limit else label[: limit - 2] + "…"


#: SVG charts drawn lately, by what they are drawn from: a chart is a pure function of its arguments, and
#: after a change of one figure a dashboard draws again the charts whose data did not change (most of the
#: first request after a change, issue #11). Bounded; per process.
_SVG_KEPT_MAX = 512
_svg_kept: OrderedDict[tuple[object, ...], str] = OrderedDict()
_svg_lock = threading.Lock()


def _hashable(value: object) -> object:
    """A key that tells apart what draws differently: 1.0 and 1.00 (Decimal), 1 and 1.0 and True."""
    if isinstance(value, list | tuple):
        return tuple(_hashable(v) for v in value)
    if isinstance(value, Decimal):
        return ("Decimal", str(value))
    return (type(value).__qualname__, value)


def _kept_svg(kind: str, args: tuple[object, ...], draw: Callable[[], Canvas]) -> str:
    """``draw().svg()``, or the same text drawn before from the same arguments."""
    try:
        key = (kind, *(_hashable(a) for a in args))
        hash(key)
    except TypeError:  # an argument that cannot be a key: drawn every time
        return draw().svg()
    with _svg_lock:
        if key in _svg_kept:
            _svg_kept.move_to_end(key)
            return _svg_kept[key]
    text = draw().svg()
    with _svg_lock:
        _svg_kept[key] = text
        while len(_svg_kept) > _SVG_KEPT_MAX:
            _svg_kept.popitem(last=False)
    return text


def _png(drawn: Canvas | Figure, dpi: int = PNG_DPI) -> bytes:
    """PNG with the figure's own fixed layout (no "tight" measuring pass) and fast compression."""
    fig = drawn.figure() if isinstance(drawn, Canvas) else drawn
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None}, pil_kwargs={"compress_level": 1})
    plt.close(fig)
    return buf.getvalue()


def _label_inches(labels: Sequence[str]) -> float:
    """Room for category labels at 9 pt: about 0.07 in per character."""
    return 0.25 + 0.07 * max((len(label) for label in labels), default=0)


# --------------------------------------------------------------------------- horizontal bars


BAR_WIDTH, ROW = 7.5, 0.45  # inches: the figure's width, one bar's row


def _hbars(
    labels: Sequence[str],
    values: Sequence[Decimal | None],
    colors: Sequence[str],
    *,
    x_range: tuple[float, float],
    title: str,
    missing: str,
    bands: Sequence[tuple[float, float, str]] = (),
    reference: float | None = None,
    row: float = ROW,
) -> Canvas:
    """Labelled horizontal bars drawn in inches on one axes without ticks (one cheap drawing pass):
    optional background bands ``(from, to, colour)``, a dashed reference line, each value written
    after its bar, ``missing`` written where a value is ``None`` (never a zero bar)."""
    shown = [_short(label) for label in labels]
    n = max(len(labels), 1)
    top_m, bottom_m = 0.45, 0.45
    height = row * n + top_m + bottom_m
    c = Canvas(BAR_WIDTH, height, title)
    x0 = min(_label_inches(shown), BAR_WIDTH * 0.6)
    x1 = BAR_WIDTH - 0.3
    lo, hi = x_range
    y_bottom, y_top = bottom_m, height - top_m

    def x_of(value: float) -> float:
        return x0 + (x1 - x0) * (min(max(value, lo), hi) - lo) / (hi - lo)

    for b_lo, b_hi, color in bands:
        if b_hi > lo and b_lo < hi:
            c.box(x_of(b_lo), y_bottom, x_of(b_hi) - x_of(b_lo), y_top - y_bottom, color, alpha=0.12)
    ys = [y_top - row * (i + 0.5) for i in range(len(labels))]
    for y, v, color in zip(ys, values, colors, strict=True):
        if v is not None:
            c.box(x_of(lo), y - row * 0.3, x_of(float(v)) - x_of(lo), row * 0.6, color)
    for y, label, v in zip(ys, shown, values, strict=True):
        c.text(x0 - 0.08, y, label, 9, ha="right")
        if v is None:
            c.text(x_of(lo) + 0.05, y, missing, 8, color="#616e7c", italic=True)
        else:
            c.text(x_of(float(v)) + 0.05, y, format_number(v), 8)
    ticks = [t for t in MaxNLocator(7).tick_values(lo, hi) if lo <= t <= hi]
    c.line([x0, x0], [y_bottom, y_top], "#1f2933", 0.8)
    c.line([x0, x1], [y_bottom, y_bottom], "#1f2933", 0.8)
    for t in ticks:
        c.line([x_of(t), x_of(t)], [y_bottom, y_bottom - 0.05], "#1f2933", 0.8)
        c.text(x_of(t), y_bottom - 0.09, format_number(Decimal(str(t)), 0), 9, ha="center", va="top")
    if reference is not None:
        c.line([x_of(reference)] * 2, [y_bottom, y_top], "#1f2933", 0.8, dashed=True)
    c.text(x0, height - 0.1, title, 10, va="top")
    return c


# --------------------------------------------------------------------------- achievement per indicator


def _achievement_figure(
    labels: Sequence[str],
    values: Sequence[Decimal | None],
    colors: Sequence[str | None],
    scale: PredicateScale,
    title: str,
    words: ChartWords = INDONESIAN,
) -> Canvas:
    top = max([float(v) for v in values if v is not None] + [110.0]) * 1.08
    bands = [
        (
            float(b.min) if b.min is not None else 0.0,
            float(b.max) if b.max is not None else top,
            COLORS.get(b.color, "#eeeeee"),
        )
        for b in scale.bands
    ]
    return _hbars(
        labels,
        values,
        [COLORS.get(c or "grey", COLORS["grey"]) for c in colors],
        x_range=(0.0, top),
        title=title,
        missing=words.not_measured,
        bands=bands,
        reference=100.0,
    )


def achievement_bars(
    labels: Sequence[str],
    values: Sequence[Decimal | None],
    colors: Sequence[str | None],
    scale: PredicateScale,
    title: str = "Capaian indikator (%)",
    words: ChartWords = INDONESIAN,
) -> str:
    """Horizontal bars per indicator against the predicate bands; unmeasured shown as 'belum diukur' (SVG)."""
    return _kept_svg(
        "achievement", (labels, values, colors, scale, title, words),
        lambda: _achievement_figure(labels, values, colors, scale, title, words),
    )


def achievement_bars_png(
    labels: Sequence[str],
    values: Sequence[Decimal | None],
    colors: Sequence[str | None],
    scale: PredicateScale,
    title: str = "Capaian indikator (%)",
) -> bytes:
    return _png(_achievement_figure(labels, values, colors, scale, title))


# --------------------------------------------------------------------------- trend


TREND_SIZE = (6.0, 2.6)  # inches, one trend chart
_TREND_MARGINS = (0.3, 0.2, 0.45, 0.45)  # left, right, top, bottom (inches) around the plotting area

Point = tuple[str, Decimal | None]
TrendSpec = tuple[Sequence[Point], Decimal | None, str, str]  # points, target, title, unit


def _trend_panel(
    c: Canvas, y0: float, points: Sequence[Point], target: Decimal | None, title: str, unit: str,
    words: ChartWords = INDONESIAN,
) -> None:
    """One trend chart drawn in inches on the canvas (no ticks, no axis machinery: cheap).

    The plotting area is the panel less `_TREND_MARGINS`; values are placed between its bottom
    and top with a quarter of their range as margin, as ``ax.margins(y=0.25)`` would."""
    width, height = TREND_SIZE
    left, right, top, bottom = _TREND_MARGINS
    x_lo, x_hi = left, width - right
    y_lo, y_hi = y0 + bottom, y0 + height - top
    n = len(points)
    xs = [x_lo + (x_hi - x_lo) * (0.5 if n == 1 else 0.06 + 0.88 * i / (n - 1)) for i in range(n)]
    known = [float(v) for _, v in points if v is not None] + ([float(target)] if target is not None else [])
    lo, hi = (min(known), max(known)) if known else (0.0, 1.0)
    if hi == lo:
        lo, hi = lo - (abs(lo) * 0.1 or 1.0), hi + (abs(hi) * 0.1 or 1.0)
    pad = (hi - lo) * 0.25
    lo, hi = lo - pad, hi + pad

    def y_of(value: float) -> float:
        return y_lo + (y_hi - y_lo) * (value - lo) / (hi - lo)

    c.line([x_lo - 0.1, x_hi + 0.1], [y_lo, y_lo], "#1f2933", 0.8)  # the time axis
    ys = [y_of(float(v)) if v is not None else float("nan") for _, v in points]
    c.line(xs, ys, "#0b6e4f", markers=True)
    for x, (label, v) in zip(xs, points, strict=True):
        c.text(x, y_lo - 0.08, label, 9, ha="center", va="top")
        if v is None:  # there is no value to place it at: written on the time axis
            c.text(x, y_lo + 0.05, words.not_measured, 8, ha="center", va="bottom", color="#616e7c", italic=True)
            continue
        c.text(x, y_of(float(v)) + 0.08, format_number(v, 2), 8, ha="center", va="bottom", color="#1f2933")
    if target is not None:
        ty = y_of(float(target))
        c.line([x_lo - 0.1, x_hi + 0.1], [ty, ty], "#e03131", 0.8, dashed=True)
        c.text(
            x_hi + 0.1, ty + 0.04, f"{words.target} {format_number(target)}", 8, ha="right", va="bottom",
            color="#e03131",
        )
    c.text(0.1, y0 + height - 0.12, _short(title + (f" ({unit})" if unit else ""), 64), 10, va="top")


def _trends_figure(charts: Sequence[TrendSpec], words: ChartWords = INDONESIAN) -> Canvas:
    """The charts stacked on one canvas, the first at the top."""
    width, height = TREND_SIZE
    n = max(len(charts), 1)
    c = Canvas(width, height * n, charts[0][2] if len(charts) == 1 else "")
    for i, (points, target, title, unit) in enumerate(charts):
        _trend_panel(c, height * (n - 1 - i), points, target, title, unit, words)
    return c


def trend(
    points: Sequence[Point], target: Decimal | None = None, title: str = "Tren realisasi", unit: str = "",
    words: ChartWords = INDONESIAN,
) -> str:
    """A line across quarters or years; unmeasured points are gaps, never zeros (SVG)."""
    return _kept_svg(
        "trend", (points, target, title, unit, words), lambda: _trends_figure([(points, target, title, unit)], words)
    )


def trend_png(
    points: Sequence[Point], target: Decimal | None = None, title: str = "Tren realisasi", unit: str = ""
) -> bytes:
    return trends_png([(points, target, title, unit)])[0]


def trends_png(charts: Sequence[TrendSpec], dpi: int = PNG_DPI) -> list[bytes]:
    """Many trend charts as PNGs, drawn on one canvas in one pass and cut apart (the same look as
    `trend_png`, at a fraction of the cost of one figure per chart)."""
    n = len(charts)
    if n == 0:
        return []
    return _cut(_trends_figure(charts).figure(), n, dpi)


def _cut(fig: Figure, n: int, dpi: int) -> list[bytes]:
    """A figure of ``n`` equal panels stacked top to bottom, drawn once and cut into ``n`` PNGs."""
    fig.set_dpi(dpi)
    canvas = fig.canvas
    assert isinstance(canvas, FigureCanvasAgg)
    canvas.draw()  # type: ignore[no-untyped-call]
    rgba = canvas.buffer_rgba()  # type: ignore[no-untyped-call]
    image = Image.frombuffer("RGBA", canvas.get_width_height(), rgba, "raw", "RGBA", 0, 1)
    w, h = image.size
    out: list[bytes] = []
    for i in range(n):
        buf = io.BytesIO()
        image.crop((0, round(h * i / n), w, round(h * (i + 1) / n))).convert("RGB").save(
            buf, format="PNG", compress_level=1
        )
        out.append(buf.getvalue())
    return out


# --------------------------------------------------------------------------- target and realisation per quarter


QUARTER_SIZE = (6.0, 2.2)  # inches, one indicator's quarter chart


@dataclass(frozen=True)
class QuarterBar:
    """One quarter of an indicator's chart: the target and the realisation to date, or the words for
    what is missing (``None`` values are never drawn as 0)."""

    label: str  # "TW I"
    target: Decimal | None
    realisation: Decimal | None
    target_missing: str = "target belum ditetapkan"
    realisation_missing: str = NOT_MEASURED  # "": nothing written (a quarter after the report's)


QuarterSpec = tuple[Sequence[QuarterBar], str, str]  # quarters, title, unit


@functools.lru_cache(maxsize=16)
def _pil_font(px: int, style: str = "") -> ImageFont.FreeTypeFont:
    """matplotlib's own DejaVu Sans (always installed with it) at ``px`` pixels; ``style`` "Oblique"."""
    name = f"DejaVuSans-{style}.ttf" if style else "DejaVuSans.ttf"
    return ImageFont.truetype(str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / name), px)


def _quarter_png(bars: Sequence[QuarterBar], title: str, unit: str, dpi: int) -> bytes:
    """Grouped bars (target to date, realisation to date) per quarter, drawn with Pillow: a chart of this
    kind has a few dozen labels, and Pillow writes them at a small fraction of matplotlib's cost per label
    (twenty indicators' charts in a few tens of milliseconds). The value is written above each bar; the
    words for a missing value stand upright at the baseline — never a bar of 0."""
    width_in, height_in = QUARTER_SIZE
    k = dpi / 72  # pixels per point
    w, h = round(width_in * dpi), round(height_in * dpi)
    img = Image.new("RGB", (w, h), "white")
    draw = ImageDraw.Draw(img)
    left, right, top, bottom = (round(x * dpi) for x in (0.3, 1.5, 0.45, 0.35))
    x_lo, x_hi, y_top, y_bottom = left, w - right, top, h - bottom
    known = [float(v) for b in bars for v in (b.target, b.realisation) if v is not None]
    lo = min([0.0, *known])
    hi = max([*known, 0.0]) or 1.0
    hi = hi + (hi - lo) * 0.2

    def y_of(value: float) -> float:
        return y_bottom - (y_bottom - y_top) * (value - lo) / (hi - lo)

    label_font, value_font = _pil_font(round(8 * k)), _pil_font(round(6.5 * k))
    missing_font = _pil_font(round(6 * k), "Oblique")
    draw.text(
        (round(0.1 * dpi), round(0.08 * dpi)),
        _short(title + (f" ({unit})" if unit else ""), 70),
        fill="#1f2933",
        font=_pil_font(round(9 * k)),
    )
    slot = (x_hi - x_lo) / max(len(bars), 1)
    bar_w = slot * 0.32
    zero = y_of(0.0)
    for i, b in enumerate(bars):
        centre = x_lo + slot * (i + 0.5)
        draw.text((centre, y_bottom + 0.07 * dpi), b.label, fill="#1f2933", font=label_font, anchor="mt")
        for value, missing, dx, color in (
            (b.target, b.target_missing, -bar_w / 2 - 2, "#adb5bd"),
            (b.realisation, b.realisation_missing, bar_w / 2 + 2, "#0b6e4f"),
        ):
            x = centre + dx
            if value is None and not missing:  # nothing to say (a quarter not reported yet)
                continue
            if value is None:
                box = draw.textbbox((0, 0), missing, font=missing_font)
                word = Image.new("RGBA", (int(box[2]) + 2, int(box[3]) + 2), (255, 255, 255, 0))
                ImageDraw.Draw(word).text((1, 1), missing, fill="#616e7c", font=missing_font)
                upright = word.rotate(90, expand=True)
                img.paste(upright, (round(x - upright.width / 2), round(zero - 3 - upright.height)), upright)
                continue
            y = y_of(float(value))
            draw.rectangle((x - bar_w / 2, min(y, zero), x + bar_w / 2, max(y, zero)), fill=color)
            draw.text((x, min(y, zero) - 2), format_number(value, 2), fill="#1f2933", font=value_font, anchor="mb")
    draw.line((x_lo, zero, x_hi, zero), fill="#1f2933", width=max(1, round(0.8 * k)))
    for j, (color, text) in enumerate((("#adb5bd", "target s.d. triwulan"), ("#0b6e4f", "realisasi s.d. triwulan"))):
        yy = y_top + 0.15 * dpi + j * 0.22 * dpi
        draw.rectangle((x_hi + 0.15 * dpi, yy - 0.06 * dpi, x_hi + 0.29 * dpi, yy + 0.06 * dpi), fill=color)
        draw.text((x_hi + 0.35 * dpi, yy), text, fill="#1f2933", font=value_font, anchor="lm")
    buf = io.BytesIO()  # a few flat colours and their antialiasing: a small palette, half the encoding time
    img.quantize(colors=64, method=Image.Quantize.FASTOCTREE).save(buf, format="PNG", compress_level=1)
    return buf.getvalue()


def quarter_charts_png(charts: Sequence[QuarterSpec], dpi: int = 110) -> list[bytes]:
    """One chart per indicator of the Laporan Triwulan: target and realisation to date per quarter."""
    return [_quarter_png(bars, title, unit, dpi) for bars, title, unit in charts]


# --------------------------------------------------------------------------- budget absorption


def _absorption_figure(
    labels: Sequence[str], values: Sequence[Decimal | None], title: str, words: ChartWords = INDONESIAN
) -> Canvas:
    top = max([float(v) for v in values if v is not None] + [100.0]) * 1.15
    colors = [
        COLORS["green"]
        if v is not None and v >= 90
        else COLORS["yellow"]
        if v is not None and v >= 75
        else COLORS["red"]
        for v in values
    ]
    return _hbars(labels, values, colors, x_range=(0.0, top), title=title, missing=words.no_realisation)


def absorption_bars(
    labels: Sequence[str], values: Sequence[Decimal | None], title: str = "Penyerapan anggaran per program (%)",
    words: ChartWords = INDONESIAN,
) -> str:
    return _kept_svg(
        "absorption", (labels, values, title, words), lambda: _absorption_figure(labels, values, title, words)
    )


def absorption_bars_png(
    labels: Sequence[str], values: Sequence[Decimal | None], title: str = "Penyerapan anggaran per program (%)"
) -> bytes:
    return _png(_absorption_figure(labels, values, title))


# --------------------------------------------------------------------------- survey elements


def _elements_figure(
    names: Sequence[str], scores: Sequence[Decimal], mean: Decimal, title: str, words: ChartWords = INDONESIAN
) -> Canvas:
    colors = [COLORS["orange"] if v < mean else COLORS["green"] for v in scores]
    return _hbars(
        names,
        scores,
        colors,
        x_range=(25.0, 105.0),
        title=f"{title} ({format_number(mean)})",
        missing=words.not_measured,
        reference=float(mean),
        row=0.4,
    )


def element_scores(
    names: Sequence[str], scores: Sequence[Decimal], mean: Decimal, title: str = "Nilai unsur SKM terhadap rata-rata",
    words: ChartWords = INDONESIAN,
) -> str:
    return _elements_figure(names, scores, mean, title, words).svg()


def element_scores_png(
    names: Sequence[str], scores: Sequence[Decimal], mean: Decimal, title: str = "Nilai unsur SKM terhadap rata-rata"
) -> bytes:
    return _png(_elements_figure(names, scores, mean, title))


# --------------------------------------------------------------------------- an office-year's charts


def year_points(s: IndicatorScore, year: int) -> list[tuple[str, Decimal | None]]:
    """An indicator's realisations across years: earlier years, then this year (``None`` = belum diukur)."""
    points: list[tuple[str, Decimal | None]] = [(str(p.year), p.realisation) for p in s.history]
    if s.realisation is None or isinstance(s.realisation, Decimal):
        points.append((str(year), s.realisation))
    return points


@dataclass(frozen=True)
class ScorecardCharts:
    """PNG bytes of an office-year's charts; a chart without data is ``None`` (or absent from ``trends``)."""

    achievement: bytes | None
    absorption: bytes | None
    survey: bytes | None
    trends: dict[str, bytes] = field(default_factory=dict)  # by indicator id, indicators with ≥ 2 years


def scorecard_charts_png(sc: Scorecard, *, trends: bool = True) -> ScorecardCharts:
    """The LKjIP's figures for one office-year, as PNG bytes (figures from the scorecard only)."""
    shown = [g.score for g in distinct(sc.indicators)]  # an indicator of a goal and its objective: one bar
    achievement = (
        achievement_bars_png(
            [f"{s.indicator.id} {s.indicator.name}" for s in shown],
            [s.achievement.value for s in shown],
            [s.color for s in shown],
            sc.scale,
        )
        if shown
        else None
    )
    absorption = None
    if sc.budget is not None:
        programs = [ls for ls in sc.budget.lines if ls.depth == 0]
        if programs:
            absorption = absorption_bars_png(
                [f"{ls.line.code} {ls.line.name}" for ls in programs], [ls.absorption for ls in programs]
            )
    survey = None
    if sc.survey is not None and sc.survey.result.elements:
        r = sc.survey.result
        survey = element_scores_png([e.name for e in r.elements], [e.score for e in r.elements], r.index)
    by_indicator: dict[str, bytes] = {}
    if trends:
        items = []
        for s in shown:
            points = year_points(s, sc.year)
            if len(points) > 1:
                target = s.target if isinstance(s.target, Decimal) else None
                items.append(
                    (
                        s.indicator.id,
                        (points, target, f"{s.indicator.id} {_short(s.indicator.name, 50)}", s.indicator.unit),
                    )
                )
        by_indicator = dict(zip([i for i, _ in items], trends_png([c for _, c in items]), strict=True))
    return ScorecardCharts(achievement, absorption, survey, by_indicator)
