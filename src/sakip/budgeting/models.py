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
    office = models.ForeignKey(
        Office, on_delete=models.CASCADE, related_name="budget_years", verbose_name=_("perangkat daerah")
    )
    year = models.PositiveSmallIntegerField(_("tahun"))
    total_allocation = ExactDecimalField(_("total pagu (dinyatakan)"), null=True, blank=True)
    total_realisation = ExactDecimalField(_("total realisasi (dinyatakan)"), null=True, blank=True)
    total_printed = models.JSONField(_("total anggaran tercetak"), default=dict, blank=True)
    lines_total_printed = models.JSONField(_("jumlah baris anggaran tercetak"), default=dict, blank=True)

    objects = GuardedManager["BudgetYear"]()

    class Meta:
        verbose_name = _("anggaran tahunan")
        verbose_name_plural = _("anggaran tahunan")
        constraints = [models.UniqueConstraint(fields=["office", "year"], name="one_budget_per_office_year")]

    def __str__(self) -> str:
        return f"{self.office} {self.year}"


class ClassAmount(models.Model):
    budget = models.ForeignKey(
        BudgetYear, on_delete=models.CASCADE, related_name="classes", verbose_name=_("anggaran tahunan")
    )
    budget_class = models.CharField(_("kelompok belanja"), max_length=20, choices=CLASS_CHOICES)
    allocation = ExactDecimalField(_("pagu"))
    realisation = ExactDecimalField(_("realisasi"), null=True, blank=True)
    printed = models.JSONField(_("angka tercetak"), default=dict, blank=True)
    order = models.PositiveIntegerField(_("urutan"), default=0)

    objects = GuardedManager["ClassAmount"]()

    class Meta:
        verbose_name = _("anggaran per kelompok belanja")
        verbose_name_plural = _("anggaran per kelompok belanja")
        ordering = ["budget", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["budget", "budget_class"], name="one_amount_per_class")]

    def __str__(self) -> str:
        return str(self.get_budget_class_display())


class Basis(models.TextChoices):
    QUARTER = "quarter", _("per triwulan")
    YEAR = "year", _("setahun")


class BudgetLine(Versioned):
    class Level(models.TextChoices):
        PROGRAM = "program", _("Program")
        ACTIVITY = "activity", _("Kegiatan")
        SUB_ACTIVITY = "sub_activity", _("Sub kegiatan")

    budget = models.ForeignKey(
        BudgetYear, on_delete=models.CASCADE, related_name="lines", verbose_name=_("anggaran tahunan")
    )
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children", verbose_name=_("induk")
    )
    code = models.CharField(_("kode"), max_length=40)
    name = models.CharField(_("uraian"), max_length=500)
    level = models.CharField(_("tingkat"), max_length=20, choices=Level.choices, blank=True)
    budget_class = models.CharField(_("kelompok belanja"), max_length=20, choices=CLASS_CHOICES, blank=True)
    objectives = models.JSONField(_("sasaran"), default=list, blank=True)
    # {"S1": "60", "S2": "40"}: percent per objective when the line serves several (exact decimal text)
    objective_shares = models.JSONField(_("bagian per sasaran (%)"), default=dict, blank=True)
    allocation = ExactDecimalField(_("pagu"), null=True, blank=True)
    allocation_original = ExactDecimalField(_("pagu murni"), null=True, blank=True)
    realisation = ExactDecimalField(_("realisasi tahunan"), null=True, blank=True)
    # which realisation counts; the other one is kept (switching back loses nothing). Blank: the data decides
    basis = models.CharField(_("cara pengisian realisasi"), max_length=10, choices=Basis.choices, blank=True)
    explanation = models.TextField(_("penjelasan"), blank=True)
    printed = models.JSONField(_("angka tercetak"), default=dict, blank=True)
    order = models.PositiveIntegerField(_("urutan"), default=0)

    objects = GuardedManager["BudgetLine"]()

    class Meta:
        verbose_name = _("baris anggaran")
        verbose_name_plural = _("baris anggaran")
        ordering = ["budget", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["budget", "code"], name="budget_line_code_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.name[:80]}"


class LineQuarter(models.Model):
    line = models.ForeignKey(
        BudgetLine, on_delete=models.CASCADE, related_name="quarters", verbose_name=_("baris anggaran")
    )
    quarter = models.PositiveSmallIntegerField(_("triwulan"))
    realisation = ExactDecimalField(_("realisasi"))

    objects = GuardedManager["LineQuarter"]()

    class Meta:
        verbose_name = _("realisasi anggaran triwulan")
        verbose_name_plural = _("realisasi anggaran triwulan")
        ordering = ["line", "quarter"]
        constraints = [
            models.UniqueConstraint(fields=["line", "quarter"], name="one_realisation_per_line_quarter"),
            models.CheckConstraint(condition=models.Q(quarter__gte=1, quarter__lte=4), name="line_quarter_1_to_4"),
        ]


class AllocationAmendment(models.Model):
    """A change of a line's allocation during the year (APBD Perubahan), in force from a quarter on.

    The line's own ``allocation`` stays the original (APBD murni): the amendment is a new row,
    kept alongside it, and changes the figures of its quarter, the later ones and the year —
    never those of an earlier quarter (the write guard refuses it while any of those periods
    is frozen; see docs/architecture.md).
    """

    line = models.ForeignKey(
        BudgetLine, on_delete=models.CASCADE, related_name="amendments", verbose_name=_("baris anggaran")
    )
    from_quarter = models.PositiveSmallIntegerField(_("berlaku mulai triwulan"))
    allocation = ExactDecimalField(_("pagu perubahan"))
    date = models.DateField(_("tanggal"), null=True, blank=True)
    reason = models.TextField(_("alasan"), blank=True)

    objects = GuardedManager["AllocationAmendment"]()

    class Meta:
        verbose_name = _("perubahan pagu")
        verbose_name_plural = _("perubahan pagu")
        ordering = ["line", "from_quarter"]
        constraints = [
            models.UniqueConstraint(fields=["line", "from_quarter"], name="one_amendment_per_line_quarter"),
            models.CheckConstraint(
                condition=models.Q(from_quarter__gte=1, from_quarter__lte=4), name="amendment_quarter_1_to_4"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.line.code} TW {self.from_quarter}"
