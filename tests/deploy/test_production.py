"""The production configuration started for real on this machine, as docs/deployment.md sets it up.

Its own throwaway PostgreSQL server (``.ci/testrun.py``'s ``Server``), then the operator's commands —
``sakip migrate``, ``sakip collectstatic``, ``sakip regency create``, ``sakip office import`` — with
``SAKIP_ENV=production``, and gunicorn with ``sakip.web.gunicorn_conf`` (two processes, Prometheus
multiprocess mode). The test plays nginx: it connects over plain HTTP from 127.0.0.1 (the trusted proxy,
``SAKIP_TRUSTED_PROXIES``) and sends ``X-Forwarded-Proto: https`` and ``X-Forwarded-For`` as the site in
deploy/ does, so the secure cookies, the HTTPS redirect and HSTS work as behind the real proxy. Checked: sign
in, pages, security headers, /healthz, /readyz, /metrics refused to an untrusted client, the JSON request log,
``sakip check``, and — when the jobs engine provides ``sakip worker`` — a PDF made by the worker.

Runs in the PostgreSQL pass of ``.ci/testrun.py`` (``SAKIP_TEST_DATABASES=postgres python .ci/testrun.py
tests/deploy``); it does not use the pass's database. Skipped with the reason when Debian's PostgreSQL
binaries are missing.
"""

from __future__ import annotations

import html
import json
import os
import re
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.conf import settings

from tests.testrun_support import testrun as load_testrun

ROOT = Path(__file__).resolve().parents[2]
IN_CI = os.environ.get("CI", "").lower() not in ("", "0", "false", "no")
BIN = Path(sys.executable).parent
OPERATOR, PASSWORD = "operator-contoh", "Sandi-Operator-2026!"
ADMIN_PASSWORD = "Sandi-Admin-Pemda-2026!"
CLIENT = "198.51.100.23"  # the browser's address as nginx forwards it
EXAMPLE = ROOT / "docs" / "examples" / "contoh-kecamatan.yaml"


testrun = load_testrun()

pytestmark = [
    pytest.mark.deploy,
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="runs in the PostgreSQL pass (SAKIP_TEST_DATABASES=postgres python .ci/testrun.py tests/deploy)",
    ),
    pytest.mark.skipif(
        testrun.pg_bindir() is None and not IN_CI,
        reason="Debian's PostgreSQL binaries (initdb, pg_ctl) not found: apt-get install postgresql",
    ),
]


def worker_command_exists() -> bool:
    done = subprocess.run([str(BIN / "sakip"), "worker", "--help"], capture_output=True, timeout=60, cwd=ROOT,
                          env={**os.environ, "SAKIP_ENV": "development"})
    return done.returncode == 0


