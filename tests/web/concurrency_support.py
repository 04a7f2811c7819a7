"""Helpers of the concurrency tests: two people of the same office, a page's form as a browser keeps it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.test import Client
from django.urls import reverse

from sakip.accounts.models import Office, Regency, Role
from sakip.monitoring.models import Quarter
from sakip.planning.models import Indicator

from . import pages_support
from .forms_support import form_fields

YEAR = 2025


def two_clients(
    regency: Regency,
    office: Office | None,
    role: Role = Role.OPERATOR,
    names: tuple[str, str] = ("petugas-ani", "petugas-budi"),
) -> tuple[Client, Client]:
    """Two users of the role (of the office, or of the regency for ``office=None``), each signed in."""
    clients = []
    for name in names:
        pages_support.make_user(name, role, regency, office)
        c = Client()
        assert c.login(username=name, password=pages_support.PASSWORD)
        clients.append(c)
    return clients[0], clients[1]


def ind(code: str) -> Indicator:
    return Indicator.objects.get(code=code, plan__office__code="contoh")


def quarter_value(code: str, quarter: int) -> Decimal | None:
    q = Quarter.objects.filter(indicator_year__indicator=ind(code), indicator_year__year=YEAR, quarter=quarter).first()
    return q.value if q else None


def quarter_explanation(code: str, quarter: int) -> str | None:
    """The quarter's own explanation as stored (None: no quarter row)."""
    q = Quarter.objects.filter(indicator_year__indicator=ind(code), indicator_year__year=YEAR, quarter=quarter).first()
    return q.explanation if q else None


def entry_url(office: Office, quarter: int) -> str:
    return reverse("quarter-entry", args=[office.code, YEAR, quarter])


def load(client: Client, url: str, testid: str | None = None, action: str | None = None) -> dict[str, Any]:
    """The fields of the page's form (``data-testid``/``action``), as a browser would submit it."""
    page = client.get(url)
    assert page.status_code == 200
    return form_fields(page.content.decode(), testid, action)


def token_of(obj: Any) -> str:
    return f"{obj.pk}.{obj.version}"
