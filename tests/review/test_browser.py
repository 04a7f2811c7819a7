"""The review pages in Debian's Chromium: the Reviu tab, and a printed report uploaded through the form."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from sakip.dataset.printed_report import printed_seed_path
from tests.web.demo_support import LiveDemo

pytestmark = pytest.mark.browser


def test_reviu_tab_and_printed_report_upload(live_demo: LiveDemo, page: Any) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(live_demo.at(reverse("login")))
    page.fill("#id_username", "inspektorat")
    page.fill("#id_password", live_demo.password)
    page.click("form.stacked button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.goto(live_demo.at(reverse("office-dashboard", args=["kaloran"])))
    assert page.get_by_test_id("review-regency-link").inner_text() == "Reviu semua OPD"
    page.get_by_role("link", name="Pelaporan", exact=True).click()  # the step of the cycle
    page.wait_for_load_state("networkidle")
    page.get_by_role("link", name="Reviu", exact=True).click()  # its page
    page.wait_for_load_state("networkidle")
    assert "/opd/kaloran/reviu/" in page.url
    findings = page.locator("[data-testid=review-findings] tbody tr")
    assert findings.count() > 0
    rtlh = page.locator("[data-testid=review-findings] tbody tr", has_text="RTLH").filter(has_text="kategori")
    assert rtlh.locator("[data-testid=found]").inner_text() == "Kurang"
    assert rtlh.locator("[data-testid=expected]").inner_text() == "Baik"

    page.get_by_role("link", name="Reviu laporan tercetak →").click()
    page.set_input_files("#r-file", str(printed_seed_path("kandangserang-2021")))
    page.click("[data-testid=printed-form] button")
    page.wait_for_load_state("networkidle")
    result = page.locator("[data-testid=printed-result]")
    assert "Kecamatan Kandangserang" in result.locator("h2").inner_text()
    row = result.locator("tbody tr", has_text="TOTAL PAGU ANGGARAN").filter(has_text="pagu").first
    assert row.locator("[data-testid=found]").inner_text() == "390.801.300"
    assert row.locator("[data-testid=expected]").inner_text() == "401.307.340"
    assert errors == []


@pytest.mark.parametrize("width", [1280, 390])
def test_quarterly_report_reviewed_against_the_stored_office(live_demo: LiveDemo, page: Any, width: int) -> None:
    """The Karangsari TW II report uploaded on its office's page: the findings against the stored data."""
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_demo.at(reverse("login")))
    page.fill("#id_username", "operator-karangsari")
    page.fill("#id_password", live_demo.password)
    page.click("form.stacked button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.goto(live_demo.at(reverse("review-printed", args=["karangsari"])))
    lag = page.get_by_label("Ambang peringatan penyerapan (poin di bawah porsi waktu berjalan)")
    assert lag.input_value() == "20"
    lag.fill("30")
    page.set_input_files("#r-file", str(printed_seed_path("karangsari-2024-tw2")))
    page.click("[data-testid=printed-form] button")
    page.wait_for_load_state("networkidle")
    result = page.locator("[data-testid=printed-result]")
    assert "Triwulan II" in result.locator("h2").inner_text()
    earlier = result.locator("tbody tr", has_text="belanja gaji dan tunjangan ASN").filter(has_text="realisasi").first
    assert earlier.locator("[data-testid=found]").inner_text() == "531.842.600"
    assert earlier.locator("[data-testid=expected]").inner_text() == "1.078.960.950"
    zero = result.locator("tbody tr", has_text="IKM › TW I").filter(has_text="realisasi").first
    assert zero.locator("[data-testid=expected]").inner_text() == "belum diukur"
    assert result.locator("tbody tr[data-rule=PR-TW-04]").count() == 2  # below 50 − 30 = 20 %
    # the page's own content fits the width (the wide findings table scrolls in its own box)
    wide = page.evaluate(
        "Array.from(document.querySelectorAll('main *')).filter(e => e.getBoundingClientRect().right > "
        "window.innerWidth + 1 && !e.closest('.scroll-x'))"
        ".map(e => e.tagName + ' ' + (e.textContent || '').slice(0, 40))"
    )
    assert wide == []
    assert errors == []
