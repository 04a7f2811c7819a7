"""Workflow state of an office's periods, its history, and the regency's due-date rules."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from sakip.accounts.models import Office, Regency
from sakip.domain import workflow as wf

STEP_CHOICES = [
    (wf.Step.PK.value, _("Perjanjian Kinerja")),
    (wf.Step.QUARTER.value, _("Data triwulan")),
    (wf.Step.ANNUAL.value, _("Laporan kinerja tahunan (LKjIP)")),
]
STATE_CHOICES = [
    (wf.State.DRAFT.value, _("Draf")),
    (wf.State.SUBMITTED.value, _("Diajukan")),
    (wf.State.RETURNED.value, _("Dikembalikan")),
    (wf.State.VERIFIED.value, _("Terverifikasi")),
    (wf.State.APPROVED.value, _("Disetujui (terkunci)")),
    (wf.State.REOPENED.value, _("Dibuka kembali")),
]
TRANSITION_CHOICES = [
    (wf.Transition.SUBMIT.value, _("Ajukan")),
    (wf.Transition.VERIFY.value, _("Verifikasi")),
    (wf.Transition.RETURN.value, _("Kembalikan")),
    (wf.Transition.APPROVE.value, _("Setujui dan kunci")),
    (wf.Transition.UNLOCK.value, _("Buka kunci")),
    (wf.Transition.WITHDRAW.value, _("Tarik kembali")),
]


class PeriodState(models.Model):
    """The current state of one office's period; a missing row means draft."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="period_states")
    year = models.PositiveSmallIntegerField(_("tahun"))
    step = models.CharField(_("tahap"), max_length=10, choices=STEP_CHOICES)
    quarter = models.PositiveSmallIntegerField(_("triwulan"), null=True, blank=True)
    state = models.CharField(_("status"), max_length=10, choices=STATE_CHOICES, default=wf.State.DRAFT.value)
    comment = models.TextField(_("catatan terakhir"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("status periode")
        verbose_name_plural = _("status periode")
        ordering = ["office_id", "year", "step", "quarter"]  # by the column, without joining the names
        constraints = [
            models.UniqueConstraint(fields=["office", "year", "step", "quarter"], name="one_state_per_period"),
            models.UniqueConstraint(
                fields=["office", "year", "step"],
                condition=models.Q(quarter__isnull=True),
                name="one_state_per_year_step",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(step="quarter", quarter__gte=1, quarter__lte=4)
                    | (~models.Q(step="quarter") & models.Q(quarter__isnull=True))
                ),
                name="period_state_quarter_matches_step",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.office} {period_label(self.step, self.year, self.quarter)}: {self.get_state_display()}"


class TransitionLog(models.Model):
    """One press of a workflow button: who, when, from → to, with the comment or reason."""

    period = models.ForeignKey(PeriodState, on_delete=models.CASCADE, related_name="history")
    transition = models.CharField(_("tindakan"), max_length=10, choices=TRANSITION_CHOICES)
    from_state = models.CharField(_("dari"), max_length=10, choices=STATE_CHOICES)
    to_state = models.CharField(_("menjadi"), max_length=10, choices=STATE_CHOICES)
    comment = models.TextField(_("catatan"), blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    user_name = models.CharField(_("pengguna"), max_length=150, blank=True)
    at = models.DateTimeField(_("waktu"), auto_now_add=True)

    class Meta:
        verbose_name = _("riwayat alur")
        verbose_name_plural = _("riwayat alur")
        ordering = ["period", "at", "id"]


class DueRuleSetting(models.Model):
    """A regency's due-date rule for a step: days after the anchor, or a fixed date."""

    regency = models.ForeignKey(Regency, on_delete=models.CASCADE, related_name="due_rules")
    step = models.CharField(_("tahap"), max_length=10, choices=STEP_CHOICES)
    days = models.PositiveSmallIntegerField(_("hari setelah akhir periode"), null=True, blank=True)
    month = models.PositiveSmallIntegerField(_("bulan"), null=True, blank=True)
    day = models.PositiveSmallIntegerField(_("tanggal"), null=True, blank=True)
    year_offset = models.PositiveSmallIntegerField(_("tahun berikutnya ke-"), default=0)

    class Meta:
        verbose_name = _("tenggat tahapan")
        verbose_name_plural = _("tenggat tahapan")
        constraints = [models.UniqueConstraint(fields=["regency", "step"], name="one_due_rule_per_step")]

    def __str__(self) -> str:
        return f"{self.regency} — {self.get_step_display()}"

    def clean(self) -> None:
        try:
            self.rule()
        except wf.WorkflowError:
            raise ValidationError(
                _("Isi jumlah hari saja, atau tanggal dan bulan saja (tahun berikutnya 0–2).")
            ) from None

    def rule(self) -> wf.DueRule:
        return wf.DueRule(
            wf.Step(self.step), days=self.days, month=self.month, day=self.day, year_offset=self.year_offset
        )


APPROVER_CHOICES = [
    (wf.Approver.HEAD.value, _("Kepala perangkat daerah")),
    (wf.Approver.VERIFIER.value, _("Verifikator / Inspektorat")),
    (wf.Approver.REGENCY.value, _("Pemda (administrator)")),
]


class ApprovalSetting(models.Model):
    """A regency's choice of who approves a step's document (``domain.workflow.Approver``); a missing row is
    SAKIP's default, the office head."""

    regency = models.ForeignKey(Regency, on_delete=models.CASCADE, related_name="approval_settings")
    step = models.CharField(_("tahap"), max_length=10, choices=STEP_CHOICES)
    approver = models.CharField(
        _("yang menyetujui"), max_length=10, choices=APPROVER_CHOICES, default=wf.DEFAULT_APPROVER.value
    )

    class Meta:
        verbose_name = _("pihak yang menyetujui")
        verbose_name_plural = _("pihak yang menyetujui")
        constraints = [models.UniqueConstraint(fields=["regency", "step"], name="one_approver_per_step")]

    def __str__(self) -> str:
        return f"{self.regency} — {self.get_step_display()}: {self.get_approver_display()}"


QUARTER_NAMES = {1: "I", 2: "II", 3: "III", 4: "IV"}


def period_label(step: str, year: int, quarter: int | None) -> str:
    """Indonesian name of a period, e.g. 'Data triwulan TW II 2020'."""
    if step == wf.Step.QUARTER and quarter is not None:
        return f"{_('Data triwulan')} TW {QUARTER_NAMES[quarter]} {year}"
    if step == wf.Step.PK:
        return f"{_('Perjanjian Kinerja')} {year}"
    return f"{_('Laporan kinerja tahunan (LKjIP)')} {year}"


class RowComment(models.Model):
    """A verifier's (or planner's) note on one indicator's quarter, shown to the office next to the row.

    Append-only (a comment is never edited; a new one is written), audited like every model, and
    not period data: it may be written while the period is submitted or approved (that is when
    a verifier reads it), so it is outside the write guard.
    """

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="row_comments")
    year = models.PositiveSmallIntegerField(_("tahun"))
    quarter = models.PositiveSmallIntegerField(_("triwulan"))
    indicator = models.ForeignKey("planning.Indicator", on_delete=models.CASCADE, related_name="comments")
    text = models.TextField(_("catatan"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    author_name = models.CharField(_("pengguna"), max_length=150, blank=True)
    at = models.DateTimeField(_("waktu"), auto_now_add=True)

    class Meta:
        verbose_name = _("catatan verifikator per indikator")
        verbose_name_plural = _("catatan verifikator per indikator")
        ordering = ["office", "year", "quarter", "indicator", "at", "id"]
        indexes = [models.Index(fields=["office", "year", "quarter"], name="row_comment_period")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quarter__gte=1, quarter__lte=4), name="row_comment_quarter_1_to_4"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.office} {self.year} TW {self.quarter} {self.indicator_id}: {self.text[:40]}"