@dataclass
class Deployment:
    env: dict[str, str]
    port: int
    log: Path
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def sakip(self, *args: str, stdin: str | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run([str(BIN / "sakip"), *args], env=self.env, cwd=ROOT, input=stdin, capture_output=True,
                              text=True, timeout=300)
        if check:
            assert done.returncode == 0, f"sakip {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
        return done

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def _wait_http(url: str, process: subprocess.Popen[bytes], log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            assert process.poll() is None, log.read_text(errors="replace")
            assert time.monotonic() < deadline, f"no answer from {url}"
            time.sleep(0.2)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    started = time.monotonic()
    server = testrun.Server("sakip-deploy-")
    process: subprocess.Popen[bytes] | None = None
    try:
        try:
            server.initdb()
            server.start()
        except SystemExit as e:
            if IN_CI or "no 'postgres' user" not in str(e):
                raise
            pytest.skip(f"cannot start a PostgreSQL server: {e}")
        with psycopg.connect(server.url("postgres"), autocommit=True) as conn:
            conn.execute("CREATE DATABASE sakip")
        data = tmp_path_factory.mktemp("sakip-data")
        port = testrun.free_port()
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("SAKIP_", "DATABASE_URL", "DJANGO_SETTINGS_MODULE", "PROMETHEUS_"))}
        env.update(
            SAKIP_ENV="production", SAKIP_SECRET_KEY=secrets.token_urlsafe(60), SAKIP_ALLOWED_HOSTS="127.0.0.1",
            DATABASE_URL=server.url(), SAKIP_DATA_DIR=str(data), SAKIP_TRUSTED_PROXIES="127.0.0.1,::1",
            SAKIP_METRICS_ALLOWED_IPS="127.0.0.1,::1", PROMETHEUS_MULTIPROC_DIR=str(data / "metrics"),
            SAKIP_BIND=f"127.0.0.1:{port}", SAKIP_WORKERS="2", SAKIP_THREADS="2", SAKIP_JSON_LOG="1",
            PYTHONUNBUFFERED="1",
        )
        (data / "metrics").mkdir()
        if os.environ.get("SAKIP_SOFFICE"):
            env["SAKIP_SOFFICE"] = os.environ["SAKIP_SOFFICE"]
        log = data / "gunicorn.log"
        d = Deployment(env, port, log)
        # the operator's set-up, as in docs/deployment.md
        t = time.monotonic()
        # collectstatic needs no database: beside the migrations (each command is its own process)
        static = subprocess.Popen([str(BIN / "sakip"), "collectstatic"], env=env, cwd=ROOT,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        d.sakip("migrate")
        d.timings["migrate"] = time.monotonic() - t
        static_output = static.communicate(timeout=300)[0]
        assert static.returncode == 0, static_output.decode(errors="replace")
        d.timings["migrate and collectstatic"] = time.monotonic() - t
        t = time.monotonic()
        created = d.sakip("regency", "create", "kab-contoh", "--name", "Kabupaten Contoh", "--province",
                          "Jawa Timur", "--admin", "admin-contoh", "--password-stdin", stdin=ADMIN_PASSWORD + "\n")
        assert "pemda kab-contoh (Kabupaten Contoh) dibuat" in created.stdout
        d.sakip("office", "import", str(EXAMPLE), "--regency", "kab-contoh")
        d.timings["regency and office"] = time.monotonic() - t
        # an operator of the office (the regency's admin would make it in the admin pages, behind two-factor
        # sign-in that production requires of admins)
        make_operator = (
            "import django; django.setup()\n"
            "from django.contrib.auth import get_user_model\n"
            "from sakip.accounts.models import Membership, Office, Role\n"
            "office = Office.objects.get(code='contoh')\n"
            f"user = get_user_model().objects.create_user({OPERATOR!r}, password={PASSWORD!r})\n"
            "Membership.objects.create(user=user, regency=office.regency, office=office, role=Role.OPERATOR)\n"
        )
        subprocess.run([sys.executable, "-c", make_operator],
                       env={**env, "DJANGO_SETTINGS_MODULE": "sakip.web.settings"}, cwd=ROOT, check=True, timeout=120)
        with log.open("wb") as sink:
            process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "python:sakip.web.gunicorn_conf",
                 "sakip.web.wsgi:application"],
                env=env, cwd=data, stdout=sink, stderr=subprocess.STDOUT,
            )
        t = time.monotonic()
        _wait_http(f"{d.base}/healthz", process, log)
        d.timings["gunicorn start"] = time.monotonic() - t
        d.timings["total set-up"] = time.monotonic() - started
        print("\nset-up times (s): " + ", ".join(f"{k} {v:.1f}" for k, v in d.timings.items()))
        yield d
    finally:
        if process is not None:
            _stop(process)
        server.remove()


@pytest.fixture(scope="module")
def worker(deployment: Deployment) -> Iterator[subprocess.Popen[bytes] | None]:
    """``sakip worker`` with the same environment, when the jobs engine provides it; else ``None``."""
    if not worker_command_exists():
        yield None
        return
    log = Path(deployment.env["SAKIP_DATA_DIR"]) / "worker.log"
    with log.open("wb") as sink:
        process = subprocess.Popen([str(BIN / "sakip"), "worker"], env=deployment.env,
                                   cwd=deployment.env["SAKIP_DATA_DIR"], stdout=sink, stderr=subprocess.STDOUT)
    try:
        yield process
    finally:
        _stop(process)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


@dataclass
class Answer:
    status: int
    headers: Any
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode(errors="replace")


