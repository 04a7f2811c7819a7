"""A survey of one office and year: the instrument, the data as entered or uploaded, printed figures."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sakip.accounts.models import Office
from sakip.core.concurrency import Versioned
from sakip.core.guarded import GuardedManager
from sakip.planning.models import Indicator


class Survey(Versioned):
    class Input(models.TextChoices):
        RESPONSES = "responses", _("kuesioner per responden")
        DISTRIBUTION = "distribution", _("sebaran jawaban per unsur")
        NRR = "nrr", _("NRR per unsur (1–4)")
        SCORE = "score", _("nilai per unsur (25–100)")
        INDEX = "index", _("indeks yang dihitung di luar aplikasi")

    office = models.ForeignKey(
        Office, on_delete=models.CASCADE, related_name="surveys", verbose_name=_("perangkat daerah")
    )
    year = models.PositiveSmallIntegerField(_("tahun"))
    instrument = models.CharField(_("instrumen"), max_length=40)
    instrument_name = models.CharField(_("nama instrumen"), max_length=200, blank=True)
    elements = models.JSONField(_("unsur"), default=list, blank=True)
    grade_table = models.CharField(_("tabel mutu"), max_length=40, blank=True)
    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="surveys",
        verbose_name=_("indikator kinerja"),
    )
    period = models.CharField(_("periode"), max_length=100, blank=True)
    respondents = models.PositiveIntegerField(_("responden"), null=True, blank=True)
    population = models.PositiveIntegerField(_("populasi"), null=True, blank=True)
    input = models.CharField(_("bentuk data"), max_length=20, choices=Input.choices)
    values = models.JSONField(_("nilai per unsur"), default=dict, blank=True)
    responses = models.JSONField(_("jawaban"), default=list, blank=True)
    # input "index": the converted index (25–100) computed elsewhere, kept with ``respondents``
    index = models.DecimalField(_("indeks (konversi 25–100)"), max_digits=7, decimal_places=4, null=True, blank=True)
    printed = models.JSONField(_("angka tercetak"), default=dict, blank=True)
    source_file = models.FileField(_("berkas"), upload_to="surveys/", blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("diunggah oleh")
    )
    uploaded_at = models.DateTimeField(_("waktu unggah"), auto_now=True)

    objects = GuardedManager["Survey"]()

    class Meta:
        verbose_name = _("survei kepuasan")
        verbose_name_plural = _("survei kepuasan")
        constraints = [models.UniqueConstraint(fields=["office", "year"], name="one_survey_per_office_year")]

    def __str__(self) -> str:
        return f"SKM {self.office} {self.year}"
