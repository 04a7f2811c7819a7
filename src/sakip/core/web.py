"""Helpers shared by the office pages: number input, targets, evidence checks, page context.

Nothing here computes a performance figure: numbers are read with
`sakip.domain.numbers.parse_number` in the Indonesian format, and every figure
a page shows comes from the domain (the scorecard, `achievement`, `budget`,
`survey`). What is stored is checked by loading the office back into the
domain (`stored_issues`), so a page can never store what the engine refuses.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sakip.accounts.access import Action, allowed_actions, can
from sakip.accounts.models import Membership, Office
from sakip.dataset.loader import DatasetError, Issue, load_measurements
from sakip.domain.errors import DomainError, NumberParseError
from sakip.domain.measurement import Polarity, Range, Target
from sakip.domain.numbers import NumberFormat, format_exact, parse_number
from sakip.domain.office import Office as DomainOffice
from sakip.domain.scales import get_ordinal_scale
from sakip.domain.scorecard import Scorecard, build_scorecard
from sakip.planning.models import PlanPeriod

from .concurrency import lock_office
from .i18n import error_text, translate
from .interchange import domain_office, export_measurements
from .params import int_param
from .params import valid_year as valid_year  # the year rule lives in core.params, with its URL converter
from .services import office_nav, office_years, reporting_year

# ----------------------------------------------------------------------------- access


def require(membership: Membership | None, office: Office, action: Action) -> None:
    """403 unless the user may do ``action`` on ``office`` (for POSTs of pages that GET with "view")."""
    if not can(membership, office, action):
        raise PermissionDenied(_("Anda tidak berwenang mengubah data ini"))


def page_context(
    office: Office, membership: Membership | None, key: str, year: int | None, **extra: Any
) -> dict[str, Any]:
    context: dict[str, Any] = {
        "office": office,
        "membership": membership,
        "office_nav": office_nav(office, membership, key, year),
        "year": year,
        "actions": allowed_actions(membership, office),
    }
    context.update(extra)
    return context


def current_plan(office: Office) -> PlanPeriod | None:
    """The office's plan period (the latest; the dataset format holds one)."""
    return office.plans.order_by("-start_year").first()


def default_year(office: Office) -> int:
    year = reporting_year(office)
    if year is not None:
        return year
    plan = current_plan(office)
    today = datetime.date.today().year
    if plan is not None:
        return min(max(today, plan.start_year), plan.end_year)
    return today


def year_choices(office: Office, year: int | None = None) -> list[int]:
    """Years to offer in a year selector: years with data and the plan's years, newest first."""
    years = set(office_years(office))
    plan = current_plan(office)
    if plan is not None:
        years |= set(range(plan.start_year, plan.end_year + 1))
    if year is not None:
        years.add(year)
    return sorted(years, reverse=True)


def quarter_param(text: str | None) -> int | None:
    """The ``?triwulan=`` of a page: 1–4, or None for the year (anything else is the year too)."""
    from .params import int_param

    chosen = int_param(text)
    return chosen if chosen in (1, 2, 3, 4) else None


# ----------------------------------------------------------------------------- scorecard


@dataclass(frozen=True)
class RowIssue:
    """An issue of a budget line: as its row shows it (the field and the message), and with its place."""

    text: str
    full: str


RowIssues = dict[tuple[int, str], list[RowIssue]]  # by (year, budget line code)


@dataclass(frozen=True)
class Computed:
    scorecard: Scorecard | None
    problems: list[str]  # every issue, in words where the place is known in words
    rows: RowIssues = field(default_factory=dict)  # the issues of budget lines (also in ``problems``)
    others: list[str] = field(default_factory=list)  # the issues that are not a budget line's


def compute(office: Office, year: int | None) -> Computed:
    """The scorecard of a stored office-year; problems (never a crash) if the data cannot be computed."""
    if year is None or current_plan(office) is None:
        return Computed(None, [])
    try:
        return Computed(build_scorecard(domain_office(office), year), [])
    except DatasetError as exc:
        texts = [issue_text(i) for i in exc.issues]
        return Computed(None, texts, issue_rows(exc.issues), _others(exc.issues, texts))
    except DomainError as exc:
        return Computed(None, [error_text(exc)])


