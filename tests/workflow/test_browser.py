"""The approval cycle in a real browser (Chromium via Playwright, live server with the demo).

Kaloran's head submits the quarterly data of 2020 TW IV, the Inspektorat returns it with a
comment, the head sees the comment and resubmits, the Inspektorat verifies, the admin gives
the final approval (locked), and an operator's save is then refused with the clear message.
Screenshots go to ``var/screenshots/`` (or ``SAKIP_SCREENSHOTS``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from sakip.agreements.models import PkTarget
from sakip.monitoring.models import Quarter
from sakip.workflow import services
from tests.web.demo_support import OFFICE_A, LiveDemo

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("SAKIP_SCREENSHOTS", Path(__file__).parents[2] / "var" / "screenshots"))
YEAR, QUARTER = 2020, 4
COMMENT = "Bukti dukung TW IV belum lengkap"
CONFIRMED = {"submit", "verify", "approve", "unlock"}


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def log_in(page: Any, live: LiveDemo, username: str) -> None:
    page.context.clear_cookies()
    page.goto(live.at(reverse("login")))
    page.fill("#id_username", username)
    page.fill("#id_password", live.password)
    page.click("form.stacked button[type=submit]")
    page.wait_for_load_state("networkidle")


def press(page: Any, transition: str, comment: str = "") -> None:
    form = page.locator(f'form.workflow-action[data-transition="{transition}"]')
    if comment:
        form.locator("textarea[name=comment]").fill(comment)
    form.locator("button[type=submit]").click()
    if transition in CONFIRMED:  # the confirmation dialog (workflow/confirm.js): nothing happens before "Ya"
        dialog = page.locator('[data-testid="workflow-confirm-dialog"]')
        dialog.wait_for()
        assert state(page) != "" and page.locator('[data-testid="workflow-confirm-dialog"]').count() == 1
        dialog.locator("button").first.click()
    page.wait_for_load_state("networkidle")


def state(page: Any) -> str:
    return str(page.locator('[data-testid="workflow-panel"]').get_attribute("data-state"))


def test_submit_return_resubmit_approve_then_locked(live_demo: LiveDemo, page: Any) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    entry = live_demo.at(reverse("quarter-entry", args=[OFFICE_A, YEAR, QUARTER]))

    log_in(page, live_demo, f"kepala-{OFFICE_A}")
    page.goto(entry)
    assert state(page) == "draft"
    press(page, "submit")
    assert state(page) == "submitted"
    assert page.locator('form.workflow-action[data-transition="submit"]').count() == 0

    log_in(page, live_demo, "inspektorat")
    page.goto(live_demo.at(reverse("inbox")))
    page.get_by_role("link", name=f"Data triwulan TW IV {YEAR}").first.click()
    page.wait_for_load_state("networkidle")
    assert page.url == entry
    # a return without a comment is stopped by the browser (required) and by the server
    page.locator('form.workflow-action[data-transition="return"] button').click()
    assert state(page) == "submitted"
    press(page, "return", COMMENT)
    assert state(page) == "returned"
    shot(page, "wf-01-returned")

    log_in(page, live_demo, f"kepala-{OFFICE_A}")
    page.goto(live_demo.at(reverse("inbox")))
    assert COMMENT in page.locator('[data-testid="inbox-waiting"]').inner_text()
    page.goto(entry)
    assert COMMENT in page.locator('[data-testid="workflow-comment"]').inner_text()
    press(page, "submit")
    assert state(page) == "submitted"

    log_in(page, live_demo, "inspektorat")
    page.goto(entry)
    press(page, "verify")
    assert state(page) == "verified"

    log_in(page, live_demo, "admin")
    page.goto(entry)
    press(page, "approve")
    assert state(page) == "approved"
    history = page.locator('[data-testid="workflow-history"]').text_content() or ""
    assert COMMENT in history and history.count("kepala-kaloran") == 2
    shot(page, "wf-02-approved")
    assert services.is_locked(live_demo.demo.office_a, YEAR, "quarter", QUARTER)

    # the operator finds the period read-only; a save sent anyway is refused and stores nothing
    log_in(page, live_demo, f"operator-{OFFICE_A}")
    page.goto(entry)
    assert page.locator('[data-testid="entry-form"]').count() == 0
    ind = PkTarget.objects.filter(version__office=live_demo.demo.office_a, version__year=YEAR).order_by("order")[0]
    before = list(Quarter.objects.filter(indicator_year__indicator=ind.indicator).values_list("quarter", "value"))
    response = page.request.post(entry, form={f"v-{ind.indicator.pk}": "1"}, headers={"X-CSRFToken": _csrf(page)})
    assert response.status == 409 and "dikunci" in response.text()
    assert (
        list(Quarter.objects.filter(indicator_year__indicator=ind.indicator).values_list("quarter", "value")) == before
    )

    # the regency's views of the same cycle: the overdue list and the office's audit trail
    log_in(page, live_demo, "admin")
    page.goto(live_demo.at(reverse("workflow-overdue")))
    shot(page, "wf-03-overdue")
    assert page.locator('[data-testid="overdue-row"]').count() > 0
    page.goto(live_demo.at(reverse("office-dashboard", args=[OFFICE_A])))
    shot(page, "wf-04-dashboard")
    page.goto(live_demo.at(reverse("audit-office", args=[OFFICE_A]) + "?jenis=workflow.PeriodState"))
    shot(page, "wf-05-audit")
    log = page.locator('[data-testid="audit-log"]').inner_text()
    assert COMMENT in log and log.count("kepala-kaloran") >= 2
    assert not errors, errors


def _csrf(page: Any) -> str:
    return next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")


def test_a_submission_is_frozen_for_the_operator_until_the_head_withdraws_it(live_demo: LiveDemo, page: Any) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    entry = live_demo.at(reverse("quarter-entry", args=[OFFICE_A, YEAR, QUARTER]))
    log_in(page, live_demo, f"kepala-{OFFICE_A}")
    page.goto(entry)
    press(page, "submit")
    assert state(page) == "submitted"

    log_in(page, live_demo, f"operator-{OFFICE_A}")
    page.goto(entry)
    assert page.locator('[data-testid="entry-form"]').count() == 0
    frozen = page.locator('[data-testid="workflow-frozen"]').inner_text()
    assert "sedang diajukan" in frozen and "menarik kembali" in frozen
    assert page.locator('form.workflow-action[data-transition="withdraw"]').count() == 0  # the head's button
    shot(page, "wf-06-frozen")

    log_in(page, live_demo, f"kepala-{OFFICE_A}")
    page.goto(entry)
    # without a reason the browser stops it (required) and nothing changes
    page.locator('form.workflow-action[data-transition="withdraw"] button').click()
    assert state(page) == "submitted"
    press(page, "withdraw", "Realisasi IKU 2 salah ketik")
    assert state(page) == "draft"
    assert "Realisasi IKU 2 salah ketik" in (page.locator('[data-testid="workflow-history"]').text_content() or "")

    log_in(page, live_demo, f"operator-{OFFICE_A}")
    page.goto(entry)
    assert page.locator('[data-testid="entry-form"]').count() == 1
    assert page.locator('[data-testid="workflow-frozen"]').count() == 0
    assert not errors, errors
