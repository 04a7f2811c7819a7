"""`sakip demo` publishes one office-year through the real workflow, so the public portal shows it."""

from __future__ import annotations

import pytest
from django.test import Client

from sakip.accounts.models import Office, Regency
from sakip.core.demo import setup_demo
from sakip.core.services import reporting_year
from sakip.workflow.demo import publish_example
from sakip.workflow.models import TransitionLog
from sakip.workflow.services import is_approved, is_locked


@pytest.mark.django_db
def test_the_demo_publishes_kandangserang_and_the_portal_shows_it() -> None:
    setup_demo()
    regency = Regency.objects.get(code="demo")
    name = publish_example(regency)
    office = Office.objects.get(regency=regency, code="kandangserang")
    assert name == office.name
    year = reporting_year(office)
    assert year is not None
    for step, quarter in [("pk", None), ("quarter", 1), ("quarter", 4), ("annual", None)]:
        assert is_approved(office, year, step, quarter), (step, quarter)
        assert is_locked(office, year, step, quarter), (step, quarter)
    # the annual report went through submit, verify and approve, by the head, the verifier and the admin
    annual = TransitionLog.objects.filter(period__office=office, period__step="annual").order_by("pk")
    assert [t.transition for t in annual] == ["submit", "verify", "approve"]
    # the other offices stay editable
    other = Office.objects.get(regency=regency, code="kaloran")
    assert not is_locked(other, reporting_year(other) or 0, "quarter", 1)
    # idempotent
    assert publish_example(regency) == name
    assert TransitionLog.objects.filter(period__office=office, period__step="annual").count() == 3
    page = Client().get("/publik/")
    assert page.status_code == 200 and office.name in page.content.decode()
