"""Run the review for a stored office-year or an uploaded printed report (adapters around the domain)."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db.models import Q

from sakip.accounts.models import Office
from sakip.core.i18n import error_text
from sakip.dataset.loader import DatasetError, Issue
from sakip.dataset.printed_report import load as load_printed
from sakip.domain import workflow as wf
from sakip.domain.errors import DomainError
from sakip.domain.printed import PrintedReport
from sakip.domain.review_rules import (
    DEFAULT_ABSORPTION_LAG,
    OfficeFacts,
    ReviewResult,
    ReviewSettings,
    review_office,
    review_printed,
)
from sakip.monitoring.models import Evidence
from sakip.regency import figures
from sakip.workflow.models import PeriodState

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
SUFFIXES = (".yaml", ".yml", ".json", ".xlsx")


@dataclass(frozen=True)
class Outcome:
    result: ReviewResult | None
    title: str
    problems: list[str]


def evidence_facts(office: Office, year: int) -> dict[str, frozenset[int]]:
    """Indicator code → quarters with at least one evidence file (a file without a quarter covers the year)."""
    quarters: dict[str, set[int]] = {}
    rows = Evidence.objects.filter(
        Q(indicator_year__indicator__plan__office=office), indicator_year__year=year
    ).values_list("indicator_year__indicator__code", "quarter")
    for code, quarter in rows:
        quarters.setdefault(code, set()).update({quarter} if quarter else {1, 2, 3, 4})
    return {code: frozenset(qs) for code, qs in quarters.items()}


def report_facts(office: Office, year: int) -> tuple[bool, bool]:
    """(annual report submitted — or further, approved) from the workflow state of the year's LKjIP."""
    row = PeriodState.objects.filter(office=office, year=year, step=wf.Step.ANNUAL.value).first()
    state = row.state if row else wf.State.DRAFT.value
    submitted = state in (wf.State.SUBMITTED.value, wf.State.VERIFIED.value, wf.State.APPROVED.value)
    return submitted, state == wf.State.APPROVED.value


def office_review(office: Office, year: int) -> Outcome:
    """Every office rule over the stored office-year; problems (never a crash) when it cannot be computed."""
    title = f"Reviu data kinerja {office.name} tahun {year}"
    try:
        # the office pages' scorecard (`scorecard_for`), cached per data generation for the regency pages
        card = figures.scorecard(office, year)
        assert card is not None
        submitted, approved = report_facts(office, year)
        facts = OfficeFacts(evidence=evidence_facts(office, year), report_generated=submitted, report_approved=approved)
        result = review_office(card.office, year, facts, card)
    except DatasetError as exc:
        return Outcome(None, title, [str(i) for i in exc.issues])
    except DomainError as exc:
        return Outcome(None, title, [error_text(exc)])
    return Outcome(result, title, [])


def absorption_lag() -> Decimal:
    """The default threshold of the absorption warning (`SAKIP_REVIEW_ABSORPTION_LAG`, points; 20)."""
    return Decimal(str(getattr(settings, "SAKIP_REVIEW_ABSORPTION_LAG", DEFAULT_ABSORPTION_LAG)))


def _review(report: PrintedReport, office: Office | None, lag: Decimal | None) -> ReviewResult:
    """The printed review; with the stored office's figures of the report's year when it has data for it."""
    review_settings = ReviewSettings(lag if lag is not None else absorption_lag())
    card = None
    if office is not None:
        try:
            card = figures.scorecard(office, report.year)
        except (DatasetError, DomainError):
            card = None
    if card is None:
        return review_printed(report, settings=review_settings)
    return review_printed(report, office=card.office, card=card, settings=review_settings)


def printed_review(name: str, data: bytes, office: Office | None = None, lag: Decimal | None = None) -> Outcome:
    """The review of an uploaded printed-report file (YAML, JSON or the .xlsx template).

    With ``office``, rows and budget lines that name an indicator or a budget code are also
    compared with the office's stored figures as of the report's quarter.
    """
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        return Outcome(None, "", [f"berkas harus .yaml, .yml, .json atau .xlsx (bukan {suffix or 'tanpa akhiran'})"])
    if len(data) > MAX_UPLOAD_BYTES:
        return Outcome(None, "", [f"berkas lebih dari {MAX_UPLOAD_BYTES // (1024 * 1024)} MB"])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"laporan{suffix}"
        path.write_bytes(data)
        try:
            report = load_printed(path)
        except DatasetError as exc:
            return Outcome(None, "", [_issue(i) for i in exc.issues])
        except (DomainError, UnicodeDecodeError) as exc:
            return Outcome(None, "", [error_text(exc)])
    return Outcome(_review(report, office, lag), f"Reviu angka tercetak: {report.title or report.office}", [])


def _issue(issue: Issue) -> str:
    return str(issue)
