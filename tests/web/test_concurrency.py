"""No lost update: two people edit the same data; the second save of a stale page is refused (409).

Each test loads a page as a browser does (the whole form, with its hidden version fields),
lets another user save, then submits the stale page: nothing of it is stored, the page
shows per field the value stored now, who stored it and when, and what was typed — which
one click ("Simpan dengan isian saya") stores after all. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from sakip.accounts.models import Office, Regency
from sakip.core.concurrency import REAPPLY
from sakip.monitoring.models import Quarter

from . import pages_support
from .concurrency_support import (
    YEAR,
    entry_url,
    ind,
    load,
    quarter_explanation,
    quarter_value,
    token_of,
    two_clients,
)
from .forms_support import form_buttons, form_fields

media = pages_support.media
regency = pages_support.regency
office = pages_support.office


# ----------------------------------------------------------------------------- the quarterly entry


@pytest.mark.django_db
def test_entry_second_save_of_a_stale_page_is_refused_then_reapplied(regency: Regency, office: Office) -> None:
    ani, budi = two_clients(regency, office)
    s12, t11 = ind("S1.2"), ind("T1.1")
    url = entry_url(office, 1)
    form_a, form_b = load(ani, url, "entry-form"), load(budi, url, "entry-form")
    assert form_a[f"ver-{s12.pk}"] == form_b[f"ver-{s12.pk}"] != ""
    assert form_b[f"v-{s12.pk}"] == "240"

    saved = ani.post(url, {**form_a, f"v-{s12.pk}": "260", f"e-{s12.pk}": "rekap ulang Ani"})
    assert saved.status_code == 302
    # Budi changes the same row, and another row Ani did not touch, on his page opened before Ani's save
    stale = budi.post(url, {**form_b, f"v-{s12.pk}": "250", f"v-{t11.pk}": "81", f"e-{t11.pk}": "ok"})
    assert stale.status_code == 409
    html = stale.content.decode()
    assert 'data-testid="conflicts"' in html and "diubah orang lain" in html
    assert "petugas-ani" in html  # who stored the value now shown
    assert "260" in html and "250" in html and "rekap ulang Ani" in html
    # nothing of Budi's was stored, Ani's value is intact
    assert quarter_value("S1.2", 1) == Decimal(260)
    assert quarter_value("T1.1", 1) is None
    assert quarter_explanation("S1.2", 1) == "rekap ulang Ani"

    # the 409 page: the conflicting field shows the stored value, Budi's other edit is kept, the versions are new
    form_409 = form_fields(html, "entry-form")
    assert form_409[f"v-{s12.pk}"] == "260"
    assert form_409[f"v-{t11.pk}"] == "81"
    assert form_409[f"mine-v-{s12.pk}"] == "250"
    assert form_409[f"ver-{s12.pk}"] != form_b[f"ver-{s12.pk}"]
    assert REAPPLY in form_buttons(html, "entry-form")

    # one click stores Budi's values after all (and his other row)
    again = budi.post(url, {**form_409, REAPPLY: "1"})
    assert again.status_code == 302
    assert quarter_value("S1.2", 1) == Decimal(250)
    assert quarter_value("T1.1", 1) == Decimal(81)
    q = Quarter.objects.get(indicator_year__indicator=s12, indicator_year__year=YEAR, quarter=1)
    assert q.entered_by is not None and q.entered_by.get_username() == "petugas-budi"


@pytest.mark.django_db
def test_entry_saving_the_409_page_as_shown_keeps_the_other_persons_value(regency: Regency, office: Office) -> None:
    ani, budi = two_clients(regency, office)
    s12, t11 = ind("S1.2"), ind("T1.1")
    url = entry_url(office, 1)
    form_a, form_b = load(ani, url, "entry-form"), load(budi, url, "entry-form")
    assert ani.post(url, {**form_a, f"v-{s12.pk}": "260"}).status_code == 302
    stale = budi.post(url, {**form_b, f"v-{t11.pk}": "81", f"e-{t11.pk}": "ok"})
    assert stale.status_code == 409  # S1.2 changed since Budi's page was loaded (he shows the old 240)
    again = budi.post(url, form_fields(stale.content.decode(), "entry-form"))
    assert again.status_code == 302
    assert quarter_value("S1.2", 1) == Decimal(260)  # Ani's
    assert quarter_value("T1.1", 1) == Decimal(81)  # Budi's


@pytest.mark.django_db
def test_entry_two_first_saves_of_the_same_row(regency: Regency, office: Office) -> None:
    """A row that did not exist when the page was loaded and exists now is a change too."""
    ani, budi = two_clients(regency, office)
    t11 = ind("T1.1")
    url = entry_url(office, 1)
    assert not Quarter.objects.filter(indicator_year__indicator=t11, indicator_year__year=YEAR, quarter=1).exists()
    form_a, form_b = load(ani, url, "entry-form"), load(budi, url, "entry-form")
    assert ani.post(url, {**form_a, f"v-{t11.pk}": "81", f"e-{t11.pk}": "x"}).status_code == 302
    # the same value typed by both: nothing to refuse
    same = budi.post(url, {**form_b, f"v-{t11.pk}": "81", f"e-{t11.pk}": "x"})
    assert same.status_code == 302
    # a different one: refused
    form_c = load(budi, url, "entry-form")
    assert ani.post(url, {**load(ani, url, "entry-form"), f"v-{t11.pk}": "82"}).status_code == 302
    other = budi.post(url, {**form_c, f"v-{t11.pk}": "83"})
    assert other.status_code == 409
    assert quarter_value("T1.1", 1) == Decimal(82)
    assert Quarter.objects.filter(indicator_year__indicator=t11, indicator_year__year=YEAR, quarter=1).count() == 1


@pytest.mark.django_db
def test_entry_another_quarter_of_the_same_indicator_is_no_conflict(regency: Regency, office: Office) -> None:
    ani, budi = two_clients(regency, office)
    s12 = ind("S1.2")
    form_a, form_b = load(ani, entry_url(office, 1), "entry-form"), load(budi, entry_url(office, 2), "entry-form")
    assert ani.post(entry_url(office, 1), {**form_a, f"v-{s12.pk}": "260"}).status_code == 302
    r = budi.post(entry_url(office, 2), {**form_b, f"v-{s12.pk}": "600"})
    assert r.status_code == 302
    assert (quarter_value("S1.2", 1), quarter_value("S1.2", 2)) == (Decimal(260), Decimal(600))


# ----------------------------------------------------------------------------- the Perjanjian Kinerja


@pytest.mark.django_db
def test_pk_two_first_saves_second_is_refused(regency: Regency, office: Office) -> None:
    from sakip.agreements.models import PkVersion

    ani, budi = two_clients(regency, office)
    url = reverse("pk-edit", args=[office.code, 2026])
    form_a, form_b = load(ani, url, "pk-form"), load(budi, url, "pk-form")
    assert form_a["ver"] == "-"  # no PK 2026 yet
    budget = {"p-0-allocation": "1.000.000", "p-1-allocation": "2.000.000"}  # the plan's programs, prefilled
    form_a, form_b = {**form_a, **budget}, {**form_b, **budget}
    t11 = ind("T1.1")
    assert ani.post(url, {**form_a, "title": "PK Ani", f"t-{t11.pk}": "85"}).status_code == 302
    stale = budi.post(url, {**form_b, "title": "PK Budi", f"t-{t11.pk}": "86"})
    assert stale.status_code == 409
    html = stale.content.decode()
    assert "petugas-ani" in html and "PK Ani" in html and "PK Budi" in html
    version = PkVersion.objects.get(office=office, year=2026)
    assert version.title == "PK Ani" and version.targets.get(indicator=t11).value == Decimal(85)
    form_409 = form_fields(html, "pk-form")
    assert form_409["title"] == "PK Ani" and form_409[f"t-{t11.pk}"] == "85"
    again = budi.post(url, {**form_409, REAPPLY: "1"})
    assert again.status_code == 302
    version.refresh_from_db()
    assert version.title == "PK Budi" and version.targets.get(indicator=t11).value == Decimal(86)
    assert PkVersion.objects.filter(office=office, year=2026).count() == 1


@pytest.mark.django_db
def test_pk_two_amendments_from_the_same_version(regency: Regency, office: Office) -> None:
    from sakip.agreements.models import PkVersion

    ani, budi = two_clients(regency, office)
    url = reverse("pk-amend", args=[office.code, 2025])
    before = PkVersion.objects.filter(office=office, year=2025).count()
    form_a, form_b = load(ani, url, "pk-form"), load(budi, url, "pk-form")
    signed = {"first_party_name": "Budi Santoso"}
    assert ani.post(url, {**form_a, **signed, "reason": "Perubahan Ani"}).status_code == 302
    stale = budi.post(url, {**form_b, **signed, "reason": "Perubahan Budi"})
    assert stale.status_code == 409
    assert "Perubahan Ani" in stale.content.decode()
    assert PkVersion.objects.filter(office=office, year=2025).count() == before + 1  # only Ani's


@pytest.mark.django_db
def test_entry_reapply_only_the_ticked_values(regency: Regency, office: Office) -> None:
    ani, budi = two_clients(regency, office)
    s12 = ind("S1.2")
    url = entry_url(office, 1)
    form_a, form_b = load(ani, url, "entry-form"), load(budi, url, "entry-form")
    assert ani.post(url, {**form_a, f"v-{s12.pk}": "260", f"e-{s12.pk}": "rekap Ani"}).status_code == 302
    stale = budi.post(url, {**form_b, f"v-{s12.pk}": "250"})
    assert stale.status_code == 409
    form_409 = form_fields(stale.content.decode(), "entry-form")
    # two conflicts: the value (Budi's) and the explanation (Budi's page still had the old one): keep Ani's text
    assert sorted(form_409["pakai"]) == sorted([f"v-{s12.pk}", f"e-{s12.pk}"])
    form_409["pakai"] = [f"v-{s12.pk}"]
    assert budi.post(url, {**form_409, REAPPLY: "1"}).status_code == 302
    assert quarter_value("S1.2", 1) == Decimal(250)
    assert quarter_explanation("S1.2", 1) == "rekap Ani"


# ----------------------------------------------------------------------------- the plan editor


@pytest.mark.django_db
def test_goal_edit_of_a_stale_page_is_refused(regency: Regency, office: Office) -> None:
    from sakip.planning.models import Goal

    from .forms_support import form_with

    ani, budi = two_clients(regency, office)
    goal = Goal.objects.get(plan__office=office, code="T1")
    url = reverse("plan-edit", args=[office.code])
    form_a = form_with(ani.get(url).content.decode(), op="goal", id=str(goal.pk))
    form_b = form_with(budi.get(url).content.decode(), op="goal", id=str(goal.pk))
    prefix = f"g{goal.pk}"
    assert form_a[f"{prefix}-ver"] == f"{goal.pk}.{goal.version}"
    assert ani.post(url, {**form_a, f"{prefix}-text": "Tujuan versi Ani"}).status_code == 302
    stale = budi.post(url, {**form_b, f"{prefix}-text": "Tujuan versi Budi"})
    assert stale.status_code == 409
    html = stale.content.decode()
    assert "Tujuan versi Ani" in html and "Tujuan versi Budi" in html and "petugas-ani" in html
    goal.refresh_from_db()
    assert goal.text == "Tujuan versi Ani"
    form_409 = form_with(html, op="goal", id=str(goal.pk))
    assert form_409[f"{prefix}-text"] == "Tujuan versi Ani" and form_409[f"{prefix}-ver"] == token_of(goal)
    assert budi.post(url, {**form_409, REAPPLY: "1"}).status_code == 302
    goal.refresh_from_db()
    assert goal.text == "Tujuan versi Budi"


@pytest.mark.django_db
def test_two_new_goals_with_the_same_code(regency: Regency, office: Office) -> None:
    from sakip.planning.models import Goal

    ani, budi = two_clients(regency, office)
    url = reverse("plan-edit", args=[office.code])
    form_a, form_b = (form_fields(c.get(url).content.decode(), "goal-add") for c in (ani, budi))
    assert ani.post(url, {**form_a, "g-new-code": "T9", "g-new-text": "Tujuan baru Ani"}).status_code == 302
    second = budi.post(url, {**form_b, "g-new-code": "T9", "g-new-text": "Tujuan baru Budi"})
    assert second.status_code == 200 and "sudah dipakai" in second.content.decode()
    assert Goal.objects.get(plan__office=office, code="T9").text == "Tujuan baru Ani"


@pytest.mark.django_db
def test_indicator_editor_stale_page(regency: Regency, office: Office) -> None:
    ani, budi = two_clients(regency, office)
    s12 = ind("S1.2")
    url = reverse("indicator-edit", args=[office.code, s12.pk])
    form_a, form_b = load(ani, url, "indicator-form"), load(budi, url, "indicator-form")
    assert ani.post(url, {**form_a, "target_2026": "1.300"}).status_code == 302
    stale = budi.post(url, {**form_b, "name": "Nama baru Budi"})
    assert stale.status_code == 409
    form_409 = form_fields(stale.content.decode(), "indicator-form")
    assert form_409["target_2026"] == "1.300" and form_409["name"] == s12.name  # the stored values shown
    # Budi keeps Ani's target and stores his name only
    form_409["pakai"] = ["name"]
    assert budi.post(url, {**form_409, REAPPLY: "1"}).status_code == 302
    s12.refresh_from_db()
    assert s12.name == "Nama baru Budi" and s12.targets.get(year=2026).value == Decimal(1300)


# ----------------------------------------------------------------------------- the survey upload


@pytest.mark.django_db
def test_survey_upload_over_a_newer_survey_is_refused(regency: Regency, office: Office) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from sakip.surveys.models import Survey

    def csv(rows: list[list[int]]) -> SimpleUploadedFile:
        lines = ["No," + ",".join(f"U{i}" for i in range(1, 10))]
        lines += [",".join([str(n)] + [str(a) for a in r]) for n, r in enumerate(rows, 1)]
        return SimpleUploadedFile("skm.csv", "\n".join(lines).encode(), content_type="text/csv")

    ani, budi = two_clients(regency, office)
    url = reverse("survey-detail", args=[office.code, YEAR])
    form_a, form_b = load(ani, url, "survey-form"), load(budi, url, "survey-form")
    rows_a, rows_b = [[4] * 9, [3] * 9], [[2] * 9, [3] * 9, [4] * 9]
    base = {"instrument": "permenpan-14-2017", "population": "50"}
    assert ani.post(url, {**form_a, **base, "file": csv(rows_a)}).status_code == 302
    stale = budi.post(url, {**form_b, **base, "file": csv(rows_b)})
    assert stale.status_code == 409
    assert "petugas-ani" in stale.content.decode()
    assert len(Survey.objects.get(office=office, year=YEAR).responses) == 2  # Ani's
    # the same file as what is stored now is no conflict; a fresh page (new version) replaces it
    assert budi.post(url, {**form_b, **base, "file": csv(rows_a)}).status_code == 302
    assert budi.post(url, {**load(budi, url, "survey-form"), **base, "file": csv(rows_b)}).status_code == 302
    assert len(Survey.objects.get(office=office, year=YEAR).responses) == 3


# ----------------------------------------------------------------------------- the LKE self-assessment


@pytest.mark.django_db
def test_lke_answer_of_a_stale_page_is_refused(regency: Regency, office: Office) -> None:
    from sakip.evaluation import services as lke
    from sakip.evaluation.models import Answer

    ev = lke.start_evaluation(office, YEAR, lke.install_preset(regency, YEAR, lke.DEFAULT_PRESET))
    ani, budi = two_clients(regency, office)
    url = reverse("evaluation-office", args=[office.code, YEAR])
    form_a, form_b = load(ani, url, "lke-self-form"), load(budi, url, "lke-self-form")
    first = Answer.objects.filter(evaluation=ev).order_by("criterion__subcomponent__component__order",
                                                          "criterion__subcomponent__order", "criterion__order")[0]
    assert f"c{first.pk}-ver" in form_a
    assert ani.post(url, {**form_a, f"c{first.pk}-value": "Y", f"c{first.pk}-note": "Ani"}).status_code == 302
    stale = budi.post(url, {**form_b, f"c{first.pk}-value": "T", f"c{first.pk}-note": "Budi"})
    assert stale.status_code == 409
    assert "petugas-ani" in stale.content.decode()
    first.refresh_from_db()
    assert (first.self_value, first.self_note) == ("Y", "Ani")
    again = budi.post(url, {**form_fields(stale.content.decode(), "lke-self-form"), REAPPLY: "1"})
    assert again.status_code == 302
    first.refresh_from_db()
    assert (first.self_value, first.self_note) == ("T", "Budi")
