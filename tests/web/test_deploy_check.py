"""Production settings pass Django's deployment checklist (``manage.py check --deploy``)."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys


def test_production_settings_pass_check_deploy(tmp_path: object) -> None:
    env = {
        **os.environ,
        "SAKIP_ENV": "production",
        "SAKIP_SECRET_KEY": secrets.token_urlsafe(60),
        "SAKIP_ALLOWED_HOSTS": "sakip.example.go.id",
        "DJANGO_SETTINGS_MODULE": "sakip.web.settings",
    }
    env.pop("SAKIP_DEBUG", None)
    done = subprocess.run(
        [sys.executable, "-m", "sakip.web.manage", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout
