"""The fourth reference dataset: Kecamatan Karangsari, Laporan Kinerja Triwulan II 2024.

* every figure of the golden file (tests/data/golden/004_karangsari-tw2-2024.yaml, worked out
  by hand) equals the domain's computation, field by field: the figures as of TW N that the
  review compares with (`quarter_figures.FiguresAsOf`), the scorecard's per-quarter figures
  (`QuarterScore`) and the budget to date (`budget.amounts(line, through=N)`);
* the review of the printed report (src/sakip/dataset/printed/karangsari-2024-tw2.yaml) finds
  every planted error with its place, printed value, correct value and rule — with the office's
  data and without — and nothing else but the absorption warnings the data call for;
* the report with every planted error corrected has no finding but those warnings.
"""

from __future__ import annotations

import copy
import re
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest

from sakip.dataset import load as load_office
from sakip.dataset import seed_path
from sakip.dataset.loader import parse_text
from sakip.dataset.printed_report import load, load_document, printed_seed_path
from sakip.domain import budget
from sakip.domain.budget import BudgetClass, BudgetLine
from sakip.domain.measurement import Status
from sakip.domain.office import Office
from sakip.domain.quarter_figures import FiguresAsOf
from sakip.domain.review import Severity
from sakip.domain.review_rules import ReviewResult, ReviewSettings, review_printed
from sakip.domain.scales import get_scale
from sakip.domain.scorecard import build_scorecard
from tests.domain.golden import GOLDEN_QUARTERLY

G = GOLDEN_QUARTERLY["004"]
N = G["document"]["quarter"]
SCALE = get_scale(G["scale"])
PLACES = 10  # the golden file's non-terminating figures are written with 10 decimals


@pytest.fixture(scope="module")
def office() -> Office:
    return load_office(seed_path(G["dataset"]))


@pytest.fixture(scope="module")
def figures(office: Office) -> FiguresAsOf:
    return FiguresAsOf(office, G["document"]["year"])


def dec(value: Any) -> Decimal:
    assert not isinstance(value, bool | float), value
    return value if isinstance(value, Decimal) else Decimal(value)


def exact(computed: Decimal | str | None, golden: Any, fraction: str | None = None) -> None:
    """The computed figure is the golden one: exactly when the golden value terminates, else to 10 places."""
    if golden is None:
        assert computed is None, computed
        return
    if isinstance(golden, str):
        assert computed == golden, (computed, golden)
        return
    assert isinstance(computed, Decimal), (computed, golden)
    g = dec(golden)
    places = -int(g.as_tuple().exponent) if g.as_tuple().exponent < 0 else 0  # type: ignore[operator]
    if places < PLACES:
        assert computed == g, (computed, golden)  # terminates: exactly equal
    else:
        assert computed.quantize(Decimal(1).scaleb(-PLACES)) == g or abs(computed - g) < Decimal("5e-11"), (
            computed,
            golden,
        )
    if fraction is not None:
        # the domain's 28 significant digits are the exact fraction to within rounding
        assert abs(Fraction(computed) - Fraction(fraction)) < Fraction(1, 10**20), (computed, fraction)


# ================================================================== the golden file itself


def test_the_golden_fractions_are_the_written_decimals() -> None:
    """The hand work is consistent: each exact fraction, rounded half up to 10 places, is the decimal written."""

    def check(entry: dict[str, Any], value_key: str, fraction_key: str) -> None:
        if fraction_key not in entry:
            return
        f = Fraction(entry[fraction_key])
        rounded = (Decimal(f.numerator) / Decimal(f.denominator)).quantize(Decimal(1).scaleb(-PLACES), "ROUND_HALF_UP")
        assert rounded == dec(entry[value_key]), (entry, rounded)

    for ind in G["indicators"]:
        for q in ind["quarters"]:
            check(q, "achievement", "exact")
            check(q, "realisation_to_date", "realisation_exact")
        check(ind["year_end"], "achievement", "exact")
    for line in [*G["budget"]["lines"], *G["budget"]["programs"], G["budget"]["total"]]:
        check(line, "absorption", "exact")


