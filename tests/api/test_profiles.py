"""The profile and the narratives through the API: read, scoped like the rest."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from sakip.profiles.models import Narrative, OfficeProfile

from .conftest import Api

pytestmark = pytest.mark.django_db


def test_profile_and_narratives_read(demo: Any, api_as: Callable[[str], Api]) -> None:
    office = demo.office_a
    for model in (Narrative, OfficeProfile):  # the seed's profile and texts: this test writes its own
        model.objects.filter(office=office).delete()
    OfficeProfile.objects.create(office=office, capital="Temanggung", tasks=["Tugas satu"])
    Narrative.objects.create(office=office, year=2020, document="lkjip", key="kesimpulan", text="Baik.")
    Narrative.objects.create(office=office, year=2020, document="lkjip", key="langkah", text="Lalu.", is_draft=True)
    api = api_as("operator_a")
    r = api.get(reverse("api:api-profile", args=[office.code]))
    assert r.status_code == 200 and r.json()["profile"] == {"capital": "Temanggung", "tasks": ["Tugas satu"]}
    r = api.get(reverse("api:api-narratives", args=[office.code, 2020]))
    assert r.status_code == 200
    lkjip = r.json()["documents"]["lkjip"]
    assert lkjip["sections"]["kesimpulan"]["text"] == "Baik." and lkjip["sections"]["langkah"]["draft"] is True
    assert "langkah" in lkjip["missing"] and "kesimpulan" not in lkjip["missing"]
    # another office's operator: refused
    assert api_as("operator_b").get(reverse("api:api-narratives", args=[office.code, 2020])).status_code == 403
