"""Evidence files and who entered what, in the office dataset (`core.interchange`'s export and import).

Export (``export_office(office, provenance=True)``): each evidence row becomes an
object — ``name``, ``quarter``, ``content_type``, ``size``, ``sha256`` and ``path`` (its
place in a bundle, ``evidence/<year>/<indicator>/<file>``) when the file is stored,
``uploaded_by`` (username) and ``uploaded_at`` — or, for a bare reference with nothing but
a name (the seed reports' evidence lists), the name as before. Each quarter that records
who entered it gets ``entered: {quarter: {entered_by, entered_at}}``.

Import: what a file says about people is a *claim*, never a fact of this instance. The
rows the import creates have no ``entered_by``/``uploaded_by`` of their own (a file cannot
make a user the author of anything); the file's words — who entered, who uploaded, when
— are kept "per berkas" in the import's audit entry of that row, whose user is the one
who imported (`claims`). The export gives a row's own author when it has one (entered or
uploaded in this instance, also after the import), else the claim it was imported with,
so a chain of exports and imports carries the provenance unchanged; the provenance page
shows which is which.

An evidence object's file comes, in this order, from a stored file of the same office
with the same SHA-256 (a re-import keeps its files, never another office's), from the
bundle being imported (every file checked first — present, size and SHA-256 as the
document says, the evidence upload rules — or nothing is stored), or nowhere: then the
row is kept as a reference without a file, its SHA-256 and path among the claims, and
the import reports it.
"""

from __future__ import annotations

import contextvars
import datetime
import functools
import hashlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, ParamSpec, Protocol, TypeVar

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from sakip.accounts.models import Office
from sakip.audit import recorder
from sakip.audit.context import current
from sakip.audit.models import Action, AuditEntry
from sakip.dataset.loader import DatasetError, Issue
from sakip.monitoring.models import Evidence, IndicatorYear, Quarter

EVIDENCE_DIR = "evidence"
#: the key of an audit entry's changes that holds a file's claim about the row: ``[None, {facts}]``
CLAIM = "per_berkas"
CHUNK = 1024 * 1024

P = ParamSpec("P")
R = TypeVar("R")


class BundleFiles(Protocol):
    """The files of a bundle being imported (`core.bundle.Bundle`); reads raise `DatasetError`."""

    def read(self, path: str) -> bytes | None: ...

    def paths(self) -> set[str]: ...


def when(value: datetime.datetime | None) -> str | None:
    """A time as the dataset writes it: ISO 8601 in the server's time zone, with its offset."""
    return timezone.localtime(value).isoformat() if value is not None else None


def parse_when(text: str | None) -> datetime.datetime | None:
    """The loader has checked the text: ISO 8601 with an offset."""
    return datetime.datetime.fromisoformat(text) if text else None


def sha256_of(name: str) -> str | None:
    """The SHA-256 of a stored file, or None when it is not on disk."""
    try:
        with default_storage.open(name, "rb") as f:
            h = hashlib.sha256()
            for chunk in iter(lambda: f.read(CHUNK), b""):
                h.update(chunk)
            return h.hexdigest()
    except OSError:
        return None


# ----------------------------------------------------------------------------- claims in the audit trail


@dataclass(frozen=True)
class Claim:
    """What a file said about a row, and who imported it when."""

    facts: dict[str, Any]
    imported_by: str
    imported_at: datetime.datetime


def claims(office: Office, model: type[models.Model]) -> dict[int, Claim]:
    """The claims recorded for ``model``'s rows of the office, by primary key (the latest per row); also those
    of the audit batch still being written (the import compares the office before and after itself)."""
    out: dict[int, Claim] = {}
    entries = AuditEntry.objects.filter(
        office=office, model=model._meta.label, action=Action.CREATE, changes__has_key=CLAIM
    ).order_by("id").values_list("object_id", "changes", "user_name", "at")
    pending = [(e.object_id, e.changes, e.user_name, e.at or timezone.now()) for e in current().buffer or []
               if e.office_id == office.pk and e.model == model._meta.label and e.action == Action.CREATE]
    for object_id, changes, user_name, at in [*entries, *pending]:  # pending: an import's batch not yet written
        facts = changes[CLAIM][1] if isinstance(changes.get(CLAIM), list) else None
        if isinstance(facts, dict) and object_id.isdigit():
            out[int(object_id)] = Claim(facts, user_name, at)
    return out


