"""One figure, one value in every channel (issue #13): the office dashboard, the API, the review page and the
downloaded LKjIP say the same thing about the same figure, from the domain's one rule (`domain.one_figure`).

Two seed offices are stored: Kaloran (IKM measured against 85 while its PK says 100 — and, in a variant, an
indicator realised without a target) and Kaliwates (an SKM realisation of 67,6 that its survey data put at
66,02; two indicators measured at goal and objective level).
"""

from __future__ import annotations

import html as html_lib
import io
import re
from decimal import Decimal
from typing import Any

import docx
import pytest
from django.test import Client
from django.urls import reverse

from sakip.accounts.models import Membership, Office, Regency, Role
from sakip.api.models import ApiToken
from sakip.core.i18n import translate
from sakip.core.interchange import import_office
from sakip.core.services import scorecard_for
from sakip.dataset.loader import parse_text, seed_path
from sakip.domain.scorecard import IndicatorScore

from .pages_support import make_user


def _store(regency: Regency, seed: str, edit: Any = None) -> Office:
    text = seed_path(seed).read_text("utf-8")
    return import_office(parse_text(edit(text) if edit else text), regency)


def _without_target(text: str) -> str:
    """Kaloran with S1.2 realised (95) but without a target: none in the plan, none in the PK."""
    plan = '          data_source: Kec. Kaloran\n          targets: {"2020": 100}\n        - id: S1.3'
    assert plan in text
    text = text.replace(plan, "          data_source: Kec. Kaloran\n        - id: S1.3")
    pk = '          S1.2: 100          # "100%"\n'
    assert pk in text
    text = text.replace(pk, "")
    measured = "      S1.2:\n        printed:"
    assert measured in text
    return text.replace(measured, "      S1.2:\n        annual: 95\n        printed:")


@pytest.fixture()
def regency(db: None) -> Regency:
    regency = Regency.objects.create(code="uji", name="Kabupaten Uji", province="Jawa Tengah")
    make_user("admin-uji", Role.ADMIN, regency, None)
    return regency


@pytest.fixture()
def web(regency: Regency) -> Client:
    client = Client()
    client.force_login(Membership.objects.get(regency=regency, role=Role.ADMIN).user)
    return client


@pytest.fixture()
def token(regency: Regency) -> str:
    return ApiToken.issue(Membership.objects.get(regency=regency, role=Role.ADMIN).user, "uji")[1]


def _text(fragment: str) -> str:
    return html_lib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", fragment))).strip()


def _dashboard(web: Client, office: Office, year: int) -> tuple[str, dict[str, str], list[str]]:
    page = web.get(f"/opd/{office.code}/", {"tahun": year}).content.decode()
    targets = {
        iid: _text(re.search(r'data-testid="target"[^>]*>(.*?)</td>', row, re.S).group(1))  # type: ignore[union-attr]
        for iid, row in re.findall(r'<tr id="ind-([^"]+)">(.*?)</tr>', page, re.S)
    }
    notes = [_text(li) for li in re.findall(r"<li>(.*?)</li>", page.split('data-testid="figure-notes"', 1)[-1]
                                            .split("</ul>", 1)[0], re.S)] if "figure-notes" in page else []
    return page, targets, notes


