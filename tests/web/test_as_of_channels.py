"""One rule for "as of TW N" (issue #11): every channel shows the domain's figures for the same quarter.

One office-year (tests/data/quarter/as-of-2025.yaml: cumulative and per-quarter targets, a
formula indicator, a qualitative indicator, a quarter not measured, a quarter without a
target, budget lines realised per quarter) is stored, then read through the quarterly entry
page, the office dashboard, the regency dashboard, the API and `sakip scorecard --quarter N
--json` (on the dataset the data page exports). The numbers are read from each channel's own
output and compared with `build_scorecard(..., quarter=N)` of the domain, for TW I–IV and
the year — and the Laporan Kinerja Triwulan (.docx, downloaded from the office's documents page) for
TW I–IV; a few of them are also pinned to the hand-computed figures of
tests/domain/test_to_date.py so that "all channels agree" cannot mean "all are wrong".
"""

from __future__ import annotations

import io
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import docx
import pytest
from django.test import Client
from django.urls import reverse
from typer.testing import CliRunner

from sakip.accounts.models import Membership, Office, Regency, Role
from sakip.api.models import ApiToken
from sakip.cli import app
from sakip.core.interchange import domain_office, export_office, import_office
from sakip.core.services import scorecard_for
from sakip.core.views import dump_yaml
from sakip.dataset.loader import parse_text
from sakip.domain.scorecard import IndicatorScore, Scorecard
from sakip.monitoring.models import Quarter
from sakip.reports import narrative as nv
from sakip.reports.scorecard import dec, show_achievement, show_number, show_percent, show_target

from .pages_support import make_user

DATA = Path(__file__).parents[1] / "data" / "quarter" / "as-of-2025.yaml"
YEAR = 2025
PERIODS = (1, 2, 3, 4, None)  # TW I … TW IV and the year


@pytest.fixture()
def stored(db: None, tmp_path: Path) -> Office:
    regency = Regency.objects.create(code="uji", name="Kabupaten Uji", province="Jawa Tengah")
    office = import_office(parse_text(DATA.read_text("utf-8")), regency)
    make_user("admin-uji", Role.ADMIN, regency, None)
    return office


@pytest.fixture()
def web(stored: Office) -> Client:
    client = Client()
    client.force_login(Membership.objects.get(regency=stored.regency, role=Role.ADMIN).user)
    return client


@pytest.fixture()
def token(stored: Office) -> str:
    return ApiToken.issue(Membership.objects.get(regency=stored.regency, role=Role.ADMIN).user, "uji")[1]


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html)).strip()


def _after(html: str, marker: str, end: str) -> str:
    return html.split(marker, 1)[1].split(end, 1)[0]


def _testid(html: str, testid: str, tag: str = "td") -> str:
    m = re.search(rf'data-testid="{testid}"[^>]*>(.*?)</{tag}>', html, re.S)
    assert m is not None, testid
    return _text(m.group(1))


def _target(s: IndicatorScore) -> str:
    return show_target(s.target) if s.target is not None else "belum ditetapkan"


def _real(s: IndicatorScore) -> str:
    return show_number(s.realisation) if s.realisation is not None else "belum diukur"


def domain_card(office: Office, quarter: int | None) -> Scorecard:
    sc = scorecard_for(office, YEAR, quarter)
    assert sc is not None
    return sc


# ---------------------------------------------------------------- each channel's figures


def office_dashboard(web: Client, office: Office, quarter: int | None) -> dict[str, Any]:
    params: dict[str, Any] = {"tahun": YEAR} | ({"triwulan": quarter} if quarter else {})
    html = web.get(f"/opd/{office.code}/", params).content.decode()
    out: dict[str, Any] = {"office": _testid(html, "office-achievement", "div")}
    for iid, row in re.findall(r'<tr id="ind-([^"]+)">(.*?)</tr>', html, re.S):
        out[iid] = (_testid(row, "target"), _testid(row, "realisation"), _testid(row, "achievement"))
    out["S1"] = _testid(_after(html, 'data-objective="S1"', "</tr>"), "objective-achievement")
    out["absorption"] = _testid(html, "budget-absorption", "div")
    return out


