"""Batch jobs for the page tests and the authorisation matrix."""

from __future__ import annotations

import zipfile

from sakip.accounts.models import Regency
from sakip.documents.models import BatchJob
from sakip.documents.services import batch_dir


def finished_job(regency: Regency) -> BatchJob:
    """A finished job of the regency with its zip file on disk (one small file inside)."""
    job = BatchJob.objects.create(
        regency=regency,
        year=2020,
        kinds="matrik",
        formats="xlsx",
        status=BatchJob.Status.DONE,
        total=1,
        done=1,
        files=1,
    )
    job.file_name = f"dokumen-{regency.code}-2020-{job.pk}.zip"
    job.save(update_fields=["file_name"])
    batch_dir().mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(batch_dir() / job.file_name, "w") as z:
        z.writestr("kaloran/catatan.txt", "uji")
    return job
