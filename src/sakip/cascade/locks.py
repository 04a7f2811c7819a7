"""An approved RPJMD is frozen: no write changes it, whatever path makes the write.

The office plans freeze with their office's workflow periods (`sakip.workflow.guard`); the
RPJMD belongs to the regency and has its own status. Once a revision is *ditetapkan*
(approved), its vision, missions, goals, objectives and indicators (and the indicators'
responsible offices) are refused on ``save``, ``delete`` and ``m2m`` changes with
`RpjmdLocked`; the one write that passes is the administrator's reopening (the status back
to *konsep*, nothing else changed). A change after approval is a new revision.

The office-side links (`OfficeObjectiveLink`, `IndicatorContribution`) are part of the
office's plan and are frozen with it by the workflow's write guard (``guard.RULES``).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.signals import m2m_changed, pre_delete, pre_save
from django.utils.translation import gettext as _

from .models import RegencyIndicator, Rpjmd, RpjmdGoal, RpjmdObjective

#: Rpjmd fields that do not make a change of content (the row version)
_TECHNICAL = {"version", "status"}


class RpjmdLocked(ValidationError):
    """A write into an approved RPJMD revision (the pages answer 409 with this text)."""

    def __init__(self, rpjmd: Rpjmd) -> None:
        self.rpjmd = rpjmd
        super().__init__(
            _(
                "RPJMD %(start)s–%(end)s revisi %(revision)s sudah ditetapkan dan tidak dapat diubah. "
                "Administrator pemda dapat membukanya kembali (status konsep) atau membuat revisi baru."
            )
            % {"start": rpjmd.start_year, "end": rpjmd.end_year, "revision": rpjmd.revision}
        )


def _stored_status(rpjmd_id: int | None) -> str | None:
    if rpjmd_id is None:
        return None
    return Rpjmd.objects.filter(pk=rpjmd_id).values_list("status", flat=True).first()


def _refuse_if_approved(rpjmd_id: int | None) -> None:
    if rpjmd_id is not None and _stored_status(rpjmd_id) == Rpjmd.Status.APPROVED:
        rpjmd = Rpjmd.objects.get(pk=rpjmd_id)
        raise RpjmdLocked(rpjmd)


def _rpjmd_pre_save(sender: type[models.Model], instance: Rpjmd, raw: bool = False, **kwargs: Any) -> None:
    if raw or instance.pk is None:
        return
    stored = Rpjmd.objects.filter(pk=instance.pk).first()
    if stored is None or stored.status != Rpjmd.Status.APPROVED:
        return
    changed = {
        f.attname
        for f in Rpjmd._meta.concrete_fields
        if getattr(stored, f.attname) != getattr(instance, f.attname)
    }
    if changed - _TECHNICAL:
        raise RpjmdLocked(stored)


def _part_pre_save(sender: type[models.Model], instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return
    _refuse_if_approved(instance.rpjmd_id)
    if instance.pk is not None:  # moved out of an approved revision
        before = sender._default_manager.filter(pk=instance.pk).values_list("rpjmd_id", flat=True).first()
        if before is not None and before != instance.rpjmd_id:
            _refuse_if_approved(before)


def _part_pre_delete(sender: type[models.Model], instance: Any, **kwargs: Any) -> None:
    _refuse_if_approved(instance.rpjmd_id)


def _rpjmd_pre_delete(sender: type[models.Model], instance: Rpjmd, **kwargs: Any) -> None:
    _refuse_if_approved(instance.pk)


def _responsible_changed(sender: type[models.Model], instance: Any, action: str, **kwargs: Any) -> None:
    if action in ("pre_add", "pre_remove", "pre_clear") and isinstance(instance, RegencyIndicator):
        _refuse_if_approved(instance.rpjmd_id)


def connect() -> None:
    pre_save.connect(_rpjmd_pre_save, sender=Rpjmd, dispatch_uid="cascade-lock-rpjmd")
    pre_delete.connect(_rpjmd_pre_delete, sender=Rpjmd, dispatch_uid="cascade-lock-rpjmd-delete")
    for model in (RpjmdGoal, RpjmdObjective, RegencyIndicator):
        label = model._meta.label
        pre_save.connect(_part_pre_save, sender=model, dispatch_uid=f"cascade-lock-{label}")
        pre_delete.connect(_part_pre_delete, sender=model, dispatch_uid=f"cascade-lock-{label}-delete")
    m2m_changed.connect(
        _responsible_changed,
        sender=RegencyIndicator.responsible_offices.through,
        dispatch_uid="cascade-lock-responsible",
    )
