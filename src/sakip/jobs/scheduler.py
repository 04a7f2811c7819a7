"""`sakip scheduler`: the periodic jobs of ``settings.SAKIP_SCHEDULE`` enqueued when due.

An entry: ``{"task": "sakip.jobs.tasks.send_reminders", "every": 86400, "kwargs": {...}}`` and optionally
``"at": "07:00"`` (local time: once a day, at or after that time). The last run of each entry is a row
(`ScheduleRun`), so a restarted scheduler does not run again what it ran, and two schedulers do not both
run an entry (the row is claimed in a transaction).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from . import health
from .models import ScheduleRun

log = logging.getLogger("sakip.jobs")


def due(entry: dict[str, Any], last: dt.datetime | None, now: dt.datetime) -> bool:
    at = entry.get("at")
    if at:
        hour, minute = (int(x) for x in str(at).split(":"))
        local = timezone.localtime(now)
        today_at = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
        return local >= today_at and (last is None or timezone.localtime(last) < today_at)
    every = dt.timedelta(seconds=int(entry.get("every", 86400)))
    return last is None or now - last >= every


def run_due(now: dt.datetime | None = None) -> list[str]:
    """Enqueue every entry that is due; the names enqueued."""
    now = now or timezone.now()
    ran: list[str] = []
    schedule: dict[str, dict[str, Any]] = getattr(settings, "SAKIP_SCHEDULE", {})
    for name, entry in schedule.items():
        with transaction.atomic():
            row = ScheduleRun.objects.select_for_update().filter(name=name).first()
            if not due(entry, row.last_run if row else None, now):
                continue
            ScheduleRun.objects.update_or_create(name=name, defaults={"last_run": now})
            import_string(entry["task"]).enqueue(**entry.get("kwargs", {}))
        ran.append(name)
        log.info("scheduler: %s enqueued", name)
    return ran


def run_forever(sleep: float = 30.0, once: bool = False) -> list[str]:
    name = health.process_name("scheduler")
    ran: list[str] = []
    while True:
        health.beat("scheduler", name)
        ran += run_due()
        if once:
            return ran
        time.sleep(sleep)
