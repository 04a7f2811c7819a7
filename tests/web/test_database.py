"""The database the suite runs on: the PostgreSQL pass provably runs on PostgreSQL, and
exact decimals round-trip on both SQLite and PostgreSQL.

``python3 dev.py test`` runs the suite twice (``.ci/testrun.py``): once on SQLite, once on a
throwaway PostgreSQL server through ``DATABASE_URL``; it tells each pass which vendor to
expect in ``SAKIP_EXPECT_DB_VENDOR``.
"""

from __future__ import annotations

import os
from decimal import Decimal

import pytest
from django.db import connection

from sakip.accounts.models import Regency
from sakip.core.fields import check_exact
from sakip.planning.models import Indicator, PlanPeriod, Target

pytestmark = pytest.mark.django_db


def test_the_database_is_the_one_asked_for() -> None:
    url = os.environ.get("DATABASE_URL", "")
    expected = os.environ.get("SAKIP_EXPECT_DB_VENDOR")
    if url.startswith(("postgres://", "postgresql://", "pgsql://")):
        assert connection.vendor == "postgresql"
    elif not url or url.startswith("sqlite:"):
        assert connection.vendor == "sqlite"
    if expected:
        assert connection.vendor == expected, f"this pass should run on {expected}, not {connection.vendor}"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT version()")
            assert cursor.fetchone()[0].startswith("PostgreSQL")
        else:
            cursor.execute("SELECT sqlite_version()")
            assert cursor.fetchone()[0][0].isdigit()


EXACT_VALUES = [
    Decimal("79.95"),
    Decimal("0.000001"),
    Decimal("-0.5"),
    Decimal("100"),
    Decimal("999999999999999"),  # 15 significant digits, the most a value may have
    Decimal("123456789.123456"),
    Decimal("1234567890123.45"),
    Decimal("0"),
]


def test_exact_decimals_round_trip() -> None:
    regency = Regency.objects.create(code="uji-db", name="Kabupaten Uji")
    office = regency.offices.create(code="uji", name="Kecamatan Uji")
    plan = PlanPeriod.objects.create(office=office, start_year=2020, end_year=2020 + len(EXACT_VALUES))
    goal = plan.goals.create(code="T1", text="Tujuan uji")
    ind = Indicator.objects.create(plan=plan, goal=goal, code="IK1", name="Uji", unit="%")
    for i, value in enumerate(EXACT_VALUES):
        check_exact(value)
        Target.objects.create(indicator=ind, year=2020 + i, value=value)
    stored = list(Target.objects.filter(indicator=ind).order_by("year").values_list("value", flat=True))
    assert stored == EXACT_VALUES
    assert [str(v) for v in stored] == [str(v) for v in EXACT_VALUES]  # no trailing zeros, no exponent
