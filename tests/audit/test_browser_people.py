"""The audit trail read in a real browser (Chromium) at 1280 px and 390 px, after an operator's edit through
the entry page: names, Indonesian dates and numbers, no "object (", no raw field name (issue #14)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from sakip.agreements.models import PkTarget
from tests.web.demo_support import OFFICE_A, LiveDemo
from tests.workflow.test_browser import log_in, shot

pytestmark = pytest.mark.browser

YEAR = 2020


@pytest.mark.parametrize("width", [1280, 390])
def test_an_operator_reads_who_changed_what(live_demo: LiveDemo, page: Any, width: int) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.set_viewport_size({"width": width, "height": 900})
    ind = PkTarget.objects.filter(version__office__code=OFFICE_A, version__year=YEAR).order_by("order", "id")[0]
    log_in(page, live_demo, "operator-kaloran")
    page.goto(live_demo.at(reverse("quarter-entry", args=[OFFICE_A, YEAR, 4])))
    page.fill(f'[name="v-{ind.indicator_id}"]', "9,8")
    page.fill(f'[name="e-{ind.indicator_id}"]', "rekap ulang")
    page.locator('form button[type="submit"]').filter(has_text="Simpan").first.click()
    page.wait_for_load_state("networkidle")
    page.goto(live_demo.at(reverse("audit-office", args=[OFFICE_A]) + "?jenis=monitoring.Quarter"))
    shot(page, f"audit-people-{width}")
    log = page.locator('[data-testid="audit-log"]').inner_text()
    assert "Operator Kecamatan Kaloran (operator-kaloran)" in log
    assert re.search(r"\d{1,2} Desember \d{4} \d{2}\.\d{2}|\d{1,2} \w+ \d{4} \d{2}\.\d{2}", log)
    assert re.search(r"realisasi: (∅|[\d.,]+) → 9,8", log)
    assert f"{ind.indicator.code} " in log and "TW IV 2020" in log
    assert "object (" not in log and "indicator_year" not in log and not re.search(r"\d{4}-\d{2}-\d{2}T", log)
    assert not errors, errors