class Rollback(Exception):
    """Raised inside `atomic_checked` to undo everything and report issues.

    ``rows``: the issues of budget lines by (year, line code), as the line's row shows them
    (they are in ``issues`` too, in words with their place, for pages without rows).
    """

    def __init__(self, issues: list[str], rows: RowIssues | None = None, others: list[str] | None = None) -> None:
        super().__init__("; ".join(issues))
        self.issues = issues
        self.rows = rows or {}
        self.others = issues if others is None else others


def stored_issues(office: Office) -> list[str]:
    """Problems the domain finds in the office as stored (empty when it loads)."""
    return _stored_problems(office)[0].issues


def _stored_problems(office: Office) -> tuple[Rollback, DomainOffice | None]:
    """The problems of the office as stored, and the office the domain built when there are none."""
    if current_plan(office) is None:
        return Rollback([]), None
    try:
        built = domain_office(office, check_shape=True)  # the guard of every write: the full check
    except DatasetError as exc:
        texts = [issue_text(i) for i in exc.issues]
        return Rollback(texts, issue_rows(exc.issues), _others(exc.issues, texts)), None
    except DomainError as exc:
        return Rollback([error_text(exc)]), None
    return Rollback([]), built


def issue_text(issue: Issue) -> str:
    """A dataset issue for a page: in words where the place is known in words (the budget), else with its path."""
    words = issue.words()
    return translate(words) if words is not None else str(issue)


def issue_rows(issues: list[Issue]) -> RowIssues:
    """The issues of budget lines by (year, line code), as their rows show them (the field and the message)."""
    rows: RowIssues = {}
    for issue in issues:
        if issue.line is not None and issue.year is not None:
            rows.setdefault((issue.year, issue.line), []).append(RowIssue(translate(issue.on_row()), issue_text(issue)))
    return rows


def _others(issues: list[Issue], texts: list[str]) -> list[str]:
    return [t for i, t in zip(issues, texts, strict=True) if i.line is None or i.year is None]


@contextmanager
def atomic_checked(office: Office) -> Iterator[None]:
    """A transaction that is rolled back (raising `Rollback`) if the stored office no longer loads.

    It begins with the office's lock (`concurrency.lock_office`): the office's writers take
    turns, so a save's check of the versions it was given and its writes see no other save
    in between.

    The check is the full load of the stored office (`core.interchange.domain_office`, about 40 ms for
    20 indicators), except for a write that stored measurements only — quarter rows, their inputs, the
    year's realisation rows and evidence, as a quarterly entry does — of an office whose build for the
    generation it had under the lock is at hand (`figures.peek_domain`): nothing else changed since that
    build loaded, so the measurements written decide, and they are exported and loaded alone, with the
    same schema part and builder (`_measurements_only`). What the check built is kept for the generation
    the write made, for the recomputation after the commit and the next page.
    """
    from sakip.regency import figures
    from sakip.regency.generations import deferred, joined, office_scopes, tokens, watching_writes

    with transaction.atomic():
        lock_office(office)
        scopes = office_scopes(office)
        before = tokens(*scopes, fresh=True)
        # the write's generations are renewed once, after its check (`generations.deferred`: the lock of the
        # ``all`` row is held for the transaction's last statements only; the check reads the rows, never a kept
        # value); ``renewed`` then holds the tokens this write made
        with deferred() as renewed:
            with watching_writes() as written:
                yield
            built = _measurements_only(office, figures.peek_domain(office, joined(before)), written)
            measurements_only = built is not None
            if built is None:
                found, built = _stored_problems(office)
                if found.issues:
                    raise found
                if built is not None:
                    from sakip.profiles import interchange as profile_io

                    built.files.update(profile_io.stored_files(built, office.pk))
        if built is not None:  # the office after this write: kept for the generation it made
            # the generation as this transaction sees it, without reading it again: the scopes it renewed hold its
            # tokens (their rows are locked by it until the commit), the others are as read under the office lock
            # (if another writer has renewed one since, the key is one no reader asks for: built again, never stale)
            after = joined({**before, **{s: t for s, t in renewed.items() if s in before}})
            figures.keep_domain(office, after, built)
            if measurements_only:  # the plan, PK, settings and years are as they were: what depends on them alone too
                figures.carry(office.pk, joined(before), after)


