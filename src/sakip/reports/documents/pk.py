"""Perjanjian Kinerja (statement page + annex) and its amendment (*PK Perubahan*).

``build_pk(office, year=None, *, amendment=False, draft=False, place_date=None) -> Document``

* ``amendment=False`` uses the original PK of the year, ``True`` the latest amendment
  (`DocumentError` when the year has none).
* A year without any recorded PK gets a draft PK whose targets are the Renstra
  targets of that year (the statement says so); a target missing in the plan is shown
  as "belum ditetapkan", never 0.
* First party: the office head; second party: the superior (Bupati / Wali Kota).
* The PK in force shows the quarter targets (Rencana Aksi) beside each target when any is set.
* The letterhead carries the profile's logo and address; the second party is the head of region of
  the profile (name and title) unless the PK recorded its own; it is signed at the profile's place of
  signing (the regency's capital).
* `statement(office, year, pk, place_date=None)` — the signed statement page (title, parties, the
  promise, both signatures): the PK document's first page and Lampiran 1 of the LKjIP.
"""

from __future__ import annotations

from sakip.domain.office import Office, PkVersion, YearData

from ..model import (
    Block,
    Cell,
    Document,
    Letterhead,
    PageBreak,
    ParagraphStyle,
    Signatory,
    SignatureBlock,
    Table,
    para,
)
from . import common as cm
from . import profile_sections as ps


class DocumentError(ValueError):
    """The requested document cannot be built from the data (message in Indonesian)."""


def _pk_version(office: Office, year: int, amendment: bool) -> tuple[PkVersion, bool]:
    yd = office.years.get(year)
    versions = yd.agreements if yd else []
    if amendment:
        amended = [v for v in versions if v.kind == "amendment"]
        if not amended:
            raise DocumentError(f"{office.name}: tidak ada Perjanjian Kinerja Perubahan untuk tahun {year}.")
        return amended[-1], True
    originals = [v for v in versions if v.kind != "amendment"]
    if originals:
        return originals[0], True
    if versions:  # only an amendment was recorded
        return versions[-1], True
    targets = {i.id: i.targets[year] for i in office.plan.indicators() if year in i.targets}
    return PkVersion("original", targets, title=None), False


def build_pk(
    office: Office,
    year: int | None = None,
    *,
    amendment: bool = False,
    draft: bool = False,
    place_date: str | None = None,
) -> Document:
    y = year if year is not None else office.latest_year
    if y is None:
        raise DocumentError(f"{office.name}: belum ada tahun dengan data.")
    pk, recorded = _pk_version(office, y, amendment)
    is_amendment = pk.kind == "amendment"
    title = _title(pk, y)
    doc = Document(
        "pk-perubahan" if is_amendment else "pk",
        f"{title.title()} {office.name}",
        office.name,
        y,
        regency=office.regency,
        draft=draft,
        contact=ps.contact_lines(office),
        logo=ps.logo(office),
    )
    first, second, place = _parties(office, pk, y, place_date)
    doc.add(*statement(office, y, pk, place_date=place_date, recorded=recorded))

    doc.add(PageBreak())
    doc.add(para(f"LAMPIRAN {title}", style=ParagraphStyle.TITLE))
    doc.add(para(office.name.upper(), style=ParagraphStyle.TITLE))
    yd = office.years.get(y)
    in_force = bool(yd and yd.agreement is pk)
    doc.add(*cm.pk_tables(office, yd or YearData(y), pk, y, quarters=in_force))
    doc.add(SignatureBlock(first, left=second, place_date=place))
    doc.number_items()
    return doc


def _title(pk: PkVersion, year: int) -> str:
    return f"PERJANJIAN KINERJA{' PERUBAHAN' if pk.kind == 'amendment' else ''} TAHUN {year}"


def _parties(office: Office, pk: PkVersion, year: int, place_date: str | None) -> tuple[Signatory, Signatory, str]:
    first = cm.signatory(pk.first_party or office.head, cm.head_position(office), "PIHAK PERTAMA")
    # the second party: as the PK recorded it, else the head of region of the profile, else the superior
    second = cm.signatory(pk.second_party or ps.region_head(office), cm.superior_position(office), "PIHAK KEDUA")
    signing = ps.place_of_signing(office)
    place = place_date or (f"{signing}, {pk.date}" if pk.date else f"{signing}, {cm.month_year(year)}")
    return first, second, place


def statement(
    office: Office, year: int, pk: PkVersion, *, place_date: str | None = None, recorded: bool = True
) -> list[Block]:
    """The signed statement page of a PK: letterhead, title, both parties, the promise, the signatures."""
    first, second, place = _parties(office, pk, year, place_date)
    is_amendment = pk.kind == "amendment"
    y = year
    doc: list[Block] = [Letterhead()]
    doc.append(para(_title(pk, year), style=ParagraphStyle.TITLE))
    doc.append(para(office.name.upper(), style=ParagraphStyle.TITLE))
    if not recorded:
        doc.append(
            para(
                "Rancangan: Perjanjian Kinerja tahun ini belum dicatat; target diambil dari Rencana Strategis.",
                style=ParagraphStyle.PLACEHOLDER,
            )
        )
    doc.append(
        para(
            "Dalam rangka mewujudkan manajemen pemerintahan yang efektif, transparan, dan akuntabel serta "
            "berorientasi pada hasil, kami yang bertanda tangan di bawah ini:"
        )
    )
    for label, s in (("pihak pertama", first), ("pihak kedua", second)):
        rows = [
            [Cell("Nama"), Cell(":"), Cell(s.printed_name, bold=True)],
            [Cell("Jabatan"), Cell(":"), Cell(s.position)],
        ]
        doc.append(Table(f"Identitas {label}", [], rows, widths=(2.2, 0.5, 12), plain=True))
        doc.append(para(f"selanjutnya disebut {label}."))
    doc.append(
        para(
            "Pihak pertama berjanji akan mewujudkan target kinerja yang seharusnya sesuai lampiran perjanjian "
            "ini, dalam rangka mencapai target kinerja jangka menengah seperti yang telah ditetapkan dalam "
            "dokumen perencanaan. Keberhasilan dan kegagalan pencapaian target kinerja tersebut menjadi "
            "tanggung jawab pihak pertama."
        )
    )
    doc.append(
        para(
            "Pihak kedua akan melakukan supervisi yang diperlukan serta akan melakukan evaluasi terhadap "
            "capaian kinerja dari perjanjian ini dan mengambil tindakan yang diperlukan dalam rangka "
            "pemberian penghargaan dan sanksi."
        )
    )
    if is_amendment:
        doc.append(
            para(
                "Perjanjian ini mengubah Perjanjian Kinerja tahun ",
                str(y),
                " dengan alasan: ",
                pk.reason or "tidak disebutkan",
                ".",
            )
        )
    doc.append(SignatureBlock(first, left=second, place_date=place))
    return doc
