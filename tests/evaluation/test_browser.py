"""The LKE in a real browser: Kaloran's operator fills the self-assessment, the Inspektorat scores it.

Debian's Chromium driven by Playwright on the live server with the demo regency. Screenshots
go to ``var/screenshots/`` (or ``SAKIP_SCREENSHOTS``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from tests.web.demo_support import OFFICE_A, LiveDemo

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("SAKIP_SCREENSHOTS", Path(__file__).parents[2] / "var" / "screenshots"))
YEAR = 2020


def log_in(page: Any, live: LiveDemo, username: str) -> None:
    page.context.clear_cookies()
    page.goto(live.at(reverse("login")))
    page.fill("#id_username", username)
    page.fill("#id_password", live.password)
    page.click("form.stacked button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_self_assessment_then_evaluator(live_demo: LiveDemo, page: Any) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 500 else None)
    log_in(page, live_demo, f"operator-{OFFICE_A}")
    page.goto(live_demo.at(reverse("office-dashboard", args=[OFFICE_A])))
    page.click("nav.tabs >> text=Evaluasi")  # the step of the cycle (its one page: the LKE)
    page.select_option("#lke-template", "preset:permenpanrb-88-2021")
    page.click("[data-testid=lke-start] button")
    page.wait_for_load_state("networkidle")
    selects = page.locator("[data-testid=lke-self-form] select")
    assert selects.count() == 80
    # every keberadaan/kualitas/pemanfaatan criterion at its best option ("Y" or "A") except the first (T)
    for i in range(selects.count()):
        sel = selects.nth(i)
        options = sel.locator("option").all_inner_texts()
        sel.select_option(index=2 if i == 0 else 1)
        assert options[0] == "—"
    page.fill("[data-testid=lke-self-form] textarea >> nth=0", "Pedoman <script>alert(1)</script> belum ada")
    page.click("[data-testid=lke-self-form] [data-testid=lke-save]")
    page.wait_for_load_state("networkidle")
    # all met is BB (80); 5 of 6 keberadaan criteria of Perencanaan Kinerja: B, 70 % of 6 = 4,2 (not 4,8)
    assert page.inner_text("[data-testid=lke-own-total]") == "79,40"
    assert page.inner_text("[data-testid='lke-own-grade-1.a']") == "B"
    note = "Pedoman <script>alert(1)</script> belum ada"
    assert page.input_value("[data-testid=lke-self-form] textarea >> nth=0") == note
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "lke-self.png"), full_page=True)
    page.click("[data-testid=lke-submit] button")
    page.wait_for_load_state("networkidle")
    assert page.inner_text("[data-testid=lke-status]") == "Evaluasi oleh evaluator"

    log_in(page, live_demo, "inspektorat")
    page.goto(live_demo.at(reverse("evaluation-score", args=[OFFICE_A, YEAR])))
    row = page.locator("[data-criterion='1.a.1']")
    assert row.locator("td").nth(1).inner_text() == "Tidak ada / tidak terpenuhi"
    assert row.locator("td").nth(2).inner_text().strip() == note  # shown as text, never run
    assert page.inner_text("[data-testid=lke-own-total]") == "79,40"
    # the evaluator agrees everywhere but on 1.a.2 (Tidak): 4 of 6 keberadaan criteria, CC: 3,6 → 78,80
    selects = page.locator("[data-testid=lke-score-form] tr[data-criterion] select")
    assert selects.count() == 80
    for i in range(selects.count()):
        selects.nth(i).select_option(index=2 if i in (0, 1) else 1)
    page.fill("#lke-summary", "Pedoman teknis perencanaan kinerja belum ada.")
    page.click("[data-testid=lke-score-form] [data-testid=lke-save]")
    page.wait_for_load_state("networkidle")
    assert page.inner_text("[data-testid=lke-evaluator-total]") == "78,80"
    assert page.inner_text("[data-testid='lke-evaluator-grade-1.a']") == "CC"
    # 4.c (all met, BB) raised to AA: an innovation fit as a national example, with a note → + 2,5
    page.select_option("select[name=g4_c-grade]", "AA")
    page.select_option("select[name=g4_c-qualifier]", "innovation")
    page.fill("input[name=g4_c-note]", "Aplikasi evaluasi internal ditiru pemda lain.")
    page.click("[data-testid=lke-score-form] [data-testid=lke-save]")
    page.wait_for_load_state("networkidle")
    assert page.inner_text("[data-testid=lke-evaluator-total]") == "81,30"
    assert page.inner_text("[data-testid='lke-evaluator-grade-4.c']") == "AA"
    page.screenshot(path=str(SHOTS / "lke-evaluator.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    box = page.locator("[data-testid='lke-grade-form-4.c']").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    for field in ("select[name=g4_c-grade]", "select[name=g4_c-qualifier]", "input[name=g4_c-note]"):
        fb = page.locator(field).bounding_box()
        assert fb is not None and fb["x"] + fb["width"] <= box["x"] + box["width"], field
    page.screenshot(path=str(SHOTS / "lke-evaluator-390.png"), full_page=True)
    page.locator("[data-testid='lke-grade-4.c']").screenshot(path=str(SHOTS / "lke-grade-390.png"))
    page.locator("[data-testid='lke-grade-form-4.c']").screenshot(path=str(SHOTS / "lke-grade-form-390.png"))
    page.set_viewport_size({"width": 1280, "height": 900})
    page.click("[data-testid=lke-finish] button")
    page.wait_for_load_state("networkidle")
    assert page.inner_text("[data-testid=lke-own-predicate]") == "BB"
    assert page.inner_text("[data-testid=lke-evaluator-predicate]") == "A"
    assert page.inner_text("[data-testid=lke-final]") == "81,30 (A)"
    page.screenshot(path=str(SHOTS / "lke-summary.png"), full_page=True)
    assert not errors, errors
