"""Perjanjian Kinerja: one per office and year, with versions (original, amendments)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from sakip.accounts.models import Office
from sakip.core.concurrency import Versioned
from sakip.core.fields import ExactDecimalField
from sakip.core.guarded import GuardedManager
from sakip.planning.models import Indicator, TargetValue


class PkVersion(Versioned):
    class Kind(models.TextChoices):
        ORIGINAL = "original", _("Perjanjian Kinerja")
        AMENDMENT = "amendment", _("Perjanjian Kinerja Perubahan")

    office = models.ForeignKey(
        Office, on_delete=models.CASCADE, related_name="agreements", verbose_name=_("perangkat daerah")
    )
    year = models.PositiveSmallIntegerField(_("tahun"))
    number = models.PositiveSmallIntegerField(_("versi"))
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices)
    date = models.DateField(_("tanggal"), null=True, blank=True)
    reason = models.TextField(_("alasan perubahan"), blank=True)
    title = models.TextField(_("judul"), blank=True)
    first_party_name = models.CharField(_("pihak pertama"), max_length=200, blank=True)
    first_party_rank = models.CharField(_("pangkat"), max_length=200, blank=True)
    first_party_nip = models.CharField(_("NIP"), max_length=40, blank=True)
    first_party_position = models.CharField(_("jabatan"), max_length=200, blank=True)
    second_party_name = models.CharField(_("pihak kedua"), max_length=200, blank=True)
    second_party_rank = models.CharField(_("pangkat"), max_length=200, blank=True)
    second_party_nip = models.CharField(_("NIP"), max_length=40, blank=True)
    second_party_position = models.CharField(_("jabatan"), max_length=200, blank=True)
    printed_total = ExactDecimalField(_("jumlah anggaran tercetak"), null=True, blank=True)

    objects = GuardedManager["PkVersion"]()

    class Meta:
        verbose_name = _("perjanjian kinerja")
        verbose_name_plural = _("perjanjian kinerja")
        ordering = ["office", "year", "number"]
        constraints = [
            models.UniqueConstraint(fields=["office", "year", "number"], name="pk_version_unique"),
            models.CheckConstraint(
                condition=~models.Q(kind="amendment") | ~models.Q(reason=""), name="pk_amendment_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.office} {self.year} (v{self.number})"


class PkTarget(TargetValue):
    version = models.ForeignKey(
        PkVersion, on_delete=models.CASCADE, related_name="targets", verbose_name=_("versi perjanjian kinerja")
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="pk_targets", verbose_name=_("indikator kinerja")
    )
    order = models.PositiveIntegerField(_("urutan"), default=0)

    objects = GuardedManager["PkTarget"]()

    class Meta:
        verbose_name = _("target perjanjian kinerja")
        verbose_name_plural = _("target perjanjian kinerja")
        ordering = ["version", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["version", "indicator"], name="pk_target_unique")]


class PkProgram(models.Model):
    version = models.ForeignKey(
        PkVersion, on_delete=models.CASCADE, related_name="programs", verbose_name=_("versi perjanjian kinerja")
    )
    program_code = models.CharField(_("kode program"), max_length=40, blank=True)
    name = models.CharField(_("program"), max_length=500)
    allocation = ExactDecimalField(_("anggaran"))
    source = models.CharField(_("sumber dana"), max_length=50, blank=True)
    order = models.PositiveIntegerField(_("urutan"), default=0)

    objects = GuardedManager["PkProgram"]()

    class Meta:
        verbose_name = _("program perjanjian kinerja")
        verbose_name_plural = _("program perjanjian kinerja")
        ordering = ["version", "order", "id"]


    def __str__(self) -> str:
        return str(self.name)