def test_the_golden_budget_adds_up() -> None:
    b = G["budget"]
    for line in [*b["lines"], *b["programs"], b["total"]]:
        assert line["to_date"] == line["q1"] + line["q2"], line
    for program in b["programs"]:
        parts = [ln for ln in b["lines"] if ln["code"].startswith(program["code"] + ".")]
        for key in ("allocation", "q1", "q2", "to_date"):
            assert program[key] == sum(ln[key] for ln in parts), (program["code"], key)
    for key in ("allocation", "q1", "q2", "to_date"):
        assert b["total"][key] == sum(p[key] for p in b["programs"]), key
    assert sum(c["allocation"] for c in b["classes"].values()) == b["total"]["allocation"]


# ================================================================== figures as of TW N, field by field

QUARTER_ROWS = [(ind, q) for ind in G["indicators"] for q in ind["quarters"]]


@pytest.mark.parametrize(("ind", "q"), QUARTER_ROWS, ids=[f"{i['id']}-TW{q['quarter']}" for i, q in QUARTER_ROWS])
def test_quarter_figures_are_exact(ind: dict[str, Any], q: dict[str, Any], figures: FiguresAsOf) -> None:
    iid, quarter = ind["id"], q["quarter"]
    exact(figures.target_to_date(iid, quarter), q["target_to_date"])
    exact(figures.realisation_to_date(iid, quarter), q["realisation_to_date"], q.get("realisation_exact"))
    a = figures.achievement_to_date(iid, quarter)
    assert figures.measured(iid, quarter) is (q["status"] == "measured")
    if q["status"] == "not_measured":
        assert a.status is Status.NOT_MEASURED and a.value is None  # belum diukur, never 0
        assert q["achievement"] is None
        return
    assert a.status is Status.MEASURED
    exact(a.value, q["achievement"], q.get("exact"))
    assert a.value is not None and SCALE.classify(a.value) == q["category"]


@pytest.mark.parametrize(("ind", "q"), QUARTER_ROWS, ids=[f"{i['id']}-TW{q['quarter']}" for i, q in QUARTER_ROWS])
def test_the_scorecard_quarter_figures_are_the_same(ind: dict[str, Any], q: dict[str, Any], office: Office) -> None:
    """The one rule (`build_scorecard(office, year, quarter=N)`; TW IV: the year's QuarterScore) gives the
    golden figures too, grades included."""
    card = build_scorecard(office, G["document"]["year"])
    score = next(s for s in card.indicators if s.indicator.id == ind["id"])
    by_quarter = {qs.quarter: qs for qs in score.quarters}
    qs = by_quarter[q["quarter"]]
    exact(qs.target_to_date, q["target_to_date"])
    exact(qs.achievement.value, q["achievement"], q.get("exact"))
    if q["quarter"] < 4:  # the as-of scorecard's indicator row is this quarter's figures
        as_of = build_scorecard(office, G["document"]["year"], quarter=q["quarter"])
        now = next(s for s in as_of.indicators if s.indicator.id == ind["id"])
        exact(now.target, q["target_to_date"])
        exact(now.achievement.value, q["achievement"], q.get("exact"))
        assert (now.realisation is None) is (q["status"] == "not_measured")
    assert qs.category == q.get("category")
    if q["status"] == "measured":  # a quarter not measured has no realisation as of it ("belum diukur")
        exact(qs.to_date, q["realisation_to_date"], q.get("realisation_exact"))
    else:
        assert qs.value is None


@pytest.mark.parametrize("ind", G["indicators"], ids=[i["id"] for i in G["indicators"]])
def test_year_end_as_of_the_quarter(ind: dict[str, Any], figures: FiguresAsOf) -> None:
    ye = ind["year_end"]
    fig = figures.year_end(ind["id"], N)
    exact(fig.target, ye["target"])
    exact(figures.year_target(ind["id"]), ind["year_target"])
    exact(fig.realisation, ye["realisation"])
    if ye["status"] == "not_measured":
        assert fig.achievement.status is Status.NOT_MEASURED
        return
    exact(fig.achievement.value, ye["achievement"], ye.get("exact"))
    assert fig.achievement.value is not None and SCALE.classify(fig.achievement.value) == ye["category"]


