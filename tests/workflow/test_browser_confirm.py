"""In Chromium (issue #14): "Setujui dan ajukan" never freezes a period in one click — a dialog asks first (with
JavaScript), a confirmation page asks first (without); who acts next is on the panel; the operator's inbox lists
the returned quarter; the regency's monitoring matrix and an office's trends, at 1280 px and 390 px."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse

from sakip.workflow import services
from tests.web.demo_support import OFFICE_A, LiveDemo

from .test_browser import log_in, shot, state

pytestmark = pytest.mark.browser

YEAR, QUARTER = 2020, 4


@pytest.fixture()
def no_js_page(chromium_browser: Any) -> Iterator[Any]:
    context = chromium_browser.new_context(
        viewport={"width": 390, "height": 844}, locale="id-ID", java_script_enabled=False
    )
    context.set_default_timeout(15_000)
    pg = context.new_page()
    try:
        yield pg
    finally:
        context.close()


def test_the_dialog_asks_before_submitting_and_cancel_changes_nothing(live_demo: LiveDemo, page: Any) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    entry = live_demo.at(reverse("quarter-entry", args=[OFFICE_A, YEAR, QUARTER]))
    log_in(page, live_demo, f"kepala-{OFFICE_A}")
    page.goto(entry)
    assert "Kepala perangkat daerah" in page.locator('[data-testid="workflow-next"]').inner_text()
    submit = page.locator('form.workflow-action[data-transition="submit"] button')
    assert submit.inner_text() == "Setujui dan ajukan"
    submit.click()
    dialog = page.locator('[data-testid="workflow-confirm-dialog"]')
    dialog.wait_for()
    assert "Setujui dan ajukan: Data triwulan TW IV 2020?" in dialog.inner_text()
    shot(page, "wf-07-confirm-dialog")
    dialog.get_by_role("button", name="Batal").click()
    dialog.wait_for(state="detached")  # closed, then removed by its "close" event
    assert dialog.count() == 0 and state(page) == "draft"
    assert services.state_of(live_demo.demo.office_a, YEAR, "quarter", QUARTER) == "draft"
    submit.click()
    page.locator('[data-testid="workflow-confirm-dialog"]').get_by_role("button", name="Ya, Setujui dan ajukan").click()
    page.wait_for_load_state("networkidle")
    assert state(page) == "submitted"
    assert "Verifikator / Inspektorat" in page.locator('[data-testid="workflow-next"]').inner_text()
    assert not errors, errors


def test_without_javascript_a_confirmation_page_asks_first(live_demo: LiveDemo, no_js_page: Any) -> None:
    page = no_js_page
    entry = live_demo.at(reverse("quarter-entry", args=[OFFICE_A, YEAR, QUARTER]))
    log_in(page, live_demo, f"kepala-{OFFICE_A}")
    page.goto(entry)
    page.locator('form.workflow-action[data-transition="submit"] button').click()
    page.wait_for_load_state()
    confirm = page.locator('[data-testid="workflow-confirm"]')
    assert "Data periode ini akan dibekukan" in confirm.inner_text()
    assert services.state_of(live_demo.demo.office_a, YEAR, "quarter", QUARTER) == "draft"
    shot(page, "wf-08-confirm-page-390")
    page.locator('[data-testid="workflow-confirm-yes"]').click()
    page.wait_for_load_state()
    assert page.url == entry and state(page) == "submitted"


def test_the_operator_finds_the_returned_quarter_in_the_inbox(live_demo: LiveDemo, page: Any) -> None:
    from sakip.accounts.access import allowed_actions

    office = live_demo.demo.office_a
    for username, t, comment in (("kepala-kaloran", "submit", ""), ("inspektorat", "return", "Lampirkan SK")):
        user = live_demo.demo.user("head_a" if t == "submit" else "verifier")
        assert user.username == username
        services.transition(office, YEAR, "quarter", QUARTER, t, user=user,
                            allowed_actions=allowed_actions(user.membership, office), comment=comment)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        log_in(page, live_demo, f"operator-{OFFICE_A}")
        page.goto(live_demo.at(reverse("inbox")))
        waiting = page.locator('[data-testid="inbox-waiting"]').inner_text()
        assert "Lampirkan SK" in waiting and "Data triwulan TW IV 2020" in waiting
        shot(page, f"wf-09-operator-inbox-{width}")
        page.get_by_role("link", name="Data triwulan TW IV 2020").first.click()
        page.wait_for_load_state("networkidle")
        assert "Lampirkan SK" in page.locator('[data-testid="workflow-comment"]').inner_text()


@pytest.mark.parametrize("width", [1280, 390])
def test_the_monitoring_matrix_and_an_offices_trends(live_demo: LiveDemo, page: Any, width: int) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_demo, "admin")
    page.goto(live_demo.at(reverse("regency-matrix")))
    table = page.locator('[data-testid="monitoring-matrix"]')
    assert table.count() == 1
    assert page.locator('[data-testid="monitoring-matrix"] tbody tr[data-office]').count() >= 2
    # the page itself never scrolls sideways: the table scrolls inside its box
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
    shot(page, f"matrix-{width}")
    page.select_option('select[name="status"]', "draft")
    page.locator('[data-testid="matrix-filter"] button[type=submit]').click()
    page.wait_for_load_state("networkidle")
    assert "status=draft" in page.url
    with page.expect_download() as download:
        page.locator('[data-testid="matrix-xlsx"]').click()
    assert download.value.suggested_filename.endswith(".xlsx")
    page.locator(f'[data-testid="monitoring-matrix"] tr[data-office="{OFFICE_A}"] th a').click()
    page.wait_for_load_state("networkidle")
    assert page.locator('[data-testid="trend-office"]').count() == 1
    shot(page, f"trends-{width}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
    assert not errors, errors
