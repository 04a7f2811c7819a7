"""The regency's LKE view and summary workbook (issue #15): every figure against the domain's scores, the
.xlsx read back cell by cell against the page, the roles, and a query count independent of the offices."""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import lxml.html
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from typer.testing import CliRunner

from sakip.accounts.models import Office
from sakip.domain.evaluation import NodeScore
from sakip.domain.numbers import format_number, round_half_up
from sakip.evaluation import recommendations, regency_lke, services
from sakip.evaluation.models import Evaluation
from tests.web.demo_support import Demo

from .regency_support import all_met, grade_up, make_offices, scored_evaluation

YEAR = 2021
BELOW_B = {"CC", "C", "D", "E"}


@pytest.fixture()
def client_as(demo_once: Demo, db: None) -> Callable[[str], Client]:
    def make(role: str) -> Client:
        c = Client()
        c.force_login(demo_once.user(role))
        return c

    return make


@pytest.fixture()
def offices(demo_once: Demo, db: None) -> list[Office]:
    """Four offices: A and B scored in both years (B finished this year, with an A by qualifier), C only this
    year, D still in self-assessment; recommendations of last year carried into A's evaluation."""
    regency = demo_once.office_a.regency
    a, b = demo_once.office_a, demo_once.office_b
    c, d = make_offices(regency, 2, prefix="lke")
    last_a = scored_evaluation(a, YEAR - 1, 0.55)
    scored_evaluation(b, YEAR - 1, 0.9)
    first_sub = last_a.template.components.order_by("order")[0].subcomponents.order_by("order")[0]
    kept = recommendations.add(last_a, "Tetapkan pohon kinerja.", first_sub.code, "", None)
    done = recommendations.add(last_a, "Publikasikan Renstra.", "", "1", None)
    recommendations.record_follow_up(done, status="done", note="Terbit.", link="", date=None, user=None)
    recommendations.confirm(done, None, accept=True, note="")
    recommendations.record_follow_up(kept, status="in_progress", note="Rancangan.", link="", date=None, user=None)
    ev_a = scored_evaluation(a, YEAR, 0.7)
    ev_b = scored_evaluation(b, YEAR, 0.8)
    all_met(b, YEAR, "1.a")
    grade_up(ev_b, "1.a", "A", "kept-1y", "Dipertahankan sejak 2020.")
    services.finish(ev_b, None)
    scored_evaluation(c, YEAR, 0.35)
    services.start_evaluation(d, YEAR, services.install_preset(regency, YEAR, "permenpanrb-88-2021"))
    recommendations.add(ev_a, "Perbaiki IKU.", "1.b", "", None)
    assert [i.carried for i in recommendations.items(ev_a)] == [True, False]
    return [a, b, c, d]


def page(c: Client, year: int = YEAR) -> Any:
    r = c.get(reverse("regency-lke", args=[year]))
    assert r.status_code == 200, r.content[:500]
    return lxml.html.fromstring(r.content.decode())


def evaluator_subs(office: Office, year: int) -> dict[str, NodeScore] | None:
    ev = Evaluation.objects.filter(office=office, year=year).first()
    if ev is None or ev.status == Evaluation.Status.SELF:
        return None
    s = services.scores(ev).evaluator
    return {n.code: n for comp in s.components for n in comp.children}


def shown(value: Decimal | None, places: int = 2) -> str:
    return "—" if value is None else format_number(round_half_up(value, places), places)


def percent(node: NodeScore) -> Decimal:
    assert node.value is not None
    return node.value / node.weight * 100


def test_the_figures_are_the_domains(offices: list[Office], client_as: Callable[[str], Client]) -> None:
    doc = page(client_as("verifier"))
    cells = doc.xpath('//table[@data-testid="regency-lke"]//td[@data-sub]')
    assert cells
    checked = 0
    for office in offices:
        now, before = evaluator_subs(office, YEAR), evaluator_subs(office, YEAR - 1)
        row = doc.xpath(f'//table[@data-testid="regency-lke"]//tr[@data-office="{office.code}"]')[0]
        for td in row.xpath("./td[@data-sub]"):
            code = td.get("data-sub")
            node = now[code] if now else None
            assert td.get("data-grade") == ((node.grade or "") if node else ""), (office.code, code)
            assert td.get("data-value") == shown(node.value if node else None), (office.code, code)
            prev = before[code] if before else None
            expected = ""
            if node is not None and prev is not None:
                a, b = percent(prev), percent(node)
                expected = "↑" if b > a else "↓" if b < a else "="
            assert td.get("data-change") == expected, (office.code, code)
            checked += 1
        total = row.xpath("./td[@data-total]")[0].get("data-total")
        ev = Evaluation.objects.get(office=office, year=YEAR)
        score = services.scores(ev).evaluator if now else None
        assert total == shown(score.total.value if score else None)
        assert row.xpath("./td[@data-predicate]")[0].get("data-predicate") == (
            (score.predicate or "—") if score else "—"
        )
    assert checked == 12 * len(offices)
    # the qualifier's A is on the page, and B's 1.a rose from last year
    b = doc.xpath(f'//tr[@data-office="{offices[1].code}"]/td[@data-sub="1.a"]')[0]
    assert b.get("data-grade") == "A" and b.get("data-change") in ("↑", "=")
    # D (self-assessment) has no evaluator's figures
    d = doc.xpath(f'//tr[@data-office="{offices[3].code}"]')[0]
    assert {td.get("data-grade") for td in d.xpath("./td[@data-sub]")} == {""}