def _lines(office: Office) -> dict[str, BudgetLine]:
    data = office.years[G["document"]["year"]].budget
    assert data is not None
    return {ln.code: ln for top in data.lines for ln in top.walk()}


BUDGET_ROWS = [*G["budget"]["lines"], *G["budget"]["programs"]]


@pytest.mark.parametrize("row", BUDGET_ROWS, ids=[str(r["code"]) for r in BUDGET_ROWS])
def test_budget_to_date_is_exact(row: dict[str, Any], office: Office, figures: FiguresAsOf) -> None:
    line = _lines(office)[str(row["code"])]
    tw1, tw2 = budget.amounts(line, through=1), budget.amounts(line, through=N)
    assert tw2.allocation == row["allocation"]
    assert tw1.realisation == row["q1"] and tw2.realisation == row["to_date"]
    exact(tw2.absorption, row["absorption"], row.get("exact"))
    exact(tw1.absorption, row["absorption_tw1"])
    # the review's figures are the same
    assert figures.budget_to_date(str(row["code"]), N) == tw2
    assert figures.budget_in_quarter(str(row["code"]), 1) == row["q1"]
    assert figures.budget_in_quarter(str(row["code"]), 2) == row["q2"]
    if "share" in row:
        data = office.years[G["document"]["year"]].budget
        assert data is not None
        exact(budget.share(tw2.allocation, budget.total(data.lines).allocation), row["share"])


def test_budget_total_and_classes(office: Office) -> None:
    data = office.years[G["document"]["year"]].budget
    assert data is not None
    total = G["budget"]["total"]
    a = budget.total(data.lines, through=N)
    assert (a.allocation, a.realisation) == (total["allocation"], total["to_date"])
    exact(a.absorption, total["absorption"], total["exact"])
    assert budget.total(data.lines, through=1).realisation == total["q1"]
    classes = budget.by_class(data.lines)
    for name, c in G["budget"]["classes"].items():
        got = classes[BudgetClass(name)]
        assert (got.allocation, got.realisation) == (c["allocation"], c["to_date"])


# ================================================================== the review of the printed report


def _planted(with_data: bool) -> list[tuple[str, str, str, Any, Any]]:
    out = []
    for p in G["planted_errors"]:
        if with_data:
            out.append((p["rule"], p["place"], p["figure"], p["printed"], p["correct"]))
        elif p["without_data"] is not None:
            w = p["without_data"]
            out.append((w["rule"], p["place"], p["figure"], p["printed"], w["correct"]))
    return out


def _warnings() -> list[tuple[str, str, str, Any, Any]]:
    return [
        ("PR-TW-04", w["place"], f"penyerapan s.d. TW {'I' * N} %", w["absorption"], w["elapsed"])
        for w in G["budget"]["absorption_warnings"]
    ]


def _same(value: Any, golden: Any) -> bool:
    if isinstance(golden, str) or isinstance(value, str):
        return str(value).casefold() == str(golden).casefold()
    return value is not None and Decimal(value) == dec(golden)


def _match(result: ReviewResult, expected: list[tuple[str, str, str, Any, Any]]) -> None:
    found = {(f.where, f.what): f for f in result.findings}
    assert len(found) == len(result.findings), "one finding per place and figure"
    wanted = {(place, figure): (rule, printed, correct) for rule, place, figure, printed, correct in expected}
    assert set(found) == set(wanted), (
        f"unexpected: {sorted(set(found) - set(wanted))}; missing: {sorted(set(wanted) - set(found))}"
    )
    for key, (rule, printed, correct) in wanted.items():
        f = found[key]
        assert f.rule == rule, (key, f.rule, rule)
        assert _same(f.printed, printed), (key, f.printed, printed)
        assert _same(f.correct, correct), (key, f.correct, correct)
        assert f.explanation, key


