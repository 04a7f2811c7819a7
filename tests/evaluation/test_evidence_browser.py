"""The LKE page with Sakip's proposals in a real browser, at 1280 and 390 px (Playwright, Debian's Chromium).

Kaloran's operator starts the 88/2021 evaluation: the criteria Sakip can answer from its own data
show "Usulan Sakip" with their evidence links; one click confirms a proposal, a different answer
overrides it and the proposal stays visible; the evidence link opens the cited page. No serious or
critical WCAG 2.1 AA violation (axe-core), nothing wider than the phone's screen.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tests.evaluation.test_browser import SHOTS, YEAR, log_in
from tests.web.a11y_support import assert_accessible
from tests.web.demo_support import OFFICE_A, LiveDemo

pytestmark = pytest.mark.browser


def test_proposals_confirmed_and_overridden_at_1280_and_390(live_demo: LiveDemo, page: Any) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 500 else None)
    log_in(page, live_demo, f"operator-{OFFICE_A}")
    page.goto(live_demo.at(reverse("evaluation-office", args=[OFFICE_A, YEAR])))
    page.select_option("#lke-template", "preset:permenpanrb-88-2021")
    page.click("[data-testid=lke-start] button")
    page.wait_for_load_state("networkidle")

    renstra = page.locator("[data-testid='lke-proposal-1.a.3']")
    assert "Usulan Sakip: Ada" in " ".join(renstra.inner_text().split())
    assert renstra.locator("[data-testid=lke-proposed-value]").inner_text() == "Ada"
    late = page.locator("[data-testid='lke-proposal-1.b.2']")
    assert late.locator("[data-testid=lke-proposed-value]").inner_text() == "Tidak ada"
    late.locator("summary").click()
    assert "melewati tenggat" in late.inner_text()
    assert page.locator(".lke-proposal").count() == 17
    assert_accessible(page, "LKE dengan usulan Sakip, 1280 px")
    SHOTS.mkdir(parents=True, exist_ok=True)
    renstra.locator("xpath=ancestor::tr").screenshot(path=str(SHOTS / "lke-proposal.png"))

    # one click confirms 1.a.3; 1.b.2 answered against the proposal
    page.click("[data-testid='lke-confirm-1.a.3']")
    page.wait_for_load_state("networkidle")
    page.select_option("tr[data-criterion='1.b.2'] select", "Y")
    page.click("[data-testid=lke-self-form] [data-testid=lke-save]")
    page.wait_for_load_state("networkidle")
    row = page.locator("tr[data-criterion='1.a.3']")
    assert row.locator("select").input_value() == "Y"
    status = page.locator("[data-testid='lke-proposal-1.a.3'] [data-testid=lke-proposal-status]").inner_text()
    assert "dikonfirmasi" in status
    late = page.locator("[data-testid='lke-proposal-1.b.2']")
    assert late.locator("[data-testid=lke-proposed-value]").inner_text() == "Tidak ada"  # the proposal stays
    assert "diubah menjadi Ada" in late.locator("[data-testid=lke-proposal-status]").inner_text()

    # at 390 px: the proposal and its links within the screen
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    page.wait_for_load_state("networkidle")
    box = page.locator("[data-testid='lke-proposal-1.a.3']").bounding_box()
    assert box is not None and box["width"] > 0
    scroller = page.locator("[data-testid='lke-proposal-1.a.3']").evaluate(
        "el => { const s = el.closest('.scroll-x'); return s ? s.getBoundingClientRect().right : 0 }"
    )
    assert scroller <= 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible(page, "LKE dengan usulan Sakip, 390 px")
    page.screenshot(path=str(SHOTS / "lke-proposal-390.png"), full_page=False)
    page.locator("[data-testid='lke-proposal-1.b.2']").screenshot(path=str(SHOTS / "lke-proposal-row-390.png"))

    # the evidence link opens the cited page
    page.set_viewport_size({"width": 1280, "height": 900})
    page.locator("[data-testid='lke-proposal-1.a.3'] a").first.click()
    page.wait_for_load_state("networkidle")
    assert "/pohon-kinerja/" in page.url
    assert not errors, errors
