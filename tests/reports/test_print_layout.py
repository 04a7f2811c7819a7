"""Print-ready layout, read from the PDFs as a reviewer reads them (issue #13).

Every document kind is rendered to PDF once for every seed office (a module fixture; two conversions at a
time) and the text is extracted with poppler's ``pdftotext -layout``, page by page:

* every number of every table appears unbroken on one line;
* no page is empty (a page holds more than its page number);
* the cover carries no number, the front matter i, ii …, the main matter 1, 2 … from Bab I, every other
  page numbered; a document without a cover is numbered from 1 on every page;
* the table of contents lists every heading with the page label it is printed on;
* a heading (one line or wrapped) or a table caption never ends a page.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from sakip.dataset.loader import load_seeds
from sakip.domain.office import Office
from sakip.reports.documents import build_iku, build_lkjip, build_pk, build_rencana_aksi, build_triwulan
from sakip.reports.docx import render_docx
from sakip.reports.docx_layout import WORD_JOINER
from sakip.reports.model import Cover, Document, Heading
from sakip.reports.pdf import render_pdf
from sakip.reports.pdf_toc import roman

from .test_documents_pdf import _base_fonts

pytestmark = pytest.mark.pdf

KINDS: dict[str, Callable[[Office], Document]] = {
    "lkjip": lambda o: build_lkjip(o),
    "triwulan": lambda o: build_triwulan(o, quarter=2),
    "pk": lambda o: build_pk(o),
    "iku": lambda o: build_iku(o),
    "rencana_aksi": lambda o: build_rencana_aksi(o),
}


@dataclass
class Printed:
    model: Document
    pages: list[str]  # pdftotext -layout, one string per page
    fonts: set[str]  # the PDF's fonts, without their subset prefix

    def lines(self, page: int) -> list[str]:
        return [" ".join(x.split()) for x in self.pages[page].splitlines() if x.strip()]

    def label(self, page: int) -> str | None:
        """The page number printed at the foot of a page (its last line when that is a number)."""
        lines = self.lines(page)
        last = lines[-1] if lines else ""
        return last if re.fullmatch(r"\d+|[ivxlcdm]+", last) else None


def _text_pages(pdf: bytes) -> list[str]:
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "d.pdf"
        src.write_bytes(pdf)
        out = subprocess.run(["pdftotext", "-layout", str(src), "-"], capture_output=True, text=True, check=True,
                             timeout=60).stdout
    pages = out.replace(WORD_JOINER, "").split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def _printed(model: Document) -> Printed:
    pdf = render_pdf(render_docx(model))
    return Printed(model, _text_pages(pdf), _base_fonts(pdf))


def _print(office: Office, kind: str) -> Printed:
    return _printed(KINDS[kind](office))


@pytest.fixture(scope="module")
def printed() -> dict[tuple[str, str], Printed]:
    offices = load_seeds()
    jobs = [(o, kind) for o in offices for kind in KINDS]
    amended = [o for o in offices for yd in [o.years.get(o.latest_year or 0)] if yd and any(
        v.kind == "amendment" for v in yd.agreements)]
    with ThreadPoolExecutor(max_workers=2) as pool:  # each conversion runs its own LibreOffice
        done = dict(zip(((o.code, k) for o, k in jobs), pool.map(lambda j: _print(*j), jobs), strict=True))
        for o in amended:
            done[(o.code, "pk-perubahan")] = _printed(build_pk(o, amendment=True))
    return done


def test_every_document_kind_of_every_seed_office_was_printed(printed: dict[tuple[str, str], Printed]) -> None:
    codes = {o.code for o in load_seeds()}
    assert {code for code, _ in printed} == codes and len(codes) >= 3
    assert {kind for _, kind in printed} == {*KINDS, "pk-perubahan"}


def test_every_number_of_every_table_appears_unbroken(printed: dict[tuple[str, str], Printed]) -> None:
    for (code, kind), doc in printed.items():
        lines = [x for p in range(len(doc.pages)) for x in doc.lines(p)]
        numbers = 0
        for table in doc.model.tables():
            for cell in table.cells():
                for word in cell.text.split():
                    if any(ch.isdigit() for ch in word):
                        numbers += 1
                        assert any(word in x for x in lines), f"{code} {kind}: {word!r} of «{table.caption}» broken"
        assert numbers > 0, (code, kind)


def test_headings_and_text_are_set_in_the_documents_font(printed: dict[tuple[str, str], Printed]) -> None:
    # the templates name Arial for every style, headings included; LibreOffice prints it as Liberation Sans
    for (code, kind), doc in printed.items():
        assert doc.fonts and all(f.startswith("LiberationSans") for f in doc.fonts), (code, kind, doc.fonts)


def test_no_page_is_empty(printed: dict[tuple[str, str], Printed]) -> None:
    for (code, kind), doc in printed.items():
        assert doc.pages, (code, kind)
        for i in range(len(doc.pages)):
            content = [x for x in doc.lines(i) if x != doc.label(i)]
            assert content, f"{code} {kind}: page {i + 1} is empty"


def _main_start(doc: Printed) -> int:
    first = next(h for h in doc.model.headings() if h.level == 1 and h.chapter is not None)
    return next(i for i in range(len(doc.pages)) if doc.lines(i) and doc.lines(i)[0] == " ".join(first.text.split()))


def test_front_matter_in_roman_numbers_and_every_other_page_numbered(
    printed: dict[tuple[str, str], Printed],
) -> None:
    covered = 0
    for (code, kind), doc in printed.items():
        labels = [doc.label(i) for i in range(len(doc.pages))]
        if isinstance(doc.model.blocks[0], Cover):
            covered += 1
            start = _main_start(doc)
            assert labels[0] is None, f"{code} {kind}: the cover is numbered"
            assert labels[1:start] == [roman(n) for n in range(1, start)], (code, kind, labels)
            assert labels[start:] == [str(n) for n in range(1, len(labels) - start + 1)], (code, kind, labels)
        else:
            assert labels == [str(n) for n in range(1, len(labels) + 1)], (code, kind, labels)
    assert covered >= 6  # the LKjIP and the Laporan Triwulan of every seed office


def test_the_table_of_contents_gives_each_headings_printed_page(printed: dict[tuple[str, str], Printed]) -> None:
    checked = 0
    for (code, kind), doc in printed.items():
        if not isinstance(doc.model.blocks[0], Cover):
            continue
        toc_page = next(i for i in range(len(doc.pages)) if doc.lines(i) and doc.lines(i)[0] == "DAFTAR ISI")
        toc = "\n".join(doc.lines(toc_page) + doc.lines(toc_page + 1))
        for h in doc.model.headings():
            if not h.in_toc or len(h.text) > 60:  # a long heading wraps in the table of contents
                continue
            text = " ".join(h.text.split())
            m = re.search(re.escape(text) + r"\s*\.{3,}\s*(\d+|[ivxlcdm]+)$", toc, re.MULTILINE)
            assert m, f"{code} {kind}: «{text}» missing from the table of contents"
            page = next(i for i in range(len(doc.pages)) if i not in (toc_page, toc_page + 1) and text in doc.lines(i))
            assert doc.label(page) == m.group(1), f"{code} {kind}: «{text}» listed on {m.group(1)}"
            checked += 1
    assert checked > 40


def _left_at_the_foot(doc: Printed) -> list[tuple[int, str]]:
    """(page, text) of every heading or table caption that ends a page (the page's last lines before its number):
    a heading wrapped over several lines, a caption's label ("Tabel 3.5") alone or with its title."""
    ends = {" ".join(h.text.split()) for h in doc.model.headings()}
    for t in doc.model.tables():
        if not t.plain:
            ends |= {t.label, " ".join(f"{t.label} {t.caption}".split())}
    found = []
    for i in range(len(doc.pages) - 1):  # the last page ends the document
        content = [x for x in doc.lines(i) if x != doc.label(i)]
        for n in range(1, min(len(content), 4) + 1):
            tail = " ".join(content[-n:])
            if tail in ends:
                found.append((i + 1, tail))
                break
    return found


def test_a_heading_never_ends_a_page(printed: dict[tuple[str, str], Printed]) -> None:
    """Every document kind of every seed office: no heading (one line or wrapped) and no table caption is the
    last thing on a page."""
    alone = {(code, kind): found for (code, kind), doc in printed.items() if (found := _left_at_the_foot(doc))}
    assert not alone, alone


def test_the_foot_check_finds_a_heading_left_alone() -> None:
    """The check itself: a page that ends with a wrapped heading and one that ends with a caption's label."""
    model = Document("x", "Uji", "Kantor Uji", 2024)
    wrapped = "Indikator: Persentase rekomendasi hasil koordinasi pemerintahan yang ditindaklanjuti"
    model.add(Heading(wrapped, 3, in_toc=False))
    from sakip.reports.model import Cell, Table

    table = Table("Tabel uji", [[Cell("No")]], [[Cell("1")]])
    model.add(table)
    model.number_items()
    pages = [
        "Isi halaman\nIndikator: Persentase rekomendasi hasil\nkoordinasi pemerintahan yang ditindaklanjuti\n\n   1\n",
        f"Isi halaman\n{table.label}\n   2\n",
        f"{table.label}\nTabel uji\n No\n 1\n   3\n",
    ]
    assert _left_at_the_foot(Printed(model, pages, set())) == [(1, wrapped), (2, table.label)]


def test_the_signed_pk_page_is_in_the_lkjip_annex(printed: dict[tuple[str, str], Printed]) -> None:
    for office in load_seeds():
        doc = printed[(office.code, "lkjip")]
        annex = next(i for i in range(len(doc.pages)) if doc.lines(i) and doc.lines(i)[0] == "LAMPIRAN")
        page = "\n".join(doc.lines(annex))
        year = doc.model.year
        assert f"Lampiran 1. Perjanjian Kinerja Tahun {year}" in page
        assert "PIHAK PERTAMA" in page and "PIHAK KEDUA" in page and "selanjutnya disebut pihak kedua." in page
        pk = printed[(office.code, "pk")]
        head = next(x for x in pk.lines(0) if x.startswith("Nama") and ":" in x)
        assert head in page  # the same first party as the PK document


def test_a_heading_and_its_table_stay_together_across_the_page_end() -> None:
    """Keep-with-next on headings and captions: a heading pushed line by line towards the page end never
    stays behind when its table moves on."""
    from sakip.reports.model import Cell, Table, para

    moved = False
    for n in range(25, 30):
        d = Document("x", "Uji", "Kantor Uji", 2024)
        d.add(Heading("BAB I", 1, new_page=False))
        d.add(*(para(f"Baris isi nomor {i} untuk mengisi halaman.") for i in range(n)))
        d.add(Heading("Bagian Uji", 2), Heading("Subbagian Uji", 3))
        d.add(Table("Tabel uji", [[Cell("No"), Cell("Isi")]], [[Cell(str(i)), Cell(f"isi {i}")] for i in range(12)]))
        d.number_items()
        pages = [p for p in _text_pages(render_pdf(render_docx(d))) if p.strip()]
        for page in pages:
            lines = [" ".join(x.split()) for x in page.splitlines() if x.strip()]
            assert lines[-2:-1] not in (["Bagian Uji"], ["Subbagian Uji"], ["Tabel 1"]), n
        table_page = next(p for p in pages if "isi 0" in p)
        assert "Bagian Uji" in table_page and "Subbagian Uji" in table_page, n
        moved = moved or not table_page.lstrip().startswith("BAB I")
    assert moved  # the headings did cross the page end in one of the cases