@pytest.fixture(scope="module")
def with_data(office: Office) -> ReviewResult:
    return review_printed(load(printed_seed_path(G["printed_report"])), office=office)


def test_every_planted_error_is_found_with_the_data(with_data: ReviewResult) -> None:
    _match(with_data, _planted(True) + _warnings())
    assert {f.severity for f in with_data.findings if f.rule == "PR-TW-04"} == {Severity.WARNING}
    assert with_data.checked > len(with_data.findings) and with_data.right > 200


def test_the_planted_errors_found_without_the_data() -> None:
    result = review_printed(load(printed_seed_path(G["printed_report"])))
    extra = [(e["rule"], e["place"], e["figure"], e["printed"], e["correct"]) for e in G["without_data_only"]]
    _match(result, _planted(False) + _warnings() + extra)


def _set(doc: dict[str, Any], path: str, value: Any) -> None:
    parts = [p for p in re.split(r"\.|\[(\d+)\]", path) if p]
    target: Any = doc
    for p in parts[:-1]:
        target = target[int(p)] if isinstance(target, list) else target[p]
    last = parts[-1]
    if isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value


def clean_document() -> dict[str, Any]:
    doc = parse_text(printed_seed_path(G["printed_report"]).read_text("utf-8"))
    fixed = copy.deepcopy(doc)
    for p in G["planted_errors"]:
        for path, value in p["fix"].items():
            _set(fixed, path, value if not isinstance(value, int) or isinstance(value, bool) else Decimal(value))
    return fixed


@pytest.mark.parametrize("data", [True, False], ids=["with-data", "printed-only"])
def test_the_corrected_report_has_no_finding_but_the_warnings(data: bool, office: Office) -> None:
    report = load_document(clean_document())
    result = review_printed(report, office=office if data else None)
    _match(result, _warnings())


def test_findings_name_the_quarter_and_say_why(with_data: ReviewResult) -> None:
    by_place = {(f.where, f.what): f for f in with_data.findings}
    earlier = by_place[("BAB III B (uraian) › belanja gaji dan tunjangan ASN", "realisasi")]
    assert "angka s.d. TW I, bukan s.d. TW II" in earlier.explanation
    zero = by_place[("Tabel 3.1 › IKM › TW I", "realisasi")]
    assert "0 dicetak" in zero.explanation and "belum diukur" in zero.explanation
    late = by_place[("Tabel 3.3 › 7.01.06.2.01.0001", "penyerapan s.d. TW II %")]
    assert "26,03 %" in late.explanation and "batas peringatan 20 poin" in late.explanation
    label = by_place[("Tabel 3.1 › PATEN tepat waktu › TW II", "kategori")]
    assert "tidak ada pada skala laporan" in label.explanation


@pytest.mark.parametrize(("lag", "expected"), [(Decimal(20), 4), (Decimal(30), 2), (Decimal(10), 8), (Decimal(50), 0)])
def test_the_absorption_threshold_is_a_setting(lag: Decimal, expected: int, office: Office) -> None:
    """Behind by more than ``lag`` points of the 50 % elapsed at TW II: below 50 − lag %."""
    result = review_printed(
        load(printed_seed_path(G["printed_report"])), office=office, settings=ReviewSettings(lag)
    )
    late = [f for f in result.findings if f.rule == "PR-TW-04"]
    assert len(late) == expected
    assert all(isinstance(f.printed, Decimal) and f.printed < 50 - lag for f in late)


def test_a_report_of_another_year_is_reviewed_on_its_printed_figures(office: Office) -> None:
    doc = parse_text(printed_seed_path(G["printed_report"]).read_text("utf-8"))
    doc["report"]["year"] = 2025
    result = review_printed(load_document(doc), office=office)
    notes = [f for f in result.findings if f.what == "data tahun"]
    assert len(notes) == 1 and notes[0].severity is Severity.WARNING
    assert not [f for f in result.findings if f.rule == "PR-TW-02" and f.what != "data tahun"]
