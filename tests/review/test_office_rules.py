"""The review rules over an office-year (SPEC §8 list), on the seed datasets and edits of them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sakip.dataset.loader import load, load_document, parse_text, seed_path
from sakip.domain.review import Severity
from sakip.domain.review_rules import OfficeFacts, all_rules, review_office


def _doc(name: str) -> dict[str, Any]:
    doc = parse_text(seed_path(name).read_text("utf-8"))
    assert isinstance(doc, dict)
    return doc


def _year(doc: dict[str, Any], year: int) -> dict[str, Any]:
    found: dict[str, Any] = next(y for y in doc["years"] if y["year"] == year)
    return found


def _rules(result: Any, rule: str) -> list[Any]:
    return [f for f in result.findings if f.rule == rule]


def test_rule_ids_are_unique_and_every_rule_has_a_title() -> None:
    rules = all_rules()
    assert len({r.id for r in rules}) == len(rules)
    assert all(r.title and r.kind in ("office", "printed") for r in rules)


def test_below_target_needs_an_explanation() -> None:
    office = load(seed_path("kaliwates-2020"))
    findings = _rules(review_office(office, 2020), "OPD-PENJ-01")
    # T1.1 repeats S1.1 (84,50 %) without the explanation S1.1 carries
    assert [(f.place.split(" › ")[1], f.found) for f in findings] == [
        ("Indikator T1.1 Nilai Survey Kepuasan Masyarakat (SKM)", Decimal("84.5"))
    ]
    doc = _doc("kaliwates-2020")
    _year(doc, 2020)["indicators"]["T1.1"]["explanation"] = "Penyebab dan upaya perbaikan."
    assert not _rules(review_office(load_document(doc), 2020), "OPD-PENJ-01")


def test_iku_missing_from_the_pk_and_missing_realisation() -> None:
    doc = _doc("kaliwates-2020")
    year = _year(doc, 2020)
    for pk in year["performance_agreement"]:
        pk["targets"].pop("S2.1", None)
    del year["indicators"]["S2.1"]
    result = review_office(load_document(doc), 2020)
    pk_missing = _rules(result, "OPD-PK-01")
    assert pk_missing[0].place.split(" › ")[1].startswith("Indikator S2.1")
    assert pk_missing[0].severity is Severity.MAJOR and pk_missing[0].expected == Decimal(100)
    missing = _rules(result, "OPD-REAL-01")
    assert any("S2.1" in f.place and f.place.endswith("Realisasi 2020") for f in missing)


def test_pk_target_against_renstra_and_pk_programs_against_budget() -> None:
    kaloran = review_office(load(seed_path("kaloran-2020")), 2020)
    [pk_vs_plan] = _rules(kaloran, "OPD-PK-02")
    assert (pk_vs_plan.found, pk_vs_plan.expected) == (Decimal(100), Decimal(85))
    kaliwates = review_office(load(seed_path("kaliwates-2020")), 2020)
    [program] = _rules(kaliwates, "OPD-ANG-02")
    # golden 002: PK program 3 budget 6.560.268.500 vs the budget table's 6.560.718.500
    assert (program.found, program.expected) == (Decimal(6560268500), Decimal(6560718500))


def test_realisation_above_allocation() -> None:
    doc = _doc("kaliwates-2020")
    line = _year(doc, 2020)["budget"]["lines"][0]["children"][0]
    line["realisation"] = line["allocation"] + 1
    result = review_office(load_document(doc), 2020)
    [over] = _rules(result, "OPD-ANG-01")
    assert over.found == over.expected + 1 and over.place.endswith(line["name"])


def test_evidence_and_report_facts_from_the_adapter() -> None:
    office = load(seed_path("kandangserang-2021"))
    without = review_office(office, 2021, OfficeFacts(evidence={}, report_generated=False, report_approved=False))
    assert [f.place.rsplit(" › ", 1)[1] for f in _rules(without, "OPD-BUKTI-01")] == ["Bukti TW 4"]
    assert len(_rules(without, "OPD-LAP-01")) == 2
    with_all = review_office(
        office, 2021, OfficeFacts(evidence={"S1.1": frozenset({4})}, report_generated=True, report_approved=True)
    )
    assert not _rules(with_all, "OPD-BUKTI-01") and not _rules(with_all, "OPD-LAP-01")
    assert with_all.checked > len(with_all.findings)


def test_printed_figure_checks_come_from_the_scorecard_once() -> None:
    office = load(seed_path("kaloran-2020"))
    result = review_office(office, 2020)
    printed = _rules(result, "OPD-CETAK")
    from sakip.domain.scorecard import build_scorecard

    assert [(f.where, f.what) for f in printed] == [(f.where, f.what) for f in build_scorecard(office, 2020).findings]
