"""Quarterly entry: read the operator's rows, compute them with the domain, store them all or nothing.

The computed value of a formula indicator and every figure *as of* the quarter — the
target, realisation and achievement to date and the predicate — come from the office's
scorecard as of the quarter with the typed values put in (`simulate`, i.e.
`build_scorecard(..., quarter=N)`): the same rule as the dashboards, the API and the
documents, no second implementation. A qualitative indicator's quarter is its grade
(`Quarter.grade`).
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db.models import prefetch_related_objects
from django.http import QueryDict
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _

from sakip.accounts.models import Office
from sakip.agreements.models import PkVersion
from sakip.audit import recorder as audit
from sakip.core.concurrency import Conflict, create_once, last_changes, locked, tokens, verify
from sakip.core.i18n import translate
from sakip.core.web import evidence_content_type, evidence_errors, input_text, parse_amount
from sakip.domain import office as dom
from sakip.domain.errors import DomainError, FormulaError
from sakip.domain.explanations import ExplanationPolicy, explanation_demand
from sakip.domain.measurement import Achievement, Assessment, Polarity, Status, Target, assess
from sakip.domain.scorecard import IndicatorScore, QuarterScore, Scorecard, build_scorecard
from sakip.planning.models import Indicator
from sakip.workflow import guard

from .models import Evidence, IndicatorYear, InputValue, Quarter
from .pending import PendingFile

MAX_EXPLANATION = 5000


@dataclass
class Row:
    """One indicator's line on the entry page: what is stored, what was typed, what is wrong."""

    indicator: Indicator
    definition: dom.Indicator
    stored: IndicatorYear | None
    quarter_row: Quarter | None
    value_text: str = ""
    input_texts: dict[str, str] = field(default_factory=dict)
    grade_text: str = ""
    explanation: str = ""
    upload: File[bytes] | None = None  # a new upload, or the file kept from a refused save (`pending`)
    pending: PendingFile | None = None  # the kept file this row's save will store
    value: Decimal | None = None
    inputs: dict[str, Decimal | None] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    score: IndicatorScore | None = None
    quarter_score: QuarterScore | None = None
    computed: Decimal | None = None
    loaded: str | None = None  # the version token the form (or the API) was loaded with; None: not given
    #: the explanation is the year's (the yearly workbook's one column), not the quarter's own (the import)
    annual_explanation: bool = False
    copy_to_year: bool = False  # TW IV: also make the quarter's explanation the year's (the annual report's)
    warnings: list[str] = field(default_factory=list)  # shown on the row, the save goes ahead

    @property
    def key(self) -> str:
        return str(self.indicator.pk)

    @property
    def token(self) -> str:
        """The stored version of the line: its indicator's year and this quarter (`core.concurrency`)."""
        return tokens(self.stored, self.quarter_row)

    @property
    def form_token(self) -> str:
        """The token the page carries: the one it was loaded with until the user has seen any newer data."""
        return self.loaded if self.loaded is not None else self.token

    @property
    def stored_explanation(self) -> str:
        """The stored text this row's explanation edits: its quarter's own (the year's for the import)."""
        if self.annual_explanation:
            return self.stored.explanation if self.stored is not None else ""
        return self.quarter_row.explanation if self.quarter_row is not None else ""

    @property
    def has_formula(self) -> bool:
        return self.definition.formula is not None

    @property
    def qualitative(self) -> bool:
        return self.definition.polarity is Polarity.QUALITATIVE

    @property
    def has_errors(self) -> bool:
        return any(self.errors.values())

    def error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    @property
    def all_errors(self) -> list[str]:
        return [m for messages in self.errors.values() for m in messages]

    def field_name(self, kind: str, input_name: str | None = None) -> str:
        return f"{kind}-{self.key}" + (f"-{input_name}" if input_name else "")


def entry_indicators(office: Office, year: int, gen: str | None = None) -> list[Indicator]:
    """The indicators of the year's PK in force, or every plan indicator when there is no PK.

    ``gen``: the office's generation (`regency.figures.office_generation`) the caller read: the list is kept for it
    in the process (the entry page and its save read it once, not two queries each) and handed out as copies.
    """
    if gen is None:
        return _entry_indicators(office, year)
    from sakip.regency import figures

    kept = figures.memo(gen, ("entry-indicators", office.pk, year), lambda: tuple(_entry_indicators(office, year)))
    return [_own(indicator) for indicator in kept]