def test_the_weakest_sub_components_against_the_domain(
    offices: list[Office], client_as: Callable[[str], Client]
) -> None:
    doc = page(client_as("planner"))
    scored = [s for o in offices if (s := evaluator_subs(o, YEAR))]
    assert len(scored) == 3
    expected = {}
    codes = list(scored[0])
    for code in codes:
        nodes = [s[code] for s in scored if s[code].value is not None]
        below = sum(1 for n in nodes if n.grade in BELOW_B)
        share = Decimal(below) / len(nodes) * 100
        mean = sum((percent(n) for n in nodes), Decimal(0)) / len(nodes)
        expected[code] = (len(nodes), below, share, mean)
    rows = doc.xpath('//table[@data-testid="regency-lke-weakest"]/tbody/tr')
    order = [r.get("data-sub") for r in rows]
    assert sorted(order) == sorted(codes)
    want = sorted(codes, key=lambda c: (-expected[c][2], expected[c][3], codes.index(c)))
    assert order == want
    for r in rows:
        n, below, share, mean = expected[r.get("data-sub")]
        assert r.xpath("./td[@data-offices]")[0].get("data-offices") == str(n)
        assert r.xpath("./td[@data-below]")[0].get("data-below") == str(below)
        assert r.xpath("./td[@data-share]")[0].get("data-share") == shown(share, 1)
        assert r.xpath("./td[@data-mean]")[0].get("data-mean") == shown(mean, 1)


def _number(value: Any) -> str:
    return "—" if value is None else format_number(Decimal(str(value)), 2)


def test_the_xlsx_is_the_page(offices: list[Office], client_as: Callable[[str], Client]) -> None:
    """Every cell of the workbook against the page's figures: one rule, every channel."""
    c = client_as("admin")
    doc = page(c)
    r = c.get(reverse("regency-lke", args=[YEAR]) + "?unduh=xlsx")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(r.content))
    grades, weakest, recs = wb.worksheets
    assert [grades.title, weakest.title, recs.title] == ["Nilai per subkomponen", "Subkomponen terlemah", "Rekomendasi"]
    assert grades.freeze_panes == "D2" and weakest.freeze_panes == "A2" and recs.freeze_panes == "C2"
    assert grades.column_dimensions["B"].width == 40
    head = [cell.value for cell in grades[1]]
    assert head[:3] == ["Kode", "Perangkat daerah", "Status evaluasi"] and head[-3] == "Nilai akhir"
    page_rows = {
        tr.get("data-office"): tr for tr in doc.xpath('//table[@data-testid="regency-lke"]/tbody/tr[@data-office]')
    }
    assert grades.max_row - 1 == len(page_rows)
    for row in grades.iter_rows(min_row=2):
        tr = page_rows[row[0].value]
        tds = tr.xpath("./td[@data-sub]")
        for k, td in enumerate(tds):
            grade, value, change = row[3 + 3 * k : 6 + 3 * k]
            assert (grade.value or "") == td.get("data-grade")
            assert _number(value.value) == td.get("data-value")
            if value.value is not None:
                assert value.data_type == "n" and value.number_format == "#,##0.00"
            assert (change.value or "") == td.get("data-change")
        total, predicate, change = row[3 + 3 * len(tds) :]
        assert _number(total.value) == tr.xpath("./td[@data-total]")[0].get("data-total")
        assert (predicate.value or "—") == tr.xpath("./td[@data-predicate]")[0].get("data-predicate")
        assert (change.value or "") == tr.xpath("./td[@data-total]")[0].get("data-change")
    page_weak = doc.xpath('//table[@data-testid="regency-lke-weakest"]/tbody/tr')
    assert weakest.max_row - 1 == len(page_weak)
    for row, tr in zip(weakest.iter_rows(min_row=2), page_weak, strict=True):
        assert row[0].value == tr.get("data-sub")
        assert str(row[3].value) == tr.xpath("./td[@data-offices]")[0].get("data-offices")
        assert str(row[4].value) == tr.xpath("./td[@data-below]")[0].get("data-below")
        assert format_number(Decimal(str(row[5].value)), 1) == tr.xpath("./td[@data-share]")[0].get("data-share")
        assert format_number(Decimal(str(row[6].value)), 1) == tr.xpath("./td[@data-mean]")[0].get("data-mean")
        assert row[5].data_type == "n" and row[5].number_format == "#,##0.0"
    # the recommendations: A's carried one with its original's follow-up, and this year's
    lines = [[cell.value for cell in row] for row in recs.iter_rows(min_row=2)]
    a = offices[0]
    mine = [line for line in lines if line[0] == a.code]
    assert [(line[3], line[4], line[5], line[6]) for line in mine] == [
        ("Tetapkan pohon kinerja.", YEAR - 1, "1.a", "Dalam proses"),
        ("Perbaiki IKU.", YEAR, "1.b", "Belum ditindaklanjuti"),
    ]
    assert mine[0][7] == "Rancangan." and mine[0][8] is not None  # the date of the follow-up, as a date cell
    follow = doc.xpath(f'//table[@data-testid="regency-lke-follow-up"]//tr[@data-office="{a.code}"]/td')
    assert [td.text_content() for td in follow] == ["1", "1", "0", "0"]


