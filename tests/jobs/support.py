"""A finished job of an office, with its file, for the page tests and the authorisation matrix."""

from __future__ import annotations

from sakip.accounts.models import Office
from sakip.jobs.models import Job
from sakip.jobs.services import media_path


def finished_pdf_job(office: Office) -> Job:
    """Office ``office``'s PDF job, done, its file on disk (the same row however often it is asked for)."""
    name = f"jobs/pdf/{office.pk}/matriks-uji.pdf"
    job, _created = Job.objects.get_or_create(
        key=f"uji-{office.pk}",
        defaults={
            "kind": "pdf",
            "title": "PK 2020 (PDF)",
            "regency": office.regency,
            "office": office,
            "status": Job.Status.DONE,
            "file_name": name,
            "params": {"download_name": "pk-uji.pdf"},
        },
    )
    path = media_path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"%PDF-1.4 uji")
    return job
