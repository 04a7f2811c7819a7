"""The demo regency: the seed offices (three annual reports, one quarterly) and one user per role (idempotent)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from sakip.accounts.models import Membership, Office, Regency, Role
from sakip.dataset.loader import SEEDS, parse_text, seed_path

from .interchange import import_office

DEMO_PASSWORD = "sakip-demo-2026"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    office: str | None


@transaction.atomic
def setup_demo(regency_code: str = "demo", password: str = DEMO_PASSWORD) -> list[DemoLogin]:
    regency, _ = Regency.objects.get_or_create(
        code=regency_code, defaults={"name": "Pemda Demo Sakip", "province": "Jawa Tengah / Jawa Timur"}
    )
    offices: list[Office] = []
    for name in SEEDS:
        path = seed_path(name)
        offices.append(import_office(parse_text(path.read_text("utf-8"), source=str(path)), regency, source=str(path)))
    logins: list[DemoLogin] = []
    User = get_user_model()

    def user(username: str, role: Role, office: Office | None, full_name: str) -> None:
        u, _created = User.objects.get_or_create(username=username)
        first, _, last = full_name.partition(" ")
        u.first_name, u.last_name = first, last
        u.is_staff = role is Role.ADMIN
        u.is_superuser = role is Role.ADMIN
        u.set_password(password)
        u.save()
        Membership.objects.update_or_create(user=u, defaults={"regency": regency, "office": office, "role": role})
        logins.append(DemoLogin(username, str(role.label), office.name if office else None))

    user("admin", Role.ADMIN, None, "Admin Pemda")
    user("perencana", Role.PLANNER, None, "Perencana Bappeda")
    user("inspektorat", Role.VERIFIER, None, "Verifikator Inspektorat")
    user("publik", Role.PUBLIC, None, "Warga Publik")
    for office in offices:
        user(f"operator-{office.code}", Role.OPERATOR, office, f"Operator {office.name}")
        user(f"kepala-{office.code}", Role.HEAD, office, f"Kepala {office.name}")
    from sakip.workflow.demo import seed as seed_workflow  # PK and TW I–III verified, nothing locked

    seed_workflow(regency, offices)
    return logins