def _own(indicator: Indicator) -> Indicator:
    """A copy of a kept indicator for one request (its formula inputs are prefetched on the copy, not the kept one)."""
    own = copy.copy(indicator)
    own.__dict__.pop("_prefetched_objects_cache", None)
    return own


def _entry_indicators(office: Office, year: int) -> list[Indicator]:
    version = PkVersion.objects.filter(office=office, year=year).order_by("-number").first()
    if version is not None:
        targets = list(version.targets.select_related("indicator").order_by("order", "id"))
        if targets:
            return [t.indicator for t in targets]
    plan = office.plans.order_by("-start_year").first()
    if plan is None:
        return []
    return list(Indicator.objects.filter(plan=plan).order_by("order", "id"))


def build_rows(
    office: Office, year: int, quarter: int, domain: dom.Office, *, evidence: bool = True, gen: str | None = None
) -> list[Row]:
    return build_quarter_rows(office, year, (quarter,), domain, evidence=evidence, gen=gen)[quarter]


def build_quarter_rows(
    office: Office,
    year: int,
    quarters: Iterable[int],
    domain: dom.Office,
    *,
    evidence: bool = True,
    annual_explanation: bool = False,
    gen: str | None = None,
) -> dict[int, list[Row]]:
    """The rows of several quarters, the stored data read once (an import takes the four quarters at once).

    A fixed number of queries whatever the number of indicators: the stored years,
    their quarters (read flat and grouped here, not prefetched per year), and the
    formula inputs of formula indicators only (``quarter_row.inputs.all()`` and
    ``indicator.inputs.all()`` are answered from memory for those rows; the other
    rows never ask). ``evidence=False`` leaves the evidence files unread (the
    import does not show them). ``gen``: see `entry_indicators`.
    """
    indicators = entry_indicators(office, year, gen)
    definitions = domain.plan.indicator_index()
    # the office's stored years, joined rather than listed (an IN list of 10,000 ids cost more than the read);
    # only the entry indicators' are used
    years = IndicatorYear.objects.filter(indicator__plan__office=office, year=year)
    stored = {iy.indicator_id: iy for iy in (years.prefetch_related("evidence") if evidence else years)}
    by_year: dict[int, dict[int, Quarter]] = {}
    quarters = list(quarters)
    stored_quarters = Quarter.objects.filter(  # the rows of those quarters only (a page shows one)
        indicator_year__indicator__plan__office=office, indicator_year__year=year, quarter__in=quarters
    ).order_by("indicator_year_id", "quarter")
    # who entered a quarter and when: only the page shows it (an import sets both on the quarters it writes)
    for q in stored_quarters if evidence else stored_quarters.defer("entered_by", "entered_at"):
        by_year.setdefault(q.indicator_year_id, {}).setdefault(q.quarter, q)
    with_formula = [ind for ind in indicators if (d := definitions.get(ind.code)) is not None and d.formula is not None]
    prefetch_related_objects(with_formula, "inputs")
    formula_years = {stored[ind.pk].pk for ind in with_formula if ind.pk in stored}
    prefetch_related_objects([q for y in formula_years for q in by_year.get(y, {}).values()], "inputs__input")
    out: dict[int, list[Row]] = {}
    for quarter in quarters:
        rows = out[quarter] = []
        for ind in indicators:
            definition = definitions.get(ind.code)
            if definition is None:
                continue
            iy = stored.get(ind.pk)
            q_row = by_year.get(iy.pk, {}).get(quarter) if iy else None
            row = Row(ind, definition, iy, q_row, annual_explanation=annual_explanation)
            row.explanation = row.stored_explanation
            names = ind_inputs(definition)
            if q_row is not None:
                row.value_text = input_text(q_row.value)
                values = {iv.input.name: iv.value for iv in q_row.inputs.all()} if names else {}
                row.input_texts = {name: input_text(values.get(name)) for name in names}
            else:
                row.input_texts = {name: "" for name in names}
            row.grade_text = q_row.grade if q_row is not None else ""
            rows.append(row)
    return out


def ind_inputs(definition: dom.Indicator) -> list[str]:
    if definition.formula is None:
        return []
    labels = list(definition.input_labels)
    return labels + sorted(definition.formula.inputs - set(labels))


