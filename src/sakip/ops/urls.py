"""The operations endpoints (normally answered by :class:`sakip.ops.middleware.OpsEndpointsMiddleware` first)."""

from django.urls import path

from .health import healthz, readyz
from .metrics import metrics_view

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("metrics", metrics_view, name="metrics"),
]
