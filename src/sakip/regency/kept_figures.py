"""Figures kept in tables: each office-year's scorecard, as of every quarter, for the rankings to read in SQL.

The domain stays the one place where figures are computed: the rows are written only
from `figures.scorecard` (`core.services.scorecard_for` → `domain.scorecard.build_scorecard`),
for quarters 1–3 (as of the end of the quarter) and 4 (the year).

When they are recomputed (see `KeptOfficeYear`):

* a write to an office-year's data (placed by `regency.generations`) marks it dirty in the
  write's own transaction (`touch`: one UPDATE) and recomputes it after the commit
  (``transaction.on_commit``; in production in a thread of the process, so that the save's
  response does not wait: ``SAKIP_KEPT_BACKGROUND``);
* a regency-wide setting (scale, cap) marks every kept office-year of the regency from its
  year on dirty; ``sakip figures rebuild`` recomputes them (after migrations too);
* the regency dashboard (`ranking`) reads the current rows and computes in its process
  what is dirty or missing (a recomputation not done yet, a process stopped between a
  commit and its recomputation, a regency setting): the figures are never older than the
  data, and a page never writes (on SQLite it would wait for the writers' lock).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from typing import TYPE_CHECKING, Any

from django.db import connections, router, transaction
from django.db.models import Count, F, Max, OuterRef, Q, Subquery
from django.utils import timezone

from sakip.accounts.models import Office
from sakip.core.db_routing import on_primary
from sakip.domain.measurement import Range
from sakip.domain.scorecard import Scorecard

if TYPE_CHECKING:
    from .figures import OfficeFigures

from .models import KeptAggregate, KeptIndicator, KeptOffice, KeptOfficeYear

log = logging.getLogger(__name__)

QUARTERS = (1, 2, 3, 4)  # 4: the year
_SIX = Decimal("0.000001")


def _num(d: Decimal | None) -> Decimal | None:
    if d is None:
        return None
    try:
        return d.quantize(_SIX, rounding=ROUND_HALF_EVEN)
    except ArithmeticError:  # beyond the column: no SQL order for it (the exact text stays)
        return None


def _text(value: Any) -> str | None:
    """A target or realisation as text: a number, ``low–high`` (a range) or a grade."""
    if value is None:
        return None
    if isinstance(value, Range):
        return f"{value.low}–{value.high}"
    return str(value)


# ----------------------------------------------------------------------------- writes mark, commits recompute


def touch(
    office_years: Iterable[tuple[int, int]],
    offices_from: Iterable[tuple[int, int]] = (),
    regencies_from: Iterable[tuple[int, int]] = (),
) -> None:
    """In a write's transaction, after its data generation is renewed: what it changed is dirty.

    ``office_years``: (office, year) pairs, recomputed after the commit when they are kept;
    ``offices_from`` / ``regencies_from``: (office or regency, year) — every kept year from that
    year on (a year setting applies to the later years too), recomputed when read.
    """
    pairs = sorted(set(office_years))
    years_of: dict[int, list[int]] = {}
    for office_id, year in pairs:
        years_of.setdefault(office_id, []).append(year)
    for office_id, years in years_of.items():  # one UPDATE per office
        KeptOfficeYear.objects.filter(office_id=office_id, year__in=years).update(changes=F("changes") + 1)
    wide = _wide(offices_from, regencies_from)
    if wide is not None:
        KeptOfficeYear.objects.filter(wide).update(changes=F("changes") + 1)
    if pairs:
        transaction.on_commit(lambda: _recompute_after_commit(pairs))
    if wide is not None:
        transaction.on_commit(lambda: _recompute_wide_after_commit(wide))


def _wide(offices_from: Iterable[tuple[int, int]], regencies_from: Iterable[tuple[int, int]]) -> Q | None:
    """The kept office-years a year setting changes: of an office or of every office of a regency, that year on."""
    wide = Q()
    for office_id, year in sorted(set(offices_from)):
        wide |= Q(office_id=office_id, year__gte=year)
    for regency_id, year in sorted(set(regencies_from)):
        wide |= Q(office__regency_id=regency_id, year__gte=year)
    return wide or None


def _recompute_wide_after_commit(wide: Q) -> None:
    """After a year setting's commit: its dirty office-years recomputed in the background thread, in the
    order of the offices (`progress` reports how far it is). Without the thread (tests, ``SAKIP_KEPT_BACKGROUND=0``)
    they stay dirty: the pages compute them when read, ``sakip figures rebuild`` stores them."""
    from django.conf import settings

    if not getattr(settings, "SAKIP_KEPT_AFTER_COMMIT", True) or not getattr(settings, "SAKIP_KEPT_BACKGROUND", False):
        return
    _background.add(list(
        KeptOfficeYear.objects.filter(wide).exclude(included=F("changes"))
        .order_by("year", "office_id").values_list("office_id", "year")
    ))


@dataclass(frozen=True)
class Progress:
    """How many of a regency's kept office-years of a year are current (``done``) of ``total``."""

    done: int
    total: int

    @property
    def pending(self) -> int:
        return self.total - self.done


