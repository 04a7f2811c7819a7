"""The survey page in Chromium at 1280 px and 390 px: download the questionnaire template, fill it in,
upload it; then enter an index computed elsewhere. Screenshots go to ``var/screenshots/``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from sakip.domain.numbers import format_number
from sakip.domain.survey import PERMENPAN_14_2017, from_responses
from sakip.surveys.models import Survey

from .demo_support import OFFICE_A, LiveDemo
from .test_browser_budget import log_in, no_page_overflow, shot

pytestmark = pytest.mark.browser
YEAR = 2020
ANSWERS = [[4, 3, 3, 4, 3, 3, 4, 3, 3], [3, 3, 2, 4, 3, 4, 4, 3, 3], [4, 4, 4, 3, 4, 4, 4, 4, 4]]


@pytest.mark.parametrize("width", [1280, 390])
def test_template_upload_and_an_index_entered(
    live_demo: LiveDemo, chromium_browser: Any, width: int, tmp_path: Path
) -> None:
    context = chromium_browser.new_context(viewport={"width": width, "height": 900}, locale="id-ID",
                                           accept_downloads=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        log_in(page, live_demo, f"operator-{OFFICE_A}")
        page.goto(live_demo.at(reverse("survey-detail", args=[OFFICE_A, YEAR])))
        no_page_overflow(page)
        shot(page, f"survey-{width}-01-page")

        # the template of PermenPAN-RB 14/2017, as the operator downloads it
        link = page.locator("[data-testid=survey-templates] a[href$='permenpan-14-2017.xlsx']")
        with page.expect_download() as info:
            link.click()
        path = tmp_path / info.value.suggested_filename
        info.value.save_as(path)
        wb = load_workbook(path)
        for n, row in enumerate(ANSWERS, start=1):
            wb.worksheets[0].append([n, *row])
        wb.save(path)

        page.set_input_files("#s-file", str(path))
        page.select_option("#s-instrument", "permenpan-14-2017")
        page.locator("[data-testid=survey-form] button").click()
        page.wait_for_load_state("networkidle")
        expected = from_responses(PERMENPAN_14_2017, ANSWERS)  # type: ignore[arg-type]
        assert page.locator("[data-testid=ikm]").inner_text() == format_number(expected.index)
        assert "kuesioner per responden" in page.locator("[data-testid=survey-basis]").inner_text()
        no_page_overflow(page)
        shot(page, f"survey-{width}-02-uploaded")

        # an index computed elsewhere, with its respondents
        form = page.locator("[data-testid=survey-entry-form]")
        form.locator("input[name=mode][value=index]").check()
        form.locator("#e-index").fill("82,57")
        form.locator("#e-respondents").fill("1.250")
        no_page_overflow(page)
        shot(page, f"survey-{width}-03-entry")
        form.locator("button").click()
        page.wait_for_load_state("networkidle")
        assert page.locator("[data-testid=ikm]").inner_text() == "82,57"
        assert page.locator("[data-testid=respondents]").inner_text() == "1.250"
        assert "di luar aplikasi" in page.locator("[data-testid=survey-basis]").inner_text()
        stored = Survey.objects.get(office__code=OFFICE_A, year=YEAR)
        assert (stored.input, stored.respondents, str(stored.index)) == ("index", 1250, "82.5700")
        no_page_overflow(page)
        shot(page, f"survey-{width}-04-index")
        assert errors == []
    finally:
        context.close()
