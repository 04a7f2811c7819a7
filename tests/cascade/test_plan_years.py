"""One rule for a plan period's years, asked by the office's Renstra form and the regency's RPJMD form."""

from __future__ import annotations

import pytest
from django import forms

from sakip.cascade.forms import RpjmdForm
from sakip.planning.forms import PlanForm

CASES = [
    ((2019, 2024), {}),
    ((2024, 2019), {"end_year": "Tahun akhir sebelum tahun awal"}),
    ((2019, 2030), {"end_year": "Periode rencana paling lama 10 tahun"}),
    ((1999, 2004), {"start_year": "Tahun di luar rentang 2000–2100"}),
]


@pytest.mark.django_db
@pytest.mark.parametrize("form_class", [PlanForm, RpjmdForm])
@pytest.mark.parametrize(("years", "errors"), CASES)
def test_both_plan_forms_check_the_years_alike(
    form_class: type[forms.ModelForm], years: tuple[int, int], errors: dict[str, str]  # type: ignore[type-arg]
) -> None:
    start, end = years
    form = form_class(data={"kind": "renstra", "start_year": start, "end_year": end, "vision": "Visi",
                            "missions": "Misi satu", "legal_basis": "", "note": ""})
    form.is_valid()
    got = {field: form.errors[field][0] for field in ("start_year", "end_year") if field in form.errors}
    assert got == errors
