"""`sakip demo` restarts on its existing data (issue #14); ``--reset`` starts afresh, saying so.

Before, the second start failed ("… sudah disetujui dan dikunci", exit 1): the seed offices were
imported again over the published (locked) year of Kandangserang.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from sakip.accounts.models import Office, Regency
from sakip.core.demo import DEMO_PASSWORD, setup_demo_state
from sakip.monitoring.models import IndicatorYear, Quarter
from sakip.workflow.demo import publish_example
from sakip.workflow.services import is_locked


@pytest.mark.django_db
def test_a_second_setup_keeps_the_entries_users_and_the_locked_year() -> None:
    first = setup_demo_state()
    assert not first.restarted and len(first.created_offices) == 4
    regency = Regency.objects.get(code="demo")
    publish_example(regency)  # Kandangserang's reporting year approved and locked, as `sakip demo` does
    kandangserang = Office.objects.get(code="kandangserang")
    assert is_locked(kandangserang, 2021, "annual")
    # an operator's entry and a user's own password, made in the browser
    year = IndicatorYear.objects.filter(indicator__plan__office__code="kaloran", year=2020).first()
    assert year is not None
    row = Quarter.objects.create(indicator_year=year, quarter=1, value=Decimal("12.5"), explanation="diisi di peramban")
    user = get_user_model().objects.get(username="operator-kaloran")
    user.set_password("kata-sandi-baru-2026")
    user.save()

    second = setup_demo_state()  # before: DatasetError "… sudah disetujui dan dikunci"
    assert second.restarted and sorted(second.kept_offices) == sorted(first.created_offices)
    assert second.created_offices == [] and "operator-kaloran" in second.kept_users
    assert [login.username for login in second.logins] == [login.username for login in first.logins]
    row.refresh_from_db()
    assert (row.value, row.explanation) == (Decimal("12.5"), "diisi di peramban")
    assert is_locked(kandangserang, 2021, "annual")
    assert Client().login(username="operator-kaloran", password="kata-sandi-baru-2026")
    assert Client().login(username="kepala-kaloran", password=DEMO_PASSWORD)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(data_dir: Path, *extra: str) -> str:
    """Run `sakip demo` until its server answers, then stop it; its output."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env["SAKIP_DATA_DIR"] = str(data_dir)
    env["PYTHONUNBUFFERED"] = "1"
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "sakip"), "demo", "--port", str(port), "--data-dir", str(data_dir), *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        cwd=data_dir,
    )
    out: list[str] = []
    try:
        assert proc.stdout is not None
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            out.append(line)
            if "berjalan di" in line:
                break
        # the server answers
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if proc.poll() is not None:
                    break
                time.sleep(0.2)
        assert proc.poll() is None, "".join(out) + (proc.stdout.read() or "")
    finally:
        proc.terminate()
        try:
            rest, _ = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            rest, _ = proc.communicate()
    return "".join(out) + (rest or "")


@pytest.mark.own_sqlite  # `sakip demo` on its own SQLite file: the SQLite pass runs it
def test_a_real_second_start_on_the_same_data_dir_and_a_reset(tmp_path: Path) -> None:
    first = _start(tmp_path)
    assert "berjalan di" in first and "sudah ada" not in first
    assert (tmp_path / "sakip.sqlite3").exists()
    (tmp_path / "media").mkdir(exist_ok=True)
    (tmp_path / "media" / "bukti.txt").write_text("unggahan")

    second = _start(tmp_path)  # before: exit 1 "… sudah disetujui dan dikunci"
    assert "berjalan di" in second, second
    assert "Memakai data demo yang sudah ada" in second and "--reset" in second
    assert (tmp_path / "media" / "bukti.txt").exists()

    third = _start(tmp_path, "--reset")
    assert "Mulai dari awal (--reset): dihapus" in third and "sakip.sqlite3" in third, third
    assert "berjalan di" in third and "sudah ada" not in third
    assert not (tmp_path / "media" / "bukti.txt").exists()
