"""Evidence files of a refused save, kept server-side for the retry (issue #11).

When the entry page refuses a save (another row has an error, a conflict, a lock), every
valid file the operator attached is stored under ``pending/<random>/`` in the media
storage, and the session remembers it per office, year, quarter and row. The page shows
it ("berkas sudah diunggah: nama (akan disimpan)") with a remove box; the next save of the
row attaches it as if it had been uploaded again. A successful save deletes the pending
files it stored; files older than a day are deleted whenever a pending file is written or
cleared (`purge_stale`), so an abandoned retry leaves nothing behind.

The session keeps only the storage path, the original name, size and time; the path holds
a random token, never the session key.
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from django.core.files import File
from django.core.files.storage import default_storage
from django.http import HttpRequest, QueryDict
from django.utils import timezone
from django.utils.text import get_valid_filename

from sakip.accounts.models import Office

SESSION_KEY = "sakip_pending_uploads"
ROOT = "pending"
MAX_AGE = datetime.timedelta(days=1)


@dataclass(frozen=True)
class PendingFile:
    key: str  # the row's key (the indicator's id)
    path: str  # in the media storage
    name: str  # the operator's file name
    size: int
    at: str  # ISO time it was kept


def _scope(office: Office, year: int, quarter: int) -> str:
    return f"{office.pk}:{year}:{quarter}"


def _all(request: HttpRequest) -> dict[str, dict[str, dict[str, Any]]]:
    data = request.session.get(SESSION_KEY)
    return data if isinstance(data, dict) else {}


def listing(request: HttpRequest, office: Office, year: int, quarter: int) -> dict[str, PendingFile]:
    """The files kept for this page, by row key (those older than a day are forgotten)."""
    now = timezone.now()
    out: dict[str, PendingFile] = {}
    for key, d in _all(request).get(_scope(office, year, quarter), {}).items():
        try:
            pf = PendingFile(key, str(d["path"]), str(d["name"]), int(d["size"]), str(d["at"]))
            fresh = now - datetime.datetime.fromisoformat(pf.at) < MAX_AGE
        except (KeyError, TypeError, ValueError):
            continue
        if fresh and default_storage.exists(pf.path):
            out[key] = pf
    return out


def _store(request: HttpRequest, office: Office, year: int, quarter: int, files: dict[str, PendingFile]) -> None:
    data = _all(request)
    scope = _scope(office, year, quarter)
    if files:
        data[scope] = {k: {"path": f.path, "name": f.name, "size": f.size, "at": f.at} for k, f in files.items()}
    else:
        data.pop(scope, None)
    request.session[SESSION_KEY] = data
    request.session.modified = True


def keep(request: HttpRequest, office: Office, year: int, quarter: int, uploads: dict[str, Any]) -> None:
    """Store the valid new uploads of a refused save (``{row key: uploaded file}``), replacing older ones."""
    if not uploads:
        return
    files = listing(request, office, year, quarter)
    for key, upload in uploads.items():
        name = PurePosixPath(upload.name or "bukti").name
        upload.seek(0)
        path = default_storage.save(f"{ROOT}/{secrets.token_hex(16)}/{get_valid_filename(name) or 'bukti'}", upload)
        old = files.get(key)
        if old is not None:
            default_storage.delete(old.path)
        files[key] = PendingFile(key, path, name, upload.size or 0, timezone.now().isoformat())
    _store(request, office, year, quarter, files)
    purge_stale()


def drop(request: HttpRequest, office: Office, year: int, quarter: int, keys: Iterable[str]) -> None:
    """Forget and delete the pending files of these rows (saved, or removed by the operator)."""
    files = listing(request, office, year, quarter)
    gone = [k for k in keys if k in files]
    if not gone:
        return
    for key in gone:
        default_storage.delete(files.pop(key).path)
    _store(request, office, year, quarter, files)
    purge_stale()


def removed(post: QueryDict) -> set[str]:
    """The rows whose pending file the operator chose to remove (``fx-<key>``)."""
    return {name[3:] for name in post if name.startswith("fx-") and post.get(name)}


def open_file(pf: PendingFile) -> File[bytes]:
    """The kept file, to be stored as the row's evidence (under its original name)."""
    f: File[bytes] = File(default_storage.open(pf.path, "rb"), name=pf.name)
    f.size = pf.size
    return f


def purge_stale(now: datetime.datetime | None = None) -> int:
    """Delete pending files older than a day (whatever session kept them); returns how many."""
    now = now or timezone.now()
    count = 0
    try:
        folders, _ = default_storage.listdir(ROOT)
    except (FileNotFoundError, NotImplementedError):
        return 0
    for folder in folders:
        _, names = default_storage.listdir(f"{ROOT}/{folder}")
        for name in names:
            path = f"{ROOT}/{folder}/{name}"
            if now - default_storage.get_modified_time(path) >= MAX_AGE:
                default_storage.delete(path)
                count += 1
    return count
