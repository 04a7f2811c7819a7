"""Gunicorn settings for Sakip: ``gunicorn -c python:sakip.web.gunicorn_conf sakip.web.wsgi``.

One worker process per CPU core (the GIL keeps a process on one core) with two threads
each: a page costs about a millisecond of CPU once its figures are kept
(`sakip.regency.figures`), so more threads per process only add waiting for the GIL;
two cover the database's and the network's short waits. Measured with
``benchmarks/web_load.py`` (see benchmarks/README.md). Each setting can be changed from
the environment.
"""

from __future__ import annotations

import os

bind = os.environ.get("SAKIP_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("SAKIP_WORKERS", str(os.cpu_count() or 1)))
threads = int(os.environ.get("SAKIP_THREADS", "2"))
worker_class = "gthread"
# a PDF download converts the .docx with LibreOffice inside the request (a few seconds)
timeout = int(os.environ.get("SAKIP_TIMEOUT", "120"))
keepalive = 5
accesslog = os.environ.get("SAKIP_ACCESS_LOG") or None
errorlog = "-"


def child_exit(server: object, worker: object) -> None:
    """Prometheus multiprocess mode (``PROMETHEUS_MULTIPROC_DIR``): a finished process's live gauges go with it."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)  # type: ignore[attr-defined,no-untyped-call]
