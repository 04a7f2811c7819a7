"""The parts of the documents made from the office profile and the narrative sections (issue #13).

* (a narrative section as paragraphs and bullet items, or the neutral placeholder when the office wrote
  nothing, is `common.operator_or`, shared with the Laporan Triwulan);
* `narrative_for` — the ``{key: text}`` mapping the builders take, from the office's stored narratives
  of a year and document (drafts carried over from last year included: they print until edited);
* Bab I of the LKjIP: legal basis, tasks and functions, the units as a hierarchy with their heads,
  staff by rank / education / gender, facilities, villages (a kecamatan);
* `place_of_signing`, `region_head` for the PK and the signature blocks.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from sakip.domain.office import Office, Person
from sakip.domain.profile import Profile, staff_table, staff_total, texts_of, unit_tree

from .. import narrative as nv
from ..model import Align, Block, Cell, Figure, ParagraphStyle, Table, para
from . import common as cm

PLACEHOLDER = ParagraphStyle.PLACEHOLDER


def narrative_for(office: Office, year: int, document: str) -> dict[str, str]:
    """The stored narrative texts of a document of a year (``lkjip``, ``triwulan-N``) as the builders take them."""
    yd = office.years.get(year)
    if yd is None:
        return {}
    return texts_of(yd.narratives.get(document, {}))


def profile_of(office: Office) -> Profile:
    return office.profile or Profile()


def place_of_signing(office: Office) -> str:
    """The regency's capital from the profile; otherwise the place guessed from the names."""
    p = office.profile
    return p.capital if p is not None and p.capital else cm.place_of(office)


def region_head(office: Office) -> Person | None:
    """The head of region from the profile (name, title as position), else the office's superior."""
    p = office.profile
    if p is not None and p.region_head is not None:
        return p.region_head
    return office.superior


def contact_lines(office: Office) -> list[str]:
    """The address and contacts for the cover and the letterhead (empty when the profile has none)."""
    p = office.profile
    if p is None:
        return []
    lines = [p.address] if p.address else []
    contacts = [
        f"{label} {value}"
        for label, value in (("Telp.", p.telephone), ("Surel:", p.email), ("Laman:", p.website))
        if value
    ]
    if contacts:
        lines.append(" · ".join(contacts))
    return lines


def legal_basis(office: Office) -> list[Block]:
    items = profile_of(office).legal_basis
    if not items:
        return []
    out: list[Block] = [para(f"Dasar hukum penyusunan LKjIP {office.name} antara lain:")]
    out.extend(para(f"{i}. {text}", style=ParagraphStyle.LIST) for i, text in enumerate(items, start=1))
    return out


def tasks_and_functions(office: Office) -> list[Block] | None:
    """Tugas and fungsi as lists from the profile; None when the profile has neither."""
    p = profile_of(office)
    if not (p.tasks or p.functions):
        return None
    out: list[Block] = []
    if p.tasks:
        if len(p.tasks) == 1:
            out.append(para(f"{office.name} mempunyai tugas {_lower_first(p.tasks[0])}"))
        else:
            out.append(para(f"{office.name} mempunyai tugas:"))
            out.extend(para(f"{cm.letters(i)}. {x}", style=ParagraphStyle.LIST) for i, x in enumerate(p.tasks))
    if p.functions:
        out.append(para(f"Dalam melaksanakan tugas tersebut, {office.name} menyelenggarakan fungsi:"))
        out.extend(para(f"{cm.letters(i)}. {x}", style=ParagraphStyle.LIST) for i, x in enumerate(p.functions))
    return out


def _lower_first(text: str) -> str:
    t = text.strip()
    if t[:1].isupper() and not t[1:2].isupper():
        t = t[0].lower() + t[1:]
    return t if t.endswith(".") else f"{t}."


def organisation(office: Office) -> list[Block] | None:
    """The units in their hierarchy, each with its head's position and name; None when the profile has none."""
    units = profile_of(office).units
    if not units:
        return None
    out: list[Block] = [para(f"Susunan organisasi {office.name} terdiri atas:")]
    head = office.head.position if office.head and office.head.position else cm.head_position(office)
    out.append(para(f"1. {head}", style=ParagraphStyle.LIST))
    for i, (depth, u) in enumerate(unit_tree(units), start=2):
        indent = "    " * depth
        lead = f"{i}. " if depth == 0 else f"{indent}- "
        who = ", ".join(x for x in (u.head_position, u.head_name) if x)
        out.append(para(f"{lead}{u.name}" + (f" (dipimpin oleh {who})" if who else ""), style=ParagraphStyle.LIST))
    return out


def _count(value: int | None) -> Cell:
    if value is None:
        return Cell("-", align=Align.CENTER)
    return cm.n(Decimal(value), text=f"{value:,}".replace(",", "."))


