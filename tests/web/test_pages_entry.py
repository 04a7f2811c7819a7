"""The quarterly entry page: Indonesian numbers, formulas, explanations, evidence, all-or-nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse

from sakip.accounts.models import Office
from sakip.core.interchange import domain_office
from sakip.domain.measurement import achievement
from sakip.domain.scorecard import build_scorecard
from sakip.monitoring.models import Evidence, IndicatorYear, InputValue, Quarter
from sakip.planning.models import Indicator
from sakip.reports.scorecard import show_achievement

from . import pages_support

# the page fixtures (kept out of conftest.py, which the authorisation tests own)
media = pages_support.media
regency = pages_support.regency
office = pages_support.office
other_office = pages_support.other_office
operator = pages_support.operator
other_operator = pages_support.other_operator
verifier = pages_support.verifier

YEAR = 2025
PDF = b"%PDF-1.4\n% bukti dukung\n"


def url(office: Office, quarter: int = 1, year: int = YEAR) -> str:
    return reverse("quarter-entry", args=[office.code, year, quarter])


def ind(code: str) -> Indicator:
    return Indicator.objects.get(code=code, plan__office__code="contoh")


def quarter_value(code: str, quarter: int, year: int = YEAR) -> Decimal | None:
    q = Quarter.objects.filter(indicator_year__indicator=ind(code), indicator_year__year=year, quarter=quarter).first()
    return q.value if q else None


def quarter_explanation(code: str, quarter: int) -> str | None:
    """The quarter's own explanation as stored (None: no quarter row)."""
    q = Quarter.objects.filter(indicator_year__indicator=ind(code), indicator_year__year=YEAR, quarter=quarter).first()
    return q.explanation if q else None


def quarter_score(office: Office, code: str, quarter: int):  # type: ignore[no-untyped-def]
    sc = build_scorecard(domain_office(office), YEAR)
    s = next(s for s in sc.indicators if s.indicator.id == code)
    return next(q for q in s.quarters if q.quarter == quarter)


@pytest.mark.django_db
def test_owner_operator_sees_one_row_per_pk_indicator(operator: Client, office: Office) -> None:
    r = operator.get(url(office))
    assert r.status_code == 200
    html = r.content.decode()
    for code in ("T1.1", "S1.1", "S1.2", "S1.3"):  # the PK Perubahan 2025
        assert f'data-indicator="{code}"' in html
    assert 'data-indicator="S1.4"' not in html  # not in the PK
    # the formula indicator gets one input per formula input, never a realisation input
    s11 = ind("S1.1")
    assert f'name="i-{s11.pk}-pelanggaran"' in html and f'name="i-{s11.pk}-perangkat_desa"' in html
    assert f'name="v-{s11.pk}"' not in html
    assert 'data-testid="entry-form"' in html


@pytest.mark.django_db
def test_year_zero_from_the_tabs_redirects_to_a_year(operator: Client, office: Office) -> None:
    r = operator.get(url(office, 1, 0))
    assert r.status_code == 302
    assert r["Location"] == url(office, 1, YEAR)


@pytest.mark.django_db
def test_post_stores_the_value_and_the_page_shows_the_domain_achievement(operator: Client, office: Office) -> None:
    s12 = ind("S1.2")
    r = operator.post(url(office, 1), {f"v-{s12.pk}": "260", f"e-{s12.pk}": "rekap ulang"})
    assert r.status_code == 302
    assert quarter_value("S1.2", 1) == Decimal(260)
    qs = quarter_score(office, "S1.2", 1)
    # cumulative target TW I = 250, kemenpan-5 with cap 100
    expected = achievement(Decimal(250), Decimal(260), cap=domain_office(office).settings.cap)
    assert qs.achievement == expected
    page = operator.get(url(office, 1)).content.decode()
    assert show_achievement(expected) in page
    # the quarter's own explanation; the year's (the annual report's) text is left as it was
    assert quarter_explanation("S1.2", 1) == "rekap ulang"
    assert IndicatorYear.objects.get(indicator=s12, year=YEAR).explanation == "Layanan TW IV belum direkap."


@pytest.mark.django_db
def test_empty_input_is_not_measured_not_zero(operator: Client, office: Office) -> None:
    s12 = ind("S1.2")
    r = operator.post(url(office, 1), {f"v-{s12.pk}": ""})
    assert r.status_code == 302
    q = Quarter.objects.get(indicator_year__indicator=s12, indicator_year__year=YEAR, quarter=1)
    assert q.value is None
    assert quarter_score(office, "S1.2", 1).achievement.status.value == "not_measured"


@pytest.mark.django_db
@pytest.mark.parametrize(("text", "fragment"), [("12.5", "koma"), ("8O", "bukan angka yang sah")])
def test_malformed_numbers_are_refused_and_nothing_is_stored(
    operator: Client, office: Office, text: str, fragment: str
) -> None:
    s12 = ind("S1.2")
    r = operator.post(url(office, 1), {f"v-{s12.pk}": text})
    assert r.status_code == 200
    html = r.content.decode()
    assert fragment in html
    assert "Tidak ada yang disimpan" in html
    assert quarter_value("S1.2", 1) == Decimal(240)  # unchanged