def latest_year(regency_id: int) -> int | None:
    """The latest year of the regency's kept figures (None: nothing kept yet)."""
    found = KeptOfficeYear.objects.filter(office__regency_id=regency_id).aggregate(latest=Max("year"))["latest"]
    return int(found) if found is not None else None


def progress(regency_id: int, year: int) -> Progress:
    """The recomputation of a regency's kept figures for a year, as far as it went (one query): the office-years
    a write or a setting made dirty and not yet stored again."""
    counts = KeptOfficeYear.objects.filter(office__regency_id=regency_id, year=year).aggregate(
        total=Count("id"), done=Count("id", filter=Q(included=F("changes"), computed_at__isnull=False))
    )
    return Progress(counts["done"] or 0, counts["total"] or 0)


def _recompute_after_commit(pairs: list[tuple[int, int]]) -> None:
    from django.conf import settings

    if not getattr(settings, "SAKIP_KEPT_AFTER_COMMIT", True):
        return  # left dirty: the ranking computes them in its process until `rebuild` stores them
    if getattr(settings, "SAKIP_KEPT_BACKGROUND", False):
        _background.add(pairs)
    else:
        _recompute_now(pairs)


@on_primary  # with a read replica: computed from the primary's data, as it is stored there
def _recompute_now(pairs: list[tuple[int, int]]) -> None:
    for office_id, year in pairs:
        office = Office.objects.filter(pk=office_id).first()
        if office is None:
            continue
        try:
            recompute(office, year)
        except Exception:  # the write is committed: a failed recomputation leaves it dirty, read repairs it
            log.exception("kept figures of office %s, %s not recomputed", office_id, year)


