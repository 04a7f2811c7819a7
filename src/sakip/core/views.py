"""Import and export of an office's whole dataset (``sakip-office/1``, or a zip bundle with its evidence
files) from the browser."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from sakip.accounts.access import can, office_view
from sakip.accounts.models import Membership, Office
from sakip.dataset.loader import MAX_BYTES, DatasetError, Issue, parse_text
from sakip.dataset.writer import dump_yaml

from .bundle import Bundle, write_bundle
from .interchange import export_office, import_office
from .provenance import year_provenance
from .web import current_plan, default_year, page_context, require, year_choices


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
                import_office(doc, office.regency, source=upload.name, files=bundle, notes=notes)
            except DatasetError as exc:
                issues.extend(exc.issues)
            else:
                messages.success(request, _("Data perangkat daerah diimpor."))
                for note in notes[:20]:
                    messages.warning(request, str(note))
                if len(notes) > 20:
                    messages.warning(request, _("… dan %(n)d catatan lain.") % {"n": len(notes) - 20})
                return redirect(reverse("office-data", args=[office.code]))
        messages.error(request, _("Tidak ada yang diimpor: %(n)d kesalahan.") % {"n": len(issues)})
    context = page_context(
        office, membership, "data", default_year(office),
        editable=editable, issues=issues, has_plan=current_plan(office) is not None,
    )
    return render(request, "core/office_data.html", context)


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
