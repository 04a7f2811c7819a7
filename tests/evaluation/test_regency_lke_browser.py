"""The regency LKE view and the follow-up of recommendations in a real browser (issue #15), at 1280 and 390 px.

On a phone the grade table scrolls inside its own box; the page itself does not overflow. The
office records a follow-up, the Inspektorat confirms it with the row's button (a form outside the
follow-up form, reached by the button's ``form`` attribute). No serious or critical axe violation.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from sakip.evaluation import recommendations
from sakip.evaluation.models import Recommendation
from tests.web.a11y_support import assert_accessible
from tests.web.demo_support import LiveDemo

from .regency_support import scored_evaluation
from .test_browser import log_in

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("SAKIP_SCREENSHOTS", Path(__file__).parents[2] / "var" / "screenshots"))
YEAR = 2021


def test_regency_view_and_follow_up_at_both_widths(live_demo: LiveDemo, page: Any) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 500 else None)
    a, b = live_demo.demo.office_a, live_demo.demo.office_b
    last = scored_evaluation(a, YEAR - 1, 0.5)
    scored_evaluation(b, YEAR - 1, 0.8)
    rec = recommendations.add(last, "Tetapkan pohon kinerja sampai eselon IV.", "1.a", "", None)
    scored_evaluation(a, YEAR, 0.75)
    scored_evaluation(b, YEAR, 0.6)
    carried = Recommendation.objects.get(carried_from=rec)
    assert carried.evaluation.year == YEAR

    log_in(page, live_demo, "inspektorat")
    url = live_demo.at(reverse("regency-lke", args=[YEAR]))
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(url)
        page.wait_for_load_state("networkidle")
        table = page.locator("[data-testid=regency-lke]")
        assert table.locator("tbody tr").count() >= 2
        cell = table.locator(f"tr[data-office='{a.code}'] td[data-sub='1.a']")
        assert cell.get_attribute("data-grade") in {"AA", "A", "BB", "B", "CC", "C", "D", "E"}
        # the page never overflows; at 390 px the grade table scrolls inside its box
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"the page overflows by {overflow}px at {width}px"
        box = page.evaluate(
            "(() => { const t = document.querySelector('[data-testid=regency-lke]');"
            " const b = t.closest('.scroll-x'); return [b.scrollWidth, b.clientWidth]; })()"
        )
        if width == 390:
            assert box[0] > box[1], f"the table does not scroll in its box at 390 px: {box}"
        assert_accessible(page, f"regency LKE at {width}px")
        page.screenshot(path=str(SHOTS / f"regency-lke-{width}.png"), full_page=True)

    # the office records the follow-up of last year's recommendation in this year's evaluation
    log_in(page, live_demo, f"operator-{a.code}")
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(live_demo.at(reverse("evaluation-recommendations", args=[a.code, YEAR])))
    carried_table = page.locator("[data-testid=lke-carried]")
    assert "Tetapkan pohon kinerja" in carried_table.inner_text()
    page.select_option(f"select[name=r{rec.pk}-status]", "done")
    page.fill(f"textarea[name=r{rec.pk}-note]", "Pohon kinerja ditetapkan dengan Perbup.")
    page.fill(f"input[name=r{rec.pk}-date]", f"{YEAR}-09-30")
    page.click("[data-testid=lke-follow-up] button:has-text('Simpan tindak lanjut')")
    page.wait_for_load_state("networkidle")
    assert_accessible(page, "follow-up at 390px")
    rec.refresh_from_db()
    assert rec.follow_up_status == "done" and str(rec.follow_up_date) == f"{YEAR}-09-30"

    # the Inspektorat confirms it
    log_in(page, live_demo, "inspektorat")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_demo.at(reverse("evaluation-recommendations", args=[a.code, YEAR])))
    page.click(f"tr[data-recommendation='{rec.pk}'] button:has-text('Konfirmasi selesai')")
    page.wait_for_load_state("networkidle")
    rec.refresh_from_db()
    assert recommendations.is_finished(rec)
    assert (
        "dikonfirmasi"
        in page.locator(f"tr[data-recommendation='{rec.pk}'] [data-testid=lke-confirmation]").inner_text()
    )
    page.screenshot(path=str(SHOTS / "lke-follow-up.png"), full_page=True)
    assert not errors, errors
