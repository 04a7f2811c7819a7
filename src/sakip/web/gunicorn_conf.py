"""Gunicorn settings for Sakip: ``gunicorn -c python:sakip.web.gunicorn_conf sakip.web.wsgi``.

The one place of the recommended settings: the deployment reads them from here, and so does
``benchmarks/mixed_load.py`` (unless given ``--workers``/``--threads``). Each can be changed from the environment.

One worker process per CPU core (the GIL keeps a process on one core) with **four threads** each
(``gthread``). A kept page costs about a millisecond of CPU (`sakip.regency.figures`), so with readers
alone two threads were enough; but with offices entering data a thread is held for the whole of a save or
an entry page (tens of database round trips, each waiting for the database server to be scheduled on a
loaded machine), and with two threads per process the readers queued behind them: under the mixed load
(issue #12: 20 readers, 5 writers saving once a second, PostgreSQL) four threads answered more reads, with
a lower p95, than two; eight gave mixed results on two cores. Each thread keeps its own database connection
(``CONN_MAX_AGE``): workers × threads connections, plus one per worker for the kept figures'
recomputation (`sakip.regency.kept_figures`), well under PostgreSQL's default 100. Figures in
benchmarks/README.md.
"""

from __future__ import annotations

import os

bind = os.environ.get("SAKIP_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("SAKIP_WORKERS", str(os.cpu_count() or 1)))
threads = int(os.environ.get("SAKIP_THREADS", "4"))
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
