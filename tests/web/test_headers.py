"""Security headers (sakip.web.security, django-csp) and the proxy's X-Forwarded-Proto, believed only from
SAKIP_TRUSTED_PROXIES; the templates carry no inline script, handler or style."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

import sakip
from sakip.web.security import TrustedProxyMiddleware

from .demo_support import Demo

SRC = Path(sakip.__file__).parent


def _directives(header: str) -> dict[str, list[str]]:
    out = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


@pytest.mark.django_db
def test_pages_carry_the_content_security_policy_and_the_permissions_policy(demo: Demo) -> None:
    client = Client()
    client.force_login(demo.user("admin"))
    for path in ("/login/", reverse("home"), "/opd/kaloran/", "/publik/", reverse("api-tokens"), "/api/docs",
                 "/api/v1/offices", "/tidak-ada/"):
        response = client.get(path)
        policy = _directives(response["Content-Security-Policy"])
        assert policy["default-src"] == ["'self'"], path
        assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"], path
        assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"], path
        assert policy["img-src"] == ["'self'", "data:"] and policy["base-uri"] == ["'self'"], path
        assert policy["form-action"] == ["'self'"], path
        assert "'unsafe-inline'" not in response["Content-Security-Policy"]
        assert "'unsafe-eval'" not in response["Content-Security-Policy"]
        permissions = response["Permissions-Policy"]
        for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"):
            assert feature in permissions, (path, feature)


def test_no_template_has_inline_script_handlers_or_styles() -> None:
    offenders = []
    pattern = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=|\sstyle\s*=|<style|javascript:", re.I)
    for path in sorted(SRC.rglob("templates/**/*.html")):
        text = path.read_text("utf-8")
        text = re.sub(r'<script type="application/json"', "", text)  # data, never run
        for m in pattern.finditer(text):
            offenders.append(f"{path.relative_to(SRC)}: {m.group(0)!r}")
    assert offenders == []


def _proto_seen(remote: str, header: str | None) -> tuple[str | None, bool]:
    request = RequestFactory().get("/", REMOTE_ADDR=remote, **({"HTTP_X_FORWARDED_PROTO": header} if header else {}))
    seen: dict[str, object] = {}

    def view(req: object) -> object:
        seen["proto"] = req.META.get("HTTP_X_FORWARDED_PROTO")  # type: ignore[attr-defined]
        seen["secure"] = req.is_secure()  # type: ignore[attr-defined]
        return None

    TrustedProxyMiddleware(view)(request)  # type: ignore[arg-type]
    return seen["proto"], bool(seen["secure"])  # type: ignore[return-value]


@override_settings(SAKIP_TRUSTED_PROXIES=["10.0.0.0/8"], SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"))
def test_x_forwarded_proto_is_believed_only_from_a_trusted_proxy() -> None:
    assert _proto_seen("10.1.2.3", "https") == ("https", True)
    assert _proto_seen("203.0.113.5", "https") == (None, False)  # a client cannot claim https
    assert _proto_seen("203.0.113.5", None) == (None, False)


@override_settings(SAKIP_TRUSTED_PROXIES=[])
def test_without_trusted_proxies_the_header_is_always_dropped() -> None:
    assert _proto_seen("127.0.0.1", "https") == (None, False)


def _production_settings(**env: str) -> str:
    base = {"SAKIP_ENV": "production", "SAKIP_SECRET_KEY": "k" * 60, "SAKIP_ALLOWED_HOSTS": "sakip.example.go.id",
            "PATH": "/usr/bin:/bin"}
    script = "import sakip.web.settings as s; print(repr(getattr(s, 'SECURE_PROXY_SSL_HEADER', None)))"
    return subprocess.run([sys.executable, "-c", script], env={**base, **env}, capture_output=True, text=True,
                          check=True).stdout.strip()


def test_the_proxy_ssl_header_is_set_only_with_trusted_proxies() -> None:
    assert _production_settings() == "None"
    assert _production_settings(SAKIP_TRUSTED_PROXIES="10.0.0.5") == "('HTTP_X_FORWARDED_PROTO', 'https')"


@pytest.mark.django_db
def test_a_forged_proto_does_not_skip_the_https_redirect(settings: object) -> None:
    """With SECURE_SSL_REDIRECT on and the proxy header configured, a direct client sending
    X-Forwarded-Proto: https is still redirected to https (its header is dropped)."""
    with override_settings(SECURE_SSL_REDIRECT=True, SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
                           SAKIP_TRUSTED_PROXIES=["10.0.0.5"]):
        forged = Client().get("/login/", HTTP_X_FORWARDED_PROTO="https", REMOTE_ADDR="203.0.113.5")
        assert forged.status_code == 301 and forged["Location"].startswith("https://")
        proxied = Client().get("/login/", HTTP_X_FORWARDED_PROTO="https", REMOTE_ADDR="10.0.0.5")
        assert proxied.status_code == 200
