"""The regency's monitoring matrix (issue #14): offices × periods from the kept figures, with the workflow states;
filters; .xlsx and CSV; a constant number of queries; an office's trend charts."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from sakip.accounts.access import allowed_actions
from sakip.accounts.models import Office, OfficeKind
from sakip.core.generate import Size, generate_regency
from sakip.core.services import scorecard_for
from sakip.domain.scales import KEMENPAN_5, LKJIP_4, SCALE_PRESETS, predicate_color
from sakip.regency import kept_figures
from sakip.regency.models import KeptOffice
from sakip.reports.scorecard import show_percent
from sakip.workflow import services

pytestmark = pytest.mark.django_db


def _keep(regency: Any, years: range) -> list[Office]:
    offices = list(Office.objects.filter(regency=regency).order_by("name"))
    for office in offices:
        for year in years:
            kept_figures.recompute(office, year)
    return offices


def _admin(code: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=f"{code}-admin"))
    return client


def test_the_matrix_shows_the_kept_figures_and_states_in_a_constant_number_of_queries() -> None:
    counts = []
    for code, size in (
        ("kecil", Size(offices=2, indicators=3, years=2, start=2024)),
        ("besar", Size(offices=7, indicators=6, years=3, start=2023)),
    ):
        regency = generate_regency(code, size, password="x")
        offices = _keep(regency, range(size.start, size.start + size.years))
        client = _admin(code)
        for params in ({"tahun": 2025}, {"tata": "tahun"}, {"tahun": 2025, "unduh": "xlsx"}):
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(reverse("regency-matrix"), params)
            assert response.status_code == 200
            counts.append((code, tuple(sorted(params)), len(ctx.captured_queries)))
        html = client.get(reverse("regency-matrix"), {"tahun": 2025}).content.decode()
        for office in offices:  # each office's TW IV cell is its year scorecard's mean, as the office page shows it
            sc = scorecard_for(office, 2025)
            assert sc is not None
            assert f'data-office="{office.code}"' in html
            kept = KeptOffice.objects.filter(office=office, year=2025, quarter=4).order_by("-version").first()
            value = sc.office_score.aggregate.value
            assert kept is not None and kept.achievement == value
            row = html.split(f'data-office="{office.code}"')[1].split("</tr>")[0]
            assert (show_percent(value) if value is not None else "belum diukur") in row.split("<td")[-1]
    small = {(p, n) for c, p, n in counts if c == "kecil"}
    large = {(p, n) for c, p, n in counts if c == "besar"}
    assert small == large, counts  # the same number of queries for 2 offices × 2 years and 7 × 3


@pytest.fixture()
def regency() -> Any:
    regency = generate_regency("uji", Size(offices=3, indicators=3, years=2, start=2024), password="x")
    offices = _keep(regency, range(2024, 2026))
    Office.objects.filter(regency=regency).update(kind=OfficeKind.KECAMATAN)
    Office.objects.filter(pk=offices[0].pk).update(kind=OfficeKind.BADAN)
    return regency


def _submit(office: Office, year: int, quarter: int) -> None:
    admin = get_user_model().objects.get(username="uji-admin")
    services.transition(
        office, year, "quarter", quarter, "submit", user=admin,
        allowed_actions=allowed_actions(admin.membership, office),
    )


def test_filters_by_kind_state_and_period(regency: Any) -> None:
    client = _admin("uji")
    offices = list(Office.objects.filter(regency=regency).order_by("name"))
    _submit(offices[1], 2025, 2)
    url = reverse("regency-matrix")
    html = client.get(url, {"tahun": 2025}).content.decode()
    assert all(f'data-office="{o.code}"' in html for o in offices)
    assert html.count('data-state="submitted"') == 1 and "Disetujui kepala, diajukan" in html
    html = client.get(url, {"tahun": 2025, "jenis": "badan"}).content.decode()
    assert f'data-office="{offices[0].code}"' in html and f'data-office="{offices[1].code}"' not in html
    html = client.get(url, {"tahun": 2025, "status": "submitted"}).content.decode()
    assert [o.code for o in offices if f'data-office="{o.code}"' in html] == [offices[1].code]
    html = client.get(url, {"tahun": 2025, "periode": "2025-2"}).content.decode()
    table = html.split('data-testid="monitoring-matrix"')[1]
    assert "TW II 2025" in table and "TW I 2025" not in table and "TW III 2025" not in table
    html = client.get(url, {"tata": "tahun"}).content.decode()
    table = html.split('data-testid="monitoring-matrix"')[1].split("</thead>")[0]
    assert "2024" in table and "2025" in table and "TW" not in table
    # an unknown filter is ignored, never an error
    assert client.get(url, {"tahun": "x", "jenis": "<b>", "status": "nope", "periode": "1"}).status_code == 200


def test_xlsx_and_csv_hold_what_the_page_shows(regency: Any) -> None:
    client = _admin("uji")
    offices = list(Office.objects.filter(regency=regency).order_by("name"))
    response = client.get(reverse("regency-matrix"), {"tahun": 2025, "unduh": "xlsx"})
    assert response["Content-Disposition"].endswith('.xlsx"')
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "Perangkat daerah" and rows[0][2] == "TW I 2025 — Status"
    assert [r[0] for r in rows[1:]] == [o.name for o in offices]
    kept = KeptOffice.objects.filter(office=offices[0], year=2025, quarter=4).order_by("-version").first()
    assert kept is not None
    tw4 = rows[0].index("TW IV 2025 — Capaian (%)")
    assert Decimal(str(rows[1][tw4])).quantize(Decimal("0.0001")) == kept.achievement.quantize(Decimal("0.0001"))
    response = client.get(reverse("regency-matrix"), {"tahun": 2025, "unduh": "csv", "jenis": "badan"})
    assert response["Content-Type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(lines) == 2 and lines[1][0] == offices[0].name
    assert Decimal(lines[1][tw4]) == kept.achievement


def test_an_offices_trends_over_years_and_quarters(regency: Any) -> None:
    client = _admin("uji")
    office = Office.objects.filter(regency=regency).order_by("name").first()
    assert office is not None
    response = client.get(reverse("regency-trends", args=[office.code]), {"tahun": 2025})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('data-testid="trend-office"') == 1
    assert html.count('data-testid="trend-indicator"') == 3  # each indicator
    assert html.count("<svg") == 8  # over the years and over the quarters, for the office and each indicator
    assert client.get(reverse("regency-trends", args=["tidak-ada"])).status_code == 404


def test_one_colour_for_one_predicate_on_every_scale() -> None:
    seen: dict[str, set[str]] = {}
    for scale in SCALE_PRESETS.values():
        for band in scale.bands:
            seen.setdefault(band.label.lower(), set()).add(band.color)
    assert all(len(colors) == 1 for colors in seen.values()), seen
    assert KEMENPAN_5.band_for(Decimal(90)).color == LKJIP_4.band_for(Decimal(101)).color == "green"  # Sangat Baik
    assert predicate_color("  sangat   BAIK ") == "green" and predicate_color("AA", "lime") == "lime"
