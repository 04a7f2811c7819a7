"""Quarter bands of an in-range indicator on the PK page, the entry page and in the figures as of TW N.

The example office's S1.4 is in range with the year band 2 – 4 (2025). A quarter band is typed
as «1 – 2» like the annual band, stored in ``Quarter.target_low`` / ``target_high``, shown on the
PK and entry pages, and is the band the realisation to date at TW N is measured against (the
annual range rule); a quarter without a band uses the year's band.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from sakip.accounts.models import Office
from sakip.audit.models import AuditEntry
from sakip.core.interchange import domain_office
from sakip.domain import workflow as wf
from sakip.domain.measurement import Polarity, Range, achievement
from sakip.domain.quarter_figures import FiguresAsOf
from sakip.monitoring.models import Quarter
from sakip.workflow.models import PeriodState
from sakip.workflow.services import PeriodLocked

from . import pages_support
from .test_pages_pk_quarters import form_data, ind, problems, shown

media = pages_support.media
regency = pages_support.regency
office = pages_support.office
operator = pages_support.operator

D = Decimal
pytestmark = pytest.mark.django_db
YEAR = 2025


def bands(code: str = "S1.4") -> dict[int, tuple[Decimal, Decimal]]:
    return {
        q.quarter: (q.target_low, q.target_high)
        for q in Quarter.objects.filter(indicator_year__indicator__code=code, indicator_year__year=YEAR)
        if q.target_low is not None
    }


def save_bands(client: Client, office: Office, texts: dict[int, str]) -> None:
    url = reverse("pk-amend", args=[office.code, YEAR])
    s14 = ind("S1.4")
    data = form_data(client, url)
    # S1.4 enters the PK with the plan's year band (the example's PK names it not)
    data.update({"reason": "Rentang triwulan", f"t-{s14.pk}": "2 – 4"})
    data.update({f"qt-{s14.pk}-{q}": t for q, t in texts.items()})
    r = client.post(url, data)
    assert r.status_code == 302, problems(r)


def test_bands_are_typed_stored_shown_and_audited(operator: Client, office: Office) -> None:
    save_bands(operator, office, {1: "1 – 2", 2: "1,5 s.d. 3", 3: "", 4: "2 – 4"})
    assert bands() == {1: (D(1), D(2)), 2: (D("1.5"), D(3)), 4: (D(2), D(4))}
    row = Quarter.objects.get(indicator_year__indicator__code="S1.4", indicator_year__year=YEAR, quarter=1)
    assert row.target is None and row.target_grade == ""
    assert AuditEntry.objects.filter(model="monitoring.Quarter", object_id=str(row.pk)).exists()
    s14 = ind("S1.4")
    html = operator.get(reverse("pk-amend", args=[office.code, YEAR])).content.decode()
    assert [shown(html, f"qt-{s14.pk}-{q}") for q in (1, 2, 3, 4)] == ["1 – 2", "1,5 – 3", "", "2 – 4"]
    detail = operator.get(reverse("pk-detail", args=[office.code, YEAR])).content.decode()
    found = re.search(r'data-testid="pk-target-S1.4">(.*?)</tr>', detail, re.S)
    assert found is not None and "1 – 2" in found.group(1) and "1,5 – 3" in found.group(1)
    # saving the same again changes nothing (no new audit entry)
    before = AuditEntry.objects.filter(model="monitoring.Quarter").count()
    save_bands(operator, office, {1: "1 – 2"})
    assert AuditEntry.objects.filter(model="monitoring.Quarter").count() == before


def test_even_split_puts_the_year_band_in_every_quarter(operator: Client, office: Office) -> None:
    url = reverse("pk-amend", args=[office.code, YEAR])
    s14 = ind("S1.4")
    data = {**form_data(operator, url), f"t-{s14.pk}": "2 – 4"}
    html = operator.post(url, {**data, "reason": "x", "qt_action": f"split-{s14.pk}"}).content.decode()
    assert [shown(html, f"qt-{s14.pk}-{q}") for q in (1, 2, 3, 4)] == ["2 – 4"] * 4
    assert bands() == {}  # filled, not stored


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("4 – 2", "Batas bawah lebih besar dari batas atas"),
        ("3", "Tulis rentang target sebagai «batas bawah – batas atas»"),
        ("1.5 – 3", "koma"),
    ],
)
def test_a_bad_band_is_refused_on_its_quarter(operator: Client, office: Office, text: str, words: str) -> None:
    url = reverse("pk-amend", args=[office.code, YEAR])
    s14 = ind("S1.4")
    data = form_data(operator, url)
    data.update({"reason": "x", f"t-{s14.pk}": "2 – 4", f"qt-{s14.pk}-2": text})
    r = operator.post(url, data)
    assert r.status_code == 200 and words in r.content.decode()
    assert bands() == {}


def test_a_band_for_a_numeric_indicator_is_refused(operator: Client, office: Office) -> None:
    url = reverse("pk-amend", args=[office.code, YEAR])
    t11 = ind("T1.1")
    data = form_data(operator, url)
    data.update({"reason": "x", f"qt-{t11.pk}-1": "1 – 2"})
    r = operator.post(url, data)
    assert r.status_code == 200, "stored"
    assert any("TW I" in p and "1 – 2" in p for p in problems(r)), problems(r)


def test_the_achievement_as_of_tw_n_is_measured_against_the_quarters_band(operator: Client, office: Office) -> None:
    save_bands(operator, office, {1: "1 – 2", 2: "2,5 – 3"})
    s14 = ind("S1.4")
    for q, value in ((1, "1,5"), (2, "3,5")):
        r = operator.post(reverse("quarter-entry", args=[office.code, YEAR, q]),
                          {f"v-{s14.pk}": value, f"e-{s14.pk}": "Petugas baru dilantik."})
        assert r.status_code == 302, problems(r)
    figures = FiguresAsOf(domain_office(office), YEAR)
    tw1, tw2, tw3 = (figures.to_date("S1.4", q) for q in (1, 2, 3))
    assert tw1.target == Range(D(1), D(2))
    assert tw1.achievement == achievement(Range(D(1), D(2)), D("1.5"), Polarity.IN_RANGE)
    assert tw1.achievement.value == 100 and tw1.achievement.met
    # above the band: the lower-is-better formula against the high bound, as for the annual band
    assert tw2.target == Range(D("2.5"), D(3))
    assert tw2.achievement == achievement(Range(D("2.5"), D(3)), D("3.5"), Polarity.IN_RANGE)
    assert not tw2.achievement.met
    assert tw3.target == Range(D(2), D(4))  # no band of its own: the year's
    # the entry page shows the quarter's band next to the row, and the same achievement
    page = operator.get(reverse("quarter-entry", args=[office.code, YEAR, 2])).content.decode()
    row = page[page.index(f'id="row-{s14.pk}"'):]
    row = row[: row.index("</tr>")]
    assert "2,5 – 3" in row, row[row.index('data-testid="quarter-target"'):][:300]
    assert f"{tw2.achievement.value:.2f}".replace(".", ",") in row


def test_a_frozen_quarter_keeps_its_band_and_the_guard_refuses_other_paths(operator: Client, office: Office) -> None:
    save_bands(operator, office, {1: "1 – 2"})
    PeriodState.objects.create(office=office, year=YEAR, step="quarter", quarter=1, state=wf.State.SUBMITTED.value)
    s14 = ind("S1.4")
    html = operator.get(reverse("pk-amend", args=[office.code, YEAR])).content.decode()
    assert re.search(rf'name="qt-{s14.pk}-1" value="1 – 2"[^>]*readonly', html)
    save_bands(operator, office, {1: "3 – 4", 2: "2 – 3"})  # TW I frozen: kept; TW II stored
    assert bands() == {1: (D(1), D(2)), 2: (D(2), D(3))}
    row = Quarter.objects.get(indicator_year__indicator__code="S1.4", indicator_year__year=YEAR, quarter=1)
    row.target_high = D(5)
    with pytest.raises(PeriodLocked):
        row.save(update_fields=["target_high"])
    assert bands()[1] == (D(1), D(2))
