"""One figure, one value (issue #13): the rules that keep a figure from being shown twice or under the wrong name.

* **One indicator, measured at two levels.** A goal indicator repeated as an objective indicator
  (the same name, the same target, realisation and achievement) is one indicator: `distinct` groups
  them, keeps the one the PK names (else the objective's), and every count, table, chart and
  conclusion lists the group once. Indicators with the same name but different figures stay apart,
  each labelled with its level (`SameIndicator.label`).
* **Which target achievement is measured against.** `resolve_target` is the one order — a target
  entered with the year's realisation, else the PK in force, else the Renstra — and `TargetBasis`
  says which was used, what the PK says, and why they differ (`TargetBasis.note`); the review
  rule ``OPD-TARGET-01`` (`review_targets`) flags every difference.
* **A survey linked to an indicator.** Its index sets the indicator's realisation when none was
  entered; an entered realisation that differs from the index at its own precision stays the
  realisation and the index is proposed in its place, with the difference (`SurveyLink`). The
  documents print the survey's index once, as that proposal, never as a second realisation.

Everything here is pure: no I/O, no framework; the texts are `Message`s for the adapters to translate.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Generic, Protocol, TypeVar

from .errors import N_, Message
from .measurement import Achievement, Range, Target
from .numbers import format_number
from .office import Indicator, YearData
from .review import agrees, printed_places

__all__ = [
    "SameIndicator",
    "SurveyLink",
    "TargetBasis",
    "distinct",
    "name_key",
    "resolve_target",
    "survey_link",
    "target_text",
]


# --------------------------------------------------------------------------- one indicator, two levels


class Scored(Protocol):
    """What `distinct` needs of a score (`scorecard.IndicatorScore` has it)."""

    @property
    def indicator(self) -> Indicator: ...
    @property
    def level(self) -> str: ...
    @property
    def parent_id(self) -> str: ...
    @property
    def target(self) -> Target | None: ...
    @property
    def realisation(self) -> Decimal | str | None: ...
    @property
    def achievement(self) -> Achievement: ...
    @property
    def in_pk(self) -> bool: ...


S = TypeVar("S", bound=Scored)


def name_key(name: str) -> str:
    """Names compared without regard to case and spacing."""
    return " ".join(name.split()).casefold()


def _same_figures(a: Scored, b: Scored) -> bool:
    return (
        a.target == b.target
        and a.realisation == b.realisation
        and a.achievement.value == b.achievement.value
        and a.achievement.status is b.achievement.status
    )


@dataclass(frozen=True)
class SameIndicator(Generic[S]):
    """One indicator as the documents show it: ``score`` (the one shown) and every level it is measured at."""

    score: S
    levels: tuple[S, ...]  # the goal and objective rows it stands for, ``score`` among them
    split: bool = False  # another indicator has the same name but other figures: the label names the level

    @property
    def merged(self) -> bool:
        return len(self.levels) > 1

    @property
    def label(self) -> str:
        """The indicator's name, with the levels when it stands for two rows or shares its name with another."""
        name = self.score.indicator.name
        if self.merged:
            return f"{name} (indikator tujuan dan sasaran)"
        if self.split:
            return f"{name} ({'indikator tujuan' if self.score.level == 'goal' else 'indikator sasaran'})"
        return name


def _preferred(group: Sequence[S]) -> S:
    """The row that speaks for the group: named in the PK, else an IKU, else the objective's, else the first."""
    return min(
        group,
        key=lambda s: (not s.in_pk, not s.indicator.iku, s.level != "objective"),
    )


def distinct(scores: Iterable[S]) -> list[SameIndicator[S]]:
    """The indicators once each, in the order of the row kept (so a merged one sits under its objective).

    Rows with the same name (`name_key`) and the same target, realisation and achievement are one
    indicator; rows with the same name and other figures are kept apart and labelled with their level.
    """
    rows = list(scores)
    by_name: dict[str, list[list[S]]] = {}
    for s in rows:
        groups = by_name.setdefault(name_key(s.indicator.name), [])
        for g in groups:
            if _same_figures(g[0], s):
                g.append(s)
                break
        else:
            groups.append([s])
    kept: dict[int, SameIndicator[S]] = {}
    for groups in by_name.values():
        for g in groups:
            chosen = _preferred(g)
            kept[id(chosen)] = SameIndicator(chosen, tuple(g), split=len(groups) > 1)
    return [kept[id(s)] for s in rows if id(s) in kept]


# --------------------------------------------------------------------------- which target


def target_text(value: Target | None) -> str:
    """A target in a sentence: ``85``, ``9,50``, ``80 – 90``, a grade, or *belum ditetapkan* (never *belum diukur*)."""
    if value is None:
        return "belum ditetapkan"
    if isinstance(value, Range):
        return f"{target_text(value.low)} – {target_text(value.high)}"
    if isinstance(value, str):
        return value
    return format_number(value, 0 if value == value.to_integral_value() else 2)