class Proxy:
    """What nginx does for one browser: X-Forwarded-Proto https, X-Forwarded-For, the browser's cookies."""

    def __init__(self, deployment: Deployment, client: str = CLIENT, proto: str | None = "https") -> None:
        self.base = deployment.base
        self.host = f"127.0.0.1:{deployment.port}"
        self.client, self.proto = client, proto
        self.cookies: dict[str, str] = {}
        self.set_cookie_headers: list[str] = []
        self.opener = urllib.request.build_opener(_NoRedirect)

    def request(self, path: str, data: dict[str, str] | None = None, headers: dict[str, str] | None = None) -> Answer:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(self.base + path, data=body)
        if self.proto:
            req.add_header("X-Forwarded-Proto", self.proto)
        if self.client:
            req.add_header("X-Forwarded-For", self.client)
        if self.cookies:
            req.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        if data is not None:
            req.add_header("Origin", f"https://{self.host}")
            req.add_header("Referer", f"https://{self.host}{path}")
        for k, v in (headers or {}).items():
            req.add_header(k, v)
        try:
            response = self.opener.open(req, timeout=120)
            status, head, content = response.status, response.headers, response.read()
        except urllib.error.HTTPError as e:
            status, head, content = e.code, e.headers, e.read()
        for raw in head.get_all("Set-Cookie") or []:
            self.set_cookie_headers.append(raw)
            for name, morsel in SimpleCookie(raw).items():
                self.cookies[name] = morsel.value
        return Answer(status, head, content)

    def sign_in(self, username: str, password: str) -> Answer:
        page = self.request("/login/")
        assert page.status == 200, page.text[:500]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert token is not None
        return self.request("/login/", {"csrfmiddlewaretoken": html.unescape(token.group(1)), "username": username,
                                        "password": password})


@pytest.fixture(scope="module")
def signed_in(deployment: Deployment) -> Proxy:
    browser = Proxy(deployment)
    answer = browser.sign_in(OPERATOR, PASSWORD)
    assert answer.status == 302, answer.text[:1000]
    assert "sessionid" in browser.cookies
    return browser


def test_sign_in_and_pages_over_http_behind_the_proxy(signed_in: Proxy) -> None:
    home = signed_in.request("/")
    assert home.status in (200, 302)
    office = signed_in.request("/opd/contoh/")
    assert office.status == 200, office.text[:500]
    assert "Kecamatan Contoh" in office.text or "contoh" in office.text.lower()
    assert '<html lang="id"' in office.text
    static = re.search(r'href="(/static/[^"]+\.css)"', office.text)
    assert static is not None and re.search(r"\.[0-9a-f]{12}\.css$", static.group(1))  # collected, hashed names
    assert signed_in.request(static.group(1)).status == 200  # WhiteNoise serves them when nginx does not


