"""Three generated regencies in two provinces, their kept figures, and a user for every role (issue #12)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from sakip.accounts.models import Membership, Office, Oversight, OversightRole, Province, Regency, Role
from sakip.core.generate import Size, generate_regency
from sakip.regency import kept_figures
from tests.web.demo_support import chromium_browser, page  # noqa: F401

YEAR = 2025
SIZE = Size(offices=2, indicators=4, years=1, start=YEAR)


@dataclass
class World:
    p1: Province
    p2: Province
    a: Regency  # in p1
    b: Regency  # in p1
    c: Regency  # in p2
    users: dict[str, Any]

    def offices(self, *regencies: Regency) -> list[Office]:
        return list(Office.objects.filter(regency__in=regencies).order_by("regency__code", "code"))

    def client(self, role: str) -> Client:
        client = Client()
        if role != "anonymous":
            client.force_login(self.users[role])
        return client


def build_world(size: Size = SIZE) -> World:
    p1 = Province.objects.create(code="jawa-tengah", name="Jawa Tengah")
    p2 = Province.objects.create(code="jawa-timur", name="Jawa Timur")
    regencies = []
    names = (("kab-a", "Kabupaten A", p1), ("kab-b", "Kabupaten B", p1), ("kab-c", "Kabupaten C", p2))
    for code, name, province in names:
        r = generate_regency(code, size)
        Regency.objects.filter(pk=r.pk).update(name=name, province=province.name, province_group=province)
        r.refresh_from_db()
        regencies.append(r)
        for office in Office.objects.filter(regency=r):
            kept_figures.recompute(office, YEAR)
    a, b, c = regencies
    User = get_user_model()
    users: dict[str, Any] = {}
    for name in ("national", "province_p1", "province_p2", "admin_a", "verifier_a", "operator_a", "nobody"):
        users[name] = User.objects.create_user(username=name, password="x")
    Oversight.objects.create(user=users["national"], role=OversightRole.NATIONAL)
    Oversight.objects.create(user=users["province_p1"], role=OversightRole.PROVINCE, province=p1)
    Oversight.objects.create(user=users["province_p2"], role=OversightRole.PROVINCE, province=p2)
    Membership.objects.create(user=users["admin_a"], regency=a, role=Role.ADMIN)
    Membership.objects.create(user=users["verifier_a"], regency=a, role=Role.VERIFIER)
    first_a = Office.objects.filter(regency=a).order_by("code")[0]
    Membership.objects.create(user=users["operator_a"], regency=a, office=first_a, role=Role.OPERATOR)
    return World(p1, p2, a, b, c, users)


@pytest.fixture
def world(db: None) -> World:
    return build_world()
