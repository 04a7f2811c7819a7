"""Reminder e-mails of due and overdue periods, through Django's mail backend.

Each office's head and operators (with an e-mail address) get one message listing the
office's overdue periods and those due within ``days``; each regency administrator gets
one summary of every office's overdue periods.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, TextIO

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils import timezone
from django.utils.translation import gettext as _

from sakip.accounts.models import Membership, Office, Regency, Role

from . import services


@dataclass(frozen=True)
class Reminder:
    to: list[str]
    subject: str
    body: str
    office: str | None  # None: a regency summary


def _line(d: services.OfficeDue) -> str:
    if d.item.overdue:
        return _("- %(period)s: tenggat %(due)s, terlambat %(n)d hari (status: %(state)s)") % {
            "period": d.label,
            "due": d.item.due.isoformat(),
            "n": d.days_late,
            "state": d.state_label,
        }
    return _("- %(period)s: tenggat %(due)s, %(n)d hari lagi (status: %(state)s)") % {
        "period": d.label,
        "due": d.item.due.isoformat(),
        "n": d.item.days_left,
        "state": d.state_label,
    }


def build(today: dt.date | None = None, days: int = 7, regency: Regency | None = None) -> list[Reminder]:
    """The messages to send today (a constant number of queries per regency)."""
    today = today or timezone.localdate()
    regencies = [regency] if regency is not None else list(Regency.objects.order_by("code"))
    out: list[Reminder] = []
    for reg in regencies:
        offices = list(Office.objects.filter(regency=reg).order_by("name"))
        report = services.due_report(offices, today, horizon_days=days)
        members = list(
            Membership.objects.filter(regency=reg)
            .exclude(user__email="")
            .select_related("user")
            .order_by("user__username")
        )
        by_office: dict[int, list[services.OfficeDue]] = {}
        for d in report:
            by_office.setdefault(d.office.pk, []).append(d)
        for office in offices:
            items = by_office.get(office.pk, [])
            to = [m.user.email for m in members if m.office_id == office.pk and m.role in (Role.HEAD, Role.OPERATOR)]
            if not items or not to:
                continue
            overdue = sum(1 for d in items if d.item.overdue)
            subject = _("[Sakip] %(office)s: %(overdue)d terlambat, %(soon)d segera jatuh tempo") % {
                "office": office.name,
                "overdue": overdue,
                "soon": len(items) - overdue,
            }
            body = "\n".join(
                [
                    _("Yth. %(office)s,") % {"office": office.name},
                    "",
                    _("Tahapan SAKIP berikut belum diajukan per %(today)s:") % {"today": today.isoformat()},
                    "",
                ]
                + [_line(d) for d in items]
                + ["", _("Silakan lengkapi dan ajukan melalui Sakip (menu Kotak masuk)."), ""]
            )
            out.append(Reminder(to, subject, body, office.code))
        overdue_all = [d for d in report if d.item.overdue]
        admins = [m.user.email for m in members if m.role == Role.ADMIN]
        if overdue_all and admins:
            subject = _("[Sakip] %(regency)s: %(n)d tahapan terlambat") % {"regency": reg.name, "n": len(overdue_all)}
            body = "\n".join(
                [_("Daftar keterlambatan perangkat daerah per %(today)s:") % {"today": today.isoformat()}, ""]
                + [f"{d.office.name}: {_line(d)[2:]}" for d in overdue_all]
                + [""]
            )
            out.append(Reminder(admins, subject, body, None))
    return out


def send(reminders: list[Reminder], stream: TextIO | None = None) -> int:
    """Send through the configured backend (console in the demo); the number of messages sent."""
    messages = [EmailMessage(r.subject, r.body, settings.DEFAULT_FROM_EMAIL, r.to) for r in reminders]
    if not messages:
        return 0
    # the console backend (the demo) prints to ``stream``; other backends ignore it
    extra: dict[str, Any] = {"stream": stream} if stream is not None else {}
    with get_connection(**extra) as connection:
        return int(connection.send_messages(messages) or 0)