def test_security_headers_and_cookies(signed_in: Proxy) -> None:
    page = signed_in.request("/opd/contoh/")
    h = page.headers
    assert h["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    csp = h["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert h["X-Content-Type-Options"] == "nosniff"
    assert h["Referrer-Policy"] == "same-origin"
    assert h["X-Frame-Options"] == "DENY"
    assert "camera=()" in h["Permissions-Policy"]
    session = [c for c in signed_in.set_cookie_headers if c.startswith("sessionid=")]
    assert session and all("Secure" in c and "HttpOnly" in c for c in session)
    csrf = [c for c in signed_in.set_cookie_headers if c.startswith("csrftoken=")]
    assert csrf and all("Secure" in c for c in csrf)


def test_plain_http_is_sent_to_https(deployment: Deployment) -> None:
    """Without the proxy's X-Forwarded-Proto (or from an address that is not the proxy) the app redirects."""
    answer = Proxy(deployment, proto=None).request("/login/")
    assert answer.status == 301 and answer.headers["Location"] == f"https://127.0.0.1:{deployment.port}/login/"


def test_healthz_and_readyz(deployment: Deployment, worker: subprocess.Popen[bytes] | None) -> None:
    direct = Proxy(deployment, client="", proto=None)
    health = direct.request("/healthz")
    assert health.status == 200 and json.loads(health.body) == {"status": "ok"}
    deadline = time.monotonic() + 30
    while True:  # a worker just started writes its first heartbeat within seconds
        ready = direct.request("/readyz")
        body = json.loads(ready.body)
        if ready.status == 200 or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert ready.status == 200, body
    assert body["checks"]["database"] == "ok" and body["checks"]["migrations"] == "ok"
    assert body["checks"]["worker"] == ("ok" if worker is not None else "not installed")
    assert deployment.env["SAKIP_SECRET_KEY"] not in ready.text and "127.0.0.1" not in ready.text


def test_metrics_refused_to_an_untrusted_client(deployment: Deployment, signed_in: Proxy) -> None:
    through_proxy = Proxy(deployment, client="203.0.113.9")
    assert through_proxy.request("/metrics").status == 403
    forged = Proxy(deployment, client="127.0.0.1, 203.0.113.9")  # the right-most untrusted hop counts
    assert forged.request("/metrics").status == 403
    scrape = Proxy(deployment, client="", proto=None).request("/metrics")  # Prometheus on the server itself
    assert scrape.status == 200
    text = scrape.text
    assert 'django_http_requests_latency_seconds_by_view_method_bucket{' in text
    # both gunicorn processes' figures are in it (multiprocess mode): every page fetched so far is counted
    count = re.findall(r'django_http_responses_total_by_status_total\{status="200"\} ([0-9.e+]+)', text)
    assert count and float(count[0]) >= 3


def test_one_json_line_per_request(deployment: Deployment, signed_in: Proxy) -> None:
    signed_in.request("/opd/contoh/?jejak=log")
    deadline = time.monotonic() + 10
    while True:
        lines = [json.loads(x) for x in deployment.output().splitlines() if x.startswith('{"ts"')]
        mine = [x for x in lines if x.get("event") == "request" and x["path"] == "/opd/contoh/"
                and x["user"] == OPERATOR]
        if mine or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert mine, deployment.output()[-3000:]
    entry = mine[-1]
    assert entry["status"] == 200 and entry["office"] == "contoh" and entry["ip"] == CLIENT
    assert entry["queries"] > 0 and entry["duration_ms"] > 0
    assert not [x for x in lines if x.get("path") in ("/healthz", "/readyz", "/metrics")]


def test_sakip_check_on_the_production_server(deployment: Deployment, worker: subprocess.Popen[bytes] | None) -> None:
    done = deployment.sakip("check", "--json", check=False)
    data = json.loads(done.stdout)
    results = {c["name"]: c for c in data["checks"]}
    for name in ("Mode", "Kunci rahasia", "Nama host", "Pemeriksaan keamanan Django", "Basis data", "Migrasi",
                 "Folder unggahan", "Berkas statis"):
        assert results[name]["status"] == "ok", results[name]
    assert results["Basis data"]["message"].startswith("PostgreSQL")
    assert results["Surel"]["status"] == "warn"  # no SMTP server in the test
    assert results["Pekerja latar"]["status"] == ("ok" if worker is not None else "warn")
    failed = [c for c in data["checks"] if c["status"] == "fail"]
    assert done.returncode == (1 if failed else 0)
    assert failed == [] or {c["name"] for c in failed} <= {"LibreOffice", "Huruf"}, failed


def test_a_pdf_job_is_done_by_the_worker(
    deployment: Deployment, signed_in: Proxy, worker: subprocess.Popen[bytes] | None
) -> None:
    """The PDF of the office's performance agreement, asked for over HTTP, made by the worker, then downloaded."""
    if worker is None:
        pytest.skip("`sakip worker` is not in this build (the jobs engine, issue #16, is merged separately): "
                    "the PDF-by-worker step runs once both are merged")
    from sakip.reports.pdf import soffice_path

    if soffice_path() is None and not IN_CI:
        pytest.skip("LibreOffice not found (apt-get install libreoffice-writer-nogui)")
    url = "/opd/contoh/dokumen/2025/pk.pdf"
    started = time.monotonic()
    deadline = started + 120
    while True:  # "not ready yet" answers until the worker has made it, then the file
        answer = signed_in.request(url)
        assert answer.status < 500, answer.text[:1000]
        if answer.headers.get("Content-Type", "").startswith("application/pdf"):
            break
        assert time.monotonic() < deadline, f"the PDF was not made in time; last answer {answer.status}"
        time.sleep(0.5)
    assert answer.body.startswith(b"%PDF")
    deployment.timings["pdf"] = time.monotonic() - started
    print(f"PDF job end to end: {deployment.timings['pdf']:.1f} s")
    assert worker.poll() is None