def read_row(row: Row, data: QueryDict, files: MultiValueDict[str, UploadedFile[bytes]] | None) -> None:
    """Take the typed values of ``row`` from the request and check each (Indonesian numbers, files)."""
    label = f"{row.indicator.code}"
    if row.field_name("ver") in data:
        row.loaded = data.get(row.field_name("ver")) or ""
    if row.qualitative:
        if row.field_name("g") in data:  # a field absent from the request is left as stored
            row.grade_text = (data.get(row.field_name("g")) or "").strip()
        ordinal = row.definition.ordinal
        if row.grade_text and ordinal is not None:
            try:
                ordinal.rank(row.grade_text)
            except DomainError:
                row.error("g", _("«%(text)s» bukan predikat yang sah (pilihan: %(grades)s)")
                          % {"text": row.grade_text, "grades": ", ".join(ordinal.grades)})
    elif row.has_formula:
        for name in ind_inputs(row.definition):
            field_name = row.field_name("i", name)
            text = (data.get(field_name) or "") if field_name in data else row.input_texts.get(name, "")
            row.input_texts[name] = text
            try:
                row.inputs[name] = parse_amount(text, f"{label} {name}")
            except ValidationError as exc:
                row.error(f"i-{name}", " ".join(exc.messages))
                row.inputs[name] = None
        typed = [v for v in row.inputs.values() if v is not None]
        if typed and len(typed) != len(row.inputs) and not row.errors:
            for name, v in row.inputs.items():
                if v is None:
                    row.error(f"i-{name}", _("Isi semua komponen rumus, atau kosongkan semuanya (belum diukur)."))
        elif len(typed) == len(row.inputs) and row.definition.formula is not None:
            try:
                row.computed = row.definition.formula.evaluate(dict(row.inputs))
            except FormulaError as exc:
                target = f"i-{exc.input_name}" if exc.input_name else "i"
                row.error(target, _("Rumus tidak dapat dihitung: %(message)s") % {"message": translate(exc.detail)})
    else:
        if row.field_name("v") in data:
            row.value_text = data.get(row.field_name("v")) or ""
        try:
            row.value = parse_amount(row.value_text, label)
        except ValidationError as exc:
            row.error("v", " ".join(exc.messages))
    if data.get(row.field_name("e")) is not None:
        row.explanation = (data.get(row.field_name("e")) or "").strip()
        if len(row.explanation) > MAX_EXPLANATION:
            row.error("e", _("Penjelasan terlalu panjang (maksimum %(n)d karakter).") % {"n": MAX_EXPLANATION})
    if data.get(row.field_name("ya")):  # offered on TW IV only (`save_rows` ignores it on another quarter)
        row.copy_to_year = True
    if files is not None:
        upload = files.get(row.field_name("f"))
        if upload is not None:
            row.upload = upload
            for message in evidence_errors(upload):
                row.error("f", message)


def _put(domain: dom.Office, year: int, quarter: int, row: Row) -> None:
    yd = domain.years.get(year)
    if yd is None:
        yd = domain.years[year] = dom.YearData(year)
    m = yd.measurements.get(row.indicator.code)
    if m is None:
        m = yd.measurements[row.indicator.code] = dom.Measurement()
    if row.explanation:
        m.quarter_explanations[quarter] = row.explanation
    else:
        m.quarter_explanations.pop(quarter, None)
    if row.qualitative:
        if row.grade_text:
            m.quarter_grades[quarter] = row.grade_text
        else:
            m.quarter_grades.pop(quarter, None)
    elif row.has_formula:
        if all(v is None for v in row.inputs.values()):
            m.inputs.pop(quarter, None)
        else:
            m.inputs[quarter] = dict(row.inputs)
    else:
        m.quarters[quarter] = row.value


def simulate(domain: dom.Office, year: int, quarter: int, rows: list[Row], *, typed: bool = True) -> Scorecard:
    """The scorecard as of ``quarter`` with the typed values of ``rows`` in place of the stored ones (``typed``).

    ``row.score`` is the row's indicator as of the quarter (TW IV: the year), ``row.quarter_score``
    the quarter's own row (its value, and the quarter target to date).
    """
    if typed:
        _own_year(domain, year)
        for row in rows:
            if not row.has_errors:
                _put(domain, year, quarter, row)
    sc = build_scorecard(domain, year, quarter=quarter)
    by_id = {s.indicator.id: s for s in sc.indicators}
    for row in rows:
        row.score = by_id.get(row.indicator.code)
        if row.score is not None:
            row.quarter_score = next((q for q in row.score.quarters if q.quarter == quarter), None)
    return sc