def regency_dashboard(web: Client, office: Office, quarter: int | None) -> dict[str, Any]:
    params: dict[str, Any] = {"tahun": YEAR} | ({"triwulan": quarter} if quarter else {})
    html = web.get("/pemda/", params).content.decode()

    def row(testid: str) -> list[str]:
        body = _after(_after(html, f'data-testid="{testid}"', "</table>"), f'data-office="{office.code}"', "</tr>")
        return [_text(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", body, re.S)]

    ach, absn = row("ranking-achievement"), row("ranking-absorption")
    return {"office": ach[2], "allocation": absn[2], "realisation": absn[3], "absorption": absn[4]}


def entry_page(web: Client, office: Office, quarter: int) -> dict[str, tuple[str, str, str]]:
    html = web.get(f"/opd/{office.code}/pengukuran/{YEAR}/tw/{quarter}/").content.decode()
    out = {}
    for code, row in re.findall(r'<tr id="row-\d+" data-indicator="([^"]+)"[^>]*>(.*?)</tr>', html, re.S):
        out[code] = (
            _testid(row, "preview-target", "span"),
            _testid(row, "preview-to-date", "span"),
            _testid(row, "preview-achievement", "(?:span|strong)"),
        )
    return out


def api(token: str, office: Office, path: str, quarter: int | None) -> dict[str, Any]:
    params = {"quarter": quarter} if quarter else {}
    r = Client().get(
        f"/api/v1/offices/{office.code}/years/{YEAR}/{path}", params, headers={"Authorization": f"Bearer {token}"}
    )
    assert r.status_code == 200, r.content
    return r.json()  # type: ignore[no-any-return]


def cli_json(dataset: Path, quarter: int | None) -> dict[str, Any]:
    args = ["scorecard", str(dataset), "--year", str(YEAR), "--json"] + (["--quarter", str(quarter)] if quarter else [])
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.stdout
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def quarterly_report(web: Client, office: Office, quarter: int) -> dict[str, Any]:
    """The Laporan Triwulan's recap table (s.d. TW N) and budget total, read from the downloaded .docx."""
    url = reverse("document-download", args=[office.code, YEAR, "triwulan", "docx"])
    r = web.get(url, {"tw": quarter})
    assert r.status_code == 200, r.content[:200]
    d = docx.Document(io.BytesIO(r.content))
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in d.tables]
    recap = next(t for t in tables if "Kondisi akhir" in t[0] and t[1][3] == "Target")
    out: dict[str, Any] = {row[1]: (row[3], row[4], row[5]) for row in recap[2:] if row[0].isdigit()}
    budget = next(t for t in tables if t[0][0] == "Kode" and t[0][-1] == "Porsi pagu (%)")
    total = next(row for row in budget if row[0] == "Jumlah")
    out["budget"] = (total[2], total[3], total[4])
    return out


# ---------------------------------------------------------------- the test


@pytest.mark.django_db
def test_every_channel_gives_the_domains_figures_for_each_quarter(
    web: Client, token: str, stored: Office, tmp_path: Path
) -> None:
    dataset = tmp_path / "triwulan.yaml"
    dataset.write_text(dump_yaml(export_office(stored)), "utf-8")  # what the data page hands out
    for quarter in PERIODS:
        sc = domain_card(stored, quarter)
        assert sc.quarter == quarter
        scores = {s.indicator.id: s for s in sc.indicators}
        office_value = sc.office_score.aggregate.value
        total = sc.budget.total if sc.budget else None
        assert total is not None

        page = office_dashboard(web, stored, quarter)
        for iid, s in scores.items():
            assert page[iid] == (_target(s) if quarter else show_target(s.target), _real(s),
                                 show_achievement(s.achievement)), (quarter, iid)
        assert page["office"] == show_percent(office_value)
        assert page["S1"] == show_percent(sc.objectives[0].aggregate.value)
        assert page["absorption"] == show_percent(total.absorption)

        regency = regency_dashboard(web, stored, quarter)
        assert regency == {
            "office": show_percent(office_value),
            "allocation": show_number(total.allocation, 2),
            "realisation": show_number(total.realisation, 2),
            "absorption": show_percent(total.absorption),
        }, quarter

        if quarter is not None:
            entry = entry_page(web, stored, quarter)
            assert set(entry) == set(scores)
            for iid, s in scores.items():
                assert entry[iid] == (_target(s), _real(s), show_achievement(s.achievement)), (quarter, iid)

        if quarter is not None:
            report = quarterly_report(web, stored, quarter)
            for s in scores.values():
                target = nv.value_text(s.target) if s.target is not None else "belum ditetapkan"
                assert report[s.indicator.name] == (
                    target, nv.value_text(s.realisation), nv.achievement_text(s.achievement)
                ), (quarter, s.indicator.id)
            assert report["budget"] == (
                nv.money_text(total.allocation), nv.money_text(total.realisation), nv.pct_text(total.absorption)
            ), quarter

        achievements = api(token, stored, "achievements", quarter)
        assert achievements["quarter"] == quarter
        assert achievements["office_achievement"]["achievement"] == dec(office_value)
        budget = api(token, stored, "budget", quarter)
        assert budget["total"] == {
            "allocation": dec(total.allocation),
            "realisation": dec(total.realisation),
            "absorption": dec(total.absorption),
        }

        card = cli_json(dataset, quarter)
        assert card["quarter"] == quarter
        assert card["office_achievement"]["achievement"] == dec(office_value)
        assert card["budget"]["total"]["realisation"] == dec(total.realisation)
        for source in (achievements["items"], card["indicators"]):
            by_id = {item["id"]: item for item in source}
            assert set(by_id) == set(scores)
            for iid, s in scores.items():
                item = by_id[iid]
                assert item["target"] == (dec(s.target) if isinstance(s.target, Decimal) else s.target), (quarter, iid)
                real = s.realisation
                assert item["realisation"] == (dec(real) if isinstance(real, Decimal) else real), (quarter, iid)
                assert item["achievement"]["status"] == s.achievement.status.value
                assert item["achievement"]["value"] == dec(s.achievement.value), (quarter, iid)


@pytest.mark.django_db
def test_the_channels_figures_are_the_hand_computed_ones(web: Client, token: str, stored: Office) -> None:
    """TW II and TW III as worked by hand in tests/domain/test_to_date.py, read from the pages and the API."""
    page = office_dashboard(web, stored, 2)
    assert page["S1.1"] == ("550", "550", "100,00 %")
    assert page["S1.2"] == ("2,50", "2", "120,00 %")  # the formula over inputs rolled up first
    assert page["S1.3"] == ("B", "CC", "75,00 %")  # grades
    assert page["T1.1"] == ("belum ditetapkan", "80", "target belum ditetapkan")
    assert page["office"] == "98,75 %" and page["absorption"] == "40,00 %"
    assert regency_dashboard(web, stored, 2)["realisation"] == "120.000.000,00"
    entry = entry_page(web, stored, 3)
    assert entry["S1.1"] == ("850", "belum diukur", "belum diukur")  # not measured: never 550 so far
    assert entry["S1.4"] == ("belum ditetapkan", "45", "target belum ditetapkan")
    items = {i["id"]: i for i in api(token, stored, "achievements", 3)["items"]}
    assert items["S1.4"]["achievement"]["status"] == "no_target"
    assert items["S1.1"]["achievement"]["status"] == "not_measured"


@pytest.mark.django_db
def test_a_qualitative_quarter_grade_entered_on_the_page_counts_for_that_quarter(web: Client, stored: Office) -> None:
    s13 = stored.plans.get().indicators.get(code="S1.3")
    r = web.post(f"/opd/{stored.code}/pengukuran/{YEAR}/tw/3/", {f"g-{s13.pk}": "A"})
    assert r.status_code == 302
    q = Quarter.objects.get(indicator_year__indicator=s13, indicator_year__year=YEAR, quarter=3)
    assert (q.grade, q.target_grade) == ("A", "BB")
    s = next(s for s in domain_card(stored, 3).indicators if s.indicator.id == "S1.3")
    # A (rank 6) against BB (rank 5): 120
    assert (s.realisation, s.target, s.achievement.value) == ("A", "BB", Decimal(120))
    assert entry_page(web, stored, 3)["S1.3"] == ("BB", "A", "120,00 %")
    # the year still takes the stored year grade when there is one, else the latest quarter's
    year = next(s for s in domain_card(stored, None).indicators if s.indicator.id == "S1.3")
    assert year.realisation == "A"
    assert domain_office(stored).years[YEAR].measurements["S1.3"].quarter_grades == {1: "B", 2: "CC", 3: "A"}
