"""The files under MEDIA_ROOT: listing them for a backup, swapping them in for a restore.

A restore works in a staging directory *inside* MEDIA_ROOT (``.sakip-restore-…``), so
every move is a rename on one filesystem: the current entries of MEDIA_ROOT move into
the staging directory, the archived ones move out of it into MEDIA_ROOT, and `undo`
reverses both if the database restore fails. MEDIA_ROOT itself is never renamed (it
may be a mount point, and keeps its owner and permissions). Staging directories are
left out of backups and of the "is the target empty" question.
"""

from __future__ import annotations

import os
from pathlib import Path

from .archive import MEDIA_DIR, unsafe_reason

STAGING_PREFIX = ".sakip-restore-"


def media_files(root: Path) -> tuple[list[tuple[str, Path]], list[str]]:
    """(relative POSIX path, absolute path) of every regular file under ``root``, sorted; and what was skipped.

    Symbolic links (a link could lead out of MEDIA_ROOT) and names a restore would refuse
    are skipped and listed, never followed.
    """
    files: list[tuple[str, Path]] = []
    skipped: list[str] = []
    if not root.is_dir():
        return files, skipped
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        keep = []
        for name in sorted(dirnames):
            path = here / name
            rel = path.relative_to(root).as_posix()
            if here == root and name.startswith(STAGING_PREFIX):
                continue
            if path.is_symlink():
                skipped.append(rel)
                continue
            keep.append(name)
        dirnames[:] = keep
        for name in sorted(filenames):
            path = here / name
            rel = path.relative_to(root).as_posix()
            if path.is_symlink() or not path.is_file() or unsafe_reason(f"{MEDIA_DIR}/{rel}"):
                skipped.append(rel)
                continue
            files.append((rel, path))
    files.sort()
    return files, sorted(skipped)


def media_size(root: Path) -> tuple[int, int]:
    """(files, bytes) under ``root`` (staging directories left out)."""
    files, _skipped = media_files(root)
    return len(files), sum(p.stat().st_size for _rel, p in files)


class MediaSwap:
    """Put the staged files in place of MEDIA_ROOT's entries; `undo` puts the old ones back."""

    def __init__(self, root: Path, staged: Path, holding: Path) -> None:
        self.root, self.staged, self.holding = root, staged, holding
        self.moved_out: list[str] = []
        self.moved_in: list[str] = []

    def apply(self) -> None:
        self.holding.mkdir()
        for entry in sorted(self.root.iterdir()):
            if entry.name.startswith(STAGING_PREFIX):
                continue
            os.rename(entry, self.holding / entry.name)
            self.moved_out.append(entry.name)
        if self.staged.is_dir():
            for entry in sorted(self.staged.iterdir()):
                os.rename(entry, self.root / entry.name)
                self.moved_in.append(entry.name)

    def undo(self) -> None:
        for name in reversed(self.moved_in):
            os.rename(self.root / name, self.staged / name)
        for name in reversed(self.moved_out):
            os.rename(self.holding / name, self.root / name)
        self.moved_in, self.moved_out = [], []
