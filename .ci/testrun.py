#!/usr/bin/env python3
"""The test passes behind ``python3 dev.py test`` (dev.py runs this with the project's Python).

    python .ci/testrun.py [PYTEST ARGS]

1. The Debian packages some tests need — ``postgresql`` (a throwaway server) and
   ``chromium`` (the browser tests), ``libreoffice-writer-nogui`` and ``poppler-utils``
   (PDF documents and their page images), ``fonts-liberation2`` (metric-compatible Arial and
   Times New Roman, so a PDF lays out as in Word) — are installed with apt-get when they are
   missing (``apt-get update`` once, then ``apt-get install -y --no-install-recommends``).
   When that cannot be done (not root, no apt-get) the reason is printed and only
   what needs them is skipped: the PostgreSQL pass, and the tests marked
   ``browser`` (tests/web/conftest.py skips them when Chromium is absent). Under CI
   (``CI`` set) nothing is skipped: a missing package is an error.
2. ``django check --deploy --fail-level WARNING`` with production settings.
3. The whole pytest suite on SQLite.
4. The pytest suite on PostgreSQL, but for the pure layers, the PDF conversions and the browser tests (see
   ``POSTGRES_DEFAULT_SELECTION``), side by side with the SQLite pass (each pass is one process; together
   they take about as long as the longer one; its output is printed when it ends; ``SAKIP_TEST_SERIAL=1``
   runs them one after the other): a cluster made with initdb in a temporary
   directory (as the ``postgres`` user when we are root), listening on 127.0.0.1 on a
   free port, stopped and deleted at the end whatever happens.

The PostgreSQL helpers (``Server``, ``postgres_cluster``, ``primary_and_replica``: a primary and a streaming
replica of it) are also imported by tests/replica/test_replica_routing.py (marker ``replica``, PostgreSQL pass).

``SAKIP_TEST_DATABASES=sqlite`` (or ``postgres``) runs only that pass. pytest's exit
code 5 (no test collected for the selection) counts as success, with a message.
Standard library only.
"""

from __future__ import annotations

import contextlib
import glob
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() not in ("", "0", "false", "no")
#: SAKIP_TEST_SERIAL=1: the SQLite and PostgreSQL passes one after the other (by default they run side by
#: side when the machine has two cores or more: each pass is one process, so together they take about as
#: long as the longer one)
SERIAL = os.environ.get("SAKIP_TEST_SERIAL", "").lower() not in ("", "0", "false", "no") or (os.cpu_count() or 1) < 2
PG_USER = "sakip"
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")


def say(message: str) -> None:
    print(f"[testrun] {message}", flush=True)


def run(args: list[str], env: dict[str, str] | None = None, check: bool = True, **kw: object) -> int:
    print("+", " ".join(args), flush=True)
    rc = subprocess.call(args, env=env, **kw)  # type: ignore[arg-type]
    if check and rc != 0:
        raise SystemExit(rc)
    return rc


# ----------------------------------------------------------------------------- system packages


def pg_bindir() -> Path | None:
    if os.environ.get("SAKIP_PG_BINDIR"):
        return Path(os.environ["SAKIP_PG_BINDIR"])
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb else None


def chromium() -> str | None:
    if os.environ.get("SAKIP_CHROMIUM"):
        return os.environ["SAKIP_CHROMIUM"] if Path(os.environ["SAKIP_CHROMIUM"]).exists() else None
    return next((c for c in CHROMIUM_CANDIDATES if Path(c).exists()), None) or shutil.which("chromium")


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def _present() -> dict[str, bool]:
    # Debian package name -> whether what the tests need from it is on the machine.
    return {
        "postgresql": pg_bindir() is not None,
        "chromium": chromium() is not None,
        "libreoffice-writer-nogui": soffice() is not None,  # .docx -> PDF
        "poppler-utils": shutil.which("pdftoppm") is not None,  # PDF pages -> PNG
        # metric-compatible Arial / Times New Roman: the PDF lays out as Word does (no number broken
        # across lines because a substitute font is wider)
        "fonts-liberation2": Path("/usr/share/fonts/truetype/liberation2").is_dir(),
    }