@pytest.mark.django_db
def test_indonesian_decimal_comma_is_read(operator: Client, office: Office) -> None:
    t11 = ind("T1.1")
    r = operator.post(url(office, 4), {f"v-{t11.pk}": "79,95", f"e-{t11.pk}": "di bawah target"})
    assert r.status_code == 302
    assert quarter_value("T1.1", 4) == Decimal("79.95")


@pytest.mark.django_db
def test_formula_inputs_compute_the_realisation(operator: Client, office: Office) -> None:
    s11 = ind("S1.1")
    r = operator.post(url(office, 1), {f"i-{s11.pk}-pelanggaran": "3", f"i-{s11.pk}-perangkat_desa": "150",
                                       f"e-{s11.pk}": "pelanggaran ringan"})
    assert r.status_code == 302
    q = Quarter.objects.get(indicator_year__indicator=s11, indicator_year__year=YEAR, quarter=1)
    assert q.value is None  # never typed twice: the value is computed from the inputs
    values = {iv.input.name: iv.value for iv in InputValue.objects.filter(quarter=q)}
    assert values == {"pelanggaran": Decimal(3), "perangkat_desa": Decimal(150)}
    dom = domain_office(office)
    formula = dom.plan.indicator("S1.1").formula  # type: ignore[union-attr]
    assert quarter_score(office, "S1.1", 1).value == formula.evaluate(values)  # type: ignore[union-attr]


@pytest.mark.django_db
def test_formula_division_by_zero_is_an_error_on_the_entry(operator: Client, office: Office) -> None:
    s11 = ind("S1.1")
    r = operator.post(url(office, 1), {f"i-{s11.pk}-pelanggaran": "3", f"i-{s11.pk}-perangkat_desa": "0"})
    assert r.status_code == 200
    assert "pembagian dengan nol" in r.content.decode()
    assert InputValue.objects.get(quarter__indicator_year__indicator=s11, quarter__quarter=1,
                                  input__name="pelanggaran").value == 1


@pytest.mark.django_db
def test_target_zero_shows_undefined_without_crashing(operator: Client, office: Office) -> None:
    s12 = ind("S1.2")
    iy = IndicatorYear.objects.get(indicator=s12, year=YEAR)
    Quarter.objects.filter(indicator_year=iy, quarter=1).update(target=0)
    r = operator.post(url(office, 1), {f"v-{s12.pk}": "5"})
    assert r.status_code == 302
    page = operator.get(url(office, 1))
    assert page.status_code == 200
    assert "tidak terdefinisi" in page.content.decode()
    assert quarter_score(office, "S1.2", 1).achievement.status.value == "undefined"
    preview = operator.post(reverse("quarter-preview", args=[office.code, YEAR, 1]) + f"?row={s12.pk}",
                            {f"v-{s12.pk}": "7"})
    assert preview.status_code == 200 and "tidak terdefinisi" in preview.content.decode()


@pytest.mark.django_db
def test_explanation_is_required_below_the_quarter_target(operator: Client, office: Office) -> None:
    s12 = ind("S1.2")  # cumulative target TW II = 550; TW I = 240
    r = operator.post(url(office, 2), {f"v-{s12.pk}": "100", f"e-{s12.pk}": ""})
    assert r.status_code == 200
    assert "penjelasan" in r.content.decode().lower()
    assert quarter_value("S1.2", 2) == Decimal(310)  # unchanged
    r = operator.post(url(office, 2), {f"v-{s12.pk}": "100", f"e-{s12.pk}": "Petugas cuti; jadwal layanan keliling."})
    assert r.status_code == 302
    assert quarter_value("S1.2", 2) == Decimal(100)


@pytest.mark.django_db
def test_nothing_is_stored_half_way_when_one_row_is_bad(operator: Client, office: Office) -> None:
    t11, s12 = ind("T1.1"), ind("S1.2")
    r = operator.post(url(office, 1), {f"v-{t11.pk}": "81", f"e-{t11.pk}": "x", f"v-{s12.pk}": "8O"})
    assert r.status_code == 200
    assert quarter_value("T1.1", 1) is None
    assert quarter_value("S1.2", 1) == Decimal(240)


@pytest.mark.django_db
def test_script_typed_into_the_explanation_is_stored_as_text_and_shown_escaped(
    operator: Client, office: Office
) -> None:
    s12 = ind("S1.2")
    evil = '<script>alert("x")</script>'
    r = operator.post(url(office, 1), {f"e-{s12.pk}": evil})
    assert r.status_code == 302
    assert quarter_explanation("S1.2", 1) == evil
    html = operator.get(url(office, 1)).content.decode()
    assert evil not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


