"""Regency (pemda) → offices (OPD) → units, users with a role, and per-year settings."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sakip.core.fields import ExactDecimalField
from sakip.core.guarded import GuardedManager
from sakip.domain.explanations import ExplanationRule
from sakip.domain.measurement import CapPolicy, LowerFormula
from sakip.domain.scales import SCALE_PRESETS


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator pemda")
    PLANNER = "planner", _("Perencana / Bappeda")
    OPERATOR = "operator", _("Operator perangkat daerah")
    HEAD = "head", _("Kepala perangkat daerah")
    VERIFIER = "verifier", _("Verifikator / Inspektorat")
    PUBLIC = "public", _("Publik")


REGENCY_ROLES = {Role.ADMIN, Role.PLANNER, Role.VERIFIER}
OFFICE_ROLES = {Role.OPERATOR, Role.HEAD}


class Province(models.Model):
    """A province grouping the regencies of a province or national instance (issue #12).

    Only for oversight: the regencies' data stay each their own (a regency's users never see
    another regency); a province's oversight users read the aggregates of its regencies.
    """

    code = models.SlugField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("nama"), max_length=200)

    class Meta:
        verbose_name = _("provinsi")
        verbose_name_plural = _("provinsi")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Regency(models.Model):
    code = models.SlugField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("nama"), max_length=200)
    # the province's name as the documents print it (text); `province_group` is the oversight grouping
    province = models.CharField(_("provinsi"), max_length=200, blank=True)
    province_group = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="regencies",
        verbose_name=_("provinsi (pengawasan)"),
    )

    class Meta:
        verbose_name = _("pemerintah daerah")
        verbose_name_plural = _("pemerintah daerah")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OfficeKind(models.TextChoices):
    KECAMATAN = "kecamatan", _("Kecamatan")
    DINAS = "dinas", _("Dinas")
    BADAN = "badan", _("Badan")
    KANTOR = "kantor", _("Kantor")
    SEKRETARIAT = "sekretariat", _("Sekretariat")
    OTHER = "other", _("Lainnya")


class Office(models.Model):
    regency = models.ForeignKey(Regency, on_delete=models.PROTECT, related_name="offices", verbose_name=_("pemda"))
    code = models.SlugField(_("kode"), max_length=40)
    name = models.CharField(_("nama"), max_length=200)
    kind = models.CharField(_("jenis"), max_length=20, choices=OfficeKind.choices, default=OfficeKind.KECAMATAN)
    mandate = models.TextField(_("tugas pokok"), blank=True)
    head_name = models.CharField(_("nama kepala"), max_length=200, blank=True)
    head_rank = models.CharField(_("pangkat kepala"), max_length=200, blank=True)
    head_nip = models.CharField(_("NIP kepala"), max_length=40, blank=True)
    head_position = models.CharField(_("jabatan kepala"), max_length=200, blank=True)
    superior_name = models.CharField(_("nama atasan"), max_length=200, blank=True)
    superior_position = models.CharField(_("jabatan atasan"), max_length=200, blank=True)
    published = models.BooleanField(_("dipublikasikan"), default=False)
    # as the office's documents name its pemda; empty = the regency's own name (differs only
    # for an office moved between regencies, or the demo regency holding real offices)
    regency_label = models.CharField(_("nama pemda pada dokumen"), max_length=200, blank=True)
    province = models.CharField(_("provinsi"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("perangkat daerah")
        verbose_name_plural = _("perangkat daerah")
        ordering = ["regency", "name"]
        constraints = [models.UniqueConstraint(fields=["regency", "code"], name="office_code_unique_in_regency")]

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="units")
    name = models.CharField(_("nama"), max_length=300)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("unit kerja")
        verbose_name_plural = _("unit kerja")
        ordering = ["office", "order", "id"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user's role: in the regency (admin, planner, verifier) or in one office (operator, head)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership")
    regency = models.ForeignKey(Regency, on_delete=models.CASCADE, related_name="members")
    office = models.ForeignKey(Office, on_delete=models.CASCADE, null=True, blank=True, related_name="members")
    role = models.CharField(_("peran"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("keanggotaan")
        verbose_name_plural = _("keanggotaan")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(role__in=["operator", "head"], office__isnull=False)
                    | models.Q(role__in=["admin", "planner", "verifier", "public"], office__isnull=True)
                ),
                name="membership_office_matches_role",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}"

    def clean(self) -> None:
        _office_in_regency(self)
        if self.user_id is not None and Oversight.objects.filter(user_id=self.user_id).exists():
            from django.core.exceptions import ValidationError

            raise ValidationError(_("Pengguna ini sudah memiliki peran pengawasan provinsi/nasional."))


class OversightRole(models.TextChoices):
    """Roles above the regencies: they read aggregates and the offices' figures, and write nothing."""

    PROVINCE = "province", _("Pengawas provinsi")
    NATIONAL = "national", _("Pengawas nasional")


