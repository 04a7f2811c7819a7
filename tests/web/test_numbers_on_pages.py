"""Every number a person reads on the demo's pages is in the Indonesian format (issue #14).

The pages of the demo are crawled (same-site links, GET only) as the regency admin and as an office's
operator and head; in each HTML page the text a person reads (not inputs, not attributes, not scripts)
must have no integer of 1000 or more written without its thousands separator ("2473 hari",
"populasi 12500"). Years (1900–2100) are not amounts and stay as they are; identifiers of 16 digits or
more (NIK, NIP) and the NIP as printed ("19720405 199403 1 008") are not amounts either.

Not read here: the audit trail (``/audit/``), which shows stored values as they are stored until the
audit part of issue #14 (another branch) shows them for people. The office profile (``/profil/``) is
read like every other page, except the text the office typed as it is, not a figure Sakip shows (its
address and telephone: a postal code, a telephone number), which the page marks ``data-typed``.
"""

from __future__ import annotations

import re
from collections import deque
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urldefrag, urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from tests.web.demo_support import Demo, demo_once  # noqa: F401 — the fixture

pytestmark = pytest.mark.django_db

#: the most pages read per role (the demo has ~470 reachable pages; the crawl reads them breadth first)
MAX_PAGES = 260
SKIP = re.compile(
    r"/(logout|keluar|i18n|admin|api|media|static|audit)/|\.(xlsx|csv|docx|pdf|zip|json|yaml|png|svg)$"
)
NIP = re.compile(r"\b\d{8} \d{6} \d \d{3}\b")
#: an integer of four digits or more not part of a grouped number, a decimal, a code or a date
BARE = re.compile(r"(?<![\d.,:/\-–])\d{4,}(?![\d]|[.,:/\-]\d)")
SKIPPED_TAGS = {"script", "style", "textarea", "select", "option", "code", "pre", "title"}


class _Text(HTMLParser):
    """The text nodes a person reads and the page's same-site links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.links: list[str] = []
        self._skip = 0
        self._typed = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIPPED_TAGS:
            self._skip += 1
        if tag == "div" and (self._typed or "data-typed" in dict(attrs)):
            self._typed += 1  # inside the office's own text as typed (nested divs counted to find its end)
        if tag == "a":
            href = dict(attrs).get("href")
            if href and href.startswith("/") and "download" not in dict(attrs):
                self.links.append(href)

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED_TAGS and self._skip:
            self._skip -= 1
        if tag == "div" and self._typed:
            self._typed -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and not self._typed:
            self.text.append(data)


def unformatted(text: str) -> list[str]:
    """The bare integers ≥ 1000 in ``text`` that are neither years nor long identifiers."""
    found = []
    text = NIP.sub("NIP", text)
    for m in BARE.finditer(text):
        digits = m.group(0)
        n = int(digits)
        if (len(digits) == 4 and 1900 <= n <= 2100) or len(digits) >= 16:
            continue
        found.append(text[max(0, m.start() - 40): m.end() + 20].strip())
    return found


def test_the_detector_finds_bare_integers_and_leaves_formatted_ones() -> None:
    assert unformatted("terlambat 2473 hari") == ["terlambat 2473 hari"]
    assert unformatted("populasi 12500 · indikator") == ["populasi 12500 · indikator"]
    assert unformatted("Rp 24.122.000,00; 12.500 responden; tahun 2025; 1.01.02; 2025-12-07; 96,47 %") == []
    assert unformatted("NIP 197001011990031001; NIP 19720405 199403 1 008") == []
    page = _Text()
    page.feed('<p>populasi 12500</p><div data-typed>Jember 68136 <div>(0331) 487741</div></div><p>lalu 2473 hari</p>')
    assert " ".join(page.text) == "populasi 12500 lalu 2473 hari"  # the typed text is not read


def crawl(client: Client, start: str) -> tuple[int, dict[str, list[str]], set[str]]:
    seen: set[str] = set()
    queue = deque([start])
    problems: dict[str, list[str]] = {}
    pages = 0
    while queue and pages < MAX_PAGES:
        url = urldefrag(queue.popleft())[0]
        path = urlsplit(url).path
        if url in seen or SKIP.search(path):
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code in (301, 302) and response["Location"].startswith("/"):
            queue.append(response["Location"])
            continue
        if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
            continue
        pages += 1
        parser = _Text()
        parser.feed(response.content.decode())
        bare = unformatted(" ".join(" ".join(parser.text).split()))
        if bare:
            problems[url] = bare
        queue.extend(link for link in parser.links if link not in seen)
    return pages, problems, seen


@pytest.mark.parametrize("role", ["admin", "operator_a", "head_a", "verifier"])
def test_no_page_shows_an_unformatted_integer(demo_once: Any, db: None, role: str) -> None:  # noqa: F811
    client = Client()
    client.force_login(demo_once.user(role))
    pages, problems, seen = crawl(client, reverse("home"))
    assert pages > 30, pages
    if role != "admin":  # the office's profile pages are read too
        assert any("/profil/" in url for url in seen), sorted(seen)
    assert problems == {}, "\n".join(f"{url}: {found[:3]}" for url, found in problems.items())
