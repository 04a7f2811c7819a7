"""Perjanjian Kinerja: detail, the original, amendments."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from sakip.accounts.models import Office
from sakip.agreements.models import PkProgram, PkVersion
from sakip.core.web import stored_target_text
from sakip.planning.models import Indicator

from . import pages_support

# the page fixtures (kept out of conftest.py, which the authorisation tests own)
media = pages_support.media
regency = pages_support.regency
office = pages_support.office
other_office = pages_support.other_office
operator = pages_support.operator
other_operator = pages_support.other_operator
verifier = pages_support.verifier


@pytest.mark.django_db
def test_detail_shows_the_amendment_in_force_and_the_versions(operator: Client, office: Office) -> None:
    r = operator.get(reverse("pk-detail", args=[office.code, 2025]))
    assert r.status_code == 200
    html = r.content.decode()
    assert "Perubahan APBD 2025" in html  # the reason of the version in force
    assert 'data-testid="pk-versions"' in html
    assert "240.000.000,00" in html  # programs total of the amendment
    assert "1.100" in html  # S1.2 target in the amendment
    original = operator.get(reverse("pk-detail", args=[office.code, 2025]) + "?versi=1").content.decode()
    assert "250.000.000,00" in original
    assert "Budi Santoso" in original and "197501012000031001" in original


@pytest.mark.django_db
def test_year_without_pk(operator: Client, office: Office) -> None:
    r = operator.get(reverse("pk-detail", args=[office.code, 2026]))
    assert r.status_code == 200 and "Belum ada Perjanjian Kinerja" in r.content.decode()


@pytest.mark.django_db
def test_create_the_original_pk_prefilled_from_the_plan(operator: Client, office: Office) -> None:
    url = reverse("pk-edit", args=[office.code, 2026])
    page = operator.get(url).content.decode()
    t11 = Indicator.objects.get(code="T1.1")
    s11 = Indicator.objects.get(code="S1.1")
    assert f'name="t-{t11.pk}" value="84"' in page  # plan target 2026
    assert 'value="Budi Santoso, S.STP, M.Si"' in page  # the office head as first party
    data = {
        "date": "2026-01-30", "title": "PK 2026", "first_party_name": "Budi <Santoso>", "first_party_rank": "IV/b",
        "first_party_nip": "197501012000031001", "first_party_position": "Camat", "second_party_name": "Bupati",
        f"t-{t11.pk}": "84", f"t-{s11.pk}": "1", "program_rows": "2",
        "p-0-code": "7.01.02", "p-0-name": "Program Pelayanan", "p-0-allocation": "1.250.000.000", "p-0-source": "APBD",
        "p-1-code": "", "p-1-name": "", "p-1-allocation": "",
    }
    r = operator.post(url, data)
    assert r.status_code == 302
    v = PkVersion.objects.get(office=office, year=2026)
    assert v.kind == "original" and v.number == 1 and v.first_party_name == "Budi <Santoso>"
    assert {t.indicator.code: t.value for t in v.targets.all()} == {"T1.1": 84, "S1.1": 1}
    assert PkProgram.objects.get(version=v).allocation == Decimal(1250000000)
    html = operator.get(reverse("pk-detail", args=[office.code, 2026])).content.decode()
    assert "Budi &lt;Santoso&gt;" in html and "1.250.000.000,00" in html


@pytest.mark.django_db
def test_bad_target_and_allocation_store_nothing(operator: Client, office: Office) -> None:
    url = reverse("pk-edit", args=[office.code, 2026])
    t11 = Indicator.objects.get(code="T1.1")
    s13 = Indicator.objects.get(code="S1.3")
    r = operator.post(url, {"first_party_name": "A", f"t-{t11.pk}": "84.5", f"t-{s13.pk}": "ZZ",
                            "program_rows": "1", "p-0-name": "P", "p-0-allocation": "8O"})
    assert r.status_code == 200
    html = r.content.decode()
    assert "koma" in html and "predikat" in html and "bukan angka yang sah" in html
    assert not PkVersion.objects.filter(year=2026).exists()


@pytest.mark.django_db
def test_original_cannot_be_edited_once_amended(operator: Client, office: Office) -> None:
    url = reverse("pk-edit", args=[office.code, 2025])
    assert "tidak dapat diedit" in operator.get(url).content.decode()
    r = operator.post(url, {"first_party_name": "X"})
    assert r.status_code == 302
    assert PkVersion.objects.get(office=office, year=2025, number=1).first_party_name.startswith("Budi")


@pytest.mark.django_db
def test_amendment_requires_a_reason_and_copies_the_current_targets(operator: Client, office: Office) -> None:
    url = reverse("pk-amend", args=[office.code, 2025])
    page = operator.get(url).content.decode()
    s12 = Indicator.objects.get(code="S1.2")
    assert f'name="t-{s12.pk}" value="1.100"' in page  # copied from version 2
    current = PkVersion.objects.get(office=office, year=2025, number=2)
    data = {f"t-{t.indicator_id}": stored_target_text(t) for t in current.targets.all()}
    data.update({"first_party_name": "Budi", "program_rows": "0", f"t-{s12.pk}": "1000", "reason": ""})
    r = operator.post(url, data)
    assert r.status_code == 200 and "Alasan perubahan wajib" in r.content.decode()
    assert PkVersion.objects.filter(office=office, year=2025).count() == 2
    data["reason"] = "Refocusing anggaran"
    r = operator.post(url, data)
    assert r.status_code == 302
    v3 = PkVersion.objects.get(office=office, year=2025, number=3)
    assert v3.kind == "amendment" and v3.reason == "Refocusing anggaran"
    assert v3.targets.get(indicator=s12).value == 1000
    assert "Refocusing anggaran" in operator.get(reverse("pk-detail", args=[office.code, 2025])).content.decode()


@pytest.mark.django_db
def test_verifier_reads_but_cannot_change(verifier: Client, office: Office) -> None:
    assert verifier.get(reverse("pk-detail", args=[office.code, 2025])).status_code == 200
    page = verifier.get(reverse("pk-amend", args=[office.code, 2025]))
    assert page.status_code == 200 and 'data-testid="pk-form"' not in page.content.decode()
    assert verifier.post(reverse("pk-amend", args=[office.code, 2025]), {"reason": "x"}).status_code == 403


@pytest.mark.django_db
def test_another_offices_operator_gets_403(other_operator: Client, office: Office) -> None:
    for name in ("pk-detail", "pk-edit", "pk-amend"):
        assert other_operator.get(reverse(name, args=[office.code, 2025])).status_code == 403
    for name in ("pk-edit", "pk-amend"):
        assert other_operator.post(reverse(name, args=[office.code, 2026]), {"reason": "x"}).status_code == 403
    assert not PkVersion.objects.filter(year=2026).exists()
