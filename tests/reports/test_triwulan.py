"""The Laporan Kinerja Triwulan (issue #11): every figure is the scorecard as of TW N.

Checked on the quarterly reference dataset (Karangsari, TW II 2024) against the domain's scorecard as of
TW II and against the hand-worked golden file tests/data/golden/004_karangsari-tw2-2024.yaml, and on an
annual seed at TW IV against the year's scorecard; the quarter's own explanation; "belum diukur" apart
from "target belum ditetapkan"; the budget to date adding up to the total; the layout of the .docx
(header words never broken, the signature kept with the text before it).
"""

from __future__ import annotations

import copy
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from docx.oxml.ns import qn
from PIL import ImageFont

from sakip.dataset import load
from sakip.dataset.loader import load_seeds, seed_path
from sakip.domain.office import Office
from sakip.domain.one_figure import distinct
from sakip.domain.quarter_figures import FiguresAsOf
from sakip.domain.scorecard import Scorecard, build_scorecard
from sakip.reports.batch import generate
from sakip.reports.documents import build_triwulan
from sakip.reports.docx import render_docx
from sakip.reports.model import Cell, Document, Table

from .doc_support import GOLDEN_DIR, body_text, id_text, open_docx

GOLDEN = yaml.safe_load((GOLDEN_DIR / "004_karangsari-tw2-2024.yaml").read_text("utf-8"))
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


@pytest.fixture(scope="module")
def karangsari() -> Office:
    return load(seed_path("karangsari-2024"))


@pytest.fixture(scope="module")
def seeds() -> dict[str, Office]:
    return {o.code: o for o in load_seeds()}


def _period_table(model: Document, name: str) -> dict[str, list[Cell]]:
    table = next(t for t in model.tables() if t.caption.startswith(f"{name}: Target, Realisasi"))
    return {row[0].text: row[1:] for row in table.rows}


def _recap(model: Document, quarter: int) -> dict[str, list[Cell]]:
    table = next(t for t in model.tables() if t.caption.startswith(f"Capaian Kinerja s.d. Triwulan {ROMAN[quarter]}"))
    return {row[1].text: row for row in table.rows if len(row) == 9}


def _shown(value: Any) -> str:
    """The golden value as the report prints it: numbers with two decimals unless whole, grades as text,
    ``None`` as the words of the period (checked separately)."""
    if isinstance(value, str):
        return value
    d = Decimal(str(value))
    return id_text(d, 0) if d == d.to_integral_value() else id_text(d)


# --------------------------------------------------------------------------- figures: Karangsari TW II


def test_karangsari_tw2_every_figure_is_the_scorecard_as_of_tw2_and_the_golden_one(karangsari: Office) -> None:
    sc = build_scorecard(karangsari, 2024, quarter=2)
    model = build_triwulan(karangsari, 2024, 2, scorecard=sc, charts=False)
    recap = _recap(model, 2)
    scores = {s.indicator.id: s for s in sc.indicators}
    for g in GOLDEN["indicators"]:
        s = scores[g["id"]]
        rows = _period_table(model, g["name"])
        by_q = {q["quarter"]: q for q in g["quarters"]}
        for q in (1, 2, 3, 4):
            target, real, ach, _cat = rows[f"Triwulan {ROMAN[q]}"]
            gq = by_q[q]
            assert target.text == (_shown(gq["target_to_date"]) if gq["target_to_date"] is not None
                                   else "belum ditetapkan"), (g["id"], q)
            if q > 2:  # not reported yet in a TW II report: "-", never 0 nor "belum diukur"
                assert (real.text, ach.text) == ("-", "-"), (g["id"], q)
                continue
            qs = s.quarters[q - 1]
            assert (qs.target_to_date, qs.to_date, qs.achievement.value) == (
                target.value if target.value is not None else qs.target_to_date,
                real.value if real.value is not None else qs.to_date,
                ach.value,
            )
            if gq["realisation_to_date"] is None:
                assert real.text == "belum diukur" and ach.text == "belum diukur", (g["id"], q)
            else:
                assert real.text == _shown(gq["realisation_to_date"]), (g["id"], q)
                assert ach.text == id_text(gq["achievement"]), (g["id"], q)
                assert _cat.text == gq["category"]
        end_target, end_real, end_ach, _ = rows["Kondisi akhir"]
        ge = g["year_end"]
        assert end_target.text == _shown(ge["target"])
        assert end_real.text == (_shown(ge["realisation"]) if ge["realisation"] is not None else "belum diukur")
        assert end_ach.text == (id_text(ge["achievement"]) if ge["achievement"] is not None else "belum diukur")
        # the recap: TW II to date and the kondisi akhir, the same values
        row = recap[g["name"]]
        assert row[5].value == s.achievement.value and row[4].value == (
            s.realisation if isinstance(s.realisation, Decimal) else None
        )
        assert row[8].text == end_ach.text


