"""Prometheus metrics at ``/metrics`` (django-prometheus), refused unless the caller is allowed.

* Request latency: django-prometheus's middleware (``django_http_requests_latency_seconds_by_view_method``
  and the others it defines); only middleware — the database engine is not wrapped (Sakip routes its
  databases itself, ``sakip.core.db_routing``).
* ``sakip_job_duration_seconds`` (histogram, labels ``task`` and ``status``): observed by
  :func:`sakip.core.jsonlog.log_job` when a job ends.
* ``sakip_job_queue_length`` and ``sakip_worker_alive`` (gauges): read from the jobs engine at each scrape
  (:mod:`sakip.ops.worker`); absent when the jobs engine is not installed.

Who may read it: a client address in ``SAKIP_METRICS_ALLOWED_IPS`` (IPs/CIDRs; the address as the audit
trail sees it, so ``X-Forwarded-For`` counts only from ``SAKIP_TRUSTED_PROXIES``) or a request with
``Authorization: Bearer <SAKIP_METRICS_TOKEN>``. Both empty (the default): nobody (404).

Several gunicorn processes: set ``PROMETHEUS_MULTIPROC_DIR`` (an empty directory, the same for web and
worker) so every process's figures are summed (prometheus_client's multiprocess mode; the gunicorn
configuration removes a finished process's gauges).
"""

from __future__ import annotations

import hmac
import ipaddress
import os
from collections.abc import Iterator
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

JOB_BUCKETS = (0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, float("inf"))

JOB_DURATION = Histogram(
    "sakip_job_duration_seconds", "Duration of background jobs, by task and final status.",
    ["task", "status"], buckets=JOB_BUCKETS,
)


def observe_job(task: str, status: str, seconds: float) -> None:
    JOB_DURATION.labels(task=task, status=status).observe(max(0.0, seconds))


class JobQueueCollector(Collector):
    """The queue length and the worker's heartbeat, asked of the jobs engine at each scrape."""

    def collect(self) -> Iterator[Metric]:
        from .worker import queue_length, worker_state

        length = queue_length()
        if length is not None:
            yield GaugeMetricFamily("sakip_job_queue_length", "Background jobs waiting for a worker.", value=length)
        state = worker_state()
        if state.installed:
            yield GaugeMetricFamily("sakip_worker_alive", "1 when a worker's heartbeat is recent.",
                                    value=1 if state.alive else 0)


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=4)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(e, strict=False) for e in entries)


def allowed(request: HttpRequest) -> bool:
    token = str(getattr(settings, "SAKIP_METRICS_TOKEN", "") or "")
    if token:
        given = str(request.META.get("HTTP_AUTHORIZATION") or "")
        if given.startswith("Bearer ") and hmac.compare_digest(given[7:].strip().encode(), token.encode()):
            return True
    networks = _networks(tuple(getattr(settings, "SAKIP_METRICS_ALLOWED_IPS", ()) or ()))
    if not networks:
        return False
    from sakip.audit.context import client_ip

    address = client_ip(request)
    if address is None:
        return False
    ip = ipaddress.ip_address(address)
    return any(ip in n for n in networks)


def configured() -> bool:
    return bool(getattr(settings, "SAKIP_METRICS_TOKEN", "") or getattr(settings, "SAKIP_METRICS_ALLOWED_IPS", ()))


def exposition() -> bytes:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        registry = CollectorRegistry()
        registry.register(_Forward(REGISTRY))
    registry.register(JobQueueCollector())
    return generate_latest(registry)


class _Forward(Collector):
    """This process's default registry inside a scrape's own one (so the job gauges are added per scrape)."""

    def __init__(self, source: CollectorRegistry) -> None:
        self.source = source

    def collect(self) -> Iterator[Metric]:
        yield from self.source.collect()


def metrics_view(request: HttpRequest) -> HttpResponse:
    if not configured():
        return HttpResponse("Not Found\n", status=404, content_type="text/plain; charset=utf-8")
    if not allowed(request):
        return HttpResponse("Forbidden\n", status=403, content_type="text/plain; charset=utf-8")
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)
