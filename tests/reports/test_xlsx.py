"""RKT and Matrik Capaian Kinerja (.xlsx): reopened with openpyxl; figures from the golden files or the
scorecard's inputs, "belum diukur" never 0, no user text stored as a formula, a 60-indicator office."""

from __future__ import annotations

import copy
import io
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from sakip.dataset import load, load_document, seed_path
from sakip.dataset.loader import parse_text
from sakip.domain.numbers import round_half_up
from sakip.domain.scorecard import build_scorecard
from sakip.reports.xlsx import matrik_xlsx, put_text, rkt_xlsx

GOLDEN = Path("tests/data/golden")


def _golden(name: str) -> dict[str, Any]:
    path = next(GOLDEN.glob(f"{name}_*.yaml"))
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def _sheet(data: bytes) -> Worksheet:
    ws = load_workbook(io.BytesIO(data)).active
    assert isinstance(ws, Worksheet)
    return ws


def _rows(ws: Worksheet) -> list[tuple[Any, ...]]:
    return [tuple(c.value for c in row) for row in ws.iter_rows()]


def _row_with(ws: Worksheet, col: int, text: str) -> tuple[Any, ...]:
    for row in _rows(ws):
        value = row[col - 1]
        if isinstance(value, str) and value.strip().endswith(text):
            return row
    raise AssertionError(f"no row with {text!r} in column {col}")


def _pct(value: Any) -> Decimal:
    return round_half_up(Decimal(str(value)))


def _seed_doc(name: str) -> dict[str, Any]:
    """The seed as a document with exact decimals (the loader's own YAML reading)."""
    doc: dict[str, Any] = parse_text(seed_path(name).read_text(encoding="utf-8"))
    return doc


def _num(value: Any) -> Decimal:
    return Decimal(str(value))


# --------------------------------------------------------------------------- structure


@pytest.mark.parametrize("build", [rkt_xlsx, matrik_xlsx])
@pytest.mark.parametrize("seed", ["kaloran-2020", "kaliwates-2020", "kandangserang-2021"])
def test_structure(build: Any, seed: str) -> None:
    sc = build_scorecard(load(seed_path(seed)))
    ws = _sheet(build(sc))
    assert ws.freeze_panes is not None
    first = int(ws.freeze_panes[1:])
    number_row = [c.value for c in ws[first - 1]]
    assert number_row[: ws.max_column] == list(range(1, ws.max_column + 1))  # the column-number row
    assert ws.print_title_rows is not None
    for col in range(1, ws.max_column + 1):
        letter = ws.cell(row=1, column=col).column_letter
        assert ws.column_dimensions[letter].width and ws.column_dimensions[letter].width >= 5
    assert ws.page_setup.orientation == "landscape"
    assert str(sc.year) in str(ws["A1"].value)
    assert "DRAFT" not in str(ws["A1"].value)
    numeric = [c for row in ws.iter_rows(min_row=first) for c in row if isinstance(c.value, int | float)]
    assert numeric, "numbers are stored as numbers"
    assert all(c.data_type == "n" and c.number_format in ("#,##0", "#,##0.00") for c in numeric)


@pytest.mark.parametrize("build", [rkt_xlsx, matrik_xlsx])
def test_draft_is_marked(build: Any) -> None:
    sc = build_scorecard(load(seed_path("kaloran-2020")))
    ws = _sheet(build(sc, draft=True))
    assert "DRAFT" in str(ws["A1"].value)
    assert ws.oddHeader.center.text == "DRAFT"


# --------------------------------------------------------------------------- figures


def test_matrik_kaloran_figures_and_belum_diukur() -> None:
    golden = _golden("000")
    ws = _sheet(matrik_xlsx(build_scorecard(load(seed_path("kaloran-2020")))))
    results = golden["measurement"]["results"]
    ikm = next(r for r in results if r["computed_achievement"] is not None)
    row = next(r for r in _rows(ws) if isinstance(r[2], str) and r[2].startswith(ikm["indicator"][:30]))
    assert row[4] == ikm["target"]
    assert _pct(row[6]) == Decimal(str(ikm["computed_achievement"]))
    unmeasured = [r for r in results if r["computed_achievement"] is None]
    assert unmeasured
    rows = _rows(ws)
    for result in unmeasured:
        matches = [r for r in rows if isinstance(r[2], str) and r[2].startswith(result["indicator"][:25])]
        assert matches, result["indicator"]
        for r in matches:
            assert r[5] == "belum diukur" and r[6] == "belum diukur"  # realisation and achievement, never 0