def test_karangsari_tw2_budget_to_date_adds_up_and_is_the_golden_one(karangsari: Office) -> None:
    sc = build_scorecard(karangsari, 2024, quarter=2)
    model = build_triwulan(karangsari, 2024, 2, scorecard=sc, charts=False)
    table = next(t for t in model.tables() if t.caption.startswith("Realisasi Anggaran s.d. Triwulan II"))
    by_code = {row[0].text: row for row in table.rows if row[0].text}
    for line in GOLDEN["budget"]["lines"] + GOLDEN["budget"]["programs"]:
        row = by_code[str(line["code"])]
        assert row[2].value == Decimal(str(line["allocation"])) and row[3].value == Decimal(str(line["to_date"]))
        if line["absorption"] is None:
            assert row[4].text == "-"  # an allocation of 0: no absorption, never 0 %
        else:
            assert row[4].text == id_text(line["absorption"])
    _assert_adds_up(table)
    total = next(row for row in table.rows if row[0].text == "Jumlah")
    assert total[1].value == Decimal(GOLDEN["budget"]["total"]["allocation"])
    assert total[2].value == Decimal(GOLDEN["budget"]["total"]["to_date"])
    assert total[3].text == id_text(GOLDEN["budget"]["total"]["absorption"])
    # personnel spending is there, under the lines that serve no objective
    assert "Penyediaan Gaji dan Tunjangan ASN" in " ".join(row[1].text for row in table.rows)


def _group_rows(table: Table) -> list[list[Cell]]:
    """The objective / several / unattached / outside rows: shaded, no code, with amounts."""
    return [
        row for row in table.rows
        if row[0].text == "" and row[0].shade and len(row) > 3 and row[2].value is not None
    ]


def _assert_adds_up(table: Table) -> None:
    total = next(row for row in table.rows if row[0].text == "Jumlah")
    groups = _group_rows(table)
    assert groups
    off = 1  # the total's label spans two columns
    assert sum(r[2].value for r in groups) == total[1 + off - 1].value  # type: ignore[misc]
    reals = [r[3].value for r in groups]
    if total[2].value is not None and all(v is not None for v in reals):
        assert sum(reals) == total[2].value  # type: ignore[arg-type]
    shares = [r[5].value for r in groups]
    assert all(v is not None for v in shares)
    assert abs(sum(shares) - 100) < Decimal("0.000001")  # type: ignore[arg-type]


def test_budget_outside_the_program_lines_personnel_counts_in_the_total(seeds: dict[str, Office]) -> None:
    """Kandangserang states salaries (BTL) as a class, not per program: a row of its own, the total adds up."""
    office = seeds["kandangserang"]
    sc = build_scorecard(office, quarter=4)
    model = build_triwulan(office, quarter=4, scorecard=sc, charts=False)
    table = next(t for t in model.tables() if t.caption.startswith("Realisasi Anggaran s.d. Triwulan IV"))
    outside = [r for r in table.rows if r[1].text.startswith("Belanja di luar rincian program")]
    assert len(outside) == 1
    assert sc.budget is not None and sc.budget.total is not None and sc.budget.lines_total is not None
    assert outside[0][2].value == sc.budget.total.allocation - sc.budget.lines_total.allocation
    _assert_adds_up(table)


