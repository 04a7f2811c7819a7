"""The planner starts a batch in a real browser and watches htmx poll its progress to the zip."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from tests.web.demo_support import OFFICE_A, LiveDemo
from tests.web.test_browser import shot

pytestmark = pytest.mark.browser


def test_planner_runs_a_batch_and_downloads_the_zip(live_demo: LiveDemo, page: Any) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(live_demo.at(reverse("login")))
    page.fill("#id_username", "perencana")
    page.fill("#id_password", live_demo.password)
    page.click("form.stacked button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.click("[data-testid=documents-batch-link]")
    assert page.url == live_demo.at(reverse("documents-batch"))
    form = page.locator("[data-testid=batch-form]")
    form.locator("select[name=year]").select_option("2020")
    for kind in ("lkjip", "triwulan", "pk", "iku"):  # only the two spreadsheets: quick
        form.locator(f"input[name=kinds][value={kind}]").uncheck()
    form.locator("input[name=formats][value=docx]").uncheck()
    form.locator("button[type=submit]").click()
    page.wait_for_url("**/dokumen/massal/*/")
    status = page.locator("[data-testid=batch-status]")
    status.wait_for()
    # htmx replaces the fragment every second until the job is done
    page.locator("[data-testid=batch-status][data-status=done]").wait_for(timeout=90_000)
    shot(page, "documents-batch-done")
    import re

    from sakip.dataset.loader import SEEDS

    counted = re.search(r"(\d+) / (\d+) perangkat daerah", status.inner_text())
    assert counted is not None, status.inner_text()
    # every seed office is in the job; those with a 2020 year (at least the two 2020 reports) are done
    assert int(counted.group(2)) == len(SEEDS) and 2 <= int(counted.group(1)) <= len(SEEDS)
    with page.expect_download() as info:
        page.click("[data-testid=batch-download]")
    data = Path(info.value.path()).read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = set(z.namelist())
    assert f"{OFFICE_A}/matrik-{OFFICE_A}-2020.xlsx" in names
    assert f"{OFFICE_A}/rkt-{OFFICE_A}-2020.xlsx" in names
    assert not errors


def test_operator_downloads_from_the_dashboard(live_demo: LiveDemo, page: Any) -> None:
    page.goto(live_demo.at(reverse("login")))
    page.fill("#id_username", f"operator-{OFFICE_A}")
    page.fill("#id_password", live_demo.password)
    page.click("form.stacked button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.goto(live_demo.at(reverse("office-dashboard", args=[OFFICE_A]) + "?tahun=2020"))
    shot(page, "documents-dashboard")
    with page.expect_download() as info:
        page.click("[data-testid=download-matrik-xlsx]")
    assert info.value.suggested_filename == f"matrik-{OFFICE_A}-2020.xlsx"
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(Path(info.value.path()).read_bytes())).active  # the path has no suffix
    assert ws is not None and "DRAFT" in str(ws["A1"].value)
