"""Operating Sakip on a server: ``sakip check``, ``/healthz`` and ``/readyz``, ``/metrics`` (docs/deployment.md).

* :mod:`sakip.ops.worker` — the background worker as the jobs engine reports it (imported lazily).
* :mod:`sakip.ops.health` — liveness and readiness (no sign-in, nothing secret in the answer).
* :mod:`sakip.ops.metrics` — Prometheus metrics (django-prometheus) behind an address list or a token.
* :mod:`sakip.ops.middleware` — answers those three paths before the rest of the middleware.
* :mod:`sakip.ops.checks` / :mod:`sakip.ops.cli` — ``sakip check`` and the set-up commands.

The structured request and job log lines are in :mod:`sakip.core.jsonlog`.
"""
