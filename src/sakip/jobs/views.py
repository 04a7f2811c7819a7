"""A job's page (progress polled by htmx, the result, the error and «Coba lagi»), its file, its retry.

Only who may see the job's office (``view``, or the action the job needs) or, for a regency-wide job,
the regency's roles get it; anyone else gets 404, as for another office's object.
"""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sakip.accounts.access import membership_of
from sakip.accounts.models import Membership

from .models import Job
from .services import can_see, mark_stale, media_path, retry, shows_detail


def _job(request: HttpRequest, pk: int) -> tuple[Job, Membership | None]:
    m = membership_of(request)
    job = Job.objects.select_related("office", "regency").filter(pk=pk).first()
    if job is None or not can_see(m, job):
        raise Http404(_("Tugas tidak ditemukan"))
    return mark_stale(job), m


def _context(request: HttpRequest, job: Job, m: Membership | None) -> dict[str, object]:
    return {
        "job": job,
        "membership": m,
        "detail": shows_detail(m, request.user) and job.detail,
        "result_url": job.params.get("result_url", ""),
        "reload": request.GET.get("reload") == "1",
    }


@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    job, m = _job(request, pk)
    return render(request, "jobs/job.html", _context(request, job, m))


@require_GET
def status(request: HttpRequest, pk: int) -> HttpResponse:
    """The fragment htmx polls every second until the job has finished (``reload=1``: the page that
    embeds it is loaded again when it has, to show the result in place)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    job, m = _job(request, pk)
    ctx = _context(request, job, m)
    response = render(request, "jobs/_status.html", ctx)
    if ctx["reload"] and job.status == Job.Status.DONE:
        response["HX-Refresh"] = "true"
    return response


@require_GET
def download(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    job, _m = _job(request, pk)
    if job.status != Job.Status.DONE or not job.file_name:
        raise Http404(_("Berkas belum tersedia"))
    path = media_path(job.file_name)
    if not path.is_file():
        raise Http404(_("Berkas sudah tidak tersedia"))
    name = job.params.get("download_name") or path.name
    return FileResponse(path.open("rb"), as_attachment=True, filename=name)  # type: ignore[return-value]


@require_POST
def retry_view(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    job, _m = _job(request, pk)
    again = retry(job)
    return redirect("jobs-detail", pk=again.pk)
