"""Import and export of an office's whole dataset (``sakip-office/1``) from the browser."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.apps import apps
from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist
from django.db import transaction
from django.db.models import Count, Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from sakip.accounts.access import can, office_view
from sakip.accounts.models import Membership, Office
from sakip.audit.models import Action, AuditEntry
from sakip.dataset.loader import MAX_BYTES, DatasetError, Issue, parse_text

from .concurrency import lock_office
from .interchange import export_office, import_office
from .web import current_plan, default_year, page_context, require

#: The audit trail's actions that change an office's data (not the workflow's steps, not sign-ins).
DATA_ACTIONS = (Action.CREATE, Action.UPDATE, Action.DELETE)
#: How many of the changes made since the upload page was loaded its 409 page lists.
SHOWN_CHANGES = 20


class _Dumper(yaml.SafeDumper):
    """YAML with exact decimals: a Decimal is written as its own text, never through a float."""


def _decimal_representer(dumper: yaml.SafeDumper, value: Decimal) -> yaml.ScalarNode:
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".") if "." in text else text
    if "." in text:
        return dumper.represent_scalar("tag:yaml.org,2002:float", text)
    return dumper.represent_scalar("tag:yaml.org,2002:int", text)


_Dumper.add_representer(Decimal, _decimal_representer)


def dump_yaml(doc: Any) -> str:
    return yaml.dump(doc, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=120)


@require_safe
@office_view("view")
def office_export(request: HttpRequest, office: Office, membership: Membership | None) -> HttpResponse:
    """The office as a ``sakip-office/1`` YAML file."""
    try:
        text = dump_yaml(export_office(office))
    except DatasetError as exc:
        messages.error(request, "; ".join(str(i) for i in exc.issues))
        return redirect(reverse("office-data", args=[office.code]))
    response = HttpResponse(text, content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{office.code}.yaml"'
    return response


@office_view("view")
def office_data(request: HttpRequest, office: Office, membership: Membership | None) -> HttpResponse:
    """Download the office's dataset; upload a dataset (YAML/JSON) that replaces it, all or nothing."""
    editable = can(membership, office, "plan")
    issues: list[Issue] = []
    if request.method == "POST":
        require(membership, office, "plan")
        upload = request.FILES.get("file")
        if upload is None:
            issues.append(Issue("", _("Pilih berkas YAML atau JSON.")))
        elif (upload.size or 0) > MAX_BYTES:
            issues.append(Issue("", _("Berkas lebih besar dari %(n)d MB.") % {"n": MAX_BYTES // (1024 * 1024)}))
        else:
            suffix = Path(upload.name or "").suffix.lower()
            try:
                text = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                issues.append(Issue("", _("Berkas bukan teks UTF-8.")))
            else:
                try:
                    doc = parse_text(text, json_format=suffix == ".json", source=upload.name)
                    code = doc.get("office", {}).get("code") if isinstance(doc, dict) else None
                    if isinstance(doc, dict) and isinstance(code, str) and code != office.code:
                        raise DatasetError([Issue("office.code", _(
                            "berkas ini untuk perangkat daerah «%(code)s», bukan «%(this)s»"
                        ) % {"code": code, "this": office.code})])
                    with transaction.atomic():  # the office's writers wait until the whole replacement is stored
                        lock_office(office)
                        changes = changes_since(office, request.POST.get("ver", ""))
                        if not changes:
                            import_office(doc, office.regency, source=upload.name)
                except DatasetError as exc:
                    issues.extend(exc.issues)
                else:
                    if changes:
                        return _office_data_page(request, office, membership, editable, [], changes)
                    messages.success(request, _("Data perangkat daerah diimpor."))
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
