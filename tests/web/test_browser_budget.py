"""The budget page in a real browser (Debian's Chromium via Playwright, the demo on the live server), at
1280 px and at 390 px (a phone): Kaloran's operator switches a yearly line to per quarter, enters TW I,
switches back to yearly — the page asks first, shows the quarters' sum and offers the yearly figure kept
from before — and nothing typed is lost on the way. Screenshots go to ``var/screenshots/``."""

from __future__ import annotations

import os
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from sakip.budgeting.models import BudgetLine, LineQuarter
from sakip.domain.numbers import format_exact

from .demo_support import OFFICE_A, LiveDemo

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("SAKIP_SCREENSHOTS", Path(__file__).parents[2] / "var" / "screenshots"))
YEAR = 2020


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def log_in(page: Any, live: LiveDemo, username: str) -> None:
    page.goto(live.at(reverse("login")))
    page.fill("#id_username", username)
    page.fill("#id_password", live.password)
    page.click("form.stacked button[type=submit]")
    page.wait_for_load_state("networkidle")


def no_page_overflow(page: Any) -> None:
    """The budget page's content never runs past the window: the wide budget table scrolls in its own box.

    (Only ``main``: the site's top bar is the base layout's, outside this page.)
    """
    viewport = page.evaluate("window.innerWidth")
    wide = page.evaluate(
        """(w) => [...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > w + 1
             && !e.closest('.scroll-x')).slice(0, 8).map(e => e.tagName + '.' + e.className + ' '
             + Math.round(e.getBoundingClientRect().right))""",
        viewport,
    )
    assert not wide, f"past the {viewport} px window: {wide}"


@pytest.mark.parametrize("width", [1280, 390])
def test_switch_a_line_to_quarterly_and_back(live_demo: LiveDemo, chromium_browser: Any, width: int) -> None:
    context = chromium_browser.new_context(viewport={"width": width, "height": 900}, locale="id-ID")
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        log_in(page, live_demo, f"operator-{OFFICE_A}")
        url = live_demo.at(reverse("budget-entry", args=[OFFICE_A, YEAR]))
        page.goto(url)
        line = BudgetLine.objects.filter(budget__office__code=OFFICE_A, budget__year=YEAR, children=None,
                                         realisation__isnull=False).order_by("order", "pk").first()
        assert line is not None and line.realisation is not None
        yearly = line.realisation
        row = page.locator(f"#baris-{line.pk}")
        assert row.get_attribute("data-basis") == "year"
        no_page_overflow(page)
        shot(page, f"budget-{width}-01-yearly")

        # to per quarter: the yearly figure is kept and said so
        row.locator("[data-testid=to-quarter]").click()
        page.wait_for_load_state("networkidle")
        row = page.locator(f"#baris-{line.pk}")
        assert row.get_attribute("data-basis") == "quarter"
        assert "tetap tersimpan" in page.locator(".messages").inner_text()
        assert row.locator("[data-testid=kept-yearly]").is_visible()
        quarter_one = row.locator(f"input[name='q-{line.pk}-1']")
        quarter_one.scroll_into_view_if_needed()
        quarter_one.fill("1.000.000")
        row.locator(f"input[name='q-{line.pk}-2']").fill("2.500.000,50")
        no_page_overflow(page)
        shot(page, f"budget-{width}-02-quarterly")
        page.locator("[data-testid=budget-form] > button").click()
        page.wait_for_load_state("networkidle")
        assert LineQuarter.objects.get(line=line, quarter=2).realisation == Decimal("2500000.5")
        row = page.locator(f"#baris-{line.pk}")
        assert row.locator(f"input[name='q-{line.pk}-1']").input_value() == "1.000.000"

        # back to yearly: the page asks first, with the quarters' sum and the yearly figure kept from before
        row.locator("[data-testid=to-year]").click()
        page.wait_for_load_state("networkidle")
        confirm = page.locator("[data-testid=basis-confirm]")
        assert confirm.is_visible()
        assert confirm.locator("[data-testid=confirm-sum]").inner_text() == "3.500.000,50"
        assert re.sub(r"\s+", " ", confirm.inner_text()).count("tetap tersimpan") == 1
        no_page_overflow(page)
        shot(page, f"budget-{width}-03-confirm")
        assert BudgetLine.objects.get(pk=line.pk).basis == "quarter"  # nothing changed before the answer
        confirm.locator("button[value=stored]").click()
        page.wait_for_load_state("networkidle")
        row = page.locator(f"#baris-{line.pk}")
        assert row.get_attribute("data-basis") == "year"
        assert row.locator(f"input[name='r-{line.pk}']").input_value() == format_exact(yearly)
        assert "TW II 2.500.000,50" in row.locator("[data-testid=kept-quarters]").inner_text()
        stored = BudgetLine.objects.get(pk=line.pk)
        assert (stored.basis, stored.realisation) == ("year", yearly)
        assert LineQuarter.objects.filter(line=line).count() == 2  # the quarters are kept
        no_page_overflow(page)
        shot(page, f"budget-{width}-04-yearly-again")
        assert not errors, errors
    finally:
        context.close()
