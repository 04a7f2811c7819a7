"""The main journeys in a real browser at 1280 px and 390 px, with axe-core on every page visited (issue #14).

Sign in, find what waits, enter a quarter (five indicators, each with a realisation, an explanation and a
file of evidence), submit, return with a note, fix, resubmit, verify, approve, download the quarterly
report and read the audit trail — the demo regency, Kecamatan Kaloran 2020 TW IV, through the navigation
by cycle step. Every page reached is checked by axe-core (0 serious or critical WCAG 2.1 AA violations) and
must not be wider than the window.

Clicks are counted as a person would make them with a mouse: a link, a button, a field clicked into
(typing is not a click), the file chooser (two: open it, pick the file). Entering one quarter of five
indicators with evidence, from the office's summary page, takes ``ENTRY_CLICKS``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from sakip.monitoring.models import Evidence, Quarter
from sakip.workflow import services

from .a11y_support import assert_accessible
from .demo_support import OFFICE_A, LiveDemo

pytestmark = pytest.mark.browser

YEAR, QUARTER = 2020, 4
ROWS = 5
NOTE = "Bukti dukung S1.2 belum ditandatangani"
#: Pengukuran (1) + per indicator: realisation (1), explanation (1), evidence (2) + Simpan semua (1)
ENTRY_CLICKS = 1 + ROWS * 4 + 1


class Journey:
    """A page with a click counter; every page reached is checked by axe-core and for its width."""

    def __init__(self, page: Any, live: LiveDemo, width: int) -> None:
        self.page, self.live, self.width = page, live, width
        self.clicks = 0
        self.pages: list[str] = []
        self.seen: set[str] = set()
        self.errors: list[str] = []
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        page.on("dialog", lambda dialog: dialog.accept())  # a confirm() before a workflow step

    def check(self) -> None:
        """axe-core and the window's width on the page reached; a page seen before in the same workflow state
        and with the same messages is the same markup, and is not checked again."""
        self.page.wait_for_load_state("networkidle")
        key = self.page.evaluate(
            "[location.href, document.querySelector('[data-testid=workflow-panel]')?.dataset.state,"
            " document.querySelectorAll('.messages li, .errorlist').length].join('|')"
        )
        if key in self.seen:
            return
        self.seen.add(key)
        assert_accessible(self.page, f"{self.page.url} at {self.width} px")
        overflow = self.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{self.page.url} is {overflow} px wider than the {self.width} px window"
        self.pages.append(self.page.url)

    def click(self, target: Any) -> None:
        self.clicks += 1
        target.click()

    def follow(self, target: Any) -> None:
        self.click(target)
        self.check()

    def type_into(self, field: Any, text: str) -> None:
        self.clicks += 1  # clicked into, then typed
        field.click()
        field.fill(text)

    def attach(self, field: Any, path: Path) -> None:
        self.clicks += 2  # open the file chooser, pick the file
        field.set_input_files(str(path))

    def sign_in(self, username: str) -> None:
        self.page.context.clear_cookies()
        self.page.goto(self.live.at(reverse("login")))
        self.check()
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", self.live.password)
        self.page.click("form.stacked button[type=submit]")
        self.check()

    def step(self, label: str) -> None:
        """Open a step of the cycle in the navigation."""
        self.follow(self.page.locator("[data-testid=steps] .step-groups a", has_text=label))

    def press(self, transition: str, comment: str = "") -> None:
        form = self.page.locator(f'form.workflow-action[data-transition="{transition}"]')
        if comment:
            self.type_into(form.locator("textarea[name=comment]"), comment)
        self.click(form.locator("button[type=submit]"))
        dialog = self.page.locator("dialog[open]")
        if dialog.count():  # a confirmation dialog in the page
            # the workflow's dialog (workflow/static/workflow/confirm.js): "yes" first, "no" is .secondary
            self.click(dialog.locator("button:not(.secondary)").first)
        self.check()

    def state(self) -> str:
        return str(self.page.locator('[data-testid="workflow-panel"]').get_attribute("data-state"))


def _entry_rows(page: Any) -> list[str]:
    """The first five indicators entered by a plain realisation (not a formula, not a grade)."""
    codes = page.locator("[data-testid=entry-table] tr[data-indicator]:has(input[name^='v-'])").evaluate_all(
        "rows => rows.map(r => r.dataset.indicator)"
    )
    assert len(codes) >= ROWS, f"Kaloran {YEAR} TW IV has {len(codes)} plain indicators"
    return codes[:ROWS]


@pytest.mark.parametrize("width", [1280, 390])
def test_a_quarter_from_entry_to_the_audit_trail(live_demo: LiveDemo, chromium_browser: Any, width: int,
                                                 tmp_path: Path) -> None:
    context = chromium_browser.new_context(viewport={"width": width, "height": 900}, locale="id-ID",
                                           accept_downloads=True)
    context.set_default_timeout(20_000)
    j = Journey(context.new_page(), live_demo, width)
    page = j.page
    office = live_demo.demo.office_a
    entry = live_demo.at(reverse("quarter-entry", args=[OFFICE_A, YEAR, QUARTER]))

    # the operator signs in, finds what waits, then enters the quarter from the office's summary
    j.sign_in(f"operator-{OFFICE_A}")
    assert page.url == live_demo.at(reverse("office-dashboard", args=[OFFICE_A]))
    j.follow(page.get_by_test_id("inbox-link"))
    assert page.get_by_test_id("inbox-waiting").is_visible()
    page.go_back()
    j.check()

    j.clicks = 0
    j.step("Pengukuran")
    assert page.url == entry, "the measurement step opens the quarter under way (a past year: TW IV)"
    where = page.get_by_test_id("where").inner_text()
    assert "Pengukuran" in where and f"Tahun {YEAR}" in where and "TW IV" in where, where
    codes = _entry_rows(page)
    for n, code in enumerate(codes):
        row = page.locator(f"tr[data-indicator='{code}']")
        if width == 390:  # one card per indicator: the name and every field within the window
            for cell in ("td.card-head", "input[name^='v-']", "textarea[name^='e-']", "input[type=file]"):
                box = row.locator(cell).first.bounding_box()
                assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, (code, cell, box)
        j.type_into(row.locator("input[name^='v-']"), f"{90 + n},5")
        j.type_into(row.locator("textarea[name^='e-']"), f"Penjelasan {code}: kegiatan selesai pada Desember.")
        evidence = tmp_path / f"bukti-{code}.pdf"
        evidence.write_bytes(b"%PDF-1.4\n% bukti dukung " + code.encode() + b"\n")
        j.attach(row.locator("input[type=file]"), evidence)
    j.follow(page.locator("[data-testid=entry-form] button[type=submit]").last)
    assert j.clicks == ENTRY_CLICKS, f"entering one quarter of {ROWS} indicators took {j.clicks} clicks"
    assert page.locator(".messages li").first.inner_text()
    stored = Quarter.objects.filter(indicator_year__indicator__plan__office=office, indicator_year__year=YEAR,
                                    quarter=QUARTER, indicator_year__indicator__code__in=codes)
    assert sorted(str(q.value) for q in stored) == sorted(f"{90 + n}.5" for n in range(ROWS))
    assert Evidence.objects.filter(indicator_year__indicator__plan__office=office, indicator_year__year=YEAR,
                                   quarter=QUARTER, name__startswith="bukti-").count() == ROWS

    # the head submits; the Inspektorat finds it waiting and returns it with a note
    j.sign_in(f"kepala-{OFFICE_A}")
    page.goto(entry)
    j.check()
    j.press("submit")
    assert j.state() == "submitted"
    j.sign_in("inspektorat")
    j.follow(page.get_by_test_id("inbox-link"))
    j.follow(page.locator(f"[data-testid=inbox-waiting] a[href$='/tw/{QUARTER}/']").first)
    assert page.url == entry
    j.press("return", NOTE)
    assert j.state() == "returned"

    # the operator reads the note and fixes a figure; the head resubmits, the Inspektorat verifies
    j.sign_in(f"operator-{OFFICE_A}")
    page.goto(entry)
    j.check()
    assert NOTE in page.get_by_test_id("workflow-panel").inner_text()
    fixed = page.locator(f"tr[data-indicator='{codes[1]}'] input[name^='v-']")
    j.type_into(fixed, "99,5")
    j.follow(page.locator("[data-testid=entry-form] button[type=submit]").last)
    j.sign_in(f"kepala-{OFFICE_A}")
    page.goto(entry)
    j.press("submit")
    j.sign_in("inspektorat")
    page.goto(entry)
    j.press("verify")
    assert j.state() == "verified"

    # the regency approves; the quarterly report is downloaded; the audit trail tells the story
    j.sign_in("admin")
    page.goto(entry)
    j.check()
    j.press("approve")
    assert j.state() == "approved"
    assert services.is_locked(office, YEAR, "quarter", QUARTER)
    link = page.get_by_test_id("download-triwulan-docx").first
    with page.expect_download() as download:
        link.click()
    path = download.value.path()
    assert path is not None and Path(path).read_bytes()[:2] == b"PK", "a .docx (zip) file"
    j.step("Jejak audit")
    log = page.get_by_test_id("audit-log").inner_text()
    assert NOTE in log, "the return's note is in the audit trail"
    assert not j.errors, j.errors
    context.close()


#: every main page, by the role that opens it
SWEEP: tuple[tuple[str, tuple[str, ...]], ...] = (
    (f"operator-{OFFICE_A}", (
        "/kotak-masuk/", f"/opd/{OFFICE_A}/", f"/opd/{OFFICE_A}/rencana/",
        f"/opd/{OFFICE_A}/pohon-kinerja/?tahun={YEAR}",
        f"/opd/{OFFICE_A}/pk/{YEAR}/", f"/opd/{OFFICE_A}/pk/{YEAR}/ubah/", f"/opd/{OFFICE_A}/pengukuran/{YEAR}/tw/1/",
        f"/opd/{OFFICE_A}/anggaran/{YEAR}/", f"/opd/{OFFICE_A}/survei/{YEAR}/", f"/opd/{OFFICE_A}/data/",
        f"/opd/{OFFICE_A}/profil/", f"/opd/{OFFICE_A}/profil/{YEAR}/", f"/opd/{OFFICE_A}/reviu/{YEAR}/",
        f"/opd/{OFFICE_A}/lke/{YEAR}/", f"/opd/{OFFICE_A}/audit/", "/akun/token/",
    )),
    ("admin", (
        "/pemda/", "/pemda/terlambat/", "/pemda/tenggat/", "/dokumen/massal/", "/reviu/",
        "/lke/", "/pemda/audit/",
    )),
)


def test_every_main_page_passes_axe_and_fits_the_window(live_demo: LiveDemo, chromium_browser: Any) -> None:
    """Each page loaded once and checked at 1280 px, then at 390 px (the window resized: same page, narrow CSS)."""
    context = chromium_browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    context.set_default_timeout(20_000)
    j = Journey(context.new_page(), live_demo, 1280)
    failures = []

    def both_widths() -> None:
        for width in (1280, 390):
            j.width = width
            j.seen.clear()
            j.page.set_viewport_size({"width": width, "height": 900})
            j.page.evaluate("window.dispatchEvent(new Event('resize'))")
            try:
                j.check()
            except AssertionError as exc:  # every page's findings in one report
                failures.append(str(exc))

    j.page.goto(live_demo.at(reverse("login")))
    both_widths()
    for user, paths in SWEEP:
        j.sign_in(user)
        if user.startswith("operator"):  # the steps are plain links: focused and followed by keyboard
            j.page.keyboard.press("Tab")  # on the office's summary, the first Tab reaches "Langsung ke isi"
            assert j.page.evaluate("document.activeElement.className") == "skip"
            assert j.page.get_by_text("Langsung ke isi").is_visible()
            j.page.locator("[data-testid=steps] a[data-step=planning]").focus()
            with j.page.expect_navigation():
                j.page.keyboard.press("Enter")
            assert j.page.url == live_demo.at(reverse("plan-edit", args=[OFFICE_A]))
        for path in paths:
            response = j.page.goto(live_demo.at(path))
            assert response is not None and response.status == 200, f"{path}: {response and response.status}"
            both_widths()
    assert not failures, "\n".join(failures)
    assert len(j.pages) >= 2 * sum(len(paths) for _user, paths in SWEEP)
    assert not j.errors, j.errors
    context.close()
