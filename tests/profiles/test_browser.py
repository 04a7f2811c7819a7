"""The narrative editor in a real browser (Debian's Chromium via Playwright, the demo on the live server), at
1280 px and at 390 px: Kaloran's operator opens the LKjIP's sections from the office's navigation, rewrites
one, saves, sees the completeness panel and downloads the LKjIP; the .docx carries the text as typed
(paragraphs and a list). Screenshots go to ``var/screenshots/``."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from docx import Document as Docx

from sakip.profiles.models import Narrative
from tests.web.demo_support import OFFICE_A, LiveDemo

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("SAKIP_SCREENSHOTS", Path(__file__).parents[2] / "var" / "screenshots"))
YEAR = 2020


def no_page_overflow(page: Any) -> None:
    viewport = page.evaluate("window.innerWidth")
    wide = page.evaluate(
        """(w) => [...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > w + 1
             && !e.closest('.scroll-x')).slice(0, 8).map(e => e.tagName + '.' + e.className + ' '
             + Math.round(e.getBoundingClientRect().right))""",
        viewport,
    )
    assert not wide, f"past the {viewport} px window: {wide}"


@pytest.mark.parametrize("width", [1280, 390])
def test_edit_a_section_and_download_the_lkjip(live_demo: LiveDemo, chromium_browser: Any, width: int) -> None:
    Narrative.objects.filter(office__code=OFFICE_A, year=YEAR, key="kesimpulan").delete()
    context = chromium_browser.new_context(viewport={"width": width, "height": 900}, locale="id-ID",
                                           accept_downloads=True)
    context.set_default_timeout(20_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(live_demo.at(reverse("login")))
        page.fill("#id_username", f"operator-{OFFICE_A}")
        page.fill("#id_password", live_demo.password)
        page.click("form.stacked button[type=submit]")
        page.wait_for_load_state("networkidle")
        # the dashboard's completeness panel names the missing section and links to it
        page.goto(live_demo.at(reverse("office-dashboard", args=[OFFICE_A])))
        panel = page.locator("[data-testid=completeness-lkjip]")
        assert "LKjIP 2020: 1 bagian belum diisi" in panel.inner_text()
        panel.locator("a", has_text="Kesimpulan").click()
        page.wait_for_load_state("networkidle")
        assert page.url.split("#")[0].endswith(reverse("narrative-edit", args=[OFFICE_A, YEAR, "lkjip"]))
        text = "Kinerja 2020 tercapai dengan baik.\n\nCatatan:\n- koordinasi desa lancar;\n- pelayanan cepat."
        box = page.locator("#n-kesimpulan")
        box.scroll_into_view_if_needed()
        box.fill(text)
        no_page_overflow(page)
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"narratives-{width}.png"), full_page=True)
        page.locator("[data-testid=narrative-save]").click()
        page.wait_for_load_state("networkidle")
        assert "Narasi tersimpan." in page.locator(".messages").inner_text()
        assert "semua bagian narasi sudah diisi" in page.locator("[data-testid=completeness-lkjip]").inner_text()
        with page.expect_download() as info:
            page.locator("[data-testid=download-lkjip-docx]").click()
        data = Path(info.value.path()).read_bytes()
        paragraphs = [p.text for p in Docx(io.BytesIO(data)).paragraphs]
        assert "Kinerja 2020 tercapai dengan baik." in paragraphs
        assert "• koordinasi desa lancar;" in paragraphs and "• pelayanan cepat." in paragraphs
        assert not errors, errors
    finally:
        context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_upload_a_photo_and_find_it_in_the_lkjip(
    live_demo: LiveDemo, chromium_browser: Any, width: int, tmp_path: Path
) -> None:
    from django.core.files.storage import default_storage

    from sakip.profiles.models import YearProfile
    from tests.profiles.support import jpeg_with_exif

    YearProfile.objects.filter(office__code=OFFICE_A, year=YEAR).update(photos=[])
    photo = tmp_path / "IMG_2020_penghargaan.jpg"
    photo.write_bytes(jpeg_with_exif(640, 480))
    caption = f"Penyerahan penghargaan pelayanan publik ({width} px)"
    context = chromium_browser.new_context(viewport={"width": width, "height": 900}, locale="id-ID",
                                           accept_downloads=True)
    context.set_default_timeout(20_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(live_demo.at(reverse("login")))
        page.fill("#id_username", f"operator-{OFFICE_A}")
        page.fill("#id_password", live_demo.password)
        page.click("form.stacked button[type=submit]")
        page.wait_for_load_state("networkidle")
        # from the narratives page to the year's photos
        page.goto(live_demo.at(reverse("narrative-edit", args=[OFFICE_A, YEAR, "lkjip"])))
        page.locator("a", has_text="Foto prestasi").first.click()
        page.wait_for_load_state("networkidle")
        assert page.url.endswith(reverse("profile-photos", args=[OFFICE_A, YEAR]))
        page.set_input_files("#id_image", str(photo))
        page.fill("#id_caption", caption)
        page.locator("[data-testid=photo-save]").click()
        page.wait_for_load_state("networkidle")
        assert "Foto ditambahkan." in page.locator(".messages").inner_text()
        shown = page.locator("[data-testid=photo-0] img")
        # served to the operator, turned upright by its EXIF orientation (640×480 taken, 480×640 shown)
        assert shown.evaluate("img => img.complete && img.naturalWidth") == 480
        no_page_overflow(page)
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"photos-{width}.png"), full_page=True)
        stored_name = YearProfile.objects.get(office__code=OFFICE_A, year=YEAR).photos[0]["file"]
        with default_storage.open(stored_name, "rb") as f:
            stored = f.read()
        page.goto(live_demo.at(reverse("narrative-edit", args=[OFFICE_A, YEAR, "lkjip"])))
        with page.expect_download() as info:
            page.locator("[data-testid=download-lkjip-docx]").click()
        d = Docx(io.BytesIO(Path(info.value.path()).read_bytes()))
        blobs = [rel.target_part.blob for rel in d.part.rels.values() if "image" in rel.reltype]
        assert stored in blobs  # the uploaded photo, as stored (re-encoded, without its EXIF)
        assert b"KameraRahasia" not in stored
        assert any(caption in p.text for p in d.paragraphs)
        assert not errors, errors
    finally:
        context.close()
