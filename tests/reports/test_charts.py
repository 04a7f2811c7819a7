"""Charts: SVG for the pages, PNG bytes for the documents, Indonesian numbers, "belum diukur" never 0."""

from __future__ import annotations

import io
import re
from decimal import Decimal
from pathlib import Path

import matplotlib.image as mpimg
import pytest
import yaml

from sakip.dataset import load, seed_path
from sakip.domain.one_figure import distinct
from sakip.domain.scales import KEMENPAN_5, LKJIP_4
from sakip.domain.scorecard import build_scorecard
from sakip.reports import charts

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
GOLDEN = "tests/data/golden/000_09d92b3eb5f414a3.yaml"


def _texts(svg: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", t).strip() for t in re.findall(r"<text[^>]*>(.*?)</text>", svg, re.S)]


def _png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(PNG_MAGIC)
    image = mpimg.imread(io.BytesIO(data), format="png")
    return int(image.shape[1]), int(image.shape[0])


def test_achievement_svg_has_indonesian_numbers_and_belum_diukur() -> None:
    svg = charts.achievement_bars(["S1.1 Satu", "S1.2 Dua"], [Decimal("96.4712"), None], ["lime", None], KEMENPAN_5)
    texts = _texts(svg)
    assert "96,47" in texts
    assert "belum diukur" in texts
    assert "0,00" not in texts  # the unmeasured indicator is not drawn as a zero bar label


def test_user_text_is_literal_and_escaped() -> None:
    name = "Rasio $a$ & <b>biaya</b> =1+1"
    svg = charts.achievement_bars([name], [Decimal(50)], ["red"], LKJIP_4)
    assert "<b>" not in svg  # markup in a name is escaped in the SVG
    assert "Rasio $a$ &amp; &lt;b&gt;biaya&lt;/b&gt; =1+1" in svg  # and drawn literally, not as mathtext
    png = charts.achievement_bars_png([name], [Decimal(50)], ["red"], LKJIP_4)
    assert png.startswith(PNG_MAGIC)


def test_trend_gap_is_not_zero() -> None:
    svg = charts.trend([("2019", Decimal("79.2")), ("2020", None), ("2021", Decimal("79.95"))], Decimal(80))
    texts = _texts(svg)
    assert "79,20" in texts and "79,95" in texts and "belum diukur" in texts
    assert "target 80,00" in texts


def test_png_variants_are_images() -> None:
    for data in (
        charts.trend_png([("TW I", Decimal(1)), ("TW II", Decimal("2.5"))]),
        charts.absorption_bars_png(["P1 Program"], [Decimal("87.5")]),
        charts.element_scores_png(["Persyaratan", "Biaya"], [Decimal(80), Decimal(70)], Decimal(75)),
    ):
        width, height = _png_size(data)
        assert width > 300 and height > 100


def test_absorption_above_100_stays_inside_the_axes() -> None:
    svg = charts.absorption_bars(["P1", "P2"], [Decimal("130.5"), None])
    texts = _texts(svg)
    assert "130,50" in texts and "tanpa realisasi" in texts


@pytest.mark.parametrize("seed", ["kaloran-2020", "kaliwates-2020", "kandangserang-2021"])
def test_scorecard_charts_for_the_seeds(seed: str) -> None:
    sc = build_scorecard(load(seed_path(seed)))
    c = charts.scorecard_charts_png(sc)
    assert c.achievement is not None
    _png_size(c.achievement)
    assert (c.absorption is not None) == bool(sc.budget and any(ls.depth == 0 for ls in sc.budget.lines))
    assert (c.survey is not None) == (sc.survey is not None)
    shown = [g.score for g in distinct(sc.indicators)]  # an indicator of a goal and its objective: one trend
    expected_trends = {
        s.indicator.id for s in shown if len(s.history) + (0 if isinstance(s.realisation, str) else 1) > 1
    }
    assert set(c.trends) == expected_trends
    for data in c.trends.values():
        _png_size(data)


def test_kaloran_achievement_chart_figures_come_from_the_golden_file() -> None:
    golden = yaml.safe_load(Path(GOLDEN).read_text(encoding="utf-8"))
    computed = [i["computed_achievement"] for i in golden["measurement"]["results"]]
    sc = build_scorecard(load(seed_path("kaloran-2020")))
    svg = charts.achievement_bars(
        [s.indicator.name for s in sc.indicators],
        [s.achievement.value for s in sc.indicators],
        [s.color for s in sc.indicators],
        sc.scale,
    )
    texts = _texts(svg)
    for value in computed:
        if value is None:
            continue
        assert f"{Decimal(str(value)):.2f}".replace(".", ",") in texts
    assert texts.count("belum diukur") == sum(1 for v in computed if v is None)


def test_a_chart_drawn_before_from_the_same_data_is_not_drawn_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """The first dashboard after a change draws again only the charts whose data changed (issue #11)."""
    drawn: list[object] = []
    real = charts._trends_figure

    def counting(specs: list[charts.TrendSpec], *args: object) -> object:
        drawn.append(specs)
        return real(specs, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(charts, "_trends_figure", counting)
    title = "uji-kept-chart"  # not drawn by any other test
    points = [("2024", Decimal("70.5")), ("2025 TW II", Decimal("35.25"))]
    first = charts.trend(points, Decimal(80), title, "%")
    assert charts.trend(list(points), Decimal(80), title, "%") == first and len(drawn) == 1
    changed = charts.trend([points[0], ("2025 TW II", Decimal("36.25"))], Decimal(80), title, "%")
    assert len(drawn) == 2 and "36,25" in _texts(changed) and "36,25" not in _texts(first)
    charts.trend(points, Decimal("80.00"), title, "%")  # equal, but written otherwise: drawn, not guessed
    charts.trend(points, Decimal(80), title, "")
    assert len(drawn) == 4