def _as_of(row: Row, quarter: int) -> tuple[Achievement, Target | None, Decimal | str | None] | None:
    """The row's (achievement, target, realisation) as of ``quarter``: its TW row (the one quarter rule,
    `domain.to_date`) for TW I–III, the year's figures for TW IV (TW IV to date is the year)."""
    if quarter < 4:
        qs = row.quarter_score
        return (qs.achievement, qs.target_to_date, qs.to_date) if qs is not None else None
    s = row.score
    return (s.achievement, s.target, s.realisation) if s is not None else None


def quarter_achievement(row: Row, quarter: int) -> Achievement | None:
    """The achievement to date that decides whether the row is below target (TW IV: the year's)."""
    figures = _as_of(row, quarter)
    return figures[0] if figures is not None else None


def display(row: Row, quarter: int, sc: Scorecard, policy: ExplanationPolicy | None = None) -> dict[str, Any]:
    """What the preview shows: the value, the achievement and the predicate (all from the domain)."""
    from sakip.reports.narrative import reason_text
    from sakip.reports.scorecard import show_achievement, show_number, show_target

    figures = _as_of(row, quarter)
    a, target, to_date = figures if figures is not None else (None, None, None)
    assessment: Assessment | None = assess(a, sc.scale) if a is not None else None
    qs = row.quarter_score
    if row.qualitative:
        value: Decimal | str | None = row.grade_text or None
    elif qs is not None:
        value = qs.value
    else:
        value = row.computed if row.has_formula else row.value
    return {
        "value": show_number(value) if value is not None else None,
        "to_date": show_number(to_date) if to_date is not None else None,
        "target_to_date": show_target(target) if target is not None else None,
        "achievement": show_achievement(a) if a is not None else None,
        "undefined": a is not None and a.status is Status.UNDEFINED,
        "no_target": a is not None and a.status is Status.NO_TARGET,
        "not_measured": a is not None and a.status is Status.NOT_MEASURED,
        "reason": reason_text(a.reason) if a is not None and a.reason else None,
        "met": a.met if a is not None else None,
        "category": assessment.category if assessment else None,
        "color": assessment.color if assessment else None,
        "below": a is not None and a.met is False,
        "needs_explanation": (demand := explanation_demand(a, row.explanation, policy or ExplanationPolicy()))
        is not None,
        "explanation_required": demand is not None and demand.blocking,
    }


def check_explanations(rows: list[Row], quarter: int, policy: ExplanationPolicy | None = None) -> None:
    """A row below target without its quarter's explanation (`domain.explanations`): an error on the row
    (``wajib``: not stored) or a warning (``peringatan``: stored). Rows whose quarter is unchanged are
    left alone (an older row stored without an explanation does not block another row's save)."""
    policy = policy or ExplanationPolicy()
    for row in rows:
        if row.has_errors or not (_figures_changed(row) or row.stored_explanation != row.explanation):
            continue
        if row.loaded is not None and row.loaded != row.token:  # changed meanwhile: `conflicts` decides first
            continue
        demand = explanation_demand(quarter_achievement(row, quarter), row.explanation, policy)
        if demand is None:
            continue
        if demand.blocking:
            row.error("e", translate(demand.message))
        else:
            row.warnings.append(translate(demand.message))


def _has_data(row: Row) -> bool:
    if row.qualitative:
        return bool(row.grade_text)
    if row.has_formula:
        return any(v is not None for v in row.inputs.values())
    return row.value is not None


def _quarter_changed(row: Row) -> bool:
    """Whether the typed quarter differs from what is stored (unchanged rows keep who entered them)."""
    return _figures_changed(row) or (not row.annual_explanation and row.stored_explanation != row.explanation)


def _figures_changed(row: Row) -> bool:
    """Whether the typed figures (value, inputs or grade) of the quarter differ from what is stored."""
    q_row = row.quarter_row
    if q_row is None:
        return _has_data(row)
    if row.qualitative:
        return q_row.grade != row.grade_text
    if row.has_formula:
        stored = {iv.input.name: iv.value for iv in q_row.inputs.all()}
        return any(stored.get(name) != value for name, value in row.inputs.items())
    return bool(q_row.value != row.value)


