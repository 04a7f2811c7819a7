"""Settings for the whole test run, and the ``browser`` marker's skip rule.

* Passwords are hashed with a fast hasher (the demo creates ten users per load).
* Uploaded files go to a temporary MEDIA_ROOT, never to ``./var``.
* Background jobs run inside the request that asks for them (django-tasks' immediate backend),
  deterministic; a test of the real queue sets ``settings.TASKS`` to the database backend and runs
  a worker (``tests/jobs``).
* Tests marked ``browser`` need Debian's Chromium (``/usr/bin/chromium`` or
  ``SAKIP_CHROMIUM``); tests marked ``pdf`` need LibreOffice and pdftoppm. Without
  them they are skipped with the reason — except under CI (``CI`` set), where every
  test must run and they fail instead.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

IN_CI = os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


def chromium_path() -> str | None:
    configured = os.environ.get("SAKIP_CHROMIUM")
    if configured:
        return configured if Path(configured).exists() else None
    for candidate in ("/usr/bin/chromium", "/usr/bin/chromium-browser"):
        if Path(candidate).exists():
            return candidate
    return shutil.which("chromium")


def pdf_tools_present() -> bool:
    return bool((shutil.which("soffice") or shutil.which("libreoffice")) and shutil.which("pdftoppm"))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if IN_CI:
        return
    skips: dict[str, pytest.MarkDecorator] = {}
    if chromium_path() is None:
        skips["browser"] = pytest.mark.skip(
            reason="Chromium not found (apt-get install chromium, or set SAKIP_CHROMIUM); `python3 dev.py test` "
            "installs it when run as root"
        )
    if not pdf_tools_present():
        skips["pdf"] = pytest.mark.skip(
            reason="LibreOffice or pdftoppm not found (apt-get install libreoffice-writer-nogui poppler-utils); "
            "`python3 dev.py test` installs them when run as root"
        )
    for item in items:
        for marker, skip in skips.items():
            if marker in item.keywords:
                item.add_marker(skip)


@pytest.fixture(scope="session", autouse=True)
def _test_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    from django.conf import settings
    from django.contrib.auth.hashers import get_hashers, get_hashers_by_algorithm
    from django.test import override_settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = str(tmp_path_factory.mktemp("media"))
    get_hashers.cache_clear()
    get_hashers_by_algorithm.cache_clear()
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}):
        yield


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Every test starts in the default language. A request through the test client activates its language
    in this thread (``LocaleMiddleware``) and nothing resets it: an English request leaked into the next test
    (the 500 page and the number messages came out in English after the translation tests)."""
    yield
    from django.utils import translation

    translation.deactivate()
