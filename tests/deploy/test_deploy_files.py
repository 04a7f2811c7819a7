"""The files of deploy/: the container definition, the systemd units, the nginx site, the environment template.

No container engine runs here (no docker/podman, no hadolint), so the Containerfile is checked by reading it:
it starts from Debian bookworm, installs Debian packages that exist in bookworm (``apt-cache``, when this
machine is Debian) and Python packages only from the hashed lock, fetches nothing else from the network,
and every command its RUN lines start is one that exists on Debian. The units are verified with
``systemd-analyze verify`` and the site with ``nginx -t`` when those programs are on the machine (skipped
with the reason otherwise).
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
CONTAINERFILE = DEPLOY / "Containerfile"
UNITS = ("sakip-web.service", "sakip-worker.service", "sakip-scheduler.service")
#: commands a RUN line may start, each of which a debian:bookworm(-slim) image has (or the line installs)
DEBIAN_COMMANDS = {"apt-get", "rm", "useradd", "python3", "mkdir", "chown", "/opt/sakip/venv/bin/pip"}


def _instructions() -> list[tuple[str, str]]:
    text = CONTAINERFILE.read_text("utf-8")
    joined = re.sub(r"\\\n", " ", text)
    out = []
    for raw in joined.splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            out.append((keyword.upper(), rest.strip()))
    return out


def _run_commands() -> list[list[str]]:
    commands = []
    for keyword, rest in _instructions():
        if keyword == "RUN":
            for part in re.split(r"&&|\|\||;", rest):
                if part.strip():
                    commands.append(shlex.split(part))
    return commands


def test_container_starts_from_debian_bookworm_only() -> None:
    bases = [rest for keyword, rest in _instructions() if keyword == "FROM"]
    assert bases and all(re.fullmatch(r"debian:bookworm(-slim)?(@sha256:[0-9a-f]{64})?", b) for b in bases), bases


def test_container_fetches_nothing_but_debian_and_pypi_packages() -> None:
    text = CONTAINERFILE.read_text("utf-8")
    instructions = _instructions()
    assert not [r for k, r in instructions if k == "ADD"], "ADD can fetch URLs: use COPY"
    for word in ("curl", "wget", "git+", "--index-url", "--extra-index-url", "--trusted-host", "add-apt-repository",
                 "sources.list", "http://", "https://"):
        runs = " ".join(r for k, r in instructions if k == "RUN")
        assert word not in runs, word
    pip_installs = [c for c in _run_commands() if c[0].endswith("pip") and "install" in c]
    assert pip_installs, "no pip install"
    for command in pip_installs:
        assert "--no-deps" in command, command  # nothing beyond what the lock names
    locked = [c for c in pip_installs if "-r" in c]
    assert locked and all("--require-hashes" in c and c[c.index("-r") + 1] == "requirements.lock" for c in locked)
    assert "COPY requirements.lock" in text


def test_container_commands_exist_on_debian() -> None:
    for command in _run_commands():
        assert command[0] in DEBIAN_COMMANDS, command
    for command in _run_commands():
        if command[0] == "python3":
            assert command[1:3] == ["-m", "venv"], command  # the venv module of Debian's python3-venv


def _apt_packages() -> list[str]:
    packages = []
    for command in _run_commands():
        if command[:2] == ["apt-get", "install"]:
            packages += [w for w in command[2:] if not w.startswith("-")]
    return packages


def test_container_installs_what_the_production_needs() -> None:
    packages = _apt_packages()
    for needed in ("python3", "python3-venv", "libreoffice-writer-nogui", "fonts-liberation2", "postgresql-client"):
        assert needed in packages
    cmd = [r for k, r in _instructions() if k == "CMD"]
    assert cmd and "sakip.web.gunicorn_conf" in cmd[-1] and "sakip.web.wsgi:application" in cmd[-1]
    assert ("USER", "sakip") in _instructions()


@pytest.mark.skipif(
    not (shutil.which("apt-cache") and Path("/etc/debian_version").read_text().startswith("12")
         if Path("/etc/debian_version").exists() else False),
    reason="not a Debian 12 (bookworm) machine: cannot ask apt-cache about bookworm's packages",
)
def test_container_packages_exist_in_bookworm() -> None:
    for package in _apt_packages():
        shown = subprocess.run(["apt-cache", "show", "--no-all-versions", package], capture_output=True, text=True)
        assert shown.returncode == 0 and f"Package: {package}" in shown.stdout, package


def test_container_copies_only_files_of_the_repository() -> None:
    for keyword, rest in _instructions():
        if keyword == "COPY":
            *sources, _destination = shlex.split(rest)
            for source in sources:
                assert not source.startswith("--from"), rest
                assert (ROOT / source).exists(), source


def test_environment_template_lists_every_setting_read() -> None:
    """Every SAKIP_*/DATABASE_URL/PROMETHEUS_* variable the application reads appears in the template."""
    read: set[str] = set()
    pattern = re.compile(r"""environ(?:\.get)?[\[(]\s*["']([A-Z][A-Z0-9_]+)["']""")
    for path in (ROOT / "src" / "sakip").rglob("*.py"):
        read |= set(pattern.findall(path.read_text("utf-8")))
    read -= {"SAKIP_DEBUG", "SAKIP_CHROMIUM", "DJANGO_SETTINGS_MODULE"}  # development and tests only
    read |= {"DATABASE_URL"}  # read by dj-database-url
    template = (DEPLOY / "sakip.env.example").read_text("utf-8")
    named = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", template, flags=re.M))
    assert sorted(read - named) == []
    assert "SAKIP_ENV=production" in template.splitlines()


def test_units_run_the_documented_commands() -> None:
    expected = {
        "sakip-web.service":
            "/opt/sakip/venv/bin/gunicorn -c python:sakip.web.gunicorn_conf sakip.web.wsgi:application",
        "sakip-worker.service": "/opt/sakip/venv/bin/sakip worker",
        "sakip-scheduler.service": "/opt/sakip/venv/bin/sakip scheduler",
    }
    for unit, command in expected.items():
        text = (DEPLOY / unit).read_text("utf-8")
        assert f"ExecStart={command}\n" in text
        assert "EnvironmentFile=/etc/sakip/sakip.env" in text and "User=sakip" in text


@pytest.mark.skipif(shutil.which("systemd-analyze") is None,
                    reason="systemd-analyze not found (apt-get install systemd)")
def test_units_pass_systemd_analyze_verify(tmp_path: Path) -> None:
    """The units as installed, with /opt/sakip/venv replaced by this checkout's virtual environment."""
    venv_bin = Path(sys.executable).parent
    for unit in UNITS:
        text = (DEPLOY / unit).read_text("utf-8").replace("/opt/sakip/venv/bin/", f"{venv_bin}/")
        (tmp_path / unit).write_text(text)
    done = subprocess.run(["systemd-analyze", "verify", *(str(tmp_path / u) for u in UNITS)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "sakip-" not in done.stderr, done.stderr  # no warning about our units


@pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx not found (apt-get install nginx-light)")
def test_nginx_site_passes_nginx_t(tmp_path: Path) -> None:
    """The site inside a minimal nginx.conf, with a throwaway self-signed certificate for the TLS placeholders."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl not found: cannot make the throwaway certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=sakip.test",
                    "-keyout", str(key), "-out", str(cert), "-days", "1"], check=True, capture_output=True)
    site = (DEPLOY / "nginx-sakip.conf").read_text("utf-8")
    site = site.replace("/etc/ssl/sakip/fullchain.pem", str(cert)).replace("/etc/ssl/sakip/privkey.pem", str(key))
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log stderr;\nevents {{}}\n"
        f"http {{ include /etc/nginx/mime.types; access_log off; include {tmp_path}/site.conf; }}\n"
    )
    done = subprocess.run(["nginx", "-t", "-c", str(tmp_path / "nginx.conf")], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    assert "test is successful" in done.stderr


def test_nginx_site_forwards_what_the_app_trusts() -> None:
    site = (DEPLOY / "nginx-sakip.conf").read_text("utf-8")
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in site
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in site
    assert re.search(r"client_max_body_size (\d+)m;", site)
    size = int(re.search(r"client_max_body_size (\d+)m;", site).group(1))  # type: ignore[union-attr]
    from django.conf import settings

    assert size * 1024 * 1024 >= settings.SAKIP_BUNDLE_MAX_BYTES  # the largest upload gets through
    assert re.search(r"location /media/ \{\s*internal;", site)  # evidence is served by the app, never directly
    assert "location = /metrics { return 404; }" in site
    assert "alias /var/lib/sakip/static/;" in site