def conflicts(rows: Iterable[Row], quarter: int) -> list[Conflict]:
    """The fields of the rows that changed since the page was loaded and differ from what the user typed.

    A row whose version token is still the one the page was loaded with is no conflict,
    nor a changed row whose stored values equal the typed ones (two people typed the same).
    """
    stale = [row for row in rows if row.loaded is not None and row.loaded != row.token]
    if not stale:
        return []
    quarter_label = _("Realisasi TW %(q)s") % {"q": ("I", "II", "III", "IV")[quarter - 1]}
    year_changes = last_changes(IndicatorYear, [row.stored.pk for row in stale if row.stored is not None])
    out: list[Conflict] = []
    for row in stale:
        where = f"{row.indicator.code} {row.indicator.name}"
        iy, q = row.stored, row.quarter_row
        year_by = year_changes.get(str(iy.pk), ("", None)) if iy is not None else ("", None)
        q_by = ((q.entered_by.get_username() if q.entered_by else ""), q.entered_at) if q is not None else ("", None)
        if row.qualitative:
            stored_grade = iy.annual_grade if iy is not None else ""
            if row.grade_text != stored_grade:
                out.append(Conflict(where, _("Realisasi (predikat)"), stored_grade, row.grade_text,
                                    by=year_by[0], at=year_by[1], name=row.field_name("g")))
        elif row.has_formula:
            stored_inputs = {iv.input.name: iv.value for iv in q.inputs.all()} if q is not None else {}
            for name in ind_inputs(row.definition):
                if row.inputs.get(name) != stored_inputs.get(name):
                    label = row.definition.input_labels.get(name, name)
                    out.append(Conflict(where, f"{quarter_label}: {label}", input_text(stored_inputs.get(name)),
                                        row.input_texts.get(name, ""), *q_by, name=row.field_name("i", name)))
        else:
            stored_value = q.value if q is not None else None
            if row.value != stored_value:
                out.append(Conflict(where, quarter_label, input_text(stored_value), row.value_text, *q_by,
                                    name=row.field_name("v")))
        stored_explanation = row.stored_explanation
        if row.explanation != stored_explanation:
            out.append(Conflict(where, _("Penjelasan"), stored_explanation, row.explanation,
                                *q_by, name=row.field_name("e")))
    return out


def show_stored(rows: Iterable[Row], found: Iterable[Conflict]) -> None:
    """After a conflict: the conflicting fields show what is stored now (what the user typed is kept apart),
    and every row carries its current version, so that saving again never undoes the other person's change."""
    names = {c.name for c in found}
    for row in rows:
        iy, q = row.stored, row.quarter_row
        if row.field_name("g") in names:
            row.grade_text = iy.annual_grade if iy is not None else ""
        if row.field_name("v") in names:
            row.value_text = input_text(q.value if q is not None else None)
            row.value = q.value if q is not None else None
        if row.has_formula:
            stored_inputs = {iv.input.name: iv.value for iv in q.inputs.all()} if q is not None else {}
            for name in ind_inputs(row.definition):
                if row.field_name("i", name) in names:
                    row.input_texts[name] = input_text(stored_inputs.get(name))
                    row.inputs[name] = stored_inputs.get(name)
        if row.field_name("e") in names:
            row.explanation = row.stored_explanation
        row.loaded = None


def quarter_tokens(office: Office, year: int) -> dict[str, dict[int, str]]:
    """Every indicator's version token per quarter for an office-year: ``{code: {quarter: token}}`` (two queries)."""
    years = {
        iy_id: (code, f"{iy_id}.{version}")
        for iy_id, version, code in IndicatorYear.objects.filter(indicator__plan__office=office, year=year).values_list(
            "pk", "version", "indicator__code"
        )
    }
    quarters: dict[tuple[int, int], str] = {
        (iy_id, q): f"{pk}.{version}"
        for pk, version, iy_id, q in Quarter.objects.filter(
            indicator_year__indicator__plan__office=office, indicator_year__year=year
        ).values_list("pk", "version", "indicator_year_id", "quarter")
    }
    out: dict[str, dict[int, str]] = {}
    for iy_id, (code, year_token) in years.items():
        out[code] = {q: f"{year_token}/{quarters.get((iy_id, q), '-')}" for q in (1, 2, 3, 4)}
    return out


def quarter_explanations(office: Office, year: int) -> dict[tuple[str, int], str]:
    """Every quarter's own explanation of an office-year: ``{(code, quarter): text}`` (one query)."""
    return {
        (code, q): text
        for code, q, text in Quarter.objects.filter(
            indicator_year__indicator__plan__office=office, indicator_year__year=year
        ).exclude(explanation="").values_list("indicator_year__indicator__code", "quarter", "explanation")
    }