def ensure_system_packages() -> dict[str, str]:
    """Install what is missing; return {package: why it is still missing}."""
    present = _present()
    missing = [name for name, ok in present.items() if not ok]
    if not missing:
        return {}
    why = ""
    if not shutil.which("apt-get"):
        why = "apt-get is not available on this machine"
    elif hasattr(os, "geteuid") and os.geteuid() != 0:
        why = f"not running as root, so cannot apt-get install {' '.join(missing)} (install them yourself)"
    if not why:
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        say(f"installing Debian packages: {' '.join(missing)}")
        if run(["apt-get", "update", "-q"], env=env, check=False) != 0:
            why = "apt-get update failed"
        elif (
            run(["apt-get", "install", "-y", "-q", "--no-install-recommends", *missing], env=env, check=False) != 0
        ):
            why = "apt-get install failed"
    present = _present()
    return {name: why or "not found after installing" for name, ok in present.items() if not ok}


# ----------------------------------------------------------------------------- PostgreSQL


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


#: the throwaway servers' settings: fast and unsafe (nothing of them outlives the run)
FAST_OPTIONS = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=50"


class Server:
    """One throwaway PostgreSQL server: its directory, its port, pg_ctl (as the ``postgres`` user when root)."""

    def __init__(self, prefix: str = "sakip-pg-") -> None:
        bindir = pg_bindir()
        assert bindir is not None
        self.bindir = bindir
        self.as_root = hasattr(os, "geteuid") and os.geteuid() == 0
        self.run_as: list[str] = []
        self.owner: tuple[int, int] | None = None
        if self.as_root:  # initdb and postgres refuse to run as root
            try:
                import pwd

                pw = pwd.getpwnam("postgres")
            except KeyError:
                raise SystemExit("running as root and there is no 'postgres' user to run the test server") from None
            self.run_as = ["runuser", "-u", "postgres", "--"]
            self.owner = (pw.pw_uid, pw.pw_gid)
        self.base = Path(tempfile.mkdtemp(prefix=prefix))
        self.data, self.log = self.base / "data", self.base / "server.log"
        if self.owner is not None:
            os.chown(self.base, *self.owner)
        self.port = 0
        self.running = False

    def url(self, database: str = "sakip") -> str:
        return f"postgres://{PG_USER}@127.0.0.1:{self.port}/{database}"

    def tool(self, name: str, *args: str, check: bool = True, quiet: bool = True) -> int:
        """Run one of PostgreSQL's programs (initdb, pg_ctl, pg_basebackup, psql …) in the server's directory."""
        return run([*self.run_as, str(self.bindir / name), *args], check=check,
                   stdout=subprocess.DEVNULL if quiet else None, cwd=self.base)

    def initdb(self) -> None:
        self.tool("initdb", "-D", str(self.data), "-U", PG_USER, "--auth=trust", "-E", "UTF8", "--locale=C",
                  "--no-sync")

    def start(self, options: str = FAST_OPTIONS, attempts: int = 5) -> None:
        """Start on a free port of 127.0.0.1 (a new one for each attempt)."""
        for attempt in range(attempts):
            port = self.port or free_port()
            full = f"-c listen_addresses=127.0.0.1 -p {port} -k {self.base} {options}"
            if self.tool("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", full, "-w", "-t", "60", "start",
                         check=False) == 0:
                self.port, self.running = port, True
                return
            say(f"PostgreSQL did not start on port {port} (attempt {attempt + 1}):\n"
                f"{self.log.read_text(errors='replace')}")
        raise SystemExit("could not start the throwaway PostgreSQL server")

    def stop(self, mode: str = "immediate") -> None:
        if self.running:
            self.tool("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop", check=False)
            self.running = False

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.base, ignore_errors=True)


