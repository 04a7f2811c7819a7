"""The regency's RPJMD and the links from the offices' plans to it (issue #17).

* `Rpjmd` — the regency's medium-term plan for a plan period (vision, missions), one row per
  revision (``revision`` 1, 2 …) with a status: a *konsep* (draft) is edited by the planner; a
  *ditetapkan* (approved) revision is frozen (`sakip.cascade.locks`) until the administrator
  reopens it. The RPJMD in force for a year is the latest approved revision covering it, else the
  latest draft.
* `RpjmdGoal` → `RpjmdObjective` → `RegencyIndicator` (IKU Pemda: unit, direction, baseline, yearly
  targets, responsible offices, and how it is computed: `domain.cascade.Computation`).
* `OfficeObjectiveLink` — an office's goal or objective supports an RPJMD objective;
  `IndicatorContribution` — an office indicator contributes to a regency indicator, with the office's
  target for it (per year, where one is set) and the input mapping for a ratio of sums.

The office's own ``planning.PlanPeriod`` of kind ``rpjmd`` stays what it was: an office's copy of
the RPJMD goals it reports against, measured like its Renstra. It is not this model and is not
linked to it (see docs/architecture.md).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from sakip.accounts.models import Office, Regency
from sakip.core.concurrency import Versioned
from sakip.core.fields import ExactDecimalField
from sakip.core.guarded import GuardedManager
from sakip.domain.cascade import Aggregation, Computation
from sakip.domain.measurement import Method, Polarity
from sakip.domain.periods import Rollup
from sakip.planning.models import METHOD_CHOICES, ROLLUP_CHOICES
from sakip.planning.models import POLARITY_CHOICES as OFFICE_POLARITY_CHOICES
from sakip.planning.models import Goal as OfficeGoal
from sakip.planning.models import Indicator as OfficeIndicator
from sakip.planning.models import Objective as OfficeObjective

#: an IKU Pemda is higher- or lower-is-better only: the office indicators' labels for those two
POLARITY_CHOICES = [
    (value, label) for value, label in OFFICE_POLARITY_CHOICES
    if value in (Polarity.HIGHER_IS_BETTER.value, Polarity.LOWER_IS_BETTER.value)
]
COMPUTATION_CHOICES = [
    (Computation.FORMULA.value, _("rumus atas komponen perangkat daerah (rasio jumlah)")),
    (Computation.AGGREGATE.value, _("agregat nilai indikator perangkat daerah")),
    (Computation.DIRECT.value, _("diisi langsung oleh pemda")),
]
AGGREGATION_CHOICES = [
    (Aggregation.MEAN.value, _("rata-rata")),
    (Aggregation.SUM.value, _("jumlah")),
    (Aggregation.MIN.value, _("terendah")),
    (Aggregation.MAX.value, _("tertinggi")),
]


def year_decimals(value: Any) -> dict[int, Decimal]:
    """``{"2025": "80.5"}`` (a JSON field of yearly numbers) as ``{2025: Decimal("80.5")}``; bad entries skipped."""
    out: dict[int, Decimal] = {}
    if not isinstance(value, dict):
        return out
    for year, number in value.items():
        try:
            out[int(year)] = Decimal(str(number))
        except (ValueError, InvalidOperation):
            continue
    return out


class Rpjmd(Versioned):
    class Status(models.TextChoices):
        DRAFT = "draft", _("konsep")
        APPROVED = "approved", _("ditetapkan")

    regency = models.ForeignKey(Regency, on_delete=models.CASCADE, related_name="rpjmds", verbose_name=_("pemda"))
    start_year = models.PositiveSmallIntegerField(_("tahun awal"))
    end_year = models.PositiveSmallIntegerField(_("tahun akhir"))
    revision = models.PositiveSmallIntegerField(_("revisi"), default=1)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    legal_basis = models.CharField(_("dasar hukum (Perda)"), max_length=300, blank=True)
    vision = models.TextField(_("visi"), blank=True)
    missions = models.JSONField(_("misi"), default=list, blank=True)
    note = models.TextField(_("catatan (alasan perubahan, ilustrasi …)"), blank=True)

    class Meta:
        verbose_name = _("RPJMD")
        verbose_name_plural = _("RPJMD")
        ordering = ["regency_id", "-start_year", "-revision"]
        constraints = [
            models.CheckConstraint(condition=models.Q(start_year__lte=models.F("end_year")), name="rpjmd_period_order"),
            models.UniqueConstraint(fields=["regency", "start_year", "revision"], name="rpjmd_revision_unique"),
        ]

    def __str__(self) -> str:
        return f"RPJMD {self.regency} {self.start_year}–{self.end_year} (revisi {self.revision})"

    @property
    def approved(self) -> bool:
        return self.status == self.Status.APPROVED

    def years(self) -> range:
        return range(self.start_year, self.end_year + 1)


class RpjmdGoal(Versioned):
    rpjmd = models.ForeignKey(Rpjmd, on_delete=models.CASCADE, related_name="goals", verbose_name=_("RPJMD"))
    code = models.CharField(_("kode"), max_length=40)
    text = models.TextField(_("tujuan"))
    order = models.PositiveIntegerField(_("urutan"), default=0)

    class Meta:
        verbose_name = _("tujuan RPJMD")
        verbose_name_plural = _("tujuan RPJMD")
        ordering = ["rpjmd", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["rpjmd", "code"], name="rpjmd_goal_code_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:60]}"


class RpjmdObjective(Versioned):
    rpjmd = models.ForeignKey(Rpjmd, on_delete=models.CASCADE, related_name="objectives", verbose_name=_("RPJMD"))
    goal = models.ForeignKey(RpjmdGoal, on_delete=models.PROTECT, related_name="objectives", verbose_name=_("tujuan"))
    code = models.CharField(_("kode"), max_length=40)
    text = models.TextField(_("sasaran"))
    order = models.PositiveIntegerField(_("urutan"), default=0)

    class Meta:
        verbose_name = _("sasaran RPJMD")
        verbose_name_plural = _("sasaran RPJMD")
        ordering = ["rpjmd", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["rpjmd", "code"], name="rpjmd_objective_code_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:60]}"


class RegencyIndicator(Versioned):
    """An IKU Pemda: an indicator of an RPJMD objective, computed from offices or entered directly."""

    rpjmd = models.ForeignKey(Rpjmd, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("RPJMD"))
    objective = models.ForeignKey(
        RpjmdObjective, on_delete=models.PROTECT, related_name="indicators", verbose_name=_("sasaran RPJMD")
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
    #: ``{"2025": "80"}``: the RPJMD's target of each year (exact decimals as strings)
    targets = models.JSONField(_("target tahunan"), default=dict, blank=True)
    end_target = ExactDecimalField(_("target akhir periode"), null=True, blank=True)
    computation = models.CharField(
        _("cara menghitung"), max_length=10, choices=COMPUTATION_CHOICES, default=Computation.FORMULA.value
    )
    #: the formula over the regency's input names (ratio of sums), e.g. ``selesai / masuk * 100``
    formula = models.CharField(_("rumus"), max_length=500, blank=True)
    #: the input names the formula uses: ``[{"name": "selesai", "label": "…"}]``
    inputs = models.JSONField(_("komponen rumus"), default=list, blank=True)
    aggregation = models.CharField(_("agregasi"), max_length=10, choices=AGGREGATION_CHOICES, blank=True)
    #: the regency's own quarter targets and (entered directly) values: ``{"2025": {"targets": {"1": "20"},
    #: "cumulative": true, "values": {"1": "3.5"}}}``
    quarters = models.JSONField(_("data triwulan pemda"), default=dict, blank=True)
    responsible_offices = models.ManyToManyField(
        Office, blank=True, related_name="regency_indicators", verbose_name=_("perangkat daerah penanggung jawab")
    )
    definition = models.TextField(_("definisi operasional"), blank=True)
    order = models.PositiveIntegerField(_("urutan"), default=0)

    class Meta:
        verbose_name = _("indikator kinerja utama pemda")
        verbose_name_plural = _("indikator kinerja utama pemda")
        ordering = ["rpjmd", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["rpjmd", "code"], name="regency_indicator_code_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.name[:80]}"

    def input_names(self) -> list[str]:
        return [str(i["name"]) for i in self.inputs if isinstance(i, dict) and i.get("name")]

    def target_for(self, year: int) -> Decimal | None:
        return year_decimals(self.targets).get(year)


class OfficeObjectiveLink(models.Model):
    """An office's goal or objective (exactly one) supports an RPJMD objective."""

    office_goal = models.ForeignKey(
        OfficeGoal, on_delete=models.CASCADE, null=True, blank=True, related_name="rpjmd_links",
        verbose_name=_("tujuan perangkat daerah"),
    )
    office_objective = models.ForeignKey(
        OfficeObjective, on_delete=models.CASCADE, null=True, blank=True, related_name="rpjmd_links",
        verbose_name=_("sasaran perangkat daerah"),
    )
    rpjmd_objective = models.ForeignKey(
        RpjmdObjective, on_delete=models.CASCADE, related_name="office_links", verbose_name=_("sasaran RPJMD")
    )
    note = models.CharField(_("keterangan dukungan"), max_length=300, blank=True)

    objects = GuardedManager["OfficeObjectiveLink"]()

    class Meta:
        verbose_name = _("dukungan sasaran RPJMD")
        verbose_name_plural = _("dukungan sasaran RPJMD")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(office_goal__isnull=True, office_objective__isnull=False)
                | models.Q(office_goal__isnull=False, office_objective__isnull=True),
                name="rpjmd_link_goal_or_objective",
            ),
            models.UniqueConstraint(fields=["office_objective", "rpjmd_objective"], name="rpjmd_link_objective_unique"),
            models.UniqueConstraint(fields=["office_goal", "rpjmd_objective"], name="rpjmd_link_goal_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.office_objective or self.office_goal} → {self.rpjmd_objective}"


class IndicatorContribution(models.Model):
    """An office indicator contributes to a regency indicator."""

    indicator = models.ForeignKey(
        OfficeIndicator, on_delete=models.CASCADE, related_name="contributions",
        verbose_name=_("indikator perangkat daerah"),
    )
    regency_indicator = models.ForeignKey(
        RegencyIndicator, on_delete=models.CASCADE, related_name="contributions",
        verbose_name=_("indikator kinerja utama pemda"),
    )
    #: ``{"2025": "75"}``: the office's own target for the regency's indicator, where one is set
    targets = models.JSONField(_("target perangkat daerah untuk indikator pemda"), default=dict, blank=True)
    #: ratio of sums: the regency's input name → the office indicator's input name
    input_map = models.JSONField(_("pemetaan komponen"), default=dict, blank=True)

    objects = GuardedManager["IndicatorContribution"]()

    class Meta:
        verbose_name = _("kontribusi indikator")
        verbose_name_plural = _("kontribusi indikator")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "regency_indicator"], name="contribution_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} → {self.regency_indicator}"

    def clean(self) -> None:
        ri = self.regency_indicator
        if ri.computation == Computation.FORMULA.value:
            own = set(self.indicator.inputs.values_list("name", flat=True)) if self.indicator.pk else set()
            unknown = sorted(v for v in self.input_map.values() if v not in own)
            if unknown:
                raise ValidationError(
                    _("Komponen %(names)s tidak ada pada indikator perangkat daerah.") % {"names": ", ".join(unknown)}
                )
