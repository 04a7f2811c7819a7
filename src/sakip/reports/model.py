"""A renderer-independent report model: what a generated document says, not how it looks.

Builders (`sakip.reports.documents.*`) turn domain results into a `Document`;
renderers draw it: `sakip.reports.docx.render_docx(document, template=None) -> bytes`
(Word, onto the styles of a .docx template) and
`sakip.reports.pdf.render_pdf(docx_bytes) -> bytes` (LibreOffice converts that same
.docx, so the two formats never differ in content).

A `Document` is a flat list of blocks:

* `Cover` — the cover page (title lines, office, regency, year); a template may
  replace its layout with its own ``[[sampul]]`` block.
* `Heading` — level 1 is a chapter (``BAB III  AKUNTABILITAS KINERJA``; starts a new
  page when ``new_page``), levels 2–3 are sections. ``chapter`` (e.g. ``"3"``) sets
  the chapter part of table and figure numbers; headings appear in the table of contents.
* `Paragraph` — `Run`s of text. A run whose ``value`` is set is a *generated number*:
  its text is the display of that exact `Decimal` (``96,47``), produced by
  `sakip.reports.narrative`. ``style`` is one of `ParagraphStyle`.
* `Table` — numbered (``Tabel 3.2``) with a caption, header rows and body rows of
  `Cell`s; a numeric cell keeps its exact ``value`` beside its display ``text``. A
  ``plain`` table is layout only (no borders, caption or number).
* `Figure` — numbered (``Gambar 3.1``), PNG bytes and a caption.
* `SignatureBlock` — place and date, one or two `Signatory` (first party right,
  second party left, as in a Perjanjian Kinerja).
* `TableOfContents` — ``kind`` ``"contents"`` (headings), ``"tables"`` or ``"figures"``.
* `FixedText` — a standard text (Kata Pengantar, ...) with a key: a regency template
  may replace it with its own wording (``[[key]]`` block in the template).
* `Letterhead` — the kop surat (template ``[[kop]]`` block).
* `PageBreak`, `Orientation` (switch the following pages to landscape/portrait).

``Document.draft`` asks the renderer to mark every page "DRAFT". Call
`Document.number_items` (builders do) to assign table and figure numbers.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum


class ParagraphStyle(StrEnum):
    BODY = "body"  # justified body text
    LIST = "list"  # a list item (the text carries its own "a." / "1." label)
    CENTER = "center"  # centred text (statements, decree titles)
    NOTE = "note"  # small print: table sources, remarks
    OPERATOR = "operator"  # qualitative text written by the operator (not generated)
    PLACEHOLDER = "placeholder"  # a neutral text shown where the operator wrote nothing
    TITLE = "title"  # a document title inside the body (PK, decree)


class Align(StrEnum):
    LEFT = "left"
    CENTER = "center"
    RIGHT = "right"


@dataclass(frozen=True, slots=True)
class Run:
    text: str
    bold: bool = False
    italic: bool = False
    value: Decimal | None = None  # set: a generated number; ``text`` displays exactly this value


@dataclass
class Paragraph:
    runs: list[Run]
    style: ParagraphStyle = ParagraphStyle.BODY

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)

    def numbers(self) -> list[Run]:
        """The generated-number runs of this paragraph."""
        return [r for r in self.runs if r.value is not None]


def para(*parts: str | Run, style: ParagraphStyle = ParagraphStyle.BODY) -> Paragraph:
    """A paragraph from text pieces and runs: ``para("Capaian ", number_run, " %")``."""
    return Paragraph([p if isinstance(p, Run) else Run(p) for p in parts if p != ""], style)


@dataclass
class Heading:
    text: str
    level: int = 1
    chapter: str | None = None  # level 1: the chapter number used for tables and figures ("3")
    new_page: bool = True  # level 1 only
    in_toc: bool = True


@dataclass(frozen=True, slots=True)
class Cell:
    text: str
    value: Decimal | None = None  # a numeric cell keeps its exact value
    align: Align = Align.LEFT
    bold: bool = False
    span: int = 1  # columns this cell covers
    shade: str | None = None  # background, hex "D9E2F3"


@dataclass
class Table:
    caption: str
    header: list[list[Cell]]
    rows: list[list[Cell]]
    widths: tuple[float, ...] | None = None  # relative column widths
    source: str | None = None  # "Sumber: ..." under the table
    number: str | None = None  # assigned by Document.number_items ("3.2")
    small: bool = False  # smaller type for wide tables
    plain: bool = False  # layout only: no borders, no caption, not numbered (e.g. "Nama : ..." lines)

    @property
    def label(self) -> str:
        return f"Tabel {self.number}" if self.number else "Tabel"

    @property
    def columns(self) -> int:
        first = self.header[0] if self.header else (self.rows[0] if self.rows else [])
        return sum(c.span for c in first)

    def cells(self) -> Iterator[Cell]:
        for row in (*self.header, *self.rows):
            yield from row


@dataclass
class Figure:
    caption: str
    png: bytes
    width_cm: float = 15.0
    number: str | None = None

    @property
    def label(self) -> str:
        return f"Gambar {self.number}" if self.number else "Gambar"


# A signatory whose name the data does not hold (the head of region of a seed report that names none): the
# blank a form leaves for the name written at signing, not a "belum diisi" placeholder in a submitted document
NAME_BLANK = "(" + "." * 36 + ")"


@dataclass(frozen=True, slots=True)
class Signatory:
    position: str  # "Camat Kaloran", "BUPATI TEMANGGUNG"
    name: str | None = None
    rank: str | None = None
    nip: str | None = None
    role: str | None = None  # "PIHAK PERTAMA" ...

    @property
    def printed_name(self) -> str:
        return self.name or NAME_BLANK


@dataclass
class SignatureBlock:
    right: Signatory
    left: Signatory | None = None
    place_date: str | None = None  # "Kaloran, Januari 2021" — above the right signatory


@dataclass
class TableOfContents:
    kind: str = "contents"  # contents | tables | figures

    @property
    def title(self) -> str:
        return {"contents": "DAFTAR ISI", "tables": "DAFTAR TABEL", "figures": "DAFTAR GAMBAR"}[self.kind]


@dataclass
class FixedText:
    """A standard text a regency template may replace (its ``[[key]]`` block).

    ``values`` fill ``{name}`` placeholders in the template's wording (the default
    paragraphs are already filled in).
    """

    key: str
    paragraphs: list[Paragraph]
    values: dict[str, str] = field(default_factory=dict)


@dataclass
class Cover:
    title: list[str]  # big title lines
    office: str
    regency: str | None
    year: str
    subtitle: list[str] = field(default_factory=list)


@dataclass
class PageBreak:
    pass


@dataclass
class Letterhead:
    """The letterhead (kop): the template's ``[[kop]]`` block, or the regency and office names."""


