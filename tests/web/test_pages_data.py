"""Import/export of an office dataset from the browser, and the admin."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from sakip.accounts.models import Office, Regency, Role
from sakip.core.interchange import canonical, export_office
from sakip.core.views import dump_yaml
from sakip.dataset.loader import parse_text
from sakip.planning.models import PlanPeriod

from . import pages_support
from .pages_support import PASSWORD, make_user

# the page fixtures (kept out of conftest.py, which the authorisation tests own)
media = pages_support.media
regency = pages_support.regency
office = pages_support.office
other_office = pages_support.other_office
operator = pages_support.operator
other_operator = pages_support.other_operator
verifier = pages_support.verifier


@pytest.mark.django_db
def test_export_is_the_office_as_exact_yaml(operator: Client, office: Office) -> None:
    assert operator.get(reverse("office-data", args=[office.code])).status_code == 200
    r = operator.get(reverse("office-export", args=[office.code]))
    assert r.status_code == 200
    assert r["Content-Disposition"] == 'attachment; filename="contoh.yaml"'
    text = r.content.decode()
    assert "1.5" in text and "1500000000" in text  # decimals written exactly, never as floats
    assert canonical(parse_text(text)) == canonical(export_office(office))


@pytest.mark.django_db
def test_import_replaces_the_office(operator: Client, office: Office) -> None:
    doc = export_office(office)
    doc["plan"]["vision"] = "Visi baru <script>x</script>"
    upload = SimpleUploadedFile("contoh.yaml", dump_yaml(doc).encode("utf-8"))
    r = operator.post(reverse("office-data", args=[office.code]), {"file": upload})
    assert r.status_code == 302
    assert PlanPeriod.objects.get(office=office).vision == "Visi baru <script>x</script>"


@pytest.mark.django_db
def test_import_errors_are_listed_with_their_path_and_nothing_is_stored(operator: Client, office: Office) -> None:
    doc = export_office(office)
    doc["plan"]["objectives"][0]["indicators"][1]["targets"]["2025"] = "8O"
    doc["plan"]["vision"] = "tidak tersimpan"
    upload = SimpleUploadedFile("contoh.yaml", dump_yaml(doc).encode("utf-8"))
    r = operator.post(reverse("office-data", args=[office.code]), {"file": upload})
    assert r.status_code == 200
    html = r.content.decode()
    assert "plan.objectives[0].indicators[1].targets.2025" in html
    assert PlanPeriod.objects.get(office=office).vision != "tidak tersimpan"


@pytest.mark.django_db
def test_import_refuses_another_offices_dataset(operator: Client, office: Office) -> None:
    doc = export_office(office)
    doc["office"]["code"] = "lain"
    upload = SimpleUploadedFile("lain.json", b"{}")
    r = operator.post(reverse("office-data", args=[office.code]),
                      {"file": SimpleUploadedFile("lain.yaml", dump_yaml(doc).encode("utf-8"))})
    assert r.status_code == 200 and "bukan «contoh»" in r.content.decode()
    assert not Office.objects.filter(code="lain").exists()
    r = operator.post(reverse("office-data", args=[office.code]), {"file": upload})
    assert r.status_code == 200 and "format" in r.content.decode()


@pytest.mark.django_db
def test_verifier_may_export_but_not_import(verifier: Client, office: Office) -> None:
    assert verifier.get(reverse("office-export", args=[office.code])).status_code == 200
    page = verifier.get(reverse("office-data", args=[office.code])).content.decode()
    assert 'data-testid="import-form"' not in page
    assert verifier.post(reverse("office-data", args=[office.code]), {}).status_code == 403


@pytest.mark.django_db
def test_another_offices_operator_gets_403(other_operator: Client, office: Office) -> None:
    assert other_operator.get(reverse("office-data", args=[office.code])).status_code == 403
    assert other_operator.get(reverse("office-export", args=[office.code])).status_code == 403
    assert other_operator.post(reverse("office-data", args=[office.code]), {}).status_code == 403


@pytest.mark.django_db
def test_admin_is_for_superusers_and_the_admin_role(client: Client, office: Office, regency: Regency) -> None:
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_superuser("root", "root@example.org", PASSWORD)
    client.login(username="root", password=PASSWORD)
    for model in ("accounts/office", "accounts/membership", "accounts/yearsetting", "planning/planperiod",
                  "accounts/unit", "planning/indicator", "agreements/pkversion", "budgeting/budgetline",
                  "surveys/survey", "monitoring/indicatoryear"):
        assert client.get(f"/admin/{model}/?q=contoh").status_code == 200, model
    client.logout()
    staff = make_user("operator-staff", Role.OPERATOR, regency, office)
    staff.is_staff = True  # type: ignore[attr-defined]
    staff.save()  # type: ignore[attr-defined]
    client.login(username="operator-staff", password=PASSWORD)
    assert client.get("/admin/accounts/office/").status_code == 302  # to the admin login
