"""Keputusan IKU: the decree of the office head setting the key indicators, with its annex table.

``build_iku(office, *, decree_number=None, date=None, draft=False) -> Document``

The annex lists per objective each IKU with its formula/definition, responsible unit
and data source. ``decree_number`` and ``date`` are left as dotted blanks when not given.
"""

from __future__ import annotations

from sakip.domain.office import Office

from ..model import Document, Letterhead, PageBreak, ParagraphStyle, SignatureBlock, para
from . import common as cm

BLANK = "……"


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
    )
    title = ParagraphStyle.TITLE
    number = decree_number or BLANK
    doc.add(Letterhead())
    doc.add(para(f"KEPUTUSAN {position.upper()}", style=title))
    doc.add(para(f"NOMOR {number}", style=title))
    doc.add(para("TENTANG", style=title))
    doc.add(para(f"INDIKATOR KINERJA UTAMA {office.name.upper()} TAHUN {period}", style=title))
    doc.add(para(f"{position.upper()},", style=title))
    li = ParagraphStyle.LIST
    doc.add(para("Menimbang:"))
    doc.add(
        para(
            "a. bahwa dalam rangka pengukuran dan peningkatan kinerja serta akuntabilitas kinerja instansi "
            "pemerintah, perlu ditetapkan Indikator Kinerja Utama;",
            style=li,
        )
    )
    doc.add(
        para(
            f"b. bahwa berdasarkan pertimbangan sebagaimana dimaksud pada huruf a, perlu menetapkan Keputusan "
            f"{position} tentang Indikator Kinerja Utama {office.name} Tahun {period};",
            style=li,
        )
    )
    doc.add(para("Mengingat:"))
    doc.add(
        para(
            "1. Peraturan Presiden Nomor 29 Tahun 2014 tentang Sistem Akuntabilitas Kinerja Instansi Pemerintah;",
            style=li,
        )
    )
    doc.add(
        para(
            "2. Peraturan Menteri Pendayagunaan Aparatur Negara dan Reformasi Birokrasi Nomor 53 Tahun 2014 "
            "tentang Petunjuk Teknis Perjanjian Kinerja, Pelaporan Kinerja dan Tata Cara Reviu atas Laporan "
            "Kinerja Instansi Pemerintah;",
            style=li,
        )
    )
    doc.add(
        para(
            "3. Peraturan Menteri Negara Pendayagunaan Aparatur Negara Nomor PER/09/M.PAN/5/2007 tentang "
            "Pedoman Umum Penetapan Indikator Kinerja Utama di Lingkungan Instansi Pemerintah;",
            style=li,
        )
    )
    doc.add(para("MEMUTUSKAN:", style=title))
    doc.add(
        para(
            f"Menetapkan: KEPUTUSAN {position.upper()} TENTANG INDIKATOR KINERJA UTAMA "
            f"{office.name.upper()} TAHUN {period}."
        )
    )
    doc.add(
        para(
            f"KESATU: Indikator Kinerja Utama {office.name} Tahun {period} sebagaimana tercantum dalam "
            "Lampiran yang merupakan bagian tidak terpisahkan dari Keputusan ini.",
            style=li,
        )
    )
    doc.add(
        para(
            "KEDUA: Indikator Kinerja Utama sebagaimana dimaksud pada Diktum KESATU digunakan sebagai acuan "
            "dalam penyusunan perencanaan, Perjanjian Kinerja, pengukuran dan pelaporan kinerja.",
            style=li,
        )
    )
    doc.add(para("KETIGA: Keputusan ini mulai berlaku pada tanggal ditetapkan.", style=li))
    place = f"Ditetapkan di {cm.place_of(office)}, pada tanggal {date or BLANK}"
    head = cm.signatory(office.head, position)
    doc.add(SignatureBlock(head, place_date=place))
    doc.add(PageBreak())
    doc.add(
        para(
            f"LAMPIRAN KEPUTUSAN {position.upper()} NOMOR {number} TENTANG INDIKATOR KINERJA UTAMA "
            f"{office.name.upper()} TAHUN {period}",
            style=ParagraphStyle.NOTE,
        )
    )
    doc.add(cm.iku_table(office))
    doc.add(SignatureBlock(head))
    doc.number_items()
    return doc
