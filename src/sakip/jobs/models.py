"""A job the pages follow, the heartbeats of the worker and the scheduler, and the scheduler's last runs."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sakip.accounts.models import Office, Regency


class Job(models.Model):
    """One slow job (a PDF, a regency review, a large import): who may see it, its progress and result.

    The task framework's own row (`django_tasks_db.DBTaskResult`, ``task_id``) is the queue; this row is
    what the pages show: progress (``done``/``total``), the result (``file_name`` under MEDIA_ROOT or
    ``result``), the error for the user (``error``, Indonesian) and for an administrator (``detail``), and
    how often it was tried (``attempts``; "Coba lagi" enqueues it again). ``key`` names what the job makes:
    the same PDF of the same data asked twice is one job.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("menunggu")
        RUNNING = "running", _("berjalan")
        DONE = "done", _("selesai")
        FAILED = "failed", _("gagal")

    sakip_audit = False  # a job's progress is not office data (sakip.audit.recorder)

    kind = models.CharField(_("jenis"), max_length=20)
    key = models.CharField(_("kunci"), max_length=64, db_index=True)
    title = models.CharField(_("judul"), max_length=200)
    params = models.JSONField(_("parameter"), default=dict, blank=True)
    regency = models.ForeignKey(Regency, on_delete=models.CASCADE, related_name="jobs", verbose_name=_("pemda"))
    office = models.ForeignKey(
        Office, on_delete=models.CASCADE, null=True, blank=True, related_name="jobs", verbose_name=_("perangkat daerah")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    file_name = models.CharField(max_length=300, blank=True)
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(_("kesalahan"), blank=True)
    detail = models.TextField(_("rincian teknis"), blank=True)
    attempts = models.PositiveIntegerField(default=0)
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("tugas latar belakang")
        verbose_name_plural = _("tugas latar belakang")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # the same thing asked twice while it is queued or running is one job (`services.submit`)
            models.UniqueConstraint(
                fields=["key"], condition=models.Q(status__in=["queued", "running"]), name="jobs_one_active_per_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} {self.status}"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0


class Heartbeat(models.Model):
    """The last sign of life of a worker or scheduler process (`sakip.jobs.health`)."""

    sakip_audit = False

    name = models.CharField(max_length=100, unique=True)  # "worker:<host>:<pid>", "scheduler:<host>:<pid>"
    role = models.CharField(max_length=20)  # worker, scheduler
    beat_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} {self.beat_at:%Y-%m-%d %H:%M:%S}"


class ScheduleRun(models.Model):
    """When `sakip scheduler` last enqueued a periodic job (the schedule itself is `settings.SAKIP_SCHEDULE`)."""

    sakip_audit = False

    name = models.CharField(max_length=50, unique=True)
    last_run = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} {self.last_run:%Y-%m-%d %H:%M}"
