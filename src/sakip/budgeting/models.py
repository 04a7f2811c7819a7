"""An office's budget year: classes (BTL/BL or the 2021 classes), lines and quarters (SPEC §6)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from sakip.accounts.models import Office
from sakip.core.concurrency import Versioned
from sakip.core.fields import ExactDecimalField
from sakip.core.guarded import GuardedManager
from sakip.domain.budget import CLASS_LABELS, BudgetClass

CLASS_CHOICES = [(c.value, CLASS_LABELS[c]) for c in BudgetClass]


class BudgetYear(Versioned):
    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="budget_years")
    year = models.PositiveSmallIntegerField(_("tahun"))
    total_allocation = ExactDecimalField(_("total pagu (dinyatakan)"), null=True, blank=True)
    total_realisation = ExactDecimalField(_("total realisasi (dinyatakan)"), null=True, blank=True)
    total_printed = models.JSONField(default=dict, blank=True)
    lines_total_printed = models.JSONField(default=dict, blank=True)

    objects = GuardedManager["BudgetYear"]()

    class Meta:
        verbose_name = _("anggaran tahunan")
        verbose_name_plural = _("anggaran tahunan")
        constraints = [models.UniqueConstraint(fields=["office", "year"], name="one_budget_per_office_year")]

    def __str__(self) -> str:
        return f"{self.office} {self.year}"


class ClassAmount(models.Model):
    budget = models.ForeignKey(BudgetYear, on_delete=models.CASCADE, related_name="classes")
    budget_class = models.CharField(_("kelompok belanja"), max_length=20, choices=CLASS_CHOICES)
    allocation = ExactDecimalField(_("pagu"))
    realisation = ExactDecimalField(_("realisasi"), null=True, blank=True)
    printed = models.JSONField(default=dict, blank=True)
    order = models.PositiveIntegerField(default=0)

    objects = GuardedManager["ClassAmount"]()

    class Meta:
        ordering = ["budget", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["budget", "budget_class"], name="one_amount_per_class")]


class BudgetLine(Versioned):
    class Level(models.TextChoices):
        PROGRAM = "program", _("Program")
        ACTIVITY = "activity", _("Kegiatan")
        SUB_ACTIVITY = "sub_activity", _("Sub kegiatan")

    budget = models.ForeignKey(BudgetYear, on_delete=models.CASCADE, related_name="lines")
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="children")
    code = models.CharField(_("kode"), max_length=40)
    name = models.CharField(_("uraian"), max_length=500)
    level = models.CharField(_("tingkat"), max_length=20, choices=Level.choices, blank=True)
    budget_class = models.CharField(_("kelompok belanja"), max_length=20, choices=CLASS_CHOICES, blank=True)
    objectives = models.JSONField(_("sasaran"), default=list, blank=True)
    allocation = ExactDecimalField(_("pagu"), null=True, blank=True)
    allocation_original = ExactDecimalField(_("pagu murni"), null=True, blank=True)
    realisation = ExactDecimalField(_("realisasi tahunan"), null=True, blank=True)
    explanation = models.TextField(_("penjelasan"), blank=True)
    printed = models.JSONField(default=dict, blank=True)
    order = models.PositiveIntegerField(default=0)

    objects = GuardedManager["BudgetLine"]()

    class Meta:
        ordering = ["budget", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["budget", "code"], name="budget_line_code_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.name[:80]}"


class LineQuarter(models.Model):
    line = models.ForeignKey(BudgetLine, on_delete=models.CASCADE, related_name="quarters")
    quarter = models.PositiveSmallIntegerField(_("triwulan"))
    realisation = ExactDecimalField(_("realisasi"))

    objects = GuardedManager["LineQuarter"]()

    class Meta:
        ordering = ["line", "quarter"]
        constraints = [
            models.UniqueConstraint(fields=["line", "quarter"], name="one_realisation_per_line_quarter"),
            models.CheckConstraint(condition=models.Q(quarter__gte=1, quarter__lte=4), name="line_quarter_1_to_4"),
        ]
