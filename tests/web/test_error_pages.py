"""403 and 404 answers are Sakip pages in Indonesian, inside the layout, with a way home."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from sakip.accounts.models import Office

from . import pages_support

media = pages_support.media
regency = pages_support.regency
office = pages_support.office
other_office = pages_support.other_office
operator = pages_support.operator
other_operator = pages_support.other_operator


@pytest.mark.django_db
def test_another_offices_page_is_refused_with_the_reason_in_the_layout(
    other_operator: Client, office: Office
) -> None:
    response = other_operator.get(reverse("office-dashboard", args=[office.code]))
    assert response.status_code == 403
    html = response.content.decode()
    assert 'data-testid="error-403"' in html
    assert "Akses ditolak" in html
    assert "Anda tidak berwenang untuk perangkat daerah ini" in html  # the reason given by the access check
    assert f'href="{reverse("home")}"' in html
    assert 'class="topbar"' in html  # the site's layout, not Django's bare page
    assert office.name not in html  # the refused office's name is not revealed by the error page


@pytest.mark.django_db
def test_unknown_address_is_a_sakip_404(operator: Client) -> None:
    response = operator.get("/opd/tidak-ada/")
    assert response.status_code == 404
    html = response.content.decode()
    assert 'data-testid="error-404"' in html and "Halaman tidak ditemukan" in html


def test_the_500_page_renders_without_a_request_context() -> None:
    from django.template import loader

    html = loader.get_template("500.html").render({})
    assert "Terjadi kesalahan pada server" in html and "Data Anda tidak berubah" in html


@pytest.mark.django_db
def test_pages_link_the_favicon_that_exists(operator: Client, office: Office) -> None:
    from django.contrib.staticfiles import finders

    html = operator.get(reverse("office-dashboard", args=[office.code])).content.decode()
    assert 'rel="icon"' in html and "sakip/favicon.svg" in html
    assert finders.find("sakip/favicon.svg")