def _api(token: str, office: Office, year: int) -> dict[str, dict[str, Any]]:
    r = Client().get(f"/api/v1/offices/{office.code}/years/{year}/achievements",
                     headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200, r.content
    return {row["id"]: row for row in r.json()["items"]}


def _lkjip(web: Client, office: Office, year: int) -> docx.document.Document:
    r = web.get(reverse("document-download", args=[office.code, year, "lkjip", "docx"]))
    assert r.status_code == 200
    return docx.Document(io.BytesIO(b"".join(r.streaming_content) if r.streaming else r.content))


def _score(office: Office, year: int, iid: str) -> IndicatorScore:
    sc = scorecard_for(office, year)
    assert sc is not None
    return next(s for s in sc.indicators if s.indicator.id == iid)


def test_the_target_used_is_said_alike_on_the_page_the_api_the_review_and_the_document(
    web: Client, token: str, regency: Regency
) -> None:
    office = _store(regency, "kaloran-2020")
    s = _score(office, 2020, "T1.1")
    assert s.target_basis is not None and s.target_basis.differs
    note = translate(s.target_basis.note())  # type: ignore[arg-type]

    _page, targets, notes = _dashboard(web, office, 2020)
    assert targets["T1.1"].startswith("85")  # the target used, marked with a reference to the note
    assert notes == [f"T1.1 {s.indicator.name}: {note}"]

    row = _api(token, office, 2020)["T1.1"]
    basis = {k: v for k, v in row["target_basis"].items() if k != "plan_target"}
    assert basis == {"used": "85", "source": "measurement", "pk_target": "100", "differs_from_pk": True, "note": note}
    assert all(not r["target_basis"]["differs_from_pk"] for iid, r in _api(token, office, 2020).items()
               if iid != "T1.1")

    review = web.get(f"/opd/{office.code}/reviu/2020/").content.decode()
    assert "OPD-TARGET-01" in review and "bukan target Perjanjian Kinerja 100" in _text(review)

    paragraphs = [p.text for p in _lkjip(web, office, 2020).paragraphs if "bukan target Perjanjian Kinerja" in p.text]
    assert len(paragraphs) == 2  # under the achievement table and in the indicator's analysis
    assert all("diukur terhadap target 85," in p and "Perjanjian Kinerja 100:" in p for p in paragraphs)


def test_the_survey_is_one_index_everywhere(web: Client, token: str, regency: Regency) -> None:
    office = _store(regency, "kaliwates-2020")
    s = _score(office, 2020, "S1.1")
    assert s.survey is not None and s.survey.status == "differs"

    row = _api(token, office, 2020)["S1.1"]
    assert row["realisation"] == "67.6"  # the entered realisation stays; the index is proposed
    assert row["survey"]["status"] == "differs"
    assert Decimal(row["survey"]["index"]) == s.survey.index
    assert row["survey"]["difference"] == "-1.58"

    _page, _targets, notes = _dashboard(web, office, 2020)
    assert notes == [f"S1.1 {s.indicator.name}: {translate(s.survey.note(s.indicator.name))}"]  # type: ignore[arg-type]

    review = _text(web.get(f"/opd/{office.code}/reviu/2020/").content.decode())
    assert "OPD-SURVEI-01" in review

    document = _lkjip(web, office, 2020)
    [survey] = [t for t in document.tables if any("Indeks Kepuasan Masyarakat" in c.text for c in t.columns[0].cells)]
    index_rows = [r for r in survey.rows if r.cells[0].text.startswith("Indeks Kepuasan Masyarakat")]
    assert len(index_rows) == 1 and index_rows[0].cells[-1].text == "66,02"
    assert [r.cells[-1].text for r in survey.rows if "yang diisi" in r.cells[0].text] == ["67,60", "\u22121,58"]


def test_the_indicators_of_a_goal_and_its_objective_count_once_in_the_document(web: Client,
                                                                              regency: Regency) -> None:
    office = _store(regency, "kaliwates-2020")
    document = _lkjip(web, office, 2020)
    [intro] = [p.text for p in document.paragraphs if p.text.startswith("Laporan ini menyajikan capaian 2")]
    assert "2 (dua) indikator kinerja" in intro
    analyses = [p.text for p in document.paragraphs if p.text.startswith("Indikator: ")]
    assert len(analyses) == len(set(analyses)) == 2


def test_no_target_is_belum_ditetapkan_on_the_page_and_in_the_document(web: Client, token: str,
                                                                       regency: Regency) -> None:
    office = _store(regency, "kaloran-2020", _without_target)
    s = _score(office, 2020, "S1.2")
    assert s.target is None and s.realisation == Decimal(95)

    _page, targets, _notes = _dashboard(web, office, 2020)
    assert targets["S1.2"] == "belum ditetapkan"
    assert targets["S1.3"] == "9,50"  # realised nowhere, but its target stands

    row = _api(token, office, 2020)["S1.2"]
    assert row["target"] is None and row["achievement"]["status"] == "no_target"

    document = _lkjip(web, office, 2020)
    cells = [
        [c.text for c in r.cells] for t in document.tables for r in t.rows
        if r.cells[1].text == "Persentase penanganan laporan kejadian"
    ]
    assert cells and all("belum diukur" not in row[:4] for row in cells)
    assert any(row[3] == "belum ditetapkan" for row in cells)
    texts = [p.text for p in document.paragraphs]
    assert "Indikator yang targetnya belum ditetapkan: Persentase penanganan laporan kejadian." in texts
    assert not [t for t in texts if "Persentase penanganan laporan kejadian" in t and "belum diukur" in t]
