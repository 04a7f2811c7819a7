"""Quarter targets in the PK, in a real browser (Chromium via Playwright) at 1280 px and 390 px.

Kaloran's operator opens the PK of 2020 (the demo's verified PK reopened first), ticks
«kumulatif» for an indicator, clicks «Bagi rata», sees 25 / 50 / 75 / 100 % of the year target
in the four fields (nothing stored yet), fills in the first party, saves, and finds the quarter
targets on the PK page. On a 390 px phone the table becomes one block per indicator with
labelled fields, the page does not scroll sideways, and «Bagi rata semua indikator» fills every row.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from sakip.monitoring.models import Quarter
from sakip.planning.models import Indicator
from sakip.workflow.models import PeriodState

from .demo_support import OFFICE_A, LiveDemo
from .test_browser import log_in, shot

pytestmark = pytest.mark.browser

YEAR = 2020


def _open(live: LiveDemo) -> None:
    """The demo verified Kaloran's PK 2020 (frozen): reopen the year, as after a return by the verifier."""
    PeriodState.objects.filter(office__code=OFFICE_A, year=YEAR).delete()


def _stored(code: str) -> dict[int, Decimal]:
    return {
        q.quarter: q.target
        for q in Quarter.objects.filter(
            indicator_year__indicator__plan__office__code=OFFICE_A, indicator_year__indicator__code=code,
            indicator_year__year=YEAR, target__isnull=False,
        )
    }


def _field(page: Any, ind: Indicator, q: int) -> Any:
    return page.locator(f'input[name="qt-{ind.pk}-{q}"]')


def _watch(page: Any) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 and "favicon" not in r.url
            else None)
    return errors


def test_even_split_in_the_pk_at_1280(live_demo: LiveDemo, page: Any) -> None:
    _open(live_demo)
    errors = _watch(page)
    s12 = Indicator.objects.get(plan__office__code=OFFICE_A, code="S1.2")  # PK target 100 (%), rollup «last»
    log_in(page, live_demo, f"operator-{OFFICE_A}")
    page.goto(live_demo.at(reverse("pk-edit", args=[OFFICE_A, YEAR])))
    row = page.locator('[data-testid="pk-row-S1.2"]')
    row.locator(f'input[name="qc-{s12.pk}"]').check()
    row.locator('[data-testid="split-S1.2"]').click()
    page.wait_for_load_state("networkidle")
    assert [_field(page, s12, q).input_value() for q in (1, 2, 3, 4)] == ["25", "50", "75", "100"]
    assert page.locator(f'input[name="qc-{s12.pk}"]').is_checked()
    assert "pembagian rata" in page.locator(".messages").inner_text()
    assert _stored("S1.2") == {}  # filled, not stored
    assert page.locator(".errorlist").count() == 0  # the rest of the form is checked when it is saved
    shot(page, "pk-quarter-targets-1280")
    page.fill('input[name="first_party_name"]', "Drs. Camat Kaloran")
    page.locator('[data-testid="pk-form"] > fieldset ~ button').click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(reverse("pk-detail", args=[OFFICE_A, YEAR]))
    assert _stored("S1.2") == {1: Decimal(25), 2: Decimal(50), 3: Decimal(75), 4: Decimal(100)}
    cells = page.locator('[data-testid="pk-target-S1.2"] td.num').all_inner_texts()
    assert cells == ["100", "25", "50", "75", "100"]
    assert "kumulatif" in page.locator('[data-testid="pk-target-S1.2"]').inner_text()
    shot(page, "pk-detail-quarter-targets-1280")
    assert errors == []


def test_even_split_of_every_row_on_a_phone(live_demo: LiveDemo, chromium_browser: Any) -> None:
    _open(live_demo)
    context = chromium_browser.new_context(viewport={"width": 390, "height": 844}, locale="id-ID", is_mobile=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        errors = _watch(page)
        t11 = Indicator.objects.get(plan__office__code=OFFICE_A, code="T1.1")  # IKM, target 100, rollup «last»
        s11 = Indicator.objects.get(plan__office__code=OFFICE_A, code="S1.1")  # lower is better, target 1
        log_in(page, live_demo, f"operator-{OFFICE_A}")
        page.goto(live_demo.at(reverse("pk-edit", args=[OFFICE_A, YEAR])))
        row = page.locator('[data-testid="pk-row-T1.1"]')
        # one block per indicator: the quarter fields are labelled and stacked, nothing scrolls sideways
        assert row.evaluate("el => getComputedStyle(el).display") == "block"
        label = row.locator("td").nth(4).evaluate("el => getComputedStyle(el, '::before').content")
        assert label == '"TW I"'
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        box = _field(page, t11, 4).bounding_box()
        assert box is not None and box["x"] + box["width"] <= 390
        row.locator(f'input[name="qc-{t11.pk}"]').check()
        page.locator('[data-testid="split-all"]').click()
        page.wait_for_load_state("networkidle")
        assert [_field(page, t11, q).input_value() for q in (1, 2, 3, 4)] == ["25", "50", "75", "100"]
        assert [_field(page, s11, q).input_value() for q in (1, 2, 3, 4)] == ["1", "1", "1", "1"]
        shot(page, "pk-quarter-targets-390")
        page.fill('input[name="first_party_name"]', "Drs. Camat Kaloran")
        page.locator('[data-testid="pk-form"] > fieldset ~ button').click()
        page.wait_for_load_state("networkidle")
        assert page.url.endswith(reverse("pk-detail", args=[OFFICE_A, YEAR]))
        assert _stored("T1.1") == {1: Decimal(25), 2: Decimal(50), 3: Decimal(75), 4: Decimal(100)}
        assert _stored("S1.1") == dict.fromkeys((1, 2, 3, 4), Decimal(1))
        assert page.evaluate("document.documentElement.scrollWidth") <= 390 or page.locator(".scroll-x").count()
        shot(page, "pk-detail-quarter-targets-390")
        assert errors == []
    finally:
        context.close()
