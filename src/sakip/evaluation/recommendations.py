"""Recommendations per sub-component, carried to the next year, with their follow-up (issue #15).

One history per recommendation: the evaluator writes a recommendation in an evaluation,
about a sub-component. When the office's next evaluation is created, every recommendation
of the previous one that is not *finished* appears there as a carried row
(`Recommendation.carried_from` → the **original**, never another carried row). The
follow-up — status (Belum ditindaklanjuti / Dalam proses / Selesai), note, date, who,
evidence link or file — is held by the original only, so the office records it once and every
year it appears in shows the same state; the audit trail keeps each change.

* `carry` — the previous evaluation's unfinished recommendations into ``ev`` (once each);
* `record_follow_up` — the office's follow-up (the ``enter`` action); a change clears the
  evaluator's confirmation;
* `confirm` — the evaluator (the ``evaluate`` action) confirms a finished follow-up, or returns
  it to *Dalam proses* with a reason;
* `is_finished` — finished = *Selesai* and confirmed by the evaluator: the one rule of what is
  no longer carried;
* `items` / `by_subcomponent` / `carried_items` — what the pages, the .docx and the .xlsx show.

The views check the role (`accounts.access.office_view`); these functions check the state.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Evaluation, Recommendation, SubComponent

FollowUp = Recommendation.FollowUp


def is_finished(rec: Recommendation) -> bool:
    """The follow-up is done and the evaluator confirmed it (then it is no longer carried)."""
    origin = rec.origin
    return origin.follow_up_status == FollowUp.DONE and origin.confirmed_at is not None


def status_text(rec: Recommendation) -> str:
    """The follow-up status as shown: «Selesai (dikonfirmasi evaluator)» once confirmed."""
    origin = rec.origin
    label = str(origin.get_follow_up_status_display())
    if is_finished(origin):
        return _("%(status)s (dikonfirmasi evaluator)") % {"status": label}
    if origin.follow_up_status == FollowUp.DONE:
        return _("%(status)s (menunggu konfirmasi evaluator)") % {"status": label}
    return label


# ----------------------------------------------------------------------------- carrying


def previous_evaluation(ev: Evaluation) -> Evaluation | None:
    return Evaluation.objects.filter(office_id=ev.office_id, year__lt=ev.year).order_by("-year").first()


def carry(ev: Evaluation) -> list[Recommendation]:
    """The previous evaluation's recommendations that are not finished, carried into ``ev`` once each.

    A carried row links to the original recommendation (that of a row carried before: its
    original) and takes the sub-component of the same code in ``ev``'s template.
    """
    previous = previous_evaluation(ev)
    if previous is None:
        return []
    with transaction.atomic():
        already = {
            pk for pk in Recommendation.objects.filter(evaluation=ev).values_list("carried_from_id", flat=True) if pk
        }
        subs = {s.code: s for s in SubComponent.objects.filter(component__template_id=ev.template_id)}
        start = Recommendation.objects.filter(evaluation=ev).count()
        carried: list[Recommendation] = []
        rows = previous.recommendations.select_related("carried_from__subcomponent", "subcomponent").order_by(
            "order", "id"
        )
        for r in rows:
            origin = r.origin
            if origin.pk in already or is_finished(origin):
                continue
            already.add(origin.pk)
            code = origin.subcomponent.code if origin.subcomponent is not None else ""
            carried.append(
                Recommendation.objects.create(
                    evaluation=ev,
                    component_code=origin.component_code,
                    subcomponent=subs.get(code),
                    text=origin.text,
                    carried_from=origin,
                    order=start + len(carried),
                )
            )
    return carried


# ----------------------------------------------------------------------------- adding


def add(ev: Evaluation, text: str, subcomponent_code: str, component_code: str, user: Any) -> Recommendation:
    """A new recommendation of the evaluator in ``ev``, about a sub-component (or a whole component)."""
    if ev.status == Evaluation.Status.SELF:
        raise ValidationError(_("Rekomendasi ditambahkan setelah penilaian mandiri dikirim."))
    text = text.strip()
    if not text:
        raise ValidationError(_("Rekomendasi: teks wajib diisi; tidak ada yang disimpan."))
    sub = None
    if subcomponent_code:
        sub = (
            SubComponent.objects.filter(component__template_id=ev.template_id, code=subcomponent_code)
            .select_related("component")
            .first()
        )
        if sub is None:
            raise ValidationError(
                _("Subkomponen %(c)s tidak dikenal; tidak ada yang disimpan.") % {"c": subcomponent_code}
            )
        component_code = sub.component.code
    elif component_code and not ev.template.components.filter(code=component_code).exists():
        raise ValidationError(_("Komponen %(c)s tidak dikenal; tidak ada yang disimpan.") % {"c": component_code})
    return Recommendation.objects.create(
        evaluation=ev,
        text=text,
        component_code=component_code,
        subcomponent=sub,
        order=ev.recommendations.count(),
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )


# ----------------------------------------------------------------------------- follow-up and confirmation


def parse_date(text: str) -> dt.date | None:
    """An ISO date (the form's ``<input type=date>``); ValueError for anything else."""
    text = text.strip()
    return dt.date.fromisoformat(text) if text else None


def record_follow_up(
    rec: Recommendation,
    *,
    status: str,
    note: str,
    link: str,
    date: dt.date | None,
    user: Any,
    upload: UploadedFile[Any] | None = None,
) -> bool:
    """The office's follow-up, stored on the original recommendation; whether anything changed.

    A follow-up *Dalam proses* or *Selesai* without a date takes today's. Any change clears the
    evaluator's confirmation (what was confirmed is no longer what is recorded).
    """
    if status not in FollowUp.values:
        raise ValidationError(_("status tindak lanjut tidak dikenal"))
    target = rec.origin
    if date is None and status != FollowUp.OPEN:
        date = target.follow_up_date or timezone.localdate()
    wanted = {"follow_up_status": status, "follow_up_note": note, "follow_up_link": link, "follow_up_date": date}
    dirty = [k for k, v in wanted.items() if getattr(target, k) != v]
    if not dirty and upload is None:
        return False
    for k in dirty:
        setattr(target, k, wanted[k])
    if upload is not None:
        target.follow_up_file.save(upload.name or "bukti", upload, save=False)
        target.follow_up_name = (upload.name or "bukti")[:255]
    target.follow_up_by = user if getattr(user, "is_authenticated", False) else None
    target.follow_up_at = timezone.now()
    target.confirmed_by = None
    target.confirmed_at = None
    target.save()
    return True


def confirm(rec: Recommendation, user: Any, *, accept: bool, note: str) -> None:
    """The evaluator confirms the finished follow-up, or returns it to *Dalam proses* (a reason required)."""
    target = rec.origin
    note = note.strip()
    if accept:
        if target.follow_up_status != FollowUp.DONE:
            raise ValidationError(_("Hanya tindak lanjut berstatus Selesai yang dapat dikonfirmasi."))
        target.confirmed_by = user if getattr(user, "is_authenticated", False) else None
        target.confirmed_at = timezone.now()
    else:
        if not note:
            raise ValidationError(_("Tuliskan alasan tindak lanjut dikembalikan; tidak ada yang disimpan."))
        if target.follow_up_status == FollowUp.OPEN:
            raise ValidationError(_("Tindak lanjut ini belum dicatat perangkat daerah."))
        target.follow_up_status = FollowUp.IN_PROGRESS
        target.confirmed_by = None
        target.confirmed_at = None
    target.confirmation_note = note
    target.save()


# ----------------------------------------------------------------------------- what is shown


@dataclass(frozen=True)
class Item:
    """A recommendation as shown in an evaluation: the row of the evaluation and the original with the follow-up."""

    row: Recommendation
    rec: Recommendation  # the original: text, follow-up, confirmation
    carried: bool
    origin_year: int
    subcomponent_code: str

    @property
    def status(self) -> str:
        return str(self.rec.follow_up_status)

    @property
    def status_text(self) -> str:
        return status_text(self.rec)

    @property
    def finished(self) -> bool:
        return is_finished(self.rec)

    @property
    def who(self) -> str:
        u = self.rec.follow_up_by
        return (u.get_full_name() or u.get_username()) if u is not None else ""

    @property
    def confirmed_by(self) -> str:
        u = self.rec.confirmed_by
        return (u.get_full_name() or u.get_username()) if u is not None else ""


ROW_RELATIONS = (
    "subcomponent",
    "follow_up_by",
    "confirmed_by",
    "carried_from__evaluation",
    "carried_from__subcomponent",
    "carried_from__follow_up_by",
    "carried_from__confirmed_by",
)


def item(r: Recommendation, year: int) -> Item:
    """The row ``r`` of an evaluation of ``year`` as shown (its relations `ROW_RELATIONS` read with it)."""
    origin = r.origin
    sub = r.subcomponent if r.subcomponent_id else origin.subcomponent
    carried = r.carried_from_id is not None
    return Item(r, origin, carried, origin.evaluation.year if carried else year, sub.code if sub else "")


def items(ev: Evaluation) -> list[Item]:
    """The evaluation's recommendations (carried ones first, by their order) with their originals' follow-up."""
    return [item(r, ev.year) for r in ev.recommendations.select_related(*ROW_RELATIONS).order_by("order", "id")]


def by_subcomponent(ev: Evaluation | None) -> dict[str, list[Item]]:
    """The evaluation's recommendations by sub-component code ("" for those about a whole component)."""
    grouped: dict[str, list[Item]] = defaultdict(list)
    if ev is not None:
        for item in items(ev):
            grouped[item.subcomponent_code].append(item)
    return dict(grouped)


def carried_items(ev: Evaluation) -> list[Item]:
    """Last year's recommendations carried into ``ev`` (the table «Tindak lanjut rekomendasi tahun lalu»)."""
    return [i for i in items(ev) if i.carried]


def follow_up_counts(recs: list[Item]) -> dict[str, int]:
    """How many are open, in progress, done (unconfirmed) and finished (confirmed)."""
    counts = {"open": 0, "in_progress": 0, "done": 0, "finished": 0}
    for i in recs:
        counts["finished" if i.finished else i.status] += 1
    return counts
