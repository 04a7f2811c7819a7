"""Verifier notes on an indicator's quarter: who may write them, where the office sees them, the audit, the lock."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from sakip.accounts.models import Membership, Regency, Role
from sakip.audit.models import AuditEntry
from sakip.planning.models import Indicator
from sakip.workflow.models import RowComment

from .lock_support import YEAR, freeze_year, snapshot

pytestmark = pytest.mark.django_db
QUARTER = 2


def comment_url(office: Any, quarter: int = QUARTER, year: int = YEAR) -> str:
    return reverse("quarter-comment", args=[office.code, year, quarter])


def entry_url(office: Any, quarter: int = QUARTER) -> str:
    return reverse("quarter-entry", args=[office.code, YEAR, quarter])


def first_indicator(office: Any) -> Indicator:
    return Indicator.objects.filter(plan__office=office).order_by("order", "id").first()  # type: ignore[return-value]


@pytest.mark.parametrize("role", ["verifier", "planner", "admin"])
def test_a_verifier_or_planner_notes_a_row_and_the_operator_sees_it(
    demo: Any, login_as: Callable[[str], Client], role: str
) -> None:
    office = demo.office_a
    ind = first_indicator(office)
    reviewer = login_as(role)
    page = reviewer.get(entry_url(office)).content.decode()
    assert 'data-testid="comment-form"' in page  # the read-only page offers a note per row
    r = reviewer.post(comment_url(office), {"indicator": ind.pk, "text": "Bukti dukung TW II belum lengkap."})
    assert r.status_code == 302 and r["Location"].endswith(f"#row-{ind.pk}")
    note = RowComment.objects.get(office=office, year=YEAR, quarter=QUARTER, indicator=ind)
    assert note.text == "Bukti dukung TW II belum lengkap." and note.author == demo.user(role)
    operator_page = login_as("operator_a").get(entry_url(office)).content.decode()
    row = operator_page[operator_page.index(f'id="row-{ind.pk}"'):]
    row = row[: row.index("</tr>")]
    assert "Bukti dukung TW II belum lengkap." in row and demo.user(role).get_username() in row
    assert 'data-testid="comment-form"' not in operator_page  # the operator reads, does not write notes
    # the note belongs to TW II only
    assert "Bukti dukung TW II belum lengkap." not in login_as("operator_a").get(entry_url(office, 1)).content.decode()
    # audited
    entry = AuditEntry.objects.filter(model="workflow.RowComment", object_id=str(note.pk)).get()
    assert entry.office_id == office.pk and entry.action == "create"


@pytest.mark.parametrize("role", ["operator_a", "head_a", "operator_b", "public"])
def test_an_office_user_or_the_public_cannot_write_a_note(
    demo: Any, login_as: Callable[[str], Client], role: str
) -> None:
    office = demo.office_a
    r = login_as(role).post(comment_url(office), {"indicator": first_indicator(office).pk, "text": "x"})
    assert r.status_code == 403
    assert not RowComment.objects.exists()


def test_anonymous_is_sent_to_sign_in(demo: Any) -> None:
    r = Client().post(comment_url(demo.office_a), {"indicator": first_indicator(demo.office_a).pk, "text": "x"})
    assert r.status_code == 302
    assert r["Location"].startswith(reverse("login")) or "next=" in r["Location"]
    assert not RowComment.objects.exists()


def test_a_verifier_of_another_regency_cannot_write_a_note(demo: Any) -> None:
    other = Regency.objects.create(code="lain", name="Kabupaten Lain")
    user = get_user_model().objects.create(username="verifikator-lain")
    Membership.objects.create(user=user, regency=other, role=Role.VERIFIER)
    client = Client()
    client.force_login(user)
    r = client.post(comment_url(demo.office_a), {"indicator": first_indicator(demo.office_a).pk, "text": "x"})
    assert r.status_code in (403, 404)
    assert not RowComment.objects.exists()


def test_another_offices_indicator_through_this_office_is_not_accepted(
    demo: Any, login_as: Callable[[str], Client]
) -> None:
    v = login_as("verifier")
    for given in (first_indicator(demo.office_b).pk, "abc", ""):
        r = v.post(comment_url(demo.office_a), {"indicator": given, "text": "x"}, follow=True)
        assert "Indikator tidak dikenal; tidak ada yang dikirim." in r.content.decode()
    r = v.post(comment_url(demo.office_a, quarter=5), {"indicator": 1, "text": "x"})
    assert r.status_code == 404
    assert v.get(comment_url(demo.office_a)).status_code == 405
    assert not RowComment.objects.exists()


def test_an_empty_or_too_long_note_is_refused_in_words(demo: Any, login_as: Callable[[str], Client]) -> None:
    v = login_as("verifier")
    ind = first_indicator(demo.office_a)
    r = v.post(comment_url(demo.office_a), {"indicator": ind.pk, "text": "   "}, follow=True)
    assert "Catatan kosong; tidak ada yang dikirim." in r.content.decode()
    r = v.post(comment_url(demo.office_a), {"indicator": ind.pk, "text": "x" * 2001}, follow=True)
    assert "Catatan terlalu panjang (maksimum 2000 karakter)." in r.content.decode()
    assert not RowComment.objects.exists()


def test_a_note_is_accepted_in_a_locked_period_and_changes_no_data(
    demo: Any, login_as: Callable[[str], Client]
) -> None:
    """Notes are not period data: a verifier writes them while the period is submitted or approved."""
    office = demo.office_a
    freeze_year(office)
    before = snapshot(office)
    r = login_as("verifier").post(comment_url(office), {"indicator": first_indicator(office).pk, "text": "Cek ulang"})
    assert r.status_code == 302
    assert RowComment.objects.filter(office=office, text="Cek ulang").count() == 1
    assert snapshot(office) == before
