"""A verifier's note on one indicator's quarter, written from the page where the submitted period is reviewed.

Kaloran's head submits 2020 TW IV; the Inspektorat opens it from the inbox (the entry page,
read-only, with the workflow panel), writes a note on one row without leaving the page, and
the operator then finds the note next to that row of TW IV — not on TW III. Checked at
1280 px and, by screenshot, at 390 px (``var/screenshots/`` or ``SAKIP_SCREENSHOTS``).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from sakip.agreements.models import PkTarget
from sakip.audit.models import AuditEntry
from sakip.workflow.models import RowComment
from tests.web.demo_support import OFFICE_A, LiveDemo

from .test_browser import log_in, press, shot, state

pytestmark = pytest.mark.browser

YEAR, QUARTER = 2020, 4
NOTE = "Realisasi TW IV belum didukung laporan bulanan Desember"


def test_the_verifier_notes_a_row_of_the_submitted_quarter_and_the_operator_sees_it(
    live_demo: LiveDemo, page: Any
) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    entry = live_demo.at(reverse("quarter-entry", args=[OFFICE_A, YEAR, QUARTER]))
    ind = PkTarget.objects.filter(version__office=live_demo.demo.office_a, version__year=YEAR).order_by("order")[0]
    code, key = ind.indicator.code, ind.indicator.pk

    log_in(page, live_demo, f"kepala-{OFFICE_A}")
    page.goto(entry)
    press(page, "submit")
    assert state(page) == "submitted"

    # the verifier comes from the inbox to the period under review
    log_in(page, live_demo, "inspektorat")
    page.goto(live_demo.at(reverse("inbox")))
    page.get_by_role("link", name=f"Data triwulan TW IV {YEAR}").first.click()
    page.wait_for_load_state("networkidle")
    assert page.url == entry and state(page) == "submitted"
    assert page.locator('[data-testid="entry-form"]').count() == 0  # read-only for the verifier
    row = page.locator(f"#row-{key}")
    row.locator("summary", has_text=f"Tambah catatan {code}").click()
    row.get_by_label(f"Catatan verifikator {code}").fill(NOTE)
    row.get_by_role("button", name="Kirim catatan").click()
    page.wait_for_load_state("networkidle")
    assert page.url.split("#")[0] == entry  # back on the same page, at the row
    sent = f"Catatan untuk {code} Data triwulan TW IV {YEAR} terkirim."
    assert sent in page.locator(".messages, main").first.inner_text()
    assert NOTE in page.locator(f"#row-{key} [data-testid=row-comment]").inner_text()
    assert state(page) == "submitted"  # a note is no transition
    shot(page, "wf-row-comment-01-verifier")

    note = RowComment.objects.get(office=live_demo.demo.office_a, year=YEAR, quarter=QUARTER, indicator_id=key)
    assert note.text == NOTE and note.author_name == "inspektorat"
    assert AuditEntry.objects.filter(model="workflow.RowComment", object_id=str(note.pk), action="create").exists()

    # the operator sees it next to that row of TW IV, and not on TW III
    log_in(page, live_demo, f"operator-{OFFICE_A}")
    page.goto(entry)
    seen = page.locator(f"#row-{key} [data-testid=row-comment]")
    assert seen.count() == 1 and NOTE in seen.inner_text() and "inspektorat" in seen.inner_text()
    assert page.locator("[data-testid=row-comment]").count() == 1  # on this row only
    assert page.locator('[data-testid="comment-form"]').count() == 0  # the operator does not write notes
    shot(page, "wf-row-comment-02-operator-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(entry)
    assert page.locator(f"#row-{key} [data-testid=row-comment]").is_visible()
    shot(page, "wf-row-comment-03-operator-390")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_demo.at(reverse("quarter-entry", args=[OFFICE_A, YEAR, 3])))
    assert page.locator("[data-testid=row-comment]").count() == 0
    assert NOTE not in page.content()
    assert not errors, errors
