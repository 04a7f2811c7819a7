"""Keputusan IKU: the decree of the office head setting the key performance indicators, with its annex.

``build_iku(office, *, decree_number=None, date=None, draft=False) -> Document``

Made from the plan and the profile alone (no year's data is needed), as a complete decree:

* the letterhead (logo and address from the profile), the title block, *Menimbang* a–c;
* *Mengingat*: the legal basis in the order of Indonesian legislation (undang-undang, peraturan
  pemerintah, peraturan presiden, peraturan menteri, peraturan daerah, peraturan bupati/wali kota …):
  the SAKIP regulations every IKU decree cites, then the office's own legal basis from the profile
  (the regional Perda RPJMD, Perbup Renstra, SOTK …); a regulation the profile already lists is not
  repeated;
* *Memutuskan*: KESATU the IKU in the annex, KEDUA its use, KETIGA the responsible units, KEEMPAT its
  review, KELIMA the effective date; signed at the place of signing of the profile;
* the annex: per goal and objective each IKU with its formula/definition, the responsible unit as the
  plan records it (never invented: "belum ditetapkan" when the plan has none) and the data source.

``decree_number`` and ``date`` are left as dotted blanks when not given.
"""

from __future__ import annotations

import re

from sakip.domain.office import Office

from ..model import Cell, Document, Letterhead, PageBreak, ParagraphStyle, SignatureBlock, Table, para
from . import common as cm
from . import profile_sections as ps

BLANK = "……"

# the SAKIP regulations an IKU decree rests on
NATIONAL_BASIS = (
    "Undang-Undang Nomor 23 Tahun 2014 tentang Pemerintahan Daerah sebagaimana telah beberapa kali diubah, "
    "terakhir dengan Undang-Undang Nomor 6 Tahun 2023 tentang Penetapan Peraturan Pemerintah Pengganti "
    "Undang-Undang Nomor 2 Tahun 2022 tentang Cipta Kerja menjadi Undang-Undang;",
    "Peraturan Pemerintah Nomor 8 Tahun 2006 tentang Pelaporan Keuangan dan Kinerja Instansi Pemerintah;",
    "Peraturan Presiden Nomor 29 Tahun 2014 tentang Sistem Akuntabilitas Kinerja Instansi Pemerintah;",
    "Peraturan Menteri Negara Pendayagunaan Aparatur Negara Nomor PER/09/M.PAN/5/2007 tentang Pedoman Umum "
    "Penetapan Indikator Kinerja Utama di Lingkungan Instansi Pemerintah;",
    "Peraturan Menteri Pendayagunaan Aparatur Negara dan Reformasi Birokrasi Nomor 53 Tahun 2014 tentang "
    "Petunjuk Teknis Perjanjian Kinerja, Pelaporan Kinerja dan Tata Cara Reviu atas Laporan Kinerja Instansi "
    "Pemerintah;",
)

# the order of Indonesian legislation (UU 12/2011), then ministers' and regional heads' regulations
_RANKS = (
    ("undang-undang dasar", 0),
    ("ketetapan", 0),
    ("undang-undang", 1),
    ("peraturan pemerintah pengganti", 1),
    ("peraturan pemerintah", 2),
    ("peraturan presiden", 3),
    ("keputusan presiden", 4),
    ("instruksi presiden", 4),
    ("peraturan menteri", 5),
    ("keputusan menteri", 6),
    ("keputusan kepala", 6),
    ("peraturan daerah provinsi", 7),
    ("peraturan daerah", 8),
    ("peraturan gubernur", 9),
    ("peraturan bupati", 10),
    ("peraturan wali", 10),
    ("peraturan walikota", 10),
    ("keputusan bupati", 11),
    ("keputusan wali", 11),
)
_NUMBER = re.compile(r"nomor\s+(\S+)\s+tahun\s+(\d{4})", re.IGNORECASE)


def _rank(text: str) -> int:
    low = text.lower()
    return min((r for prefix, r in _RANKS if low.startswith(prefix)), default=12)


def _key(text: str) -> tuple[int, str, str] | None:
    """A regulation's kind, number and year (``None`` when the text names no number)."""
    m = _NUMBER.search(text)
    return (_rank(text), m.group(1).lower().rstrip(","), m.group(2)) if m else None


def legal_basis(office: Office) -> list[str]:
    """The decree's *Mengingat*: the SAKIP regulations and the profile's legal basis, in the order of
    legislation (stable: the profile's order within a kind), each once."""
    own = [t.strip() for t in ps.profile_of(office).legal_basis if t.strip()]
    own_keys = {k for k in map(_key, own) if k is not None}
    items = [t for t in NATIONAL_BASIS if _key(t) not in own_keys] + own
    ordered = sorted(items, key=_rank)
    out = []
    for i, text in enumerate(ordered):
        text = text.rstrip(" ;.")
        out.append(text + ("." if i == len(ordered) - 1 else ";"))
    return out


