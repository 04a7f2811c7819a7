"""The demo regency: the seed offices (three annual reports, one quarterly) and one user per role.

`setup_demo` is idempotent and keeps what is there: a seed office already stored is not imported
again (its entries made in the browser, its workflow states and its locked year stay), a demo user
already there keeps its password and names. `reset_demo_data` deletes the demo's SQLite database and
uploaded files so that the next start is a fresh one (``sakip demo --reset``).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

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


@dataclass(frozen=True)
class DemoSetup:
    """What `setup_demo_state` did: the logins, and which offices and users it found already stored."""

    logins: list[DemoLogin]
    created_offices: list[str] = field(default_factory=list)
    kept_offices: list[str] = field(default_factory=list)
    kept_users: list[str] = field(default_factory=list)

    @property
    def restarted(self) -> bool:
        return bool(self.kept_offices)


def setup_demo(regency_code: str = "demo", password: str = DEMO_PASSWORD) -> list[DemoLogin]:
    return setup_demo_state(regency_code, password).logins


@transaction.atomic
def setup_demo_state(regency_code: str = "demo", password: str = DEMO_PASSWORD) -> DemoSetup:
    regency, _ = Regency.objects.get_or_create(
        code=regency_code, defaults={"name": "Pemda Demo Sakip", "province": "Jawa Tengah / Jawa Timur"}
    )
    offices: list[Office] = []
    created: list[str] = []
    kept: list[str] = []
    for name in SEEDS:
        path = seed_path(name)
        doc = parse_text(path.read_text("utf-8"), source=str(path))
        stored = Office.objects.filter(regency=regency, code=doc["office"]["code"]).first()
        if stored is not None and stored.plans.exists():
            offices.append(stored)  # a restart: the office's data as the users left it
            kept.append(stored.code)
            continue
        offices.append(import_office(doc, regency, source=str(path)))
        created.append(offices[-1].code)
    logins: list[DemoLogin] = []
    kept_users: list[str] = []
    User = get_user_model()

    def user(username: str, role: Role, office: Office | None, full_name: str) -> None:
        u, is_new = User.objects.get_or_create(username=username)
        if is_new:
            first, _, last = full_name.partition(" ")
            u.first_name, u.last_name = first, last
            u.is_staff = role is Role.ADMIN
            u.is_superuser = role is Role.ADMIN
            u.set_password(password)
            u.save()
            Membership.objects.update_or_create(user=u, defaults={"regency": regency, "office": office, "role": role})
        else:
            kept_users.append(username)
            if not Membership.objects.filter(user=u).exists():
                Membership.objects.create(user=u, regency=regency, office=office, role=role)
        logins.append(DemoLogin(username, str(role.label), office.name if office else None))

    user("admin", Role.ADMIN, None, "Admin Pemda")
    user("perencana", Role.PLANNER, None, "Perencana Bappeda")
    user("inspektorat", Role.VERIFIER, None, "Verifikator Inspektorat")
    user("publik", Role.PUBLIC, None, "Warga Publik")
    for office in offices:
        user(f"operator-{office.code}", Role.OPERATOR, office, f"Operator {office.name}")
        user(f"kepala-{office.code}", Role.HEAD, office, f"Kepala {office.name}")
    from sakip.workflow.demo import seed as seed_workflow  # PK and TW I–III returned, nothing locked

    seed_workflow(regency, [o for o in offices if o.code in created])
    from sakip.cascade.demo import seed as seed_rpjmd  # the regency's RPJMD and the offices' links (ilustrasi)

    seed_rpjmd(regency)
    return DemoSetup(logins, created, kept, kept_users)


def demo_files(database: Path, media: Path) -> list[Path]:
    """The demo's own files that exist: the SQLite database (with its journal files) and the uploads."""
    candidates = [database, *(database.with_name(database.name + s) for s in ("-wal", "-shm", "-journal")), media]
    return [p for p in candidates if p.exists()]


def reset_demo_data(database: Path, media: Path) -> list[Path]:
    """Delete the demo's SQLite database and uploaded files (``sakip demo --reset``); returns what was deleted."""
    gone = demo_files(database, media)
    for p in gone:
        if p.is_dir():
            shutil.rmtree(p)
        else:
            p.unlink()
    return gone
