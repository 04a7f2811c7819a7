"""The quarter's own explanation on the entry page, and the regency's rule when it is missing (issue #11)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from sakip.accounts.models import Office, Regency, YearSetting
from sakip.core.interchange import domain_office, export_office
from sakip.dataset.loader import load_document
from sakip.domain.scorecard import build_scorecard
from sakip.monitoring.models import IndicatorYear

from . import pages_support
from .concurrency_support import YEAR, ind, quarter_explanation, quarter_value
from .forms_support import form_fields

media = pages_support.media
regency = pages_support.regency
office = pages_support.office
operator = pages_support.operator

REQUIRED = "Capaian di bawah target: jelaskan penyebab dan solusinya (wajib); baris ini belum disimpan."
WARNED = (
    "Capaian di bawah target dan penyebab serta solusinya belum dijelaskan. Data tetap disimpan; lengkapi "
    "penjelasannya."
)


def url(office: Office, quarter: int) -> str:
    return reverse("quarter-entry", args=[office.code, YEAR, quarter])


def annual_explanation(code: str) -> str:
    return IndicatorYear.objects.get(indicator=ind(code), year=YEAR).explanation


@pytest.mark.django_db
def test_the_tw_i_text_is_never_shown_as_the_tw_ii_text(operator: Client, office: Office) -> None:
    s12 = ind("S1.2")
    assert operator.post(url(office, 1), {f"e-{s12.pk}": "Rekap desa terlambat; dijadwalkan ulang."}).status_code == 302
    assert quarter_explanation("S1.2", 1) == "Rekap desa terlambat; dijadwalkan ulang."
    assert annual_explanation("S1.2") == "Layanan TW IV belum direkap."  # the annual report's text is left alone
    form_2 = form_fields(operator.get(url(office, 2)).content.decode(), "entry-form")
    assert form_2[f"e-{s12.pk}"] == ""  # TW II has its own (empty) text
    form_1 = form_fields(operator.get(url(office, 1)).content.decode(), "entry-form")
    assert form_1[f"e-{s12.pk}"] == "Rekap desa terlambat; dijadwalkan ulang."
    # the scorecard as of TW N carries TW N's explanation (what the quarterly documents print)
    dom = domain_office(office)
    by_q = {q: {s.indicator.id: s for s in build_scorecard(dom, YEAR, quarter=q).indicators} for q in (1, 2)}
    assert by_q[1]["S1.2"].explanation == "Rekap desa terlambat; dijadwalkan ulang."
    assert by_q[2]["S1.2"].explanation is None
    assert build_scorecard(dom, YEAR).indicators[0].explanation != "Rekap desa terlambat; dijadwalkan ulang."


@pytest.mark.django_db
def test_tw_iv_offers_to_copy_its_explanation_to_the_year(operator: Client, office: Office) -> None:
    s12 = ind("S1.2")
    page = operator.get(url(office, 4)).content.decode()
    assert "Layanan TW IV belum direkap." in page  # the year's text shown for reference
    assert f'name="ya-{s12.pk}"' in page
    assert f'name="ya-{s12.pk}"' not in operator.get(url(office, 2)).content.decode()  # only on TW IV
    r = operator.post(url(office, 4), {f"e-{s12.pk}": "Rekap TW IV selesai.", f"ya-{s12.pk}": "1"})
    assert r.status_code == 302
    assert quarter_explanation("S1.2", 4) == "Rekap TW IV selesai."
    assert annual_explanation("S1.2") == "Rekap TW IV selesai."
    # the same box on another quarter changes nothing of the year
    operator.post(url(office, 2), {f"e-{s12.pk}": "TW II", f"ya-{s12.pk}": "1"})
    assert annual_explanation("S1.2") == "Rekap TW IV selesai."


@pytest.mark.django_db
def test_the_dataset_carries_the_quarter_explanations(operator: Client, office: Office) -> None:
    s12 = ind("S1.2")
    operator.post(url(office, 1), {f"e-{s12.pk}": "Sebab TW I"})
    doc = export_office(office)
    m = next(y for y in doc["years"] if y["year"] == YEAR)["indicators"]["S1.2"]
    assert m["quarter_explanations"] == {"1": "Sebab TW I"}
    assert m["explanation"] == "Layanan TW IV belum direkap."
    loaded = load_document(doc, source="uji")  # the schema accepts it
    assert loaded.years[YEAR].measurements["S1.2"].quarter_explanations == {1: "Sebab TW I"}
    del m["quarter_explanations"]  # an older dataset (without the key) still loads
    assert load_document(doc, source="uji").years[YEAR].measurements["S1.2"].quarter_explanations == {}


# ----------------------------------------------------------------------------- the rule: wajib / peringatan


@pytest.mark.django_db
def test_wajib_refuses_the_row_below_target_with_the_message_on_the_row(operator: Client, office: Office) -> None:
    s12 = ind("S1.2")  # TW I: cumulative target 250
    r = operator.post(url(office, 1), {f"v-{s12.pk}": "200"})
    assert r.status_code == 200
    html = r.content.decode()
    row = html[html.index(f'id="row-{s12.pk}"'):]
    row = row[: row.index("</tr>")]
    assert REQUIRED in row and 'class="has-errors"' in row
    assert quarter_value("S1.2", 1) == Decimal(240)  # nothing stored
    r = operator.post(url(office, 1), {f"v-{s12.pk}": "200", f"e-{s12.pk}": "Dua desa belum melapor."})
    assert r.status_code == 302
    assert quarter_value("S1.2", 1) == Decimal(200)
    # at or above target nothing is asked
    assert operator.post(url(office, 1), {f"v-{s12.pk}": "260", f"e-{s12.pk}": ""}).status_code == 302


@pytest.mark.django_db
def test_peringatan_stores_the_row_and_shows_the_warning(operator: Client, office: Office, regency: Regency) -> None:
    # the office's own row for the year (the imported dataset's settings) overrides the regency's
    assert YearSetting.objects.filter(office=office, year=YEAR).update(explanation_rule="peringatan") == 1
    s12 = ind("S1.2")
    r = operator.post(url(office, 1), {f"v-{s12.pk}": "200"}, follow=True)
    assert r.redirect_chain and r.status_code == 200
    assert quarter_value("S1.2", 1) == Decimal(200)
    assert f"S1.2: {WARNED}" in r.content.decode()
    assert "Di bawah target: penjelasan perlu diisi." in r.content.decode()  # and on the row itself


@pytest.mark.django_db
def test_the_regency_threshold_decides_below_what_an_explanation_is_asked(
    operator: Client, office: Office, regency: Regency
) -> None:
    YearSetting.objects.filter(office=office, year=YEAR).update(explanation_threshold=Decimal(90))
    s12 = ind("S1.2")
    assert operator.post(url(office, 1), {f"v-{s12.pk}": "230"}).status_code == 302  # 92 %: above 90 %
    r = operator.post(url(office, 1), {f"v-{s12.pk}": "200"})  # 80 %
    assert r.status_code == 200
    assert "Capaian di bawah batas 90,00 %: jelaskan penyebab dan solusinya (wajib)" in r.content.decode()


@pytest.mark.django_db
def test_an_unchanged_row_without_explanation_does_not_block_another_row(operator: Client, office: Office) -> None:
    """S1.2 TW I is stored below target (240 of 250) without a TW I explanation; saving T1.1 is not refused."""
    t11, s12 = ind("T1.1"), ind("S1.2")
    assert quarter_explanation("S1.2", 1) == ""
    r = operator.post(url(office, 1), {f"v-{t11.pk}": "90", f"v-{s12.pk}": "240"})
    assert r.status_code == 302
    assert quarter_value("T1.1", 1) == Decimal(90)

