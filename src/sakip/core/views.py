"""Import and export of an office's whole dataset (``sakip-office/1``, or a zip bundle with its evidence
files) from the browser."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count, Max
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from sakip.accounts.access import can, office_view
from sakip.accounts.models import Membership, Office
from sakip.audit.models import Action, AuditEntry
from sakip.dataset.loader import MAX_BYTES, DatasetError, Issue, parse_text
from sakip.dataset.writer import dump_yaml

from .bundle import Bundle, write_bundle
from .concurrency import lock_office
from .interchange import export_office, import_office
from .provenance import year_provenance
from .web import current_plan, default_year, page_context, require, year_choices

#: The audit trail's actions that change an office's data (not the workflow's steps, not sign-ins).
DATA_ACTIONS = (Action.CREATE, Action.UPDATE, Action.DELETE)
#: How many of the changes made since the upload page was loaded its 409 page lists.
SHOWN_CHANGES = 20


@require_safe
@office_view("view")
def office_export(request: HttpRequest, office: Office, membership: Membership | None) -> HttpResponse:
    """The office as a ``sakip-office/1`` YAML file (evidence files by reference, with their SHA-256)."""
    try:
        text = dump_yaml(export_office(office, provenance=True))
    except DatasetError as exc:
        messages.error(request, "; ".join(str(i) for i in exc.issues))
        return redirect(reverse("office-data", args=[office.code]))
    response = HttpResponse(text, content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{office.code}.yaml"'
    return response


@require_safe
@office_view("view")
def office_export_bundle(request: HttpRequest, office: Office, membership: Membership | None) -> HttpResponse:
    """The office as a zip bundle: ``dataset.yaml`` and its evidence files under ``evidence/``."""
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 — FileResponse closes it
    try:
        write_bundle(office, out)
    except DatasetError as exc:
        out.close()
        messages.error(request, "; ".join(str(i) for i in exc.issues))
        return redirect(reverse("office-data", args=[office.code]))
    out.seek(0)
    response = FileResponse(out, as_attachment=True, filename=f"{office.code}.zip", content_type="application/zip")
    return response  # type: ignore[return-value]  # a streaming response, as Django serves files


def _read_upload(upload: UploadedFile[bytes], office: Office) -> tuple[Any, Bundle | None]:
    """The uploaded document (YAML, JSON, or a zip bundle with its files); `DatasetError` when unreadable."""
    suffix = Path(upload.name or "").suffix.lower()
    bundle = None
    if suffix == ".zip":
        bundle = Bundle(upload, upload.name or "paket.zip")
        doc = bundle.document()
    else:
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise DatasetError([Issue("", _("Berkas bukan teks UTF-8."))]) from None
        doc = parse_text(text, json_format=suffix == ".json", source=upload.name)
    code = doc.get("office", {}).get("code") if isinstance(doc, dict) else None
    if isinstance(doc, dict) and isinstance(code, str) and code != office.code:
        raise DatasetError([Issue("office.code", _(
            "berkas ini untuk perangkat daerah «%(code)s», bukan «%(this)s»"
        ) % {"code": code, "this": office.code})])
    return doc, bundle


@office_view("view")
def office_data(request: HttpRequest, office: Office, membership: Membership | None) -> HttpResponse:
    """Download the office's dataset; upload a dataset (YAML/JSON, or a zip bundle with the evidence files)
    that replaces it, all or nothing."""
    editable = can(membership, office, "plan")
    issues: list[Issue] = []
    if request.method == "POST":
        require(membership, office, "plan")
        upload = request.FILES.get("file")
        zipped = Path(upload.name or "").suffix.lower() == ".zip" if upload is not None else False
        limit = settings.SAKIP_BUNDLE_MAX_BYTES if zipped else MAX_BYTES
        if upload is None:
            issues.append(Issue("", _("Pilih berkas YAML, JSON atau paket ZIP.")))
        elif (upload.size or 0) > limit:
            issues.append(Issue("", _("Berkas lebih besar dari %(n)d MB.") % {"n": limit // (1024 * 1024)}))
        else:
            notes: list[Issue] = []
            try:
                doc, bundle = _read_upload(upload, office)
                with transaction.atomic():  # the office's writers wait until the whole replacement is stored
                    lock_office(office)
                    changes = changes_since(office, request.POST.get("ver", ""))
                    if not changes:
                        import_office(doc, office.regency, source=upload.name, files=bundle, notes=notes)
            except DatasetError as exc:
                issues.extend(exc.issues)
            else:
                if changes:
                    return _office_data_page(request, office, membership, editable, [], changes)
                messages.success(request, _("Data perangkat daerah diimpor."))
                for note in notes[:20]:
                    messages.warning(request, str(note))
                if len(notes) > 20:
                    messages.warning(request, _("… dan %(n)d catatan lain.") % {"n": len(notes) - 20})
                return redirect(reverse("office-data", args=[office.code]))
        messages.error(request, _("Tidak ada yang diimpor: %(n)d kesalahan.") % {"n": len(issues)})
    return _office_data_page(request, office, membership, editable, issues, [])


def _office_data_page(
    request: HttpRequest, office: Office, membership: Membership | None, editable: bool, issues: list[Issue],
    changes: list[AuditEntry],
) -> HttpResponse:
    context = page_context(
        office, membership, "data", default_year(office),
        editable=editable, issues=issues, has_plan=current_plan(office) is not None,
        version=data_version(office), changes=changes,
    )
    return render(request, "core/office_data.html", context, status=409 if changes else 200)


def data_version(office: Office) -> str:
    """The version of all the office's data, for the dataset upload that replaces it: how many changes the
    audit trail holds for the office and the last one's id."""
    mark = AuditEntry.objects.filter(office=office, action__in=DATA_ACTIONS).aggregate(n=Count("id"), last=Max("id"))
    return f"{mark['n']}.{mark['last'] or 0}"


