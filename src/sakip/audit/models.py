"""The audit trail: one append-only row per change (SPEC §9: who, when, from where, old → new)."""

from __future__ import annotations

from typing import Any, ClassVar, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sakip.accounts.models import Office, Regency


class AuditRefused(Exception):
    """The audit trail cannot be changed or deleted."""


REFUSAL = "Jejak audit tidak dapat diubah atau dihapus."


class AuditQuerySet(models.QuerySet["AuditEntry"]):
    def delete(self) -> NoReturn:
        raise AuditRefused(REFUSAL)

    def update(self, **kwargs: Any) -> NoReturn:
        raise AuditRefused(REFUSAL)

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AuditRefused(REFUSAL)


class Action(models.TextChoices):
    CREATE = "create", _("dibuat")
    UPDATE = "update", _("diubah")
    DELETE = "delete", _("dihapus")
    TRANSITION = "transition", _("alur persetujuan")
    UNLOCK = "unlock", _("buka kunci")
    LOGIN = "login", _("masuk")
    LOGOUT = "logout", _("keluar")
    LOGIN_FAILED = "login_failed", _("gagal masuk")


class AuditEntry(models.Model):
    at = models.DateTimeField(_("waktu"), auto_now_add=True, db_index=True)
    model = models.CharField(_("jenis data"), max_length=100, db_index=True)  # app_label.ModelName
    object_id = models.CharField(_("id objek"), max_length=64)
    object_repr = models.CharField(_("objek"), max_length=300)
    # plain references (no constraint, nothing cascades): the trail outlives what it describes
    office = models.ForeignKey(
        Office, on_delete=models.DO_NOTHING, db_constraint=False, null=True, blank=True, related_name="+"
    )
    office_name = models.CharField(_("perangkat daerah"), max_length=200, blank=True)
    # the regency whose trail shows the row: the office's, else the row's own (a due-date rule, an LKE
    # template, a membership, an API token's user, a user's membership); none: superusers only
    regency = models.ForeignKey(
        Regency,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("pemda"),
    )
    action = models.CharField(_("tindakan"), max_length=12, choices=Action.choices)
    changes = models.JSONField(_("perubahan"), default=dict, blank=True)  # field -> [old, new]
    comment = models.TextField(_("catatan"), blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    user_name = models.CharField(_("pengguna"), max_length=150)
    ip = models.GenericIPAddressField(_("alamat IP"), null=True, blank=True)
    user_agent = models.CharField(_("peramban / perintah"), max_length=255, blank=True)

    objects: ClassVar[models.Manager[AuditEntry]] = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("jejak audit")
        verbose_name_plural = _("jejak audit")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["model", "object_id"], name="audit_object"),
            models.Index(fields=["office", "at"], name="audit_office_time"),
            models.Index(fields=["regency", "at"], name="audit_regency_time"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_name} {self.get_action_display()} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AuditRefused(REFUSAL)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AuditRefused(REFUSAL)
