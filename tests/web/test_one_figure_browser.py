"""The office dashboard's notes of "one figure, one value" (issue #13) in a real browser, at 1280 px and 390 px.

The demo's Kaloran measures its IKM against 85 while its PK says 100: the target is marked and the note under
the indicator table says which target is used and why. The demo's Kaliwates enters an SKM realisation (67,6)
that its survey data put at 66,02: the realisation is marked and the note gives the proposal and the difference.
"""

from __future__ import annotations

from typing import Any

import pytest

from .demo_support import LiveDemo
from .test_browser import log_in, shot

pytestmark = pytest.mark.browser


def _fits(page: Any, selector: str, width: int) -> None:
    box = page.locator(selector).bounding_box()
    assert box is not None, selector
    assert box["x"] >= 0 and box["x"] + box["width"] <= width + 1, (selector, box)


@pytest.mark.parametrize("width", [1280, 390])
def test_the_dashboard_says_which_target_and_which_index(live_demo: LiveDemo, page: Any, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, live_demo, "perencana")

    page.goto(live_demo.at("/opd/kaloran/?tahun=2020"))
    target = page.locator("#ind-T1\\.1 [data-testid=target]")
    assert target.inner_text().strip() == "85 *"
    notes = page.locator("[data-testid=figure-notes]")
    assert notes.is_visible()
    text = " ".join(notes.inner_text().split())
    assert text.startswith("T1.1 Indeks Kepuasan Masyarakat (IKM) di Kecamatan: Capaian diukur terhadap target 85")
    assert "bukan target Perjanjian Kinerja 100" in text
    _fits(page, "[data-testid=figure-notes]", width)
    target.locator("a").click()
    assert page.url.endswith("#figure-notes")
    shot(page, f"one-figure-target-{width}")

    page.goto(live_demo.at("/opd/kaliwates/?tahun=2020"))
    assert page.locator("#ind-S1\\.1 [data-testid=realisation]").inner_text().strip() == "67,60 *"
    text = " ".join(page.locator("[data-testid=figure-notes]").inner_text().split())
    assert "Indeks hasil survei 66,02 berbeda dari realisasi" in text and "selisih \u22121,58" in text
    _fits(page, "[data-testid=figure-notes]", width)
    shot(page, f"one-figure-survey-{width}")
    assert errors == []
