"""Which periods a change of an office dataset touches: the lock rule in the dataset's terms (pure).

An office dataset (``sakip-office/1``) replaces an office's data when imported. While some
of its periods are frozen (submitted, verified or approved), the import is allowed if it
changes nothing of them. :func:`changed_scopes` compares the stored office's dataset with
the incoming one and says, for every difference, which year and which
``domain.workflow.Scope`` it belongs to — the same scopes the write guard gives the rows
the dataset becomes (``workflow.guard.RULES``): a quarter's realisation or formula inputs
to that quarter; PK versions and quarter targets to the PK; a year's target override, its
budget allocations and the settings to every period of the year; the year-end value, a
yearly budget realisation and the survey to TW IV; explanations and printed figures to the
annual report; the plan's structure and texts to every year of the plan; the plan's target
of a year to that year. The office block (name, head, units) is not period data.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sakip.domain.workflow import Scope

Path = tuple[Any, ...]

#: keys that identify the items of a list (compared by identity, not by position); an allocation
#: amendment is identified by the quarter it is in force from
_ITEM_KEYS = ("id", "code", "year", "from_quarter")


@dataclass(frozen=True, order=True)
class Touched:
    """A difference between two datasets: the year (None: every year) and the scope it belongs to."""

    year: int | None
    scope: Scope
    quarter: int | None = None
    path: str = ""


def flatten(value: Any, path: Path = ()) -> Iterator[tuple[Path, Any]]:
    """Every leaf of a dataset with its path; list items keyed by their id, code or year when they have one."""
    if isinstance(value, Mapping):
        if not value:
            yield path, {}
        for k, v in value.items():
            yield from flatten(v, (*path, str(k)))
    elif isinstance(value, list):
        keyed = all(isinstance(v, Mapping) and any(k in v for k in _ITEM_KEYS) for v in value) and value
        for i, v in enumerate(value):
            if keyed:
                key = next(k for k in _ITEM_KEYS if k in v)
                yield from flatten(v, (*path, f"{key}={v[key]}"))
            else:
                yield from flatten(v, (*path, i))
        if not value:
            yield path, []
    else:
        yield path, value


def _same(a: Any, b: Any) -> bool:
    if a == b:
        return True
    try:  # 85 and 85.0 and "85" written by different tools are one number
        return bool(Decimal(str(a)) == Decimal(str(b)))
    except (ArithmeticError, ValueError):
        return False


def _int(text: Any) -> int | None:
    text = str(text).split("=")[-1]
    return int(text) if text.isdigit() else None


def classify(path: Path) -> list[Touched]:
    """The year(s) and scope(s) a difference at ``path`` belongs to (empty: not period data)."""
    shown = ".".join(str(p) for p in path)
    head = path[0] if path else ""
    if head in ("format", "office"):
        return []
    if head == "settings":
        return [Touched(None, Scope.YEAR, path=shown)]
    if head == "plan":
        for marker, scope in (("targets", Scope.YEAR), ("realisations", Scope.QUARTER)):
            if marker in path:
                at = path.index(marker)
                year = _int(path[at + 1]) if at + 1 < len(path) else None
                if year is not None:
                    return [Touched(year, scope, 4 if scope is Scope.QUARTER else None, shown)]
        return [Touched(None, Scope.PLAN, path=shown)]
    if head != "years" or len(path) < 2:
        return [Touched(None, Scope.PLAN, path=shown)]  # anything unknown: as strict as can be
    year = _int(path[1])
    rest = path[2:]
    part = rest[0] if rest else ""
    if part == "performance_agreement":
        return [Touched(year, Scope.PK, path=shown)]
    if part == "objectives_printed":
        return [Touched(year, Scope.ANNUAL, path=shown)]
    if part == "survey":
        return [Touched(year, Scope.QUARTER, 4, shown)]
    if part == "indicators":
        field = rest[2] if len(rest) > 2 else ""
        quarter = _int(rest[3]) if len(rest) > 3 else None
        if field in ("quarters", "inputs", "quarter_explanations"):
            return [Touched(year, Scope.QUARTER, quarter, shown)]
        if field == "quarterly_targets":
            return [Touched(year, Scope.PK, path=shown), Touched(year, Scope.QUARTER, quarter, shown)]
        if field in ("annual", "annual_grade"):
            return [Touched(year, Scope.QUARTER, 4, shown)]
        if field in ("explanation", "printed", "evidence"):
            return [Touched(year, Scope.ANNUAL, path=shown)]
        return [Touched(year, Scope.YEAR, path=shown)]
    if part == "budget":
        if "amendments" in rest:  # in force from its quarter on: that quarter, the later ones, the year
            at = rest.index("amendments")
            return [Touched(year, Scope.FROM_QUARTER, _int(rest[at + 1]) if at + 1 < len(rest) else None, shown)]
        if rest[-1] == "basis":  # which realisation counts: every quarter's figure to date
            return [Touched(year, Scope.QUARTER, q, shown) for q in (1, 2, 3, 4)]
        if "quarters" in rest:
            at = rest.index("quarters")
            return [Touched(year, Scope.QUARTER, _int(rest[at + 1]) if at + 1 < len(rest) else None, shown)]
        if "printed" in rest or rest[-1] in ("printed_lines_total", "explanation"):
            return [Touched(year, Scope.ANNUAL, path=shown)]
        if rest[-1] == "realisation":
            return [Touched(year, Scope.QUARTER, 4, shown)]
        return [Touched(year, Scope.YEAR, path=shown)]
    return [Touched(year, Scope.YEAR, path=shown)]


def _as_stored(value: Any) -> Any:
    """A budget line with amendments keeps its original allocation as ``allocation`` (as it is stored):
    the year's ``allocation`` is only the last amendment's, so an amendment changes nothing else."""
    if isinstance(value, list):
        return [_as_stored(v) for v in value]
    if not isinstance(value, Mapping):
        return value
    out = {k: _as_stored(v) for k, v in value.items()}
    if out.get("amendments") and "code" in out:
        out["allocation"] = out.pop("allocation_original", None)
    return out


def changed_scopes(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[Touched]:
    """Every difference between two datasets of one office, with the periods it belongs to."""
    old = dict(flatten(_as_stored(before)))
    new = dict(flatten(_as_stored(after)))
    out: list[Touched] = []
    for path in sorted(set(old) | set(new), key=lambda p: tuple(str(x) for x in p)):
        a, b = old.get(path), new.get(path)
        if path in old and path in new and _same(a, b):
            continue
        if a in (None, "", [], {}) and b in (None, "", [], {}):
            continue  # absent and empty are the same
        out.extend(classify(path))
    return out