class _Background:
    """A thread of the process recomputing the office-years its writes touched, in the order they came (each
    pending office-year once). It ends when nothing is pending (the next write starts another); it is not a
    daemon, so a command's process finishes its recomputations before it exits. A process killed with work
    pending leaves those office-years dirty: the regency dashboard computes them until the next write or
    ``sakip figures rebuild`` stores them."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.pending: dict[tuple[int, int], None] = {}  # ordered, each pair once
        self.thread: threading.Thread | None = None

    def add(self, pairs: list[tuple[int, int]]) -> None:
        with self.lock:
            for pair in pairs:
                self.pending[pair] = None
            if self.thread is None:
                self.thread = threading.Thread(target=self.run, name="sakip-kept-figures")
                self.thread.start()

    def run(self) -> None:
        from django.db import connection

        try:
            while True:
                with self.lock:
                    if not self.pending:
                        self.thread = None  # under the lock: the next add() starts a new thread
                        return
                    pair = next(iter(self.pending))
                    del self.pending[pair]
                _recompute_now([pair])
        finally:
            with self.lock:  # ended by an error: the next add() starts a new thread
                if self.thread is threading.current_thread():
                    self.thread = None
            connection.close()  # this thread's own connection


_background = _Background()


@on_primary  # with a read replica (sakip.core.db_routing): the figures stored are the primary's data's
def recompute(office: Office, year: int) -> int:
    """Compute the office-year's scorecards (quarters 1–4) and store them as the next version (created when
    it was never kept).

    Returns the version stored (or the current one, when a newer computation stored first).
    """
    from . import figures
    from .generations import generation, office_scopes

    row, _made = KeptOfficeYear.objects.get_or_create(office=office, year=year)
    seen, included, computed_at = (  # read before the data
        KeptOfficeYear.objects.filter(pk=row.pk).values_list("changes", "included", "computed_at").get()
    )
    if included >= seen and computed_at is not None:
        return row.version  # current already (a save of many rows: one recomputation after the commit)
    # the generation read from the database after ``seen`` (not the request's): a scorecard kept for it was
    # computed from data at least as new as the write that set ``seen`` (a write renews it before ``changes``)
    gen = generation(*office_scopes(office), fresh=True)
    cards = {q: figures.scorecard(office, year, gen, quarter=q) for q in QUARTERS}
    with transaction.atomic():
        current = KeptOfficeYear.objects.select_for_update().get(pk=row.pk)
        if current.included >= seen and current.computed_at is not None:
            return current.version  # a computation that read newer data stored already
        version = current.version + 1
        offices: list[KeptOffice] = []
        indicators: list[KeptIndicator] = []
        aggregates: list[KeptAggregate] = []
        for q, sc in cards.items():
            if sc is None:
                continue
            base = {"office_id": office.pk, "year": year, "quarter": q, "version": version}
            offices.append(_office_row(sc, base))
            indicators.extend(_indicator_rows(sc, base))
            aggregates.extend(_aggregate_rows(sc, base))
        KeptOffice.objects.bulk_create(offices)
        KeptIndicator.objects.bulk_create(indicators)
        KeptAggregate.objects.bulk_create(aggregates)
        _delete_older(office.pk, year, version)
        KeptOfficeYear.objects.filter(pk=row.pk).update(version=version, included=seen, computed_at=timezone.now())
    return version


def _delete_older(office_id: int, year: int, version: int) -> None:
    """The office-year's rows of the versions before ``version``, deleted with one statement per table.

    Not with ``QuerySet.delete()``: the audit trail's and the write guard's delete signals listen to every model,
    so Django would read every row first and delete them by id (two statements per table, a model per row) —
    while this transaction holds the office-year's `KeptOfficeYear` row, which the next save's ``touch``
    updates. The kept rows are no audited or governed data and nothing refers to them."""
    for model in (KeptOffice, KeptIndicator, KeptAggregate):
        table = model._meta.db_table  # a constant: no input in the SQL
        with connections[router.db_for_write(model)].cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE office_id = %s AND year = %s AND version < %s",
                           [office_id, year, version])


def _office_row(sc: Scorecard, base: dict[str, Any]) -> KeptOffice:
    agg = sc.office_score.aggregate
    allocation = realisation = absorption = None
    if sc.budget is not None and sc.budget.total is not None:
        total = sc.budget.total
        allocation, realisation, absorption = total.allocation, total.realisation, total.absorption
    from .figures import _weakest

    weakest = _weakest(sc.indicators)
    return KeptOffice(
        **base,
        achievement=agg.value,
        achievement_num=_num(agg.value),
        category=sc.office_score.category,
        color=sc.office_score.color,
        measured=agg.measured,
        not_measured=agg.not_measured,
        undefined=agg.undefined,
        allocation=allocation,
        realisation=realisation,
        absorption=absorption,
        absorption_num=_num(absorption),
        weakest_id=weakest[0] if weakest else None,
        weakest_name=weakest[1] if weakest else None,
        weakest_achievement=weakest[2] if weakest else None,
        weakest_color=weakest[3] if weakest else None,
    )


def _indicator_rows(sc: Scorecard, base: dict[str, Any]) -> list[KeptIndicator]:
    from sakip.reports.scorecard import target_text

    yd = sc.office.years.get(sc.year)
    agreement = yd.agreement if yd is not None else None
    targets = agreement.targets if agreement is not None else {}
    return [
        KeptIndicator(
            **base,
            unit=s.indicator.unit or "",
            iku=s.indicator.iku,
            in_agreement=s.indicator.id in targets,
            agreement_target=target_text(targets[s.indicator.id]) if s.indicator.id in targets else None,
            indicator=s.indicator.id,
            name=s.indicator.name,
            level=s.level,
            parent=s.parent_id,
            in_pk=s.in_pk,
            target=_text(s.target),
            realisation=_text(s.realisation),
            achievement=s.achievement.value,
            achievement_num=_num(s.achievement.value),
            status=s.achievement.status.value,
            category=s.category,
            color=s.color,
        )
        for s in sc.indicators
    ]


def _aggregate_rows(sc: Scorecard, base: dict[str, Any]) -> list[KeptAggregate]:
    rows = []
    for level, scores in (("objective", sc.objectives), ("goal", sc.goals)):
        for a in scores:
            rows.append(
                KeptAggregate(
                    **base,
                    level=level,
                    ref=a.id,
                    text=a.text,
                    achievement=a.aggregate.value,
                    achievement_num=_num(a.aggregate.value),
                    category=a.category,
                    color=a.color,
                    measured=a.aggregate.measured,
                )
            )
    return rows


# ----------------------------------------------------------------------------- reading


def fresh_office_ids(office_ids: list[int], year: int) -> set[int]:
    """Which of the offices have current kept rows for the year (one query)."""
    return set(
        KeptOfficeYear.objects.filter(
            office_id__in=office_ids, year=year, included=F("changes"), computed_at__isnull=False
        ).values_list("office_id", flat=True)
    )


def fresh_pairs(pairs: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """Which (office id, year) pairs have current kept rows (one query)."""
    if not pairs:
        return set()
    rows = KeptOfficeYear.objects.filter(
        office_id__in={o for o, _y in pairs}, year__in={y for _o, y in pairs}, included=F("changes"),
        computed_at__isnull=False,
    ).values_list("office_id", "year")
    return {(o, y) for o, y in rows if (o, y) in pairs}


def kept_rows(offices: list[Office], year: int, quarter: int) -> dict[int, KeptOffice]:
    """The current kept rows of the offices whose year is current (not dirty), as of ``quarter`` (4: the year).

    Two queries at any number of offices: which office-years are current, and their rows (joined on
    the current version, so a recomputation storing meanwhile is never mixed in).
    """
    ids = [o.pk for o in offices]
    fresh = fresh_office_ids(ids, year)
    if not fresh:
        return {}
    current = KeptOfficeYear.objects.filter(office_id=OuterRef("office_id"), year=year).values("version")[:1]
    rows = KeptOffice.objects.filter(office_id__in=fresh, year=year, quarter=quarter, version=Subquery(current))
    return {r.office_id: r for r in rows}


def read_offices(offices: list[Office], year: int, quarter: int) -> dict[int, KeptOffice]:
    """`kept_rows` after recomputing (and storing) what is missing or dirty: for `rebuild` and the checks."""
    fresh = fresh_office_ids([o.pk for o in offices], year)
    for office in offices:
        if office.pk not in fresh:
            recompute(office, year)
    return kept_rows(offices, year, quarter)


def ranking(offices: list[Office], year: int, quarter: int | None) -> dict[int, OfficeFigures]:
    """The regency dashboard's figures of every office: the kept rows where they are current; for an
    office-year a write made dirty (its recomputation after the commit not done yet, a regency setting
    changed, never computed), the scorecard computed in this process — the same figures, never older than
    the data. Reads only: a page never waits for the database's write lock."""
    from .figures import office_generation, scorecard

    q = quarter if quarter is not None and quarter < 4 else 4
    out = _kept_figures(offices, year, q, quarter)
    for office in offices:
        if office.pk in out:
            continue
        sc = scorecard(office, year, office_generation(office), quarter=q)
        if sc is not None:
            row = _office_row(sc, {"office_id": office.pk, "year": year, "quarter": q, "version": 0})
            out[office.pk] = office_figures(row, quarter)
    return out


