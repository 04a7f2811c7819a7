"""The quarter targets on the PK form: each target row of the form carries its four quarter targets.

A row of ``PkForm.targets`` gains ``q`` (quarter → text as typed or stored), ``cumulative``,
``q_errors`` (quarter → messages; 0 for the row), ``q_warnings`` and ``has_pattern``. The
form sends ``quarter_targets=1`` with them: a POST without it (an older client) leaves the
stored quarter targets as they are. The buttons «Bagi rata» and «Pola tahun lalu» (one row,
or every row) fill the fields from the domain's rules without storing; «Simpan» stores.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.translation import gettext as _

from sakip.domain.periods import QUARTER_LABELS, QUARTERS

from . import quarter_targets as qt

FLAG = "quarter_targets"
ACTION = "qt_action"
KINDS = ("split", "pattern")


def field(ind_pk: int, quarter: int) -> str:
    return f"qt-{ind_pk}-{quarter}"


def cumulative_field(ind_pk: int) -> str:
    return f"qc-{ind_pk}"


def prepare(rows: list[dict[str, Any]], year: int) -> None:
    """Fill each row with the stored quarter targets of ``year``."""
    indicators = [r["ind"] for r in rows]
    stored = qt.stored(year, indicators)
    patterns = qt.stored(year - 1, indicators)
    for r in rows:
        s = stored.get(r["ind"].pk, qt.Stored())
        r["q"] = {q: qt.text_of(s.targets.get(q)) for q in QUARTERS}
        r["stored_q"] = s
        r["cumulative"] = s.cumulative
        r["q_errors"] = {}
        r["q_warnings"] = []
        last = patterns.get(r["ind"].pk)
        r["has_pattern"] = last is not None and all(last.targets.get(q) is not None for q in QUARTERS)
        r["qualitative"] = r["ind"].polarity == "qualitative"
        r["in_range"] = r["ind"].polarity == "in_range"


def read(post: QueryDict, rows: list[dict[str, Any]], frozen: dict[int, str]) -> bool:
    """Read the quarter fields (a frozen quarter keeps its stored target); False when the form had none."""
    if post.get(FLAG) != "1":
        return False
    for r in rows:
        ind = r["ind"]
        before: qt.Stored = r["stored_q"]
        r["q_errors"] = {}
        r["q_parsed"] = {}
        for q in QUARTERS:
            if q in frozen:
                value = before.targets.get(q)
                r["q"][q] = qt.text_of(value)
                r["q_parsed"][q] = value
                continue
            r["q"][q] = post.get(field(ind.pk, q), "").strip()
            try:
                r["q_parsed"][q] = qt.parse(r["q"][q], ind, q)
            except ValidationError as exc:
                r["q_errors"].setdefault(q, []).extend(exc.messages)
                r["q_parsed"][q] = None
        r["cumulative"] = before.cumulative if frozen else post.get(cumulative_field(ind.pk)) == "on"
    return True


def year_target(row: dict[str, Any]) -> Any:
    return qt.domain_target(row.get("parsed"))


def check(rows: list[dict[str, Any]]) -> None:
    """The domain's checks per row, after `read`: errors block the save, warnings are shown."""
    for r in rows:
        if r["q_errors"]:
            continue
        result = qt.check(r["ind"], r["q_parsed"], r["cumulative"], year_target(r))
        r["q_errors"] = result.errors
        r["q_warnings"] = result.warnings


def fill(action: str, rows: list[dict[str, Any]], frozen: dict[int, str], year: int) -> tuple[int, list[str]]:
    """Fill rows from the even split or last year's pattern (``split-<id>``, ``pattern-all`` …), not stored.

    Returns how many rows were filled and the reasons rows could not be (one row asked: its reason).
    """
    kind, _sep, which = action.partition("-")
    if kind not in KINDS:
        return 0, []
    chosen = [r for r in rows if which == "all" or str(r["ind"].pk) == which]
    filled = 0
    reasons: list[str] = []
    for r in chosen:
        target = year_target(r)
        if which == "all" and (target is None or (kind == "pattern" and (r["in_range"] or not r["has_pattern"]))):
            continue  # «every row»: the rows it applies to
        try:
            values = qt.suggestion(kind, r["ind"], target, r["cumulative"], year)
        except ValidationError as exc:
            r["q_errors"] = {0: exc.messages}
            reasons.extend(f"{r['ind'].code}: {m}" for m in exc.messages)
            continue
        for q in QUARTERS:
            if q not in frozen:
                r["q"][q] = qt.text_of(values.get(q))
                r["q_parsed"][q] = values.get(q)
        r["q_errors"] = {}
        r["q_warnings"] = qt.check(r["ind"], r["q_parsed"], r["cumulative"], target).warnings
        filled += 1
    return filled, reasons


def filled_message(kind: str, filled: int) -> str:
    if kind == "split":
        return _("Target triwulan %(n)d indikator diisi dengan pembagian rata. Periksa, lalu klik Simpan.") % {
            "n": filled
        }
    return _("Target triwulan %(n)d indikator diisi menurut pola tahun lalu. Periksa, lalu klik Simpan.") % {
        "n": filled
    }


def cells(rows: list[dict[str, Any]], frozen: dict[int, str]) -> None:
    """What the template shows per row: each quarter's field (name, label, text, errors, frozen), row errors."""
    for r in rows:
        errors = r.get("q_errors", {})
        r["q_cells"] = [
            {
                "name": field(r["ind"].pk, q),
                "label": QUARTER_LABELS[q],
                "text": r["q"][q],
                "errors": errors.get(q, []),
                "frozen": q in frozen,
            }
            for q in QUARTERS
        ]
        r["row_errors"] = errors.get(0, [])


def store(rows: list[dict[str, Any]], year: int) -> None:
    for r in rows:
        if "q_parsed" in r:
            qt.save(year, r["ind"], r["q_parsed"], r["cumulative"])