def _record_claim(row: models.Model, office: Office, facts: Mapping[str, Any], comment: str) -> None:
    """Put the claim in the row's creation entry (the import writes its entries in one batch), or an entry
    of its own; either way the entry's user is the one importing."""
    label, pk = row._meta.label, str(row.pk)
    buffer = current().buffer
    if buffer is not None:
        for entry in reversed(buffer):
            if entry.model == label and entry.object_id == pk and entry.action == Action.CREATE:
                entry.changes[CLAIM] = [None, recorder.plain(dict(facts))]
                entry.comment = "; ".join(c for c in (entry.comment, comment) if c)
                return
    recorder.record(action=Action.CREATE, model=label, object_id=row.pk, object_repr=str(row),
                    office_id=office.pk, changes={CLAIM: [None, recorder.plain(dict(facts))]}, comment=comment)


# ----------------------------------------------------------------------------- export


class ProvenanceExport:
    """Evidence items and who entered what for an office's export; ``files``: bundle path → stored file."""

    def __init__(self, office: Office) -> None:
        self.files: dict[str, str] = {}
        self.quarter_claims = claims(office, Quarter)
        self.evidence_claims = claims(office, Evidence)

    def read(self, measurements: QuerySet[IndicatorYear], codes: Mapping[int, str]
             ) -> tuple[dict[int, list[Any]], dict[int, dict[str, dict[str, str]]]]:
        """(evidence items, ``entered``) of each indicator year, by its id."""
        evidence_of: dict[int, list[Any]] = {}
        for ev in (Evidence.objects.filter(indicator_year__in=measurements)
                   .select_related("indicator_year", "uploaded_by").order_by("indicator_year_id", "quarter", "id")):
            iy = ev.indicator_year
            evidence_of.setdefault(iy.pk, []).append(self.item(ev, iy.year, codes[iy.indicator_id]))
        entered_of: dict[int, dict[str, dict[str, str]]] = {}
        for pk, year_id, quarter, username, at in (
            Quarter.objects.filter(indicator_year__in=measurements).order_by("indicator_year_id", "quarter")
            .values_list("pk", "indicator_year_id", "quarter", "entered_by__username", "entered_at")
        ):
            item = self.entered(pk, username, at)
            if item:
                entered_of.setdefault(year_id, {})[str(quarter)] = item
        return evidence_of, entered_of

    def entered(self, pk: int, username: str | None, at: datetime.datetime | None) -> dict[str, str]:
        """The row's own author when it has one, else the claim it was imported with."""
        if username is None and at is None:
            claim = self.quarter_claims.get(pk)
            facts = claim.facts if claim is not None else {}
            return {k: str(facts[k]) for k in ("entered_by", "entered_at") if facts.get(k)}
        return {k: v for k, v in (("entered_by", username), ("entered_at", when(at))) if v}

    def item(self, ev: Evidence, year: int, code: str) -> str | dict[str, Any]:
        uploader = ev.uploaded_by.get_username() if ev.uploaded_by else None
        claim = self.evidence_claims.get(ev.pk) if uploader is None else None
        if (ev.quarter is None and not ev.file and not ev.content_type and not ev.size and uploader is None
                and claim is None):
            return ev.name  # a bare reference, as the seed reports list their evidence
        out: dict[str, Any] = {"name": ev.name}
        if ev.quarter is not None:
            out["quarter"] = ev.quarter
        if ev.content_type:
            out["content_type"] = ev.content_type
        out["size"] = ev.size
        stored = ev.file.name or ""
        digest = sha256_of(stored) if stored else None
        if digest is not None:
            out["sha256"] = digest
            out["path"] = self._place(year, code, PurePosixPath(stored).name)
            self.files[out["path"]] = stored
        elif claim is not None and claim.facts.get("sha256"):
            out["sha256"] = claim.facts["sha256"]  # which file it was: a later import holding it links it again
        if claim is not None:
            out.update({k: claim.facts[k] for k in ("uploaded_by", "uploaded_at") if claim.facts.get(k)})
        else:
            if uploader is not None:
                out["uploaded_by"] = uploader
            out["uploaded_at"] = when(ev.uploaded_at)
        return out

    def _place(self, year: int, code: str, name: str) -> str:
        path = f"{EVIDENCE_DIR}/{year}/{code}/{name}"
        stem, suffix = PurePosixPath(name).stem, PurePosixPath(name).suffix
        n = 1
        while path in self.files:
            n += 1
            path = f"{EVIDENCE_DIR}/{year}/{code}/{stem}-{n}{suffix}"
        return path


