"""The review rule of the narrative sections (issue #13): an LKjIP the office could submit has every section written.

A section is missing when it is empty or still the draft carried over from last year
(`domain.profile.missing_sections`, the same rule as the completeness panel of the pages).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from .errors import N_
from .profile import LKJIP_KEYS, missing_sections
from .review import Finding, Severity, tx
from .review_engine import rule

if TYPE_CHECKING:
    from .review_rules import OfficeContext

#: the sections as the finding names them
SECTION_NAMES = {
    "latar_belakang": N_("Latar belakang"),
    "sumber_daya": N_("Sumber daya"),
    "isu_strategis": N_("Isu strategis"),
    "permasalahan": N_("Permasalahan utama"),
    "prestasi": N_("Prestasi kinerja"),
    "anggaran": N_("Catatan pelaksanaan anggaran"),
    "kesimpulan": N_("Kesimpulan"),
    "langkah": N_("Kendala dan langkah peningkatan kinerja"),
}


@rule(
    "OPD-NARASI-01",
    Severity.WARNING,
    N_("Setiap bagian narasi LKjIP tahun ini diisi (bukan draf tahun lalu)"),
    "office",
)
def office_narratives_complete(ctx: OfficeContext) -> Iterator[Finding]:
    data = ctx.data
    texts = data.narratives.get("lkjip", {}) if data is not None else {}
    ctx.checked += len(LKJIP_KEYS)
    for key in missing_sections("lkjip", texts):
        draft = key in texts and texts[key].draft and texts[key].text.strip()
        yield Finding(
            tx(N_("LKjIP %(year)s › %(section)s"), year=ctx.year, section=tx(SECTION_NAMES[key]))
            if key in SECTION_NAMES
            else f"LKjIP {ctx.year} › {key}",
            tx(N_("narasi")),
            tx(N_("draf tahun lalu")) if draft else None,
            tx(N_("teks bagian ini")),
            Severity.WARNING,
            tx(N_("teks masih draf dari tahun sebelumnya, belum diperiksa"))
            if draft
            else tx(N_("bagian ini belum diisi")),
        )
