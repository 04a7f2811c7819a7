"""No lost update through an Excel import: rows changed after the preview refuse the confirmation.

The preview records the versions of the rows the file names; the confirmation (or, on the
command line, the write right after the check) compares them under the office's lock. A
change to a row the file does not name is no reason to refuse.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from sakip.accounts.models import Office
from sakip.agreements.models import PkTarget, PkVersion
from sakip.budgeting.models import BudgetLine, LineQuarter
from sakip.importers.kinds import ANGGARAN, PK, REALISASI
from sakip.imports import services
from sakip.imports.models import ImportBatch
from sakip.monitoring.models import IndicatorYear, Quarter
from sakip.planning.models import Indicator, Target
from tests.importers.xlsx_support import edit, find_row, workbook
from tests.web.forms_support import form_fields

pytestmark = pytest.mark.django_db

HEADER = [c.header for c in REALISASI.columns]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def realisasi(*rows: list[object]) -> bytes:
    return workbook({"Realisasi": [HEADER, *rows]})


def row(code: str, tw1: object = None, explanation: str = "Uji") -> list[object]:
    return [code, None, None, None, tw1, None, None, None, None, explanation]


def value(code: str, quarter: int = 1) -> Decimal | None:
    q = Quarter.objects.filter(
        indicator_year__indicator__plan__office__code="kaloran",
        indicator_year__indicator__code=code,
        indicator_year__year=2020,
        quarter=quarter,
    ).first()
    return q.value if q else None


def preview(client: Client, kind: str, data: bytes) -> ImportBatch:
    url = reverse("import-excel", args=["kaloran", 2020])
    response = client.post(url, {"kind": kind, "file": SimpleUploadedFile("isian.xlsx", data, content_type=XLSX)})
    assert response.status_code == 200 and 'data-testid="import-preview"' in response.content.decode()
    return ImportBatch.objects.filter(status=ImportBatch.Status.PREVIEWED).latest("pk")


def confirm(client: Client, batch: ImportBatch) -> object:
    return client.post(reverse("import-excel-confirm", args=["kaloran", 2020]), {"batch": batch.pk})


def save_on_the_entry_page(client: Client, code: str, text: str) -> None:
    url = reverse("quarter-entry", args=["kaloran", 2020, 1])
    form = form_fields(client.get(url).content.decode(), "entry-form")
    ind = Indicator.objects.get(plan__office__code="kaloran", code=code)
    response = client.post(url, {**form, f"v-{ind.pk}": text, f"e-{ind.pk}": "diisi di halaman"})
    assert response.status_code == 302, response.content.decode()[:2000]


def test_a_row_saved_on_the_entry_page_after_the_preview_refuses_the_confirmation(login_as) -> None:
    importer, typist = login_as("operator_a"), login_as("head_a")
    data = realisasi(row("S1.2", 80))
    batch = preview(importer, "realisasi", data)
    assert batch.summary["versions"]  # the previewed rows' versions are kept with the upload
    save_on_the_entry_page(typist, "S1.2", "70")
    refused = confirm(importer, batch)
    assert refused.status_code == 409
    text = refused.content.decode()
    assert "Data berubah sejak pratinjau" in text and "unggah ulang" in text and "S1.2" in text
    assert value("S1.2") == Decimal(70)  # the other person's value stays
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.REFUSED and bytes(batch.content) == b""
    # uploaded again: the preview shows 70 → 80, and the confirmation stores it
    again = preview(importer, "realisasi", data)
    assert confirm(importer, again).status_code == 302
    assert value("S1.2") == Decimal(80)


def test_a_row_the_file_does_not_name_changing_is_no_reason_to_refuse(login_as) -> None:
    importer, typist = login_as("operator_a"), login_as("head_a")
    batch = preview(importer, "realisasi", realisasi(row("S1.2", 80)))
    save_on_the_entry_page(typist, "S1.1" if _plain("S1.1") else "S1.3", "5")
    assert confirm(importer, batch).status_code == 302
    assert value("S1.2") == Decimal(80)


def _plain(code: str) -> bool:
    ind = Indicator.objects.get(plan__office__code="kaloran", code=code)
    return not ind.formula and ind.polarity != "qualitative"


def test_a_row_made_after_the_preview_refuses_it(demo_once, db) -> None:
    """A row that did not exist at the preview and exists now is a change too (two first saves)."""
    o = Office.objects.get(code="kaloran")
    outcome = services.prepare(o, "realisasi", 2020, realisasi(row("S1.2", 80)))
    assert outcome.ok and value("S1.2") is None
    iy = IndicatorYear.objects.get(indicator__plan__office=o, indicator__code="S1.2", year=2020)
    Quarter.objects.create(indicator_year=iy, quarter=1, value=Decimal(80))  # the same value, typed by hand
    services.apply(o, outcome)
    assert not outcome.applied and outcome.stale and "S1.2" in outcome.problems[0].message


def test_the_command_line_import_refuses_a_row_changed_between_its_check_and_its_write(demo_once, db) -> None:
    o = Office.objects.get(code="kaloran")
    line = BudgetLine.objects.get(budget__office=o, budget__year=2020, code="1.a")
    line.realisation = None
    line.save()
    data = workbook({ANGGARAN.name: [[c.header for c in ANGGARAN.columns], ["1.a", None, None, None, 1000000]]})
    outcome = services.prepare(o, "anggaran", 2020, data)
    assert outcome.ok, outcome.problems
    # the budget page saves the line meanwhile (its version goes up with its quarters)
    LineQuarter.objects.create(line=line, quarter=2, realisation=Decimal(5))
    line.touch()
    services.apply(o, outcome)
    assert not outcome.applied and "1.a" in outcome.problems[0].message
    assert not LineQuarter.objects.filter(line=line, quarter=1).exists()


def test_pk_and_renstra_imports_check_their_rows(demo_once, db) -> None:
    o = Office.objects.get(code="kaloran")
    data = workbook({"PK": [[c.header for c in PK.columns], ["S1.3", None, None, "9,75"]]})
    outcome = services.prepare(o, "pk", 2020, data)
    version = PkVersion.objects.filter(office=o, year=2020).order_by("-number").first()
    target = PkTarget.objects.get(version=version, indicator__code="S1.3")
    target.value = Decimal(9)  # changed by someone else on the PK page
    target.save()
    services.apply(o, outcome)
    assert not outcome.applied and "S1.3" in outcome.problems[0].message

    renstra = services.template(o, "renstra", 2020)
    r = find_row(renstra, "Indikator", "S1.2")
    outcome = services.prepare(o, "renstra", 2020, edit(renstra, "Indikator", {f"F{r}": 95}))
    assert outcome.ok, outcome.problems
    ind = Indicator.objects.get(plan__office=o, code="S1.2")
    assert Target.objects.filter(indicator=ind, year=2020).update(value=Decimal(1)) == 1  # even a bulk write
    services.apply(o, outcome)
    assert not outcome.applied and "S1.2" in outcome.problems[0].message
    outcome = services.run(o, "renstra", 2020, edit(renstra, "Indikator", {f"F{r}": 95}))
    assert outcome.applied, outcome.problems
