"""``sakip check`` (one line per check, exit code, --json) and ``sakip regency create`` on the real database."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from typer.testing import CliRunner

from sakip.accounts.models import Membership, Regency, Role
from sakip.cli import app
from sakip.ops import checks
from sakip.ops.checks import FAIL, OK, WARN, run_checks

pytestmark = pytest.mark.django_db(transaction=True)
runner = CliRunner()


def _by_name(results: list[checks.Result]) -> dict[str, checks.Result]:
    return {r.name: r for r in results}


@pytest.fixture()
def production(settings: Any, tmp_path: Path) -> Any:
    """The settings a correct production server has (on this test's database)."""
    settings.PRODUCTION = True
    settings.DEBUG = False
    settings.SECRET_KEY = "k" * 20 + "ZyXwVuTsRqPoNmLkJiHgFeDcBa0123456789"
    settings.ALLOWED_HOSTS = ["sakip.example.go.id"]
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = settings.SECURE_HSTS_PRELOAD = True
    settings.STATIC_ROOT = tmp_path / "static"
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "staticfiles.json").write_text("{}")
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "smtp.example.go.id", 587
    settings.DEFAULT_FROM_EMAIL = "sakip@example.go.id"
    return settings


def test_a_correct_production_server_passes(production: Any) -> None:
    results = _by_name(run_checks())
    assert results["Mode"].status == OK
    assert results["Kunci rahasia"].status == OK
    assert results["Nama host"].message == "sakip.example.go.id"
    assert results["Pemeriksaan keamanan Django"].status == OK, results["Pemeriksaan keamanan Django"]
    assert results["Basis data"].status in (OK, WARN)  # SQLite works, PostgreSQL is advised
    assert results["Migrasi"].status == OK
    assert results["Folder unggahan"].status == OK and Path(production.MEDIA_ROOT).is_dir()
    assert results["Berkas statis"].status == OK
    assert results["Surel"].status == OK and "smtp.example.go.id:587" in results["Surel"].message
    assert results["Pekerja latar"].status in (OK, WARN, FAIL)  # depends on the jobs engine and a worker


def test_each_mistake_is_one_failed_line_with_what_to_do(production: Any, tmp_path: Path) -> None:
    production.DEBUG = True
    production.SECRET_KEY = "sakip-development-only-key-not-for-production-use-0123456789"
    production.ALLOWED_HOSTS = ["*"]
    production.STATIC_ROOT = tmp_path / "kosong"
    blocked = tmp_path / "berkas"
    blocked.write_text("bukan folder")
    production.MEDIA_ROOT = blocked / "media"
    production.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    results = _by_name(run_checks())
    for name in ("Mode", "Kunci rahasia", "Nama host", "Pemeriksaan keamanan Django", "Folder unggahan",
                 "Berkas statis"):
        assert results[name].status == FAIL, name
        assert results[name].hint, name
    assert "sakip collectstatic" in results["Berkas statis"].hint
    assert results["Surel"].status == WARN and "SAKIP_EMAIL_HOST" in results["Surel"].hint


def test_libreoffice_and_fonts_as_found_on_this_machine() -> None:
    from sakip.reports.pdf import soffice_path

    results = _by_name(run_checks())
    assert results["LibreOffice"].status == (OK if soffice_path() else FAIL)
    fonts = any(Path("/usr/share/fonts/truetype", d).is_dir() for d in ("liberation2", "liberation"))
    assert results["Huruf"].status == OK or not fonts


def test_the_command_prints_lines_and_fails_in_development() -> None:
    """The test settings are development ones: the command says so and exits 1."""
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith("✗ Mode: Sakip berjalan dalam mode pengembangan — atur SAKIP_ENV=production")
    assert any(line.startswith("✓ Migrasi: ") for line in lines)
    assert lines[-1].endswith("pemeriksaan gagal")
    assert all(line[:2] in ("✓ ", "! ", "✗ ") for line in lines[:-1])


def test_the_command_json(production: Any) -> None:
    result = runner.invoke(app, ["check", "--json"])
    data = json.loads(result.stdout)
    names = [c["name"] for c in data["checks"]]
    assert names[:6] == ["Mode", "Kunci rahasia", "Nama host", "Pemeriksaan keamanan Django", "Basis data", "Migrasi"]
    assert {c["status"] for c in data["checks"]} <= {OK, WARN, FAIL}
    assert data["ok"] is (result.exit_code == 0)
    assert data["ok"] is all(c["status"] != FAIL for c in data["checks"])


def test_regency_create_makes_the_regency_and_its_first_admin() -> None:
    result = runner.invoke(
        app, ["regency", "create", "kab-uji", "--name", "Kabupaten Uji", "--province", "Jawa Timur",
              "--admin", "admin-uji", "--email", "admin@uji.go.id", "--password-stdin"],
        input="Kuat-Sekali-2026!\n",
    )
    assert result.exit_code == 0, result.output
    assert "pemda kab-uji (Kabupaten Uji) dibuat; admin: admin-uji" in result.stdout
    regency = Regency.objects.get(code="kab-uji")
    assert regency.province == "Jawa Timur"
    user = get_user_model().objects.get(username="admin-uji")
    assert user.check_password("Kuat-Sekali-2026!") and user.is_staff and not user.is_superuser
    membership = Membership.objects.get(user=user)
    assert membership.regency == regency and membership.role == Role.ADMIN and membership.office is None


@pytest.mark.parametrize(
    ("args", "password", "message"),
    [
        (["kab uji"], "Kuat-Sekali-2026!", "kode pemda 'kab uji' tidak sah"),
        (["kab-ada"], "Kuat-Sekali-2026!", "pemda 'kab-ada' sudah ada"),
        (["kab-baru"], "12345", "kata sandi ditolak"),
    ],
)
def test_regency_create_refuses(args: list[str], password: str, message: str) -> None:
    Regency.objects.create(code="kab-ada", name="Kabupaten Ada")
    result = runner.invoke(app, ["regency", "create", *args, "--name", "X", "--admin", "admin-x", "--password-stdin"],
                           input=password + "\n")
    assert result.exit_code == 2
    assert message in result.stderr
    assert not get_user_model().objects.filter(username="admin-x").exists()


def test_settings_that_cannot_be_read_are_one_failed_line(tmp_path: Path) -> None:
    """Production without SAKIP_SECRET_KEY: the settings module fails; the command says which variable."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith(("SAKIP_", "DJANGO_SETTINGS_MODULE"))}
    env.update(SAKIP_ENV="production", SAKIP_DATA_DIR=str(tmp_path))
    done = subprocess.run([str(Path(sys.executable).parent / "sakip"), "check", "--json"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    [only] = json.loads(done.stdout)["checks"]
    assert only["name"] == "Pengaturan" and only["status"] == FAIL
    assert "SAKIP_SECRET_KEY" in only["message"]
