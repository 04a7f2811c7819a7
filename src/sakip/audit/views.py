"""The audit trail in the application: per office (and per object), regency-wide, and as CSV."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from typing import Any

from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from sakip.accounts.access import office_view, regency_view
from sakip.accounts.models import Membership, Office, Role
from sakip.core.params import int_param
from sakip.reports.cells import CsvWriter

from . import display
from .display import model_name
from .models import Action, AuditEntry

PAGE_SIZE = 50


def filtered(request: HttpRequest, qs: QuerySet[AuditEntry]) -> tuple[QuerySet[AuditEntry], dict[str, str]]:
    """Apply the filters of the query string: jenis (model), id, tindakan, pengguna, dari, sampai, opd."""
    f = {k: request.GET.get(k, "").strip() for k in ("jenis", "id", "tindakan", "pengguna", "dari", "sampai", "opd")}
    if f["jenis"]:
        qs = qs.filter(model=f["jenis"])
    if f["id"]:
        qs = qs.filter(object_id=f["id"])
    if f["tindakan"] in Action.values:
        qs = qs.filter(action=f["tindakan"])
    if f["pengguna"]:
        qs = qs.filter(user_name__icontains=f["pengguna"])
    office_id = int_param(f["opd"])
    if office_id is not None:
        qs = qs.filter(office_id=office_id)
    for key, lookup in (("dari", "at__date__gte"), ("sampai", "at__date__lte")):
        if f[key]:
            try:
                qs = qs.filter(**{lookup: dt.date.fromisoformat(f[key])})
            except ValueError:
                f[key] = ""
    return qs, f


def _page(request: HttpRequest, qs: QuerySet[AuditEntry], base: QuerySet[AuditEntry], **context: Any) -> HttpResponse:
    """The page of ``qs`` (``base`` filtered by the query string); the kinds of data offered are ``base``'s."""
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("hal"))
    query = request.GET.copy()
    query.pop("hal", None)
    context.update(
        page=page,
        rows=display.rows(page.object_list),
        actions=Action.choices,
        models=sorted(
            {(m, model_name(m)) for m in base.order_by().values_list("model", flat=True).distinct()},
            key=lambda x: x[1],
        ),
        query=query.urlencode(),
    )
    return render(request, "audit/log.html", context)


@require_safe
@office_view("view")
def office_log(request: HttpRequest, office: Office, membership: Membership | None) -> HttpResponse:
    """The office's audit trail; ``?jenis=<model>&id=<object id>`` is one object's history."""
    from sakip.core.services import office_nav

    base = AuditEntry.objects.filter(office_id=office.pk)
    qs, f = filtered(request, base)
    return _page(
        request,
        qs,
        base,
        office=office,
        membership=membership,
        office_nav=office_nav(office, membership, "audit", None),
        filters=f,
        scope=office.name,
        export_url_name="audit-office-export",
    )


@require_safe
@regency_view(Role.ADMIN, Role.PLANNER, Role.VERIFIER)
def regency_log(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Every office's audit trail (and the regency's own rows), for the regency roles."""
    base = _regency_entries(membership)
    qs, f = filtered(request, base)
    return _page(
        request,
        qs,
        base,
        membership=membership,
        filters=f,
        scope=membership.regency.name,
        offices=list(Office.objects.filter(regency_id=membership.regency_id).order_by("name")),
        export_url_name="audit-regency-export",
    )


def _regency_entries(membership: Membership) -> QuerySet[AuditEntry]:
    """The regency's own rows: of its offices, and without an office (its settings, due-date rules, LKE
    templates, memberships, tokens, users and sign-ins), by ``AuditEntry.regency`` as the recorder set it."""
    return AuditEntry.objects.filter(regency_id=membership.regency_id)


# ----------------------------------------------------------------------------- CSV


class _Echo:
    def write(self, value: str) -> str:
        return value


HEADER = [
    "waktu",
    "pengguna",
    "alamat_ip",
    "peramban_perintah",
    "tindakan",
    "jenis_data",
    "id_objek",
    "objek",
    "perangkat_daerah",
    "perubahan",
    "perubahan_json",
    "catatan",
]


def csv_lines(entries: Iterable[AuditEntry], chunk: int = 500) -> Iterator[str]:
    """The entries as the pages show them (Indonesian names, dates and numbers; users and objects by name), one
    column each; the kind of data and the object's id stay for finding the row again, and the change as stored
    (``perubahan_json``: field names and exact values) next to its readable text."""
    writer = CsvWriter(_Echo())  # every column is text; none read as a formula (`sakip.reports.cells`)
    yield "\ufeff" + writer.writerow(HEADER)
    batch: list[AuditEntry] = []
    for e in entries:
        batch.append(e)
        if len(batch) >= chunk:
            yield from _csv_rows(writer, batch)
            batch = []
    if batch:
        yield from _csv_rows(writer, batch)


def raw_changes(changes: object) -> str:
    """The change as stored (``{"field": [old, new]}``), for a reader who needs the exact values and field names."""
    return json.dumps(changes, ensure_ascii=False, sort_keys=True, cls=DjangoJSONEncoder) if changes else ""


def _csv_rows(writer: CsvWriter, batch: list[AuditEntry]) -> Iterator[str]:
    for r in display.rows(batch):
        e = r.e
        yield writer.writerow(
            [
                "" if v is None else str(v)
                for v in (
                    r.at,
                    r.user,
                    e.ip or "",
                    e.user_agent,
                    e.get_action_display(),
                    r.model_name,
                    e.object_id,
                    r.object,
                    e.office_name,
                    display.changes_text(r.changes),
                    raw_changes(e.changes),
                    e.comment,
                )
            ]
        )


def _csv(qs: QuerySet[AuditEntry], name: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_lines(qs.iterator(chunk_size=500)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe  # type: ignore[type-var]  # a streamed response
@office_view("view")
def office_export(request: HttpRequest, office: Office, membership: Membership | None) -> StreamingHttpResponse:
    qs, _f = filtered(request, AuditEntry.objects.filter(office_id=office.pk))
    return _csv(qs, f"jejak-audit-{office.code}.csv")


@require_safe  # type: ignore[type-var]  # a streamed response
@regency_view(Role.ADMIN, Role.PLANNER, Role.VERIFIER)
def regency_export(request: HttpRequest, membership: Membership) -> StreamingHttpResponse:
    qs, _f = filtered(request, _regency_entries(membership))
    return _csv(qs, f"jejak-audit-{membership.regency.code}.csv")


__all__ = ["_", "office_export", "office_log", "regency_export", "regency_log"]