class Oversight(models.Model):
    """A user overseeing the regencies of one province, or every regency of the instance (issue #12).

    Kept apart from `Membership` on purpose: every regency page resolves the user's regency from the
    membership, so a user without one is refused everywhere there — an oversight user reaches regency
    data only through the oversight pages (`sakip.province`), which read and never write. A user has
    a membership or an oversight role, not both (`clean`; the admin form calls it).
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="oversight")
    role = models.CharField(_("peran"), max_length=20, choices=OversightRole.choices)
    province = models.ForeignKey(
        Province, on_delete=models.CASCADE, null=True, blank=True, related_name="overseers", verbose_name=_("provinsi")
    )

    class Meta:
        verbose_name = _("peran pengawasan")
        verbose_name_plural = _("peran pengawasan")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(role="province", province__isnull=False)
                    | models.Q(role="national", province__isnull=True)
                ),
                name="oversight_province_matches_role",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.user_id is not None and Membership.objects.filter(user_id=self.user_id).exists():
            raise ValidationError(_("Pengguna ini sudah memiliki peran di sebuah pemda."))

    def regencies(self) -> models.QuerySet[Regency]:
        """The regencies this role oversees."""
        if self.role == OversightRole.NATIONAL:
            return Regency.objects.all()
        return Regency.objects.filter(province_group_id=self.province_id)


SCALE_CHOICES = [(code, scale.name) for code, scale in SCALE_PRESETS.items() if code != "lke-akip"]


class YearSetting(models.Model):
    """The predicate scale and cap policy a regency uses in a year (SPEC §4).

    A row with an office overrides the regency's row for that office (an office
    moved from another regency keeps its scale; the demo regency holds three real
    offices that used different scales).
    """

    regency = models.ForeignKey(Regency, on_delete=models.CASCADE, related_name="year_settings")
    office = models.ForeignKey(Office, on_delete=models.CASCADE, null=True, blank=True, related_name="year_settings")
    year = models.PositiveSmallIntegerField(_("tahun"))
    scale = models.CharField(_("skala predikat"), max_length=40, choices=SCALE_CHOICES, default="lkjip-4")
    custom_bands = models.JSONField(_("skala kustom"), default=list, blank=True)
    cap = models.CharField(
        _("batas capaian"), max_length=10, choices=[(c.value, c.value) for c in CapPolicy], default="none"
    )
    lower_formula = models.CharField(
        _("rumus indikator negatif"),
        max_length=10,
        choices=[(f.value, f.value) for f in LowerFormula],
        default=LowerFormula.MIRROR.value,
    )
    #: what a quarter below target without an explanation does (`domain.explanations`)
    explanation_rule = models.CharField(
        _("penjelasan capaian di bawah target"),
        max_length=12,
        choices=[(ExplanationRule.REQUIRED.value, _("wajib (tidak disimpan tanpa penjelasan)")),
                 (ExplanationRule.WARNING.value, _("peringatan (disimpan, dengan peringatan)"))],
        default=ExplanationRule.REQUIRED.value,
    )
    explanation_threshold = ExactDecimalField(
        _("batas capaian yang perlu dijelaskan (%)"),
        null=True,
        blank=True,
        help_text=_("Kosong: penjelasan diminta bila capaian di bawah target (100 %)."),
    )

    objects = GuardedManager["YearSetting"]()

    class Meta:
        verbose_name = _("pengaturan tahunan")
        verbose_name_plural = _("pengaturan tahunan")
        constraints = [
            models.UniqueConstraint(
                fields=["regency", "year"], condition=models.Q(office__isnull=True), name="one_setting_per_regency_year"
            ),
            models.UniqueConstraint(fields=["office", "year"], name="one_setting_per_office_year"),
        ]

    def __str__(self) -> str:
        return f"{self.office or self.regency} {self.year}"

    def clean(self) -> None:
        _office_in_regency(self)


def _office_in_regency(row: Membership | YearSetting) -> None:
    """A row's office belongs to the row's regency (a form cannot tie one regency to another's office)."""
    from django.core.exceptions import ValidationError

    if row.office_id is None or row.regency_id is None:
        return
    if not Office.objects.filter(pk=row.office_id, regency_id=row.regency_id).exists():
        raise ValidationError({"office": _("Perangkat daerah ini bukan bagian dari pemda yang dipilih.")})
