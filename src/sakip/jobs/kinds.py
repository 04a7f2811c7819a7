"""The job kinds: how each is submitted (its key: what it makes, so the same thing is made once) and run
(a handler calling the apps' own functions; the logic stays where it is)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext as _

from sakip.accounts.models import Office, Regency
from sakip.regency import generations

from .models import Job
from .services import JobError, handler, make_key, media_path, progress, submit

PDF_DIR = "jobs/pdf"


def write_atomic(path: Path, data: bytes) -> None:
    """The whole file or none (a reader never sees half a PDF)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".part")
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


# --------------------------------------------------------------------------- an office's PDF download


def office_pdf_key(office: Office, kind: str, year: int, quarter: int | None, amendment: bool) -> tuple[str, str]:
    """The key of the office's PDF for its data as it is now, and the file's name under MEDIA_ROOT.

    The key holds the office's data generation (its plan, measurements, budget, profile, workflow states,
    and the regency's settings: `generations.office_scopes`): unchanged data, the same key, the same file.
    """
    gen = generations.generation(*generations.office_scopes(office), fresh=True)
    key = make_key("pdf", office.pk, kind, year, quarter, amendment, gen)
    tw = f"-tw{quarter}" if quarter else ""
    return key, f"{PDF_DIR}/{office.pk}/{kind}{'-perubahan' if amendment else ''}-{year}{tw}-{key[:20]}.pdf"


def cached_office_pdf(office: Office, kind: str, year: int, quarter: int | None, amendment: bool) -> Path | None:
    """The PDF already made for the office's current data, if any."""
    _key, name = office_pdf_key(office, kind, year, quarter, amendment)
    path = media_path(name)
    return path if path.is_file() else None


def submit_office_pdf(
    office: Office, kind: str, year: int, quarter: int | None, amendment: bool, user: object
) -> Job:
    from sakip.reports.batch import TITLES, file_name

    key, name = office_pdf_key(office, kind, year, quarter, amendment)
    title = f"{TITLES[kind]}{f' TW {quarter}' if quarter else ''} {year} — {office.name} (PDF)"
    return submit(
        "pdf",
        key,
        title=title,
        regency=office.regency,
        office=office,
        user=user,
        params={
            "kind": kind,
            "year": year,
            "quarter": quarter,
            "amendment": amendment,
            "path": name,
            "download_name": file_name(office.code, kind, year, "pdf", quarter, amendment),
        },
    )


@handler("pdf")
def _office_pdf(job: Job) -> None:
    from sakip.documents.services import generate_for
    from sakip.reports.batch import RequestError
    from sakip.reports.pdf import PdfError

    p = job.params
    assert job.office is not None
    progress(job, 0, 1)
    try:
        (generated,) = generate_for(
            job.office,
            p["kind"],
            int(p["year"]),
            ("pdf",),
            quarter=p.get("quarter"),
            amendment=bool(p.get("amendment")),
        )
    except (PdfError, RequestError) as exc:
        raise JobError(str(exc)) from exc
    write_atomic(media_path(p["path"]), generated.data)
    job.file_name = p["path"]


# --------------------------------------------------------------------------- a published PDF on the portal


def portal_pdf_job(office: Office, year: int, slug: str, approved_at: str) -> Job | None:
    key = make_key("portal-pdf", office.pk, year, slug, approved_at)
    return Job.objects.filter(key=key).order_by("-pk").first()


def submit_portal_pdf(office: Office, year: int, slug: str, approved_at: str) -> Job:
    return submit(
        "portal-pdf",
        make_key("portal-pdf", office.pk, year, slug, approved_at),
        title=f"{slug} {year} — {office.name} (PDF, portal)",
        regency=office.regency,
        office=office,
        params={"year": year, "slug": slug},
    )


@handler("portal-pdf")
def _portal_pdf(job: Job) -> None:
    from sakip.portal import documents
    from sakip.reports.pdf import PdfError

    assert job.office is not None
    doc = documents.find(job.office, int(job.params["year"]), job.params["slug"])
    if doc is None:
        raise JobError(_("Dokumen tidak dipublikasikan"))
    try:
        documents.pdf_of(job.office, doc)  # cached under portal-cache/, served from there
    except PdfError as exc:
        raise JobError(str(exc)) from exc


# --------------------------------------------------------------------------- the review of a whole regency