def _measurements_only(
    office: Office, base: DomainOffice | None, written: list[tuple[str, Any]]
) -> DomainOffice | None:
    """The stored office after a write of measurements only, from ``base`` (the build of the generation the
    write began from) and the measurements it wrote, loaded alone; None when the full check must decide
    (another kind of write, a new or deleted indicator-year, a measurement that would not load)."""
    from sakip.monitoring.models import Evidence, IndicatorYear, InputValue, Quarter

    if base is None:
        return None
    years: set[int] = set()
    quarters: set[int] = set()
    for kind, row in written:
        if isinstance(row, Quarter | Evidence):
            years.add(row.indicator_year_id)
        elif isinstance(row, IndicatorYear) and kind == "saved":
            years.add(row.pk)
        elif isinstance(row, InputValue):
            quarters.add(row.quarter_id)
        else:
            return None
    if quarters:
        years |= set(Quarter.objects.filter(pk__in=quarters).values_list("indicator_year_id", flat=True))
    docs = export_measurements(office, years)
    loaded = load_measurements(base.plan, docs) if len(docs) == len(years) else None
    if loaded is None:
        return None
    # the build with those measurements in place: the rest shared with ``base`` (builds are never changed)
    after = dataclasses.replace(base, years=dict(base.years))
    for (year, code), measurement in loaded.items():
        held = after.years.get(year)
        if held is None or code not in held.measurements:
            return None  # a measurement the build did not have: the full load places it
        if held is base.years[year]:
            held = after.years[year] = dataclasses.replace(held, measurements=dict(held.measurements))
        held.measurements[code] = measurement
    return after


# ----------------------------------------------------------------------------- numbers


def parse_amount(text: str | None, field: str) -> Decimal | None:
    """Indonesian number text → Decimal; empty → None (not measured, never 0). Raises ValidationError.

    The one rule of every page and of the Excel import's text cells:
    `sakip.domain.numbers.parse_number` in the Indonesian format (``1.234,56``), with
    its one-line message (``docs/security.md``, "Input at the boundary").
    """
    if text is None or not text.strip():
        return None
    try:
        return parse_number(text, NumberFormat.INDONESIAN, field=field)
    except NumberParseError as exc:
        raise ValidationError(error_text(exc)) from None


def input_text(value: Decimal | None) -> str:
    """A Decimal as the text of an input field, exact and in the Indonesian format (``79,95``, ``24.122.000``):
    `sakip.domain.numbers.format_exact`, which `parse_amount` reads back."""
    if value is None:
        return ""
    return format_exact(value)


def target_text(target: Target | None) -> str:
    if target is None:
        return ""
    if isinstance(target, Range):
        return f"{input_text(target.low)} – {input_text(target.high)}"
    if isinstance(target, str):
        return target
    return input_text(target)


def stored_target_text(obj: Any) -> str:
    """A TargetValue row (value / grade / low–high) as input text."""
    if obj is None:
        return ""
    if obj.grade:
        return str(obj.grade)
    if obj.low is not None or obj.high is not None:
        return f"{input_text(obj.low)} – {input_text(obj.high)}"
    return input_text(obj.value)


_RANGE_SPLIT = re.compile(r"\s*(?:–|—|s\.?\s?d\.?|\s-\s)\s*", re.IGNORECASE)


