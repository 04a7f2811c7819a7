"""The audit trail for people (issue #14): after real edits of the demo data, no audit page or export shows
"… object (4)", an internal field name, an ISO timestamp, a user id or a number in English format."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import formats, timezone

from sakip.agreements.models import PkTarget
from sakip.audit.display import model_name
from sakip.audit.models import AuditEntry
from sakip.budgeting.models import BudgetLine

pytestmark = pytest.mark.django_db

YEAR = 2020
ISO = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def _text(page: str) -> str:
    """The visible text of the audit table (tags and attributes dropped)."""
    table = page[page.index('data-testid="audit-log"') :]
    return html.unescape(re.sub(r"<[^>]+>", " ", table))


def _raw_field_names() -> set[str]:
    """Every field name of an audited model that is not also an Indonesian name of a field ("target", "status")."""
    raw: set[str] = set()
    labels: set[str] = set()
    for model in apps.get_models():
        if not model.__module__.startswith("sakip.") and model._meta.label != "auth.User":
            continue
        for f in model._meta.concrete_fields:
            raw.update((f.name, f.attname))
            labels.add(str(f.verbose_name))
    return raw - labels


def _edit(demo: Any, login_as: Any) -> dict[str, Any]:
    office = demo.office_a
    ind = PkTarget.objects.filter(version__office=office, version__year=YEAR).order_by("order", "id")[0].indicator
    r = login_as("operator_a").post(
        reverse("quarter-entry", args=[office.code, YEAR, 4]),
        {f"v-{ind.pk}": "9,8", f"e-{ind.pk}": "rekap ulang"},
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    line = BudgetLine.objects.filter(budget__office=office, budget__year=YEAR).order_by("order", "id")[0]
    line.allocation = Decimal("24122000")
    line.save()
    target = PkTarget.objects.filter(version__office=office, version__year=YEAR).order_by("order", "id")[0]
    target.value = Decimal("91.25")
    target.save()
    return {"indicator": ind, "line": line}


def test_the_pages_and_the_export_speak_to_people(demo: Any, login_as: Any) -> None:
    edited = _edit(demo, login_as)
    office = demo.office_a
    raw = _raw_field_names()
    client = login_as("admin")
    base = reverse("audit-office", args=[office.code])
    first = client.get(base).content.decode()
    kinds = re.findall(r'<option value="([a-z]+\.[A-Za-z]+)"', first)
    assert "monitoring.Quarter" in kinds and "budgeting.BudgetLine" in kinds
    pages = {"": first} | {k: client.get(base, {"jenis": k}).content.decode() for k in kinds}
    regency = reverse("audit-regency")
    regency_first = client.get(regency).content.decode()
    for k in re.findall(r'<option value="([a-z]+\.[A-Za-z]+)"', regency_first):
        pages[f"pemda {k}"] = client.get(regency, {"jenis": k}).content.decode()
    for name, page in pages.items():
        text = _text(page)
        assert 'data-testid="audit-row"' in page, name
        assert "object (" not in text, (name, text[text.index("object (") - 200 :][:300])
        assert not ISO.search(text), (name, ISO.search(text))
        for field in re.findall(r"<strong>([^<:]+)</strong>:", page):
            assert field not in raw, (name, field)
    quarter = _text(pages["monitoring.Quarter"])
    today = formats.date_format(timezone.localdate(), "j F Y")
    assert today in quarter  # "7 Desember 2026 20.41"
    assert re.search(rf"{re.escape(today)} \d{{2}}\.\d{{2}}", quarter)
    assert "Operator Kecamatan Kaloran (operator-kaloran)" in quarter  # the user by name
    assert f"{edited['indicator'].code} {edited['indicator'].name[:30]}" in quarter  # the object by its indicator
    assert "TW IV 2020" in quarter
    assert re.search(r"realisasi\s*:\s*(∅|[\d.,]+) → 9,8", quarter)
    assert "9.8" not in quarter
    budget = _text(pages["budgeting.BudgetLine"])
    assert "24.122.000" in budget and "baris anggaran" in budget
    assert "91,25" in _text(pages["agreements.PkTarget"])
    printed = _text(pages["monitoring.IndicatorYear"])  # a report's printed figures: Indonesian keys and numbers
    assert "angka tercetak" in printed and "capaian: " in printed
    assert "achievement" not in printed and "category" not in printed

    # the export: the same names, dates and numbers
    response = client.get(reverse("audit-office-export", args=[office.code]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    body = rows[1:]
    assert len(body) == AuditEntry.objects.filter(office_id=office.pk).count()
    labels = AuditEntry.objects.filter(office_id=office.pk).order_by("-at", "-id").values_list("model", flat=True)
    assert [row[5] for row in body] == [model_name(label) for label in labels]  # kinds of data by their names
    for row in body:
        assert not ISO.match(row[0]) and "object (" not in row[7], row
        for line in row[9].splitlines():
            assert line.split(":", 1)[0] not in raw, line
    quarters = [r for r in body if r[5] == "realisasi triwulan" and "9,8" in r[9]]
    assert quarters and quarters[0][1] == "Operator Kecamatan Kaloran (operator-kaloran)"
    assert any("24.122.000" in r[9] for r in body)
    # next to the readable text, the change as stored: the field names and exact values (JSON)
    assert rows[0][9:11] == ["perubahan", "perubahan_json"]
    stored = AuditEntry.objects.filter(office_id=office.pk).order_by("-at", "-id").values_list("changes", flat=True)
    assert [json.loads(row[10]) if row[10] else {} for row in body] == [c or {} for c in stored]
    assert any(new in ("9.8", "9.80") for row in quarters for _old, new in json.loads(row[10]).values())