def _item(label: str, text: str) -> Table:
    """A labelled clause: "Menimbang : a. …" as a borderless layout table (label, colon, text)."""
    return Table(label, [], [[Cell(label), Cell(":"), Cell(text)]], widths=(3.0, 0.4, 12.1), plain=True)


def _clauses(label: str, items: list[str], numbering: str) -> Table:
    rows = []
    for i, text in enumerate(items):
        mark = f"{cm.letters(i)}." if numbering == "letters" else f"{i + 1}."
        rows.append([Cell(label if i == 0 else ""), Cell(":" if i == 0 else ""), Cell(mark), Cell(text)])
    return Table(label, [], rows, widths=(3.0, 0.4, 0.8, 11.3), plain=True)


def build_iku(
    office: Office, *, decree_number: str | None = None, date: str | None = None, draft: bool = False
) -> Document:
    plan = office.plan
    period = f"{plan.start}–{plan.end}"
    position = cm.head_position(office)
    doc = Document(
        "iku",
        f"Keputusan {position} tentang Indikator Kinerja Utama {office.name} {period}",
        office.name,
        plan.start,
        regency=office.regency,
        draft=draft,
        contact=ps.contact_lines(office),
        logo=ps.logo(office),
    )
    title = ParagraphStyle.TITLE
    number = decree_number or BLANK
    subject = f"INDIKATOR KINERJA UTAMA {office.name.upper()} TAHUN {period}"
    doc.add(Letterhead())
    doc.add(para(f"KEPUTUSAN {position.upper()}", style=title))
    doc.add(para(f"NOMOR {number}", style=title))
    doc.add(para("TENTANG", style=title))
    doc.add(para(subject, style=title))
    doc.add(para("DENGAN RAHMAT TUHAN YANG MAHA ESA", style=title))
    doc.add(para(f"{position.upper()},", style=title))
    doc.add(
        _clauses(
            "Menimbang",
            [
                "bahwa dalam rangka pengukuran dan peningkatan kinerja serta lebih meningkatkan akuntabilitas "
                "kinerja instansi pemerintah, setiap instansi pemerintah perlu menetapkan Indikator Kinerja "
                "Utama;",
                f"bahwa Indikator Kinerja Utama {office.name} disusun berdasarkan Rencana Strategis "
                f"{office.name} Tahun {period} sebagai ukuran keberhasilan pencapaian tujuan dan sasaran "
                "strategis;",
                "bahwa berdasarkan pertimbangan sebagaimana dimaksud dalam huruf a dan huruf b, perlu "
                f"menetapkan Keputusan {position} tentang Indikator Kinerja Utama {office.name} Tahun {period};",
            ],
            "letters",
        )
    )
    doc.add(_clauses("Mengingat", legal_basis(office), "numbers"))
    doc.add(para("MEMUTUSKAN:", style=title))
    doc.add(_item("Menetapkan", f"KEPUTUSAN {position.upper()} TENTANG {subject}."))
    diktum = [
        ("KESATU", f"Menetapkan Indikator Kinerja Utama {office.name} Tahun {period} sebagaimana tercantum "
                   "dalam Lampiran yang merupakan bagian tidak terpisahkan dari Keputusan ini."),
        ("KEDUA", "Indikator Kinerja Utama sebagaimana dimaksud dalam Diktum KESATU digunakan sebagai acuan "
                  "dalam penyusunan Rencana Kinerja Tahunan, Perjanjian Kinerja, pengukuran kinerja, Laporan "
                  "Kinerja Instansi Pemerintah serta evaluasi pencapaian kinerja."),
        ("KETIGA", "Unit kerja penanggung jawab sebagaimana tercantum dalam Lampiran mengumpulkan data, "
                   "mengukur dan melaporkan capaian Indikator Kinerja Utama secara berkala."),
        ("KEEMPAT", "Indikator Kinerja Utama sebagaimana dimaksud dalam Diktum KESATU dapat ditinjau kembali "
                    "apabila terjadi perubahan Rencana Strategis atau lingkungan strategis."),
        ("KELIMA", "Keputusan ini mulai berlaku pada tanggal ditetapkan."),
    ]
    for label, text in diktum:
        doc.add(_item(label, text))
    place = f"Ditetapkan di {ps.place_of_signing(office)}\npada tanggal {date or BLANK}"
    head = cm.signatory(office.head, position)
    doc.add(SignatureBlock(head, place_date=place))
    doc.add(PageBreak())
    doc.add(
        para(
            f"LAMPIRAN KEPUTUSAN {position.upper()}\nNOMOR {number}\nTANGGAL {date or BLANK}\nTENTANG {subject}",
            style=ParagraphStyle.NOTE,
        )
    )
    doc.add(cm.iku_table(office))
    doc.add(SignatureBlock(head))
    doc.number_items()
    return doc
