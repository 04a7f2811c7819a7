"""PDF from the .docx with LibreOffice headless, so Word and PDF never differ in content.

``render_pdf(docx_bytes, *, timeout=120) -> bytes``

Each call runs ``soffice --headless --convert-to pdf`` in its own temporary
directory with its own LibreOffice profile (``-env:UserInstallation``), so calls
never share state and may run in parallel. The profile is created once per process
(LibreOffice's first start is slow; ``<tmp>/sakip-lo-profile-<uid>``) and
copied for each call. Errors raise
`PdfError` with an Indonesian message: LibreOffice missing, timed out, or failed.

Roman page numbers in the table of contents: LibreOffice computes every ``PAGEREF`` of the .docx at
layout, but prints it as an arabic number whatever its format switch, so the front matter's entries
(``PAGEREF … \\* roman``, which Word honours) would read 1, 2 beside BAB I's 1. A document with such
entries is converted twice: the first PDF carries the headings' bookmarks as named destinations, which
give each front-matter heading's page; the entries then become plain text (i, ii …) and the second
conversion is the PDF (`sakip.reports.pdf_toc`). Between the two, a chain of headings the first
conversion left at the foot of a page starts a new page (`sakip.reports.pdf_keep`).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from . import pdf_keep, pdf_toc

SOFFICE_NAMES = ("soffice", "libreoffice")
_profile_lock = threading.Lock()
_profile_dir: Path | None = None


class PdfError(RuntimeError):
    """The PDF could not be produced."""


def soffice_path() -> str | None:
    """The LibreOffice executable (``SAKIP_SOFFICE`` overrides), or ``None`` when not installed."""
    env = os.environ.get("SAKIP_SOFFICE")
    if env:
        return env if Path(env).exists() else None
    for name in SOFFICE_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def _command(soffice: str, profile: Path, outdir: Path, source: Path, destinations: bool = False) -> list[str]:
    export = "pdf:writer_pdf_Export"
    if destinations:  # bookmarks as named destinations (LibreOffice 7.4+: filter options as JSON)
        export += ':{"ExportBookmarksToPDFDestination":{"type":"boolean","value":"true"}}'
    return [
        soffice,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--norestore",
        "--nolockcheck",
        "--nodefault",
        "--convert-to",
        export,
        "--outdir",
        str(outdir),
        str(source),
    ]


def _run(command: list[str], timeout: float) -> subprocess.CompletedProcess[bytes]:
    """Run LibreOffice in its own process group; on timeout the whole group is killed.

    ``soffice`` is a launcher that starts ``soffice.bin``: killing only the launcher
    would leave the converter running.
    """
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True) as proc:
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise
        return subprocess.CompletedProcess(command, proc.returncode, out, err)


def _base_profile(soffice: str, timeout: float) -> Path:
    """A LibreOffice profile initialised once and shared read-only, copied for every conversion.

    It lives in the temporary directory under a name per user, and is created in a
    private directory then renamed into place, so concurrent processes never see a
    half-made profile and at most one is kept.
    """
    global _profile_dir
    with _profile_lock:
        if _profile_dir is not None and (_profile_dir / "user").exists():
            return _profile_dir
        shared = Path(tempfile.gettempdir()) / f"sakip-lo-profile-{os.getuid() if hasattr(os, 'getuid') else 0}"
        if not (shared / "user").exists():
            base = Path(tempfile.mkdtemp(prefix="sakip-lo-init-"))
            try:
                profile = base / "profile"
                src = base / "init.txt"
                src.write_text("", encoding="utf-8")
                try:
                    _run(_command(soffice, profile, base, src), timeout)
                except subprocess.TimeoutExpired as exc:
                    raise PdfError(f"LibreOffice tidak selesai dalam {timeout:g} detik saat menyiapkan profil") from exc
                if (profile / "user").exists():
                    with contextlib.suppress(OSError):  # another process was first: use its profile
                        profile.rename(shared)
            finally:
                shutil.rmtree(base, ignore_errors=True)
        if not (shared / "user").exists():
            raise PdfError("LibreOffice tidak dapat menyiapkan profil pengguna di direktori sementara")
        _profile_dir = shared
        return shared


def convert(
    source: Path, outdir: Path, *, timeout: float = 120, fresh_profile: bool = False, destinations: bool = False
) -> Path:
    """Convert one file with LibreOffice into ``outdir``; returns the PDF path."""
    soffice = soffice_path()
    if soffice is None:
        raise PdfError(
            "LibreOffice (soffice) tidak terpasang di server; PDF tidak dapat dibuat. "
            "Unduh versi Word (.docx) atau minta administrator memasang LibreOffice."
        )
    work = Path(tempfile.mkdtemp(prefix="sakip-pdf-"))
    try:
        profile = work / "profile"
        if not fresh_profile:
            shutil.copytree(_base_profile(soffice, max(timeout, 120)), profile, symlinks=True)
        try:
            proc = _run(_command(soffice, profile, outdir, source, destinations), timeout)
        except subprocess.TimeoutExpired as exc:
            raise PdfError(f"LibreOffice tidak selesai mengubah dokumen ke PDF dalam {timeout:g} detik") from exc
        pdf = outdir / (source.stem + ".pdf")
        if proc.returncode != 0 or not pdf.exists():
            detail = (proc.stderr or proc.stdout or b"").decode("utf-8", "replace").strip()[-500:]
            raise PdfError(f"LibreOffice gagal mengubah dokumen ke PDF (kode {proc.returncode}): {detail}")
        return pdf
    finally:
        shutil.rmtree(work, ignore_errors=True)


def render_pdf(docx_bytes: bytes, *, timeout: float = 120) -> bytes:
    """The PDF of a .docx (bytes in, bytes out)."""
    with tempfile.TemporaryDirectory(prefix="sakip-doc-") as tmp:
        d = Path(tmp)
        source = d / "dokumen.docx"
        source.write_bytes(docx_bytes)
        out = d / "out"
        out.mkdir()
        if not pdf_toc.has_roman_references(docx_bytes):
            return convert(source, out, timeout=timeout).read_bytes()
        started = time.monotonic()
        first = convert(source, out, timeout=timeout, destinations=True).read_bytes()
        pages = pdf_toc.destination_pages(first)
        # the second conversion also starts on a new page any heading the first left at a page's foot
        source.write_bytes(pdf_keep.break_before_stranded(pdf_toc.fix_roman_references(docx_bytes, pages), pages))
        left = max(timeout - (time.monotonic() - started), 1.0)
        return convert(source, out, timeout=left).read_bytes()
