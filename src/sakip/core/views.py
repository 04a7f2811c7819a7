"""Import and export of an office's whole dataset (``sakip-office/1``) from the browser."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from sakip.accounts.access import can, office_view
from sakip.accounts.models import Membership, Office
from sakip.dataset.loader import MAX_BYTES, DatasetError, Issue, parse_text

from .interchange import export_office, import_office
from .web import current_plan, default_year, page_context, require


class _Dumper(yaml.SafeDumper):
    """YAML with exact decimals: a Decimal is written as its own text, never through a float; no aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True  # a value used twice is written twice: the reader allows only a few aliases


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
                    import_office(doc, office.regency, source=upload.name)
                except DatasetError as exc:
                    issues.extend(exc.issues)
                else:
                    messages.success(request, _("Data perangkat daerah diimpor."))
                    return redirect(reverse("office-data", args=[office.code]))
        messages.error(request, _("Tidak ada yang diimpor: %(n)d kesalahan.") % {"n": len(issues)})
    context = page_context(
        office, membership, "data", default_year(office),
        editable=editable, issues=issues, has_plan=current_plan(office) is not None,
    )
    return render(request, "core/office_data.html", context)
