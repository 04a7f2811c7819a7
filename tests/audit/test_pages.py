"""The audit trail in the pages: who sees which office's log, per-object history, CSV that no spreadsheet runs."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from sakip.agreements.models import PkTarget
from sakip.audit.models import AuditEntry
from sakip.monitoring.models import Quarter
from sakip.reports.cells import csv_cell

pytestmark = pytest.mark.django_db

YEAR = 2020


def _csv(response: Any) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_an_edit_through_the_page_records_user_address_browser_and_old_new(demo: Any, login_as: Any) -> None:
    office = demo.office_a
    ind = PkTarget.objects.filter(version__office=office, version__year=YEAR).order_by("order", "id")[0].indicator
    client = login_as("operator_a")
    url = reverse("quarter-entry", args=[office.code, YEAR, 4])
    r = client.post(
        url,
        {f"v-{ind.pk}": "77,5", f"e-{ind.pk}": "rekap ulang"},
        HTTP_USER_AGENT="UjiBrowser/1.0",
        REMOTE_ADDR="10.1.2.3",
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    q = Quarter.objects.get(indicator_year__indicator=ind, indicator_year__year=YEAR, quarter=4)
    assert q.value == Decimal("77.5")
    entry = AuditEntry.objects.filter(model="monitoring.Quarter", object_id=str(q.pk)).order_by("-id")[0]
    assert entry.user_name == "operator-kaloran" and entry.user_id == demo.user("operator_a").pk
    assert entry.ip == "10.1.2.3" and entry.user_agent == "UjiBrowser/1.0"
    assert entry.changes["value"][1] == "77.5" and entry.office_id == office.pk


def test_office_log_is_the_own_office_only(demo: Any, login_as: Any) -> None:
    a, b = demo.office_a, demo.office_b
    page = login_as("operator_a").get(reverse("audit-office", args=[a.code])).content.decode()
    assert 'data-testid="audit-log"' in page and "Kecamatan Kaloran" in page
    assert login_as("operator_a").get(reverse("audit-office", args=[b.code])).status_code == 403
    assert login_as("public").get(reverse("audit-office", args=[a.code])).status_code == 403
    for role in ("admin", "planner", "verifier"):
        assert login_as(role).get(reverse("audit-office", args=[b.code])).status_code == 200
        assert login_as(role).get(reverse("audit-regency")).status_code == 200
    assert login_as("head_a").get(reverse("audit-regency")).status_code == 403


def test_per_object_history_and_filters(demo: Any, login_as: Any) -> None:
    office = demo.office_a
    target = PkTarget.objects.filter(version__office=office, version__year=YEAR).order_by("order", "id")[0]
    target.value = Decimal("91.25")
    target.save()
    client = login_as("head_a")
    url = reverse("audit-office", args=[office.code]) + f"?jenis=agreements.PkTarget&id={target.pk}"
    page = client.get(url).content.decode()
    assert page.count('data-testid="audit-row"') == 2  # created by the import, then updated
    assert "91,25" in page  # Indonesian numbers (issue #14)
    page = client.get(url + "&tindakan=update").content.decode()
    assert page.count('data-testid="audit-row"') == 1
    page = client.get(reverse("audit-office", args=[office.code]) + "?dari=bukan-tanggal").content.decode()
    assert 'data-testid="audit-log"' in page  # a bad date is ignored, not a crash


def test_csv_export_is_filtered_and_formula_safe(demo: Any, login_as: Any) -> None:
    office = demo.office_a
    office.head_name = '=HYPERLINK("http://x","klik")'
    office.save()
    response = login_as("operator_a").get(reverse("audit-office-export", args=[office.code]) + "?jenis=accounts.Office")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = _csv(response)
    assert rows[0][:3] == ["waktu", "pengguna", "alamat_ip"]
    body = rows[1:]
    assert body and all(r[5] == "perangkat daerah" for r in body)  # the kind of data by its name (issue #14)
    changes = [r[9] for r in body if r[4] == "diubah"]
    assert changes[0].startswith("nama kepala: ") and changes[0].endswith('→ =HYPERLINK("http://x","klik")')
    for row in body:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@")), cell


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("=1+2", "'=1+2"),
        ("+62", "'+62"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("biasa", "biasa"),
        ("", ""),
        (None, ""),
    ],
)
def test_csv_cell(text: str | None, expected: str) -> None:
    assert csv_cell(text) == expected


def test_regency_export_covers_every_office(demo: Any, login_as: Any) -> None:
    rows = _csv(login_as("verifier").get(reverse("audit-regency-export")))
    offices = {r[8] for r in rows[1:]}
    assert {"Kecamatan Kaloran", "Kecamatan Kaliwates"} <= offices


def test_the_admin_cannot_change_or_delete_the_trail(demo: Any, login_as: Any) -> None:
    admin = login_as("admin")
    entry = AuditEntry.objects.order_by("id")[0]
    assert admin.get(reverse("admin:audit_auditentry_changelist")).status_code == 200
    assert admin.get(reverse("admin:audit_auditentry_change", args=[entry.pk])).status_code == 200  # view only
    r = admin.post(reverse("admin:audit_auditentry_delete", args=[entry.pk]), {"post": "yes"})
    assert r.status_code == 403
    r = admin.post(reverse("admin:audit_auditentry_change", args=[entry.pk]), {"user_name": "x"})
    assert r.status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk, user_name=entry.user_name).exists()


def test_changes_are_shown_with_field_names_and_choice_labels(demo: Any, login_as: Any) -> None:
    from sakip.accounts.access import allowed_actions
    from sakip.workflow import services

    head = demo.user("head_a")
    services.transition(
        demo.office_a,
        2021,
        "pk",
        None,
        "submit",
        user=head,
        allowed_actions=allowed_actions(head.membership, demo.office_a),
    )
    page = (
        login_as("head_a")
        .get(reverse("audit-office", args=[demo.office_a.code]) + "?jenis=workflow.PeriodState")
        .content.decode()
    )
    assert "<strong>status</strong>: Draf → Diajukan" in page
    assert "<strong>tindakan</strong>: ∅ → Ajukan" in page
