"""The review (reviu) rule engine: rules, their registry and the result (SPEC §8).

Rules are small named functions registered with `rule`: each has an id, a
severity, a title, and yields `Finding`s naming the place, the value found and
the value expected, with an Indonesian message. The ``office`` family runs over
an office-year stored in Sakip (`review_rules`), the ``printed`` family over the
printed figures of a report written elsewhere (`review_printed`,
`review_quarterly`, `review_consistency`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from .errors import N_
from .numbers import format_number
from .review import Finding, Severity, Text, tx

if TYPE_CHECKING:
    from .review_printed import PrintedContext
    from .review_rules import OfficeContext

C = TypeVar("C")


@dataclass(frozen=True)
class Rule(Generic[C]):
    id: str
    severity: Severity  # the severity of its findings (numeric ones: minor when within 0,1)
    title: str
    kind: str  # "office" | "printed"
    check: Callable[[C], Iterable[Finding]]

    def run(self, context: C) -> list[Finding]:
        return [f if f.rule else replace(f, rule=self.id) for f in self.check(context)]


OFFICE_RULES: list[Rule[OfficeContext]] = []
PRINTED_RULES: list[Rule[PrintedContext]] = []


def rule(id: str, severity: Severity, title: str, kind: str) -> Callable[[Callable[[Any], Iterable[Finding]]], Any]:
    """Register a rule; ids are unique across both families."""

    def register(fn: Callable[[Any], Iterable[Finding]]) -> Callable[[Any], Iterable[Finding]]:
        existing: list[Rule[Any]] = [*OFFICE_RULES, *PRINTED_RULES]
        if any(r.id == id for r in existing):
            raise ValueError(f"duplicate review rule id {id}")
        target: list[Any] = OFFICE_RULES if kind == "office" else PRINTED_RULES
        target.append(Rule(id, severity, title, kind, fn))
        return fn

    return register


def all_rules() -> list[Rule[Any]]:
    return [*OFFICE_RULES, *PRINTED_RULES]


@dataclass(frozen=True)
class ReviewResult:
    subject: str
    year: int
    findings: tuple[Finding, ...]
    checked: int  # printed figures compared (printed review) or items examined (office review)
    rules_run: tuple[str, ...]

    @property
    def right(self) -> int:
        """Checked figures that are right (checked minus the figures found wrong)."""
        return max(0, self.checked - sum(1 for f in self.findings if f.severity is not Severity.WARNING))

    def by_severity(self) -> dict[Severity, list[Finding]]:
        out: dict[Severity, list[Finding]] = {s: [] for s in Severity}
        for f in self.findings:
            out[f.severity].append(f)
        return out


def _show(value: Decimal | None, places: int = 2) -> str:
    return "—" if value is None else format_number(value, places)


def indicator_place(level: str, parent: str, indicator_id: str, name: str) -> Text:
    """Where an indicator of the office's data is: ``Sasaran S1 › Indikator S1.1 Nama``."""
    if level == "goal":
        return tx(N_("Tujuan %(parent)s › Indikator %(id)s %(name)s"), parent=parent, id=indicator_id, name=name)
    return tx(N_("Sasaran %(parent)s › Indikator %(id)s %(name)s"), parent=parent, id=indicator_id, name=name)


def place_in(place: str, what: Text | str) -> Text:
    """A place inside another: ``<place> › <what>`` (``what`` a `Text` such as ``Target 2020``)."""
    return tx(N_("%(place)s › %(part)s"), place=place, part=what)