_FIGURE_FIELDS = (
    "office_id", "year", "achievement", "category", "color", "measured", "not_measured", "absorption", "allocation",
    "realisation", "weakest_id", "weakest_name", "weakest_achievement", "weakest_color", "undefined",
)


def _kept_figures(offices: list[Office], year: int, q: int, quarter: int | None) -> dict[int, OfficeFigures]:
    """`office_figures` of the current kept rows (`kept_rows`), read as plain values: at 1,000 offices the
    model instances cost more than the query."""
    from .figures import OfficeFigures

    fresh = fresh_office_ids([o.pk for o in offices], year)
    if not fresh:
        return {}
    current = KeptOfficeYear.objects.filter(office_id=OuterRef("office_id"), year=year).values("version")[:1]
    rows = KeptOffice.objects.filter(
        office_id__in=fresh, year=year, quarter=q, version=Subquery(current)
    ).values_list(*_FIGURE_FIELDS)
    out: dict[int, OfficeFigures] = {}
    for (office_id, y, achievement, category, color, measured, not_measured, absorption, allocation, realisation,
         weakest_id, weakest_name, weakest_achievement, weakest_color, undefined) in rows:
        weakest = None
        if weakest_id is not None:
            weakest = (weakest_id, weakest_name or "", weakest_achievement, weakest_color)
        out[office_id] = OfficeFigures(
            office_id, y, quarter, achievement, category, color, measured, not_measured, absorption, allocation,
            realisation, weakest, undefined,
        )
    return out


def office_figures(row: KeptOffice, quarter: int | None) -> OfficeFigures:
    """The regency dashboard's figures of one office from its kept row (`figures.OfficeFigures`)."""
    from .figures import OfficeFigures

    weakest = (
        (row.weakest_id, row.weakest_name or "", row.weakest_achievement, row.weakest_color)
        if row.weakest_id is not None
        else None
    )
    return OfficeFigures(
        row.office_id,
        row.year,
        quarter,
        row.achievement,
        row.category,
        row.color,
        row.measured,
        row.not_measured,
        row.absorption,
        row.allocation,
        row.realisation,
        weakest,
        row.undefined,
    )


def rebuild(offices: Iterable[Office], years_of: Callable[[Office], list[int]],
            progress: Callable[[int, Office], None] | None = None) -> int:
    """Recompute every given office's kept years; returns the number of office-years."""
    done = 0
    for office in offices:
        for year in years_of(office):
            recompute(office, year)
            done += 1
        if progress is not None:
            progress(done, office)
    return done
