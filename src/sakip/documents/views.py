"""Downloads of an office's documents, and the regency's batch generation with its progress."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from django import forms
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sakip.accounts.access import office_view, regency_view
from sakip.accounts.models import Membership, Office, Role
from sakip.core.services import office_years
from sakip.reports.batch import FORMATS, KINDS, SUPPORTED, TITLES, RequestError

from .models import BatchJob
from .services import batch_dir, generate_for, start_job

BATCH_ROLES = (Role.ADMIN, Role.PLANNER)


@require_GET
@office_view("view")
def download(
    request: HttpRequest, year: int, kind: str, fmt: str, office: Office, membership: Membership | None
) -> HttpResponse:
    """One document of the office as a file: DRAFT on every page unless the period is approved."""
    if kind not in SUPPORTED or fmt not in SUPPORTED[kind] or year not in office_years(office):
        raise Http404(_("Dokumen tidak tersedia"))
    quarter = None
    if kind == "triwulan":
        tw = request.GET.get("tw", "4")
        if tw not in ("1", "2", "3", "4"):
            raise Http404(_("Triwulan harus 1 sampai 4"))
        quarter = int(tw)
    if fmt == "pdf":  # LibreOffice takes seconds: made on the worker, once per version of the data
        return _pdf(request, office, kind, year, quarter)
    try:
        files = generate_for(office, kind, year, (fmt,), quarter=quarter)
    except RequestError as exc:
        raise Http404(str(exc)) from None
    f = files[0]
    response = HttpResponse(f.data, content_type=f.media_type)
    response["Content-Disposition"] = f'attachment; filename="{f.name}"'
    return response


def _pdf(request: HttpRequest, office: Office, kind: str, year: int, quarter: int | None) -> HttpResponse:
    """The PDF made for the office's data as it is now: served at once when it is there, else a job (one
    for the same data, however often it is asked) and its page — «Dokumen sedang disiapkan…» — which
    offers the file when it is ready. With jobs run in the request (the tests) the file comes at once."""
    from sakip.jobs.kinds import cached_office_pdf, submit_office_pdf
    from sakip.jobs.models import Job
    from sakip.reports.batch import file_name

    path = cached_office_pdf(office, kind, year, quarter, False)
    if path is None:
        job = submit_office_pdf(office, kind, year, quarter, False, request.user)
        if job.status != Job.Status.DONE:
            return redirect("jobs-detail", pk=job.pk)
        path = cached_office_pdf(office, kind, year, quarter, False)
        if path is None:  # removed meanwhile (the clean-up): the job's page offers it again
            return redirect("jobs-detail", pk=job.pk)
    name = file_name(office.code, kind, year, "pdf", quarter)
    return FileResponse(path.open("rb"), as_attachment=True, filename=name, content_type="application/pdf")  # type: ignore[return-value]


class BatchForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Tahun"), coerce=int, required=False, empty_value=None)
    kinds = forms.MultipleChoiceField(
        label=_("Dokumen"),
        choices=[(k, TITLES[k]) for k in KINDS],
        widget=forms.CheckboxSelectMultiple,
        initial=list(KINDS),
    )
    formats = forms.MultipleChoiceField(
        label=_("Format"),
        choices=[(f, f.upper()) for f in FORMATS],
        widget=forms.CheckboxSelectMultiple,
        initial=["docx", "xlsx"],
    )

    def __init__(self, *args: object, years: list[int], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["year"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", _("tahun terakhir tiap perangkat daerah"))] + [(y, str(y)) for y in years]

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        kinds, formats = data.get("kinds") or [], data.get("formats") or []
        if kinds and formats and not any(f in SUPPORTED[k] for k in kinds for f in formats):
            raise forms.ValidationError(
                _(
                    "Tidak ada dokumen terpilih yang tersedia dalam format terpilih (LKjIP, Triwulan, PK, IKU: "
                    "DOCX/PDF; Rencana Aksi: DOCX/PDF/XLSX; RKT, Matrik: XLSX)."
                )
            )
        return data


@require_http_methods(["GET", "POST"])
@regency_view(*BATCH_ROLES)
def batch(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Start a batch for every office of the regency; the jobs so far."""
    offices = Office.objects.filter(regency=membership.regency)
    years = sorted({y for o in offices for y in office_years(o)}, reverse=True)
    form = BatchForm(request.POST or None, years=years)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        job = start_job(membership.regency, request.user, d["year"], tuple(d["kinds"]), tuple(d["formats"]))
        return redirect("documents-batch-job", pk=job.pk)
    jobs = BatchJob.objects.filter(regency=membership.regency)[:20]
    return render(
        request,
        "documents/batch.html",
        {
            "form": form,
            "jobs": jobs,
            "membership": membership,
            "offices": offices.count(),
            "regency": membership.regency,
        },
    )


STALE_AFTER = timedelta(hours=2)


def _job(membership: Membership, pk: int) -> BatchJob:
    """The regency's job (404 for another regency's). The job is in the database and runs on the worker,
    so a web restart loses nothing; one that has been *running* for hours — its worker was stopped in the
    middle — is marked failed instead of being polled forever (it may be started again)."""
    job = get_object_or_404(BatchJob, pk=pk, regency=membership.regency)
    if job.status == BatchJob.Status.RUNNING and job.started_at and timezone.now() - job.started_at > STALE_AFTER:
        job.status = BatchJob.Status.FAILED
        job.errors = (job.errors + "\n" if job.errors else "") + str(
            _("Pembuatan terhenti tanpa selesai (pekerja latar belakang dihentikan?). Silakan coba lagi.")
        )
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "errors", "finished_at"])
    return job


@require_GET
@regency_view(*BATCH_ROLES)
def batch_job(request: HttpRequest, pk: int, membership: Membership) -> HttpResponse:
    return render(request, "documents/batch_job.html", {"job": _job(membership, pk), "membership": membership})


@require_GET
@regency_view(*BATCH_ROLES)
def batch_status(request: HttpRequest, pk: int, membership: Membership) -> HttpResponse:
    """The progress fragment htmx polls (every second until the job has finished)."""
    return render(request, "documents/_batch_status.html", {"job": _job(membership, pk)})


@require_POST
@regency_view(*BATCH_ROLES)
def batch_retry(request: HttpRequest, pk: int, membership: Membership) -> HttpResponse:
    """«Coba lagi»: a failed job started again with the same choices (a new job, the failed one stays listed)."""
    job = _job(membership, pk)
    if job.status != BatchJob.Status.FAILED:
        return redirect("documents-batch-job", pk=job.pk)
    again = start_job(
        membership.regency, request.user, job.year, tuple(job.kinds.split(",")), tuple(job.formats.split(","))
    )
    return redirect("documents-batch-job", pk=again.pk)


@require_GET
@regency_view(*BATCH_ROLES)
def batch_download(request: HttpRequest, pk: int, membership: Membership) -> HttpResponse:
    job = _job(membership, pk)
    if job.status != BatchJob.Status.DONE or not job.file_name:
        raise Http404(_("Berkas belum tersedia"))
    path = batch_dir() / Path(job.file_name).name
    if not path.exists():
        raise Http404(_("Berkas sudah tidak tersedia"))
    response = FileResponse(path.open("rb"), as_attachment=True, filename=path.name, content_type="application/zip")
    return response  # type: ignore[return-value]  # a streaming response, as Django serves files
