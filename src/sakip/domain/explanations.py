"""When an indicator's quarter needs the operator's explanation (causes and solutions).

An explanation is asked for when the achievement to date is below target — below
100 %, or below the regency's threshold when it set one. The regency decides what
a missing explanation does: ``wajib`` (the row is not stored) or ``peringatan``
(the row is stored and a warning is shown). One rule, asked by the entry page, the
API and the import.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from .errors import N_, Message, msg
from .measurement import Achievement
from .numbers import format_percent


class ExplanationRule(StrEnum):
    REQUIRED = "wajib"  # a row below target without an explanation is not stored
    WARNING = "peringatan"  # it is stored, with a warning


@dataclass(frozen=True)
class ExplanationPolicy:
    rule: ExplanationRule = ExplanationRule.REQUIRED
    #: the achievement (%) below which an explanation is asked; None: below target (the target met or not)
    threshold: Decimal | None = None


@dataclass(frozen=True)
class ExplanationDemand:
    """A missing explanation: ``blocking`` refuses the row's save; ``message`` says why, on the row."""

    blocking: bool
    message: Message


def below(a: Achievement, policy: ExplanationPolicy) -> bool:
    """Whether a measured achievement is below the policy's mark (not measured, no target: never)."""
    if not a.measured:
        return False
    if policy.threshold is not None and a.raw is not None:
        return a.raw < policy.threshold
    return a.met is False


def explanation_demand(a: Achievement | None, explanation: str, policy: ExplanationPolicy) -> ExplanationDemand | None:
    """What a row below the mark without an explanation gets; None when nothing is missing."""
    if a is None or explanation.strip() or not below(a, policy):
        return None
    blocking = policy.rule is ExplanationRule.REQUIRED
    if policy.threshold is None:
        mark: Message = msg(N_("di bawah target"))
    else:
        mark = msg(N_("di bawah batas %(threshold)s"), threshold=format_percent(policy.threshold))
    if blocking:
        return ExplanationDemand(True, msg(
            N_("Capaian %(mark)s: jelaskan penyebab dan solusinya (wajib); baris ini belum disimpan."),
            mark=mark,
        ))
    return ExplanationDemand(False, msg(
        N_("Capaian %(mark)s dan penyebab serta solusinya belum dijelaskan. Data tetap disimpan; lengkapi "
           "penjelasannya."),
        mark=mark,
    ))