@pytest.mark.django_db
def test_evidence_is_stored_and_downloaded_as_attachment(operator: Client, office: Office) -> None:
    s12 = ind("S1.2")
    upload = SimpleUploadedFile("laporan tw1.pdf", PDF, content_type="application/pdf")
    r = operator.post(url(office, 1), {f"f-{s12.pk}": upload})
    assert r.status_code == 302
    ev = Evidence.objects.get(indicator_year__indicator=s12, quarter=1)
    assert ev.size == len(PDF) and ev.content_type == "application/pdf"
    d = operator.get(reverse("evidence-download", args=[office.code, ev.pk]))
    assert d.status_code == 200
    assert d["Content-Disposition"].startswith("attachment")
    assert d.content == PDF


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("bukti.exe", b"MZ\x90\x00", "tidak diizinkan"),
        ("bukti.pdf", b"\x89PNG\r\n\x1a\n0000", "tidak sesuai"),
        ("bukti.xlsx", b"%PDF-1.4", "tidak sesuai"),
    ],
)
def test_wrong_evidence_type_is_refused(
    operator: Client, office: Office, name: str, content: bytes, fragment: str
) -> None:
    s12 = ind("S1.2")
    r = operator.post(url(office, 1), {f"v-{s12.pk}": "250", f"f-{s12.pk}": SimpleUploadedFile(name, content)})
    assert r.status_code == 200
    assert fragment in r.content.decode()
    assert not Evidence.objects.filter(quarter=1).exists()
    assert quarter_value("S1.2", 1) == Decimal(240)


@pytest.mark.django_db
@override_settings(SAKIP_EVIDENCE_MAX_BYTES=16)
def test_oversized_evidence_is_refused(operator: Client, office: Office) -> None:
    s12 = ind("S1.2")
    r = operator.post(url(office, 1), {f"f-{s12.pk}": SimpleUploadedFile("besar.pdf", PDF + b"0" * 64)})
    assert r.status_code == 200
    assert "terlalu besar" in r.content.decode()
    assert not Evidence.objects.filter(quarter=1).exists()


@pytest.mark.django_db
def test_preview_returns_computed_value_achievement_and_predicate(operator: Client, office: Office) -> None:
    s11 = ind("S1.1")
    preview = reverse("quarter-preview", args=[office.code, YEAR, 1]) + f"?row={s11.pk}"
    r = operator.post(preview, {f"i-{s11.pk}-pelanggaran": "3", f"i-{s11.pk}-perangkat_desa": "150"},
                      HTTP_HX_REQUEST="true")
    assert r.status_code == 200
    html = r.content.decode()
    assert "<html" not in html  # a fragment
    assert 'data-testid="preview-value">2<' in html  # 3 / 150 × 100
    expected = achievement(Decimal("1.5"), Decimal(2), domain_office(office).plan.indicator("S1.1").polarity,  # type: ignore[union-attr]
                           cap=domain_office(office).settings.cap)
    assert show_achievement(expected) in html
    assert not InputValue.objects.filter(value=3).exists()  # a preview stores nothing
    bad = operator.post(preview, {f"i-{s11.pk}-pelanggaran": "12.5", f"i-{s11.pk}-perangkat_desa": "150"})
    assert "koma" in bad.content.decode()


@pytest.mark.django_db
def test_preview_is_post_only(operator: Client, office: Office) -> None:
    r = operator.get(reverse("quarter-preview", args=[office.code, YEAR, 1]))
    assert r.status_code == 405


@pytest.mark.django_db
def test_verifier_sees_the_entry_page_read_only_and_cannot_post(verifier: Client, office: Office) -> None:
    r = verifier.get(url(office, 1))
    assert r.status_code == 200
    assert 'data-testid="entry-form"' not in r.content.decode()
    s12 = ind("S1.2")
    assert verifier.post(url(office, 1), {f"v-{s12.pk}": "1"}).status_code == 403
    assert verifier.post(reverse("quarter-preview", args=[office.code, YEAR, 1]) + f"?row={s12.pk}").status_code == 403


@pytest.mark.django_db
def test_another_offices_operator_gets_403(other_operator: Client, office: Office) -> None:
    s12 = ind("S1.2")
    assert other_operator.get(url(office, 1)).status_code == 403
    assert other_operator.post(url(office, 1), {f"v-{s12.pk}": "1"}).status_code == 403
    assert quarter_value("S1.2", 1) == Decimal(240)


@pytest.mark.django_db
def test_another_offices_operator_cannot_download_evidence(
    client: Client, office: Office, other_office: Office, regency: object
) -> None:
    from sakip.accounts.models import Role

    from .pages_support import PASSWORD, make_user

    iy = IndicatorYear.objects.get(indicator=ind("S1.2"), year=YEAR)
    ev = Evidence.objects.create(indicator_year=iy, quarter=1, name="a.pdf",
                                 file=SimpleUploadedFile("a.pdf", PDF), size=len(PDF))
    make_user("operator-lain", Role.OPERATOR, regency, other_office)  # type: ignore[arg-type]
    client.login(username="operator-lain", password=PASSWORD)
    assert client.get(reverse("evidence-download", args=[office.code, ev.pk])).status_code == 403
    # and the evidence of one office is not reachable through another office's URL
    make_user("op2", Role.OPERATOR, regency, office)  # type: ignore[arg-type]
    client.login(username="op2", password=PASSWORD)
    assert client.get(reverse("evidence-download", args=[other_office.code, ev.pk])).status_code == 403
