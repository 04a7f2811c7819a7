"""The public portal (/publik/): published plans, IKU, PK and report figures per office, and open data.

No login. Every page and download shows only what `published.published` allows.
"""

from __future__ import annotations

import io
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from sakip.accounts.models import Office, Regency
from sakip.regency import figures
from sakip.reports.cells import CsvWriter
from sakip.reports.scorecard import show_number, show_percent, show_target

from . import documents
from .published import (
    BUDGET_FIELDS,
    PERFORMANCE_FIELDS,
    Published,
    budget_rows,
    budget_rows_many,
    number_columns,
    performance_rows,
    performance_rows_many,
    published_many,
)

SCHEMA_PATH = Path(__file__).with_name("open-data.schema.json")
DATASETS = {"kinerja": PERFORMANCE_FIELDS, "anggaran": BUDGET_FIELDS}


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    gen = figures.generation()
    offices = list(Office.objects.select_related("regency").order_by("regency__name", "regency_id", "name"))
    by_regency: dict[int, list[dict[str, Any]]] = {}
    for pub in published_many(offices, gen):
        by_regency.setdefault(pub.office.regency_id, []).append({"office": pub.office, "pub": pub})
    regencies = [{"regency": r, "offices": by_regency.get(r.pk, [])} for r in Regency.objects.order_by("name")]
    return render(request, "portal/index.html", {"regencies": regencies, "portal": True})


@require_safe
def office_page(request: HttpRequest, pemda: str, opd: str) -> HttpResponse:
    office = get_object_or_404(Office.objects.select_related("regency"), regency__code=pemda, code=opd)
    gen = figures.generation()
    (pub,) = published_many([office], gen)
    context: dict[str, Any] = {"office": office, "pub": pub, "portal": True, "plan": None, "years": []}
    latest = max(pub.pk_years or pub.annual_years or [0])
    if pub.plan:
        sc = figures.scorecard(office, latest)
        if sc is not None:
            p = sc.office.plan
            context["plan"] = {
                "kind": p.kind,
                "start": p.start,
                "end": p.end,
                "vision": p.vision,
                "missions": p.missions,
                "goals": p.goals,
                "objectives": p.objectives,
                "iku": [
                    {"i": i, "targets": [(y, show_target(t)) for y, t in sorted(i.targets.items())]}
                    for i in {
                        i.id: i
                        for i in [
                            *(i for g in p.goals for i in g.indicators),
                            *(i for o in p.objectives for i in o.indicators),
                        ]
                        if i.iku
                    }.values()
                ],
            }
    rows = performance_rows(pub, gen)
    budgets = {r["year"]: r for r in budget_rows(pub, gen)}
    for year in sorted(pub.years, reverse=True):
        sc = figures.scorecard(office, year) if year in pub.annual_years else None
        context["years"].append(
            {
                "year": year,
                "pk": year in pub.pk_years,
                "report": year in pub.annual_years,
                "rows": [_display(r) for r in rows if r["year"] == year],
                "office_achievement": show_percent(sc.office_score.aggregate.value)
                if sc is not None and sc.office_score.aggregate.value is not None
                else None,
                "office_category": sc.office_score.category if sc is not None else None,
                "office_color": sc.office_score.color if sc is not None else None,
                "budget": _display(budgets[year]) if year in budgets else None,
            }
        )
    context["documents"] = documents.published_documents(office) if pub.anything else []
    return render(request, "portal/office.html", context)