# --------------------------------------------------------------------------- figures: an annual seed at TW IV


@pytest.mark.parametrize("code", ["kaliwates", "kaloran"])
def test_tw4_figures_are_the_year_scorecard(seeds: dict[str, Office], code: str) -> None:
    office = seeds[code]
    sc = build_scorecard(office, quarter=4)
    year = build_scorecard(office)
    model = build_triwulan(office, quarter=4, scorecard=sc, year_scorecard=year, charts=False)
    recap = _recap(model, 4)
    for g in distinct(year.indicators):  # an indicator of a goal and its objective: one row, both levels named
        s = g.score
        row = recap[g.label]
        assert row[5].value == s.achievement.value, s.indicator.id
        assert row[6].text == (s.category or "-")
        if isinstance(s.realisation, Decimal):
            assert row[4].value == s.realisation
        assert row[8].value == s.achievement.value  # the kondisi akhir of TW IV is the year
        rows = _period_table(model, s.indicator.name)
        assert rows["Kondisi akhir"][2].value == s.achievement.value
    assert body_text(open_docx(render_docx(model)))  # renders


def test_the_year_scorecard_is_refused_where_a_quarter_is_asked(karangsari: Office) -> None:
    with pytest.raises(ValueError, match="as of that quarter"):
        build_triwulan(karangsari, 2024, 2, scorecard=build_scorecard(karangsari, 2024))


def test_generate_prints_the_quarter_figures_even_when_given_the_year_scorecard(karangsari: Office) -> None:
    year = build_scorecard(karangsari, 2024)
    files = generate(karangsari, "triwulan", 2024, ["docx"], quarter=1, scorecard=year)
    d = open_docx(files[0].data)
    cells = [c.text for t in d.tables for r in t.rows for c in r.cells]
    # S1.2 to date at TW I: 412 / 450 × 100 = 91,56, achievement 101,73 (golden); the TW II figure 93,05 is not
    assert "91,56" in cells and "101,73" in cells and "93,05" not in cells


# --------------------------------------------------------------------------- explanations and words


def test_the_quarters_own_explanation_never_another_quarters(karangsari: Office) -> None:
    office = copy.deepcopy(karangsari)
    m = office.years[2024].measurements["S2.1"]
    m.quarter_explanations = {1: "Uraian khusus triwulan satu.", 2: "Uraian khusus triwulan dua."}
    text = {q: body_text(open_docx(render_docx(build_triwulan(office, 2024, q, charts=False)))) for q in (1, 2, 3)}
    assert "Uraian khusus triwulan dua." in text[2] and "Uraian khusus triwulan satu." not in text[2]
    assert "Uraian khusus triwulan satu." in text[1] and "Uraian khusus triwulan dua." not in text[1]
    assert "triwulan dua" not in text[3] and "triwulan satu" not in text[3]
    assert "Penjelasan triwulan ini (penyebab dan upaya/solusi) belum diisi" in text[3]
    # the year's explanation (the dataset's) is not a quarter's either
    assert "Sampai dengan triwulan II baru 3 dari 16 desa" not in text[2]


def test_the_seed_reports_tw_ii_explanations_are_printed_in_tw_ii_only(karangsari: Office) -> None:
    # the Karangsari seed carries its report's causes and solutions as TW II's own texts
    tw2 = body_text(open_docx(render_docx(build_triwulan(karangsari, 2024, 2, charts=False))))
    tw1 = body_text(open_docx(render_docx(build_triwulan(karangsari, 2024, 1, charts=False))))
    for fragment in ("Sampai dengan triwulan II baru 3 dari 16 desa", "Pelanggaran triwulan II (8 kasus)"):
        assert fragment in tw2
        assert fragment not in tw1


