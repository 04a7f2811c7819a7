"""``python3 dev.py screenshots [DIR]``: the main pages of the demo at 1280 px and 390 px, as PNG files.

Starts ``sakip demo`` on a free port with a throwaway data folder, signs in as the demo users in Debian's
Chromium (Playwright, the dev extra; ``SAKIP_CHROMIUM`` or ``/usr/bin/chromium``) and writes
``<width>-<name>.png`` into DIR (default ``docs/screenshots``): what a person sees, without running Sakip.
The first screen of each page (1280 × 900 or 390 × 900 CSS pixels); ``--full`` for whole pages.
The browser tests check the same pages (tests/web/test_journeys_browser.py); this is only the pictures.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

WIDTHS = (1280, 390)
YEAR, QUARTER = 2020, 4
OFFICE = "kaloran"

#: (file name, user, path); the user signs in once per width
PAGES: tuple[tuple[str, str, str], ...] = (
    ("01-masuk", "", "/login/"),
    ("02-kotak-masuk", f"operator-{OFFICE}", "/kotak-masuk/"),
    ("03-ringkasan-opd", f"operator-{OFFICE}", f"/opd/{OFFICE}/"),
    ("04-pohon-kinerja", f"operator-{OFFICE}", f"/opd/{OFFICE}/pohon-kinerja/?tahun={YEAR}"),
    ("05-perjanjian-kinerja", f"operator-{OFFICE}", f"/opd/{OFFICE}/pk/{YEAR}/"),
    ("06-pengukuran-triwulan", f"operator-{OFFICE}", f"/opd/{OFFICE}/pengukuran/{YEAR}/tw/{QUARTER}/"),
    ("07-anggaran", f"operator-{OFFICE}", f"/opd/{OFFICE}/anggaran/{YEAR}/"),
    ("08-reviu", "inspektorat", f"/opd/{OFFICE}/reviu/{YEAR}/"),
    ("09-jejak-audit", "inspektorat", f"/opd/{OFFICE}/audit/"),
    ("10-pemda", "admin", "/pemda/"),
)


def chromium() -> str:
    configured = os.environ.get("SAKIP_CHROMIUM")
    for candidate in (configured, "/usr/bin/chromium", "/usr/bin/chromium-browser", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    sys.exit("Chromium not found: apt-get install chromium (or set SAKIP_CHROMIUM)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def demo_server() -> Iterator[str]:
    """``sakip demo`` on a free port with its own data folder; yields the base URL."""
    port = _free_port()
    with tempfile.TemporaryDirectory(prefix="sakip-shots-") as data:
        sakip = Path(sys.executable).with_name("sakip")
        log = open(Path(data) / "server.log", "wb")  # noqa: SIM115 - closed below
        proc = subprocess.Popen([str(sakip), "demo", "--port", str(port), "--data-dir", data], stdout=log,
                                stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(600):
                try:
                    urllib.request.urlopen(url + "/login/", timeout=1)
                    break
                except OSError:
                    if proc.poll() is not None:
                        sys.exit((Path(data) / "server.log").read_text(errors="replace")[-2000:])
                    time.sleep(0.5)
            yield url
        finally:
            proc.terminate()
            proc.wait(timeout=20)
            log.close()


def demo_password() -> str:
    """The demo users' password (`sakip.core.demo`, which needs Django set up to be imported)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sakip.web.settings")
    import django

    django.setup()
    from sakip.core.demo import DEMO_PASSWORD

    return DEMO_PASSWORD


def take(out: Path, full_page: bool = False) -> list[Path]:
    from playwright.sync_api import sync_playwright

    password = demo_password()
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with demo_server() as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium(), headless=True, args=["--no-sandbox"])
        for width in WIDTHS:
            user = None
            context = browser.new_context(viewport={"width": width, "height": 900}, locale="id-ID")
            page = context.new_page()
            for name, who, path in PAGES:
                if who != user:
                    context.clear_cookies()
                    if who:
                        page.goto(url + "/login/")
                        page.fill("#id_username", who)
                        page.fill("#id_password", password)
                        page.click("form.stacked button[type=submit]")
                        page.wait_for_load_state("networkidle")
                    user = who
                page.goto(url + path)
                page.wait_for_load_state("networkidle")
                target = out / f"{width}-{name}.png"
                page.screenshot(path=str(target), full_page=full_page)
                written.append(target)
            context.close()
        browser.close()
    return written


def main(argv: list[str]) -> int:
    """``[DIR] [--full]``: ``--full`` takes whole pages instead of the first screen (900 px high)."""
    full = "--full" in argv
    args = [a for a in argv if a != "--full"]
    out = Path(args[0]) if args else Path(__file__).resolve().parents[3] / "docs" / "screenshots"
    for path in take(out, full):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