@dataclass
class Orientation:
    landscape: bool


Block = (
    Cover
    | Heading
    | Paragraph
    | Table
    | Figure
    | SignatureBlock
    | TableOfContents
    | FixedText
    | PageBreak
    | Orientation
    | Letterhead
)


@dataclass
class Document:
    kind: str  # lkjip | triwulan | pk | pk-perubahan | iku
    title: str
    office: str
    year: int | None
    regency: str | None = None
    blocks: list[Block] = field(default_factory=list)
    draft: bool = False
    landscape: bool = False  # the first pages' orientation
    header: str | None = None  # running header text
    contact: list[str] = field(default_factory=list)  # the office's address and contacts (cover, letterhead)
    logo: bytes | None = None  # the office's logo (cover, letterhead); a regency template's blocks may override

    def add(self, *blocks: Block) -> None:
        self.blocks.extend(blocks)

    def number_items(self) -> None:
        """Number tables and figures per chapter (``3.1``, ``3.2``; ``1``, ``2`` without chapters)."""
        chapter: str | None = None
        tables = figures = 0
        for b in self.blocks:
            if isinstance(b, Heading) and b.level == 1 and b.chapter is not None:
                chapter, tables, figures = b.chapter, 0, 0
            elif isinstance(b, Table) and not b.plain:
                tables += 1
                b.number = f"{chapter}.{tables}" if chapter else str(tables)
            elif isinstance(b, Figure):
                figures += 1
                b.number = f"{chapter}.{figures}" if chapter else str(figures)

    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]

    def figures(self) -> list[Figure]:
        return [b for b in self.blocks if isinstance(b, Figure)]

    def headings(self) -> list[Heading]:
        return [b for b in self.blocks if isinstance(b, Heading)]

    def paragraphs(self) -> Iterator[Paragraph]:
        for b in self.blocks:
            if isinstance(b, Paragraph):
                yield b
            elif isinstance(b, FixedText):
                yield from b.paragraphs
