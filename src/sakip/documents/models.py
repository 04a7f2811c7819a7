from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sakip.accounts.models import Regency


class BatchJob(models.Model):
    """Generation of the documents of every office of a regency, run in the background."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("menunggu")
        RUNNING = "running", _("berjalan")
        DONE = "done", _("selesai")
        FAILED = "failed", _("gagal")

    regency = models.ForeignKey(
        Regency, on_delete=models.CASCADE, related_name="document_jobs", verbose_name=_("pemda")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dibuat oleh"),
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    started_at = models.DateTimeField(_("mulai"), null=True, blank=True)
    finished_at = models.DateTimeField(_("selesai"), null=True, blank=True)
    year = models.PositiveIntegerField(_("tahun"), null=True, blank=True)
    kinds = models.CharField(_("dokumen"), max_length=100)
    formats = models.CharField(_("format"), max_length=30)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(_("jumlah perangkat daerah"), default=0)
    done = models.PositiveIntegerField(_("selesai diproses"), default=0)
    current = models.CharField(_("terakhir diproses"), max_length=40, blank=True)
    files = models.PositiveIntegerField(_("jumlah berkas"), default=0)
    file_name = models.CharField(_("berkas zip"), max_length=200, blank=True)
    errors = models.TextField(_("kesalahan"), blank=True)

    class Meta:
        verbose_name = _("pembuatan dokumen massal")
        verbose_name_plural = _("pembuatan dokumen massal")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.regency} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
