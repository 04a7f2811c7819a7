"""Backup and restore of a whole Sakip instance: the database and every file under MEDIA_ROOT.

One ``.tar.gz`` archive holds ``database/…`` (an online SQLite copy made with the
backup API, or a ``pg_dump -Fc`` file), ``media/…`` (evidence, survey files,
evaluation files, generated documents) and ``manifest.json`` (format, Sakip version,
time, database vendor, the last applied migration per app, rows per table, every
file's path, size and SHA-256).

* `archive` — writing the archive, and reading it safely: every member's name, type,
  size and digest checked against the manifest before anything is touched.
* `database` — the vendor-specific copy and restore, row counts, migration state.
* `service` — `backup` and `restore`, the two operations the CLI (``sakip backup``,
  ``sakip restore``) and ``manage.py backup``/``restore`` call.
"""

from .archive import Manifest
from .errors import ArchiveError, BackupError
from .service import BackupResult, RestoreResult, backup, restore

__all__ = ["ArchiveError", "BackupError", "BackupResult", "Manifest", "RestoreResult", "backup", "restore"]