def verify_unchanged(year: int, quarter: int, rows: list[Row]) -> None:
    """Inside the save's transaction (the office locked): the rows' versions are still the ones read, else
    `Changed` — another save came between this one's read and its lock; the caller reads again."""
    ids = [row.indicator.pk for row in rows]
    years = {
        ind: f"{pk}.{version}"
        for pk, version, ind in locked(IndicatorYear.objects.filter(indicator_id__in=ids, year=year).order_by())
        .values_list("pk", "version", "indicator_id")
    }
    quarters = {
        ind: f"{pk}.{version}"
        for pk, version, ind in locked(
            Quarter.objects.filter(
                indicator_year__indicator_id__in=ids, indicator_year__year=year, quarter=quarter
            ).order_by()  # by no column: the default orderings join the indicators (whose rows would be locked too)
        ).values_list("pk", "version", "indicator_year__indicator_id")
    }
    current = {str(i): f"{years.get(i, '-')}/{quarters.get(i, '-')}" for i in ids}
    verify({row.key: row.token for row in rows}, current)


def save_rows(
    office: Office, year: int, quarter: int, rows: list[Row], user: Any, created: list[Evidence] | None = None
) -> list[Evidence]:
    """Store every row (the caller holds the transaction, see `verify_unchanged`); returns the evidence created.

    ``created`` collects the evidence as it is made, so that a caller whose transaction is rolled
    back afterwards can delete the stored files. A row made meanwhile by a parallel save raises
    `core.concurrency.Changed` (its unique constraint): the caller reads and checks again.
    """
    now = timezone.now()
    created = created if created is not None else []
    # the stored years were read as this office's, of this year: the write guard and the audit trail place the rows
    # written under them without reading their office (and the office's regency) again
    stored = [row.stored for row in rows if row.stored is not None]
    guard.known_indicator_years(office.pk, year, [iy.pk for iy in stored])
    audit.known_office_rows(office, stored)
    for row in rows:
        iy = row.stored
        if iy is None:
            if not (_has_data(row) or row.explanation or row.upload is not None):
                continue
            iy = create_once(IndicatorYear, indicator=row.indicator, year=year)
        changed_year = False
        if (row.annual_explanation or (quarter == 4 and row.copy_to_year)) and iy.explanation != row.explanation:
            iy.explanation = row.explanation  # the annual report's text (TW IV offers to copy the quarter's)
            changed_year = True
        if _quarter_changed(row):
            q_row = row.quarter_row or create_once(Quarter, indicator_year=iy, quarter=quarter)
            if row.qualitative:
                q_row.grade = row.grade_text
            elif row.has_formula:
                q_row.value = None
                existing = {iv.input.name: iv for iv in q_row.inputs.select_related("input")}
                for fi in row.indicator.inputs.all():
                    v = row.inputs.get(fi.name)
                    iv = existing.get(fi.name)
                    if v is None:
                        if iv is not None:
                            iv.delete()
                    elif iv is None:
                        InputValue.objects.create(quarter=q_row, input=fi, value=v)
                    elif iv.value != v:
                        iv.value = v
                        iv.save(update_fields=["value"])
            else:
                q_row.value = row.value
            if not row.annual_explanation:
                q_row.explanation = row.explanation
            q_row.entered_by = user
            q_row.entered_at = now
            q_row.save()
        if changed_year:
            iy.save()
        if row.upload is not None:
            created.append(Evidence.objects.create(
                indicator_year=iy,
                quarter=quarter,
                name=(row.upload.name or "bukti")[:255],
                file=row.upload,
                content_type=evidence_content_type(row.upload.name or ""),
                size=row.upload.size or 0,
                uploaded_by=user,
            ))
    return created


def load_domain(office: Office, gen: str | None = None) -> dom.Office:
    """The stored office for the entry page to simulate on: the one built for the data generation
    (`regency.figures.stored_domain`, shared; ``gen``: the office's, when the caller read it) with a list of
    years of its own — `simulate` copies the year it puts the typed values into (`_own_year`) and changes
    nothing else."""
    from sakip.regency import figures

    shared = figures.stored_domain(office, gen)
    return dataclasses.replace(shared, years=dict(shared.years))


def _own_year(domain: dom.Office, year: int) -> None:
    """The year's measurements copied into ``domain`` (whose list of years is its own), so that `_put` changes
    them and not the shared build's."""
    held = domain.years.get(year)
    if held is None:
        return
    measurements = {}
    for code, m in held.measurements.items():
        own = copy.copy(m)
        own.quarters = dict(m.quarters)
        own.quarter_grades = dict(m.quarter_grades)
        own.inputs = {q: dict(values) for q, values in m.inputs.items()}
        own.quarter_explanations = dict(m.quarter_explanations)
        measurements[code] = own
    domain.years[year] = dataclasses.replace(held, measurements=measurements)
