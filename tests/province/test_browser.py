"""The oversight view in a real browser (Debian's Chromium via Playwright), at 1280 px and 390 px."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from tests.web.test_browser import shot

from .conftest import YEAR, build_world

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [1280, 390])
def test_a_province_overseer_ranks_drills_down_and_reads_an_office(
    live_server: Any, transactional_db: None, page: Any, width: int
) -> None:
    world = build_world()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 and "favicon" not in r.url
            else None)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server.url + reverse("login"))
    page.fill("#id_username", "province_p1")
    page.fill("#id_password", "x")
    page.click("form.stacked button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/pengawasan/"), page.url  # home sends an overseer to the oversight view
    assert "Jawa Tengah" in page.locator("h1").inner_text()
    page.select_option("[data-testid=oversight-filter] select[name=tahun]", str(YEAR))
    page.select_option("[data-testid=oversight-filter] select[name=triwulan]", "2")
    page.click("[data-testid=oversight-filter] button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "triwulan=2" in page.url
    assert "akhir TW II" in page.locator("main").inner_text()
    regencies = page.locator("[data-testid=regency-ranking] tbody tr")
    assert regencies.count() == 2  # A and B, not C (another province)
    # the page fits the screen: only the tables scroll sideways, inside their own box
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
    shot(page, f"oversight-overview-{width}")
    regencies.nth(0).locator("a").click()
    page.wait_for_load_state("networkidle")
    chosen = {re.match(r"(kab-.)/", r.get_attribute("data-office")).group(1)  # type: ignore[union-attr]
              for r in page.locator("[data-testid=office-ranking] tbody tr").all()}
    assert len(chosen) == 1
    first = page.locator("[data-testid=office-ranking] tbody tr").nth(0)
    shown = first.locator("td[data-col=achievement]").inner_text().strip()
    assert re.fullmatch(r"\d+,\d{2} %", shown), shown
    first.locator("td").nth(1).locator("a").click()
    page.wait_for_load_state("networkidle")
    assert "/pengawasan/kab-" in page.url
    assert shown in page.locator("[data-testid=office-achievement]").inner_text()
    assert page.locator("[data-testid=office-indicators] tbody tr").count() == 4
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
    shot(page, f"oversight-office-{width}")
    assert not errors, errors
    assert world.p1.name == "Jawa Tengah"
