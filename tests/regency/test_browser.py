"""The regency dashboard and the public portal in a real browser (Debian's Chromium via Playwright)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from sakip.workflow.models import PeriodState
from tests.web.demo_support import OFFICE_A, LiveDemo
from tests.web.test_browser import log_in, shot

pytestmark = pytest.mark.browser


def test_planner_filters_the_ranking_and_drills_down(live_demo: LiveDemo, page: Any) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, live_demo, "perencana")
    page.click("[data-testid=regency-dashboard-link]")
    page.wait_for_load_state("networkidle")
    page.select_option("[data-testid=regency-filter] select[name=tahun]", "2020")
    page.select_option("[data-testid=regency-filter] select[name=triwulan]", "")
    page.click("[data-testid=regency-filter] button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "tahun=2020" in page.url
    row = page.locator(f"[data-testid=ranking-achievement] tr[data-office='{OFFICE_A}']")
    shown = row.locator("td").nth(2).inner_text().strip()
    assert re.fullmatch(r"\d+,\d{2} %", shown), shown
    shot(page, "regency-dashboard")
    row.locator("td").nth(1).locator("a").click()
    page.wait_for_load_state("networkidle")
    assert f"/opd/{OFFICE_A}/" in page.url
    assert page.locator("[data-testid=office-achievement]").inner_text().strip() == shown
    assert not errors, errors


def test_the_public_sees_an_approved_report_without_logging_in(live_demo: LiveDemo, page: Any) -> None:
    office = live_demo.demo.office_a
    PeriodState.objects.create(office=office, year=2020, step="annual", quarter=None, state="approved")
    page.goto(live_demo.at("/publik/"))
    page.click(f"[data-testid=portal-offices] tr[data-office='{office.code}'] a")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-testid=portal-year-2020]").is_visible()
    assert page.locator("[data-testid=portal-absorption]").inner_text().strip().endswith("%")
    shot(page, "portal-office")
    response = page.request.get(live_demo.at(f"/publik/data/kinerja.csv?opd={office.code}"))
    assert response.status == 200 and response.text().splitlines()[0].startswith("\ufeffregency,office_code")