def test_matrik_kandangserang_budget_matches_the_golden_matrix() -> None:
    golden = _golden("003")
    ws = _sheet(matrik_xlsx(build_scorecard(load(seed_path("kandangserang-2021")))))
    rows = _rows(ws)
    checked = 0
    for program in golden["budget"]["lines"]:
        prow = next(r for r in rows if isinstance(r[10], str) and r[10].strip().endswith(program["name"]))
        # the scorecard's parent line is the sum of its activities (the printed total is a finding)
        assert prow[12] == program.get("computed_allocation_from_activities", program["allocation"])
        assert prow[13] == program.get("computed_realization_from_activities", program["realization"])
        for activity in program["activities"]:
            arow = next(r for r in rows if isinstance(r[10], str) and r[10].strip().endswith(activity["name"]))
            assert arow[12] == activity["allocation"]
            assert arow[13] == activity["realization"]
            assert _pct(arow[14]) == Decimal(str(activity["computed_pct"]))
            checked += 1
    assert checked >= 18
    sc = build_scorecard(load(seed_path("kandangserang-2021")))
    assert sc.budget is not None and sc.budget.lines_total is not None
    total = next(r for r in rows if isinstance(r[10], str) and r[10].startswith("TOTAL PAGU"))
    activities = [a for p in golden["budget"]["lines"] for a in p["activities"]]
    assert total[12] == sum(a["allocation"] for a in activities)
    assert total[13] == sum(a["realization"] for a in activities)


def test_matrik_kaliwates_objectives_and_office_from_the_golden_file() -> None:
    golden = _golden("002")
    doc = _seed_doc("kaliwates-2020")
    ws = _sheet(matrik_xlsx(build_scorecard(load(seed_path("kaliwates-2020")))))
    rows = _rows(ws)
    names = {o["id"]: [i["name"] for i in o["indicators"]] for o in doc["plan"]["objectives"]}
    checked = 0
    for result in golden["measurement"]["results"]:
        for name in names[result["objective"]]:
            matches = [r for r in rows if isinstance(r[2], str) and r[2].startswith(name)]
            assert matches, name
            for r in matches:
                assert _num(r[4]) == _num(result["target"])
                assert _num(r[5]) == _num(result["realization"])
                assert _pct(r[6]) == _num(result["computed_achievement"])
                checked += 1
    assert checked >= 2


def test_rkt_targets_and_budget_come_from_the_dataset() -> None:
    doc = _seed_doc("kaliwates-2020")
    ws = _sheet(rkt_xlsx(build_scorecard(load_document(doc))))
    rows = _rows(ws)
    y = 2020
    for program in doc["plan"]["programs"]:
        for activity in program.get("activities", []):
            for ind in activity.get("indicators", []):
                row = next(r for r in rows if r[13] == ind["name"])
                assert row[14] == ind["unit"]
                target = ind["targets"].get(str(y))
                assert (_num(row[15]) if target is not None else row[15]) == (target if target is not None else "-")
    budget = next(yd for yd in doc["years"] if yd["year"] == y)["budget"]
    for line in budget["lines"]:
        row = next(r for r in rows if isinstance(r[7], str) and r[7].startswith(f"{line['code']} "))
        assert _num(row[11]) == sum(c["allocation"] for c in line["children"])
        for child in line["children"]:
            crow = next(r for r in rows if isinstance(r[12], str) and r[12].startswith(f"{child['code']} "))
            assert _num(crow[16]) == child["allocation"]
    for objective in doc["plan"]["objectives"]:
        for ind in objective["indicators"]:
            row = next(r for r in rows if isinstance(r[4], str) and r[4].startswith(ind["name"]))
            measurement = next(yd for yd in doc["years"] if yd["year"] == y)["indicators"][ind["id"]]
            assert _num(row[6]) == measurement["target"]  # the year's target as the scorecard resolves it


# --------------------------------------------------------------------------- formula injection


INJECTIONS = ['=HYPERLINK("http://x","klik")', "+1+2", "-3+4", "@SUM(A1:A2)", "\t=1+1"]


def test_user_text_is_never_a_formula() -> None:
    doc = copy.deepcopy(_seed_doc("kandangserang-2021"))
    doc["office"]["name"] = INJECTIONS[0]
    doc["plan"]["goals"][0]["text"] = INJECTIONS[1]
    doc["plan"]["objectives"][0]["text"] = INJECTIONS[2]
    doc["plan"]["objectives"][0]["indicators"][0]["name"] = INJECTIONS[3]
    doc["plan"]["objectives"][0]["indicators"][0]["unit"] = INJECTIONS[4]
    doc["plan"]["programs"][0]["name"] = "=1/0"
    y2021 = next(yd for yd in doc["years"] if yd["year"] == 2021)
    y2021["indicators"]["S1.1"]["explanation"] = "=cmd|' /C calc'!A0"
    y2021["budget"]["lines"][0]["children"][0]["name"] = "=SUM(1,2)"
    doc["office"]["head"]["name"] = "@kepala"
    sc = build_scorecard(load_document(doc))
    for data in (rkt_xlsx(sc), matrik_xlsx(sc, draft=True)):
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            xml = z.read("xl/worksheets/sheet1.xml").decode()
        assert "<f>" not in xml and "<f " not in xml  # no formula element at all
        ws = _sheet(data)
        texts = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
        risky = [c for c in texts if c.value.lstrip("\t").startswith(("=", "+", "-", "@")) and len(c.value) > 1]
        assert len(risky) >= 5
        for c in risky:
            assert c.data_type == "s"
            assert c.quotePrefix, c.coordinate
        values = {c.value for c in texts}
        assert any(v.startswith("@SUM(A1:A2)") for v in values)
        assert any(v.upper().startswith(INJECTIONS[0].upper()) for v in values)  # the title row


