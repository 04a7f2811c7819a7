"""One figure, one value in the documents (issue #13): counts, tables and conclusions list an indicator once;
a missing target is *belum ditetapkan*, never *belum diukur*; the target basis, the survey's proposal and the
efficiency verdict are the domain's, said with their numbers; the supporting programs are the objective's.

Built on the seed datasets (Kaliwates: two indicators measured at goal and objective level, an SKM realisation
apart from its survey; Kaloran: IKM measured against 85 while the PK says 100; Karangsari: an objective reached
with half its budget and no budget notes) and on Kaloran with targets and realisations taken away.
"""

from __future__ import annotations

import copy
from collections import Counter
from decimal import Decimal

import pytest

from sakip.dataset import load, seed_path
from sakip.domain.budget import EfficiencyVerdict
from sakip.domain.office import Office
from sakip.domain.one_figure import distinct
from sakip.domain.scorecard import build_scorecard
from sakip.reports.documents import build_lkjip, build_triwulan
from sakip.reports.model import Document, Heading, Paragraph, Table
from sakip.reports.scorecard import EFFICIENCY_TEXT

D = Decimal
SEEDS = ("kaliwates-2020", "kaloran-2020", "karangsari-2024", "kandangserang-2021")


@pytest.fixture(scope="module")
def offices() -> dict[str, Office]:
    return {n: load(seed_path(n)) for n in SEEDS}


@pytest.fixture(scope="module")
def lkjips(offices: dict[str, Office]) -> dict[str, Document]:
    return {n: build_lkjip(o, charts=False) for n, o in offices.items()}


def _table(doc: Document, caption: str) -> Table:
    [table] = [t for t in doc.tables() if t.caption.startswith(caption)]
    return table


def _rows(table: Table, cells: int) -> list[list[str]]:
    """The rows with ``cells`` cells (group rows span the table and are left out)."""
    return [[c.text for c in row] for row in table.rows if len(row) == cells]


def _paragraph(doc: Document, start: str) -> Paragraph:
    """The first generated paragraph (one with numbers) that starts with ``start``."""
    return next(p for p in doc.paragraphs() if p.text.startswith(start) and p.numbers())


# --------------------------------------------------------------------------- once each


@pytest.mark.parametrize("seed", SEEDS)
def test_each_indicator_is_counted_and_listed_once(offices: dict[str, Office], lkjips: dict[str, Document],
                                                   seed: str) -> None:
    doc = lkjips[seed]
    sc = build_scorecard(offices[seed])
    n = len(distinct(sc.indicators))
    intro = _paragraph(doc, "Laporan ini menyajikan capaian ")
    assert intro.numbers()[0].value == n
    for caption, cells in (("Capaian Indikator Kinerja", 7), ("Matriks Capaian Kinerja", None),
                           ("Perbandingan Realisasi dan Capaian", None)):
        table = _table(doc, caption)
        width = cells or len(table.rows[0])
        names = [row[1] for row in _rows(table, width)]
        assert len(names) == n, caption
        assert len(set(names)) == n, caption
    predicates = _table(doc, "Jumlah Indikator per Kategori Capaian")
    assert predicates.rows[-1][-1].value == n
    headings = [h.text for h in doc.headings() if h.text.startswith("Indikator: ")]
    assert len(headings) == len(set(headings)) == n
    for start in ("Indikator yang belum mencapai target: ", "Indikator yang belum diukur: "):
        p = next((p for p in doc.paragraphs() if p.text.startswith(start)), None)
        if p is not None:
            listed = p.text[len(start):].rstrip(".").split("; ")
            assert not [k for k, v in Counter(listed).items() if v > 1], start


def test_kaliwates_shows_its_two_indicators_once_with_both_levels_named(lkjips: dict[str, Document]) -> None:
    doc = lkjips["kaliwates-2020"]
    assert _paragraph(doc, "Laporan ini menyajikan capaian ").text.startswith("Laporan ini menyajikan capaian 2 (dua)")
    names = [row[1] for row in _rows(_table(doc, "Capaian Indikator Kinerja"), 7)]
    assert names == [
        "Nilai Survey Kepuasan Masyarakat (SKM) (indikator tujuan dan sasaran)",
        "Persentase rekomendasi hasil koordinasi pemerintahan, ketertiban dan keamanan, pemberdayaan masyarakat "
        "dan kesejahteraan sosial yang ditindaklanjuti (indikator tujuan dan sasaran)",
    ]


def test_the_laporan_triwulan_lists_each_indicator_once(offices: dict[str, Office]) -> None:
    office = offices["kaliwates-2020"]
    doc = build_triwulan(office, 2020, 4, charts=False)
    recap = _table(doc, "Capaian Kinerja s.d. Triwulan IV")
    names = [row[1].text for row in recap.rows if len(row) > 1]
    assert len(names) == len(set(names)) == 2


