"""The plan period of an office and everything measured against it (SPEC §2, §3)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from sakip.accounts.models import Office
from sakip.core.concurrency import Versioned
from sakip.core.fields import ExactDecimalField
from sakip.core.guarded import GuardedManager
from sakip.domain.measurement import Method, Polarity
from sakip.domain.periods import Rollup

POLARITY_CHOICES = [
    (Polarity.HIGHER_IS_BETTER.value, _("semakin tinggi semakin baik")),
    (Polarity.LOWER_IS_BETTER.value, _("semakin rendah semakin baik")),
    (Polarity.IN_RANGE.value, _("dalam rentang")),
    (Polarity.QUALITATIVE.value, _("kualitatif (predikat)")),
]
ROLLUP_CHOICES = [
    (Rollup.SUM.value, _("jumlah")),
    (Rollup.LAST.value, _("nilai terakhir")),
    (Rollup.AVERAGE.value, _("rata-rata")),
    (Rollup.MAX.value, _("tertinggi")),
    (Rollup.MIN.value, _("terendah")),
]
METHOD_CHOICES = [
    (Method.RATIO.value, _("realisasi terhadap target")),
    (Method.BASELINE.value, _("kemajuan dari baseline")),
]
ORDINAL_CHOICES = [("akip", _("Predikat AKIP")), ("audit-opinion", _("Opini BPK"))]


class PlanPeriod(Versioned):
    office = models.ForeignKey(
        Office, on_delete=models.CASCADE, related_name="plans", verbose_name=_("perangkat daerah")
    )
    kind = models.CharField(
        _("jenis"), max_length=10, choices=[("renstra", "Renstra"), ("rpjmd", "RPJMD")], default="renstra"
    )
    start_year = models.PositiveSmallIntegerField(_("tahun awal"))
    end_year = models.PositiveSmallIntegerField(_("tahun akhir"))
    vision = models.TextField(_("visi"), blank=True)
    missions = models.JSONField(_("misi"), default=list, blank=True)

    objects = GuardedManager["PlanPeriod"]()

    class Meta:
        verbose_name = _("periode rencana")
        verbose_name_plural = _("periode rencana")
        ordering = ["office_id", "-start_year"]  # by the column: not the office's and regency's names (joins)
        constraints = [
            models.CheckConstraint(condition=models.Q(start_year__lte=models.F("end_year")), name="plan_period_order")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.office} {self.start_year}–{self.end_year}"


class Goal(Versioned):
    plan = models.ForeignKey(
        PlanPeriod, on_delete=models.CASCADE, related_name="goals", verbose_name=_("periode rencana")
    )
    code = models.CharField(_("kode"), max_length=40)
    text = models.TextField(_("tujuan"))
    weight = ExactDecimalField(_("bobot"), default=1)
    order = models.PositiveIntegerField(_("urutan"), default=0)

    objects = GuardedManager["Goal"]()

    class Meta:
        verbose_name = _("tujuan")
        verbose_name_plural = _("tujuan")
        ordering = ["plan", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="goal_code_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:60]}"


class Objective(Versioned):
    plan = models.ForeignKey(
        PlanPeriod, on_delete=models.CASCADE, related_name="objectives", verbose_name=_("periode rencana")
    )
    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="objectives", verbose_name=_("tujuan"))
    code = models.CharField(_("kode"), max_length=40)
    text = models.TextField(_("sasaran"))
    weight = ExactDecimalField(_("bobot"), default=1)
    strategies = models.JSONField(_("strategi"), default=list, blank=True)
    policies = models.JSONField(_("arah kebijakan"), default=list, blank=True)
    order = models.PositiveIntegerField(_("urutan"), default=0)

    objects = GuardedManager["Objective"]()

    class Meta:
        verbose_name = _("sasaran")
        verbose_name_plural = _("sasaran")
        ordering = ["plan", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="objective_code_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:60]}"


class Indicator(Versioned):
    """An indicator of a goal or of an objective (exactly one of the two)."""

    plan = models.ForeignKey(
        PlanPeriod, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("periode rencana")
    )
    goal = models.ForeignKey(
        Goal, on_delete=models.CASCADE, null=True, blank=True, related_name="indicators", verbose_name=_("tujuan")
    )
    objective = models.ForeignKey(
        Objective,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="indicators",
        verbose_name=_("sasaran"),
    )
    code = models.CharField(_("kode"), max_length=40)
    name = models.CharField(_("nama indikator"), max_length=500)
    unit = models.CharField(_("satuan"), max_length=50)
    polarity = models.CharField(
        _("polaritas"), max_length=20, choices=POLARITY_CHOICES, default=Polarity.HIGHER_IS_BETTER.value
    )
    rollup = models.CharField(_("rekap triwulan"), max_length=10, choices=ROLLUP_CHOICES, default=Rollup.LAST.value)
    method = models.CharField(_("metode"), max_length=10, choices=METHOD_CHOICES, default=Method.RATIO.value)
    baseline = ExactDecimalField(_("kondisi awal (baseline)"), null=True, blank=True)
    ordinal_scale = models.CharField(_("skala predikat kualitatif"), max_length=20, choices=ORDINAL_CHOICES, blank=True)
    formula = models.CharField(_("rumus"), max_length=500, blank=True)
    definition = models.TextField(_("definisi operasional"), blank=True)
    iku = models.BooleanField(_("IKU"), default=False)
    weight = ExactDecimalField(_("bobot"), default=1)
    data_source = models.CharField(_("sumber data"), max_length=500, blank=True)
    responsible_unit = models.CharField(_("penanggung jawab"), max_length=500, blank=True)
    national_standard = ExactDecimalField(_("standar nasional"), null=True, blank=True)
    end_value = ExactDecimalField(_("target akhir periode"), null=True, blank=True)
    end_grade = models.CharField(_("target akhir (predikat)"), max_length=20, blank=True)
    end_low = ExactDecimalField(_("target akhir periode (batas bawah)"), null=True, blank=True)
    end_high = ExactDecimalField(_("target akhir periode (batas atas)"), null=True, blank=True)
    order = models.PositiveIntegerField(_("urutan"), default=0)

    objects = GuardedManager["Indicator"]()

    class Meta:
        verbose_name = _("indikator kinerja")
        verbose_name_plural = _("indikator kinerja")
        ordering = ["plan", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="indicator_code_unique"),
            models.CheckConstraint(
                condition=models.Q(goal__isnull=True, objective__isnull=False)
                | models.Q(goal__isnull=False, objective__isnull=True),
                name="indicator_belongs_to_goal_or_objective",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name[:80]}"


class FormulaInput(models.Model):
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="inputs", verbose_name=_("indikator kinerja")
    )
    name = models.CharField(_("nama variabel"), max_length=40)
    label = models.CharField(_("keterangan"), max_length=500)
    rollup = models.CharField(_("rekap triwulan"), max_length=10, choices=ROLLUP_CHOICES, default=Rollup.SUM.value)
    order = models.PositiveIntegerField(_("urutan"), default=0)

    objects = GuardedManager["FormulaInput"]()

    class Meta:
        verbose_name = _("komponen rumus")
        verbose_name_plural = _("komponen rumus")
        ordering = ["indicator", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["indicator", "name"], name="formula_input_unique")]

    def __str__(self) -> str:
        return self.name


class TargetValue(models.Model):
    """A target in one of three shapes: a number, a grade, or a range (low–high)."""

    value = ExactDecimalField(_("target"), null=True, blank=True)
    grade = models.CharField(_("target (predikat)"), max_length=20, blank=True)
    low = ExactDecimalField(_("batas bawah"), null=True, blank=True)
    high = ExactDecimalField(_("batas atas"), null=True, blank=True)

    class Meta:
        abstract = True


class Target(TargetValue):
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="targets", verbose_name=_("indikator kinerja")
    )
    year = models.PositiveSmallIntegerField(_("tahun"))

    objects = GuardedManager["Target"]()

    class Meta:
        verbose_name = _("target tahunan")
        verbose_name_plural = _("target tahunan")
        ordering = ["indicator", "year"]
        constraints = [models.UniqueConstraint(fields=["indicator", "year"], name="one_target_per_year")]


class ProgramNode(Versioned):
    """Program → activity → sub-activity, with Permendagri 90/2019 codes."""

    class Level(models.TextChoices):
        PROGRAM = "program", _("Program")
        ACTIVITY = "activity", _("Kegiatan")
        SUB_ACTIVITY = "sub_activity", _("Sub kegiatan")

    plan = models.ForeignKey(
        PlanPeriod, on_delete=models.CASCADE, related_name="programs", verbose_name=_("periode rencana")
    )
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children", verbose_name=_("induk")
    )
    level = models.CharField(_("tingkat"), max_length=20, choices=Level.choices)
    code = models.CharField(_("kode"), max_length=40)
    name = models.CharField(_("nama"), max_length=500)
    objectives = models.ManyToManyField(Objective, blank=True, related_name="programs")
    order = models.PositiveIntegerField(_("urutan"), default=0)

    objects = GuardedManager["ProgramNode"]()

    class Meta:
        verbose_name = _("program/kegiatan")
        verbose_name_plural = _("program/kegiatan")
        ordering = ["plan", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="program_code_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.name[:80]}"


class OutputIndicator(models.Model):
    program = models.ForeignKey(
        ProgramNode, on_delete=models.CASCADE, related_name="output_indicators", verbose_name=_("program/kegiatan")
    )
    name = models.CharField(_("indikator keluaran"), max_length=500)
    unit = models.CharField(_("satuan"), max_length=50)
    targets = models.JSONField(_("target"), default=dict, blank=True)
    realisations = models.JSONField(_("realisasi"), default=dict, blank=True)
    order = models.PositiveIntegerField(_("urutan"), default=0)

    objects = GuardedManager["OutputIndicator"]()

    class Meta:
        verbose_name = _("indikator keluaran")
        verbose_name_plural = _("indikator keluaran")
        ordering = ["program", "order", "id"]


    def __str__(self) -> str:
        return str(self.name)
