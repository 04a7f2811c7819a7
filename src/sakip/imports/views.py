"""The «Impor Excel» page of an office: templates, upload → preview → confirm.

The upload is read and checked whole (`services.prepare`); with any problem the
page lists them all (sheet, row, column, reason) and nothing is kept. Otherwise
the file is kept as an `ImportBatch` (its bytes, SHA-256 and the digest of the
previewed changes) and the preview is shown. Confirming recomputes the changes
from the kept bytes and applies them only if they are the ones previewed.
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sakip.accounts.access import Action, can, office_view
from sakip.accounts.models import Membership, Office
from sakip.core.params import int_param
from sakip.core.web import default_year, page_context, require, valid_year, year_choices, year_switch
from sakip.importers.kinds import KINDS
from sakip.importers.workbook import Problem

from . import services
from .confirm import confirm, on_worker
from .models import ImportBatch

UNCHANGED_SHOWN = 500  # unchanged rows listed in the preview (all are counted)
WARNINGS_SHOWN = 50  # warnings told on the result page after the confirmation (the preview lists all)
STALE_PREVIEW = datetime.timedelta(days=1)


def _kind_action(kind: str) -> Action:
    return "plan" if KINDS[kind].action == "plan" else "enter"


def _kinds(office: Office, membership: Membership | None) -> list[dict[str, object]]:
    return [
        {"key": k.key, "label": k.label, "intro": k.intro, "allowed": can(membership, office, _kind_action(k.key))}
        for k in KINDS.values()
    ]


def _render(
    request: HttpRequest,
    office: Office,
    membership: Membership | None,
    year: int,
    *,
    kind: str = "",
    outcome: services.Outcome | None = None,
    batch: ImportBatch | None = None,
    problems: list[Problem] | None = None,
    status: int = 200,
) -> HttpResponse:
    context = page_context(
        office,
        membership,
        "data",
        year,
        kinds=_kinds(office, membership),
        kind=kind,
        years=year_choices(office, year),
        editable=can(membership, office, "plan"),
        outcome=outcome,
        problems=problems if problems is not None else (outcome.problems if outcome else []),
        warnings=outcome.warnings if outcome and outcome.ok else [],
        changes=[c for c in outcome.changes if c.action in (services.CREATED, services.UPDATED)] if outcome else [],
        absent=[c for c in outcome.changes if c.action == services.ABSENT][:UNCHANGED_SHOWN] if outcome else [],
        unchanged=[c for c in outcome.changes if c.action == services.UNCHANGED][:UNCHANGED_SHOWN] if outcome else [],
        counts=outcome.counts if outcome else None,
        batch=batch,
        action_labels=services.ACTION_LABELS,
        max_mb=services.limits().max_bytes // (1024 * 1024),
        max_rows=services.limits().max_rows,
    )
    return render(request, "imports/import.html", context, status=status)


@office_view("view")
def import_page(request: HttpRequest, year: int, office: Office, membership: Membership | None) -> HttpResponse:
    """GET: the templates and the upload form. POST: upload a workbook → its errors or its preview."""
    if request.method == "GET" and (year == 0 or year_switch(request, year)):
        target = year_switch(request, year) or default_year(office)
        return redirect(reverse("import-excel", args=[office.code, target]))
    if not valid_year(year):
        raise Http404(_("Tahun tidak dikenal"))
    if request.method != "POST":
        return _render(request, office, membership, year)
    require(membership, office, "plan")
    kind = request.POST.get("kind", "")
    if kind not in KINDS:
        return _render(request, office, membership, year, problems=[Problem(_("Pilih jenis impor."))])
    require(membership, office, _kind_action(kind))
    upload = request.FILES.get("file")
    if upload is None:
        return _render(request, office, membership, year, kind=kind, problems=[Problem(_("Pilih berkas .xlsx."))])
    lim = services.limits()
    if (upload.size or 0) > lim.max_bytes:
        return _render(
            request,
            office,
            membership,
            year,
            kind=kind,
            problems=[
                Problem(
                    _("Berkas terlalu besar; maksimum %(n)d MB. Tidak ada yang disimpan.")
                    % {"n": lim.max_bytes // (1024 * 1024)}
                )
            ],
        )
    data = upload.read()
    name = (upload.name or "unggahan.xlsx")[:255]
    outcome = services.prepare(office, kind, year, data, filename=name, user=request.user)
    if not outcome.ok:
        messages.error(request, _("Tidak ada yang diimpor: %(n)d kesalahan.") % {"n": len(outcome.problems)})
        return _render(request, office, membership, year, kind=kind, outcome=outcome)
    ImportBatch.objects.filter(  # previews never confirmed: their files are not kept for long
        office=office, status=ImportBatch.Status.PREVIEWED, created_at__lt=timezone.now() - STALE_PREVIEW
    ).delete()
    batch = ImportBatch.objects.create(
        office=office,
        kind=kind,
        year=year,
        filename=name,
        sha256=services.sha256(data),
        content=data,
        changes_digest=outcome.digest(),
        # the versions of the rows the preview shows: the confirmation refuses if any changed since
        summary={"counts": outcome.counts, "versions": outcome.versions},
        created_by=request.user if request.user.is_authenticated else None,
    )
    return _render(request, office, membership, year, kind=kind, outcome=outcome, batch=batch)


@require_POST
@office_view("plan")
def import_confirm(request: HttpRequest, year: int, office: Office, membership: Membership | None) -> HttpResponse:
    """POST: apply a previewed upload, exactly the changes the preview showed."""
    here = reverse("import-excel", args=[office.code, year])
    batch_id = int_param(request.POST.get("batch", ""))
    if batch_id is None:
        messages.error(request, _("Tidak ada unggahan untuk dikonfirmasi; unggah berkas terlebih dahulu."))
        return redirect(here)
    batch = ImportBatch.objects.filter(office=office, pk=batch_id, year=year).first()
    if batch is None:
        raise Http404(_("Unggahan tidak ditemukan"))
    if not can(membership, office, _kind_action(batch.kind)):
        raise PermissionDenied(_("Anda tidak berwenang mengubah data ini"))
    if batch.status != ImportBatch.Status.PREVIEWED:
        messages.info(request, _("Unggahan ini sudah diproses."))
        return redirect(here)
    if on_worker(batch):  # a large file: applied on the worker, the job's page follows it
        from sakip.jobs.kinds import submit_import

        job = submit_import(office, batch, request.user)
        return redirect("jobs-detail", pk=job.pk)
    done = confirm(office, batch, request.user)
    outcome = done.outcome
    if done.state == "processed" or outcome is None:
        messages.info(request, _("Unggahan ini sudah diproses."))
        return redirect(here)
    if done.state == "changed":
        messages.warning(request, _("Data berubah sejak pratinjau; periksa pratinjau yang baru lalu konfirmasi lagi."))
        return _render(request, office, membership, year, kind=batch.kind, outcome=outcome, batch=batch)
    if done.state == "stale":
        messages.error(request, _("Data berubah sejak pratinjau; unggah ulang berkasnya. Tidak ada yang diimpor."))
        return _render(request, office, membership, year, kind=batch.kind, outcome=outcome, status=409)
    if done.state == "refused":
        messages.error(request, _("Tidak ada yang diimpor: %(n)d kesalahan.") % {"n": len(outcome.problems)})
        return _render(request, office, membership, year, kind=batch.kind, outcome=outcome)
    counts = outcome.counts
    messages.success(
        request,
        _("Impor tersimpan: %(c)d baru, %(u)d berubah, %(s)d tetap.")
        % {"c": counts[services.CREATED], "u": counts[services.UPDATED], "s": counts[services.UNCHANGED]},
    )
    _tell_warnings(request, outcome.warnings)
    return redirect(here)


def _tell_warnings(request: HttpRequest, warnings: list[Problem]) -> None:
    """The stored import's warnings on the result page, one message per row and quarter (the first ones)."""
    for w in warnings[:WARNINGS_SHOWN]:
        messages.warning(request, _("Peringatan, %(where)s: %(why)s") % {"where": w.where(), "why": w.message})
    if len(warnings) > WARNINGS_SHOWN:
        messages.warning(
            request,
            _("… dan %(n)d peringatan lain; lihat pratinjau atau keluaran perintah «sakip import».")
            % {"n": len(warnings) - WARNINGS_SHOWN},
        )


@office_view("view")
def import_template(request: HttpRequest, year: int, office: Office, membership: Membership | None) -> HttpResponse:
    """The template of a kind (``?jenis=``) filled with the office's current data."""
    kind = request.GET.get("jenis", "realisasi")
    if kind not in KINDS:
        raise Http404(_("Jenis impor tidak dikenal"))
    if not valid_year(year):
        raise Http404(_("Tahun tidak dikenal"))
    data = services.template(office, kind, year)
    stamp = datetime.date.today().isoformat()
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="sakip-{kind}-{office.code}-{year}-{stamp}.xlsx"'
    return response
