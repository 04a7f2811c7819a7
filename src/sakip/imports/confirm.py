"""Apply a previewed upload: exactly the changes the preview showed (the page's confirmation, in the request
for a small file or on the worker for a large one, `sakip.jobs`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from django.conf import settings
from django.utils import timezone

from sakip.accounts.models import Office

from . import services
from .models import ImportBatch

State = Literal["applied", "refused", "stale", "changed", "processed"]


@dataclass
class Confirmed:
    """``applied``; ``refused`` (problems, nothing stored); ``stale`` (rows saved since the preview: upload
    again); ``changed`` (the changes differ from the preview: a new preview to confirm); ``processed``
    (the batch was applied or refused before)."""

    state: State
    outcome: services.Outcome | None = None


def rows_of(batch: ImportBatch) -> int:
    """The rows the preview counted (created, changed and unchanged)."""
    summary = batch.summary if isinstance(batch.summary, dict) else {}
    counts = summary.get("counts") or {}
    return sum(int(v) for v in counts.values() if isinstance(v, int))


def on_worker(batch: ImportBatch) -> bool:
    """A large upload (more rows than ``SAKIP_IMPORT_ASYNC_ROWS``) is applied on the worker."""
    return rows_of(batch) > int(getattr(settings, "SAKIP_IMPORT_ASYNC_ROWS", 200))


def confirm(office: Office, batch: ImportBatch, user: Any) -> Confirmed:
    if batch.status != ImportBatch.Status.PREVIEWED:
        return Confirmed("processed")
    data = bytes(batch.content)
    outcome = services.prepare(office, batch.kind, batch.year, data, filename=batch.filename, user=user)
    summary = batch.summary or {}
    previewed: dict[str, str] | None = summary.get("versions") if isinstance(summary, dict) else None
    changed = services.changed_since(outcome, previewed) if outcome.ok and previewed is not None else []
    if changed:  # someone saved rows of this file since the preview: nothing is stored, the file is uploaded again
        services.refuse_stale(outcome, changed)
    elif outcome.ok and outcome.digest() != batch.changes_digest:
        batch.changes_digest = outcome.digest()
        batch.save(update_fields=["changes_digest"])
        return Confirmed("changed", outcome)
    if outcome.ok:
        services.apply(office, outcome, previewed)
    if not outcome.ok:
        batch.status = ImportBatch.Status.REFUSED
        batch.content = b""
        batch.save(update_fields=["status", "content"])
        return Confirmed("stale" if outcome.stale else "refused", outcome)
    batch.status = ImportBatch.Status.APPLIED
    batch.applied_at = timezone.now()
    batch.summary = {"counts": outcome.counts}
    batch.content = b""  # applied: the hash stays, the file is not kept
    batch.save(update_fields=["status", "applied_at", "summary", "content"])
    return Confirmed("applied", outcome)