# --------------------------------------------------------------------------- no target ≠ not measured


@pytest.fixture(scope="module")
def gaps(offices: dict[str, Office]) -> Office:
    """Kaloran with S1.2 realised but without a target, S1.3 with a target but not realised, S1.4 neither."""
    office = copy.deepcopy(offices["kaloran-2020"])
    yd = office.years[2020]
    pk = yd.agreement
    assert pk is not None
    for iid in ("S1.2", "S1.4"):
        del pk.targets[iid]
        ind = office.plan.indicator(iid)
        assert ind is not None
        ind.targets.pop(2020, None)
    yd.measurements["S1.2"].annual = D(95)
    return office


def test_a_missing_target_is_belum_ditetapkan_in_every_table_and_sentence(gaps: Office) -> None:
    doc = build_lkjip(gaps, charts=False)
    by_name = {row[1]: row for row in _rows(_table(doc, "Capaian Indikator Kinerja"), 7)}
    realised = by_name["Persentase penanganan laporan kejadian"]
    assert realised[3:6] == ["belum ditetapkan", "95", "target belum ditetapkan"]
    unrealised = by_name["Persentase Rumah Tidak Layak Huni (RTLH)"]
    assert unrealised[3:6] == ["9,50", "belum diukur", "belum diukur"]
    neither = by_name["Persentase kegiatan yang selesai tepat waktu"]
    assert neither[3:5] == ["belum ditetapkan", "belum diukur"]
    matrix = {row[1]: row for row in _rows(_table(doc, "Matriks Capaian Kinerja"), len(_table(doc, "Matriks").rows[0]))}
    assert matrix["Persentase penanganan laporan kejadian"][3] == "belum ditetapkan"
    rkt = {row[0]: row for row in _rows(_table(doc, "Rencana Kinerja Tahunan"), 4)}
    assert rkt["Persentase penanganan laporan kejadian"][2] == "belum ditetapkan"
    # no target column anywhere says "belum diukur"
    for table in (_table(doc, "Capaian Indikator Kinerja"), _table(doc, "Matriks Capaian Kinerja")):
        assert all(row[3] != "belum diukur" for row in _rows(table, len(table.header[0])))
    # the objective: T1.1 is a goal's; of S1.1–S1.4 one is realised without a target, three are not realised
    objective = _paragraph(doc, "Capaian sasaran")
    assert objective.text.endswith(
        "belum dapat dihitung; 3 (tiga) indikator belum diukur; 1 (satu) indikator targetnya belum ditetapkan."
    )
    assert "Indikator yang targetnya belum ditetapkan: Persentase penanganan laporan kejadian." in [
        p.text for p in doc.paragraphs()
    ]
    predicates = {row[1].text: row[-1].value for row in _table(doc, "Jumlah Indikator per Kategori").rows}
    assert predicates["target belum ditetapkan"] == 1 and predicates["belum diukur / tidak terdefinisi"] == 3


def test_the_laporan_triwulan_keeps_them_apart_too(gaps: Office) -> None:
    doc = build_triwulan(gaps, 2020, 4, charts=False)
    recap = _table(doc, "Capaian Kinerja s.d. Triwulan IV")
    by_name = {row[1].text: [c.text for c in row] for row in recap.rows if len(row) > 1}
    assert by_name["Persentase penanganan laporan kejadian"][3] == "belum ditetapkan"
    assert by_name["Persentase Rumah Tidak Layak Huni (RTLH)"][3] == "9,50"
    assert by_name["Persentase Rumah Tidak Layak Huni (RTLH)"][4] == "belum diukur"


# --------------------------------------------------------------------------- which target, the survey


def test_the_document_says_which_target_is_used_and_why(offices: dict[str, Office],
                                                        lkjips: dict[str, Document]) -> None:
    doc = lkjips["kaloran-2020"]
    s = next(s for s in build_scorecard(offices["kaloran-2020"]).indicators if s.indicator.id == "T1.1")
    assert s.target_basis is not None and s.target_basis.differs
    notes = [p for p in doc.paragraphs() if "bukan target Perjanjian Kinerja" in p.text]
    assert len(notes) == 2  # under the achievement table and in the indicator's analysis
    for p in notes:
        assert [r.value for r in p.numbers()] == [s.target_basis.used, s.target_basis.pk]
    # the domain's words, read by the page and the API, carry the same numbers
    assert "target 85" in str(s.target_basis.note()) and "Perjanjian Kinerja 100" in str(s.target_basis.note())
    for seed in ("kaliwates-2020", "karangsari-2024", "kandangserang-2021"):
        assert not [p for p in lkjips[seed].paragraphs() if "bukan target Perjanjian Kinerja" in p.text], seed


