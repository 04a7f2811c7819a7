"""An indicator's year: quarterly targets and realisations, inputs, evidence (SPEC §3, §9)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sakip.core.concurrency import Versioned
from sakip.core.fields import ExactDecimalField
from sakip.core.guarded import GuardedManager
from sakip.planning.models import FormulaInput, Indicator, Objective, TargetValue


class IndicatorYear(Versioned, TargetValue):
    """``value``/``grade``/``low``/``high`` (from TargetValue) override the PK target this year."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="years", verbose_name=_("indikator kinerja")
    )
    year = models.PositiveSmallIntegerField(_("tahun"))
    cumulative_targets = models.BooleanField(_("target triwulan kumulatif"), default=False)
    annual_value = ExactDecimalField(_("realisasi tahunan"), null=True, blank=True)
    annual_grade = models.CharField(_("realisasi tahunan (predikat)"), max_length=20, blank=True)
    explanation = models.TextField(_("penjelasan (penyebab dan solusi)"), blank=True)
    printed = models.JSONField(_("angka tercetak"), default=dict, blank=True)
    updated_at = models.DateTimeField(_("waktu perubahan"), auto_now=True)

    objects = GuardedManager["IndicatorYear"]()

    class Meta:
        verbose_name = _("pengukuran tahunan")
        verbose_name_plural = _("pengukuran tahunan")
        ordering = ["indicator", "year"]
        constraints = [models.UniqueConstraint(fields=["indicator", "year"], name="one_measurement_per_year")]


class Quarter(Versioned):
    indicator_year = models.ForeignKey(
        IndicatorYear, on_delete=models.CASCADE, related_name="quarters", verbose_name=_("pengukuran tahunan")
    )
    quarter = models.PositiveSmallIntegerField(
        _("triwulan"), choices=[(q, f"TW {r}") for q, r in ((1, "I"), (2, "II"), (3, "III"), (4, "IV"))]
    )
    target = ExactDecimalField(_("target triwulan"), null=True, blank=True)
    #: a qualitative quarter target (an ordinal grade such as "BB"), instead of ``target``
    target_grade = models.CharField(_("target triwulan (predikat)"), max_length=20, blank=True)
    #: an in-range indicator's quarter band (both bounds, instead of ``target``): the band of the figure to date
    target_low = ExactDecimalField(_("target triwulan (batas bawah)"), null=True, blank=True)
    target_high = ExactDecimalField(_("target triwulan (batas atas)"), null=True, blank=True)
    value = ExactDecimalField(_("realisasi"), null=True, blank=True)
    #: a qualitative realisation (an ordinal grade), instead of ``value``
    grade = models.CharField(_("realisasi (predikat)"), max_length=20, blank=True)
    #: the operator's explanation of this quarter (causes and solutions)
    explanation = models.TextField(_("penjelasan triwulan (penyebab dan solusi)"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("diisi oleh")
    )
    entered_at = models.DateTimeField(_("waktu pengisian"), null=True, blank=True)

    objects = GuardedManager["Quarter"]()

    class Meta:
        verbose_name = _("realisasi triwulan")
        verbose_name_plural = _("realisasi triwulan")
        ordering = ["indicator_year", "quarter"]
        constraints = [
            models.UniqueConstraint(fields=["indicator_year", "quarter"], name="one_row_per_quarter"),
            models.CheckConstraint(condition=models.Q(quarter__gte=1, quarter__lte=4), name="quarter_1_to_4"),
            # a band has both bounds, the low one not above the high one, and is the quarter's only target
            models.CheckConstraint(
                condition=models.Q(target_low__isnull=True, target_high__isnull=True)
                | models.Q(
                    target_low__isnull=False,
                    target_high__isnull=False,
                    target_low__lte=models.F("target_high"),
                    target__isnull=True,
                    target_grade="",
                ),
                name="quarter_target_band",
            ),
        ]


class InputValue(models.Model):
    quarter = models.ForeignKey(
        Quarter, on_delete=models.CASCADE, related_name="inputs", verbose_name=_("realisasi triwulan")
    )
    input = models.ForeignKey(
        FormulaInput, on_delete=models.CASCADE, related_name="values", verbose_name=_("komponen rumus")
    )
    value = ExactDecimalField(_("nilai"), null=True, blank=True)

    objects = GuardedManager["InputValue"]()

    class Meta:
        verbose_name = _("nilai komponen rumus")
        verbose_name_plural = _("nilai komponen rumus")
        constraints = [models.UniqueConstraint(fields=["quarter", "input"], name="one_value_per_input")]


def evidence_path(instance: Evidence, filename: str) -> str:
    iy = instance.indicator_year
    return f"evidence/{iy.indicator.plan.office_id}/{iy.year}/{iy.indicator_id}/{filename}"


class Evidence(models.Model):
    indicator_year = models.ForeignKey(
        IndicatorYear, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("pengukuran tahunan")
    )
    quarter = models.PositiveSmallIntegerField(_("triwulan"), null=True, blank=True)
    name = models.CharField(_("nama berkas"), max_length=255)
    file = models.FileField(_("berkas"), upload_to=evidence_path, blank=True)
    content_type = models.CharField(_("jenis berkas"), max_length=100, blank=True)
    size = models.PositiveIntegerField(_("ukuran berkas (bita)"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("diunggah oleh")
    )
    uploaded_at = models.DateTimeField(_("waktu unggah"), auto_now_add=True)

    objects = GuardedManager["Evidence"]()

    class Meta:
        verbose_name = _("bukti dukung")
        verbose_name_plural = _("bukti dukung")
        ordering = ["indicator_year", "quarter", "id"]

    def __str__(self) -> str:
        return str(self.name)


class ObjectivePrinted(models.Model):
    """Figures a report printed for an objective (kept for the review)."""

    objective = models.ForeignKey(
        Objective, on_delete=models.CASCADE, related_name="printed", verbose_name=_("sasaran")
    )
    year = models.PositiveSmallIntegerField(_("tahun"))
    printed = models.JSONField(_("angka tercetak"), default=dict)

    objects = GuardedManager["ObjectivePrinted"]()

    class Meta:
        verbose_name = _("angka sasaran tercetak")
        verbose_name_plural = _("angka sasaran tercetak")
        constraints = [models.UniqueConstraint(fields=["objective", "year"], name="one_printed_per_objective_year")]
