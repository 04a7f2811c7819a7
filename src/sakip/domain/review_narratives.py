"""The review rule of the narrative sections (issue #13): an LKjIP the office could submit has every section written.

A section is missing when it is empty or still the draft carried over from last year
(`domain.profile.missing_sections`, the same rule as the completeness panel of the pages).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from .profile import LKJIP_KEYS, missing_sections
from .review import Finding, Severity
from .review_engine import rule

if TYPE_CHECKING:
    from .review_rules import OfficeContext

#: the sections as the finding names them
SECTION_NAMES = {
    "latar_belakang": "Latar belakang",
    "sumber_daya": "Sumber daya",
    "isu_strategis": "Isu strategis",
    "permasalahan": "Permasalahan utama",
    "prestasi": "Prestasi kinerja",
    "anggaran": "Catatan pelaksanaan anggaran",
    "kesimpulan": "Kesimpulan",
    "langkah": "Kendala dan langkah peningkatan kinerja",
}


@rule("OPD-NARASI-01", Severity.WARNING, "Setiap bagian narasi LKjIP tahun ini diisi (bukan draf tahun lalu)", "office")
def office_narratives_complete(ctx: OfficeContext) -> Iterator[Finding]:
    data = ctx.data
    texts = data.narratives.get("lkjip", {}) if data is not None else {}
    ctx.checked += len(LKJIP_KEYS)
    for key in missing_sections("lkjip", texts):
        draft = key in texts and texts[key].draft and texts[key].text.strip()
        yield Finding(
            f"LKjIP {ctx.year} › {SECTION_NAMES.get(key, key)}",
            "narasi",
            "draf tahun lalu" if draft else None,
            "teks bagian ini",
            Severity.WARNING,
            "teks masih draf dari tahun sebelumnya, belum diperiksa" if draft else "bagian ini belum diisi",
            )
