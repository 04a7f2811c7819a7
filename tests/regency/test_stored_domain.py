"""The stored office built once per data generation (`figures.stored_domain`) and shared.

The save's check keeps what it built for the generation it made (`figures.keep_domain`): that office
must be exactly the one a fresh build from the stored rows gives, or the pages, the kept figures and
the next save would read something other than the data. And no caller may change the shared build.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from sakip.accounts.models import Office
from sakip.core import interchange
from sakip.core.interchange import domain_office
from sakip.planning.models import Indicator
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