def test_not_measured_and_target_not_set_are_different_words_never_zero(karangsari: Office) -> None:
    office = copy.deepcopy(karangsari)
    office.years[2024].measurements["S1.1"].quarters[1] = Decimal(80)  # TW I measured, no TW I target
    model = build_triwulan(office, 2024, 1, charts=False)
    ikm = _period_table(model, "Indeks Kepuasan Masyarakat (IKM)")["Triwulan I"]
    assert [c.text for c in ikm[:3]] == ["belum ditetapkan", "80", "target belum ditetapkan"]
    akip = _period_table(model, "Nilai Akuntabilitas Kinerja (AKIP) Kecamatan")["Triwulan I"]
    assert [c.text for c in akip[:3]] == ["BB", "belum diukur", "belum diukur"]
    text = body_text(open_docx(render_docx(model)))
    assert ("Indeks Kepuasan Masyarakat (IKM): realisasi s.d. triwulan I sebesar 80, tetapi target s.d. "
            "triwulan I belum ditetapkan") in text
    assert "Nilai Akuntabilitas Kinerja (AKIP) Kecamatan: realisasi s.d. triwulan I belum diukur" in text
    for t in model.tables():  # the indicator tables: no 0 where nothing was measured or set
        if "Target, Realisasi" in t.caption or t.caption.startswith("Capaian Kinerja s.d."):
            assert not [c for row in t.rows for c in row if c.text in ("0", "0,00")], t.caption


def test_a_chart_per_numeric_indicator(karangsari: Office) -> None:
    model = build_triwulan(karangsari, 2024, 2)
    names = [f.caption.split(": ", 1)[1] for f in model.figures()]
    numeric = [s.indicator.name for s in build_scorecard(karangsari, 2024, quarter=2).indicators
               if s.indicator.polarity.value not in ("qualitative", "in_range")]
    assert names == numeric
    # an indicator with nothing per quarter (annual data only) has no chart: nothing to draw
    assert build_triwulan(load(seed_path("kaliwates-2020")), quarter=4).figures() == []
    assert all(f.png.startswith(b"\x89PNG") for f in model.figures())


def test_figures_as_of_agrees_with_the_report(karangsari: Office) -> None:
    """The review's source of what should be printed (`FiguresAsOf`) and the report say the same."""
    figs = FiguresAsOf(karangsari, 2024)
    model = build_triwulan(karangsari, 2024, 2, charts=False)
    for s in build_scorecard(karangsari, 2024, quarter=2).indicators:
        rows = _period_table(model, s.indicator.name)
        end = figs.year_end(s.indicator.id, 2)
        assert rows["Kondisi akhir"][2].value == end.achievement.value
        assert rows["Triwulan III"][0].value == figs.target_to_date(s.indicator.id, 3) or (
            rows["Triwulan III"][0].text in ("belum ditetapkan", "BB")
        )


# --------------------------------------------------------------------------- layout


@cache
def _header_font() -> ImageFont.FreeTypeFont:
    for p in (Path("/usr/share/fonts/truetype/liberation2/LiberationSans-Bold.ttf"),
              Path("/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf")):
        if p.is_file():
            return ImageFont.truetype(str(p), 85)  # 8,5 pt × 10
    pytest.skip("Liberation Sans (Arial's metrics) not installed")


def _twips(word: str) -> float:
    return _header_font().getlength(word) / 10 * 20  # points × 20