@dataclass(frozen=True)
class TargetBasis:
    """The target an indicator's achievement is measured against, and the PK's beside it."""

    used: Target | None
    source: str | None  # "measurement" | "pk" | "plan" | None (no target)
    pk: Target | None  # the target of the PK in force (None: the indicator is not in the PK, or no PK)
    plan: Target | None  # the Renstra's target of the year
    in_pk: bool

    @property
    def differs(self) -> bool:
        """The PK names a target and achievement is measured against another one."""
        return self.in_pk and self.pk is not None and self.used is not None and self.used != self.pk

    def note(self) -> Message | None:
        """Which target is used and why, when the PK names another one; None when nothing needs saying.

        (An indicator outside the PK is measured against the Renstra's target as always: no note.)
        """
        if self.differs:
            return Message(
                N_(
                    "Capaian diukur terhadap target %(used)s, yaitu target yang diisi bersama realisasi tahun "
                    "ini, bukan target Perjanjian Kinerja %(pk)s: target yang diisi bersama realisasi "
                    "menggantikan target PK. Bila target PK yang berlaku, hapus target pada data realisasi atau "
                    "tetapkan PK Perubahan."
                ),
                {"used": target_text(self.used), "pk": target_text(self.pk)},
            )
        return None


def resolve_target(ind: Indicator, yd: YearData | None, year: int) -> TargetBasis:
    """The one order of the year's target: entered with the realisation → the PK in force → the Renstra."""
    m = yd.measurements.get(ind.id) if yd else None
    pk = yd.agreement if yd else None
    in_pk = pk is not None and ind.id in pk.targets
    pk_target = pk.targets[ind.id] if pk is not None and in_pk else None
    plan_target = ind.targets.get(year)
    used: Target | None
    source: str | None
    if m is not None and m.target is not None:
        used, source = m.target, "measurement"
    elif in_pk:
        used, source = pk_target, "pk"
    elif year in ind.targets:
        used, source = plan_target, "plan"
    else:
        used, source = None, None
    return TargetBasis(used, source, pk_target, plan_target, in_pk)


# --------------------------------------------------------------------------- a survey linked to an indicator


@dataclass(frozen=True)
class SurveyLink:
    """A survey's index against the realisation of the indicator it is linked to.

    ``status``: ``sets`` — no realisation was entered, the index is the realisation; ``agrees`` — the
    entered realisation is the index at the entered precision; ``differs`` — the entered realisation
    stays (achievement is measured on it) and the index is proposed in its place, ``difference`` apart.
    """

    indicator_id: str
    index: Decimal
    entered: Decimal | str | None

    @property
    def status(self) -> str:
        if self.entered is None:
            return "sets"
        if isinstance(self.entered, Decimal) and agrees(self.entered, self.index):
            return "agrees"
        return "differs"

    @property
    def realisation(self) -> Decimal | str:
        """The indicator's realisation: the index when none was entered, else the entered value."""
        return self.index if self.entered is None else self.entered

    @property
    def difference(self) -> Decimal | None:
        """Index − entered realisation, at the entered precision (at least two decimals); None unless ``differs``."""
        if self.status != "differs" or not isinstance(self.entered, Decimal):
            return None
        places = max(2, printed_places(self.entered))
        return (self.index - self.entered).quantize(Decimal(1).scaleb(-places))

    def note(self, indicator_name: str) -> Message | None:
        if self.status != "differs":
            return None
        return Message(
            N_(
                "Indeks hasil survei %(index)s berbeda dari realisasi %(name)s yang diisi (%(entered)s), selisih "
                "%(difference)s. Capaian dihitung dari realisasi yang diisi; indeks survei diusulkan sebagai "
                "realisasi. Periksa dan samakan salah satunya."
            ),
            {
                "index": format_number(self.index, 2),
                "name": indicator_name,
                "entered": format_number(self.entered, printed_places(self.entered))
                if isinstance(self.entered, Decimal)
                else str(self.entered),
                "difference": signed(self.difference) if self.difference is not None else "-",
            },
        )


def signed(value: Decimal) -> str:
    """A difference with its sign: ``+3,58``, ``−1,58`` (a true minus), ``0,00``."""
    text = format_number(abs(value), 2)
    return ("\u2212" + text) if value < 0 else ("+" + text) if value > 0 else text


def survey_link(indicator_id: str | None, index: Decimal | None, entered: Decimal | str | None) -> SurveyLink | None:
    """The link of a survey to its indicator (None: the survey names no indicator or has no index)."""
    if indicator_id is None or index is None:
        return None
    return SurveyLink(indicator_id, index, entered)
