"""The stored office built once per data generation (`figures.stored_domain`) and shared.

The save's check keeps what it built for the generation it made (`figures.keep_domain`): that office
must be exactly the one a fresh build from the stored rows gives, or the pages, the kept figures and
the next save would read something other than the data. And no caller may change the shared build.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from sakip.accounts.models import Office
from sakip.core import interchange
from sakip.core import web as core_web
from sakip.core.interchange import domain_office
from sakip.core.web import Rollback, atomic_checked
from sakip.monitoring.models import Evidence, IndicatorYear, InputValue, Quarter
from sakip.planning.models import FormulaInput, Indicator
from sakip.regency import figures
from sakip.regency.generations import generation, office_scopes
from tests.web import pages_support

media = pages_support.media
regency = pages_support.regency
office = pages_support.office
operator = pages_support.operator

YEAR = 2025


def _entry(office: Office, quarter: int) -> str:
    return reverse("quarter-entry", args=[office.code, YEAR, quarter])


def _current(office: Office) -> str:
    return generation(*office_scopes(office), fresh=True)


@pytest.mark.django_db
def test_the_office_a_save_checked_is_kept_for_its_generation_and_equals_a_fresh_build(
    operator: Client, office: Office, monkeypatch: pytest.MonkeyPatch
) -> None:
    figures.clear()
    s12 = Indicator.objects.get(code="S1.2", plan__office=office)
    r = operator.post(_entry(office, 1), {f"v-{s12.pk}": "260", f"e-{s12.pk}": "rekap ulang"})
    assert r.status_code == 302
    fresh = domain_office(office)
    assert fresh.years[YEAR].measurements["S1.2"].quarters[1] == 260  # the save landed

    def no_build(*_a: Any, **_k: Any) -> None:
        raise AssertionError("built again: the save's check did not keep its office")

    monkeypatch.setattr(interchange, "domain_office", no_build)
    monkeypatch.setattr(figures, "domain_office", no_build)
    kept = figures.stored_domain(office, _current(office))
    assert kept == fresh  # every field, every Decimal, the files
    # the recomputed scorecards and the pages read it: the same figures as from a fresh build
    card = figures.scorecard(office, YEAR, _current(office), quarter=1)
    assert card is not None
    monkeypatch.undo()
    from sakip.core.services import scorecard_for

    assert card == scorecard_for(office, YEAR, 1)


@pytest.mark.django_db
def test_a_refused_save_and_the_entry_pages_leave_the_shared_office_unchanged(operator: Client, office: Office) -> None:
    figures.clear()
    gen = _current(office)
    shared = figures.stored_domain(office, gen)
    before = domain_office(office)
    assert shared == before
    s12 = Indicator.objects.get(code="S1.2", plan__office=office)
    # the page simulates the typed values on its own copy: a refused save (a bad number) and a preview
    r = operator.post(_entry(office, 1), {f"v-{s12.pk}": "dua ratus", f"e-{s12.pk}": "salah ketik"})
    assert r.status_code == 200 and _current(office) == gen  # nothing stored
    for quarter in (1, 2, 3, 4):
        assert operator.get(_entry(office, quarter)).status_code == 200
    assert figures.stored_domain(office, gen) is shared
    assert shared == before  # not one value of the typed ones leaked into the shared build


# ----------------------------------------------------------------------------- the write check, narrowed


def _iy(office: Office, code: str) -> IndicatorYear:
    return IndicatorYear.objects.get(indicator__plan__office=office, indicator__code=code, year=YEAR)


def _set_value(office: Office) -> None:
    q, _ = Quarter.objects.get_or_create(indicator_year=_iy(office, "S1.2"), quarter=2)
    q.value = Decimal("123.456")
    q.save()


def _set_explanation(office: Office) -> None:
    q, _ = Quarter.objects.get_or_create(indicator_year=_iy(office, "S1.2"), quarter=1)
    q.explanation = "kendala cuaca; solusi: jadwal ulang"
    q.save()


def _set_inputs(office: Office) -> None:
    q, _ = Quarter.objects.get_or_create(indicator_year=_iy(office, "S1.1"), quarter=3)
    for fi in FormulaInput.objects.filter(indicator=q.indicator_year.indicator):
        InputValue.objects.update_or_create(quarter=q, input=fi, defaults={"value": Decimal(7)})


def _add_evidence(office: Office) -> None:
    Evidence.objects.create(indicator_year=_iy(office, "S1.2"), quarter=1, name="foto.pdf",
                            file=SimpleUploadedFile("foto.pdf", b"%PDF-1.4\n"), content_type="application/pdf", size=9)


def _clear_quarter(office: Office) -> None:
    Quarter.objects.filter(indicator_year=_iy(office, "S1.2"), quarter=1).delete()


def _year_explanation(office: Office) -> None:
    iy = _iy(office, "T1.1")
    iy.explanation = "capaian tahun ini dijelaskan"
    iy.save()


MEASUREMENT_WRITES = [_set_value, _set_explanation, _set_inputs, _add_evidence, _clear_quarter, _year_explanation]


@pytest.mark.django_db
@pytest.mark.parametrize("write", MEASUREMENT_WRITES, ids=lambda f: f.__name__)
def test_a_measurement_write_is_checked_alone_and_gives_the_office_a_full_build_gives(
    office: Office, write: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    figures.clear()
    figures.stored_domain(office, _current(office))  # the build of the generation the write begins from
    full: list[Office] = []
    real = core_web._stored_problems
    monkeypatch.setattr(core_web, "_stored_problems", lambda o: full.append(o) or real(o))
    with atomic_checked(office):
        write(office)
    assert full == []  # narrowed to what was written
    kept = figures.peek_domain(office, _current(office))
    assert kept is not None and kept == domain_office(office)


@pytest.mark.django_db
def test_without_the_build_at_hand_or_for_other_writes_the_full_check_decides(
    office: Office, monkeypatch: pytest.MonkeyPatch
) -> None:
    full: list[Office] = []
    real = core_web._stored_problems
    monkeypatch.setattr(core_web, "_stored_problems", lambda o: full.append(o) or real(o))
    figures.clear()
    with atomic_checked(office):  # no build of this generation in the process
        _set_value(office)
    assert len(full) == 1
    figures.stored_domain(office, _current(office))
    with atomic_checked(office):  # not a measurement: the plan's indicator
        ind = Indicator.objects.get(code="S1.2", plan__office=office)
        ind.name = ind.name + " (diperbarui)"
        ind.save()
    assert len(full) == 2
    assert figures.peek_domain(office, _current(office)) == domain_office(office)


@pytest.mark.django_db
def test_a_measurement_that_would_not_load_is_refused_with_the_full_checks_words(office: Office) -> None:
    figures.clear()
    figures.stored_domain(office, _current(office))
    before = domain_office(office)
    with pytest.raises(Rollback) as refused, atomic_checked(office):
        q, _ = Quarter.objects.get_or_create(indicator_year=_iy(office, "S1.2"), quarter=2)
        q.grade = "BB"  # a grade for a numeric indicator: the load refuses it
        q.save()
    assert any("harus angka" in issue for issue in refused.value.issues), refused.value.issues
    assert domain_office(office) == before  # nothing stored