@contextlib.contextmanager
def postgres_cluster() -> Iterator[str]:
    """A throwaway PostgreSQL server; yields its DATABASE_URL. Stopped and deleted on exit."""
    server = Server()
    try:
        server.initdb()
        server.start()
        say(f"throwaway PostgreSQL in {server.base} on 127.0.0.1:{server.port}")
        yield server.url()
    finally:
        server.remove()
        say(f"PostgreSQL stopped, {server.base} deleted")


@contextlib.contextmanager
def primary_and_replica(options: str = "-c fsync=off -c synchronous_commit=off") -> Iterator[tuple[Server, Server]]:
    """A throwaway primary and a streaming replica of it (``pg_basebackup -R``: a hot standby), each on its own
    free port; both stopped and deleted on exit. The primary keeps full-page writes (a base backup needs them)."""
    primary, replica = Server("sakip-primary-"), Server("sakip-replica-")
    try:
        primary.initdb()
        primary.start(options)
        replica.tool("pg_basebackup", "-D", str(replica.data), "-R", "-X", "stream", "--no-sync", "-c", "fast",
                     "-h", "127.0.0.1", "-p", str(primary.port), "-U", PG_USER)
        replica.start(f"{options} -c hot_standby=on")
        say(f"throwaway primary on 127.0.0.1:{primary.port}, streaming replica on 127.0.0.1:{replica.port}")
        yield primary, replica
    finally:
        replica.remove()
        primary.remove()


# ----------------------------------------------------------------------------- passes