@pytest.mark.parametrize(("code", "quarter"), [("karangsari", 2), ("kaloran", 4), ("kandangserang", 1)])
def test_header_words_fit_their_columns_and_the_signature_is_kept_with_the_text(
    seeds: dict[str, Office], karangsari: Office, code: str, quarter: int
) -> None:
    office = karangsari if code == "karangsari" else seeds[code]
    d = open_docx(render_docx(build_triwulan(office, quarter=quarter, charts=False)))
    checked = 0
    for table in d.tables:
        tbl = table._tbl
        grid = [int(g.get(qn("w:w"))) for g in tbl.findall(f"{qn('w:tblGrid')}/{qn('w:gridCol')}")]
        for tr in tbl.findall(qn("w:tr")):
            trpr = tr.find(qn("w:trPr"))
            if trpr is None or trpr.find(qn("w:tblHeader")) is None:
                continue
            col = 0
            for tc in tr.findall(qn("w:tc")):
                span_el = tc.find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}")
                span = int(span_el.get(qn("w:val"))) if span_el is not None else 1
                text = "".join(t.text or "" for t in tc.iter(qn("w:t")))
                width = sum(grid[col : col + span]) - 2 * 57  # less the cell margins
                for word in text.split():
                    assert _twips(word) <= width, (code, text, word, width)
                    checked += 1
                col += span
    assert checked > 50
    # the signature block (the last table) is kept with the paragraph before it
    body = d.element.body
    sig = [el for el in body if el.tag == qn("w:tbl")][-1]
    before = sig.getprevious()
    assert before.find(f"{qn('w:pPr')}/{qn('w:keepNext')}") is not None  # the space above
    closing = before.getprevious()
    assert closing.find(f"{qn('w:pPr')}/{qn('w:keepNext')}") is not None  # the closing sentence
    assert "Demikian Laporan Kinerja Triwulan" in "".join(t.text or "" for t in closing.iter(qn("w:t")))
    assert sig.find(f"{qn('w:tr')}/{qn('w:trPr')}/{qn('w:cantSplit')}") is not None
    lines = [p for p in sig.iter(qn("w:p")) if "".join(t.text or "" for t in p.iter(qn("w:t")))]
    assert lines and all(p.find(f"{qn('w:pPr')}/{qn('w:keepNext')}") is not None for p in lines)


def test_scorecard_as_of_is_the_documents(karangsari: Office) -> None:
    sc: Scorecard = build_scorecard(karangsari, 2024, quarter=3)
    model = build_triwulan(karangsari, 2024, 3, scorecard=sc, charts=False)
    assert model.title == "Laporan Kinerja Triwulan III Tahun 2024 Kecamatan Karangsari"
    recap = _recap(model, 3)
    for s in sc.indicators:
        assert recap[s.indicator.name][5].value == s.achievement.value


def test_the_office_profile_and_the_quarters_narratives_reach_the_report(karangsari: Office) -> None:
    # the texts the office keeps for the Laporan Triwulan of TW II (dataset, web editor) and its profile's tasks
    from sakip.domain.profile import Narrative, Profile

    office = copy.deepcopy(karangsari)
    yd = office.years[2024]
    yd.narratives = {
        "triwulan-2": {
            "permasalahan": Narrative("Hambatan khusus triwulan dua.\n\n- Pilkades antarwaktu\n- Cuaca"),
            "langkah": Narrative("Pembinaan dipadatkan Juli–Agustus."),
        },
        "triwulan-1": {"permasalahan": Narrative("Hambatan khusus triwulan satu.")},
    }
    office.profile = Profile(tasks=["Mengoordinasikan kegiatan pemberdayaan masyarakat desa."])
    tw2 = next(f for f in generate(office, "triwulan", 2024, ["docx"], quarter=2) if f.name.endswith(".docx"))
    text = body_text(open_docx(tw2.data))
    assert "Hambatan khusus triwulan dua." in text and "• Cuaca" in text
    assert "Pembinaan dipadatkan Juli–Agustus." in text
    assert "Hambatan khusus triwulan satu." not in text
    assert "Kecamatan Karangsari mempunyai tugas mengoordinasikan kegiatan pemberdayaan masyarakat desa." in text
    assert "Permasalahan dan hambatan sampai dengan triwulan II belum diisi." not in text


def test_an_amended_pk_is_named_with_its_reason_in_both_reports(karangsari: Office) -> None:
    import dataclasses

    from sakip.reports.documents import build_lkjip

    office = copy.deepcopy(karangsari)
    yd = office.years[2024]
    amended = dataclasses.replace(yd.agreements[-1], kind="amendment", reason="APBD Perubahan 2024")
    yd.agreements.append(amended)
    sentence = "Perjanjian Kinerja tahun 2024 telah diubah (PK Perubahan). Alasan perubahan: APBD Perubahan 2024."
    for model in (build_triwulan(office, 2024, 2, charts=False), build_lkjip(office, 2024, charts=False)):
        assert sentence in body_text(open_docx(render_docx(model)))
    assert "telah diubah" not in body_text(open_docx(render_docx(build_triwulan(karangsari, 2024, 2, charts=False))))
