"""The RPJMD pages in a real browser (Debian's Chromium via Playwright) at 1280 and 390 px."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from sakip.cascade.models import OfficeObjectiveLink, RpjmdGoal
from tests.web.demo_support import OFFICE_B, LiveDemo
from tests.web.test_browser import log_in, shot

pytestmark = pytest.mark.browser


def _watch(page: Any) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "response",
        lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 and "favicon" not in r.url else None,
    )
    return errors


def _no_page_overflow(page: Any) -> None:
    """Nothing wider than the screen except inside a horizontally scrolling table box."""
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, overflow


@pytest.mark.parametrize("width", [1280, 390])
def test_the_planner_adds_a_goal_and_reads_an_iku_pemda(live_demo: LiveDemo, page: Any, width: int) -> None:
    errors = _watch(page)
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_demo, "perencana")
    page.goto(live_demo.at(reverse("rpjmd")))
    assert page.locator("[data-testid=rpjmd-indicator]").count() >= 6
    _no_page_overflow(page)
    shot(page, f"rpjmd-{width}")
    page.click("[data-testid=rpjmd-goal-add-open]")
    form = page.locator("[data-testid=rpjmd-goal-add]")
    form.locator("input[name=g-new-code]").fill(f"T{width}")
    form.locator("textarea[name=g-new-text]").fill("Meningkatnya daya saing ekonomi daerah")
    form.locator("button").click()
    page.wait_for_load_state("networkidle")
    assert RpjmdGoal.objects.filter(code=f"T{width}").exists()
    assert f"T{width} — Meningkatnya daya saing ekonomi daerah" in page.content()
    page.click("[data-testid=rpjmd-indicator] a:has-text('IKU-P1')")
    page.wait_for_load_state("networkidle")
    rows = page.locator("[data-testid=regency-figure-row]")
    assert rows.count() == 5
    assert page.locator("[data-testid=contributing-offices] tbody tr").count() == 4
    _no_page_overflow(page)
    shot(page, f"rpjmd-indicator-{width}")
    assert not errors, errors


@pytest.mark.parametrize("width", [1280, 390])
def test_an_office_operator_links_an_objective(live_demo: LiveDemo, page: Any, width: int) -> None:
    errors = _watch(page)
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_demo, f"operator-{OFFICE_B}")
    page.goto(live_demo.at(reverse("plan-edit", args=[OFFICE_B])))
    page.click("[data-testid=rpjmd-links]")
    page.wait_for_load_state("networkidle")
    _no_page_overflow(page)
    select = page.locator("[data-testid=link-row] select").last  # Kaliwates's S2: supports nothing yet
    value = select.locator("option").last.get_attribute("value")
    select.select_option([value])
    page.click("[data-testid=rpjmd-links-save]")
    page.wait_for_load_state("networkidle")
    assert "Dukungan terhadap RPJMD tersimpan" in page.content()
    assert OfficeObjectiveLink.objects.filter(
        office_objective__plan__office__code=OFFICE_B, office_objective__code="S2", rpjmd_objective_id=int(value)
    ).exists()
    shot(page, f"rpjmd-links-{width}")
    # the operator reads the RPJMD, without its forms
    page.goto(live_demo.at(reverse("rpjmd")))
    assert page.locator("[data-testid=rpjmd-form]").count() == 0
    assert page.locator("[data-testid=rpjmd-objective]").count() >= 2
    _no_page_overflow(page)
    assert not errors, errors