def test_the_cli_writes_the_same_workbook(
    offices: list[Office], client_as: Callable[[str], Client], tmp_path: Any
) -> None:
    from sakip.cli import app

    out = tmp_path / "ringkasan.xlsx"
    regency = offices[0].regency
    result = CliRunner().invoke(
        app, ["lke", "regency-summary", "--year", str(YEAR), "--out", str(out), "--regency", regency.code]
    )
    assert result.exit_code == 0, result.output
    web = client_as("admin").get(reverse("regency-lke", args=[YEAR]) + "?unduh=xlsx").content
    cli_wb, web_wb = load_workbook(out), load_workbook(io.BytesIO(web))
    for a, b in zip(cli_wb.worksheets, web_wb.worksheets, strict=True):
        assert [[c.value for c in row] for row in a.iter_rows()] == [[c.value for c in row] for row in b.iter_rows()]
    bad = CliRunner().invoke(app, ["lke", "regency-summary", "--year", str(YEAR), "--out", str(out), "--regency", "x"])
    assert bad.exit_code == 2


def test_only_regency_roles_see_it(offices: list[Office], client_as: Callable[[str], Client]) -> None:
    url = reverse("regency-lke", args=[YEAR])
    for role in ("admin", "planner", "verifier"):
        assert client_as(role).get(url).status_code == 200
        assert client_as(role).get(url + "?unduh=xlsx").status_code == 200
        latest = client_as(role).get(reverse("regency-lke-latest"))
        assert latest.status_code == 302 and latest["Location"] == url
    for role in ("operator_a", "head_a", "operator_b", "public"):
        assert client_as(role).get(url).status_code == 403
        assert client_as(role).get(url + "?unduh=xlsx").status_code == 403
        assert client_as(role).get(reverse("regency-lke-latest")).status_code == 403
    assert Client().get(url).status_code == 302  # to the login
    assert client_as("admin").post(url).status_code == 405
    # the year selector
    r = client_as("admin").get(url + f"?tahun={YEAR - 1}")
    assert r.status_code == 302 and r["Location"] == reverse("regency-lke", args=[YEAR - 1])


def test_no_query_per_office(demo_once: Demo, client_as: Callable[[str], Client], db: None) -> None:
    """The figures read the same queries for 5 offices as for 50 (one query set for all answers); so does the page."""
    regency = demo_once.office_a.regency
    c = client_as("verifier")
    url = reverse("regency-lke", args=[YEAR])

    def add(n: int, prefix: str) -> None:
        for i, office in enumerate(make_offices(regency, n, prefix)):
            scored_evaluation(office, YEAR - 1, 0.3 + (i % 7) / 10)
            scored_evaluation(office, YEAR, 0.4 + (i % 6) / 10)

    def measure() -> tuple[int, int, float]:
        """(queries of the figures, queries of the page, the page's time) after a warming request."""
        c.get(url)  # the kept reads (membership, offices, generations) settle
        with CaptureQueriesContext(connection) as figures:
            s = regency_lke.summary(regency, YEAR)
        assert len(s.rows) >= 5
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as whole:
            assert c.get(url).status_code == 200
        return len(figures), len(whole), time.perf_counter() - started

    add(5, "q")
    figures_5, page_5, _took = measure()
    add(45, "r")
    figures_50, page_50, took = measure()
    # the figures: exactly the same queries for 50 offices as for 5 (one query set for all answers)
    assert figures_50 == figures_5
    # the page: the same, give or take a kept read renewed by the generations (never one per office)
    assert page_50 <= page_5 + 3, (page_5, page_50)
    r = c.get(url)
    assert r.content.count(b'data-office="r-') >= 45
    fifty = page_50
    print(
        f"regency LKE page, 50 offices × 2 years: {fifty} queries ({figures_50} for the figures), {took * 1000:.0f} ms"
    )
