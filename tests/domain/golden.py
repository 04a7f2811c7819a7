"""Load the golden figures of the seed reports and recompute them with the domain engine.

The golden YAML files (``tests/data/golden``, copied from ``shared/golden``) are
read with every YAML float as the exact `Decimal` of its text, so ``67.6`` is
``Decimal("67.6")`` and never the binary float ``67.59999…``.

`recompute` is the single place where an ``arithmetic_checks`` entry is turned
into a call of a domain function; the tests compare its result with the golden
``computed`` value and the golden ``match`` flag.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from sakip.domain import budget, survey
from sakip.domain.aggregation import mean
from sakip.domain.errors import NumberParseError
from sakip.domain.measurement import CapPolicy, LowerFormula, Polarity, Status, achievement
from sakip.domain.numbers import parse_number, percentage, round_half_up
from sakip.domain.scales import KEMENPAN_5, LKJIP_4, PredicateScale

GOLDEN_DIR = Path(__file__).resolve().parent.parent / "data" / "golden"


class DecimalLoader(yaml.SafeLoader):
    """A SafeLoader that reads YAML floats as the exact Decimal of their text."""


def _construct_decimal(loader: yaml.SafeLoader, node: yaml.Node) -> Decimal:
    text = str(loader.construct_scalar(node)).replace("_", "")  # type: ignore[arg-type]
    return Decimal(text)


DecimalLoader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)


def load(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as fh:
        data = yaml.load(fh, Loader=DecimalLoader)  # a SafeLoader subclass
    assert isinstance(data, dict)
    return data


def _load_all() -> dict[str, dict[str, Any]]:
    files = sorted(GOLDEN_DIR.glob("*.yaml"))
    assert files, f"no golden files in {GOLDEN_DIR}"
    return {p.name.split("_", 1)[0]: load(p) for p in files}


_ALL = _load_all()

#: golden data of the three published annual reports by seed number ("000", "002", "003")
GOLDEN: dict[str, dict[str, Any]] = {k: v for k, v in _ALL.items() if v["document"]["period"] != "quarterly"}

#: golden data of the quarterly reference reports ("004": Kecamatan Karangsari, TW II 2024), whose
#: shape differs (figures per quarter, planted errors): tests/review/test_quarterly_golden.py
GOLDEN_QUARTERLY: dict[str, dict[str, Any]] = {k: v for k, v in _ALL.items() if k not in GOLDEN}

#: the preset that corresponds to each seed's printed scale (SPEC §4 "Predicate scales")
SCALES: dict[str, PredicateScale] = {"000": KEMENPAN_5, "002": LKJIP_4, "003": LKJIP_4}


def dec(value: Any) -> Decimal:
    """A golden number as Decimal (YAML ints stay ints when loaded)."""
    if isinstance(value, bool):
        raise TypeError(f"expected a number, got {value!r}")
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    raise TypeError(f"expected a number, got {value!r}")


def places(value: Decimal) -> int:
    """Decimal places written in the golden text (``67.6`` → 1, ``11`` → 0)."""
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    return max(0, -exponent)


def same_at_golden_precision(computed: Decimal, golden: Any) -> bool:
    """``round_half_up(computed, 2)`` equals the golden value (written with ≤ 2 places)."""
    g = dec(golden)
    return round_half_up(computed, max(2, places(g))) == g


# --------------------------------------------------------------------------- checks


def all_checks() -> Iterator[tuple[str, dict[str, Any]]]:
    for seed, data in GOLDEN.items():
        for check in data["arithmetic_checks"]:
            yield seed, check


def find_check(seed: str, check_id: str) -> dict[str, Any]:
    checks: list[dict[str, Any]] = GOLDEN[seed]["arithmetic_checks"]
    for check in checks:
        if check["id"] == check_id:
            return check
    raise KeyError(f"{seed}: no arithmetic check {check_id!r}")


def survey_002_printed() -> survey.SurveyResult:
    """Seed 002 Tabel 3.5: the 14 printed aspect scores (25–100) as one survey."""
    elements = GOLDEN["002"]["survey"]["elements"]
    instrument = survey.custom_instrument(
        [e["name"] for e in elements], survey.GradeTable.KEPMENPAN_25_2004, "Tabel 3.5 (14 aspek)"
    )
    return survey.from_element_values(
        instrument, {e["name"]: dec(e["printed_score"]) for e in elements}, converted=True
    )


ANSWER_LABELS_002 = ("Tidak Baik", "Kurang Baik", "Baik", "Sangat Baik")


def survey_002_distributions() -> survey.SurveyResult:
    """Seed 002 Tabel 3.5: the printed answer distributions (shares of answers 1–4)."""
    elements = GOLDEN["002"]["survey"]["elements"]
    instrument = survey.custom_instrument(
        [e["name"] for e in elements], survey.GradeTable.KEPMENPAN_25_2004, "Tabel 3.5 (14 aspek)"
    )
    return survey.from_distributions(
        instrument,
        {e["name"]: [dec(e["distribution_pct"][k]) for k in ANSWER_LABELS_002] for e in elements},
    )


# Counts whose members the engine can derive itself (seed 002 aspects): the check's
# inputs are names, and the engine recounts them from the printed aspect scores.
def _aspects_2004(letter: str) -> list[str]:
    return [e.name for e in survey_002_printed().elements if e.grade_2004.startswith(letter)]


_DOMAIN_COUNTS = {
    ("002", "aspect_count_sangat_baik_2004"): lambda: _aspects_2004("A"),
    ("002", "aspect_count_baik_2004"): lambda: _aspects_2004("B"),
    ("002", "aspect_count_kurang_2004"): lambda: _aspects_2004("C"),
    ("002", "aspects_below_mean"): lambda: [e.name for e in survey_002_printed().weakest],
}


def _sum(values: Sequence[Decimal]) -> Decimal:
    if all(v >= 0 for v in values):
        # amounts and counts: leaf budget lines, totalled by the budget module
        lines = [
            budget.BudgetLine(str(i), f"input {i}", budget.Level.SUB_ACTIVITY, allocation=v)
            for i, v in enumerate(values, start=1)
        ]
        return budget.total(lines).allocation
    # a sum of signed percentages (seed 000 Tabel 3.2 "JUMLAH %"): plain exact sum
    return sum(values, Decimal(0))


def recompute(seed: str, check: Mapping[str, Any]) -> Decimal:
    """Recompute one arithmetic check with the domain functions; the exact result."""
    kind = check["kind"]
    raw = check["inputs"]
    if kind == "count":
        domain_count = _DOMAIN_COUNTS.get((seed, check["id"]))
        if domain_count is not None:
            names = domain_count()
            assert sorted(names) == sorted(raw), f"{check['id']}: engine finds {names}, golden lists {raw}"
            return Decimal(len(names))
        return Decimal(len(raw))
    values = [dec(v) for v in raw]
    if kind == "sum":
        return _sum(values)
    if kind == "diff":
        a, b = values
        remaining = budget.Amounts(a, b).remaining
        assert remaining is not None
        return remaining
    if kind == "pct":
        part, whole = values
        return percentage(part, whole)
    if kind == "dev_pct":
        r, a = values
        d = budget.deviation(r, a)
        assert d is not None
        return d
    if kind == "mean":
        return mean(values)
    if kind in ("ach_higher", "ach_lower"):
        r, t = values
        polarity = Polarity.HIGHER_IS_BETTER if kind == "ach_higher" else Polarity.LOWER_IS_BETTER
        ach = achievement(t, r, polarity, cap=CapPolicy.NONE, lower_formula=LowerFormula.MIRROR)
        assert ach.status is Status.MEASURED and ach.raw is not None, ach
        return ach.raw
    if kind == "skm_x25_mean":
        names = [f"unsur {i}" for i in range(1, len(values) + 1)]
        result = survey.from_element_values(survey.custom_instrument(names), dict(zip(names, values, strict=True)))
        return result.index
    raise AssertionError(f"unknown check kind {kind!r}")


def printed_matches(printed: Any, computed: Decimal) -> bool | None:
    """Does the printed figure equal the computed one at the printed precision?

    ``None`` when nothing was printed. Printed text that is not a number at all
    (seed 000 prints ``94,81,04%``) cannot equal anything: ``False``.
    """
    if printed is None:
        return None
    if isinstance(printed, str):
        try:
            value = parse_number(printed, units=True)
        except NumberParseError:
            return False
    else:
        value = dec(printed)
    return round_half_up(computed, places(value)) == value
