"""Quarter targets on the PK page and its amendment: even split, last year's pattern, checks, the lock.

The example office (docs/examples/contoh-kecamatan.yaml): S1.2 (services, a sum) has the
cumulative quarter targets 250 / 550 / 850 / 1.100 in 2025 and realisations 240 / 310 / 300;
S1.3 is qualitative (AKIP grades), S1.4 in range, S1.5 lower is better with baseline 12,
S1.1 lower is better (a formula, rollup «last»), T1.1 higher is better (rollup «last»).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from sakip.accounts.models import Office
from sakip.agreements.models import PkVersion
from sakip.domain import workflow as wf
from sakip.monitoring.models import IndicatorYear, Quarter
from sakip.planning.models import Indicator
from sakip.workflow.models import PeriodState
from tests.workflow.forms_support import forms_of

from . import pages_support

media = pages_support.media
regency = pages_support.regency
office = pages_support.office
operator = pages_support.operator
verifier = pages_support.verifier

D = Decimal
pytestmark = pytest.mark.django_db


def ind(code: str) -> Indicator:
    return Indicator.objects.get(code=code, plan__office__code="contoh")


def form_data(client: Client, url: str) -> dict[str, Any]:
    """The PK form as the page shows it (every field with its value, checkboxes as sent)."""
    page = client.get(url)
    assert page.status_code == 200
    forms = [f for f in forms_of(page.content.decode()) if f.testid == "pk-form"]
    assert forms, "no PK form on the page"
    data = forms[0].data()
    for name in [n for n in data if n.endswith("-name") and data[n]]:  # a new PK's programs need an allocation
        allocation = name.replace("-name", "-allocation")
        data[allocation] = data.get(allocation) or "1.000.000"
    data["first_party_name"] = data.get("first_party_name") or "Budi Santoso"  # 2025's amendment names nobody
    return data


def quarters(code: str, year: int) -> dict[int, Any]:
    out: dict[int, Any] = {}
    for q in Quarter.objects.filter(indicator_year__indicator__code=code, indicator_year__year=year):
        value = q.target_grade or q.target
        if value not in (None, ""):
            out[q.quarter] = value
    return out


def cumulative(code: str, year: int) -> bool:
    return IndicatorYear.objects.get(indicator__code=code, year=year).cumulative_targets


def problems(r: Any) -> list[str]:
    """The messages a refused page shows (for a failing assertion)."""
    html = r.content.decode()
    pattern = r'class="(?:errorlist|messages|card problems|card warn)[^"]*"[^>]*>(.*?)</(?:div|ul|section)>'
    found = re.findall(pattern, html, re.S)
    return [re.sub(r"<[^>]+>", " ", f).strip()[:300] for f in found]


def shown(html: str, name: str) -> str:
    found = re.search(rf'name="{re.escape(name)}" value="([^"]*)"', html)
    assert found, name
    return found.group(1)


def test_the_form_shows_the_stored_quarter_targets_and_the_detail_page_too(operator: Client, office: Office) -> None:
    s12 = ind("S1.2")
    html = operator.get(reverse("pk-amend", args=[office.code, 2025])).content.decode()
    assert [shown(html, f"qt-{s12.pk}-{q}") for q in (1, 2, 3, 4)] == ["250", "550", "850", "1.100"]
    assert re.search(rf'name="qc-{s12.pk}" checked', html)
    detail = operator.get(reverse("pk-detail", args=[office.code, 2025])).content.decode()
    row = re.search(r'data-testid="pk-target-S1.2">(.*?)</tr>', detail, re.S)
    assert row is not None
    cells = re.findall(r'<td class="num">([^<]*)</td>', row.group(1))
    assert cells == ["1.100", "250", "550", "850", "1.100"]
    assert "kumulatif" in row.group(1)
    # an earlier version shows no quarter targets (they belong to the year, shown with the version in force)
    original = operator.get(reverse("pk-detail", args=[office.code, 2025]) + "?versi=1").content.decode()
    assert "TW III" not in original


def test_even_split_fills_the_fields_without_storing_then_save_stores_exact_decimals(
    operator: Client, office: Office
) -> None:
    url = reverse("pk-edit", args=[office.code, 2026])
    s12, t11, s13 = ind("S1.2"), ind("T1.1"), ind("S1.3")
    data = form_data(operator, url)
    data.update({f"t-{s12.pk}": "1.002", f"t-{t11.pk}": "84,5", f"t-{s13.pk}": "bb", f"qc-{t11.pk}": "on"})
    data.pop(f"qc-{s12.pk}", None)  # S1.2 per quarter (a sum): the quarters add up to the year target
    r = operator.post(url, {**data, "qt_action": "split-all"})
    assert r.status_code == 200
    html = r.content.decode()
    assert "pembagian rata" in html
    # S1.2 per quarter: 1.002 → figures to date 250,5 → 251, 501, 751,5 → 752, 1.002; per quarter the differences
    assert [shown(html, f"qt-{s12.pk}-{q}") for q in (1, 2, 3, 4)] == ["251", "250", "251", "250"]
    # T1.1 cumulative from 0 (no baseline), one decimal: 21,125 → 21,1; 42,25 → 42,3; 63,375 → 63,4; 84,5
    assert [shown(html, f"qt-{t11.pk}-{q}") for q in (1, 2, 3, 4)] == ["21,1", "42,3", "63,4", "84,5"]
    # a qualitative indicator: the year's grade each quarter
    assert [shown(html, f"qt-{s13.pk}-{q}") for q in (1, 2, 3, 4)] == ["BB", "BB", "BB", "BB"]
    assert not PkVersion.objects.filter(office=office, year=2026).exists()
    assert quarters("S1.2", 2026) == {}
    # save what the page now shows
    data = {**data, **{f"qt-{i.pk}-{q}": shown(html, f"qt-{i.pk}-{q}") for i in (s12, t11, s13) for q in (1, 2, 3, 4)}}
    r = operator.post(url, data)
    assert r.status_code == 302, problems(r)
    assert quarters("S1.2", 2026) == {1: D(251), 2: D(250), 3: D(251), 4: D(250)}
    assert sum(quarters("S1.2", 2026).values()) == D(1002)
    assert quarters("T1.1", 2026) == {1: D("21.1"), 2: D("42.3"), 3: D("63.4"), 4: D("84.5")}
    assert quarters("S1.3", 2026) == dict.fromkeys((1, 2, 3, 4), "BB")
    assert cumulative("T1.1", 2026) and not cumulative("S1.2", 2026)


def test_one_row_split_and_last_years_pattern(operator: Client, office: Office) -> None:
    url = reverse("pk-edit", args=[office.code, 2026])
    s12 = ind("S1.2")
    data = form_data(operator, url)
    data.update({f"t-{s12.pk}": "1200", f"qc-{s12.pk}": "on"})
    html = operator.post(url, {**data, "qt_action": f"split-{s12.pk}"}).content.decode()
    assert [shown(html, f"qt-{s12.pk}-{q}") for q in (1, 2, 3, 4)] == ["300", "600", "900", "1.200"]
    # 2025's cumulative 250 / 550 / 850 / 1.100 scaled to 1.200: 272,7… → 273, 600, 927,27… → 927, 1.200
    assert 'data-testid="pattern-S1.2"' in html
    html = operator.post(url, {**data, "qt_action": f"pattern-{s12.pk}"}).content.decode()
    assert [shown(html, f"qt-{s12.pk}-{q}") for q in (1, 2, 3, 4)] == ["273", "600", "927", "1.200"]
    # per quarter: the differences of the same figures
    data.pop(f"qc-{s12.pk}")
    html = operator.post(url, {**data, "qt_action": f"pattern-{s12.pk}"}).content.decode()
    assert [shown(html, f"qt-{s12.pk}-{q}") for q in (1, 2, 3, 4)] == ["273", "327", "327", "273"]
    # an indicator without last year's four targets offers no pattern
    assert 'data-testid="pattern-T1.1"' not in html


def test_split_without_a_way_to_split_says_why(operator: Client, office: Office) -> None:
    url = reverse("pk-edit", args=[office.code, 2026])
    s11, t11 = ind("S1.1"), ind("T1.1")
    data = form_data(operator, url)
    data.update({f"t-{s11.pk}": "1,5", f"qc-{s11.pk}": "on", f"t-{t11.pk}": ""})
    html = operator.post(url, {**data, "qt_action": f"split-{s11.pk}"}).content.decode()
    assert "memerlukan baseline" in html  # lower is better, a stock, no baseline: no way from 0
    html = operator.post(url, {**data, "qt_action": f"split-{t11.pk}"}).content.decode()
    assert "isi target tahunan" in html


def test_bad_quarter_targets_store_nothing(operator: Client, office: Office) -> None:
    url = reverse("pk-amend", args=[office.code, 2025])
    s12, s13, s14, t11 = ind("S1.2"), ind("S1.3"), ind("S1.4"), ind("T1.1")
    before = PkVersion.objects.filter(office=office, year=2025).count()
    data = form_data(operator, url)
    data.update({
        "reason": "Uji target triwulan",
        f"qt-{s12.pk}-2": "200",  # cumulative, below TW I (250)
        f"qt-{s13.pk}-1": "ZZ",  # not an AKIP grade
        f"qt-{s13.pk}-2": "3",  # a number for a qualitative indicator
        f"qt-{t11.pk}-3": "12.5",  # international decimal
    })
    r = operator.post(url, data)
    assert r.status_code == 200
    html = r.content.decode()
    assert "lebih rendah dari TW I" in html and "tidak boleh turun" in html
    assert "bukan predikat yang sah" in html
    assert "koma" in html
    assert PkVersion.objects.filter(office=office, year=2025).count() == before
    assert quarters("S1.2", 2025) == {1: D(250), 2: D(550), 3: D(850), 4: D(1100)}
    # in-range indicators take bands, not numbers
    assert f'name="qt-{s14.pk}-1"' in html
    data = form_data(operator, url)
    data.update({"reason": "Uji", f"qt-{s14.pk}-1": "3"})
    html = operator.post(url, data).content.decode()
    assert "TW I: Tulis rentang target sebagai «batas bawah – batas atas», misalnya 2 – 4" in html
    assert quarters("S1.4", 2025) == {}


def test_a_quarter_target_needs_a_year_target(operator: Client, office: Office) -> None:
    url = reverse("pk-edit", args=[office.code, 2026])
    t11 = ind("T1.1")
    data = form_data(operator, url)
    data.update({f"t-{t11.pk}": "", f"qt-{t11.pk}-1": "20"})
    html = operator.post(url, data).content.decode()
    assert "memerlukan target tahunan" in html
    assert not PkVersion.objects.filter(office=office, year=2026).exists()


def test_amendment_edits_the_quarter_targets_and_keeps_the_realisations(operator: Client, office: Office) -> None:
    url = reverse("pk-amend", args=[office.code, 2025])
    s12 = ind("S1.2")
    data = form_data(operator, url)
    data.update({
        "reason": "Refocusing: target layanan 1.000",
        f"t-{s12.pk}": "1000",
        f"qt-{s12.pk}-1": "250", f"qt-{s12.pk}-2": "500", f"qt-{s12.pk}-3": "750", f"qt-{s12.pk}-4": "1000",
    })
    r = operator.post(url, data)
    assert r.status_code == 302, problems(r)
    assert PkVersion.objects.get(office=office, year=2025, number=3).targets.get(indicator=s12).value == 1000
    assert quarters("S1.2", 2025) == {1: D(250), 2: D(500), 3: D(750), 4: D(1000)}
    values = dict(
        Quarter.objects.filter(indicator_year__indicator=s12, indicator_year__year=2025).values_list("quarter", "value")
    )
    assert values == {1: D(240), 2: D(310), 3: D(300), 4: None}  # the realisations are untouched


def test_tw_iv_different_from_the_year_target_is_a_warning(operator: Client, office: Office) -> None:
    url = reverse("pk-amend", args=[office.code, 2025])
    s12 = ind("S1.2")
    data = form_data(operator, url)
    data.update({"reason": "Pola 10/25/50/85", f"t-{s12.pk}": "1000",
                 f"qt-{s12.pk}-1": "100", f"qt-{s12.pk}-2": "250", f"qt-{s12.pk}-3": "500", f"qt-{s12.pk}-4": "850"})
    r = operator.post(url, data)
    assert r.status_code == 302
    assert quarters("S1.2", 2025)[4] == D(850)
    detail = operator.get(reverse("pk-detail", args=[office.code, 2025])).content.decode()
    assert "target s.d. TW IV (850) tidak sama dengan target tahunan (1.000)" in detail


def test_a_frozen_quarter_keeps_its_target(operator: Client, office: Office) -> None:
    PeriodState.objects.create(office=office, year=2025, step="quarter", quarter=1, state=wf.State.SUBMITTED.value)
    url = reverse("pk-amend", args=[office.code, 2025])
    s12 = ind("S1.2")
    html = operator.get(url).content.decode()
    assert 'data-testid="quarters-frozen"' in html
    assert re.search(rf'name="qt-{s12.pk}-1" value="250"[^>]*readonly', html)
    data = form_data(operator, url)
    data.update({"reason": "TW I terkunci", f"qt-{s12.pk}-1": "999", f"qt-{s12.pk}-2": "560"})
    data.pop(f"qc-{s12.pk}", None)  # a disabled checkbox is not sent: the stored choice stays
    r = operator.post(url, data)
    assert r.status_code == 302, problems(r)
    assert quarters("S1.2", 2025) == {1: D(250), 2: D(560), 3: D(850), 4: D(1100)}
    assert cumulative("S1.2", 2025)


def test_a_form_without_the_quarter_fields_leaves_them(operator: Client, office: Office) -> None:
    url = reverse("pk-amend", args=[office.code, 2025])
    data = {k: v for k, v in form_data(operator, url).items() if not k.startswith(("qt-", "qc-", "quarter_targets"))}
    data["reason"] = "Tanpa kolom triwulan"
    assert operator.post(url, data).status_code == 302
    assert quarters("S1.2", 2025) == {1: D(250), 2: D(550), 3: D(850), 4: D(1100)}
    assert cumulative("S1.2", 2025)


def test_the_verifier_sees_the_quarter_targets_but_no_buttons(verifier: Client, office: Office) -> None:
    html = verifier.get(reverse("pk-amend", args=[office.code, 2025])).content.decode()
    assert 'data-testid="split-all"' not in html and 'data-testid="pk-form"' not in html
    r = verifier.post(reverse("pk-amend", args=[office.code, 2025]), {"qt_action": "split-all", "quarter_targets": "1"})
    assert r.status_code == 403
