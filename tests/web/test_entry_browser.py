"""Entering TW I in a real browser (Debian's Chromium), at 1280 px and 390 px (issue #11).

The office of tests/data/quarter/as-of-2025.yaml (TW I of S1.1: cumulative target 250) is
added to the demo regency with an operator. A figure below target without an explanation is
refused on its row (the regency's rule is "wajib"), and stored once explained, as the
quarter's own text. Then a save refused because of another row keeps the file attached to
S1.4: the retry stores it without attaching it again.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from sakip.accounts.models import Membership, Office, Role
from sakip.core.interchange import import_office
from sakip.dataset.loader import parse_text
from sakip.monitoring.models import Evidence, Quarter

from .demo_support import LiveDemo
from .test_browser import log_in, shot

pytestmark = pytest.mark.browser

DATA = Path(__file__).parents[1] / "data" / "quarter" / "as-of-2025.yaml"
REQUIRED = "Capaian di bawah target: jelaskan penyebab dan solusinya (wajib); baris ini belum disimpan."
PDF = b"%PDF-1.4\n% bukti dukung pembinaan desa TW I\n"


def _quarter(code: str, q: int) -> Quarter:
    return Quarter.objects.get(
        indicator_year__indicator__code=code,
        indicator_year__indicator__plan__office__code="triwulan",
        indicator_year__year=2025,
        quarter=q,
    )


def _fits(page: Any, selector: str, width: int) -> None:
    """Shown within the viewport's width (a wide table scrolls inside the page, not the page sideways)."""
    box = page.locator(selector).first.bounding_box()
    assert box is not None, selector
    assert box["x"] >= 0 and box["x"] + box["width"] <= width + 1, (selector, box)


def _row(page: Any, code: str) -> Any:
    return page.locator(f"tr[data-indicator='{code}']")


@pytest.mark.parametrize("width", [1280, 390])
def test_tw_i_below_target_demands_an_explanation_and_a_refused_save_keeps_the_file(
    live_demo: LiveDemo, page: Any, width: int, tmp_path: Path
) -> None:
    office = import_office(parse_text(DATA.read_text("utf-8")), live_demo.demo.office_a.regency)
    assert isinstance(office, Office)
    user = get_user_model().objects.create(username="operator-triwulan")
    user.set_password(live_demo.password)
    user.save()
    Membership.objects.create(user=user, regency=office.regency, office=office, role=Role.OPERATOR)
    page.set_viewport_size({"width": width, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, live_demo, "operator-triwulan")
    page.goto(live_demo.at("/opd/triwulan/pengukuran/2025/tw/1/"))

    # 1. S1.1 below target: the preview says so, the save is refused on the row, nothing stored
    s11 = _row(page, "S1.1")
    s11.locator("input[name^=v-]").fill("200")
    preview = s11.locator("[data-testid=needs-explanation]")
    preview.wait_for()
    assert preview.inner_text().strip() == "Di bawah target: penjelasan wajib diisi."
    page.click("[data-testid=entry-form] button[type=submit]:has-text('Simpan semua')")
    page.wait_for_load_state("networkidle")
    message = _row(page, "S1.1").locator("[data-testid=explanation] .errorlist")
    assert message.inner_text().strip() == REQUIRED
    message.scroll_into_view_if_needed()
    assert message.is_visible()
    assert _quarter("S1.1", 1).value == Decimal(240)
    _fits(page, "div.scroll-x:has([data-testid=entry-table])", width)
    _fits(page, "[data-testid=entry-form] button[type=submit]:has-text('Simpan semua')", width)
    shot(page, f"entry-explanation-demanded-{width}")
    # explained: stored, as TW I's own text
    _row(page, "S1.1").locator("textarea[name^=e-]").fill("Dua desa terlambat menyerahkan rekap.")
    page.click("[data-testid=entry-form] button[type=submit]:has-text('Simpan semua')")
    page.wait_for_load_state("networkidle")
    assert "Realisasi TW I 2025 tersimpan." in page.locator("main").inner_text()
    q = _quarter("S1.1", 1)
    assert q.value == Decimal(200) and q.explanation == "Dua desa terlambat menyerahkan rekap."

    # 2. a file on S1.4 and a wrong number on S1.1: refused, the file is kept for the retry
    evidence = tmp_path / "pembinaan desa tw1.pdf"
    evidence.write_bytes(PDF)
    _row(page, "S1.4").locator("input[type=file]").set_input_files(str(evidence))
    _row(page, "S1.1").locator("input[name^=v-]").fill("2OO")
    page.click("[data-testid=entry-form] button[type=submit]:has-text('Simpan semua')")
    page.wait_for_load_state("networkidle")
    kept = _row(page, "S1.4").locator("[data-testid=pending-upload]")
    assert "berkas sudah diunggah: pembinaan desa tw1.pdf (akan disimpan)" in kept.inner_text()
    kept.scroll_into_view_if_needed()
    assert kept.is_visible()
    assert not Evidence.objects.filter(indicator_year__indicator__code="S1.4", indicator_year__year=2025).exists()
    shot(page, f"entry-file-kept-{width}")
    _row(page, "S1.1").locator("input[name^=v-]").fill("210")
    page.click("[data-testid=entry-form] button[type=submit]:has-text('Simpan semua')")
    page.wait_for_load_state("networkidle")
    assert "Realisasi TW I 2025 tersimpan." in page.locator("main").inner_text()
    ev = Evidence.objects.get(indicator_year__indicator__code="S1.4", indicator_year__year=2025, quarter=1)
    assert ev.name == "pembinaan desa tw1.pdf" and ev.size == len(PDF)
    assert _row(page, "S1.4").locator("[data-testid=pending-upload]").count() == 0
    assert _quarter("S1.1", 1).value == Decimal(210)
    assert errors == []
