"""/healthz, /readyz and /metrics on the real database: answers, who may read the metrics, nothing leaked."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.test import Client
from django.test.utils import CaptureQueriesContext

from sakip.core.jsonlog import log_job
from sakip.ops import health
from sakip.ops.worker import worker_state

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_migration_cache() -> Iterator[None]:
    health._migrated = False
    yield
    health._migrated = False


def test_healthz_answers_without_touching_the_database() -> None:
    with CaptureQueriesContext(connection) as queries:
        response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"
    assert len(queries) == 0


def test_probes_need_no_allowed_host_and_no_session() -> None:
    """A probe on the application server's own address (not in ALLOWED_HOSTS) is answered; a page is not."""
    client = Client(HTTP_HOST="10.9.8.7:8000")
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code in (200, 503)
    assert client.get("/login/").status_code == 400  # DisallowedHost for everything else
    assert "sessionid" not in client.get("/healthz").cookies


def test_readyz_is_ready_on_a_migrated_database() -> None:
    response = Client().get("/readyz")
    body = response.json()
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["migrations"] == "ok"
    state = worker_state()
    if not state.installed:  # before the jobs engine: reported, not a reason
        assert body["checks"]["worker"] == "not installed"
        assert response.status_code == 200 and body["status"] == "ready" and body["reasons"] == []
    else:
        assert body["checks"]["worker"] == ("ok" if state.alive else "stale")


def test_readyz_is_not_ready_while_a_migration_is_unapplied() -> None:
    """One migration's record removed (inside the test's transaction): 503 with the reason, then ready again."""
    recorder = MigrationRecorder(connection)
    last = recorder.migration_qs.filter(app="workflow").order_by("-id").first()
    assert last is not None
    last.delete()
    response = Client().get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "not ready"
    assert body["checks"]["migrations"] == "1 unapplied"
    assert "migrations: 1 not applied (run: sakip migrate)" in body["reasons"]
    recorder.record_applied(last.app, last.name)
    ready = Client().get("/readyz").json()
    assert ready["checks"]["migrations"] == "ok"


def test_readyz_leaks_no_secret(settings: object) -> None:
    text = Client().get("/readyz").content.decode()
    # the advice names the systemd units (sakip-worker, sakip-scheduler); a database called "sakip" must not show
    text = text.replace("sakip-worker", "").replace("sakip-scheduler", "")
    db = connection.settings_dict
    for secret in (str(settings.SECRET_KEY), str(db.get("PASSWORD") or "\0"), str(db.get("USER") or "\0"),  # type: ignore[attr-defined]
                   str(db.get("NAME"))):
        assert secret not in text


def test_metrics_are_not_public_by_default(settings: object) -> None:
    settings.SAKIP_METRICS_ALLOWED_IPS = []  # type: ignore[attr-defined]
    settings.SAKIP_METRICS_TOKEN = ""  # type: ignore[attr-defined]
    assert Client().get("/metrics").status_code == 404


def test_metrics_from_an_allowed_address_only(settings: object) -> None:
    settings.SAKIP_METRICS_ALLOWED_IPS = ["10.0.0.0/24"]  # type: ignore[attr-defined]
    settings.SAKIP_METRICS_TOKEN = ""  # type: ignore[attr-defined]
    settings.SAKIP_TRUSTED_PROXIES = ["127.0.0.1"]  # type: ignore[attr-defined]
    Client().get("/login/")  # one request for the latency histogram
    allowed = Client(REMOTE_ADDR="10.0.0.7").get("/metrics")
    assert allowed.status_code == 200
    text = allowed.content.decode()
    assert "django_http_requests_latency_seconds_by_view_method_bucket" in text
    assert allowed["Content-Type"].startswith("text/plain")
    assert Client(REMOTE_ADDR="203.0.113.9").get("/metrics").status_code == 403
    # a forged X-Forwarded-For from an untrusted address changes nothing
    forged = Client(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="10.0.0.7")
    assert forged.get("/metrics").status_code == 403
    # through the trusted proxy: the client's own address decides, not the proxy's
    assert Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.0.0.8").get("/metrics").status_code == 200
    assert Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.1").get("/metrics").status_code == 403


def test_metrics_with_the_token(settings: object) -> None:
    settings.SAKIP_METRICS_ALLOWED_IPS = []  # type: ignore[attr-defined]
    settings.SAKIP_METRICS_TOKEN = "rahasia-metrik-0123456789"  # type: ignore[attr-defined]
    client = Client(REMOTE_ADDR="203.0.113.9")
    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer salah").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer rahasia-metrik-0123456789").status_code == 200


def test_job_durations_reach_the_metrics_and_the_log(settings: object, caplog: pytest.LogCaptureFixture) -> None:
    settings.SAKIP_METRICS_ALLOWED_IPS = ["127.0.0.1"]  # type: ignore[attr-defined]
    caplog.set_level("INFO", logger="sakip.log.job")
    log_job("uji.pdf", status="succeeded", duration_ms=1234.5, job_id="j-1", office="contoh", user="operator")
    log_job("uji.pdf", status="failed", duration_ms=20, job_id="j-2", error="LibreOffice\nberhenti")
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "sakip.log.job"]
    assert [(x["task"], x["status"], x["duration_ms"]) for x in lines] == [
        ("uji.pdf", "succeeded", 1234.5), ("uji.pdf", "failed", 20.0)]
    assert lines[0]["office"] == "contoh" and lines[0]["job_id"] == "j-1" and lines[0]["event"] == "job"
    assert lines[1]["error"] == "LibreOffice berhenti"
    text = Client().get("/metrics").content.decode()
    assert 'sakip_job_duration_seconds_count{status="succeeded",task="uji.pdf"}' in text
    assert 'sakip_job_duration_seconds_bucket{le="2.0",status="succeeded",task="uji.pdf"}' in text
