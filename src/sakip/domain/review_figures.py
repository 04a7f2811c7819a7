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

from .errors import N_
from .measurement import Target
from .numbers import format_number, round_half_up
from .one_figure import distinct, signed, target_text
from .review import Finding, Severity, Text, tx
from .review_engine import indicator_place, place_in, rule

if TYPE_CHECKING:
    from .review_rules import OfficeContext


def _target(value: Target | None) -> Text | str:
    """`one_figure.target_text`, with its words (*belum ditetapkan*) translatable."""
    return tx(N_("belum ditetapkan")) if value is None else target_text(value)


@rule("OPD-TARGET-01", Severity.WARNING, N_("Capaian diukur terhadap target Perjanjian Kinerja"), "office")
def office_target_is_pk(ctx: OfficeContext) -> Iterator[Finding]:
    for group in distinct(ctx.scores()):  # one finding per indicator, not one per level it is shown at
        s = group.score
        b = s.target_basis
        if b is None or not b.in_pk:
            continue
        ctx.checked += 1
        if b.differs:
            yield Finding(
                place_in(
                    indicator_place(s.level, s.parent_id, s.indicator.id, s.indicator.name),
                    tx(N_("Target %(year)s"), year=ctx.year),
                ),
                tx(N_("target capaian")),
                _target(b.used),
                _target(b.pk),
                Severity.WARNING,
                tx(
                    N_(
                        "capaian diukur terhadap target %(used)s (diisi bersama realisasi), bukan target "
                        "Perjanjian Kinerja %(pk)s; hapus target pada data realisasi atau tetapkan PK "
                        "Perubahan bila target memang berubah"
                    ),
                    used=_target(b.used),
                    pk=_target(b.pk),
                ),
            )


@rule("OPD-SURVEI-01", Severity.WARNING, N_("Realisasi indikator survei sama dengan indeks hasil survei"), "office")
def office_survey_realisation(ctx: OfficeContext) -> Iterator[Finding]:
    for s in ctx.scores():
        link = s.survey
        if link is None:
            continue
        ctx.checked += 1
        if link.status == "differs":
            yield Finding(
                place_in(
                    indicator_place(s.level, s.parent_id, s.indicator.id, s.indicator.name),
                    tx(N_("Realisasi %(year)s"), year=ctx.year),
                ),
                tx(N_("realisasi survei")),
                link.entered,
                round_half_up(link.index, 2),
                Severity.WARNING,
                tx(
                    N_(
                        "indeks hasil survei %(index)s berbeda dari realisasi yang diisi; selisih %(difference)s. "
                        "Capaian dihitung dari realisasi yang diisi; samakan realisasi dengan indeks survei atau "
                        "perbaiki data survei"
                    ),
                    index=format_number(link.index, 2),
                    difference=signed(link.difference) if link.difference is not None else "-",
                ),
            )
