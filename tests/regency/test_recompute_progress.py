"""A regency setting changed: its offices' kept figures recomputed in the background, with the progress shown."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client

from sakip.accounts.models import Membership, Office, Regency, Role, YearSetting
from sakip.core.generate import Size, generate_regency
from sakip.core.services import scorecard_for
from sakip.regency import kept_figures
from sakip.regency.models import KeptOffice, KeptOfficeYear

YEAR = 2025


def _admin(code: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=f"{code}-admin"))
    return client


@pytest.mark.django_db
def test_a_setting_change_shows_how_far_the_recomputation_is_until_it_is_done(
    settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    regency = generate_regency("uji", Size(offices=3, indicators=2, years=1, start=YEAR), password="x")
    offices = list(Office.objects.filter(regency=regency).order_by("code"))
    kept_figures.read_offices(offices, YEAR, 4)  # every office-year stored and current
    assert kept_figures.progress(regency.pk, YEAR) == kept_figures.Progress(3, 3)
    admin = _admin("uji")
    page = admin.get("/pemda/", {"tahun": YEAR}).content.decode()
    assert 'data-testid="kept-progress"' not in page  # nothing to recompute: no banner
    with django_capture_on_commit_callbacks(execute=True):  # no background thread in the tests: left dirty
        YearSetting.objects.update_or_create(regency=regency, office=None, year=YEAR, defaults={"cap": "100"})
    assert kept_figures.progress(regency.pk, YEAR) == kept_figures.Progress(0, 3)
    page = admin.get("/pemda/", {"tahun": YEAR}).content.decode()
    assert 'data-testid="kept-progress"' in page and "0 dari 3 OPD selesai" in page
    assert 'hx-get="/pemda/hitung-ulang/?tahun=2025"' in page  # it polls while work is pending
    kept_figures.recompute(offices[0], YEAR)
    polled = admin.get("/pemda/hitung-ulang/", {"tahun": YEAR}).content.decode()
    assert "1 dari 3 OPD selesai" in polled and "hx-get" in polled
    kept_figures.read_offices(offices, YEAR, 4)
    polled = admin.get("/pemda/hitung-ulang/", {"tahun": YEAR}).content.decode()
    assert "Penghitungan ulang selesai" in polled and "hx-get" not in polled  # done: the polling stops
    for office in offices:  # the rows stored again carry the new setting's figures
        version = KeptOfficeYear.objects.get(office=office, year=YEAR).version
        row = KeptOffice.objects.get(office=office, year=YEAR, quarter=4, version=version)
        fresh = scorecard_for(office, YEAR)
        assert fresh is not None and row.achievement == fresh.office_score.aggregate.value


@pytest.mark.django_db
def test_the_progress_is_the_regency_admins_and_planners_only(db: None) -> None:
    generate_regency("uji", Size(offices=1, indicators=2, years=1, start=YEAR), password="x")
    other = generate_regency("lain", Size(offices=1, indicators=2, years=1, start=YEAR), password="x")
    operator_user = get_user_model().objects.create_user("operator-uji", password="x")
    uji = Regency.objects.get(code="uji")
    Membership.objects.create(user=operator_user, regency=uji, office=Office.objects.get(regency=uji),
                              role=Role.OPERATOR)
    operator = Client()
    operator.force_login(operator_user)
    assert operator.get("/pemda/hitung-ulang/", {"tahun": YEAR}).status_code == 403
    assert Client().get("/pemda/hitung-ulang/", {"tahun": YEAR}).status_code == 302  # to the sign-in page
    # another regency's admin reads their own regency's progress, never this one's
    kept_figures.read_offices(list(Office.objects.filter(regency=uji)), YEAR, 4)
    YearSetting.objects.update_or_create(regency=uji, office=None, year=YEAR, defaults={"cap": "100"})
    kept_figures.read_offices(list(Office.objects.filter(regency=other)), YEAR, 4)
    polled = _admin("lain").get("/pemda/hitung-ulang/", {"tahun": YEAR}).content.decode()
    assert "Penghitungan ulang selesai" in polled
    assert _admin("uji").get("/pemda/hitung-ulang/", {"tahun": "abc"}).status_code == 404
    assert "0 dari 1 OPD selesai" in _admin("uji").get("/pemda/hitung-ulang/").content.decode()  # the latest year


@pytest.mark.django_db(transaction=True)
def test_in_production_a_setting_change_is_recomputed_by_the_background_thread(settings: Any) -> None:
    if connection.vendor == "sqlite":  # the tests' in-memory SQLite shares one cache: tables lock between threads
        pytest.skip("a thread and the test share the in-memory database only on PostgreSQL")
    settings.SAKIP_KEPT_BACKGROUND = True
    regency = generate_regency("uji", Size(offices=4, indicators=2, years=1, start=YEAR), password="x")
    offices = list(Office.objects.filter(regency=regency).order_by("code"))
    kept_figures.read_offices(offices, YEAR, 4)
    YearSetting.objects.update_or_create(regency=regency, office=None, year=YEAR, defaults={"cap": "100"})
    for _ in range(300):
        if kept_figures.progress(regency.pk, YEAR).pending == 0:
            break
        time.sleep(0.1)
    assert kept_figures.progress(regency.pk, YEAR) == kept_figures.Progress(4, 4)
    for office in offices:
        version = KeptOfficeYear.objects.get(office=office, year=YEAR).version
        assert version >= 2  # stored again after the setting
        row = KeptOffice.objects.get(office=office, year=YEAR, quarter=4, version=version)
        fresh = scorecard_for(office, YEAR)
        assert fresh is not None and row.achievement == fresh.office_score.aggregate.value