# ----------------------------------------------------------------------------- import

_written: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar("sakip_import_files", default=None)


def files_rolled_back(func: Callable[P, R]) -> Callable[P, R]:
    """Remove the files stored by ``func`` (an import) when it raises: its rows are rolled back, so are they.

    Put it outside ``transaction.atomic``. (Should an outer transaction roll back later, the files
    stay as orphans on disk: nothing refers to them and the backup reports none missing.)
    """

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        if _written.get() is not None:
            return func(*args, **kwargs)
        written: list[str] = []
        token = _written.set(written)
        try:
            return func(*args, **kwargs)
        except BaseException:
            for name in written:
                default_storage.delete(name)
            raise
        finally:
            _written.reset(token)

    return wrapper


def note_written(name: str) -> None:
    """Record a file stored by the running import (removed again should the import fail)."""
    written = _written.get()
    if written is not None:
        written.append(name)


def _evidence_items(doc: Mapping[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for yi, y in enumerate(doc.get("years") or []):
        for code, m in (y.get("indicators") or {}).items():
            for i, item in enumerate(m.get("evidence") or []):
                if isinstance(item, dict):
                    yield f"years[{yi}].indicators.{code}.evidence[{i}]", item


def stored_name(name: str) -> str:
    """The name an evidence file is stored under: the last part of its name, made safe (as an upload's)."""
    base = PurePosixPath(name.replace("\\", "/")).name
    try:
        return get_valid_filename(base)
    except Exception:  # SuspiciousFileOperation: nothing usable left
        return "bukti" + PurePosixPath(base).suffix.lower()


def bundle_issues(doc: Mapping[str, Any], files: BundleFiles) -> tuple[list[Issue], list[Issue]]:
    """(errors, notes) of a bundle's files against the document: every evidence ``path`` must be in the
    bundle with its size and SHA-256 and pass the evidence upload rules; unreferenced files are noted."""
    from .web import evidence_errors

    errors: list[Issue] = []
    checked: dict[str, tuple[int, str] | None] = {}  # bundle path -> (size, SHA-256); None: refused
    for where, item in _evidence_items(doc):
        path = item.get("path")
        if not path:
            continue
        if path not in checked:
            checked[path] = None
            try:
                data = files.read(path)
            except DatasetError as exc:  # a damaged or oversized member: its own message, the others still checked
                errors.extend(Issue(f"{where}.path", f"{path}: {i.message}") for i in exc.issues)
                continue
            if data is None:
                errors.append(Issue(f"{where}.path", _("berkas %(path)s tidak ada di paket") % {"path": path}))
                continue
            upload = SimpleUploadedFile(stored_name(item["name"]), data)
            problems = evidence_errors(upload)
            errors.extend(Issue(where, message) for message in problems)
            if not problems:
                checked[path] = (len(data), hashlib.sha256(data).hexdigest())
        got = checked[path]
        if got is not None and got != (item.get("size"), item.get("sha256")):
            errors.append(Issue(f"{where}.sha256", _(
                "berkas %(path)s tidak cocok dengan ukuran dan SHA-256 di dataset (berubah atau rusak)"
            ) % {"path": path}))
    notes = [Issue(p, _("berkas di paket tidak dirujuk dataset; tidak diimpor"))
             for p in sorted(files.paths() - set(checked))]
    return errors, notes


def _type_errors(name: str) -> list[str]:
    from .web import evidence_errors

    return evidence_errors(SimpleUploadedFile(stored_name(name), b"")) if PurePosixPath(
        stored_name(name)).suffix.lower() not in settings.SAKIP_EVIDENCE_TYPES else []


class ImportProvenance:
    """The evidence files and the claims of who entered what, while `interchange.import_office` stores a
    document. Created before anything is stored: a bundle's files are checked then (`DatasetError`)."""

    def __init__(self, doc: Mapping[str, Any], files: BundleFiles | None, notes: list[Issue] | None,
                 source: str | None) -> None:
        self.files, self.source = files, source or ""
        self.notes: list[Issue] = notes if notes is not None else []
        if files is not None:
            errors, unreferenced = bundle_issues(doc, files)
            self.notes.extend(unreferenced)
        else:  # a file named by a dataset alone may be linked to a stored one: its name must be of an allowed type
            errors = [Issue(where, problem) for where, item in _evidence_items(doc) if item.get("path")
                      for problem in _type_errors(item["name"])]
        if errors:
            raise DatasetError(errors, source)
        self.office: Office | None = None
        self._hashing = any(e.get("sha256") for _w, e in _evidence_items(doc))
        self._known_sizes: list[tuple[str, int]] = []  # this office's stored evidence files and their sizes
        self._digests: dict[str, str | None] = {}  # stored name -> SHA-256 (None: not on disk)
        self._from_bundle: dict[str, str] = {}  # bundle path -> stored name

    def begin(self, office: Office) -> None:
        """Before the office's rows are cleared: the evidence files it has stored (a re-import keeps them)."""
        self.office = office
        if self._hashing:
            self._known_sizes = list(
                Evidence.objects.filter(indicator_year__indicator__plan__office=office).exclude(file="")
                .values_list("file", "size")
            )

    def _claim(self, row: models.Model, facts: Mapping[str, Any]) -> None:
        assert self.office is not None
        shown = ", ".join(f"{k} {v}" for k, v in facts.items())
        comment = _("asal data per berkas «%(source)s», tidak diverifikasi: %(facts)s") % {
            "source": self.source or _("dataset"), "facts": shown}
        _record_claim(row, self.office, {**facts, "berkas": self.source}, comment)

    def quarter(self, row: Quarter, who: Mapping[str, Any] | None) -> None:
        """Keep who entered a quarter, as the file says, as its claim."""
        who = who or {}
        facts = {k: v for k, v in (("entered_by", who.get("entered_by")),
                                    ("entered_at", when(parse_when(who.get("entered_at"))))) if v}
        if facts:
            self._claim(row, facts)

    def _stored_file(self, size: int, digest: str, path: str | None) -> str | None:
        """A file of this office already stored with this content (hashed only when the size matches); the one
        the item's ``path`` names first (two items with one content keep their own files)."""
        found: list[str] = []
        for name, stored_size in self._known_sizes:
            if stored_size == size:
                if name not in self._digests:
                    self._digests[name] = sha256_of(name)
                if self._digests[name] == digest:
                    found.append(name)
        wanted = PurePosixPath(path).name if path else None
        return next((n for n in found if PurePosixPath(n).name == wanted), found[0] if found else None)

    def evidence(self, iy: IndicatorYear, item: str | Mapping[str, Any], where: str) -> Evidence:
        from .web import evidence_content_type

        if isinstance(item, str):
            return Evidence.objects.create(indicator_year=iy, name=item)
        name = item["name"]
        ev = Evidence(indicator_year=iy, name=name, quarter=item.get("quarter"),
                      content_type=item.get("content_type") or "", size=item.get("size") or 0)
        digest, size, path = item.get("sha256"), item.get("size"), item.get("path")
        stored = self._stored_file(size, digest, path) if digest and size is not None else None
        if stored is not None:
            ev.file.name = stored
        elif path and self.files is not None:
            if path not in self._from_bundle:
                data = self.files.read(path)
                if data is None or hashlib.sha256(data).hexdigest() != digest:  # checked before; the zip is read again
                    raise DatasetError([Issue(f"{where}.sha256", _("berkas %(path)s berubah selama impor")
                                              % {"path": path})], self.source)
                ev.file.save(stored_name(name), ContentFile(data), save=False)
                written = _written.get()
                if written is not None:
                    written.append(ev.file.name or "")
                self._from_bundle[path] = ev.file.name or ""
            else:
                ev.file.name = self._from_bundle[path]
        if ev.file:  # a stored file is served with the type of its name, never the one a file claims
            ev.content_type = evidence_content_type(name)
        ev.save()
        facts: dict[str, Any] = {k: v for k, v in (("uploaded_by", item.get("uploaded_by")),
                                                   ("uploaded_at", when(parse_when(item.get("uploaded_at"))))) if v}
        if not ev.file and (digest or path):
            facts.update({k: item[k] for k in ("sha256", "path") if item.get(k)})
            self.notes.append(Issue(where, _("berkas «%(name)s» tidak disertakan; disimpan sebagai rujukan tanpa "
                                             "berkas (SHA-256 dan letaknya di jejak audit)") % {"name": name}))
        if facts:
            self._claim(ev, facts)
        return ev


# ----------------------------------------------------------------------------- the provenance page


@dataclass
class Entered:
    """Who entered a quarter or uploaded a file: recorded here (``claim`` None) or as a file said."""

    by: str
    at: datetime.datetime | None
    claim: Claim | None


def shown(by: str | None, at: datetime.datetime | None, claim: Claim | None) -> Entered | None:
    if by is not None or at is not None:
        return Entered(by or "", at, None)
    if claim is None:
        return None
    facts = claim.facts
    moment = facts.get("entered_at") or facts.get("uploaded_at")
    try:
        parsed = parse_when(moment) if isinstance(moment, str) else None
    except ValueError:
        parsed = None
    return Entered(str(facts.get("entered_by") or facts.get("uploaded_by") or ""), parsed, claim)


def year_provenance(office: Office, year: int) -> list[dict[str, Any]]:
    """Each measured indicator of the year: its quarters and evidence files with who entered them."""
    quarter_claims, evidence_claims = claims(office, Quarter), claims(office, Evidence)
    years = (IndicatorYear.objects.filter(indicator__plan__office=office, year=year)
             .select_related("indicator").order_by("indicator__order", "indicator__code"))
    out: dict[int, dict[str, Any]] = {
        iy.pk: {"indicator": iy.indicator, "quarters": [], "evidence": []} for iy in years
    }
    for q in Quarter.objects.filter(indicator_year__in=years).select_related("entered_by").order_by("quarter"):
        by = q.entered_by.get_username() if q.entered_by else None
        out[q.indicator_year_id]["quarters"].append(
            (q, shown(by, q.entered_at, quarter_claims.get(q.pk) if by is None and q.entered_at is None else None)))
    for ev in Evidence.objects.filter(indicator_year__in=years).select_related("uploaded_by").order_by("quarter", "id"):
        by = ev.uploaded_by.get_username() if ev.uploaded_by else None
        claim = evidence_claims.get(ev.pk) if by is None else None
        out[ev.indicator_year_id]["evidence"].append(
            (ev, shown(by, None if claim else ev.uploaded_at, claim)))
    return [v for v in out.values() if v["quarters"] or v["evidence"]]
