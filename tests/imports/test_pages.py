"""The «Impor Excel» page: templates, upload → errors or preview → confirm, rights, escaping."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from sakip.audit.models import AuditEntry
from sakip.importers.kinds import PK, REALISASI
from sakip.imports.models import ImportBatch
from sakip.monitoring.models import IndicatorYear, Quarter
from tests.importers.xlsx_support import workbook

pytestmark = pytest.mark.django_db

HEADER = [c.header for c in REALISASI.columns]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def page_url(year: int = 2020) -> str:
    return reverse("import-excel", args=["kaloran", year])


def upload(client, kind: str, data: bytes, name: str = "isian.xlsx"):
    return client.post(page_url(), {"kind": kind, "file": SimpleUploadedFile(name, data, content_type=XLSX)})


def s12_quarters() -> dict[int, Decimal | None]:
    return {
        q.quarter: q.value
        for q in Quarter.objects.filter(
            indicator_year__indicator__plan__office__code="kaloran",
            indicator_year__indicator__code="S1.2",
            indicator_year__year=2020,
        )
    }


def test_upload_preview_confirm(login_as) -> None:
    client = login_as("operator_a")
    page = client.get(page_url())
    assert page.status_code == 200
    assert b'data-testid="template-realisasi"' in page.content
    data = workbook({"Realisasi": [HEADER, ["S1.2", None, None, None, 79.95, None, None, None, None, "Uji"]]})
    preview = upload(client, "realisasi", data)
    assert preview.status_code == 200
    text = preview.content.decode()
    assert 'data-testid="import-preview"' in text and "79,95" in text
    assert s12_quarters() == {}  # nothing stored before the confirmation
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.PREVIEWED and bytes(batch.content) == data
    done = client.post(reverse("import-excel-confirm", args=["kaloran", 2020]), {"batch": batch.pk})
    assert done.status_code == 302
    assert s12_quarters() == {1: Decimal("79.95")}
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.APPLIED
    # the audit trail has the imported row with its change, old → new
    entry = AuditEntry.objects.get(model="monitoring.IndicatorYear", comment="Impor Excel")
    assert entry.object_repr == "S1.2 2020" and "Kaloran" in entry.office_name
    assert entry.changes["Realisasi TW I"] == [None, "79,95"]
    # a second confirmation of the same upload does nothing
    client.post(reverse("import-excel-confirm", args=["kaloran", 2020]), {"batch": batch.pk})
    assert Quarter.objects.filter(indicator_year__indicator__code="S1.2", indicator_year__year=2020).count() == 1


def test_confirm_applies_only_what_was_previewed(login_as) -> None:
    client = login_as("operator_a")
    data = workbook({"Realisasi": [HEADER, ["S1.2", None, None, None, 80, None, None, None, None, "Uji"]]})
    upload(client, "realisasi", data)
    batch = ImportBatch.objects.get()
    iy = IndicatorYear.objects.get(indicator__plan__office__code="kaloran", indicator__code="S1.2", year=2020)
    Quarter.objects.create(indicator_year=iy, quarter=1, value=Decimal(70))  # someone typed TW I meanwhile
    again = client.post(reverse("import-excel-confirm", args=["kaloran", 2020]), {"batch": batch.pk})
    # refused (tests/imports/test_concurrency.py): the row changed since the preview; the file is uploaded again
    assert again.status_code == 409 and "Data berubah sejak pratinjau" in again.content.decode()
    assert "S1.2" in again.content.decode()
    assert s12_quarters() == {1: Decimal(70)}  # not applied
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.REFUSED
    preview = upload(client, "realisasi", data)  # the new preview shows 70 → 80
    assert preview.status_code == 200 and "70" in preview.content.decode()


def test_errors_listed_and_nothing_kept(login_as) -> None:
    client = login_as("operator_a")
    data = workbook({"Realisasi": [HEADER, ["S1.2", None, None, None, "79.95"], ["ZZ", None, None, None, 1]]})
    response = upload(client, "realisasi", data)
    text = response.content.decode()
    assert 'data-testid="import-errors"' in text
    assert "79,95" in text and "ZZ" in text
    assert ImportBatch.objects.count() == 0 and s12_quarters() == {}


def test_imported_text_is_escaped(login_as) -> None:
    client = login_as("operator_a")
    script = "<script>alert('x')</script>"
    data = workbook({"Realisasi": [HEADER, ["S1.2", None, None, None, 80, None, None, None, None, script]]})
    text = upload(client, "realisasi", data).content.decode()
    assert script not in text and "&lt;script&gt;" in text


def test_rights_follow_the_kind(login_as) -> None:
    data = workbook({"Realisasi": [HEADER, ["S1.2", None, None, None, 80]]})
    assert upload(login_as("planner"), "realisasi", data).status_code == 403  # planners do not enter realisations
    pk = workbook({"PK": [[c.header for c in PK.columns], ["S1.3", None, None, "9,5"]]})
    assert upload(login_as("planner"), "pk", pk).status_code == 200
    assert upload(login_as("verifier"), "pk", pk).status_code == 403
    assert upload(login_as("operator_b"), "pk", pk).status_code == 403


def test_template_download_is_an_export_that_never_writes_formulas(login_as) -> None:
    from sakip.planning.models import Indicator

    Indicator.objects.filter(plan__office__code="kaloran", code="S1.2").update(name='=HYPERLINK("http://x")')
    response = login_as("operator_a").get(reverse("import-excel-template", args=["kaloran", 2020]) + "?jenis=realisasi")
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["Petunjuk", "Realisasi", "Komponen"]
    cells = {row[0].value: row[1] for row in wb["Realisasi"].iter_rows(min_row=2) if row[0].value}
    assert cells["S1.2"].data_type == "s" and cells["S1.2"].value == '=HYPERLINK("http://x")'
