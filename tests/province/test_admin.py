"""Provinces and oversight roles are the instance's (a superuser's) matter in the admin site."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from sakip.accounts.models import Oversight, OversightRole

from .conftest import World

pytestmark = pytest.mark.django_db


def _superuser() -> Client:
    user = get_user_model().objects.create_superuser("root", "root@example.org", "x")
    client = Client()
    client.force_login(user)
    return client


def test_a_superuser_gives_an_oversight_role(world: World) -> None:
    client = _superuser()
    user = world.users["nobody"]
    url = reverse("admin:accounts_oversight_add")
    # a province role needs its province: the check constraint, shown as the form's error
    response = client.post(url, {"user": user.pk, "role": "province", "province": ""})
    assert response.status_code == 200 and not Oversight.objects.filter(user=user).exists()
    response = client.post(url, {"user": user.pk, "role": "province", "province": world.p2.pk})
    assert response.status_code == 302
    assert Oversight.objects.get(user=user).role == OversightRole.PROVINCE
    # a regency's user cannot also oversee (Oversight.clean)
    response = client.post(url, {"user": world.users["admin_a"].pk, "role": "national", "province": ""})
    assert response.status_code == 200 and not Oversight.objects.filter(user=world.users["admin_a"]).exists()
    assert "sudah memiliki peran di sebuah pemda" in response.content.decode()


def test_a_regency_admin_reaches_neither_provinces_nor_oversight_roles(world: World) -> None:
    user = world.users["admin_a"]
    user.is_staff = True
    user.save()
    client = Client()
    client.force_login(user)
    for name in ("admin:accounts_oversight_changelist", "admin:accounts_province_changelist"):
        assert client.get(reverse(name)).status_code in (302, 403)
    page = client.get(reverse("admin:accounts_regency_change", args=[world.a.pk]))
    if page.status_code == 200:  # its own regency's name: the province grouping is read-only there
        assert 'name="province_group"' not in page.content.decode()