def parse_target(text: str, polarity: str, ordinal_scale: str, field: str) -> dict[str, Any] | None:
    """Target text → the fields of a TargetValue (value, grade, low, high); ``None`` when empty."""
    t = text.strip()
    if not t:
        return None
    if polarity == Polarity.QUALITATIVE.value:
        try:
            scale = get_ordinal_scale(ordinal_scale or "akip")
            scale.rank(t)
        except DomainError:
            grades = ", ".join(get_ordinal_scale(ordinal_scale).grades) if ordinal_scale else "AA … D"
            raise ValidationError(
                _("«%(text)s» bukan predikat yang sah (pilihan: %(grades)s)") % {"text": t, "grades": grades}
            ) from None
        grade = next(g for g in scale.grades if g.upper() == t.upper())
        return {"value": None, "grade": grade, "low": None, "high": None}
    if polarity == Polarity.IN_RANGE.value:
        parts = _RANGE_SPLIT.split(t)
        if len(parts) != 2:
            raise ValidationError(_("Tulis rentang target sebagai «batas bawah – batas atas», misalnya 2 – 4"))
        low = parse_amount(parts[0], field)
        high = parse_amount(parts[1], field)
        if low is None or high is None:
            raise ValidationError(_("Kedua batas rentang harus diisi"))
        if low > high:
            raise ValidationError(_("Batas bawah lebih besar dari batas atas"))
        return {"value": None, "grade": "", "low": low, "high": high}
    value = parse_amount(t, field)
    return {"value": value, "grade": "", "low": None, "high": None}


class NumberField(forms.CharField):
    """A form field for an Indonesian number (``1.234,56``); the cleaned value is a Decimal or None."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "size": 14}))
        super().__init__(*args, **kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Decimal):
            return input_text(value)
        return value

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        text = super().to_python(value)
        return parse_amount(text, (self.label and str(self.label)) or "angka")


class LinesField(forms.CharField):
    """A textarea whose non-empty lines are a list of strings."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 3}))
        super().__init__(*args, **kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return "\n".join(str(v) for v in value)
        return value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        return [line.strip() for line in str(text).splitlines() if line.strip()]


# ----------------------------------------------------------------------------- evidence

_MAGIC: dict[str, tuple[bytes, ...]] = {
    ".pdf": (b"%PDF",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".xlsx": (b"PK\x03\x04",),
    ".docx": (b"PK\x03\x04",),
}


def evidence_errors(upload: UploadedFile[bytes]) -> list[str]:
    """Why an evidence file is refused: type (extension and leading bytes) and size (SPEC §9)."""
    name = upload.name or ""
    suffix = Path(name).suffix.lower()
    allowed: dict[str, str] = settings.SAKIP_EVIDENCE_TYPES
    max_bytes: int = settings.SAKIP_EVIDENCE_MAX_BYTES
    kinds = ", ".join(sorted(k.lstrip(".").upper() for k in allowed))
    if suffix not in allowed:
        return [_("Jenis berkas «%(name)s» tidak diizinkan; gunakan %(kinds)s") % {"name": name, "kinds": kinds}]
    errors: list[str] = []
    size = upload.size or 0
    if size > max_bytes:
        errors.append(
            _("Berkas «%(name)s» terlalu besar (%(size)s MB); maksimum %(max)s MB")
            % {"name": name, "size": _mb(size), "max": _mb(max_bytes)}
        )
        return errors
    if size == 0:
        return [_("Berkas «%(name)s» kosong") % {"name": name}]
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    magic = _MAGIC.get(suffix, ())
    if magic and not any(head.startswith(m) for m in magic):
        errors.append(
            _("Isi berkas «%(name)s» tidak sesuai dengan jenisnya (%(kind)s)")
            % {"name": name, "kind": suffix[1:].upper()}
        )
    return errors


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f}".replace(".", ",")


def evidence_content_type(name: str) -> str:
    types: dict[str, str] = settings.SAKIP_EVIDENCE_TYPES
    return types.get(Path(name).suffix.lower(), "application/octet-stream")


FIELD_MESSAGES = {"required": gettext_lazy("Wajib diisi.")}


def year_switch(request: Any, year: int) -> int | None:
    """The year chosen in a page's year selector (``?tahun=``) when it differs from the URL's."""
    requested = int_param(request.GET.get("tahun", ""))
    if requested is not None and valid_year(requested) and requested != year:
        return requested
    return None
