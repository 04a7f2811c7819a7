"""accounts 0004: the regencies already carrying a province's name are grouped in a Province."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from sakip.accounts.models import Province, Regency

pytestmark = pytest.mark.django_db


def test_regencies_are_grouped_by_their_province_name() -> None:
    migration = importlib.import_module("sakip.accounts.migrations.0004_province_oversight")
    Regency.objects.create(code="r1", name="Kabupaten Satu", province="Jawa Tengah")
    Regency.objects.create(code="r2", name="Kabupaten Dua", province="Jawa Tengah ")
    Regency.objects.create(code="r3", name="Kabupaten Tiga", province="Jawa Timur")
    Regency.objects.create(code="r4", name="Kabupaten Empat", province="")
    migration.group_by_province(apps, None)
    groups = {r.code: (r.province_group.code if r.province_group else None) for r in Regency.objects.filter(
        code__in=["r1", "r2", "r3", "r4"])}
    assert groups["r1"] == groups["r2"] == "jawa-tengah" and groups["r3"] == "jawa-timur" and groups["r4"] is None
    assert Province.objects.get(code="jawa-tengah").name == "Jawa Tengah"
    migration.group_by_province(apps, None)  # again: nothing doubled
    assert Province.objects.filter(code="jawa-tengah").count() == 1
