"""``sakip check``: is this server ready to run a regency? One line per check, ✓/!/✗ and what to do.

Each check returns a :class:`Result` (``ok``, ``warn`` — works, but look at it — or ``fail``); the command
exits non-zero when one fails. Texts are Indonesian (operators read them) and wrapped for translation.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

OK, WARN, FAIL = "ok", "warn", "fail"
DEV_SECRET_PREFIX = "sakip-development-only-key"


@dataclass(frozen=True)
class Result:
    name: str
    status: str
    message: str
    hint: str = ""

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def check_environment() -> Result:
    name = _("Mode")
    if not getattr(settings, "PRODUCTION", False):
        return Result(name, FAIL, _("Sakip berjalan dalam mode pengembangan"),
                      _("atur SAKIP_ENV=production di berkas lingkungan (deploy/sakip.env.example)"))
    if settings.DEBUG:
        return Result(name, FAIL, _("DEBUG menyala"), _("DEBUG harus mati di server produksi"))
    return Result(name, OK, _("produksi, DEBUG mati"))


def check_secret_key() -> Result:
    name = _("Kunci rahasia")
    key = str(settings.SECRET_KEY or "")
    if not key or key.startswith(DEV_SECRET_PREFIX):
        return Result(name, FAIL, _("SAKIP_SECRET_KEY tidak diatur"),
                      _("buat dengan: python3 -c 'import secrets; print(secrets.token_urlsafe(60))'"))
    if len(key) < 50 or len(set(key)) < 5:
        return Result(name, FAIL, _("SAKIP_SECRET_KEY terlalu pendek atau sederhana"),
                      _("pakai minimal 50 karakter acak"))
    return Result(name, OK, _("diatur (%(n)d karakter)") % {"n": len(key)})


def check_allowed_hosts() -> Result:
    name = _("Nama host")
    hosts = [h for h in settings.ALLOWED_HOSTS if h]
    if not hosts or "*" in hosts:
        return Result(name, FAIL, _("SAKIP_ALLOWED_HOSTS kosong atau '*'"),
                      _("isi dengan nama domain server, mis. sakip.example.go.id"))
    return Result(name, OK, ", ".join(hosts))


def check_deploy() -> Result:
    from django.core import checks

    name = _("Pemeriksaan keamanan Django")
    found = [m for m in checks.run_checks(include_deployment_checks=True) if m.level >= checks.WARNING
             and not m.is_silenced()]
    if found:
        ids = ", ".join(sorted({m.id or "?" for m in found}))
        return Result(name, FAIL, _("%(n)d temuan: %(ids)s") % {"n": len(found), "ids": ids},
                      _("lihat: python -m sakip.web.manage check --deploy"))
    return Result(name, OK, _("check --deploy bersih"))


def check_database() -> Result:
    from django.db import connection

    name = _("Basis data")
    try:
        connection.ensure_connection()
        version = ".".join(str(p) for p in connection.get_database_version()[:2])
    except Exception as exc:
        return Result(name, FAIL, _("tidak dapat dihubungi (%(error)s)") % {"error": type(exc).__name__},
                      _("periksa DATABASE_URL dan apakah PostgreSQL berjalan (systemctl status postgresql)"))
    vendor = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}.get(connection.vendor, connection.vendor)
    if connection.vendor != "postgresql" and getattr(settings, "PRODUCTION", False):
        return Result(name, WARN, _("%(vendor)s %(version)s terhubung") % {"vendor": vendor, "version": version},
                      _("untuk satu pemda pakai PostgreSQL (DATABASE_URL=postgres://…)"))
    return Result(name, OK, _("%(vendor)s %(version)s terhubung") % {"vendor": vendor, "version": version})


def check_migrations() -> Result:
    from .health import unapplied_migrations

    name = _("Migrasi")
    try:
        pending = unapplied_migrations()
    except Exception as exc:
        return Result(name, FAIL, _("tidak dapat dibaca (%(error)s)") % {"error": type(exc).__name__},
                      _("perbaiki sambungan basis data dahulu"))
    if pending:
        return Result(name, FAIL, _("%(n)d migrasi belum dijalankan") % {"n": len(pending)},
                      _("jalankan: sakip migrate"))
    return Result(name, OK, _("semua sudah dijalankan"))


def check_libreoffice() -> Result:
    from sakip.reports.pdf import soffice_path

    name = _("LibreOffice")
    found = soffice_path()
    if found is None:
        return Result(name, FAIL, _("tidak ditemukan: unduhan PDF tidak dapat dibuat"),
                      _("pasang: apt-get install --no-install-recommends libreoffice-writer-nogui"))
    return Result(name, OK, found)


def check_fonts() -> Result:
    from sakip.reports.docx_layout import KNOWN_FONT_DIRS

    name = _("Huruf")
    present = [d for d in KNOWN_FONT_DIRS if d.is_dir() and any(d.glob("*.ttf"))]
    if not present:
        return Result(name, FAIL, _("Liberation/Arial tidak ditemukan: tata letak PDF akan bergeser"),
                      _("pasang: apt-get install fonts-liberation2"))
    return Result(name, OK, ", ".join(str(d) for d in present))


def _writable(path: Path) -> str | None:
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path, prefix=".sakip-check-"):
            pass
    except OSError as exc:
        return type(exc).__name__
    return None


def check_media() -> Result:
    name = _("Folder unggahan")
    root = Path(settings.MEDIA_ROOT)
    error = _writable(root)
    if error:
        return Result(name, FAIL, _("%(path)s tidak dapat ditulis (%(error)s)") % {"path": root, "error": error},
                      _("jadikan milik pengguna sakip: chown -R sakip: %(path)s") % {"path": root})
    free = shutil.disk_usage(root).free
    if free < 1024**3:
        return Result(name, WARN, _("%(path)s: sisa ruang %(mb)d MB") % {"path": root, "mb": free // 1024**2},
                      _("tambah ruang disk"))
    return Result(name, OK, _("%(path)s dapat ditulis") % {"path": root})


def check_static() -> Result:
    name = _("Berkas statis")
    root = Path(settings.STATIC_ROOT)
    manifest = root / "staticfiles.json"
    if getattr(settings, "PRODUCTION", False) and not manifest.is_file():
        return Result(name, FAIL, _("%(path)s belum berisi berkas statis") % {"path": root},
                      _("jalankan: sakip collectstatic"))
    if root.exists() and not os.access(root, os.W_OK):
        return Result(name, WARN, _("%(path)s tidak dapat ditulis") % {"path": root},
                      _("sakip collectstatic perlu menulis di sini saat pemutakhiran"))
    return Result(name, OK, str(root))


def check_worker() -> Result:
    from .worker import worker_state

    name = _("Pekerja latar")
    state = worker_state()
    if not state.installed:
        return Result(name, WARN, _("mesin pekerjaan latar belum terpasang pada versi ini"),
                      _("PDF dan batch dikerjakan di dalam proses web"))
    if not state.alive:
        return Result(name, FAIL, _("tidak ada detak terbaru (%(detail)s)") % {"detail": state.detail},
                      _("jalankan: systemctl start sakip-worker sakip-scheduler"))
    return Result(name, OK, _("hidup (%(detail)s)") % {"detail": state.detail})


def check_mail() -> Result:
    name = _("Surel")
    if not settings.EMAIL_BACKEND.endswith("smtp.EmailBackend"):
        return Result(name, WARN, _("SMTP belum diatur: pengingat hanya dicetak ke log"),
                      _("atur SAKIP_EMAIL_HOST, SAKIP_EMAIL_USER, SAKIP_EMAIL_PASSWORD, SAKIP_EMAIL_FROM"))
    if settings.DEFAULT_FROM_EMAIL.endswith("@localhost"):
        return Result(name, WARN, _("SMTP %(host)s, tetapi pengirim %(sender)s")
                      % {"host": settings.EMAIL_HOST, "sender": settings.DEFAULT_FROM_EMAIL},
                      _("atur SAKIP_EMAIL_FROM ke alamat yang dapat dibalas"))
    return Result(name, OK, _("SMTP %(host)s:%(port)s, pengirim %(sender)s")
                  % {"host": settings.EMAIL_HOST, "port": settings.EMAIL_PORT, "sender": settings.DEFAULT_FROM_EMAIL})


CHECKS: tuple[Callable[[], Result], ...] = (
    check_environment,
    check_secret_key,
    check_allowed_hosts,
    check_deploy,
    check_database,
    check_migrations,
    check_libreoffice,
    check_fonts,
    check_media,
    check_static,
    check_worker,
    check_mail,
)


def run_checks() -> list[Result]:
    results: list[Result] = []
    database_down = False
    for check in CHECKS:
        if database_down and check is check_migrations:
            results.append(Result(_("Migrasi"), FAIL, _("tidak diperiksa: basis data tidak dapat dihubungi")))
            continue
        try:
            result = check()
        except Exception as exc:  # a check that breaks is a failed check, and the others still run
            result = Result(check.__name__.removeprefix("check_"), FAIL, type(exc).__name__)
        database_down = database_down or (check is check_database and result.status == FAIL)
        results.append(result)
    return results
