"""The dataset format's budget: basis, amendments (APBD Perubahan), objective shares; every budget issue placed
in words (the line's code and name, the field) for pages, with its path kept for the dataset's author."""

from __future__ import annotations

import copy
import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from sakip.dataset import DatasetError, load_document
from sakip.dataset.loader import Issue, parse_text
from sakip.dataset.periods import changed_scopes
from sakip.domain.budget import Amendment, Basis
from sakip.domain.workflow import Scope

EXAMPLE = Path(__file__).parents[2] / "docs" / "examples" / "contoh-kecamatan.yaml"
PATH = re.compile(r"years\[\d+\]|lines\[\d+\]|children\[\d+\]")


@pytest.fixture()
def doc() -> dict[str, Any]:
    return parse_text(EXAMPLE.read_text("utf-8"))  # type: ignore[no-any-return]


def leaf_of(doc: dict[str, Any]) -> dict[str, Any]:
    return doc["years"][1]["budget"]["lines"][0]["children"][0]  # type: ignore[no-any-return]


def issues_of(doc: dict[str, Any]) -> list[Issue]:
    with pytest.raises(DatasetError) as info:
        load_document(doc)
    return info.value.issues


def test_basis_amendments_and_shares_are_read(doc: dict[str, Any]) -> None:
    line = leaf_of(doc)
    line.pop("allocation_original")
    line["allocation_original"] = 200_000_000
    line["allocation"] = 240_000_000
    line["amendments"] = [{"from_quarter": 3, "allocation": 240_000_000, "date": "2025-09-30", "reason": "APBD-P"}]
    line["realisation"] = 230_000_000
    line["basis"] = "quarter"  # the yearly figure is kept, the quarters count
    program = doc["years"][1]["budget"]["lines"][0]
    doc["plan"]["objectives"].append(copy.deepcopy(doc["plan"]["objectives"][0]) | {"id": "S2", "indicators": []})
    program["objectives"] = ["S1", "S2"]
    program["objective_shares"] = {"S1": 75, "S2": 25}
    office = load_document(doc)
    got = office.years[2025].budget
    assert got is not None
    b = got.lines[0].children[0]
    assert b.amendments == (Amendment(Decimal(240_000_000), 3, date(2025, 9, 30), "APBD-P"),)
    assert (b.basis, b.effective_basis, b.allocation_original) == (Basis.QUARTER, Basis.QUARTER, 200_000_000)
    assert got.lines[0].objective_shares == {"S1": 75, "S2": 25}


def test_budget_issues_are_placed_in_words(doc: dict[str, Any]) -> None:
    line = leaf_of(doc)
    line["realisation"] = -3  # schema: below the minimum
    bad = copy.deepcopy(doc)
    issues = issues_of(bad)
    assert [i.words() and i.words().render() for i in issues] == [  # type: ignore[union-attr]
        "anggaran 2025, baris 7.01.02.2.01 Koordinasi Penyelenggaraan Pemerintahan, realisasi setahun: "
        "-3 terlalu kecil (paling kecil 0)"
    ]
    assert str(issues[0]).startswith("years[1].budget.lines[0].children[0].realisation: ")  # the file's author
    assert (issues[0].year, issues[0].line) == (2025, "7.01.02.2.01")
    assert issues[0].on_row().render() == "realisasi setahun: -3 terlalu kecil (paling kecil 0)"

    line["realisation"] = 225_000_000  # with the quarters, no basis stated
    line["objectives"] = ["S9"]
    line["amendments"] = [{"from_quarter": 2, "allocation": 1, "date": "2025-02-30"}]
    doc["years"][1]["budget"]["lines"][0]["objective_shares"] = {"S1": 50}
    issues = issues_of(doc)
    words = [i.words().render() for i in issues]  # type: ignore[union-attr]
    assert words == [
        "anggaran 2025: 7.01.02 Program Penyelenggaraan Pemerintahan dan Pelayanan Publik: bagian per sasaran "
        "berjumlah 50, harus 100",
        "anggaran 2025, baris 7.01.02.2.01 Koordinasi Penyelenggaraan Pemerintahan, perubahan pagu mulai TW II: "
        "tanggal 2025-02-30 tidak sah",
        "anggaran 2025: 7.01.02.2.01 Koordinasi Penyelenggaraan Pemerintahan: pagu 240000000 tidak sama dengan "
        "pagu perubahan terakhir 1",
        "anggaran 2025, baris 7.01.02.2.01 Koordinasi Penyelenggaraan Pemerintahan, sasaran: sasaran S9 tidak ada "
        "dalam rencana strategis",
        "anggaran 2025, baris 7.01.02.2.01 Koordinasi Penyelenggaraan Pemerintahan, realisasi triwulan: isi "
        "realisasi per triwulan atau setahun, tidak keduanya (atau nyatakan yang berlaku)",
    ]
    assert not any(PATH.search(w) for w in words)
    assert {i.line for i in issues} == {"7.01.02", "7.01.02.2.01"}


def test_every_budget_issue_has_words(doc: dict[str, Any]) -> None:
    line = leaf_of(doc)
    line["objectives"] = ["S9"]
    line["class"] = "bl"  # mixed with the 2021 class of the year
    line["children"] = [{"code": "7.01.02.2.01", "name": "dua kali"}]
    doc["years"][1]["budget"]["classes"]["bl"] = {"allocation": 1}
    issues = issues_of(doc)
    assert issues
    for issue in issues:
        words = issue.words()
        assert words is not None, str(issue)
        assert not PATH.search(words.render()), words.render()


def test_an_amendment_touches_its_quarter_and_the_later_ones_only(doc: dict[str, Any]) -> None:
    leaf_of(doc).pop("allocation_original")  # a line without a stated "pagu murni" of its own
    before = copy.deepcopy(doc)
    line = leaf_of(doc)
    line["amendments"] = [{"from_quarter": 3, "allocation": 260_000_000, "date": "2025-09-30", "reason": "APBD-P"}]
    line["allocation_original"] = line["allocation"]  # as exported: the original moves to allocation_original …
    line["allocation"] = 260_000_000  # … and allocation is the amended one
    got = {(t.year, t.scope, t.quarter) for t in changed_scopes(before, doc)}
    assert got == {(2025, Scope.FROM_QUARTER, 3)}
    switched = copy.deepcopy(before)
    leaf_of(switched)["basis"] = "year"
    every_quarter = {(Scope.QUARTER, q) for q in (1, 2, 3, 4)}
    assert {(t.scope, t.quarter) for t in changed_scopes(before, switched)} == every_quarter
