#!/usr/bin/env python3
"""Set up and run Sakip with nothing but Python 3.11+ and pip.

    python3 dev.py demo          # the main job: the demo with the three seed offices
    python3 dev.py test [ARGS]   # lint (ruff), type check (mypy) and the test suite (pytest ARGS)
                                 # on SQLite and PostgreSQL (SAKIP_TEST_DATABASES=sqlite: SQLite only)
    python3 dev.py sakip ARGS    # any sakip command inside the project's environment
    python3 dev.py screenshots [DIR]  # the main pages of the demo at 1280 px and 390 px as PNG files
                                 # (default docs/screenshots; needs Chromium: apt-get install chromium)
    python3 dev.py messages      # update the English catalogue, list what to translate, compile it

The first run creates ``.venv`` and installs the locked dependencies
(``requirements.lock``, with hashes) and Sakip itself; later runs reuse it and
reinstall only when the lock file or ``pyproject.toml`` changed.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".sakip-installed"


def _fingerprint() -> str:
    h = hashlib.sha256()
    for name in ("requirements.lock", "pyproject.toml"):
        h.update((ROOT / name).read_bytes())
    return h.hexdigest()


def _run(*args: str | Path, check: bool = True) -> int:
    print("+", " ".join(str(a) for a in args), flush=True)
    rc = subprocess.call([str(a) for a in args], cwd=ROOT)
    if check and rc != 0:
        sys.exit(rc)
    return rc


def ensure_environment() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py may be started by an older python3
        sys.exit(f"Sakip needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    if not PY.exists():
        print(f"Creating the virtual environment in {VENV} ...", flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    want = _fingerprint()
    if STAMP.exists() and STAMP.read_text().strip() == want:
        return
    _run(
        PY,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--require-hashes",
        "-r",
        ROOT / "requirements.lock",
    )
    _run(PY, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps", "-e", ROOT)
    STAMP.write_text(want)


def test(args: list[str]) -> int:
    _run(BIN / "ruff", "check", "src", "tests", "benchmarks", "dev.py", ".ci")
    _run(BIN / "mypy")
    # System packages (PostgreSQL, Chromium), the deploy check, then pytest on SQLite and on a
    # throwaway PostgreSQL; pytest's exit code 5 (nothing collected) counts as success there.
    return _run(PY, ROOT / ".ci" / "testrun.py", *args, check=False)


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(__doc__)
        return 0 if argv else 2
    command, rest = argv[0], argv[1:]
    ensure_environment()
    if command == "demo":
        return _run(BIN / "sakip", "demo", *rest, check=False)
    if command == "test":
        return test(rest)
    if command == "sakip":
        return _run(BIN / "sakip", *rest, check=False)
    if command == "screenshots":
        return _run(PY, "-m", "sakip.web.screenshots", *rest, check=False)
    if command == "messages":
        return _run(PY, ROOT / ".ci" / "messages.py", *rest, check=False)
    print(f"unknown command {command!r}\n{__doc__}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