@require_safe
def document(request: HttpRequest, pemda: str, opd: str, year: int, kind: str) -> HttpResponse:
    """An approved document of the office as PDF (anyone); a document not published is not found."""
    office = get_object_or_404(Office.objects.select_related("regency"), regency__code=pemda, code=opd)
    doc = documents.find(office, year, kind)
    if doc is None:
        raise Http404(_("Dokumen tidak dipublikasikan"))
    data = documents.cached_pdf(office, doc)
    if request.GET.get("status") == "1":  # the waiting page's poll: ready, failed or still being made
        from sakip.jobs.kinds import portal_pdf_job

        job = portal_pdf_job(office, year, doc.slug, doc.approved_at)
        context = {"office": office, "doc": doc, "job": job, "ready": data is not None}
        context["failed"] = data is None and (job is None or job.status == job.Status.FAILED)
        return render(request, "portal/_preparing.html", context)
    if data is None:  # made on the worker (one job however many visitors ask), then kept
        from sakip.jobs.kinds import submit_portal_pdf
        from sakip.jobs.models import Job

        job = submit_portal_pdf(office, year, doc.slug, doc.approved_at)
        data = documents.cached_pdf(office, doc) if job.status == Job.Status.DONE else None
        if data is None:
            failed = job.status == Job.Status.FAILED
            context = {"office": office, "doc": doc, "job": job, "failed": failed}
            response = render(request, "portal/preparing.html", context, status=503 if failed else 202)
            response["Cache-Control"] = "no-store"
            return response
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{documents.file_name(office, doc)}"'
    response["Cache-Control"] = "public, max-age=3600"
    return response


_NUMERIC = re.compile(r"^-?\d+(\.\d+)?$")


def _display(row: dict[str, Any]) -> dict[str, Any]:
    """The open-data row as the page shows it: numbers in the Indonesian format."""
    out = dict(row)
    for key in ("pk_target", "realisation", "allocation"):
        v = row.get(key)
        if isinstance(v, str) and _NUMERIC.match(v):
            out[key] = show_number(Decimal(v), 2 if key == "allocation" else None)
    for key in ("achievement", "absorption"):
        v = row.get(key)
        out[f"{key}_text"] = show_percent(Decimal(v)) if isinstance(v, str) else "-"
    return out


def _selected(request: HttpRequest) -> list[Published]:
    """The offices asked for (``pemda``, ``opd``), each with what it has published."""
    offices = Office.objects.select_related("regency").order_by("regency__name", "name")
    if request.GET.get("pemda"):
        offices = offices.filter(regency__code=request.GET["pemda"])
    if request.GET.get("opd"):
        offices = offices.filter(code=request.GET["opd"])
    return published_many(list(offices), figures.generation())


def _rows(request: HttpRequest, dataset: str) -> list[dict[str, Any]]:
    if dataset not in DATASETS:
        raise Http404("Dataset tidak dikenal")
    gen = figures.generation()
    year = request.GET.get("tahun", "")
    pubs = _selected(request)
    if year:  # only that year's figures are read
        pubs = [
            Published(
                p.office, [y for y in p.pk_years if str(y) == year], [y for y in p.annual_years if str(y) == year]
            )
            for p in pubs
        ]
    # the kept figures of every office-year at once (SQL), not a scorecard per office-year
    return performance_rows_many(pubs, gen) if dataset == "kinerja" else budget_rows_many(pubs, gen)


@require_safe
def data_json(request: HttpRequest, dataset: str) -> HttpResponse:
    rows = _rows(request, dataset)
    body = {"dataset": dataset, "schema": "/publik/data/skema.json", "fields": list(DATASETS[dataset]), "rows": rows}
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Content-Disposition"] = f'inline; filename="sakip-{dataset}.json"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
def data_csv(request: HttpRequest, dataset: str) -> HttpResponse:
    rows = _rows(request, dataset)
    fields = DATASETS[dataset]
    buf = io.StringIO()
    writer = CsvWriter(buf, numbers=number_columns(fields))  # no field read as a formula
    writer.writerow(fields)
    for r in rows:
        writer.writerow([r[f] for f in fields])
    response = HttpResponse(buf.getvalue().encode("utf-8-sig"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="sakip-{dataset}.csv"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
def schema(request: HttpRequest) -> HttpResponse:
    response = JsonResponse(json.loads(SCHEMA_PATH.read_text("utf-8")), json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    return response
