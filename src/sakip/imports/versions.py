"""No lost update through an Excel import: the versions of the rows a preview showed, checked when it is applied.

`scope` reads the version token of every row an import of a kind may write for an
office-year (a few queries: ids and versions only), *before* the file is matched with the
stored data, so a token is never newer than the data the preview was computed from.
`previewed` keeps the tokens of the rows the file names (created, changed or unchanged;
not the stored rows the file leaves alone), keyed by `key`. The confirmation — or, on the
command line, the write that follows the check — compares them with the tokens read again
under the office's lock (`stale`): any row changed since, or made meanwhile, refuses the
whole import ("data berubah sejak pratinjau; unggah ulang") and lists the rows.

A realisation row's token covers the indicator's year and its four quarters; a budget
line's covers its quarters (the line's version goes up with them); a PK row's is the PK
version in force and the target's stored value; a Renstra row's is the goal's, objective's
or indicator's version with the indicator's targets.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sakip.accounts.models import Office
from sakip.agreements.models import PkTarget, PkVersion
from sakip.budgeting.models import BudgetLine
from sakip.core.concurrency import ABSENT
from sakip.importers.kinds import INDIKATOR, SASARAN, TUJUAN
from sakip.monitoring.entry import quarter_tokens
from sakip.planning.models import Goal, Indicator, Objective, PlanPeriod, Target

PLAN_KEY = "renstra|plan"


def key(kind: str, sheet: str, code: str) -> str:
    if kind == "realisasi":
        return f"realisasi|{code}"
    if kind in ("anggaran", "sipd"):
        return f"anggaran|{code}"
    if kind == "pk":
        return f"pk|{code}"
    return f"{sheet}|{code}"


def scope(office: Office, kind: str, year: int) -> dict[str, str]:
    """The version token of every row of the office-year an import of ``kind`` may write."""
    if kind == "realisasi":
        return {key(kind, "", code): "/".join(per[q] for q in (1, 2, 3, 4)) for code, per in
                quarter_tokens(office, year).items()}
    if kind in ("anggaran", "sipd"):
        rows = BudgetLine.objects.filter(budget__office=office, budget__year=year).values_list("code", "pk", "version")
        return {key(kind, "", code): f"{pk}.{version}" for code, pk, version in rows}
    if kind == "pk":
        return _pk(office, year)
    return _renstra(office)


def _pk(office: Office, year: int) -> dict[str, str]:
    latest = PkVersion.objects.filter(office=office, year=year).order_by("-number").values_list("pk", flat=True).first()
    out = {key("pk", "", f"PK {year}"): str(latest) if latest is not None else ABSENT}
    if latest is None:
        return out
    rows = PkTarget.objects.filter(version_id=latest).values_list(
        "indicator__code", "pk", "value", "grade", "low", "high"
    )
    for code, pk, value, grade, low, high in rows:
        out[key("pk", "", code)] = f"{latest}:{pk}:{value}:{grade}:{low}:{high}"
    return out


def _renstra(office: Office) -> dict[str, str]:
    plan = PlanPeriod.objects.filter(office=office).order_by("-start_year").values_list("pk", "version").first()
    out = {PLAN_KEY: f"{plan[0]}.{plan[1]}" if plan else ABSENT}
    if plan is None:
        return out
    for model, sheet in ((Goal, TUJUAN.name), (Objective, SASARAN.name)):
        for code, pk, version in model.objects.filter(plan_id=plan[0]).values_list("code", "pk", "version"):
            out[key("renstra", sheet, code)] = f"{pk}.{version}"
    targets: dict[int, list[str]] = {}
    for ind_id, y, value, grade, low, high in Target.objects.filter(indicator__plan_id=plan[0]).order_by(
        "indicator_id", "year"
    ).values_list("indicator_id", "year", "value", "grade", "low", "high"):
        targets.setdefault(ind_id, []).append(f"{y}={value}:{grade}:{low}:{high}")
    for code, pk, version in Indicator.objects.filter(plan_id=plan[0]).values_list("code", "pk", "version"):
        out[key("renstra", INDIKATOR, code)] = f"{pk}.{version}[{','.join(targets.get(pk, []))}]"
    return out


def previewed(kind: str, changes: Iterable[Any], tokens: Mapping[str, str]) -> dict[str, str]:
    """The tokens of the rows the file names (every change but "absent"), from ``tokens`` read before the match."""
    out = {key(kind, c.sheet, c.code): tokens.get(key(kind, c.sheet, c.code), ABSENT) for c in changes
           if c.action != "absent"}
    if kind == "renstra":
        out[PLAN_KEY] = tokens.get(PLAN_KEY, ABSENT)
    return out


def stale(office: Office, kind: str, year: int, expected: Mapping[str, str]) -> list[str]:
    """The keys whose row changed since ``expected`` was read (call under the office's lock)."""
    now = scope(office, kind, year)
    return [k for k, v in expected.items() if now.get(k, ABSENT) != v]


def describe(kind: str, changes: Iterable[Any], keys: Iterable[str]) -> list[str]:
    """The changed rows as the preview named them: «Realisasi baris 7: S1.1»."""
    wanted = set(keys)
    out = []
    for c in changes:
        if key(kind, c.sheet, c.code) in wanted:
            where = f"{c.sheet} baris {c.row}" if c.row else c.sheet
            out.append(f"{where}: {c.code}")
            wanted.discard(key(kind, c.sheet, c.code))
    if PLAN_KEY in wanted:
        out.append("Periode Renstra")
        wanted.discard(PLAN_KEY)
    return out + sorted(k.split("|", 1)[-1] for k in wanted)
