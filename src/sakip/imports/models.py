"""An uploaded workbook kept between its preview and its confirmation."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sakip.accounts.models import Office


class ImportBatch(models.Model):
    """The file as uploaded (bytes and SHA-256) and the digest of the changes its preview showed.

    Confirming re-reads these bytes and recomputes the changes against the database;
    they are applied only when the digest is the one previewed, so what is stored is
    exactly what the user saw (if the data changed meanwhile, a new preview is shown).
    """

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("dipratinjau")
        APPLIED = "applied", _("diterapkan")
        REFUSED = "refused", _("ditolak")

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="import_batches")
    kind = models.CharField(_("jenis impor"), max_length=20)
    year = models.PositiveSmallIntegerField(_("tahun"))
    filename = models.CharField(_("nama berkas"), max_length=255)
    sha256 = models.CharField(max_length=64)
    content = models.BinaryField()
    changes_digest = models.CharField(max_length=64, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREVIEWED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("impor Excel")
        verbose_name_plural = _("impor Excel")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.office} {self.year} ({self.filename})"
