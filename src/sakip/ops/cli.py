"""Operator commands: ``sakip check``, ``sakip migrate``, ``sakip collectstatic``, ``sakip regency create``.

Django is set up on use (``SAKIP_ENV``, ``DATABASE_URL`` … from the environment, as for the web app; the
systemd units and docs/deployment.md read them from ``/etc/sakip/sakip.env``).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

JsonOpt = Annotated[bool, typer.Option("--json", help="Keluaran JSON untuk dibaca program.")]
DataDirOpt = Annotated[
    Path | None, typer.Option("--data-dir", help="Folder basis data SQLite dan berkas unggahan (bawaan ./var).")
]
MARKS = {"ok": "✓", "warn": "!", "fail": "✗"}


def _django(data_dir: Path | None = None) -> None:
    if data_dir is not None:
        os.environ["SAKIP_DATA_DIR"] = str(data_dir.resolve())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sakip.web.settings")
    import django

    django.setup()


def _fail(message: str) -> NoReturn:
    sys.stderr.write(f"sakip: error: {message}\n")
    raise typer.Exit(2)


def check(as_json: JsonOpt = False, data_dir: DataDirOpt = None) -> None:
    """Periksa kesiapan server: pengaturan, basis data dan migrasi, LibreOffice dan huruf, folder, pekerja, surel.

    Satu baris per pemeriksaan (✓ baik, ! perlu dilihat, ✗ gagal, dengan apa yang harus dilakukan); kode keluar 1
    bila ada yang gagal.
    """
    try:
        _django(data_dir)
    except Exception as exc:  # a missing SAKIP_SECRET_KEY in production, a bad DATABASE_URL …
        results: list[Any] = [{"name": "Pengaturan", "status": "fail",
                               "message": f"pengaturan tidak dapat dibaca ({type(exc).__name__}: {exc})",
                               "hint": "periksa berkas lingkungan (deploy/sakip.env.example)"}]
    else:
        from .checks import run_checks

        results = [r.as_dict() for r in run_checks()]
    failed = [r for r in results if r["status"] == "fail"]
    if as_json:
        sys.stdout.write(json.dumps({"ok": not failed, "checks": results}, ensure_ascii=False, indent=2) + "\n")
    else:
        for r in results:
            hint = f" — {r['hint']}" if r["hint"] and r["status"] != "ok" else ""
            sys.stdout.write(f"{MARKS[r['status']]} {r['name']}: {r['message']}{hint}\n")
        sys.stdout.write(("siap" if not failed else f"{len(failed)} pemeriksaan gagal") + "\n")
    raise typer.Exit(1 if failed else 0)


def migrate(data_dir: DataDirOpt = None) -> None:
    """Jalankan migrasi basis data (setelah pemasangan dan setiap pemutakhiran)."""
    _django(data_dir)
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=1)


def collectstatic(data_dir: DataDirOpt = None) -> None:
    """Kumpulkan berkas statis (CSS, skrip) ke STATIC_ROOT untuk nginx (setelah setiap pemutakhiran)."""
    _django(data_dir)
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=1)


regency_app = typer.Typer(help="Pemda: buat pemda baru beserta admin pertamanya.", no_args_is_help=True)


@regency_app.command("create")
def create_regency(
    code: Annotated[str, typer.Argument(help="Kode pemda (huruf kecil, angka, '-'), mis. kab-jember.")],
    name: Annotated[str, typer.Option("--name", help="Nama pemda, mis. 'Kabupaten Jember'.")],
    admin: Annotated[str, typer.Option("--admin", help="Nama pengguna admin pertama.")],
    province: Annotated[str, typer.Option("--province", help="Nama provinsi.")] = "",
    email: Annotated[str, typer.Option("--email", help="Surel admin.")] = "",
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Baca kata sandi admin dari masukan standar (untuk skrip).")
    ] = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Buat pemda dan admin pertamanya (peran admin pemda); kata sandi ditanyakan, tidak pernah di baris perintah."""
    _django(data_dir)
    from django.contrib.auth import get_user_model
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_slug
    from django.db import transaction

    from sakip.accounts.models import Membership, Regency, Role
    from sakip.audit.context import actor

    try:
        validate_slug(code)
    except ValidationError:
        _fail(f"kode pemda {code!r} tidak sah: pakai huruf, angka, '-' atau '_'")
    if Regency.objects.filter(code=code).exists():
        _fail(f"pemda {code!r} sudah ada")
    User = get_user_model()
    if User.objects.filter(username=admin).exists():
        _fail(f"pengguna {admin!r} sudah ada")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = typer.prompt("Kata sandi admin", hide_input=True, confirmation_prompt=True)
    candidate = User(username=admin, email=email)
    try:
        validate_password(password, candidate)
    except ValidationError as exc:
        _fail("kata sandi ditolak: " + " ".join(exc.messages))
    with actor("sistem", "sakip regency create"), transaction.atomic():
        regency = Regency.objects.create(code=code, name=name, province=province)
        user = User.objects.create_user(username=admin, email=email, password=password, is_staff=True)
        Membership.objects.create(user=user, regency=regency, office=None, role=Role.ADMIN)
    sys.stdout.write(f"pemda {regency.code} ({regency.name}) dibuat; admin: {user.get_username()}\n")


def register(app: typer.Typer) -> None:
    """Add the operator commands to the ``sakip`` application."""
    app.command("check")(check)
    app.command("migrate")(migrate)
    app.command("collectstatic")(collectstatic)
    app.add_typer(regency_app, name="regency")
