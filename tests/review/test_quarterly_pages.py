"""The «Reviu laporan tercetak» page with a quarterly report: compared with the office's stored data."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from sakip.dataset.printed_report import printed_seed_path

pytestmark = pytest.mark.django_db

Login = Callable[[str], Client]
PAGE = "/opd/karangsari/reviu-laporan/"


def _upload(client: Client, page: str = PAGE, **fields: str) -> str:
    with printed_seed_path("karangsari-2024-tw2").open("rb") as fh:
        response = client.post(page, {"file": fh, **fields})
    assert response.status_code == 200
    return response.content.decode()


def cells(found: str, expected: str) -> str:
    return f'<td class="num" data-testid="found">{found}</td><td class="num" data-testid="expected">{expected}</td>'


def test_the_stored_office_is_the_reference(login_as: Login) -> None:
    client = login_as("verifier")
    form = client.get(PAGE).content.decode()
    assert 'data-testid="printed-lag"' in form and 'value="20"' in form
    html = _upload(client)
    assert 'data-testid="printed-result"' in html
    # the narrative's personnel spending to date is the TW I figure: found against the stored data
    assert 'data-rule="PR-TW-03"' in html
    assert cells("531.842.600", "1.078.960.950") in html
    assert cells("B", "BB") in html  # the TW II target of the AKIP indicator, a grade
    assert html.count('data-rule="PR-TW-04"') == 4


def test_the_threshold_is_set_on_the_page(login_as: Login) -> None:
    client = login_as("verifier")
    assert _upload(client, lag="10").count('data-rule="PR-TW-04"') == 8
    refused = _upload(client, lag="dua puluh")
    assert 'data-testid="printed-problems"' in refused and "Ambang penyerapan" in refused
    assert 'data-testid="printed-result"' not in refused


def test_another_office_without_the_year_reviews_the_printed_figures_only(login_as: Login) -> None:
    html = _upload(login_as("verifier"), "/opd/kaloran/reviu-laporan/")
    assert "data tahun 2024 tidak ada" in html
    assert 'data-rule="PR-TW-03"' not in html  # the printed budget quarters alone show nothing earlier …
    assert 'data-rule="PR-SAMA-01"' in html  # … but the same figures printed differently do
