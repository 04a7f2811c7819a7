"""Upload → preview → confirm in a real browser (Debian's Chromium via Playwright, live server)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from sakip.importers.kinds import REALISASI
from sakip.monitoring.models import Quarter
from tests.importers.xlsx_support import workbook
from tests.web.demo_support import OFFICE_A, LiveDemo

pytestmark = pytest.mark.browser


def test_operator_imports_a_workbook(live_demo: LiveDemo, page: Any, tmp_path: Path) -> None:
    header = [c.header for c in REALISASI.columns]
    bad = tmp_path / "salah.xlsx"
    bad.write_bytes(workbook({"Realisasi": [header, ["S1.2", None, None, None, "79.95"]]}))
    good = tmp_path / "isian.xlsx"
    good.write_bytes(
        workbook({"Realisasi": [header, ["S1.2", None, None, None, 79.95, None, None, None, None, "Uji"]]})
    )

    page.goto(live_demo.at(reverse("login")))
    page.fill("#id_username", f"operator-{OFFICE_A}")
    page.fill("#id_password", live_demo.password)
    page.click("form.stacked button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.goto(live_demo.at(reverse("office-data", args=[OFFICE_A])))
    page.click("[data-testid=excel-import-link]")
    page.wait_for_load_state("networkidle")
    assert "/impor-excel/" in page.url

    form = page.locator("[data-testid=upload-form]")
    form.locator("select[name=kind]").select_option("realisasi")
    form.locator("input[type=file]").set_input_files(str(bad))
    form.locator("button").click()
    page.wait_for_load_state("networkidle")
    errors = page.locator("[data-testid=import-errors]")
    assert errors.is_visible()
    assert "gunakan koma" in errors.inner_text()

    form = page.locator("[data-testid=upload-form]")
    form.locator("select[name=kind]").select_option("realisasi")
    form.locator("input[type=file]").set_input_files(str(good))
    form.locator("button").click()
    page.wait_for_load_state("networkidle")
    preview = page.locator("[data-testid=import-preview]")
    assert "79,95" in preview.inner_text()
    assert not Quarter.objects.filter(
        indicator_year__indicator__code="S1.2",
        indicator_year__year=2020,
        indicator_year__indicator__plan__office__code=OFFICE_A,
    ).exists()
    page.locator("[data-testid=confirm-form] button").click()
    page.wait_for_load_state("networkidle")
    assert "Impor tersimpan" in page.content()
    q = Quarter.objects.get(
        indicator_year__indicator__code="S1.2",
        indicator_year__year=2020,
        quarter=1,
        indicator_year__indicator__plan__office__code=OFFICE_A,
    )
    assert q.value == Decimal("79.95")
