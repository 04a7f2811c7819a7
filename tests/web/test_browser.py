"""An office's year in a real browser: Debian's Chromium, driven by Playwright, on the live server.

The demo regency is loaded into the live server's database. Kaloran's operator logs in,
opens the quarterly entry for 2020 TW IV, types a realisation and sees the achievement
and the predicate appear (htmx preview), saves, and finds it on the dashboard. Kaliwates'
operator is refused Kaloran's pages. Screenshots of the main pages go to
``var/screenshots/`` (or ``SAKIP_SCREENSHOTS``) for a person to look at.
"""

from __future__ import annotations

import os
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from sakip.domain.measurement import Polarity, achievement
from sakip.planning.models import Indicator
from sakip.reports.scorecard import show_achievement

from .demo_support import OFFICE_A, OFFICE_B, LiveDemo

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("SAKIP_SCREENSHOTS", Path(__file__).parents[2] / "var" / "screenshots"))
YEAR, QUARTER = 2020, 4
INDICATOR = "S1.2"  # Persentase penanganan laporan kejadian: higher is better, PK target 100 %
TYPED = "97,5"  # Indonesian decimal comma


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def log_in(page: Any, live: LiveDemo, username: str) -> None:
    page.goto(live.at(reverse("login")))
    page.fill("#id_username", username)
    page.fill("#id_password", live.password)
    page.click("form.stacked button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_operator_enters_a_quarter_and_sees_it_on_the_dashboard(live_demo: LiveDemo, page: Any) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "response",
        lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 and "favicon" not in r.url else None,
    )

    page.goto(live_demo.at(reverse("login")))
    shot(page, "01-login")
    log_in(page, live_demo, f"operator-{OFFICE_A}")
    dashboard = reverse("office-dashboard", args=[OFFICE_A])
    assert page.url == live_demo.at(dashboard), "an office operator lands on the own office's dashboard"
    shot(page, "02-dashboard")

    entry = reverse("quarter-entry", args=[OFFICE_A, YEAR, QUARTER])
    response = page.goto(live_demo.at(entry))
    assert response is not None and response.status == 200
    row = page.locator(f"tr[data-indicator='{INDICATOR}']")
    assert row.count() == 1, f"no row for {INDICATOR} on {entry}"
    shot(page, "05-quarter-entry")

    # Below target, an explanation is required; typed first, the preview shows the figures (typed after,
    # the preview shows only the "explanation required" message until it is written).
    row.locator("textarea[name^='e-']").fill("Satu laporan masih diproses; ditindaklanjuti pada Januari.")
    row.locator("input[name^='v-']").fill(TYPED)  # htmx posts the row to the preview 300 ms after typing stops
    ind = Indicator.objects.get(code=INDICATOR, plan__office__code=OFFICE_A)
    expected = show_achievement(achievement(Decimal(100), Decimal("97.5"), polarity=Polarity(ind.polarity)))
    page.wait_for_function(
        "([sel, text]) => document.querySelector(sel)?.textContent.includes(text)",
        arg=[f"tr[data-indicator='{INDICATOR}'] [data-testid=preview-achievement]", expected],
    )
    category = row.locator("[data-testid=preview-category]")
    assert category.inner_text().strip(), "the predicate appears next to the achievement"
    predicate = category.inner_text().strip()
    shot(page, "06-quarter-entry-preview")

    assert row.locator("[data-testid=preview-value]").inner_text().strip() == "97,50"
    page.click("[data-testid=entry-form] button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.url.startswith(live_demo.at(entry)), "saving returns to the entry page"
    assert page.locator(".messages .success, .messages li").first.inner_text(), "a message confirms the save"
    assert row.locator("input[name^='v-']").input_value() == TYPED, "the saved value is shown again"
    shot(page, "07-quarter-entry-saved")

    page.goto(live_demo.at(dashboard))
    line = page.locator("[data-testid=indicator-table] tr", has_text=INDICATOR)
    text = line.inner_text()
    assert TYPED in text, f"the dashboard shows the saved realisation: {text!r}"
    assert expected in text and predicate in text, f"and its achievement and predicate: {text!r}"
    shot(page, "08-dashboard-after-entry")

    # the other main pages, for a person to look at
    for name, url in [
        ("03-pohon-kinerja", reverse("plan-tree", args=[OFFICE_A])),
        ("04-pk", reverse("pk-detail", args=[OFFICE_A, YEAR])),
        ("09-budget", reverse("budget-entry", args=[OFFICE_A, YEAR])),
        ("10-survey", reverse("survey-detail", args=[OFFICE_A, YEAR])),
        ("11-plan-edit", reverse("plan-edit", args=[OFFICE_A])),
        ("12-office-data", reverse("office-data", args=[OFFICE_A])),
    ]:
        response = page.goto(live_demo.at(url))
        assert response is not None and response.status == 200, f"{url}: {response and response.status}"
        shot(page, name)
    assert not errors, f"JavaScript errors or failed requests: {errors}"


def test_another_offices_operator_is_refused(live_demo: LiveDemo, page: Any) -> None:
    log_in(page, live_demo, f"operator-{OFFICE_B}")
    assert page.url == live_demo.at(reverse("office-dashboard", args=[OFFICE_B]))
    shot(page, "13-dashboard-kaliwates")
    response = page.goto(live_demo.at(reverse("survey-detail", args=[OFFICE_B, YEAR])))
    assert response is not None and response.status == 200
    shot(page, "14-survey-kaliwates")
    for url in [
        reverse("office-dashboard", args=[OFFICE_A]),
        reverse("quarter-entry", args=[OFFICE_A, YEAR, QUARTER]),
        reverse("pk-detail", args=[OFFICE_A, YEAR]),
        reverse("budget-entry", args=[OFFICE_A, YEAR]),
        reverse("office-export", args=[OFFICE_A]),
    ]:
        response = page.goto(live_demo.at(url)) if not url.endswith(".yaml") else page.request.get(live_demo.at(url))
        assert response is not None and response.status == 403, f"{url}: {response and response.status}"
        if not url.endswith(".yaml"):
            assert re.search(r"403|[Ff]orbidden|tidak berwenang", page.content())
    shot(page, "15-refused")
