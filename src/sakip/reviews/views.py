"""The «Reviu» pages of an office: the review of a stored year, and of an uploaded printed report.

An uploaded printed report is compared with its own printed figures and, where its rows and
budget lines name an indicator or a budget code, with the office's stored figures as of the
report's quarter (a Laporan Kinerja Triwulan). Both show one results table (severity, rule,
place, figure, found, expected, message) and offer it as .docx and .xlsx. Every figure comes from the domain
(`sakip.domain.review_rules`); the pages only present it.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from sakip.accounts.access import office_view, regency_view
from sakip.accounts.models import Membership, Office
from sakip.core.i18n import translate
from sakip.core.web import default_year, page_context, valid_year, year_choices, year_switch
from sakip.dataset.printed_report import write_xlsx
from sakip.domain.errors import DomainError
from sakip.domain.numbers import NumberFormat, format_number, parse_number
from sakip.regency.views import REGENCY_ROLES, choose_year, regency_years

from . import output, services

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(data: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", name)
    response["Content-Disposition"] = f'attachment; filename="{safe}"'
    return response


def _stamp() -> str:
    return datetime.date.today().isoformat()


@office_view("view")
def office_page(request: HttpRequest, year: int, office: Office, membership: Membership | None) -> HttpResponse:
    """The review rules over the office's stored year."""
    if year == 0 or year_switch(request, year):
        target = year_switch(request, year) or default_year(office)
        return redirect(reverse("review-office", args=[office.code, target]))
    if not valid_year(year):
        raise Http404(_("Tahun tidak dikenal"))
    outcome = services.office_review(office, year)
    context = page_context(
        office,
        membership,
        "review",
        year,
        years=year_choices(office, year),
        outcome=outcome,
        rows=output.rows(outcome.result, _) if outcome.result else [],
        summary=translate(output.summary_message(outcome.result)) if outcome.result else "",
    )
    return render(request, "reviews/office.html", context)


def _office_file(office: Office, year: int, kind: str) -> HttpResponse:
    if not valid_year(year):
        raise Http404(_("Tahun tidak dikenal"))
    outcome = services.office_review(office, year)
    if outcome.result is None:
        raise Http404(_("Data tahun ini belum dapat direviu"))
    name = f"reviu-{office.code}-{year}-{_stamp()}"
    if kind == "docx":
        return _download(output.review_docx(outcome.result, outcome.title), DOCX, f"{name}.docx")
    return _download(output.review_xlsx(outcome.result, outcome.title), XLSX, f"{name}.xlsx")


@office_view("view")
def office_docx(request: HttpRequest, year: int, office: Office, membership: Membership | None) -> HttpResponse:
    return _office_file(office, year, "docx")


@office_view("view")
def office_xlsx(request: HttpRequest, year: int, office: Office, membership: Membership | None) -> HttpResponse:
    return _office_file(office, year, "xlsx")


@office_view("view")
def printed_page(request: HttpRequest, office: Office, membership: Membership | None) -> HttpResponse:
    """GET: the upload form. POST: review the uploaded printed report — as a page, .docx or .xlsx."""
    context = page_context(
        office,
        membership,
        "review",
        None,
        max_mb=services.MAX_UPLOAD_BYTES // (1024 * 1024),
        lag=request.POST.get("lag", "") or format_number(services.absorption_lag(), 0),
    )
    if request.method != "POST":
        return render(request, "reviews/printed.html", context)
    lag = _lag(request.POST.get("lag", ""))
    if lag is None:
        context["problems"] = [_("Ambang penyerapan harus angka 0–100 (poin persentase).")]
        return render(request, "reviews/printed.html", context)
    upload = request.FILES.get("file")
    if upload is None:
        context["problems"] = [_("Pilih berkas laporan tercetak (.yaml, .json atau .xlsx).")]
        return render(request, "reviews/printed.html", context)
    if (upload.size or 0) > services.MAX_UPLOAD_BYTES:
        context["problems"] = [_("Berkas terlalu besar; maksimum %(n)d MB.") % {"n": context["max_mb"]}]
        return render(request, "reviews/printed.html", context)
    name = upload.name or "laporan.yaml"
    outcome = services.printed_review(name, upload.read(), office, lag)
    if outcome.result is None:
        context["problems"] = outcome.problems
        return render(request, "reviews/printed.html", context)
    fmt = request.POST.get("format", "")
    base = f"reviu-laporan-{office.code}-{outcome.result.year}-{_stamp()}"
    if fmt == "docx":
        return _download(output.review_docx(outcome.result, outcome.title), DOCX, f"{base}.docx")
    if fmt == "xlsx":
        return _download(output.review_xlsx(outcome.result, outcome.title), XLSX, f"{base}.xlsx")
    context.update(
        outcome=outcome, filename=name, rows=output.rows(outcome.result, _),
        summary=translate(output.summary_message(outcome.result)),
    )
    return render(request, "reviews/printed.html", context)


def _lag(text: str) -> Decimal | None:
    """The absorption threshold typed on the page (blank: the default); None when it is not a number 0–100."""
    if not text.strip():
        return services.absorption_lag()
    try:
        value = parse_number(text, NumberFormat.INDONESIAN)
    except DomainError:
        return None
    return value if Decimal(0) <= value <= Decimal(100) else None


@office_view("view")
def printed_template(request: HttpRequest, office: Office, membership: Membership | None) -> HttpResponse:
    """The empty .xlsx template of the printed-report format."""
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        data = write_xlsx(None, Path(tmp) / "templat.xlsx").read_bytes()
    return _download(data, XLSX, "templat-laporan-tercetak.xlsx")


@require_safe
@regency_view(*REGENCY_ROLES)
def regency_page(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Every office of the regency reviewed for a year: counts by severity, a link to each office's review."""
    years = regency_years(membership.regency_id)
    year = choose_year(years, request.GET.get("tahun"))
    rows: list[dict[str, object]] = []
    job = None
    if year is not None:  # every office reviewed on the worker, once per version of the regency's data
        from sakip.jobs.kinds import done_review, submit_review

        job = done_review(membership.regency, year) or submit_review(
            membership.regency, year, request.user, tuple(REGENCY_ROLES)
        )
        rows = list(job.result.get("rows", [])) if job.status == job.Status.DONE else []
    context = {"membership": membership, "year": year, "years": [y for y, _n in years], "rows": rows, "job": job}
    return render(request, "reviews/regency.html", context)