def deploy_check() -> None:
    env = dict(os.environ, SAKIP_ENV="production", SAKIP_SECRET_KEY=secrets.token_urlsafe(60),
               SAKIP_ALLOWED_HOSTS="example.org", DJANGO_SETTINGS_MODULE="sakip.web.settings")
    env.pop("DATABASE_URL", None)
    say("django check --deploy with production settings")
    run([sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"], env=env, cwd=ROOT)


COUNTS = {"passed": 0, "failed": 0, "skipped": 0}


def count_results(junit: Path) -> None:
    """Add a pass's results (from pytest's JUnit XML) to COUNTS, for the closing line."""
    try:
        root = ET.parse(junit).getroot()
    except (OSError, ET.ParseError):
        return
    for suite in root.iter("testsuite"):
        tests, skipped = int(suite.get("tests", 0)), int(suite.get("skipped", 0))
        failed = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        COUNTS["passed"] += tests - skipped - failed
        COUNTS["failed"] += failed
        COUNTS["skipped"] += skipped


def pytest_pass(name: str, args: list[str], env: dict[str, str]) -> int:
    """One pass in the foreground, its output live."""
    return finish_pass(start_pass(name, args, env, quiet=False))


class Pass:
    """A pytest pass running as a child process (its output in a file when it runs beside another)."""

    def __init__(self, name: str, process: subprocess.Popen[bytes], junit_dir: str, output: Path | None) -> None:
        self.name, self.process, self.junit_dir, self.output = name, process, junit_dir, output
        self.started = time.monotonic()


def start_pass(name: str, args: list[str], env: dict[str, str], *, quiet: bool) -> Pass:
    say(f"pytest on {name}" + (" (beside the other pass; its output follows when it ends)" if quiet else ""))
    tmp = tempfile.mkdtemp(prefix="sakip-junit-")
    command = [sys.executable, "-m", "pytest", f"--junitxml={Path(tmp) / 'junit.xml'}", *args]
    print("+", " ".join(command), flush=True)
    output = Path(tmp) / "output.txt" if quiet else None
    if output is not None:
        with output.open("wb") as sink:
            process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=sink, stderr=subprocess.STDOUT)
    else:
        process = subprocess.Popen(command, env=env, cwd=ROOT)
    return Pass(name, process, tmp, output)


def finish_pass(p: Pass) -> int:
    try:
        rc = p.process.wait()
    finally:
        if p.process.poll() is None:  # interrupted: the child goes too
            p.process.kill()
            p.process.wait()
        if p.output is not None and p.output.exists():
            say(f"output of the pass on {p.name}:")
            sys.stdout.write(p.output.read_text(errors="replace"))
            sys.stdout.flush()
        count_results(Path(p.junit_dir) / "junit.xml")
        shutil.rmtree(p.junit_dir, ignore_errors=True)
    say(f"pytest on {p.name}: exit code {rc} after {time.monotonic() - p.started:.0f} s")
    if rc == 5:
        say(f"pytest collected no tests for this selection on {p.name} (exit code 5); nothing failed.")
        return 0
    return rc


#: The PostgreSQL pass repeats what can differ between databases. The pure layers (the domain engine and
#: the dataset loader: no database at all), the LibreOffice conversions (which never read the database)
#: and the browser tests (what they add over the page tests is the browser, not the database) already ran
#: in the SQLite pass. Explicit pytest arguments replace this selection (SAKIP_TEST_DATABASES=postgres
#: python .ci/testrun.py -m browser runs the browser tests on PostgreSQL).
POSTGRES_DEFAULT_SELECTION = [
    "--ignore=tests/domain", "--ignore=tests/dataset", "-m", "not pdf and not browser and not own_sqlite"
]


def main(args: list[str]) -> int:
    wanted = {d.strip() for d in os.environ.get("SAKIP_TEST_DATABASES", "sqlite,postgres").split(",") if d.strip()}
    unknown = wanted - {"sqlite", "postgres"}
    if unknown or not wanted:
        raise SystemExit(f"SAKIP_TEST_DATABASES: use sqlite, postgres or both, not {sorted(unknown)}")
    missing = ensure_system_packages()
    for package, why in missing.items():
        needs = {
            "postgresql": "the PostgreSQL pass",
            "chromium": "the browser tests (marker 'browser')",
        }.get(package, "the PDF tests (marker 'pdf')")
        say(f"{package} is missing ({why}): skipping {needs}")
    if missing and IN_CI:
        say("under CI every test must run: failing")
        return 1
    browser = chromium()

    # SIGTERM (a cancelled CI job) runs the finally blocks too, so the cluster is always removed.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    deploy_check()
    base_env = dict(os.environ)
    base_env.pop("DATABASE_URL", None)
    if browser:
        base_env["SAKIP_CHROMIUM"] = browser
    failures: list[str] = []
    sqlite_env = dict(base_env, SAKIP_EXPECT_DB_VENDOR="sqlite")
    with_postgres = "postgres" in wanted and "postgresql" not in missing
    if "sqlite" in wanted and not with_postgres and pytest_pass("SQLite", args, sqlite_env) != 0:
        failures.append("SQLite")
    if with_postgres:
        with postgres_cluster() as url:
            pg_env = dict(base_env, DATABASE_URL=url, SAKIP_EXPECT_DB_VENDOR="postgresql")
            pg_args = args or POSTGRES_DEFAULT_SELECTION
            if "sqlite" in wanted and not SERIAL:
                # both passes at once: each is one process, mostly on one core; the machine has more
                background = start_pass("PostgreSQL", pg_args, pg_env, quiet=True)
                try:
                    if pytest_pass("SQLite", args, sqlite_env) != 0:
                        failures.append("SQLite")
                finally:
                    if finish_pass(background) != 0:
                        failures.append("PostgreSQL")
            else:
                if "sqlite" in wanted and pytest_pass("SQLite", args, sqlite_env) != 0:
                    failures.append("SQLite")
                if pytest_pass("PostgreSQL", pg_args, pg_env) != 0:
                    failures.append("PostgreSQL")
    closing = f"total: {COUNTS['passed']} passed, {COUNTS['failed']} failed"
    if COUNTS["skipped"]:
        closing += f", {COUNTS['skipped']} skipped"
    if failures:
        say(f"tests failed on: {', '.join(failures)}")
    print(closing, flush=True)  # both passes together, alone on the last line
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
