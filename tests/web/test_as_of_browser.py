"""The quarter selector of both dashboards in a real browser (Debian's Chromium), at 1280 px and 390 px.

The office of tests/data/quarter/as-of-2025.yaml is added to the demo regency. The planner
picks "TW II" on the regency dashboard, reads the office's figure to date, follows the
office's link to its dashboard (which opens on the same quarter), switches it to TW III and
to the year. Every figure read is the hand-computed one of tests/domain/test_to_date.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sakip.accounts.models import Office
from sakip.core.interchange import import_office
from sakip.dataset.loader import parse_text

from .demo_support import LiveDemo
from .test_browser import log_in, shot

pytestmark = pytest.mark.browser

DATA = Path(__file__).parents[1] / "data" / "quarter" / "as-of-2025.yaml"
CODE = "triwulan"


def _fits(page: Any, selector: str, width: int) -> None:
    """The element is shown and lies within the viewport's width (usable without scrolling sideways)."""
    box = page.locator(selector).bounding_box()
    assert box is not None, selector
    assert box["x"] >= 0 and box["x"] + box["width"] <= width + 1, (selector, box)


@pytest.mark.parametrize("width", [1280, 390])
def test_the_quarter_selector_on_both_dashboards(live_demo: LiveDemo, page: Any, width: int) -> None:
    import_office(parse_text(DATA.read_text("utf-8")), live_demo.demo.office_a.regency)
    assert Office.objects.filter(code=CODE).exists()
    page.set_viewport_size({"width": width, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, live_demo, "perencana")

    # the regency dashboard, TW II of 2025
    page.goto(live_demo.at("/pemda/"))
    page.select_option("[data-testid=regency-filter] select[name=tahun]", "2025")
    page.select_option("[data-testid=regency-filter] select[name=triwulan]", "2")
    _fits(page, "[data-testid=regency-filter] select[name=triwulan]", width)
    _fits(page, "[data-testid=regency-filter] button[type=submit]", width)
    page.click("[data-testid=regency-filter] button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "triwulan=2" in page.url
    assert "Keadaan sampai dengan akhir TW II 2025" in page.locator("main").inner_text()
    row = page.locator(f"[data-testid=ranking-achievement] tr[data-office='{CODE}']")
    assert row.locator("td").nth(2).inner_text().strip() == "98,75 %"
    _fits(page, "div.scroll-x:has([data-testid=ranking-achievement])", width)
    absorption = page.locator(f"[data-testid=ranking-absorption] tr[data-office='{CODE}'] td").nth(4)
    assert absorption.inner_text().strip() == "40,00 %"
    shot(page, f"regency-dashboard-tw2-{width}")

    # its link opens the office's dashboard on the same quarter
    row.locator("td").nth(1).locator("a").click()
    page.wait_for_load_state("networkidle")
    assert f"/opd/{CODE}/" in page.url and "triwulan=2" in page.url
    select = "[data-testid=period-filter] select[name=triwulan]"
    assert page.locator(select).input_value() == "2"
    assert page.locator("[data-testid=office-achievement]").inner_text().strip() == "98,75 %"
    assert page.locator("[data-testid=budget-absorption]").inner_text().strip() == "40,00 %"
    assert page.locator("#ind-S1\\.2 [data-testid=realisation]").inner_text().strip() == "2"
    _fits(page, select, width)
    _fits(page, "[data-testid=period-filter] button[type=submit]", width)
    _fits(page, "div.scroll-x:has([data-testid=indicator-table])", width)  # a wide table scrolls inside the page
    shot(page, f"office-dashboard-tw2-{width}")

    # TW III: a quarter not measured and a quarter without a target, in words
    page.select_option(select, "3")
    page.click("[data-testid=period-filter] button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "triwulan=3" in page.url and "tahun=2025" in page.url
    assert page.locator("[data-testid=office-achievement]").inner_text().strip() == "120,00 %"
    assert page.locator("#ind-S1\\.1 [data-testid=achievement]").inner_text().strip() == "belum diukur"
    assert page.locator("#ind-S1\\.4 [data-testid=achievement]").inner_text().strip() == "target belum ditetapkan"
    assert page.locator("#ind-S1\\.4 [data-testid=target]").inner_text().strip() == "belum ditetapkan"
    assert page.locator("[data-testid=budget-absorption]").inner_text().strip() == "70,00 %"

    # the year
    page.select_option(select, "")
    page.click("[data-testid=period-filter] button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "triwulan=3" not in page.url  # "Tahunan" sends an empty quarter: the year
    assert "Keadaan tahun 2025" in page.locator("[data-testid=as-of]").inner_text()
    assert page.locator("#ind-S1\\.1 [data-testid=achievement]").inner_text().strip() == "50,00 %"
    assert not errors, errors
