"""OPD-NARASI-01: one finding per LKjIP section of the year still empty or a draft carried over."""

from __future__ import annotations

from pathlib import Path

from sakip.dataset.loader import load
from sakip.domain.profile import LKJIP_KEYS, Narrative
from sakip.domain.review_rules import review_office

EXAMPLE = Path(__file__).parents[2] / "docs" / "examples" / "contoh-kecamatan.yaml"


def _findings(office: object, year: int) -> list[object]:
    result = review_office(office, year)  # type: ignore[arg-type]
    return [f for f in result.findings if f.rule == "OPD-NARASI-01"]


def test_a_finding_per_missing_or_draft_section() -> None:
    office = load(EXAMPLE)
    found = _findings(office, 2025)
    # the example's 2025 LKjIP has latar_belakang written and isu_strategis as a draft: 7 findings
    assert len(found) == len(LKJIP_KEYS) - 1
    where = {f.where: f for f in found}  # type: ignore[attr-defined]
    assert "LKjIP 2025 › Isu strategis" in where
    assert where["LKjIP 2025 › Isu strategis"].explanation.startswith("teks masih draf")  # type: ignore[attr-defined]
    assert "LKjIP 2025 › Latar belakang" not in where


def test_no_finding_when_every_section_is_written() -> None:
    office = load(EXAMPLE)
    office.years[2025].narratives["lkjip"] = {k: Narrative(f"Teks {k}.") for k in LKJIP_KEYS}
    assert _findings(office, 2025) == []
