"""Navigation by cycle step (sakip.core.nav) and the pohon kinerja diagram (sakip.planning.diagram), issue #14."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from sakip.accounts.models import Office
from sakip.core.interchange import domain_office
from sakip.core.nav import entry_quarter, office_groups
from sakip.domain.scorecard import build_scorecard
from sakip.planning.diagram import TINTS, Goal, Node, Objective, tree_svg
from sakip.reports.charts import COLORS
from tests.web.demo_support import Demo

from . import pages_support

media = pages_support.media
regency = pages_support.regency
office = pages_support.office
operator = pages_support.operator

#: every key an office page passes to `core.web.page_context` / `core.services.office_nav`
PAGE_KEYS = (
    "dashboard", "plan", "tree", "pk", "rpjmd", "entry", "budget", "survey", "data", "profile", "review", "lke",
    "audit",
)


def _steps(html: str) -> str:
    match = re.search(r'<nav class="tabs steps".*?</nav>', html, re.S)
    assert match, "the page has the steps of the cycle"
    return match.group(0)


@pytest.mark.django_db
def test_every_office_page_is_in_exactly_one_step_of_the_cycle(office: Office) -> None:
    for key in PAGE_KEYS:
        groups = office_groups(office.code, 2025, key, "id", "/", 1)
        assert [g.label for g in groups] == ["Ringkasan", "Perencanaan", "Pengukuran", "Pelaporan", "Evaluasi",
                                             "Jejak audit"]
        active = [g for g in groups if g.active]
        assert len(active) == 1, key
        pages = active[0].items or ()
        assert len([i for i in pages if i.active]) == (1 if pages else 0), key
    planning = office_groups(office.code, 2025, "tree", "id", "/", 1)[1]
    assert [i.label for i in planning.items] == ["Renstra dan IKU", "Pohon kinerja", "PK dan Rencana Aksi",
                                              "Dukungan RPJMD"]
    measuring = office_groups(office.code, 2025, "budget", "id", "/", 3)[2]
    assert [i.label for i in measuring.items] == ["Pengukuran triwulan", "Anggaran", "Survei kepuasan", "Impor/ekspor"]
    assert measuring.url == reverse("quarter-entry", args=[office.code, 2025, 3]), "the step opens the quarter"


def test_the_measurement_step_opens_the_quarter_under_way() -> None:
    today = datetime.date(2026, 8, 14)
    assert entry_quarter(2020, today) == 4  # a past year: its last quarter
    assert entry_quarter(2026, today) == 3  # August: TW III is under way
    assert entry_quarter(2026, datetime.date(2026, 1, 2)) == 1
    assert entry_quarter(2026, datetime.date(2026, 12, 31)) == 4
    assert entry_quarter(2027, today) == 1


@pytest.mark.django_db
def test_the_entry_page_shows_its_step_page_and_period(operator: Client, office: Office) -> None:
    html = operator.get(reverse("quarter-entry", args=[office.code, 2025, 2])).content.decode()
    steps = _steps(html)
    assert re.search(r'<a href="[^"]+" data-step="measuring" class="active" aria-current="true">Pengukuran</a>', steps)
    assert re.search(r'class="active" aria-current="page">Pengukuran triwulan</a>', steps)
    assert "Renstra dan IKU" not in steps, "only the open step's pages are the second row"
    where = re.search(r'data-testid="where">(.*?)</p>', html, re.S)
    assert where is not None
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", where.group(1)))
    assert "Pengukuran › Pengukuran triwulan" in text and "Tahun 2025 · TW II" in text, text
    # the entry table's cells carry their labels for the card layout on a phone
    for label in ("Target tahun", "Target triwulan", "Realisasi", "Hasil", "Penjelasan", "Bukti dukung"):
        assert f'data-label="{label}"' in html


@pytest.mark.django_db
def test_regency_pages_have_the_steps_their_role_may_open(login_as: Callable[[str], Client]) -> None:
    admin = _steps(login_as("admin").get(reverse("workflow-overdue")).content.decode())
    for label in ("Ringkasan", "Pengukuran", "Pelaporan", "Evaluasi", "Jejak audit", "Tenggat", "Terlambat"):
        assert f">{label}</a>" in admin, label
    assert 'aria-current="page">Terlambat</a>' in admin
    verifier = _steps(login_as("verifier").get(reverse("audit-regency")).content.decode())
    assert reverse("workflow-due-rules") not in verifier and reverse("documents-batch") not in verifier
    assert 'aria-current="page">Jejak audit</a>' in verifier
    inbox = login_as("operator_a").get(reverse("inbox")).content.decode()
    assert 'class="tabs steps"' not in inbox, "an office's user has no regency steps"


@pytest.mark.django_db
def test_the_tree_page_draws_the_diagram_in_the_predicate_colours(operator: Client, office: Office) -> None:
    html = operator.get(reverse("plan-tree", args=[office.code]) + "?tahun=2025").content.decode()
    figure = re.search(r'<figure class="diagram".*?</figure>', html, re.S)
    assert figure, "the diagram is on the page"
    svg = figure.group(0)
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in svg and 'role="img"' in svg
    sc = build_scorecard(domain_office(office), 2025)
    for s in sc.indicators:
        if s.color and s.category:
            assert TINTS[s.color] in svg and COLORS[s.color] in svg, s.indicator.id
    for code in ("T1", "S1", "S1.1", "7.01.02"):
        assert f">{code} " in svg, code
    assert 'data-testid="plan-tree"' in html, "the text tree stays beside it"


def test_the_diagram_links_every_box_and_escapes_text() -> None:
    activity = Node("Kegiatan", "1.01", "Rapat <koordinasi> & evaluasi")
    goal = Goal(Node("Tujuan", "T1", "Tujuan"), [
        Objective(Node("Sasaran", "S1", "Sasaran", "101,00 % · Sangat Baik", "green"),
                  [Node("Indikator", "S1.1", "Indikator satu", "80,00 % · Cukup", "yellow"),
                   Node("Indikator", "S1.2", "Indikator dua")],
                  [Node("Program", "1", "Program", children=[activity, Node("Kegiatan", "1.02", "Lain")])]),
    ], [Node("Indikator", "T1.1", "Indikator tujuan", "97,75 % · Baik", "lime")])
    svg = tree_svg([goal], ["Tujuan", "Sasaran", "Indikator", "Program", "Kegiatan"], "Pohon <uji>")
    assert "Rapat &lt;koordinasi&gt; &amp;" in svg and "<koordinasi>" not in svg
    assert "Pohon &lt;uji&gt;" in svg
    assert TINTS["green"] in svg and TINTS["yellow"] in svg and COLORS["yellow"] in svg
    # 8 box outlines; links: goal→its indicator, goal→objective, 2 indicators, program, 2 activities
    assert svg.count("<polyline") == 8 + 7
    assert TINTS["lime"] in svg and ">T1.1 Indikator tujuan<" in svg
    assert "style=" not in svg, "presentation attributes only (the pages' Content-Security-Policy)"


def test_the_regency_steps_reach_the_matrix_and_the_approvers_setting(demo: Demo) -> None:
    """The monitoring matrix (regency roles) and who approves (the administrator) are in the steps, not only in
    the top bar's shortcuts that a phone hides."""
    for role, sees_setting in (("admin", True), ("planner", False), ("verifier", False)):
        client = Client()
        client.force_login(demo.user(role))
        html = client.get("/pemda/matriks/").content.decode()
        steps = html[html.index('aria-current="page"') - 2000 : html.index('aria-current="page"') + 2000]
        assert 'href="/pemda/matriks/"' in steps
        assert ('href="/pemda/persetujuan/"' in html) is sees_setting
