"""`sakip demo` is still one command: its worker (a thread of the demo's process) makes a PDF asked for over
HTTP, and stops with the demo."""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from sakip.core.demo import DEMO_PASSWORD

pytestmark = pytest.mark.own_sqlite  # its own demo/worker on a SQLite file: the SQLite pass runs it


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


@pytest.mark.pdf
def test_a_pdf_asked_in_the_demo_gets_done(tmp_path: Path) -> None:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    drop = ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "SAKIP_TASKS_BACKEND")
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env["PYTHONUNBUFFERED"] = "1"
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "sakip"), "demo", "--port", str(port), "--data-dir", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    try:
        assert proc.stdout is not None
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and "berjalan di" not in (proc.stdout.readline() or "berjalan di"):
            pass
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
        for _ in range(150):
            try:
                login = opener.open(f"{base}/login/", timeout=5).read().decode()
                break
            except OSError:
                assert proc.poll() is None
                time.sleep(0.2)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login)
        assert token is not None
        form = {"csrfmiddlewaretoken": token.group(1), "username": "operator-kaloran", "password": DEMO_PASSWORD}
        request = urllib.request.Request(
            f"{base}/login/", data=urllib.parse.urlencode(form).encode(), headers={"Referer": f"{base}/login/"}
        )
        try:
            opener.open(request, timeout=30)
        except urllib.error.HTTPError as exc:  # the redirect after signing in
            assert exc.code == 302, exc.read()[:500]

        def get(path: str) -> tuple[int, dict[str, str], bytes]:
            try:
                with opener.open(base + path, timeout=60) as r:
                    return r.status, dict(r.headers), r.read()
            except urllib.error.HTTPError as exc:
                return exc.code, dict(exc.headers), exc.read()

        status, headers, _body = get("/opd/kaloran/dokumen/2020/pk.pdf")
        assert status == 302, (status, _body[:300])
        job_page = headers["Location"]
        assert re.fullmatch(r"/tugas/\d+/", job_page)
        for _ in range(240):  # the worker thread makes it (LibreOffice: seconds)
            status, _h, body = get(job_page + "status/")
            if b'data-status="done"' in body or b'data-status="failed"' in body:
                break
            time.sleep(0.5)
        assert b'data-status="done"' in body, body.decode()[:1000]
        status, headers, data = get(job_page + "unduh/")
        assert status == 200 and data.startswith(b"%PDF")
    finally:
        proc.terminate()
        try:
            proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
    assert proc.returncode is not None  # the demo stopped, and its worker thread with it
