"""The one error type of backup and restore: an Indonesian message, details, and the exit code."""

from __future__ import annotations


class BackupError(Exception):
    """Backup or restore refused or failed; nothing of the instance was changed unless ``changed`` says so.

    ``exit_code`` is 2 for bad input (a damaged or foreign archive, a non-empty target
    without ``--force``, an existing output file) and 1 for a failure of the machine
    (a database tool that failed, a full disk).
    """

    def __init__(self, message: str, details: list[str] | None = None, *, exit_code: int = 2) -> None:
        super().__init__(message)
        self.message = message
        self.details = list(details or [])
        self.exit_code = exit_code

    def __str__(self) -> str:
        return "\n".join([self.message, *(f"  {d}" for d in self.details)])


class ArchiveError(BackupError):
    """The archive is damaged, tampered with, unsafe or not a Sakip backup (bad input: exit code 2)."""