def review_key(regency: Regency, year: int) -> str:
    """The regency's data generation (any office's write renews its aggregate scope) and the year."""
    gen = generations.generation(generations.aggregate_scope(regency.pk), fresh=True)
    return make_key("review", regency.pk, year, gen)


def done_review(regency: Regency, year: int) -> Job | None:
    return Job.objects.filter(key=review_key(regency, year), status=Job.Status.DONE).order_by("-pk").first()


def submit_review(regency: Regency, year: int, user: object, roles: tuple[str, ...]) -> Job:
    return submit(
        "review",
        review_key(regency, year),
        title=_("Reviu perangkat daerah %(year)d") % {"year": year},
        regency=regency,
        user=user,
        params={"year": year, "roles": list(roles), "result_url": reverse("review-regency") + f"?tahun={year}"},
    )


@handler("review")
def _review(job: Job) -> None:
    from sakip.core.i18n import translate
    from sakip.domain.review import Severity
    from sakip.reviews import output, services

    year = int(job.params["year"])
    offices = list(Office.objects.filter(regency=job.regency).order_by("name"))
    rows: list[dict[str, Any]] = []
    for i, office in enumerate(offices):
        progress(job, i, len(offices))
        outcome = services.office_review(office, year)
        result = outcome.result
        counts = result.by_severity() if result else None
        rows.append(
            {
                "office": {"name": office.name, "code": office.code},
                "url": reverse("review-office", args=[office.code, year]),
                "problems": outcome.problems,
                "major": len(counts[Severity.MAJOR]) if counts else None,
                "minor": len(counts[Severity.MINOR]) if counts else None,
                "warning": len(counts[Severity.WARNING]) if counts else None,
                "summary": translate(output.summary_message(result)) if result else "",
            }
        )
    progress(job, len(offices), len(offices))
    job.result = {"rows": rows}


# --------------------------------------------------------------------------- a large import after its preview


def submit_import(office: Office, batch: Any, user: object) -> Job:
    from sakip.imports.views import _kind_action

    return submit(
        "import",
        make_key("import", batch.pk),
        title=_("Impor %(file)s — %(office)s") % {"file": batch.filename, "office": office.name},
        regency=office.regency,
        office=office,
        user=user,
        params={
            "batch": batch.pk,
            "action": _kind_action(batch.kind),
            "user": getattr(user, "pk", None),
            "result_url": reverse("import-excel", args=[office.code, batch.year]),
        },
    )


@handler("import")
def _import(job: Job) -> None:
    from sakip.audit.context import actor
    from sakip.imports import services
    from sakip.imports.confirm import confirm
    from sakip.imports.models import ImportBatch

    assert job.office is not None
    batch = ImportBatch.objects.filter(pk=job.params["batch"], office=job.office).first()
    if batch is None:
        raise JobError(_("Unggahan tidak ditemukan"))
    user = get_user_model().objects.filter(pk=job.params.get("user")).first()
    who = getattr(user, "username", "") or "sistem"
    with actor(who, "impor Excel (tugas latar belakang)"):
        done = confirm(job.office, batch, user)
    outcome = done.outcome
    if done.state == "processed" or outcome is None:
        job.result = {"level": "info", "message": _("Unggahan ini sudah diproses.")}
        return
    problems = [f"{p.where()}: {p.message}" if p.where() else p.message for p in outcome.problems[:200]]
    if done.state == "applied":
        counts = outcome.counts
        message = _("Impor tersimpan: %(c)d baru, %(u)d berubah, %(s)d tetap.") % {
            "c": counts[services.CREATED],
            "u": counts[services.UPDATED],
            "s": counts[services.UNCHANGED],
        }
        warnings = [f"{w.where()}: {w.message}" if w.where() else w.message for w in outcome.warnings[:200]]
        job.result = {"level": "success", "message": message, "warnings": warnings}
        return
    if done.state == "changed":  # no page shows the new preview here: the file is uploaded (and previewed) again
        batch.status = ImportBatch.Status.REFUSED
        batch.content = b""
        batch.save(update_fields=["status", "content"])
    message = (
        _("Data berubah sejak pratinjau; unggah ulang berkasnya. Tidak ada yang diimpor.")
        if done.state in ("stale", "changed")
        else _("Tidak ada yang diimpor: %(n)d kesalahan.") % {"n": len(outcome.problems)}
    )
    job.result = {"level": "error", "message": message, "problems": problems}
