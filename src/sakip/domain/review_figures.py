"""The review rules of "one figure, one value" (issue #13), over an office-year stored in Sakip.

* ``OPD-TARGET-01`` — achievement measured against a target other than the PK's (`one_figure.TargetBasis`):
  the PK is what the head of office signed, so a different target must be a deliberate, visible choice.
* ``OPD-SURVEI-01`` — the survey linked to an indicator gives another index than the realisation entered
  for it (`one_figure.SurveyLink`): the report would otherwise carry two values for one survey.

Both read the scorecard's own figures (`IndicatorScore.target_basis`, `IndicatorScore.survey`), the same
the pages, the API and the documents show.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from .numbers import format_number, round_half_up
from .one_figure import distinct, signed, target_text
from .review import Finding, Severity
from .review_engine import rule

if TYPE_CHECKING:
    from .review_rules import OfficeContext


def _place(level: str, parent: str, ind_id: str, name: str) -> str:
    return f"{'Tujuan' if level == 'goal' else 'Sasaran'} {parent} › Indikator {ind_id} {name}"


@rule("OPD-TARGET-01", Severity.WARNING, "Capaian diukur terhadap target Perjanjian Kinerja", "office")
def office_target_is_pk(ctx: OfficeContext) -> Iterator[Finding]:
    for group in distinct(ctx.scores()):  # one finding per indicator, not one per level it is shown at
        s = group.score
        b = s.target_basis
        if b is None or not b.in_pk:
            continue
        ctx.checked += 1
        if b.differs:
            yield Finding(
                f"{_place(s.level, s.parent_id, s.indicator.id, s.indicator.name)} › Target {ctx.year}",
                "target capaian",
                target_text(b.used),
                target_text(b.pk),
                Severity.WARNING,
                f"capaian diukur terhadap target {target_text(b.used)} (diisi bersama realisasi), bukan target "
                f"Perjanjian Kinerja {target_text(b.pk)}; hapus target pada data realisasi atau tetapkan PK "
                "Perubahan bila target memang berubah",
            )


@rule("OPD-SURVEI-01", Severity.WARNING, "Realisasi indikator survei sama dengan indeks hasil survei", "office")
def office_survey_realisation(ctx: OfficeContext) -> Iterator[Finding]:
    for s in ctx.scores():
        link = s.survey
        if link is None:
            continue
        ctx.checked += 1
        if link.status == "differs":
            yield Finding(
                f"{_place(s.level, s.parent_id, s.indicator.id, s.indicator.name)} › Realisasi {ctx.year}",
                "realisasi survei",
                link.entered,
                round_half_up(link.index, 2),
                Severity.WARNING,
                f"indeks hasil survei {format_number(link.index, 2)} berbeda dari realisasi yang diisi; "
                f"selisih {signed(link.difference) if link.difference is not None else '-'}. Capaian "
                "dihitung dari realisasi yang diisi; samakan realisasi dengan indeks survei atau perbaiki data survei",
            )
