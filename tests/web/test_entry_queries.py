"""The quarterly entry page and its save: a fixed number of queries whatever the size of the office (issue #12).

On PostgreSQL every query is a round trip to a server process that, on a loaded machine, waits to be
scheduled: a save of ~35 queries held a gunicorn thread for ~240 ms under the mixed load
(`benchmarks/mixed_load.py`), and every statement after its first generation renewal held the lock of
the ``all`` row that every writer takes. These are upper bounds on what the page and the save read and
write, counted at two sizes of office (3 and 12 indicators) and for one and three rows saved, so a
change that reads per indicator or per row again, or that adds a query to the save, fails here rather
than in the benchmark. The bounds are the counts as measured (test transaction: the save's transaction
is a savepoint, two statements); a change that lowers them should lower the bounds.

What each part costs, and why it stays correct:

* the page's office generation is read once per attempt (`monitoring.views._entry_attempt`), and what
  depends only on the office's plan, PK and settings — the PK's indicators, whether it has a plan, the
  explanation rule, the years to choose — is kept for that generation (`regency.figures.memo`), so the
  save that follows a page load of the same generation reads none of it;
* under the office's lock the save reads the generation, the versions of its rows (`verify_unchanged`),
  the stored row and the frozen periods (the write guard), writes the row and its audit entry; the write
  guard and the audit trail place the rows from the office-year the page read (no read of their office);
* the generations are renewed once, after the write's check (`regency.generations.deferred`): two
  UPDATEs and one of the kept figures for the whole save, not three per row.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from sakip.accounts.models import Membership, Office, Role
from sakip.audit.models import AuditEntry
from sakip.core.generate import Size, generate_regency
from sakip.monitoring.models import Quarter
from sakip.regency import figures

from .forms_support import form_fields

URL = "/opd/opd-001/pengukuran/2025/tw/4/"
VALUE = re.compile(r"-?[0-9]{1,3}(\.[0-9]{3})*(,[0-9]+)?")

# PostgreSQL also locks the office row (`core.concurrency.lock_office`); SQLite's transaction holds the database
LOCK = 1 if connection.vendor == "postgresql" else 0
#: the entry page (GET) right after a save of the office: the session with its user, the generations, the period's
#: state, the stored years, their evidence and quarters, the row comments, the office's workflow states, its
#: profile's narratives — the PK's indicators, the plan, the explanation rule and the years are handed over by the
#: save (`regency.figures.carry`: it wrote measurements alone)
PAGE_AFTER_CHANGE = 9
#: the same page again, nothing changed: the workflow states are kept for the generation too
PAGE_KEPT = 8
#: a save of one row: session, user, the membership's and the office's generations, the period's state, the
#: office's generation, the stored years and quarters; savepoint, generation, versions (2), the stored row, the
#: frozen periods, the UPDATE, its audit entry, the generations (2) and the kept figures renewed, the measurements
#: written checked (6), release
SAVE_ONE_ROW = 26 + LOCK
#: each further row changed: its stored row, its UPDATE and its audit entry
PER_ROW = 3


@pytest.fixture
def operator_client(db: None) -> Any:
    def make(code: str, indicators: int) -> Client:
        generate_regency(code, Size(offices=1, indicators=indicators, years=2, start=2024))
        office = Office.objects.get(regency__code=code, code="opd-001")
        user = get_user_model().objects.create_user(f"{code}-operator", password="x")
        Membership.objects.create(user=user, regency=office.regency, office=office, role=Role.OPERATOR)
        client = Client()
        client.force_login(user)
        return client

    return make


def _changed(form: dict[str, Any], rows: int, n: int) -> dict[str, Any]:
    """The form with ``rows`` realisations changed by 0,01 and their explanations written."""
    values = sorted(k for k in form if k.startswith("v-") and VALUE.fullmatch(str(form[k] or "")))
    assert len(values) >= rows
    out = dict(form)
    for key in values[:rows]:
        old = Decimal(str(form[key]).replace(".", "").replace(",", "."))
        out[key] = format(old + Decimal("0.01"), "f").replace(".", ",")
        out["e-" + key[2:]] = f"penjelasan {n}"
    return out


def _page(client: Client) -> tuple[dict[str, Any], int, bool]:
    with CaptureQueriesContext(connection) as read:
        page = client.get(URL)
    assert page.status_code == 200
    return form_fields(page.content.decode(), "entry-form"), len(read), bool(page.templates)


@pytest.mark.parametrize("rows", [1, 3])
def test_the_entry_page_and_its_save_read_a_fixed_number_of_queries(operator_client: Any, rows: int) -> None:
    counts: dict[str, set[int]] = {"page after change": set(), "page kept": set(), "save": set()}
    for code, indicators in (("kecil", 3), ("besar", 12)):
        client = operator_client(code, indicators)
        figures.clear()  # each size begins with nothing kept
        for n in range(3):
            form, after_change, _rendered = _page(client)
            _form, kept, rendered = _page(client)
            assert rendered  # the entry page is rendered for each request (its forms, the user's pending files)
            audit_before = AuditEntry.objects.filter(model="monitoring.Quarter").count()
            with CaptureQueriesContext(connection) as saved:
                answer = client.post(URL, _changed(form, rows, n))
            assert answer.status_code == 302, answer.content.decode()[:2000]  # stored: back to the page
            # every row changed is stored and audited (the count is of the work done, not of a shortcut)
            assert AuditEntry.objects.filter(model="monitoring.Quarter").count() == audit_before + rows
            explained = Quarter.objects.filter(
                indicator_year__indicator__plan__office__regency__code=code, quarter=4, explanation=f"penjelasan {n}"
            )
            assert explained.count() == rows
            if n:  # after the save before it (the first page of all builds the stored office)
                counts["page after change"].add(after_change)
            counts["page kept"].add(kept)
            counts["save"].add(len(saved))
    # the same at both sizes and every time: no query per indicator
    assert all(len(found) == 1 for found in counts.values()), counts
    assert max(counts["page after change"]) <= PAGE_AFTER_CHANGE, counts
    assert max(counts["page kept"]) <= PAGE_KEPT, counts
    assert max(counts["save"]) <= SAVE_ONE_ROW + PER_ROW * (rows - 1), counts


def test_a_save_renews_the_generations_once_after_its_rows(operator_client: Any) -> None:
    """Three rows saved: one renewal of ``all``, one of the office's scopes, one of the kept figures — after every
    row is written and checked, right before the commit (the writers of the instance wait for that row's lock)."""
    client = operator_client("uji", 6)
    form, _n, _r = _page(client)
    with CaptureQueriesContext(connection) as saved:
        assert client.post(URL, _changed(form, 3, 1)).status_code == 302
    sql = [q["sql"] for q in saved.captured_queries]
    renewals = [i for i, s in enumerate(sql) if s.startswith("UPDATE") and "regency_datageneration" in s]
    kept = [i for i, s in enumerate(sql) if s.startswith("UPDATE") and "regency_keptofficeyear" in s]
    assert len(renewals) == 2 and "'all'" in sql[renewals[0]], sql
    assert len(kept) == 1 and kept[0] > renewals[-1]
    writes = [i for i, s in enumerate(sql) if s.startswith(("UPDATE", "INSERT")) and "monitoring_" in s]
    checks = [i for i, s in enumerate(sql) if "monitoring_inputvalue" in s]  # the measurements written, checked
    assert len(writes) == 3 and max(writes) < renewals[0] and max(checks) < renewals[0]
    # after the renewals nothing but the transaction's end
    assert all(s.startswith(("RELEASE", "COMMIT")) for s in sql[kept[0] + 1 :]), sql[kept[0] + 1 :]


def test_what_a_save_hands_over_is_read_again_after_any_other_write(operator_client: Any) -> None:
    """The PK's indicators handed from a save to the generation it made (`figures.carry`) are read again as soon as
    the PK changes: a target taken out of the PK after the save is no longer a row of the page."""
    from sakip.agreements.models import PkTarget

    client = operator_client("uji", 4)
    form, _n, _r = _page(client)
    assert client.post(URL, _changed(form, 1, 1)).status_code == 302
    form, _n, _r = _page(client)  # after the save: the kept PK indicators
    rows = {k for k in form if k.startswith("e-")}
    target = PkTarget.objects.filter(version__office__code="opd-001", version__office__regency__code="uji",
                                     version__year=2025).order_by("order", "id").last()
    assert target is not None and f"e-{target.indicator_id}" in rows
    target.delete()
    form, _n, _r = _page(client)
    assert {k for k in form if k.startswith("e-")} == rows - {f"e-{target.indicator_id}"}