def resources(office: Office, year: int) -> list[Block]:
    """The year's staff tables (by rank, education, gender), facilities and villages; [] when none are given."""
    yd = office.years.get(year)
    yp = yd.profile if yd is not None else None
    if yp is None:
        return []
    out: list[Block] = []
    if yp.staff:
        total = staff_total(yp.staff)
        out.append(para(f"Jumlah pegawai {office.name} pada tahun {year} sebanyak ", nv.count(total), " orang."))
        for by, label in (("rank", "Golongan"), ("education", "Pendidikan"), ("gender", "Jenis Kelamin"),
                          ("position", "Jabatan")):
            counted = staff_table(yp.staff, by)
            if not counted:
                continue
            out.append(
                Table(
                    f"Jumlah Pegawai {office.name} menurut {label} Tahun {year}",
                    [[cm.h("No"), cm.h(label), cm.h("Jumlah (orang)")]],
                    [[cm.c(str(i)), cm.t(name), _count(k)] for i, (name, k) in enumerate(counted, start=1)]
                    + [[cm.t("Jumlah", bold=True, span=2), _count(sum(k for _, k in counted))]],
                    widths=(1, 6, 3),
                )
            )
    if yp.facilities:
        out.append(
            Table(
                f"Sarana dan Prasarana {office.name} Tahun {year}",
                [[cm.h("No"), cm.h("Jenis"), cm.h("Jumlah"), cm.h("Kondisi")]],
                [[cm.c(str(i)), cm.t(f.name), _count(f.count), cm.t(f.condition or "-")]
                 for i, f in enumerate(yp.facilities, start=1)],
                widths=(1, 6, 2, 3),
            )
        )
    if yp.villages:
        kinds = {v.kind for v in yp.villages}
        label = "Desa/Kelurahan" if len(kinds) > 1 else ("Kelurahan" if kinds == {"kelurahan"} else "Desa")
        rows = [[cm.c(str(i)), cm.t(v.name), cm.t(v.head or "-"), _count(v.population)]
                for i, v in enumerate(yp.villages, start=1)]
        populations = [v.population for v in yp.villages if v.population is not None]
        if populations:
            rows.append([cm.t("Jumlah", bold=True, span=3), _count(sum(populations))])
        out.append(
            Table(
                f"{label} di Wilayah {office.name} Tahun {year}",
                [[cm.h("No"), cm.h(label), cm.h("Kepala Desa/Lurah"), cm.h("Jumlah Penduduk (jiwa)")]],
                rows,
                widths=(1, 4, 4, 3),
            )
        )
    return out


def photos(office: Office, year: int) -> list[Block]:
    """The year's achievement photos whose files the adapter read (`Office.files`), captioned."""
    yd = office.years.get(year)
    if yd is None or yd.profile is None:
        return []
    return [
        Figure(ph.caption, office.files[ph.file], width_cm=12.0) for ph in yd.profile.photos if ph.file in office.files
    ]


def achievements(office: Office, year: int, texts: Mapping[str, str], *, year_end: bool) -> list[Block]:
    """The achievements (prestasi) of the year where the office has any: the text under ``prestasi`` (the
    document's own; at the year's end — TW IV — else the year's LKjIP text, written for the same period) and the
    year's photos with their captions (`photos`, the LKjIP's). Nothing — no placeholder — when the office has
    neither: the Laporan Triwulan's section is optional, unlike the LKjIP's Bab III C."""
    text = (texts.get("prestasi") or "").strip()
    if not text and year_end:
        text = narrative_for(office, year, "lkjip").get("prestasi", "").strip()
    pictures = photos(office, year)
    if not text and not pictures:
        return []
    return [*(cm.operator_or({"prestasi": text}, "prestasi", "") if text else []), *pictures]


def logo(office: Office) -> bytes | None:
    """The cover's and letterhead's logo: the office's own, else the regency's (a template may override both)."""
    p = office.profile
    if p is None:
        return None
    for ref in (p.logo, p.regency_logo):
        if ref and ref in office.files:
            return office.files[ref]
    return None


def office_chapter(office: Office, year: int, texts: Mapping[str, str]) -> list[Block]:
    """Bab I B–D of the LKjIP and the Laporan Triwulan: tasks and functions, organisation, resources — from
    the profile where the office keeps one, else the dataset's mandate and units, else a placeholder."""
    from ..model import Heading

    out: list[Block] = [Heading("B. Tugas dan Fungsi", 2)]
    tasks = tasks_and_functions(office)
    if tasks is not None:
        out += tasks
    elif office.mandate:
        mandate = office.mandate.strip()
        out.append(para(mandate if mandate[:1].isupper() else f"Tugas {office.name} adalah {mandate.rstrip('.')}."))
    else:
        out.append(cm.placeholder("Uraian tugas dan fungsi belum diisi."))
    out.append(Heading("C. Struktur Organisasi", 2))
    units = organisation(office)
    if units is not None:
        out += units
    elif office.units:
        out.append(para(f"Susunan organisasi {office.name} terdiri atas:"))
        out += [para(f"{cm.letters(i)}. {u}", style=ParagraphStyle.LIST) for i, u in enumerate(office.units)]
    else:
        out.append(cm.placeholder("Susunan organisasi belum diisi."))
    out.append(Heading("D. Sumber Daya", 2))
    tables = resources(office, year)
    if "sumber_daya" in texts or not tables:
        out += cm.operator_or(texts, "sumber_daya", "Uraian kepegawaian dan sarana prasarana belum diisi.")
    out += tables
    return out
