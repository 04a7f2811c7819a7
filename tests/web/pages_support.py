"""Fixtures for the page tests: the example office, a second office, and users of each role."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from sakip.accounts.models import Membership, Office, Regency, Role
from sakip.core.interchange import import_office
from sakip.dataset.loader import parse_text

EXAMPLE = Path(__file__).parents[2] / "docs" / "examples" / "contoh-kecamatan.yaml"
PASSWORD = "rahasia-uji-2026"


def example_doc() -> dict:  # type: ignore[type-arg]
    return parse_text(EXAMPLE.read_text("utf-8"))  # type: ignore[no-any-return]


def make_user(username: str, role: Role, regency: Regency, office: Office | None) -> object:
    user = get_user_model().objects.create_user(username=username, password=PASSWORD)
    Membership.objects.create(user=user, regency=regency, office=office, role=role)
    return user


@pytest.fixture()
def media(settings: object, tmp_path: Path) -> Path:
    """Uploaded files go to a temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"  # type: ignore[attr-defined]
    return tmp_path / "media"


@pytest.fixture()
def regency(db: None, media: Path) -> Regency:
    return Regency.objects.create(code="uji", name="Kabupaten Uji", province="Jawa Tengah")


@pytest.fixture()
def office(regency: Regency) -> Office:
    return import_office(example_doc(), regency)


@pytest.fixture()
def other_office(regency: Regency) -> Office:
    doc = example_doc()
    doc["office"]["code"] = "lain"
    doc["office"]["name"] = "Kecamatan Lain"
    return import_office(doc, regency)


@pytest.fixture()
def operator(client: Client, office: Office, regency: Regency) -> Client:
    make_user("operator-contoh", Role.OPERATOR, regency, office)
    client.login(username="operator-contoh", password=PASSWORD)
    return client


@pytest.fixture()
def other_operator(client: Client, office: Office, other_office: Office, regency: Regency) -> Client:
    make_user("operator-lain", Role.OPERATOR, regency, other_office)
    client.login(username="operator-lain", password=PASSWORD)
    return client


@pytest.fixture()
def verifier(client: Client, office: Office, regency: Regency) -> Client:
    make_user("inspektorat", Role.VERIFIER, regency, None)
    client.login(username="inspektorat", password=PASSWORD)
    return client
