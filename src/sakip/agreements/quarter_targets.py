"""Quarter targets of an office's year (the Rencana Aksi), stored on `monitoring.Quarter`.

One place for reading, checking and storing them, used by the PK page (and its amendment),
the Excel import of the PK and the API. The rules — the even split, last year's pattern and
the checks — are the domain's (`sakip.domain.quarter_targets`); this module turns typed text
into values, asks the domain, translates its messages and writes the rows.

Quarter targets belong to the indicator's year, not to one PK version: an amendment edits
the same four targets (the audit trail keeps their history). A target is written only when
it changes; a quarter's realisation, grade and explanation on the same row are never
touched. A quarter whose period is frozen (submitted, verified, approved — its own or the
annual report) keeps its target: the pages show it read-only, the import and the API
refuse a change to it with the lock's message, and `workflow.guard` refuses any other path.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from sakip.accounts.models import Office
from sakip.core.i18n import error_text, translate
from sakip.core.web import parse_amount, parse_target, target_text
from sakip.domain import quarter_targets as rules
from sakip.domain.errors import DomainError
from sakip.domain.measurement import Polarity, Range, Target
from sakip.domain.periods import QUARTER_LABELS, QUARTERS, Rollup
from sakip.domain.scales import OrdinalScale, get_ordinal_scale
from sakip.monitoring.models import IndicatorYear, Quarter
from sakip.planning.models import Indicator

#: a number, a grade (qualitative indicator) or a band (in-range indicator); None: not set
Value = Decimal | Range | str | None
Targets = dict[int, Value]


# ----------------------------------------------------------------------------- an indicator as the rules see it


def polarity(ind: Indicator) -> Polarity:
    return Polarity(ind.polarity)


def rollup(ind: Indicator) -> Rollup:
    return Rollup(ind.rollup)


def ordinal(ind: Indicator) -> OrdinalScale | None:
    if ind.polarity != Polarity.QUALITATIVE.value:
        return None
    try:
        return get_ordinal_scale(ind.ordinal_scale or "akip")
    except DomainError:
        return None


def domain_target(fields: Mapping[str, Any] | Any | None) -> Target | None:
    """A target's stored or parsed fields (value / grade / low–high) as the domain's `Target`."""
    if fields is None:
        return None
    get = fields.get if isinstance(fields, Mapping) else lambda k: getattr(fields, k, None)
    if get("grade"):
        return str(get("grade"))
    low, high = get("low"), get("high")
    if low is not None and high is not None:
        return Range(low, high)
    value = get("value")
    return value if isinstance(value, Decimal) else None


def text_of(value: Value) -> str:
    """A quarter target as the text of an input field (``82,5``, ``BB``, ``80 – 90``, empty when not set)."""
    if value is None:
        return ""
    return target_text(value)


def parse(text: str, ind: Indicator, quarter: int) -> Value:
    """Typed text → a quarter target (a number in the Indonesian format, a grade of the scale, or for an
    in-range indicator a band «80 – 90» read as the annual target's); empty → None."""
    t = (text or "").strip()
    if not t:
        return None
    label = QUARTER_LABELS[quarter]
    if ind.polarity == Polarity.IN_RANGE.value:
        try:
            fields = parse_target(t, ind.polarity, "", f"target {label}")
        except ValidationError as exc:
            raise ValidationError(f"{label}: {' '.join(exc.messages)}") from None
        assert fields is not None and fields["low"] is not None and fields["high"] is not None
        return Range(fields["low"], fields["high"])
    if ind.polarity == Polarity.QUALITATIVE.value:
        scale = ordinal(ind)
        grades = scale.grades if scale is not None else ()
        found = next((g for g in grades if g.upper() == t.upper()), None)
        if found is None:
            raise ValidationError(
                _("%(quarter)s: «%(text)s» bukan predikat yang sah (pilihan: %(grades)s)")
                % {"quarter": label, "text": t, "grades": ", ".join(grades)}
            )
        return found
    try:
        return parse_amount(t, f"target {label}")
    except ValidationError as exc:
        raise ValidationError(f"{label}: {' '.join(exc.messages)}") from None


# ----------------------------------------------------------------------------- reading what is stored


@dataclass
class Stored:
    """An indicator's stored quarter targets and cumulative choice for one year."""

    targets: Targets = field(default_factory=dict)
    cumulative: bool = False

    def full(self) -> Targets:
        return {q: self.targets.get(q) for q in QUARTERS}


def stored(year: int, indicators: Iterable[Indicator]) -> dict[int, Stored]:
    """By indicator id: the year's quarter targets (qualitative ones as grades) and the cumulative flag."""
    ids = [i.pk for i in indicators]
    out: dict[int, Stored] = {}
    for ind_id, cumulative in IndicatorYear.objects.filter(indicator_id__in=ids, year=year).values_list(
        "indicator_id", "cumulative_targets"
    ):
        out[ind_id] = Stored({}, cumulative)
    rows = Quarter.objects.filter(indicator_year__indicator_id__in=ids, indicator_year__year=year).values_list(
        "indicator_year__indicator_id", "quarter", "target", "target_grade", "target_low", "target_high"
    )
    for ind_id, q, target, grade, low, high in rows:
        value: Value = Range(low, high) if low is not None and high is not None else grade or target
        if value is not None and value != "":
            out.setdefault(ind_id, Stored()).targets[q] = value
    return out


def frozen_quarters(office: Office, year: int) -> dict[int, str]:
    """The quarters whose targets cannot change now (frozen quarter or annual report), with the lock's message."""
    from sakip.workflow.web import lock_message

    out: dict[int, str] = {}
    for q in QUARTERS:
        message = lock_message(office, year, "quarter", q)
        if message:
            out[q] = message
    return out


def last_year(year: int, ind: Indicator) -> Stored | None:
    """Last year's quarter targets of the indicator, when all four are set (the pattern to copy)."""
    found = stored(year - 1, [ind]).get(ind.pk)
    if found is None or any(found.targets.get(q) is None for q in QUARTERS):
        return None
    return found


# ----------------------------------------------------------------------------- checking


@dataclass
class Checked:
    """The domain's findings in the active language: errors (by quarter; 0 = the row) and warnings."""

    errors: dict[int, list[str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def all_errors(self) -> list[str]:
        return [m for q in sorted(self.errors) for m in self.errors[q]]


def check(ind: Indicator, targets: Mapping[int, Value], cumulative: bool, year_target: Target | None) -> Checked:
    """`domain.quarter_targets.check` for a stored indicator; a quarter target needs a year target."""
    out = Checked()
    for issue in rules.check(
        targets,
        polarity=polarity(ind),
        rollup=rollup(ind),
        cumulative=cumulative,
        ordinal=ordinal(ind),
        year_target=year_target,
        require_year_target=True,
    ):
        if issue.warning:
            out.warnings.append(translate(issue.message))
        else:
            out.errors.setdefault(issue.quarter or 0, []).append(translate(issue.message))
    return out


def suggestion(
    kind: str, ind: Indicator, year_target: Target | None, cumulative: bool, year: int
) -> Targets:
    """The four targets of the even split (``kind="split"``) or of last year's pattern (``"pattern"``).

    Raises `ValidationError` with the reason (in the active language) when there is none.
    """
    try:
        if kind == "split":
            return dict(
                rules.even_split(
                    year_target,
                    polarity=polarity(ind),
                    rollup=rollup(ind),
                    cumulative=cumulative,
                    baseline=ind.baseline,
                )
            )
        last = last_year(year, ind)
        if last is None:
            raise ValidationError(
                _("Target triwulan %(year)s indikator ini belum lengkap: pola tahun lalu tidak dapat dipakai.")
                % {"year": year - 1}
            )
        return dict(
            rules.from_pattern(
                year_target,
                last.full(),
                polarity=polarity(ind),
                rollup=rollup(ind),
                cumulative=cumulative,
                last_cumulative=last.cumulative,
            )
        )
    except DomainError as exc:
        raise ValidationError(error_text(exc)) from None


def lock_problems(
    frozen: Mapping[int, str], before: Stored | None, targets: Mapping[int, Value], cumulative: bool
) -> list[tuple[int | None, str]]:
    """Why a change is refused, by quarter (None: the cumulative choice, which every quarter reads)."""
    old = before or Stored()
    problems: list[tuple[int | None, str]] = []
    for q, message in sorted(frozen.items()):
        if old.targets.get(q) != targets.get(q):
            problems.append((q, f"{QUARTER_LABELS[q]}: {message}"))
    if frozen and cumulative != old.cumulative and (old.targets or any(v is not None for v in targets.values())):
        why = next(iter(frozen.values()))
        problems.append((None, _("Target kumulatif atau per triwulan: %(why)s") % {"why": why}))
    return problems


# ----------------------------------------------------------------------------- storing


def save(year: int, ind: Indicator, targets: Mapping[int, Value], cumulative: bool) -> bool:
    """Store an indicator's four quarter targets and cumulative choice; only what changed is written."""
    changed = False
    iy = IndicatorYear.objects.filter(indicator=ind, year=year).first()
    wanted = {q: targets.get(q) for q in QUARTERS}
    if iy is None:
        if not any(v is not None for v in wanted.values()) and not cumulative:
            return False
        iy = IndicatorYear.objects.create(indicator=ind, year=year)
    if iy.cumulative_targets != cumulative:
        iy.cumulative_targets = cumulative
        iy.save(update_fields=["cumulative_targets", "updated_at"])
        changed = True
    rows = {q.quarter: q for q in iy.quarters.all()}
    for q, value in wanted.items():
        target = value if isinstance(value, Decimal) else None
        grade = value if isinstance(value, str) else ""
        low, high = (value.low, value.high) if isinstance(value, Range) else (None, None)
        row = rows.get(q)
        if row is None:
            if value is None:
                continue
            Quarter.objects.create(
                indicator_year=iy, quarter=q, target=target, target_grade=grade, target_low=low, target_high=high
            )
            changed = True
        elif (row.target, row.target_grade, row.target_low, row.target_high) != (target, grade, low, high):
            row.target, row.target_grade, row.target_low, row.target_high = target, grade, low, high
            # one by one: the audit trail records each
            row.save(update_fields=["target", "target_grade", "target_low", "target_high"])
            changed = True
    return changed
