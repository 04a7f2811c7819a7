"""A realistic workflow state for the demo's seed offices (nothing frozen, so every page stays editable)."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model

from sakip.accounts.models import Office, Regency
from sakip.domain import workflow as wf

from .models import PeriodState, TransitionLog

RETURN_COMMENTS = {
    (wf.Step.PK.value, None): "Target indikator sasaran belum sama dengan Renstra; mohon disesuaikan lalu ajukan lagi.",
    (wf.Step.QUARTER.value, 1): "Bukti dukung realisasi TW I belum lengkap; mohon dilengkapi.",
    (wf.Step.QUARTER.value, 2): "Realisasi anggaran TW II belum sesuai laporan keuangan; mohon diperiksa.",
    (wf.Step.QUARTER.value, 3): "Penjelasan capaian di bawah target TW III belum diisi.",
}


def seed(regency: Regency, offices: Iterable[Office]) -> None:
    """For each office's reporting year: the PK and TW I–III submitted by the head and returned by the
    verifier with a comment (to correct and submit again), TW IV and the LKjIP in draft.

    Nothing is frozen (a submitted or verified period refuses edits), so every page of the demo
    stays editable; each head's inbox holds the returned periods, and each office sees its
    periods due and overdue. Demo users get an e-mail address for ``sakip remind``. Idempotent.
    """
    from sakip.core.services import reporting_year

    for office in offices:
        year = reporting_year(office)
        if year is None:
            continue
        for (step, quarter), comment in RETURN_COMMENTS.items():
            period, created = PeriodState.objects.get_or_create(
                office=office,
                year=year,
                step=step,
                quarter=quarter,
                defaults={"state": wf.State.RETURNED.value, "comment": comment},
            )
            if created:
                for t, a, b, who, note in (
                    (wf.Transition.SUBMIT, wf.State.DRAFT, wf.State.SUBMITTED, f"kepala-{office.code}", ""),
                    (wf.Transition.RETURN, wf.State.SUBMITTED, wf.State.RETURNED, "inspektorat", comment),
                ):
                    TransitionLog.objects.create(
                        period=period,
                        transition=t.value,
                        from_state=a.value,
                        to_state=b.value,
                        user_name=who,
                        comment=note,
                    )
    user_model = get_user_model()
    for user in user_model.objects.filter(membership__regency=regency, email=""):
        user.email = f"{user.get_username()}@demo.sakip.invalid"
        user.save(update_fields=["email"])


def publish_example(regency: Regency, office_code: str = "kandangserang") -> str | None:
    """Take one office's reporting year through the whole workflow up to approval (locked, published).

    Used by ``sakip demo`` only (the test demo keeps every period editable): the public portal
    then has a published plan, PK and report, and the office shows what a locked year looks like.
    Goes through ``services.transition`` like the buttons do, so the history and the audit trail
    are the real ones. Idempotent. Returns the office's name, or None when it is not in the demo.
    """
    from sakip.accounts.models import Role
    from sakip.core.services import reporting_year

    from .services import state_of, transition

    office = Office.objects.filter(regency=regency, code=office_code).first()
    year = reporting_year(office) if office else None
    if office is None or year is None:
        return None
    users = get_user_model().objects.filter(membership__regency=regency)
    head = users.filter(membership__office=office, membership__role=Role.HEAD).first()
    verifier = users.filter(membership__role=Role.VERIFIER).first()
    admin = users.filter(membership__role=Role.ADMIN).first()
    plan: list[tuple[str, int | None]] = [(wf.Step.PK.value, None)]
    plan += [(wf.Step.QUARTER.value, q) for q in (1, 2, 3, 4)] + [(wf.Step.ANNUAL.value, None)]
    for step, quarter in plan:
        for t, who, action in (
            (wf.Transition.SUBMIT, head, "approve"),
            (wf.Transition.VERIFY, verifier, "verify"),
            (wf.Transition.APPROVE, admin, "lock"),
        ):
            if t in wf.available(state_of(office, year, step, quarter), {action}):
                transition(office, year, step, quarter, t, user=who, allowed_actions={action})
    return office.name