def test_control_characters_and_very_long_text_do_not_break_the_file() -> None:
    """The dataset loader refuses such text; a cell writer must still never fail a whole file."""
    wb = Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)
    put_text(ws, 1, 1, "IKM\x01 kecamatan\x1b")
    put_text(ws, 2, 1, "x" * 40_000)
    buf = io.BytesIO()
    wb.save(buf)
    back = _sheet(buf.getvalue())
    assert back["A1"].value == "IKM? kecamatan?"
    long = str(back["A2"].value)
    assert len(long) == 32767 and long.endswith("…")


# --------------------------------------------------------------------------- a large office


def test_a_60_indicator_office() -> None:
    from sakip.core.generate import Size, office_document

    doc = office_document(7, Size(offices=1, indicators=60, years=2, start=2024))
    # two indicators without any realisation: shown as "belum diukur", never 0
    y = doc["years"][-1]
    y["indicators"]["S1.3"] = {}
    y["indicators"]["S2.5"] = {"quarters": {"1": None}}
    office = load_document(doc)
    sc = build_scorecard(office, 2025)
    assert len(sc.indicators) == 60
    ws = _sheet(matrik_xlsx(sc))
    rows = _rows(ws)
    ind_rows = [r for r in rows if isinstance(r[2], str) and r[2].startswith(("Indikator S1.", "Indikator S2."))]
    assert len(ind_rows) == 60
    by_id = {s.indicator.id: s for s in sc.indicators}
    for r in ind_rows:
        iid = r[2].split()[1]
        s = by_id[iid]
        target = doc["years"][-1]["performance_agreement"][0]["targets"][iid]
        assert Decimal(str(r[4])) == target
        if iid in ("S1.3", "S2.5"):
            assert r[5] == "belum diukur" and r[6] == "belum diukur"
            continue
        quarters = doc["years"][-1]["indicators"][iid]["quarters"]
        assert Decimal(str(r[5])) == quarters["4"]  # rollup "last": the year-end value is the fourth quarter
        expected = (
            quarters["4"] / target * 100
            if s.indicator.polarity.value == "higher_is_better"
            else (2 * target - quarters["4"]) / target * 100
        )
        assert _pct(r[6]) == round_half_up(max(expected, Decimal(0)))
    rkt = _sheet(rkt_xlsx(sc))
    assert (
        sum(1 for r in _rows(rkt) if isinstance(r[4], str) and r[4].startswith(("Indikator S1.", "Indikator S2.")))
        == 60
    )


# --------------------------------------------------------------------------- one figure, one value: the levels


def test_an_indicator_of_a_goal_and_its_objective_is_listed_once_per_level_with_its_level() -> None:
    """Kaliwates measures the SKM and the coordination indicator at goal and at objective level under the same
    names: the Matrik and the Rencana Aksi (workbook and document) list each once per level, labelled."""
    from sakip.reports.documents import build_rencana_aksi
    from sakip.reports.xlsx_rencana_aksi import rencana_aksi_xlsx

    office = load(seed_path("kaliwates-2020"))
    skm = "Nilai Survey Kepuasan Masyarakat (SKM)"
    rows = _rows(_sheet(matrik_xlsx(build_scorecard(office))))
    named = [(r[1], r[2]) for r in rows if isinstance(r[2], str) and r[2].startswith(skm)]
    assert [n for _, n in named] == [f"{skm} (indikator tujuan)", f"{skm} (indikator sasaran) (IKU)"]
    assert named[0][0].startswith("Tujuan: ") and named[1][0].startswith("Sasaran: ")

    # the PK names the goal's indicators too: the Rencana Aksi lists both levels, each with its label
    both = copy.deepcopy(office)
    pk = both.years[2020].agreement
    assert pk is not None
    pk.targets.update({"T1.1": Decimal(80), "T2.1": Decimal(100)})
    ra = _rows(_sheet(rencana_aksi_xlsx(build_scorecard(both))))
    listed = [r[1] for r in ra if isinstance(r[1], str) and r[1].startswith(skm)]
    assert listed == [f"{skm} (indikator tujuan)", f"{skm} (indikator sasaran) (IKU)"]
    doc = build_rencana_aksi(both)
    cells = [c.text for t in doc.tables() for row in t.rows for c in row if c.text.startswith(skm)]
    assert cells == listed
    # an office without such a pair keeps the plain names
    plain = _rows(_sheet(rencana_aksi_xlsx(build_scorecard(office))))
    assert [r[1] for r in plain if isinstance(r[1], str) and r[1].startswith(skm)] == [f"{skm} (IKU)"]