def test_one_index_for_the_survey_and_the_entered_realisation_shown_as_the_difference(
    offices: dict[str, Office], lkjips: dict[str, Document]
) -> None:
    doc = lkjips["kaliwates-2020"]
    sc = build_scorecard(offices["kaliwates-2020"])
    assert sc.survey is not None
    index = sc.survey.result.index
    survey = _table(doc, "Hasil Survei Kepuasan Masyarakat")
    index_rows = [row for row in survey.rows if row[0].text.startswith("Indeks Kepuasan Masyarakat")]
    assert len(index_rows) == 1
    assert index_rows[0][0].text.endswith("diusulkan sebagai realisasi") and index_rows[0][-1].value == index
    labels = {row[0].text: row[-1] for row in survey.rows}
    assert labels["Realisasi Nilai Survey Kepuasan Masyarakat (SKM) yang diisi"].value == D("67.6")
    assert labels["Selisih indeks survei terhadap realisasi yang diisi"].text == "\u22121,58"
    # every sentence that names the survey's index names this one
    for p in doc.paragraphs():
        if "indeks sebesar" in p.text or p.text.startswith("Indeks hasil survei"):
            assert p.numbers()[0].value == index, p.text
    # the achievement stays on the entered realisation (the golden 84,50)
    row = _rows(_table(doc, "Capaian Indikator Kinerja"), 7)[0]
    assert row[4:6] == ["67,60", "84,50"]


def test_a_survey_that_agrees_adds_no_proposal(offices: dict[str, Office]) -> None:
    office = copy.deepcopy(offices["kaliwates-2020"])
    sc = build_scorecard(office)
    assert sc.survey is not None
    office.years[2020].measurements["S1.1"].annual = D("66.02")
    doc = build_lkjip(office, charts=False)
    survey = _table(doc, "Hasil Survei Kepuasan Masyarakat")
    assert not [row for row in survey.rows if "diisi" in row[0].text]
    assert not [p for p in doc.paragraphs() if "diusulkan sebagai realisasi" in p.text]


# --------------------------------------------------------------------------- efficiency and programs


def test_efficiency_sentences_follow_the_domain_verdict(offices: dict[str, Office],
                                                        lkjips: dict[str, Document]) -> None:
    karangsari = lkjips["karangsari-2024"]
    texts = [p.text for p in karangsari.paragraphs() if p.text.startswith("Sasaran ") and "didukung anggaran" in p.text]
    assert texts and not [t for t in texts if "(efisien)" in t]
    assert any(EFFICIENCY_TEXT[EfficiencyVerdict.LOW_ABSORPTION] in t for t in texts)
    kaliwates = [p.text for p in lkjips["kaliwates-2020"].paragraphs() if "didukung anggaran" in p.text]
    low = [t for t in kaliwates if "(efisien)" in t]
    assert low and all("dijelaskan pada catatan pelaksanaan anggaran" in t for t in low)  # 30,36 %, explained


def _analyses(doc: Document) -> dict[str, str]:
    """Indicator heading → its last analysis (the supporting programs: "g.", or "f." where the office wrote no
    causes and solutions)."""
    out: dict[str, str] = {}
    current = None
    expect = False
    for b in doc.blocks:
        if isinstance(b, Heading) and b.text.startswith("Indikator: "):
            current = b.text
        elif isinstance(b, Paragraph) and b.text.endswith(". Program dan kegiatan pendukung"):
            expect = True
        elif isinstance(b, Paragraph) and expect and current is not None:
            out[current] = b.text
            expect = False
    return out


@pytest.mark.parametrize("seed", SEEDS)
def test_supporting_programs_are_the_indicators_objectives(offices: dict[str, Office],
                                                           lkjips: dict[str, Document], seed: str) -> None:
    office = offices[seed]
    sc = build_scorecard(office)
    analyses = _analyses(lkjips[seed])
    assert len(analyses) == len(distinct(sc.indicators))
    for g in distinct(sc.indicators):
        s = g.score
        objectives = {s.parent_id} if s.level == "objective" else {
            o.id for o in office.plan.objectives if o.goal_id == s.parent_id
        }
        text = next(t for h, t in analyses.items() if h.startswith(f"Indikator: {s.indicator.name}"))
        for pr in office.plan.programs:
            linked = bool(set(pr.objectives) & objectives)
            assert (pr.name in text) == linked, (seed, s.indicator.id, pr.code)