def changes_since(office: Office, loaded: str) -> list[AuditEntry]:
    """The office's data changes recorded since the upload page showed ``loaded`` (`data_version`); none when
    it is still current or was not sent (the command line, a script)."""
    if not loaded or loaded == data_version(office):
        return []
    _n, _dot, last = loaded.partition(".")
    since = AuditEntry.objects.filter(office=office, action__in=DATA_ACTIONS)
    newer = list(since.filter(id__gt=int(last)).order_by("-id")[:SHOWN_CHANGES]) if last.isdigit() else []
    entries = newer or list(since.order_by("-id")[:SHOWN_CHANGES])
    for e in entries:  # what changed, field by field: "realisasi: 240 → 270"
        e.what = ", ".join(  # type: ignore[attr-defined]
            f"{field_label(e.model, name)}: {'' if pair[0] is None else pair[0]} → {'' if pair[1] is None else pair[1]}"
            for name, pair in (e.changes.items() if isinstance(e.changes, dict) else [])
            if isinstance(pair, list) and len(pair) == 2
        )
    return entries


def field_label(model_label: str, name: str) -> str:
    """A recorded field's name as the pages call it (its verbose name), or the name itself."""
    try:
        return str(getattr(apps.get_model(model_label)._meta.get_field(name), "verbose_name", name))
    except (LookupError, ValueError, FieldDoesNotExist):
        return name


@require_safe
@office_view("view")
def office_provenance(request: HttpRequest, office: Office, membership: Membership | None) -> HttpResponse:
    """Who entered each realisation and uploaded each evidence file of a year: recorded in Sakip, or as
    the imported file said (``per berkas``: not verified, the importing user named)."""
    years = year_choices(office)
    requested = request.GET.get("tahun", "")
    year = int(requested) if requested.isdigit() and int(requested) in years else default_year(office)
    context = page_context(
        office, membership, "data", year,
        years=years, rows=year_provenance(office, year), year_action=reverse("office-provenance", args=[office.code]),
    )
    return render(request, "core/office_provenance.html", context)
